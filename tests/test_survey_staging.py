"""Staging a survey export through its XLSForm: staging schema, validation report,
quarantine, stop on a Kobo option-column disagreement, clean schema and Box 2 quotes. The
exports are the hand-typed fixtures of test_codebook.py (Kobo CSV, Moodle feedback
download)."""

import json
from pathlib import Path

import pandas as pd
import pytest
from test_codebook import (
    EVAL_CHOICES,
    EVAL_SURVEY,
    FEEDBACK_TEXT,
    KOBO_CSV_TEXT,
    LANGUAGES,
    feedback_export,
    kobo_export,
    xlsform,
)

from lib.codebook import Codebook, harmonise_feedback, harmonise_kobo, quarantine_table, stage_export
from lib.countries import UnNames
from lib.survey_metrics import QuoteError, box2_quotes
from lib.validation import ValidationFailed
from schemas.survey import followup_clean_schema, staging_schema

FORMAT = "%Y-%m-%dT%H:%M:%S"


@pytest.fixture
def form(tmp_path):
    return Codebook.read(xlsform(tmp_path / "form.xlsx"), "followup", email_question="email")


def stage(raw, form, tmp_path, on_invalid="stop", source="raw/survey/followup.csv"):
    coded, issues = harmonise_kobo(raw, form, date_format=FORMAT, language_question="form_language")
    return stage_export(
        raw,
        coded,
        issues,
        schema=staging_schema(form, "followup"),
        source=source,
        title=f"{source}: the header line does not match the XLSForm",
        rule="stage_followup",
        report_path=str(tmp_path / "report.csv"),
        on_invalid=on_invalid,
    )


def test_kobo_export_stages_and_validates(form, tmp_path):
    valid, bad = stage(kobo_export(tmp_path), form, tmp_path)
    assert bad.empty and len(valid) == 3
    assert str(valid["submitted"].dtype).startswith("datetime64")
    assert valid["email"].tolist()[0] == "ana@example.net"  # staging keeps it; clean drops it
    clean_cols = set(followup_clean_schema(form, ["2020-EN1"], LANGUAGES.codes).columns)
    assert "email" not in clean_cols and "form_language" in clean_cols


def test_disagreement_stops_naming_file_and_line(form, tmp_path):
    text = KOBO_CSV_TEXT.replace('"hierarchy";"0";"0";"1"', '"hierarchy";"0";"1";"0"')
    with pytest.raises(ValidationFailed) as err:
        stage(kobo_export(tmp_path, text), form, tmp_path)
    assert "raw/survey/followup.csv:4" in str(err.value) and "disagree with its summary cell" in str(err.value)


def test_bad_number_and_out_of_range_are_reported(form, tmp_path):
    text = KOBO_CSV_TEXT.replace('"0";"70";', '"0";"setenta";').replace('"1";"";"";"Chile"', '"1";"150";"";"Chile"')
    with pytest.raises(ValidationFailed) as err:
        stage(kobo_export(tmp_path, text), form, tmp_path)
    by_check = {r.check: r for r in err.value.report.itertuples()}
    assert by_check["parse_number"].line == 2 and by_check["parse_number"].value == "setenta"
    assert by_check["less_than_or_equal_to(100.0)"].line == 4  # 150 > the constraint's bound


def test_quarantine_keeps_the_good_rows_and_masks_emails(form, tmp_path):
    text = KOBO_CSV_TEXT.replace('"no";"";"";"";"";"";"";"Perú"', '"no";"";"";"";"";"999";"x@y.org";"Perú"')
    raw = kobo_export(tmp_path, text)
    valid, bad = stage(raw, form, tmp_path, on_invalid="quarantine", source="f.csv")
    assert valid["response_id"].tolist() == ["EN-0002", "EN-0001"]
    assert bad["_line"].tolist() == [3]
    table = quarantine_table(bad, "f.csv", mask_columns=("email",))
    assert json.loads(table.iloc[0]["record"])["email"] == "(withheld: personal data, see line 3 of f.csv)"
    assert "must be at most" in table.iloc[0]["reason"] or "less_than" in table.iloc[0]["reason"]


def test_unknown_header_stops_even_with_quarantine(form, tmp_path):
    raw = kobo_export(tmp_path).rename(columns={"applied": "Applied"})
    with pytest.raises(ValidationFailed, match="header line"):
        stage(raw, form, tmp_path, on_invalid="quarantine")


def test_duplicate_response_number_is_refused(tmp_path):
    cb = Codebook.read(xlsform(tmp_path / "eval.xlsx", EVAL_SURVEY, EVAL_CHOICES), "evaluation")
    raw = feedback_export(tmp_path, FEEDBACK_TEXT.replace("727,", "719,"))
    coded, issues = harmonise_feedback(raw, cb, "es", response_number="Respuesta número")
    assert issues.empty
    with pytest.raises(Exception, match="field_uniqueness|unique"):
        staging_schema(cb, "evaluation").validate(coded, lazy=True)


FOLLOWUP = pd.DataFrame(
    {
        "response_id": ["ES-0007", "EN-0012", "EN-0013", "EN-0014"],
        "consent_quote": ["yes", "yes", "no", None],
        "example": ["He mejorado la entrevista.", "I trained NGOs.", "secret", "x"],
        "sector": ["government", "international_organization", "ngo", "ngo"],
        "country_iso3": ["MEX", "COD", "PER", "CHL"],
        "country_name": ["Mexico", "Congo, The Democratic Republic of the", "Peru", "Chile"],
        "form_language": ["es", "en", "en", "en"],
    }
)
ROLES = {"government": "Government officer", "international_organization": "Officer in an international organization"}
UN_NAMES = UnNames(Path(__file__).resolve().parents[1] / "resources" / "un_m49.csv")


def test_box2_quotes_in_config_order():
    out = box2_quotes(
        FOLLOWUP,
        [{"response_id": "EN-0012"}, {"response_id": "ES-0007", "translation": "I improved the interview."}],
        ROLES,
        UN_NAMES,
    )
    assert out["response_id"].tolist() == ["EN-0012", "ES-0007"]
    # the country is the UN name of country_iso3, not the resolver's country_name
    assert out.iloc[0]["country"] == "Democratic Republic of the Congo"
    assert out.iloc[1].tolist() == [
        "ES-0007",
        "Government officer",
        "Mexico",
        "es",
        "He mejorado la entrevista.",
        "I improved the interview.",
    ]
    assert out.iloc[0]["translation"] == ""


@pytest.mark.parametrize(
    "rid,words",
    [("EN-0013", "did not consent"), ("EN-0014", "did not consent"), ("XX-0001", "no follow-up response")],
)
def test_box2_refuses_non_consenting_or_unknown(rid, words):
    with pytest.raises(QuoteError, match=words):
        box2_quotes(FOLLOWUP, [{"response_id": "EN-0012"}, {"response_id": rid}], ROLES, UN_NAMES)


def test_row_problems_name_file_and_line():
    from lib.codebook import row_problems

    df = pd.DataFrame({"source_file": ["a.csv", "b.csv"], "_line": [4, 9], "country": ["Mexiko", "Peru"]})
    rows = row_problems(df, pd.Series([True, False]), "country", "known_country", lambda v: f"unknown {v}")
    assert rows == [
        dict(file="a.csv", line=4, column="country", value="Mexiko", check="known_country", message="unknown Mexiko")
    ]
