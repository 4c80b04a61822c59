"""The two documents: the technical annex (definitions, denominators, rows set aside,
checksums, link to the audit), the Impact Story's "About these figures" in plain words,
and the cover of both (scripts/lib/report_annex.py, workflow/report/*.qmd)."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
import pytest
import yaml
from conftest import RESULTS, results_dir
from test_report_fixture import PROJECT, ROOT, load_config, quotes_frame, render
from test_report_render import visible_text

from lib.registry import load_registry
from lib.report_annex import (
    LevelNamer,
    annex_comparison,
    annex_inputs,
    annex_metrics,
    annex_quarantine,
    comparison_sentence,
    cover_metadata,
    editions_note,
    latest_record,
    quarantine_counts,
)
from lib.report_lint import typed_digits
from lib.report_markdown import escape_markdown
from lib.report_vars import Labels, language_names

REGISTRY_PATH = ROOT / "resources" / "metric_registry.yaml"
COLS = ["metric_id", "level", "value", "numerator", "denominator", "unit", "ci_low", "ci_high", "rank"]


def frame(rows):
    return pd.DataFrame([dict(zip(COLS, r, strict=True)) for r in rows])


def share(metric_id, level, num, den):
    return (metric_id, level, num / den, num, den, "share", None, None, None)


@pytest.fixture(scope="module")
def registry():
    return load_registry(REGISTRY_PATH)


@pytest.fixture(scope="module")
def namer():
    level_labels = yaml.safe_load(REGISTRY_PATH.read_text(encoding="utf-8"))["level_labels"]
    prose = yaml.safe_load((PROJECT / "labels.yml").read_text(encoding="utf-8"))
    labels = Labels(prose, None, language_names(load_config("2020")))
    return LevelNamer(level_labels, labels, {"ECU": "Ecuador", "MEX": "Mexico"}.__getitem__)


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    # a plain quote in Box 2 (the fixture's default one is an injection attempt shown as typed)
    return render(tmp_path_factory.mktemp("story"), quotes=quotes_frame("I trained my colleagues."))


@pytest.fixture(scope="module")
def annex(tmp_path_factory):
    return render(tmp_path_factory.mktemp("annex"), document="technical_annex.qmd")


def pdf_pages(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


# ------------------------------------------------------------------ registry texts


def test_every_metric_has_a_reader_text_without_codes(registry):
    for metric_id, metric in registry.items():
        reader = " ".join(str(metric.get("reader", "")).split())
        assert len(reader) > 30, metric_id
        assert reader.endswith("."), metric_id
        assert not re.search(r"[_`<>=]|\bLMS\b|\bISO\b", reader), (metric_id, reader)
        assert not any(other in reader for other in registry), (metric_id, reader)


def test_level_labels_name_every_code_the_annex_shows(namer):
    assert namer.name("status", "completion_vs_participation") == (
        "Issued a certificate of completion; eligible for a certificate of participation")
    assert namer.name("status", "none_vs_none") == "Issued no certificate; eligible for no certificate"
    assert namer.name("group", "respondents.gender=female") == "Linked respondents: gender, women"
    assert namer.name("group", "participants.language=es") == "All participants: edition language, Spanish"
    assert namer.name("gender", "not_recorded") == "Gender not recorded"
    assert namer.name("career_stage", "young_professional") == "Young professionals"
    assert namer.name("country", "ECU") == "Ecuador" and namer.name("language", "fr") == "French"
    assert namer.name("edition", "2020-EN1") == "2020\\-EN1"


# ------------------------------------------------------------------ annex blocks


def test_annex_metrics_define_count_and_show_values_without_codes(registry, namer):
    metrics = frame([
        ("participants_total", "", 1681, 1681, None, "count", None, None, None),
        share("gender_share", "female", 915, 1614), share("gender_share", "male", 617, 1614),
        ("certificates_reconciliation", "none_vs_none", 711, 711, None, "count", None, None, None),
        ("certificates_reconciliation", "completion_vs_participation", 8, 8, None, "count", None, None, None),
        ("application_rate", "", 0.8, 192, 240, "share", 0.751, 0.843, None),
        ("career_stage_share", "young_professional", 0.4, 96, 240, "share", 0.35, 0.46, 1),
        ("participants_by_country", "ECU", 230, 230, None, "count", None, None, 1),
        ("participants_by_country", "MEX", 181, 181, None, "count", None, None, 2),
    ])
    text = annex_metrics(registry, metrics, namer)
    for metric in registry.values():
        assert f"#### {escape_markdown(metric['label'])}\n" in text, metric["label"]
    gender = text.split("#### Share of participants by gender", 1)[1].split("####", 1)[0]
    assert "**Out of:** participants with a gender recorded" in gender
    assert "| Women | 57 per cent (915 of 1,614) |" in gender
    rate = text.split("#### Knowledge application rate\n", 1)[1].split("####", 1)[0]
    assert "**Value:** 80 per cent (192 of 240), interval 75–84 per cent." in rate
    assert "**Rounding:** whole per cent." in rate and "95 per cent confidence interval" in rate
    assert "**Values** (largest first): Ecuador 230; Mexico 181." in text
    assert "| Issued no certificate; eligible for no certificate | 711 |" in text
    assert "| Young professionals | 40 per cent (96 of 240) | 35–46 per cent |" in text
    assert "not computed for the editions covered" in text  # e.g. the survey metrics absent here
    for code in ("none_vs_none", "young_professional", "ECU", "participants_total", "`"):
        assert code not in text


def test_annex_inputs_withhold_the_name_of_a_note_without_consent(tmp_path):
    (tmp_path / "interviews").mkdir()
    hidden, shown = tmp_path / "interviews" / "ana-perez.yaml", tmp_path / "interviews" / "bo-li.yaml"
    hidden.write_bytes(b"consent_to_publish: false\n")
    shown.write_bytes(b"consent_to_publish: true\n")
    table = annex_inputs([str(hidden), str(shown)], withheld={str(hidden)})
    assert "ana-perez" not in table and hashlib.sha256(hidden.read_bytes()).hexdigest() in table
    assert "(file name withheld: the interviewee did not consent to publication)" in table
    assert f"`{shown.as_posix()}`" in table


def test_annex_lists_rows_set_aside_by_file(tmp_path):
    header = "source,line,reason,record\n"
    (tmp_path / "a.csv").write_text(header + "x,3,bad,r\nx,9,bad,r\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(header, encoding="utf-8")
    counts = quarantine_counts([str(tmp_path / "b.csv"), str(tmp_path / "a.csv")])
    assert counts == [((tmp_path / "a.csv").as_posix(), 2), ((tmp_path / "b.csv").as_posix(), 0)]
    text = annex_quarantine(counts)
    assert text.startswith("2 rows were set aside") and f"| `{(tmp_path / 'a.csv').as_posix()}` | 2 |" in text
    assert "b.csv" not in text
    assert annex_quarantine([("b.csv", 0)]).startswith("No row was set aside")


def comparison_metrics():
    return frame([
        share("respondents_linked", "", 150, 240),
        share("respondent_comparison", "respondents.certificate=completion", 83, 150),
        share("respondent_comparison", "participants.certificate=completion", 471, 1681),
        share("respondent_comparison", "respondents.gender=female", 88, 146),
        share("respondent_comparison", "participants.gender=female", 915, 1614),
        share("respondent_comparison", "respondents.language=es", 50, 150),
        share("respondent_comparison", "participants.language=es", 461, 1681),
        share("respondent_comparison", "respondents.language=en", 100, 150),
        share("respondent_comparison", "participants.language=en", 1220, 1681),
    ])


def test_comparison_sentence_and_table(namer):
    assert comparison_sentence(comparison_metrics(), namer) == (
        "The survey answers of 63 per cent of respondents could be matched, through the e-mail address they "
        "gave, to their course record. Of these respondents, 55 per cent had earned a certificate of "
        "completion, against 28 per cent of all participants; 60 per cent were women, against 57 per cent; and "
        "33 per cent had taken an edition taught in Spanish, against 27 per cent. Respondents were thus more "
        "often people who had completed the course, and the survey figures describe them rather than every "
        "participant.")
    table = annex_comparison(comparison_metrics(), namer)
    assert "| Certificate | A certificate of completion | 55 (83 of 150) | 28 (471 of 1,681) |" in table
    assert "| Edition language | Spanish | 33 (50 of 150) | 27 (461 of 1,681) |" in table
    assert comparison_sentence(pd.DataFrame(columns=COLS), namer).startswith("No respondent could be matched")


def test_editions_note_says_why_the_story_counts_ten():
    config = load_config("2020")
    claims = yaml.safe_load((ROOT / "published" / "claims.yaml").read_text(encoding="utf-8"))
    assert editions_note(config, claims) == (
        "The course records list eleven editions: five in English, three in Spanish, two in Arabic and one in "
        "French. The published Impact Story says the course ran ten times, although its own counts by language "
        "add up to eleven; this report follows the records.")
    same = {"claims": [{"check": "config_editions", "where": {}, "value": 11}]}
    assert editions_note(config, same).endswith("one in French.")
    assert editions_note(config, None).endswith("one in French.")


# ------------------------------------------------------------------ cover


def test_cover_date_comes_from_the_data_or_the_config_never_the_clock():
    config = load_config("2020")
    meta = cover_metadata(config, date(2021, 5, 21), True)
    assert meta["cover-date"] == "May 2021"
    assert meta["cover-data"] == ("Data\\: four course editions launched March to October 2020\\; records and "
                                  "survey answers up to May 2021")
    assert "UNHCR" in meta["cover-partners"] and "UNCTAD" in meta["cover-organizations"]
    assert meta["abstract-title"] == "Credits" and meta["author"][0] == meta["cover-organizations"]
    dated = dict(config, report=dict(config["report"], date="2021-06-30"))
    assert cover_metadata(dated, date(2021, 5, 21), True)["cover-date"] == "30 June 2021"
    scope_2021 = cover_metadata(load_config("2021"), None, False)
    assert scope_2021["cover-data"] == "Data\\: seven course editions launched February to November 2021"
    assert scope_2021["cover-date"] == "November 2021"


def test_latest_record_reads_every_date_column():
    a = pd.DataFrame({"time_enrolled": pd.to_datetime(["2020-03-01", None]),
                      "completion_date": pd.to_datetime(["2020-12-18", "2020-05-01"])})
    b = pd.DataFrame({"submitted": pd.to_datetime(["2021-05-21 05:39:40"])})
    assert latest_record([a, b]) == date(2021, 5, 21)
    assert latest_record([pd.DataFrame({"x": pd.to_datetime([])})]) is None


def test_config_schema_accepts_data_or_a_day_for_the_cover_date():
    from snakemake.exceptions import WorkflowError
    from snakemake.utils import validate

    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    for good in ("data", "2021-06-30"):
        validate(dict(config, report=dict(config["report"], date=good)), str(ROOT / "schemas/config.schema.yaml"))
    for bad in ("today", "2021-13-01", "30 June 2021"):
        with pytest.raises(WorkflowError):
            validate(dict(config, report=dict(config["report"], date=bad)), str(ROOT / "schemas/config.schema.yaml"))


# ------------------------------------------------------------------ rendered documents


def test_annex_has_definitions_denominators_checksums_and_the_audit_link(annex):
    page, pdf, build = annex
    text = visible_text(page)
    assert "The number of people enrolled as learners in the editions covered" in text  # plain words
    assert "Out of: participants with a gender recorded" in text  # a denominator
    assert "Value: 80 per cent (192 of 240), interval 75–84 per cent." in text
    digest = hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    assert f"raw/export.csv 8 {digest}" in text  # the fixture's input file, size and SHA-256
    assert '<a href="../audit/claims.html">claims page</a>' in page
    assert "No row was set aside" in text
    assert "Linked respondents (%)" in text and "55 (83 of 150)" in text
    assert "application_rate" in text.split("Reference for auditors", 1)[1]  # ids only in the reference table
    assert "application_rate" not in text.split("Reference for auditors", 1)[0]
    pages = pdf_pages(pdf)
    assert "TECHNICAL ANNEX" in pages[0] and "May 2021" in pages[0]
    assert any(digest in p for p in pages)


def test_impact_story_text_has_no_ids_codes_backticks_or_hashes(story, registry):
    page, pdf, _ = story
    text = visible_text(page)
    words = set(re.findall(r"[\w.=`-]+", text))
    assert [m for m in registry if m in words] == []
    assert not [w for w in words if re.search(r"[a-z]_[a-z]|=|`", w)]
    assert "sha256" not in text.lower() and "sha-256" not in text.lower()
    assert "not published" not in text and "How these figures were produced" not in text


def test_about_page_has_its_numbers_on_one_pdf_page(story):
    page, pdf, _ = story
    about = visible_text(page).split("About these figures", 2)[2]  # after the table of contents
    for expected in (
        "The survey received 240 answers, from 14 per cent of the participants",
        "55 per cent had earned a certificate of completion, against 28 per cent of all participants",
        "a 95 per cent confidence interval",
        "80 per cent of respondents applied what they learnt, with an interval of 75–84 per cent",
        "The published Impact Story says the course ran ten times, although its own counts by language add up "
        "to eleven",
    ):
        assert expected in about, expected
    assert '<a href="technical_annex.html">technical annex</a>' in page
    pages = pdf_pages(pdf)
    about_pages = [i for i, p in enumerate(pages) if "About these figures" in p and "Sources." in p]
    assert about_pages == [len(pages) - 1] and "More detail." in pages[-1]
    assert "UNHCR" in pages[0] and "Credits:" in pages[0] and "May 2021" in pages[0]


def test_annex_prose_has_no_typed_figures_or_metric_ids(registry):
    text = (PROJECT / "technical_annex.qmd").read_text(encoding="utf-8")
    assert typed_digits(text) == []
    body = text.split("-->", 1)[1]
    assert [m for m in registry if m in body] == []


@pytest.mark.e2e
def test_real_annex_from_the_default_data(workflow_run, registry):
    report = results_dir(workflow_run) / "report"
    text = visible_text((report / "technical_annex.html").read_text(encoding="utf-8"))
    metrics = results_dir(workflow_run) / "metrics" / "metrics.csv"
    assert f"{RESULTS}/metrics/metrics.csv {Path(metrics).stat().st_size:,} " \
           f"{hashlib.sha256(metrics.read_bytes()).hexdigest()}" in text
    assert "55 (71 of 128)" in text and "28 (470 of 1,681)" in text
    assert (report / "technical_annex.pdf").read_bytes().startswith(b"%PDF-")
    story = visible_text((report / "impact_story.html").read_text(encoding="utf-8"))
    assert "from 14 per cent of the participants" in story and "against 28 per cent" in story
    words = set(re.findall(r"[\w.=`-]+", story))
    assert [m for m in registry if m in words] == [] and "`" not in story and "sha-256" not in story.lower()
