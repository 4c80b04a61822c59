"""lib.validation: pandera failures become readable report rows with file lines."""

import json

import pandas as pd
import pandera.pandas as pa
import pytest

from lib.validation import (
    ValidationFailed,
    failed_report_path,
    format_problem,
    found_headers,
    is_personal,
    must_withhold,
    quarantine_table,
    report_errors,
    shown,
    validate,
    withheld,
)

SCHEMA = pa.DataFrameSchema(
    {
        "role": pa.Column(str, pa.Check.isin(["Student", "Teacher"], error="is not a role label of this site")),
        "grade": pa.Column(str, pa.Check.str_matches(r"^(-|\d+(\.\d+)?)$", error="is not a grade or '-'")),
    },
    strict=False,
)


def frame():
    return pd.DataFrame(
        {"role": ["Student", "Alumno", "Teacher"], "grade": ["12.5", "x", "-"], "_line": [2, 4, 5]},
        index=[0, 1, 2],
    )


def test_clean_frame_writes_header_only_report(tmp_path):
    df = frame().iloc[[0, 2]]
    rep = tmp_path / "r.csv"
    valid, quarantined = validate(df, SCHEMA, source_file="raw/p.csv", rule="stage_lms", report_path=rep)
    assert len(valid) == 2 and len(quarantined) == 0
    assert rep.read_text() == "file,line,column,value,check,message,rule\n"


def test_stop_names_file_line_column_value_and_rule(tmp_path):
    rep = tmp_path / "r.csv"
    with pytest.raises(ValidationFailed) as exc:
        validate(frame(), SCHEMA, source_file="raw/p.csv", rule="stage_lms", report_path=rep)
    msg = str(exc.value)
    assert "2 problems in raw/p.csv" in msg
    assert "raw/p.csv:4, column 'role', value 'Alumno': is not a role label of this site [stage_lms]" in msg
    assert "raw/p.csv:4, column 'grade', value 'x': is not a grade or '-' [stage_lms]" in msg
    report = pd.read_csv(rep)
    assert report[["line", "column", "value"]].values.tolist() == [[4, "grade", "x"], [4, "role", "Alumno"]]
    assert (tmp_path / "r.failed.csv").exists()  # survives Snakemake's removal of outputs


def test_quarantine_returns_good_rows_and_reasons(tmp_path):
    rep = tmp_path / "r.csv"
    valid, bad = validate(
        frame(), SCHEMA, source_file="p.csv", rule="stage_lms", report_path=rep, on_invalid="quarantine"
    )
    assert valid["_line"].tolist() == [2, 5]
    assert bad["_line"].tolist() == [4]
    assert "Alumno" in bad["reason"].iloc[0] and "grade" in bad["reason"].iloc[0]
    assert not (tmp_path / "r.failed.csv").exists()


def test_missing_column_always_stops_even_in_quarantine(tmp_path):
    with pytest.raises(ValidationFailed, match="required column is missing"):
        validate(
            frame().drop(columns="grade"),
            SCHEMA,
            source_file="p.csv",
            rule="r",
            report_path=tmp_path / "r.csv",
            on_invalid="quarantine",
        )


def test_extra_errors_join_the_report(tmp_path):
    df = frame().iloc[[0, 2]]
    extra = [
        {
            "line": 5,
            "column": "country",
            "value": "Narnia",
            "check": "known_country",
            "message": "unknown country: add it to resources/country_aliases.csv",
        }
    ]
    with pytest.raises(ValidationFailed, match="p.csv:5, column 'country', value 'Narnia'"):
        validate(df, SCHEMA, source_file="p.csv", rule="clean_lms", report_path=tmp_path / "r.csv", extra_errors=extra)
    valid, bad = validate(
        df,
        SCHEMA,
        source_file="p.csv",
        rule="clean_lms",
        report_path=tmp_path / "r.csv",
        extra_errors=extra,
        on_invalid="quarantine",
    )
    assert valid["_line"].tolist() == [2] and bad["_line"].tolist() == [5]


def test_message_truncates_after_20_with_pointer(tmp_path):
    rows = [
        {"file": "f.csv", "line": i, "column": "c", "value": str(i), "check": "k", "message": "bad"}
        for i in range(2, 32)
    ]
    with pytest.raises(ValidationFailed) as exc:
        report_errors(rows, rule="r", report_path=tmp_path / "r.csv")
    msg = str(exc.value)
    assert msg.count("\n  - ") == 20
    assert f"... and 10 more, see {tmp_path / 'r.failed.csv'}" in msg
    assert len(pd.read_csv(tmp_path / "r.csv")) == 30


def test_report_errors_no_rows_is_clean(tmp_path):
    rep = report_errors([], rule="r", report_path=tmp_path / "r.csv")
    assert len(rep) == 0
    assert (tmp_path / "r.csv").read_text().startswith("file,line,column")


# -- personal data never leaves the cleaning stage ------------------------------------

PERSONAL_ROWS = [
    {"file": "raw/c.csv", "line": 7, "column": "email", "value": "Ana.Diaz@Mail.org", "check": "email_in_participants",
     "message": "e-mail 'Ana.Diaz@Mail.org' is not an account of this edition"},
    {"file": "raw/p.csv", "line": 3, "column": "", "value": "1,adiaz,Ana,Diaz", "check": "field_count",
     "message": "record has 4 fields but the header has 13"},
    {"file": "raw/p.csv", "line": 4, "column": "last_name", "value": "Diaz", "check": "x", "message": "bad"},
    {"file": "raw/s.csv", "line": 5, "column": "Correo (opcional)", "value": "b@c.org", "check": "y", "message": "m"},
    {"file": "raw/p.csv", "line": 6, "column": "country", "value": "Atlantis", "check": "known_country",
     "message": "unknown country"},
]


def test_personal_values_are_withheld_in_report_file_and_message(tmp_path):
    rep = tmp_path / "clean.csv"
    with pytest.raises(ValidationFailed) as exc:
        report_errors(PERSONAL_ROWS, rule="clean_lms", report_path=rep)
    message = str(exc.value)
    for text in (message, rep.read_text(), failed_report_path(rep).read_text()):
        for personal in ("Ana.Diaz@Mail.org", "adiaz", "Diaz", "b@c.org"):
            assert personal not in text, (personal, text)
    assert "raw/c.csv:7, column 'email', value '(withheld: personal data, see line 7 of raw/c.csv)'" in message
    assert "e-mail '(withheld: personal data, see line 7 of raw/c.csv)' is not an account" in message
    assert "value '(withheld: personal data, see line 5 of raw/s.csv)'" in message  # an e-mail in any column
    assert "raw/p.csv:6, column 'country', value 'Atlantis': unknown country" in message  # the rest is shown
    values = exc.value.report.set_index("line")["value"]
    assert values[3] == "(withheld: personal data, see line 3 of raw/p.csv)" and values[4].startswith("(withheld")


def test_withheld_without_a_line_names_the_file():
    assert withheld("raw/p.csv") == "(withheld: personal data, see raw/p.csv)"
    assert withheld("raw/p.csv", 12) == "(withheld: personal data, see line 12 of raw/p.csv)"
    assert is_personal("username", "x") and is_personal("note", "write to a@b.org") and not is_personal("note", "ok")


def test_quarantine_table_withholds_personal_columns_and_sorts_by_line():
    bad = pd.DataFrame(
        {
            "first_name": ["Ana", "Bo"],
            "email": ["a@b.org", ""],
            "Correo": ["c@d.org", None],
            "grade": ["25", "x"],
            "_line": [9, 4],
            "reason": ["too high", "not a grade"],
        }
    )
    table = quarantine_table(bad, "grades", file="raw/g.csv", personal=("Correo",))
    assert table["line"].tolist() == [4, 9] and table["reason"].tolist() == ["not a grade", "too high"]
    first, second = (json.loads(r) for r in table["record"])
    assert first == {"first_name": "(withheld: personal data, see line 4 of raw/g.csv)", "email": "", "Correo": None,
                     "grade": "x"}
    assert second["email"] == second["Correo"] == "(withheld: personal data, see line 9 of raw/g.csv)"
    assert "Ana" not in table.to_csv() and second["grade"] == "25"


def test_one_problem_is_singular(tmp_path):
    with pytest.raises(ValidationFailed, match=r"^Validation failed: 1 problem in raw/p\.csv\."):
        report_errors(PERSONAL_ROWS[-1:], rule="clean_lms")


def test_the_guard_shows_only_values_of_columns_known_to_be_non_personal():
    assert not must_withhold("country", "Atlantis") and not must_withhold("grade", "25.00")
    assert must_withhold("first_name", "Ana") and must_withhold("id_number", "A123")  # personal columns
    assert must_withhold("Correo", "x", personal=("Correo",))  # a column the caller names personal
    assert must_withhold("", "Ana Díaz") and must_withhold(None, "Ana") and must_withhold(float("nan"), "Ana")
    assert must_withhold("occupation", "Lawyer", "field_count")  # a whole record, whatever the column
    assert must_withhold("", "17;Ana", "header_row")  # a first line that may be a data row
    assert must_withhold("note", "write to ana@b.org")  # an e-mail anywhere
    assert not must_withhold("email", "Email address", "column_in_file")  # a header name
    assert must_withhold("email", "ana@b.org", "column_in_file")  # ... unless it is an e-mail


def test_shown_and_found_headers_go_through_the_guard():
    assert shown("Atlantis", column="country", file="raw/p.csv", line=4) == "Atlantis"
    assert shown("Ana", column="", file="raw/p.csv", line=4) == "(withheld: personal data, see line 4 of raw/p.csv)"
    assert shown(None, column="", file="raw/p.csv", line=4) is None
    held = withheld("raw/p.csv", 4)
    assert shown(held, column="", file="raw/p.csv", line=4) == held  # never withheld twice
    assert found_headers(["ID", "País"], "raw/p.csv", 1) == "'ID', 'País'"
    assert found_headers(["ID", "ana@b.org"], "raw/p.csv", 1) == "'ID', (withheld: personal data, see line 1 of raw/p.csv)"


def test_a_report_value_with_no_column_is_withheld_in_message_report_and_console(tmp_path):
    rows = [dict(file="raw/p.csv", line=3, column="", value="Ana Díaz;Lawyer", check="csv_syntax",
                 message="cell 'Ana Díaz;Lawyer' is broken")]  # fmt: skip
    rep = tmp_path / "r.csv"
    with pytest.raises(ValidationFailed) as exc:
        report_errors(rows, rule="stage_lms", report_path=rep)
    for text in (str(exc.value), rep.read_text(), failed_report_path(rep).read_text()):
        assert "Ana" not in text and "(withheld: personal data, see line 3 of raw/p.csv)" in text
    line = format_problem({**rows[0], "rule": "stage_lms"})
    assert line == (
        "raw/p.csv:3, value '(withheld: personal data, see line 3 of raw/p.csv)': cell '(withheld: personal data, "
        "see line 3 of raw/p.csv)' is broken [stage_lms]"
    )
