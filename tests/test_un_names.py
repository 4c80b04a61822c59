"""UN country names (issue 15, point 4): the vendored UNSD M49 table, lib.countries.UnNames,
and every place a reader sees a country (report text, Box 2, case studies, Figure 1
notes, the rendered Impact Story)."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pandas as pd
import pycountry
import pytest
import yaml
from conftest import results_dir

from lib.countries import EXTRA_CODES, UN_NAMES_OUTSIDE_M49, UnNames, read_un_m49
from lib.report_blocks import box2_quotes, case_studies, figure1_note
from lib.report_vars import participation_text
from lib.survey_metrics import box2_quotes as build_quotes

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "resources" / "un_m49.csv"
UN = UnNames(TABLE)

# ISO alpha-3 -> the name UN documents use (UNSD M49), for the forms most often got wrong
USUAL_SUSPECTS = {
    "RUS": "Russian Federation",
    "KOR": "Republic of Korea",
    "VNM": "Viet Nam",
    "IRN": "Iran (Islamic Republic of)",
    "SYR": "Syrian Arab Republic",
    "TZA": "United Republic of Tanzania",
    "BOL": "Bolivia (Plurinational State of)",
    "VEN": "Venezuela (Bolivarian Republic of)",
    "MDA": "Republic of Moldova",
    "PSE": "State of Palestine",
    "TUR": "Türkiye",
    "COD": "Democratic Republic of the Congo",
    "LAO": "Lao People's Democratic Republic",
    "PRK": "Democratic People's Republic of Korea",
    "GBR": "United Kingdom of Great Britain and Northern Ireland",
    "USA": "United States of America",
    "CIV": "Côte d’Ivoire",
    "CZE": "Czechia",
}

# Common English forms that are not the UN's, as they could appear where a country is
# named. Each pattern leaves the UN form alone ("Russian Federation" does not match
# "Russia\b"; "Republic of Moldova" is excluded by the look-behind).
NON_UN_FORMS = {
    "Russia": r"\bRussia\b",
    "South Korea": r"\bSouth Korea\b",
    "Vietnam": r"\bVietnam\b",
    "Iran": r"\bIran\b(?! \(Islamic Republic of\))",
    "Syria": r"\bSyria\b",
    "Tanzania": r"(?<!United Republic of )\bTanzania\b",
    "Bolivia": r"\bBolivia\b(?! \(Plurinational State of\))",
    "Venezuela": r"\bVenezuela\b(?! \(Bolivarian Republic of\))",
    "Moldova": r"(?<!Republic of )\bMoldova\b",
    "Palestine": r"(?<!State of )\bPalestine\b",
    "Turkey": r"\bTurkey\b",
    "Congo, The Democratic Republic of the": r"\bCongo, The Democratic Republic\b|\bDR Congo\b|\bDRC\b",
    "Laos": r"\bLaos\b",
    "North Korea": r"\bNorth Korea\b",
    "Czech Republic": r"\bCzech Republic\b",
    "Ivory Coast": r"\bIvory Coast\b",
}


def non_un_forms(text: str) -> list[str]:
    """The non-UN country forms found in `text` (names of NON_UN_FORMS), sorted."""
    return sorted(form for form, pattern in NON_UN_FORMS.items() if re.search(pattern, text))


# ------------------------------------------------------------------ the names themselves
@pytest.mark.parametrize("iso3,name", sorted(USUAL_SUSPECTS.items()))
def test_usual_suspects_have_their_un_names(iso3, name):
    assert UN(iso3) == name
    assert non_un_forms(name) == []


def test_codes_outside_m49_have_documented_names_and_others_raise():
    assert UN("TWN") == "Taiwan Province of China"
    assert UN("XKX") == "Kosovo (under Security Council resolution 1244 (1999))"
    assert set(UN_NAMES_OUTSIDE_M49) == {"TWN", "XKX"}
    with pytest.raises(KeyError, match=r"'ZZZ'.*un_m49\.csv"):
        UN("ZZZ")


def test_non_un_forms_are_caught_and_un_forms_pass():
    text = "Russia, South Korea, Vietnam, Iran, Syria, Tanzania, Bolivia, Venezuela, Moldova, Palestine and Turkey"
    assert non_un_forms(text) == sorted(
        ["Russia", "South Korea", "Vietnam", "Iran", "Syria", "Tanzania", "Bolivia", "Venezuela", "Moldova",
         "Palestine", "Turkey"]
    )
    assert non_un_forms(", ".join(USUAL_SUSPECTS.values())) == []
    assert non_un_forms("Venezuelan migrants in the Russian Federation") == []


# ------------------------------------------------------------------ the vendored table
def test_vendored_table_is_well_formed_sorted_utf8():
    raw = TABLE.read_bytes()
    raw.decode("utf-8")  # raises if not UTF-8
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw and raw.endswith(b"\n")
    with TABLE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["m49", "iso2", "iso3", "name"]
    codes = [r["m49"] for r in rows]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    for col in ("iso2", "iso3"):
        filled = [r[col] for r in rows if r[col]]
        assert len(set(filled)) == len(filled), col
    names = read_un_m49(TABLE)
    assert len(names) == 248
    # the codes agree with ISO 3166-1 (pycountry): numeric = M49, alpha-2 and alpha-3 of one entry
    for r in rows:
        c = pycountry.countries.get(alpha_3=r["iso3"])
        assert c is not None and (c.numeric, c.alpha_2) == (r["m49"], r["iso2"]), r


@pytest.mark.parametrize(
    "body,words",
    [
        ("m49,iso2,iso3,name\n004,AF,AFG,Afghanistan\n008,AL,AFG,Albania\n", "'AFG' is malformed or appears twice"),
        ("m49,iso2,iso3,name\n004,AF,AFG,Afghanistan\n004,AL,ALB,Albania\n", "'004' is not three digits"),
        ("m49,iso2,iso3,name\n4,AF,AFG,Afghanistan\n", "'4' is not three digits"),
        ("m49,iso2,iso3,name\n004,AF,AFG,\n", "is empty"),
        ("m49,iso2,iso3,name\n004,AF,,Afghanistan\n", "one without the other"),
        ("code,iso3,name\n004,AFG,Afghanistan\n", "header must be"),
    ],
)
def test_a_broken_table_stops_naming_the_line(tmp_path, body, words):
    path = tmp_path / "m49.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(words)):
        read_un_m49(path)


def test_an_area_without_iso_codes_is_kept_out_of_the_lookup(tmp_path):
    path = tmp_path / "m49.csv"
    path.write_text("m49,iso2,iso3,name\n004,AF,AFG,Afghanistan\n680,,,Sark\n", encoding="utf-8")
    assert read_un_m49(path) == {"AFG": "Afghanistan"}


def project_codes() -> dict[str, set[str]]:
    """Every ISO alpha-3 code the project can produce: the map geometry, the alias table,
    the codes outside ISO the resolver accepts, and ISO 3166-1 itself (the resolver's keys)."""
    from lib.worldmap import load_geometry

    geo = load_geometry(ROOT / "resources" / "geo" / "countries-50m.json")
    with (ROOT / "resources" / "country_aliases.csv").open(encoding="utf-8", newline="") as fh:
        aliases = {r["iso3"].strip().upper() for r in csv.DictReader(fh)}
    return {
        "geometry": set(geo["iso3"].dropna()),
        "aliases": aliases,
        "extra": set(EXTRA_CODES),
        "iso3166": {c.alpha_3 for c in pycountry.countries},
    }


def test_every_code_the_project_uses_has_a_un_name():
    from_table = read_un_m49(TABLE)
    for source, codes in project_codes().items():
        assert codes, source
        unnamed = sorted(c for c in codes if c not in from_table and c not in UN_NAMES_OUTSIDE_M49)
        assert unnamed == [], f"{source}: no UN name for {unnamed}"
        assert all(UN(c) for c in codes)
    # the fallbacks are used only where M49 has no row
    assert not set(UN_NAMES_OUTSIDE_M49) & set(from_table)


# ------------------------------------------------------------------ where readers see them
def _metrics(rows):
    cols = ["metric_id", "level", "value", "numerator", "denominator", "unit", "ci_low", "ci_high", "rank"]
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows])


def test_top_countries_sentence_uses_un_names():
    m = _metrics([("participants_by_country", iso, n, n, None, "count", None, None, rank)
                  for rank, (iso, n) in enumerate([("RUS", 9), ("KOR", 8), ("VNM", 7), ("IRN", 1)], 1)])
    text = participation_text(m, UN)["countries_top"]
    assert text == "Russian Federation, Republic of Korea and Viet Nam"


def test_figure1_note_uses_un_names_in_alphabetical_order():
    notes = pd.DataFrame({"iso3": ["PSE", "QAT", "MDA", "CIV"], "participants": ["4", "3", "2", "5"]})
    text = figure1_note(notes, UN)
    assert "Côte d’Ivoire (5), Qatar (3), Republic of Moldova (2) and State of Palestine (4).\n" in text


def interview_note(**changes) -> dict:
    """A real interview note of the default data (raw/interviews/), with `changes`."""
    note = yaml.safe_load((ROOT / "raw" / "interviews" / "william-ramirez.yaml").read_text(encoding="utf-8"))
    return {**note, "consent_to_publish": True, **changes}


def test_case_study_countries_use_un_names():
    # the byline names the country of residence from its code; the narrative is the
    # evaluator's own text
    text = case_studies([interview_note(country="MDA", origin_country="SYR", years_in_host_country=3)], UN, {})
    assert "Republic of Moldova" in text
    assert non_un_forms(text) == []


def test_a_code_without_a_un_name_stops_the_report():
    with pytest.raises(KeyError, match="ZZZ"):
        case_studies([interview_note(country="ZZZ")], UN, {})


def test_box2_attribution_uses_the_un_name_of_the_respondents_country():
    followup = pd.DataFrame({
        "response_id": ["EN-1", "ES-2"], "consent_quote": ["yes", "yes"], "example": ["I did it.", "Lo hice."],
        "sector": ["ngo", "ngo"], "country_iso3": ["VEN", "BOL"],
        "country_name": ["Venezuela", "Bolivia"],  # the resolver's label: not what the reader sees
        "form_language": ["en", "es"],
    })
    quotes = build_quotes(followup, [{"response_id": "EN-1"}, {"response_id": "ES-2"}], {"ngo": "NGO officer"}, UN)
    assert quotes["country"].tolist() == ["Venezuela (Bolivarian Republic of)", "Bolivia (Plurinational State of)"]
    block = box2_quotes(quotes, UN)
    assert "NGO officer, Venezuela \\(Bolivarian Republic of\\)" in block
    assert non_un_forms(block.replace("\\", "")) == []


# ------------------------------------------------------------------ the rendered report
def page_text(path: Path) -> str:
    """The visible text of an HTML page (no tags, scripts, styles; entities decoded)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def report_problems(results: Path) -> list[str]:
    """Non-UN country forms in the rendered report pages (results/report/*.html, the
    respondents' own words in Box 2 left out) and in the country columns of the tables
    and notes a reader sees."""
    quotes_csv = results / "tables" / "box2_quotes.csv"
    quotes = pd.read_csv(quotes_csv, dtype=str, keep_default_na=False) if quotes_csv.exists() else pd.DataFrame()
    problems = []
    for page in sorted((results / "report").glob("*.html")):
        text = page_text(page)
        for words in [*quotes.get("text", []), *quotes.get("translation", [])]:
            if words.strip():
                text = text.replace(re.sub(r"\s+", " ", words).strip(), " ")
        problems += [f"{page.name}: {f}" for f in non_un_forms(text)]
    notes = pd.read_csv(results / "figures" / "figure1_notes.csv", dtype=str, keep_default_na=False)
    problems += [f"figure1_notes.csv: {f}" for f in non_un_forms(" | ".join(notes["country_name"]))]
    problems += [f"box2_quotes.csv: {f}" for f in non_un_forms(" | ".join(quotes.get("country", [])))]
    return problems


@pytest.mark.e2e
def test_rendered_report_names_countries_the_un_way(workflow_run):
    results = results_dir(workflow_run)
    assert (results / "report" / "impact_story.html").is_file()
    assert report_problems(results) == []
    # the default data has participants from these countries and the report pages list
    # every participant country, so the check above had them to read
    text = " ".join(page_text(p) for p in (results / "report").glob("*.html"))
    assert "Russian Federation" in text and "Viet Nam" in text and "State of Palestine" in text
