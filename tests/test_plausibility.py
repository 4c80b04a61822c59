"""Issue 14, classes 4 and 5: plausibility checks of the LMS exports (schemas/lms.py) and
the quarantine limit (lib.validation.quarantine_limit_problem), on small hand-made frames."""

import pandas as pd
import pytest
import yaml

from lib.validation import ValidationFailed, quarantine_limit_problem, stack_files, validate
from schemas.lms import (
    TOTAL_TOLERANCE,
    course_total_errors,
    date_errors,
    plausibility_errors,
    raw_schema,
)

CONFIG = yaml.safe_load(open("config.yaml", encoding="utf-8"))


def site(name):
    """The site_params dict common.smk builds for a site (dates resolved from langconfig)."""
    cfg = CONFIG["sites"][name]
    lc = cfg["langconfig"]
    exports = {
        s: {**e, "date_format": lc.get(e.get("dates"), e.get("dates"))} for s, e in CONFIG["moodle_exports"].items()
    }
    return {**cfg, "exports": exports, "missing_grade": "-", "grade_max": CONFIG["certificates"]["grade_max"]}


def grades(rows):
    """Grade rows: (module 1..5, course total) as the export writes them; lines from 2."""
    cols = [f"module_{i}" for i in range(1, 6)] + ["course_total"]
    df = pd.DataFrame(rows, columns=cols, dtype="string")
    df.insert(0, "email", [f"p{i}@x.org" for i in range(len(df))])
    df["last_downloaded"] = "1592992800"  # 2020-06-24 10:00 UTC
    df["_line"] = range(2, 2 + len(df))
    return df


# ---------------------------------------------------------------- (a) course total = sum of modules
def test_course_total_within_the_rounding_tolerance_passes():
    df = grades(
        [
            ["10.00", "12.50", "15.00", "20.00", "8.00", "65.50"],  # exact
            ["10.01", "12.51", "15.01", "20.00", "8.00", "65.56"],  # sum 65.53, off by 0.03: Moodle's rounding
            ["-", "-", "-", "-", "-", "-"],  # nothing attempted
            ["18.00", "-", "-", "-", "-", "18.00"],  # one module attempted
        ]
    )
    assert course_total_errors(df, file="g.csv") == []
    assert TOTAL_TOLERANCE == 0.03  # raw/README.md, grades.csv: "may differ ... by up to 0.03"


def test_course_total_off_by_half_a_point_is_reported_with_line_and_sum():
    df = grades(
        [
            ["10.00", "12.50", "15.00", "20.00", "8.00", "65.50"],
            ["10.00", "12.50", "15.00", "20.00", "8.00", "66.00"],  # sum 65.50, off by 0.50
            ["10.00", "12.50", "15.00", "20.00", "8.00", "65.54"],  # off by 0.04: beyond 0.03
        ]
    )
    errors = course_total_errors(df, file="g.csv")
    assert [(e["line"], e["column"], e["value"], e["check"]) for e in errors] == [
        (3, "course_total", "66.00", "course_total_is_sum"),
        (4, "course_total", "65.54", "course_total_is_sum"),
    ]
    assert "sum of the module grades (65.50)" in errors[0]["message"]
    assert "differs by 0.50" in errors[0]["message"] and "export the grades again" in errors[0]["message"]


def test_course_total_missing_although_a_module_is_graded():
    df = grades([["12.00", "-", "-", "-", "-", "-"]])
    (error,) = course_total_errors(df, file="g.csv")
    assert error["line"] == 2 and error["value"] == "-" and "their sum is 12.00" in error["message"]


def test_course_total_check_leaves_malformed_grades_to_the_schema():
    df = grades([["abc", "12.50", "15.00", "20.00", "8.00", "65.50"]])
    assert course_total_errors(df, file="g.csv") == []


def test_course_total_off_stops_or_quarantines_like_any_row_error(tmp_path):
    df = grades(
        [
            ["10.00", "12.50", "15.00", "20.00", "8.00", "65.50"],
            ["10.00", "12.50", "15.00", "20.00", "8.00", "66.00"],
        ]
    )
    s = site("en")
    df = df.rename(columns={})  # raw schema columns: the en grade headers
    for col in s["headers"]["grades"]:
        if col not in df.columns:
            df.insert(0, col, "")
    extra = [{**e, "rule": "stage_lms"} for e in plausibility_errors(df, "grades", s, file="g.csv", edition="E", start=None)]
    schema = raw_schema("grades", s)
    with pytest.raises(ValidationFailed, match=r"g.csv:3, column 'course_total', value '66.00'"):
        validate(df, schema, source_file="g.csv", rule="stage_lms", report_path=tmp_path / "r.csv", extra_errors=extra)
    good, bad = validate(
        df,
        schema,
        source_file="g.csv",
        rule="stage_lms",
        report_path=tmp_path / "r.csv",
        extra_errors=extra,
        on_invalid="quarantine",
    )
    assert good["_line"].tolist() == [2] and bad["_line"].tolist() == [3]
    assert "not the sum of the module grades" in bad["reason"].iloc[0]


# ---------------------------------------------------------------- (b) certificate code format
@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("aB3dE5fG7h", True),  # random_string(10): [A-Za-z0-9]
        ("0123-4567-8901", True),  # codegenerationmethod 1: %04d-%04d-%04d
        ("aB3dE5fG7", False),  # 9 characters
        ("aB3dE5fG7h!", False),  # a character random_string() never writes
        ("0123-4567-89O1", False),  # a letter O in the digits form
        ("0123 4567 8901", False),  # spaces instead of hyphens
    ],
)
def test_certificate_code_must_be_a_mod_customcert_code(tmp_path, code, ok):
    df = pd.DataFrame(
        {
            "full_name": ["A B"],
            "email": ["a@b.org"],
            "issued_on": ["2020-04-8 09:00"],
            "code": [code],
            "certificate": ["completion"],
            "_line": [2],
        },
        dtype="string",
    ).astype({"_line": "int64"})
    schema = raw_schema("certificates", site("en"))
    if ok:
        validate(df, schema, source_file="c.csv", rule="t", report_path=tmp_path / "r.csv")
        return
    with pytest.raises(ValidationFailed) as exc:
        validate(df, schema, source_file="c.csv", rule="t", report_path=tmp_path / "r.csv")
    text = str(exc.value)
    assert f"c.csv:2, column 'code', value '{code}'" in text
    assert "not a certificate code of mod_customcert" in text and "download the certificate report again" in text


# ---------------------------------------------------------------- (c) dates against start and the export
def test_completion_dates_before_start_or_too_late_are_reported():
    # en strftimedatetimeshort '%d/%m/%y, %H:%M'; start 2020-03-16, bound 365 days -> 2021-03-16
    df = pd.DataFrame(
        {
            "course_complete": ["16/03/20, 00:00", "15/03/20, 23:59", "", "17/03/21, 09:00", "29/05/20, 23:25"],
            "_line": [2, 3, 4, 5, 6],
        }
    )
    errors = date_errors(df, "completion", site("en"), file="c.csv", edition="2020-EN1", start="2020-03-16")
    assert [(e["line"], e["check"]) for e in errors] == [(3, "date_on_or_after_start"), (5, "date_before_export")]
    assert "before the course opened on 2020-03-16 (editions.2020-EN1.start" in errors[0]["message"]
    assert "366 days after the course opened" in errors[1]["message"]
    assert "carries no export date" in errors[1]["message"] and "max_days_after_start (365)" in errors[1]["message"]


def test_the_bound_after_start_is_configurable():
    df = pd.DataFrame({"issued_on": ["2020-04-30 10:00", "2020-05-02 10:00"], "_line": [2, 3]})
    errors = date_errors(
        df, "certificates", site("en"), file="c.csv", edition="E", start="2020-03-16", max_days_after_start=46
    )
    assert [e["line"] for e in errors] == [3]  # 47 days after start


def test_enrolment_before_start_is_normal_but_not_years_later():
    df = pd.DataFrame(
        {
            "time_enrolled": ["Thursday, 19 March 2020, 1:27 AM", "Monday, 2 March 2020, 9:00 AM", "Tuesday, 1 June 2100, 9:00 AM"],
            "_line": [2, 3, 4],
        }
    )
    errors = date_errors(df, "participants", site("en"), file="p.csv", edition="E", start="2020-03-16")
    assert [(e["line"], e["check"]) for e in errors] == [(4, "date_before_export")]


def test_grade_export_made_before_the_course_opened_is_file_level():
    df = grades([["10.00", "-", "-", "-", "-", "10.00"]])  # exported 2020-06-24
    assert date_errors(df, "grades", site("en"), file="g.csv", edition="E", start="2020-06-01") == []
    (error,) = date_errors(df, "grades", site("en"), file="g.csv", edition="E", start="2020-07-06")
    assert error["line"] is None and error["check"] == "exported_after_start"
    assert "made on 2020-06-24" in error["message"] and "before the course opened on 2020-07-06" in error["message"]


def test_no_start_no_date_check():
    df = pd.DataFrame({"course_complete": ["15/03/20, 23:59"], "_line": [2]})
    assert date_errors(df, "completion", site("en"), file="c.csv", edition="E", start=None) == []


def test_extra_errors_of_stacked_files_find_their_own_row(tmp_path):
    """Lines repeat across the files of a batch: a plausibility error quarantines the row of
    its own file only."""
    import pandera.pandas as pa

    a = pd.DataFrame({"x": ["1", "2"], "_line": [2, 3]})
    b = pd.DataFrame({"x": ["3", "4"], "_line": [2, 3]})
    schema = pa.DataFrameSchema({"x": pa.Column(str)})
    extra = [{"file": "b.csv", "line": 3, "column": "x", "value": "4", "check": "c", "message": "m"}]
    good, bad = validate(
        stack_files([a, b]),
        schema,
        source_file="a.csv, b.csv",
        files=["a.csv", "b.csv"],
        rule="t",
        report_path=tmp_path / "r.csv",
        extra_errors=extra,
        on_invalid="quarantine",
    )
    assert bad.index.tolist() == [(1, 1)] and good["x"].tolist() == ["1", "2", "3"]


# ---------------------------------------------------------------- class 4: the quarantine limit
def test_a_file_that_loses_every_record_stops_by_default():
    text = quarantine_limit_problem("g.csv", 4, 4, max_share=None, quarantine_file="q.failed.csv")
    assert text.startswith("g.csv: 4 records read, 4 set aside")
    assert "every record was set aside" in text and "q.failed.csv" in text
    assert quarantine_limit_problem("g.csv", 4, 3, max_share=None, quarantine_file="q") is None
    assert quarantine_limit_problem("g.csv", 0, 0, max_share=None, quarantine_file="q") is None  # empty: reader's job


@pytest.mark.parametrize(
    ("rows_in", "set_aside", "share", "stops"),
    [
        (10, 5, 0.5, False),  # exactly the share: allowed ("more than")
        (10, 6, 0.5, True),
        (10, 1, 0.05, True),
        (10, 0, 0.05, False),
        (3, 3, 1, True),  # every record, whatever the share
    ],
)
def test_a_configured_share_stops_earlier(rows_in, set_aside, share, stops):
    text = quarantine_limit_problem("f.csv", rows_in, set_aside, max_share=share, quarantine_file="q")
    assert (text is not None) == stops
    if stops and set_aside < rows_in:
        assert f"share set aside ({set_aside / rows_in:.3g}) is more than" in text and f"({share:g})" in text


@pytest.mark.parametrize("share", [0, -0.1, 1.5])
def test_a_share_outside_0_1_is_refused(share):
    with pytest.raises(ValueError, match="max_quarantined_share"):
        quarantine_limit_problem("f.csv", 10, 1, max_share=share, quarantine_file="q")
