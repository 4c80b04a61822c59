"""lib.moodle_exports: grade item headers of the Moodle grade export and the formula guard.

Grade export headers follow moodle/moodle grade/export/lib.php (``gradeexportcolumntype``
= '<name> (<display type>)', name = '<module name><labelsep><item name>'); the formula
guard follows lib/tests/dataformat_test.php (newest revision): a ' before a cell starting
with = + - @; a lone '-' is kept.
"""

import pandas as pd
import pytest

from lib.moodle_exports import grade_header_options, select_columns
from lib.validation import ValidationFailed

ES = {  # the es preset of config.yaml, typed by hand (LP es/quiz.php, LP es/grades.php)
    "headers": {
        "grades": {
            "email": "Dirección de correo",
            "course_total": "Total del curso (Real)",
            "last_downloaded": "Última descarga de este curso",
        }
    },
    "grade_items": {
        "activity_type": "Cuestionario",
        "display_type": "Real",
        "labelsep": [":", ": "],
        "items": {"module_1": "Módulo 1", "module_2": "Módulo 2"},
    },
}


def frame(headers, rows):
    df = pd.DataFrame(rows, columns=headers, dtype="str")
    df["_line"] = range(2, 2 + len(df))
    return df


def test_both_label_separators_are_accepted():
    df = frame(
        [
            "Dirección de correo",
            "Suspendido",  # only when "Exclude suspended users" was unticked: ignored
            "Cuestionario:Módulo 1 (Real)",
            "Cuestionario: Módulo 2 (Real)",
            "Total del curso (Real)",
            "Última descarga de este curso",
        ],
        [["a@b.es", "Sí", "10.00", "-", "10.00", "1609459200"]],
    )
    got = select_columns(df, grade_header_options(ES), source="g.csv", delimiter=",")
    assert list(got.columns) == ["email", "module_1", "module_2", "course_total", "last_downloaded", "_line"]
    assert got["module_2"].tolist() == ["-"]
    assert got.attrs["unmapped_headers"] == ["Suspendido"]


def test_a_missing_item_names_what_was_looked_for():
    df = frame(["Dirección de correo", "Cuestionario:Módulo 1 (Real)", "Total del curso (Real)"], [["a", "1", "1"]])
    with pytest.raises(ValidationFailed) as exc:
        select_columns(df, grade_header_options(ES), source="g.csv", delimiter=",")
    rep = exc.value.report
    assert sorted(rep["column"]) == ["last_downloaded", "module_2"]
    msg = rep.set_index("column").loc["module_2", "message"]
    assert "'Cuestionario:Módulo 2 (Real)'" in msg
    assert "'Cuestionario: Módulo 2 (Real)'" in msg  # also accepted

