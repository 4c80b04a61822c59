"""Reading a survey export through the codebook: harmonise, staging schema, validation
report, quarantine, clean schema and Box 2 quotes (hand-made frames)."""

import json
from pathlib import Path

import pandas as pd
import pytest
from test_codebook import OPTIONS, QUESTIONS

from lib.codebook import Codebook, harmonise, quarantine_table, stage_export
from lib.countries import UnNames
from lib.survey_metrics import QuoteError, box2_quotes
from lib.validation import ValidationFailed
from schemas.survey import staging_schema

FORMAT = "%Y-%m-%d %H:%M:%S"


@pytest.fixture
def cb():
    return Codebook.from_frames(QUESTIONS, OPTIONS)


def export(rows, language="es"):
    headers = list(QUESTIONS.loc[QUESTIONS.instrument == "followup", f"label_{language}"])
    df = pd.DataFrame(rows, columns=headers)
    df["_line"] = range(2, len(df) + 2)
    return df


def test_harmonise_spanish_form(cb):
    raw = export(
        [
            ["ES-1", "Sí", "Falta de fondos;Falta de tiempo", "70"],
            ["ES-2", "Aún no, sin oportunidad", "", ""],
        ]
    )
    coded, issues = harmonise(raw, cb, "followup", "es", date_format=FORMAT)
    assert issues.empty
    assert coded["applied"].tolist() == ["yes", "no_opportunity"]
    assert coded["attribution"].iloc[0] == 70.0 and pd.isna(coded["attribution"].iloc[1])
    assert coded.loc[0, ["challenges__funding", "challenges__time", "challenges__hierarchy"]].tolist() == [
        True,
        True,
        False,
    ]
    assert coded.loc[1, ["challenges__funding"]].isna().all()
    staging_schema(cb, "followup").validate(coded, lazy=True)


def test_bad_number_and_unknown_label_are_reported(cb, tmp_path):
    raw = export([["ES-1", "Yes", "", "setenta"], ["ES-2", "Sí", "", "150"]])
    report = tmp_path / "report.csv"
    with pytest.raises(ValidationFailed) as err:
        stage_export(
            raw,
            cb,
            "followup",
            "es",
            schema=staging_schema(cb, "followup"),
            date_format=FORMAT,
            separator=";",
            source="raw/survey/f-es.csv",
            rule="stage_followup",
            report_path=str(report),
            on_invalid="stop",
        )
    rep = err.value.report
    by_check = {r.check: r for r in rep.itertuples()}
    assert by_check["known_label"].line == 2 and by_check["known_label"].value == "Yes"
    assert "Spanish" in by_check["known_label"].message
    assert by_check["parse_number"].value == "setenta"
    assert by_check["less_than_or_equal_to(100.0)"].line == 3  # 150 > codebook max
    assert set(rep.file) == {"raw/survey/f-es.csv"}
    assert "raw/survey/f-es.csv:2" in str(err.value)


def test_quarantine_keeps_the_good_rows_and_masks_emails(cb, tmp_path):
    raw = export([["ES-1", "Sí", "", "50"], ["ES-2", "Sí", "", "150"]])
    valid, bad = stage_export(
        raw,
        cb,
        "followup",
        "es",
        schema=staging_schema(cb, "followup"),
        date_format=FORMAT,
        separator=";",
        source="f.csv",
        rule="r",
        report_path=str(tmp_path / "rep.csv"),
        on_invalid="quarantine",
    )
    assert valid["response_id"].tolist() == ["ES-1"]
    assert bad["_line"].tolist() == [3]
    table = quarantine_table(bad.assign(**{"ID de respuesta": "x@y.org"}), "f.csv", mask_columns=("ID de respuesta",))
    assert json.loads(table.iloc[0]["record"])["ID de respuesta"] == "(withheld: personal data, see line 3 of f.csv)"
    assert "must be at most" in table.iloc[0]["reason"]


def test_unknown_header_stops(cb, tmp_path):
    raw = export([["ES-1", "Sí", "", "50"]]).rename(columns={"Desafíos": "Retos"})
    with pytest.raises(ValidationFailed, match="header line"):
        stage_export(
            raw,
            cb,
            "followup",
            "es",
            schema=staging_schema(cb, "followup"),
            date_format=FORMAT,
            separator=";",
            source="f.csv",
            rule="r",
            report_path=str(tmp_path / "rep.csv"),
            on_invalid="quarantine",
        )


def test_duplicate_response_id_is_refused(cb):
    raw = export([["ES-1", "Sí", "", "50"], ["ES-1", "No", "", ""]])
    coded, _ = harmonise(raw, cb, "followup", "es", date_format=FORMAT)
    with pytest.raises(Exception, match="field_uniqueness|unique"):
        staging_schema(cb, "followup").validate(coded, lazy=True)


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
