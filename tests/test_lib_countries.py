"""Country harmonisation: exact multilingual lookup + alias table, never fuzzy."""

from pathlib import Path

import pandas as pd
import pytest
import yaml

from lib.countries import CountryResolver, fold
from lib.vocabulary import languages

ALIASES = "resources/country_aliases.csv"
CONFIG = yaml.safe_load((Path(__file__).parents[1] / "config.yaml").read_text(encoding="utf-8"))
LANGUAGES = languages(CONFIG["languages"]).codes  # the configured languages: en, es, fr, ar


@pytest.fixture(scope="module")
def resolver():
    return CountryResolver(ALIASES, languages=LANGUAGES)


def test_iso_names_are_read_in_the_configured_languages():
    # pycountry's Portuguese names are looked up once Portuguese is a configured language
    assert CountryResolver(ALIASES, languages=LANGUAGES).lookup("Alemanha") is None
    assert CountryResolver(ALIASES, languages=(*LANGUAGES, "pt")).lookup("Alemanha") == "DEU"


def test_fold_strips_case_accents_and_arabic_marks():
    assert fold("  MÉXICO ") == "mexico"
    assert fold("Côte  d'Ivoire") == "cote d'ivoire"
    assert fold("الولايات المتّحدة") == fold("الولايات المتحدة")  # shadda removed


@pytest.mark.parametrize(
    ("raw", "iso3"),
    [
        ("MX", "MEX"),  # Moodle stores alpha-2
        ("mex", "MEX"),
        ("Mexico", "MEX"),
        ("México", "MEX"),  # Spanish
        ("Mexique", "MEX"),  # French
        ("المكسيك", "MEX"),  # Arabic
        ("Perú", "PER"),
        ("PERU", "PER"),
        ("Estados Unidos", "USA"),
        ("États-Unis", "USA"),
        ("Etats-Unis", "USA"),
        ("الولايات المتحدة", "USA"),  # Arabic, typed without the shadda
        ("Países Bajos", "NLD"),
        ("Bolivia", "BOL"),  # ISO common name
        ("Equateur", "ECU"),
        ("Équateur", "ECU"),
        ("Ecuador", "ECU"),
    ],
)
def test_iso_names_in_four_languages(resolver, raw, iso3):
    assert resolver.lookup(raw) == iso3


@pytest.mark.parametrize(
    ("raw", "iso3"),
    [
        ("EEUU", "USA"),
        ("EE.UU.", "USA"),
        ("USA", "USA"),
        ("Congo (RDC)", "COD"),
        ("RDC", "COD"),
        ("DRC", "COD"),
        ("Holanda", "NLD"),
        ("UK", "GBR"),
        ("Kosovo", "XKX"),
        ("Palestina", "PSE"),
        ("Palestine", "PSE"),
        ("فلسطين", "PSE"),
    ],
)
def test_aliases(resolver, raw, iso3):
    assert resolver.lookup(raw) == iso3


def test_resolve_frame_blank_unknown_and_names(resolver):
    values = pd.Series(["Perú", "", None, "Narnia", "Niger", "  kosovo "], index=[10, 11, 12, 13, 14, 15])
    out = resolver.resolve(values)
    assert out.index.tolist() == [10, 11, 12, 13, 14, 15]
    assert out["iso3"].tolist()[:1] == ["PER"]
    assert pd.isna(out.loc[11, "iso3"]) and not out.loc[11, "unknown"]
    assert pd.isna(out.loc[12, "iso3"]) and not out.loc[12, "unknown"]
    assert pd.isna(out.loc[13, "iso3"]) and out.loc[13, "unknown"]
    assert out.loc[14, "iso3"] == "NER"  # exact: Niger is not Nigeria
    assert out.loc[15, "iso3"] == "XKX" and out.loc[15, "name_en"] == "Kosovo"
    assert out.loc[10, "name_en"] == "Peru"


def test_never_fuzzy(resolver):
    for near in ["Mexic", "Nigerr", "Korea", "Congo Republic", "Equador"]:
        assert resolver.lookup(near) is None, near


def test_ambiguous_iso_key_is_left_to_aliases(resolver):
    # "Congo" is the ISO name of COG; Spanish "Congo" too: unique, so it resolves
    assert resolver.lookup("Congo") == "COG"


def test_alias_table_contradicting_iso_is_an_error(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("alias,iso3,note\nMexico,ESP,wrong\n", encoding="utf-8")
    with pytest.raises(ValueError, match="contradicts ISO"):
        CountryResolver(p)
    p.write_text("alias,iso3,note\nFoo,ZZZ,not a code\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not an ISO alpha-3"):
        CountryResolver(p)
