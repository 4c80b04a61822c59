"""Raw-layer pandera schemas of the LMS exports: site labels, date formats, grades."""

import pandas as pd
import pytest
import yaml

from lib.validation import ValidationFailed, validate
from schemas.lms import clean_participants_schema, parse_numbers, raw_schema, to_typed

CONFIG = yaml.safe_load(open("config.yaml", encoding="utf-8"))


def site(name):
    return {**CONFIG["sites"][name], "grade_max": CONFIG["certificates"]["grade_max"]}


def frame(source, name, **rows):
    cols = list(CONFIG["sites"][name]["headers"][source])
    n = len(next(iter(rows.values())))
    data = {c: rows.get(c, [""] * n) for c in cols}
    return pd.DataFrame({**data, "_line": list(range(2, 2 + n))}, dtype="str").astype({"_line": "int64"})


def test_french_completion_with_site_labels_and_day_first_dates(tmp_path):
    df = frame(
        "completion",
        "fr",
        email=["a@b.fr", "c@d.fr"],
        course_complete=["Terminé", "Non terminé"],
        completion_date=["25/04/21, 16:45", ""],
    )
    valid, _ = validate(
        df, raw_schema("completion", site("fr")), source_file="c.csv", rule="t", report_path=tmp_path / "r.csv"
    )
    typed = to_typed(valid, "completion", site("fr"))
    assert typed.loc[0, "completion_date"] == pd.Timestamp("2021-04-25 16:45")


def test_month_first_date_on_a_day_first_site_is_an_error(tmp_path):
    df = frame(
        "completion", "es", email=["a@b.es"], course_complete=["Completado"], completion_date=["04/25/21, 16:45"]
    )
    with pytest.raises(ValidationFailed) as exc:
        validate(
            df,
            raw_schema("completion", site("es")),
            source_file="raw/c.csv",
            rule="stage_lms",
            report_path=tmp_path / "r.csv",
        )
    msg = str(exc.value)
    assert "raw/c.csv:2, column 'completion_date', value '04/25/21, 16:45'" in msg
    assert "'%d/%m/%y, %H:%M'" in msg


def test_label_of_another_language_is_an_error_naming_the_allowed_labels(tmp_path):
    df = frame(
        "participants",
        "ar",
        user_id=["1"],
        username=["u"],
        email=["a@b.org"],
        role=["Student"],
        enrolment_status=["نشط"],
        time_enrolled=["03/05/21, 10:00"],
    )
    with pytest.raises(ValidationFailed) as exc:
        validate(
            df, raw_schema("participants", site("ar")), source_file="p.csv", rule="t", report_path=tmp_path / "r.csv"
        )
    rep = exc.value.report
    assert rep["column"].tolist() == ["role"] and rep["value"].tolist() == ["Student"]
    assert "طالب" in rep["message"].iloc[0]


def test_grades_missing_text_decimal_comma_and_range(tmp_path):
    grades = dict(
        email=["a@b.es", "c@d.es"],
        module_1=["18,50", "21"],
        module_2=["-", "-"],
        module_3=["0", "x"],
        module_4=["1", "1"],
        module_5=["1", "1"],
        course_total=["90,5", "101"],
        last_downloaded=["1609459200", "1609459200"],
    )
    df = frame("grades", "es", **grades)
    with pytest.raises(ValidationFailed) as exc:
        validate(df, raw_schema("grades", site("es")), source_file="g.csv", rule="t", report_path=tmp_path / "r.csv")
    bad = set(zip(exc.value.report["line"], exc.value.report["column"], strict=True))
    assert bad == {(3, "module_1"), (3, "module_3"), (3, "course_total")}
    assert parse_numbers(pd.Series(["18,50", "-", "", "7"]), "-").tolist()[0] == 18.5


def test_duplicate_user_id_and_certificate_code(tmp_path):
    df = frame(
        "certificates",
        "en_us",
        email=["a@b.org", "c@d.org"],
        certificate=["Certificate of completion"] * 2,
        issued_on=["04/21/20, 09:00"] * 2,
        code=["X1", "X1"],
    )
    with pytest.raises(ValidationFailed, match="certificate code appears on more than one line"):
        validate(
            df, raw_schema("certificates", site("en_us")), source_file="c.csv", rule="t", report_path=tmp_path / "r.csv"
        )


def test_unknown_column_breaks_strict_raw_schema(tmp_path):
    df = frame(
        "completion", "en_us", email=["a@b.org"], course_complete=["Completed"], completion_date=["04/21/20, 09:00"]
    ).assign(extra="x")
    with pytest.raises(ValidationFailed, match="not part of the data contract"):
        validate(
            df, raw_schema("completion", site("en_us")), source_file="c.csv", rule="t", report_path=tmp_path / "r.csv"
        )


def test_clean_schema_rejects_pii_columns_and_bad_codes():
    schema = clean_participants_schema()
    assert "email" not in schema.columns and "user_id" not in schema.columns
    assert schema.columns["gender"].checks[0].statistics["allowed_values"] == [
        "female",
        "male",
        "other",
        "not_recorded",
    ]
