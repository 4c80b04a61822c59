"""Raw-layer pandera schemas of the LMS exports: site labels, date formats, grades."""

import pandas as pd
import pytest
import yaml

from lib.validation import ValidationFailed, validate
from schemas.lms import clean_participants_schema, parse_numbers, raw_schema, to_typed

CONFIG = yaml.safe_load(open("config.yaml", encoding="utf-8"))


def site(name):
    """The site_params dict common.smk builds for a site (dates resolved from langconfig)."""
    cfg = CONFIG["sites"][name]
    lc = cfg["langconfig"]
    exports = {
        s: {**e, "date_format": lc.get(e.get("dates"), e.get("dates"))} for s, e in CONFIG["moodle_exports"].items()
    }
    return {
        **cfg,
        "exports": exports,
        "missing_grade": "-",
        "grade_max": CONFIG["certificates"]["grade_max"],
    }


def frame(source, name, **rows):
    cols = list(CONFIG["sites"][name]["headers"][source])
    if source == "grades":
        cols[-2:-2] = [f"module_{i}" for i in range(1, 6)]
    if source == "certificates":
        cols.append("certificate")
    n = len(next(iter(rows.values())))
    data = {c: rows.get(c, [""] * n) for c in cols}
    return pd.DataFrame({**data, "_line": list(range(2, 2 + n))}, dtype="str").astype({"_line": "int64"})


def test_french_completion_date_in_the_short_format(tmp_path):
    # LP fr/langconfig.php strftimedatetimeshort '%d %b %y, %H:%M'; 'Course complete' = date or empty
    df = frame(
        "completion", "fr", user_id=["12", "13"], email=["a@b.fr", "c@d.fr"], course_complete=["25 avr. 21, 16:45", ""]
    )
    valid, _ = validate(
        df, raw_schema("completion", site("fr")), source_file="c.csv", rule="t", report_path=tmp_path / "r.csv"
    )
    typed = to_typed(valid, "completion", site("fr"))
    assert typed.loc[0, "completion_date"] == pd.Timestamp("2021-04-25 16:45")
    assert pd.isna(typed.loc[1, "completion_date"])
    assert "course_complete" not in typed.columns


def test_a_state_string_in_course_complete_is_an_error(tmp_path):
    # the 4.x report has no "Completed / Not completed" status column: the cell is a date
    df = frame("completion", "es", user_id=["7"], email=["a@b.es"], course_complete=["Finalizado"])
    with pytest.raises(ValidationFailed) as exc:
        validate(
            df,
            raw_schema("completion", site("es")),
            source_file="raw/c.csv",
            rule="stage_lms",
            report_path=tmp_path / "r.csv",
        )
    msg = str(exc.value)
    assert "raw/c.csv:2, column 'course_complete', value 'Finalizado'" in msg
    assert "'%d/%m/%Y %H:%M'" in msg


def test_label_of_another_language_is_an_error_naming_the_allowed_labels(tmp_path):
    df = frame(
        "participants",
        "ar",
        username=["u"],
        email=["a@b.org"],
        role=["Student"],
        enrolment_status=["نشط"],
        time_enrolled=["الخميس\u060c 19 مارس 2020\u060c 1:27 م"],
    )
    with pytest.raises(ValidationFailed) as exc:
        validate(
            df, raw_schema("participants", site("ar")), source_file="p.csv", rule="t", report_path=tmp_path / "r.csv"
        )
    rep = exc.value.report
    assert rep["column"].tolist() == ["role"] and rep["value"].tolist() == ["Student"]
    assert "طالب" in rep["message"].iloc[0]


def test_participants_long_date_with_wrong_weekday_is_an_error(tmp_path):
    df = frame(
        "participants",
        "es",
        username=["u", "v"],
        email=["a@b.es", "c@d.es"],
        role=["Estudiante"] * 2,
        enrolment_status=["Activo", "No activo"],
        time_enrolled=["jueves, 19 de marzo de 2020, 01:27", "viernes, 19 de marzo de 2020, 01:27"],
    )
    with pytest.raises(ValidationFailed) as exc:
        validate(
            df, raw_schema("participants", site("es")), source_file="p.csv", rule="t", report_path=tmp_path / "r.csv"
        )
    rep = exc.value.report
    assert rep["line"].tolist() == [3] and rep["column"].tolist() == ["time_enrolled"]


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


@pytest.mark.parametrize(
    ("codes", "ok"),
    [
        (["aB3dE5fG7h", "0123-4567-8901"], True),  # both customcert code formats
        (["aB3dE5fG7", "0123-4567-890"], False),  # 9 characters; a short last group
        (["X1", "X1"], False),
    ],
)
def test_certificate_codes(tmp_path, codes, ok):
    df = frame(
        "certificates",
        "en",
        email=["a@b.org", "c@d.org"],
        certificate=["completion"] * 2,
        issued_on=["2021-04-8 20:23"] * 2,  # mod_customcert: %Y-%m-%d %H:%M, day's zero dropped
        code=codes,
    )
    schema = raw_schema("certificates", site("en"))
    if ok:
        valid, _ = validate(df, schema, source_file="c.csv", rule="t", report_path=tmp_path / "r.csv")
        assert to_typed(valid, "certificates", site("en"))["issued_on"].iloc[0] == pd.Timestamp("2021-04-08 20:23")
    else:
        with pytest.raises(ValidationFailed):
            validate(df, schema, source_file="c.csv", rule="t", report_path=tmp_path / "r.csv")


def test_duplicate_certificate_code(tmp_path):
    df = frame(
        "certificates",
        "en",
        email=["a@b.org", "c@d.org"],
        certificate=["completion"] * 2,
        issued_on=["2020-04-21 09:00"] * 2,
        code=["X1y2Z3w4V5", "X1y2Z3w4V5"],
    )
    with pytest.raises(ValidationFailed, match="certificate code appears on more than one line"):
        validate(
            df, raw_schema("certificates", site("en")), source_file="c.csv", rule="t", report_path=tmp_path / "r.csv"
        )


def test_unknown_column_breaks_strict_raw_schema(tmp_path):
    df = frame("completion", "en", user_id=["3"], email=["a@b.org"], course_complete=["21/04/20, 09:00"]).assign(
        extra="x"
    )
    with pytest.raises(ValidationFailed, match="not part of the data contract"):
        validate(
            df, raw_schema("completion", site("en")), source_file="c.csv", rule="t", report_path=tmp_path / "r.csv"
        )


def test_clean_schema_rejects_pii_columns_and_bad_codes():
    schema = clean_participants_schema(["en", "es"])
    assert "email" not in schema.columns and "user_id" not in schema.columns
    assert schema.columns["gender"].checks[0].statistics["allowed_values"] == [
        "female",
        "male",
        "other",
        "not_recorded",
    ]
