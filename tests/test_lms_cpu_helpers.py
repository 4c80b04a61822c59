"""The shortcuts that make stage_clean_lms cheaper (issue 16) give the answers of the long way.

Small hand-made inputs, expectations worked out by hand: parsed texts remembered between
calls (dates, grades), the text columns' quick dtype check, reports without rows, the
ASCII fast path of the country key, the cleaning steps that now skip a copy.
"""

import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.errors import SchemaErrors

from lib import moodle_dates
from lib.countries import fold
from lib.lms import _drop, unknown_email_errors
from lib.safe_text import write_csv
from lib.validation import REPORT_COLUMNS, _normalise_report, empty_report, write_report
from schemas import lms as schemas_lms
from schemas.lms import TEXT, parse_numbers

SHORT = "%d/%m/%y, %H:%M"  # strftimedatetimeshort of the English pack


def test_dates_remembered_between_calls_keep_each_rows_answer():
    moodle_dates._PARSED.pop((SHORT, "en"), None)
    first = moodle_dates.parse_userdate(pd.Series(["5/03/20, 01:27", ""], index=[7, 8]), SHORT, "en")
    assert first.index.tolist() == [7, 8]
    assert first.iloc[0] == pd.Timestamp("2020-03-05 01:27") and pd.isna(first.iloc[1])
    # the second call mixes a remembered text, a new one, an invalid one (30 February) and a blank
    second = moodle_dates.parse_userdate(
        pd.Series(["30/02/20, 10:00", "5/03/20, 01:27", None, "1/12/21, 23:59"], index=list("abcd")), SHORT, "en"
    )
    assert str(second.dtype) == "datetime64[us]"
    assert second.index.tolist() == list("abcd")
    assert pd.isna(second["a"]) and pd.isna(second["c"])
    assert second["b"] == pd.Timestamp("2020-03-05 01:27")
    assert second["d"] == pd.Timestamp("2021-12-01 23:59")
    # every distinct text is remembered once, the empty one too (missing values are not texts)
    remembered = moodle_dates._PARSED[(SHORT, "en")]
    assert sorted(remembered.index) == ["", "1/12/21, 23:59", "30/02/20, 10:00", "5/03/20, 01:27"]


def test_dates_of_blanks_only_are_missing():
    out = moodle_dates.parse_userdate(pd.Series([None, None], index=[3, 4], dtype="string"), "%Y-%m-%d %H:%M", "fr")
    assert out.index.tolist() == [3, 4] and out.isna().all() and str(out.dtype) == "datetime64[us]"


def test_twelve_hour_clock_read_field_by_field():
    # 12 AM is midnight, 12 PM noon; a weekday that is not the date's (Monday 19 March 2020 was a Thursday)
    fmt = "%A, %d %B %Y, %I:%M %p"
    out = moodle_dates._parse_unique(
        pd.Series(
            [
                "Thursday, 19 March 2020, 12:05 AM",
                "Thursday, 19 March 2020, 12:05 PM",
                "Monday, 19 March 2020, 1:00 PM",
                "Thursday, 19 March 2020, 1:00 pm",
            ]
        ),
        fmt,
        "en",
    )
    assert out.tolist()[:2] == [pd.Timestamp("2020-03-19 00:05"), pd.Timestamp("2020-03-19 12:05")]
    assert pd.isna(out.iloc[2])
    assert out.iloc[3] == pd.Timestamp("2020-03-19 13:00")


def test_grades_remembered_between_calls():
    schemas_lms._NUMBERS.pop("-", None)
    assert parse_numbers(pd.Series([" 12,5", "-", ""]), "-").tolist()[0] == 12.5
    out = parse_numbers(pd.Series(["-", "20", " 12,5", None, "x"], index=list("vwxyz"), name="course_total"), "-")
    assert out.name == "course_total" and out.index.tolist() == list("vwxyz")
    assert out["w"] == 20.0 and out["x"] == 12.5
    assert out[["v", "y", "z"]].isna().all()
    assert parse_numbers(pd.Series(["-", "-"]), "-").isna().all()


def test_text_type_is_pandera_str_and_reports_the_same_failures():
    schema = pa.DataFrameSchema({"a": pa.Column(TEXT), "b": pa.Column(str)})
    assert str(schema.columns["a"].dtype) == str(schema.columns["b"].dtype)
    ok = pd.DataFrame({"a": ["x", None], "b": ["x", None]}, dtype="str")
    pa.DataFrameSchema({"a": pa.Column(TEXT, nullable=True)}).validate(ok[["a"]])
    bad = pd.DataFrame({"a": pd.Series(["x", 3], dtype=object), "b": pd.Series(["x", 3], dtype=object)})
    with pytest.raises(SchemaErrors) as err:
        schema.validate(bad, lazy=True)
    cases = err.value.failure_cases
    a = cases[cases["column"] == "a"][["check", "failure_case", "index"]].reset_index(drop=True)
    b = cases[cases["column"] == "b"][["check", "failure_case", "index"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert a["failure_case"].tolist() == [3] and a["index"].tolist() == [1]


def test_report_without_rows_has_the_report_columns_and_types():
    rep = empty_report()
    assert list(rep.columns) == REPORT_COLUMNS and len(rep) == 0
    assert str(rep["line"].dtype) == "Int64" and str(rep["file"].dtype) == "string"
    rep["rule"] = "x"  # a caller may change its copy
    assert empty_report()["rule"].isna().all() and len(empty_report()) == 0
    pd.testing.assert_frame_equal(_normalise_report(pd.DataFrame(columns=["file", "_index"])), empty_report())


def test_empty_table_written_as_pandas_writes_its_header(tmp_path):
    write_report(pd.DataFrame(), tmp_path / "r.csv")
    assert (tmp_path / "r.csv").read_bytes() == b"file,line,column,value,check,message,rule\n"
    write_csv(pd.DataFrame(columns=["a b", "c,d", 'e"f']), tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == b'a b,"c,d","e""f"\n'


@pytest.mark.parametrize(
    "value, key",
    [("  United   States ", "united states"), ("EE.UU.", "ee.uu."), ("Côte d'Ivoire", "cote d'ivoire"), ("", "")],
)
def test_country_key(value, key):
    assert fold(value) == key


def test_drop_without_reasons_keeps_every_row_in_a_copy():
    df = pd.DataFrame({"x": [1, 2]})
    kept, counts = _drop(df, pd.Series([pd.NA, pd.NA], dtype="string"))
    assert counts == {} and kept.equals(df) and kept is not df
    kept, counts = _drop(df, pd.Series(["staff", pd.NA], dtype="string"))
    assert counts == {"staff": 1} and kept["x"].tolist() == [2]


def test_unknown_email_rows_name_their_lines():
    frame = pd.DataFrame({"email_norm": ["a@x.org", "b@x.org", "c@x.org"], "_line": [2, 3, 4]})
    errors = unknown_email_errors(frame, {"b@x.org"}, file="g.csv", source="grades")
    assert [e["line"] for e in errors] == [2, 4]
    assert errors[0]["value"] == "(withheld: personal data, see line 2 of g.csv)"
    assert unknown_email_errors(frame, {"a@x.org", "b@x.org", "c@x.org"}, file="g.csv", source="grades") == []


def test_read_once_reads_each_new_distinct_text_once():
    from lib.distinct import read_once

    calls = []

    def read(text):
        calls.append(list(text))
        return text.str.len()

    memory = {}
    first = read_once(pd.Series(["ab", "c", "ab", None]), memory, "k", read)
    second = read_once(pd.Series(["c", "def"]), memory, "k", read)
    assert first.tolist()[:3] == [2, 1, 2] and pd.isna(first[3])
    assert second.tolist() == [1, 3]
    assert calls == [["ab", "c"], ["def"]]  # "c" and "ab" are not read again
    assert read_once(pd.Series([None, None]), {}, "k", read) is None
