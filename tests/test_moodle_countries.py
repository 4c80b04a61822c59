"""Moodle's own country names (language packs en, es, fr, ar) resolve exactly to ISO codes.

The vendored table is resources/moodle_countries.csv (source, versions and licence in
resources/moodle_countries.md); the names come from the language packs' countries.php,
which Moodle's get_list_of_countries() shows in report-builder and participants downloads.
"""

import csv
from collections import Counter

import pycountry
import pytest

from lib.countries import MOODLE_COUNTRIES, CountryResolver

ALIASES = "resources/country_aliases.csv"


@pytest.fixture(scope="module")
def resolver():
    return CountryResolver(ALIASES, languages=("en", "es", "fr", "ar"))  # as config.yaml declares them


def _table():
    with open(MOODLE_COUNTRIES, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_vendored_table_has_every_iso_code_in_each_language():
    rows = _table()
    iso2 = {c.alpha_2 for c in pycountry.countries}
    for lang in ("en", "es", "fr", "ar"):
        full_list = [r for r in rows if r["lang"] == lang and r["source"].startswith("LP ")]
        # the complete list of one pack version, plus older or newer names of a few codes
        counts = Counter(r["version"] for r in full_list)
        version, n = counts.most_common(1)[0]
        assert n == len(iso2) == 249, (lang, counts)
        assert {r["code"] for r in full_list if r["version"] == version} == iso2, lang


@pytest.mark.parametrize("lang", ["en", "es", "fr", "ar"])
def test_every_moodle_name_resolves_to_its_code(resolver, lang):
    rows = [r for r in _table() if r["lang"] == lang]
    assert len(rows) >= 249
    wrong = []
    for r in rows:
        expected = pycountry.countries.get(alpha_2=r["code"]).alpha_3
        got = resolver.lookup(r["name"])
        if got != expected:
            wrong.append((r["code"], r["name"], got))
    assert wrong == []


@pytest.mark.parametrize(
    ("raw", "iso3"),
    [
        # written by hand from the facts sheet, section 6 (LP <lang>/countries.php)
        ("Irán (República Islámica de)", "IRN"),  # es
        ("Corea (República Popular Democrática de)", "PRK"),  # es
        ("Micronesia ( Estados Federados de)", "FSM"),  # es, with Moodle's inner space
        ("Moldavia (República de Moldavia)", "MDA"),  # es
        ("Holanda", "NLD"),  # es
        ("Swazilandia", "SWZ"),  # es
        ("El Vaticano", "VAT"),  # es
        ("Tanzania", "TZA"),  # es, packs up to 3.x
        ("كوريا (جمهورية)", "KOR"),  # ar
        ("فلسطين (دولة)", "PSE"),  # ar
        ("تنزانيا، الجمهورية المتحدة", "TZA"),  # ar
        ("État plurinational de Bolivie", "BOL"),  # fr
        ("Iran (République islamique d’)", "IRN"),  # fr, typographic apostrophe
        ("République bolivarienne du Venezuela", "VEN"),  # fr
        ("Turkey", "TUR"),  # en 4.x still writes Turkey
        ("Korea (the Republic of)", "KOR"),  # en
        ("Tanzania, the United Republic of", "TZA"),  # en
        ("Virgin Islands (U.S.)", "VIR"),  # en
        ("Venezuela, Bolivarian Republic Of", "VEN"),  # en, packs up to 3.x
        ("Swaziland", "SWZ"),  # en, packs up to 3.x
        # older stored copies (resources/moodle_countries.md)
        ("Macedonia, The Former Yugoslav Republic Of", "MKD"),  # en 3.6
        ("San Cristóbal Nevis", "KNA"),  # es 2.8
        ("Moldovia ( República de)", "MDA"),  # es 3.8
    ],
)
def test_facts_sheet_names(resolver, raw, iso3):
    assert resolver.lookup(raw) == iso3


def test_still_no_fuzzy_match(resolver):
    # near misses of Moodle names stay unknown
    for near in ["Corea", "Irán (República Islámica)", "Korea (Republic of)", "Swasilandia", "كوريا"]:
        assert resolver.lookup(near) is None, near


def _write(tmp_path, rows):
    p = tmp_path / "moodle.csv"
    p.write_text("lang,code,name,version,source\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return p


def test_a_name_shared_by_two_codes_stops_loading(tmp_path):
    # the same name (after folding) for two countries in two languages
    p = _write(tmp_path, ["en,GN,Guinea Nueva,4.4,test", "es,PG,guinea  nueva,4.4,test"])
    with pytest.raises(ValueError, match=r"'guinea nueva' is ambiguous: GIN at line 2.*PNG at line 3"):
        CountryResolver(ALIASES, p)


def test_a_name_contradicting_iso_stops_loading(tmp_path):
    p = _write(tmp_path, ["es,ES,México,4.4,test"])
    with pytest.raises(ValueError, match="line 2 .*-> ESP contradicts ISO lookup -> MEX"):
        CountryResolver(ALIASES, p)


def test_a_bad_code_stops_loading(tmp_path):
    p = _write(tmp_path, ["en,XX,Narnia,4.4,test", "en,GBR,Britain,4.4,test"])
    with pytest.raises(ValueError, match="'XX', not an ISO alpha-2 code.*'GBR', not an ISO alpha-2"):
        CountryResolver(ALIASES, p)


def test_an_alias_contradicting_a_moodle_name_stops_loading(tmp_path):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,iso3,note\nCorea (República de),PRK,wrong\n", encoding="utf-8")
    with pytest.raises(ValueError, match="contradicts Moodle's country name -> KOR"):
        CountryResolver(aliases)


def test_without_the_moodle_table_its_names_are_unknown(tmp_path):
    # the table is what makes them resolve (the test above would pass without it otherwise)
    r = CountryResolver(ALIASES, _write(tmp_path, []))
    assert r.lookup("Irán (República Islámica de)") is None
    assert r.lookup("كوريا (جمهورية)") is None
    assert r.lookup("Mexico") == "MEX"
