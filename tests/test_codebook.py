"""The XLSForm codebook and the two survey exports read through it, on fixtures typed by
hand (never written by the generator):

- a small XLSForm (.xlsx built here with openpyxl from hand-typed rows): sheets survey,
  choices, settings, `label::English (en)` / `label::Español (es)` columns, as the
  XLSForm spec (XLSForm/xlsform.github.io _sections/home-english.md) and KoboToolbox's
  docs (kobotoolbox/docs source/language_xls.md) describe;
- a KoboToolbox data export, "XML values and headers", CSV, of three submissions: ';',
  every field quoted, UTF-8 without BOM, CRLF, select_multiple summary + `q/option` 0/1
  columns, metadata columns appended (kobotoolbox/formpack src/formpack/reporting/
  export.py `to_csv`, src/formpack/schema/fields.py; kobotoolbox/kpi
  kpi/models/import_export_task.py);
- a Moodle feedback "Show responses" anonymous download (moodle/moodle
  mod/feedback/classes/responses_anon_table.php, dataformat/csv: ',' + UTF-8 BOM,
  fputcsv quoting; multi-select options joined by three spaces).
"""

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from lib import io as lib_io
from lib.codebook import (
    FEEDBACK_CSV,
    KOBO_CSV,
    Codebook,
    CodebookError,
    followup_problems,
    harmonise_feedback,
    harmonise_kobo,
    normalise_label,
)
from lib.vocabulary import languages

# the project's languages (config.yaml): they name the languages in messages
LANGUAGES = languages(yaml.safe_load((Path(__file__).parents[1] / "config.yaml").read_text(encoding="utf-8"))["languages"])

EN, ES = "label::English (en)", "label::Español (es)"
SURVEY = [
    ["type", "name", EN, ES, "required", "constraint", "relevant"],
    ["start", "start", "", "", "", "", ""],
    ["end", "end", "", "", "", "", ""],
    ["note", "intro", "Thank you for taking part", "Gracias por participar", "", "", ""],
    ["select_one lang", "form_language", "Language", "Idioma", "true", "", ""],
    ["select_one applied", "applied", "Have you applied it?", "¿Lo ha aplicado?", "", "", ""],
    ["select_multiple challenge", "challenges", "Challenges", "Desafíos", "", "", ""],
    ["integer", "attribution", "Attribution (%)", "Atribución (%)", "", ". >= 0 and . <= 100", ""],
    ["text", "email", "E-mail", "Correo", "", "", ""],
    ["text", "country", "Country", "País", "", "", ""],
]
CHOICES = [
    ["list_name", "name", EN, ES, "role_en"],
    ["lang", "en", "English", "Inglés", ""],
    ["lang", "es", "Spanish", "Español", ""],
    ["applied", "yes", "Yes", "Sí", ""],
    ["applied", "no", "No", "No", ""],
    ["applied", "no_opportunity", "Not yet", "Aún no", ""],
    ["challenge", "funding", "Lack of funding", "Falta de fondos", ""],
    ["challenge", "time", "Lack of time", "Falta de tiempo", ""],
    ["challenge", "hierarchy", "Workplace hierarchy", "Jerarquías laborales", ""],
    ["sector", "ngo", "NGO", "ONG", "NGO officer"],
]
SETTINGS = [["form_title", "form_id", "version", "default_language"], ["Test", "test_form", "1", "English (en)"]]

# Kobo "XML values and headers" CSV: three submissions; __version__ between _submitted_by
# and _tags as real exports show it; row 2's challenges unanswered (summary and every
# option column empty)
KOBO_CSV_TEXT = (
    '"start";"end";"form_language";"applied";"challenges";"challenges/funding";"challenges/time";'
    '"challenges/hierarchy";"attribution";"email";"country";"_id";"_uuid";"_submission_time";'
    '"_validation_status";"_notes";"_status";"_submitted_by";"__version__";"_tags";"_index"\r\n'
    '"2021-04-12T06:01:10.516-04:00";"2021-04-12T06:08:49.000-04:00";"en";"yes";"funding time";"1";"1";"0";"70";'
    '"ana@example.net";"Mexico";"118203640";"e36167c5-91c9-41d5-a0e5-e96d38790f97";"2021-04-12T10:08:49";"";"";'
    '"submitted_via_web";"";"vQm7Xb3kR9sLp2TzW4nHc8";"";"1"\r\n'
    '"2021-04-12T03:40:00.120-05:00";"2021-04-12T03:59:59.999-05:00";"es";"no";"";"";"";"";"";"";"Perú";'
    '"118203702";"0b7f3a1e-2c4d-4e5f-8a9b-0c1d2e3f4a5b";"2021-04-12T09:00:00";"";"";"submitted_via_web";"";'
    '"vQm7Xb3kR9sLp2TzW4nHc8";"";"2"\r\n'
    '"2021-04-11T18:30:00.000-04:00";"2021-04-11T18:47:10.516-04:00";"en";"no_opportunity";"hierarchy";"0";"0";"1";"";'
    '"";"Chile";"118203755";"9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a";"2021-04-11T22:47:15";"";"";"submitted_via_web";"";'
    '"vQm7Xb3kR9sLp2TzW4nHc8";"";"3"\r\n'
)

# Moodle feedback anonymous download (Spanish pack): the second question's item has the
# label 'challenges', so its header is `(challenges) <question>`
EVAL_SURVEY = [
    ["type", "name", EN, ES],
    ["select_one usefulness", "usefulness", "How useful was it?", "¿Qué tan útil le resultó?"],
    ["select_multiple challenge", "challenges", "Challenges", "Desafíos"],
    ["text", "comments", "Comments", "Comentarios"],
]
EVAL_CHOICES = [
    ["list_name", "name", EN, ES],
    ["usefulness", "very", "Very useful", "Muy útil"],
    ["usefulness", "not", "Not useful", "Nada útil"],
    ["challenge", "funding", "Lack of funding", "Falta de fondos"],
    ["challenge", "time", "Lack of time", "Falta de tiempo"],
    ["challenge", "hierarchy", "Workplace hierarchy", "Jerarquías laborales"],
]
FEEDBACK_TEXT = (
    '\ufeffRespuesta número,"¿Qué tan útil le resultó?","(challenges) Desafíos",Comentarios\n'
    '719,"Muy útil","Falta de fondos   Falta de tiempo","Muy bueno, gracias"\n'
    '722,"Nada útil",,\n'
    '727,,"Jerarquías laborales",\n'
)


def xlsform(path: Path, survey=SURVEY, choices=CHOICES, settings=SETTINGS) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        if rows is None:
            continue
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append([c if c != "" else None for c in row])
    wb.save(path)
    return path


@pytest.fixture
def form(tmp_path):
    return Codebook.read(xlsform(tmp_path / "form.xlsx"), "followup", email_question="email", languages=LANGUAGES)


def kobo_export(tmp_path, text=KOBO_CSV_TEXT) -> pd.DataFrame:
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("utf-8"))
    return lib_io.read_export(path, header_map=None, source="export.csv", **KOBO_CSV)


# ---------------------------------------------------------------------- XLSForm
def test_xlsform_is_read_as_the_codebook(form):
    q = form.questions.set_index("question_code")
    assert list(q.index) == [
        "response_id", "submitted", "form_language", "applied", "challenges", "attribution", "email", "country",
    ]  # fmt: skip
    assert q.loc["applied", ["type", "list_name", "label_es"]].tolist() == ["single", "applied", "¿Lo ha aplicado?"]
    assert q.loc["challenges", "type"] == "multi"
    assert q.loc["attribution", ["type", "min", "max"]].tolist() == ["number", "0", "100"]
    assert q.loc["email", "type"] == "email" and q.loc["country", "type"] == "text"
    assert q.loc["form_language", "required"] == "yes" and q.loc["applied", "required"] == "no"
    assert form.option_codes("challenge") == ["funding", "time", "hierarchy"]
    assert form.option_label("applied", "no_opportunity", "es") == "Aún no"
    assert form.roles()["ngo"] == "NGO officer"
    assert form.languages == ("en", "es") and form.ignored_columns == ("start", "end")
    assert form.settings["form_id"] == "test_form"


def _broken(tmp_path, survey=SURVEY, choices=CHOICES, settings=SETTINGS):
    return xlsform(tmp_path / "bad.xlsx", survey, choices, settings)


def test_unknown_type_is_named_by_sheet_row_and_column(tmp_path):
    survey = [*SURVEY[:5], ["selct_one applied", "applied", "A", "B", "", "", ""], *SURVEY[6:]]
    with pytest.raises(CodebookError) as err:
        Codebook.read(_broken(tmp_path, survey), "followup")
    msg = str(err.value)
    assert "bad.xlsx, sheet 'survey', row 6, column A ('type')" in msg and "'selct_one applied'" in msg


def test_list_that_does_not_exist(tmp_path):
    survey = [*SURVEY[:5], ["select_one aplied", "applied", "A", "B", "", "", ""], *SURVEY[6:]]
    with pytest.raises(CodebookError, match=r"sheet 'survey', row 6, column A .*list 'aplied' is not a list_name"):
        Codebook.read(_broken(tmp_path, survey), "followup")


def test_select_multiple_choice_name_with_a_space(tmp_path):
    choices = [*CHOICES[:7], ["challenge", "lack time", "Lack of time", "Falta de tiempo", ""], *CHOICES[8:]]
    with pytest.raises(CodebookError) as err:
        Codebook.read(_broken(tmp_path, choices=choices), "followup")
    assert "sheet 'choices', row 8, column B ('name')" in str(err.value)
    assert "'lack time'" in str(err.value) and "select_multiple" in str(err.value)


@pytest.mark.parametrize(
    "row,words",
    [
        (
            ["text", "country", "Again", "Otra vez", "", "", ""],
            r"row 11, column B \('name'\): the name 'country' is used twice \(first in row 10\)",
        ),
        (
            ["integer", "age", "Age", "Edad", "", ". > 17", ""],
            r"row 11, column F \('constraint'\).*not one the workflow checks",
        ),
        (["text", "my answer", "A", "B", "", "", ""], r"row 11, column B .*not a valid XLSForm name"),
        (["text", "note2", "A", "B", "maybe", "", ""], r"row 11, column E \('required'\)"),
        (["begin_repeat", "kids", "", "", "", "", ""], r"row 11, column A .*repeat groups"),
    ],
)
def test_other_xlsform_errors(tmp_path, row, words):
    with pytest.raises(CodebookError, match=words):
        Codebook.read(_broken(tmp_path, [*SURVEY, row]), "followup")


def test_missing_sheet_and_duplicate_choice(tmp_path):
    with pytest.raises(CodebookError, match="no sheet 'choices'"):
        Codebook.read(_broken(tmp_path, choices=None), "followup")
    with pytest.raises(CodebookError, match=r"sheet 'choices', row 11, column B .*defined twice \(first in row 4\)"):
        Codebook.read(_broken(tmp_path, choices=[*CHOICES, ["applied", "yes", "Yes!", "¡Sí!", ""]]), "followup")


def test_normalise_label():
    assert normalise_label("  Very   useful ") == "very useful"
    assert normalise_label("Utilit\u0065\u0301") == normalise_label("Utilit\u00e9")  # NFC
    assert normalise_label("Avez-vous l&#039;intention") == "avez-vous l'intention"  # Moodle may escape
    assert normalise_label(None) == ""


# ---------------------------------------------------------------------- Kobo export
def test_kobo_export_is_read_by_question_name(form, tmp_path):
    raw = kobo_export(tmp_path)
    assert raw["_line"].tolist() == [2, 3, 4]
    coded, issues = harmonise_kobo(raw, form, date_format="%Y-%m-%dT%H:%M:%S", language_question="form_language")
    assert issues.empty, issues
    # ids: rank per language by _submission_time (UTC), the third row submitted first
    assert coded["response_id"].tolist() == ["EN-0002", "ES-0001", "EN-0001"]
    assert coded["submitted"].iloc[2] == pd.Timestamp("2021-04-11 22:47:15")
    assert coded["applied"].tolist() == ["yes", "no", "no_opportunity"]
    assert coded.loc[0, ["challenges__funding", "challenges__time", "challenges__hierarchy"]].tolist() == [
        True,
        True,
        False,
    ]
    assert coded.loc[1, ["challenges__funding", "challenges__time", "challenges__hierarchy"]].isna().all()  # unanswered
    assert coded.loc[2, "challenges__hierarchy"] and not coded.loc[2, "challenges__funding"]
    assert coded["attribution"].iloc[0] == 70.0 and pd.isna(coded["attribution"].iloc[1])
    # metadata (start, end, _uuid, _status, __version__, _index ...) is not carried on
    assert not {"start", "_uuid", "__version__", "_index", "_status"} & set(coded.columns)


def test_kobo_metadata_column_position_is_not_relied_on(form, tmp_path):
    raw = kobo_export(tmp_path)
    moved = raw[["__version__", *[c for c in raw.columns if c != "__version__"]]]
    coded, issues = harmonise_kobo(moved, form, date_format="%Y-%m-%dT%H:%M:%S", language_question="form_language")
    assert issues.empty and coded["response_id"].tolist() == ["EN-0002", "ES-0001", "EN-0001"]


def test_kobo_option_columns_disagreeing_with_the_summary_are_named_by_row(form, tmp_path):
    # line 4: the summary says hierarchy, the 0/1 columns say time
    text = KOBO_CSV_TEXT.replace('"hierarchy";"0";"0";"1"', '"hierarchy";"0";"1";"0"')
    coded, issues = harmonise_kobo(kobo_export(tmp_path, text), form, date_format="%Y-%m-%dT%H:%M:%S",
                                   language_question="form_language")  # fmt: skip
    row = issues.iloc[0]
    assert (row.line, row.column, row.value, row.check) == (4, "challenges", "hierarchy", "kobo_multi_agrees")
    assert "line 4" in row.message and "time" in row.message and "hierarchy" in row.message


def test_kobo_partly_empty_option_columns_and_bad_cells(form, tmp_path):
    text = KOBO_CSV_TEXT.replace('"funding time";"1";"1";"0"', '"funding time";"1";"1";""')
    _, issues = harmonise_kobo(kobo_export(tmp_path, text), form, date_format="%Y-%m-%dT%H:%M:%S",
                               language_question="form_language")  # fmt: skip
    assert issues.iloc[0].line == 2 and "some option columns empty" in issues.iloc[0].message
    text = KOBO_CSV_TEXT.replace('"funding time";"1";"1";"0"', '"funding time";"1";"yes";"0"')
    _, issues = harmonise_kobo(kobo_export(tmp_path, text), form, date_format="%Y-%m-%dT%H:%M:%S",
                               language_question="form_language")  # fmt: skip
    assert (issues.iloc[0].column, issues.iloc[0].value, issues.iloc[0].check) == (
        "challenges/time", "yes", "kobo_option_value",
    )  # fmt: skip


def test_kobo_unknown_choice_and_unknown_column(form, tmp_path):
    _, issues = harmonise_kobo(kobo_export(tmp_path, KOBO_CSV_TEXT.replace('"no_opportunity"', '"maybe"')), form,
                               date_format="%Y-%m-%dT%H:%M:%S", language_question="form_language")  # fmt: skip
    assert (issues.iloc[0].line, issues.iloc[0].column, issues.iloc[0].value) == (4, "applied", "maybe")
    raw = kobo_export(tmp_path).rename(columns={"country": "Country where you live"})  # a labels export
    coded, issues = harmonise_kobo(raw, form, date_format="%Y-%m-%dT%H:%M:%S", language_question="form_language")
    assert set(issues.check) == {"known_question", "question_present"} and set(issues.line) == {1}
    assert "XML values and headers" in issues.iloc[0].message


def test_kobo_submission_time_is_required(form, tmp_path):
    raw = kobo_export(tmp_path).drop(columns="_submission_time")
    _, issues = harmonise_kobo(raw, form, date_format="%Y-%m-%dT%H:%M:%S", language_question="form_language")
    assert issues.column.tolist() == ["_submission_time"]


# ---------------------------------------------------------------------- feedback download
@pytest.fixture
def evaluation_form(tmp_path):
    return Codebook.read(xlsform(tmp_path / "eval.xlsx", EVAL_SURVEY, EVAL_CHOICES), "evaluation", languages=LANGUAGES)


def feedback_export(tmp_path, text=FEEDBACK_TEXT) -> pd.DataFrame:
    path = tmp_path / "2020-ES1.csv"
    path.write_bytes(text.encode("utf-8"))
    return lib_io.read_export(path, header_map=None, source="2020-ES1.csv", **FEEDBACK_CSV)


def test_feedback_download_in_the_edition_language(evaluation_form, tmp_path):
    raw = feedback_export(tmp_path)
    coded, issues = harmonise_feedback(raw, evaluation_form, "es", response_number="Respuesta número")
    assert issues.empty, issues
    assert coded["response_id"].tolist() == ["719", "722", "727"]
    assert coded["usefulness"].tolist()[:2] == ["very", "not"] and pd.isna(coded["usefulness"].iloc[2])
    cols = ["challenges__funding", "challenges__time", "challenges__hierarchy"]
    assert coded.loc[0, cols].tolist() == [True, True, False]  # joined by three spaces
    assert coded.loc[1, cols].isna().all()
    assert coded.loc[2, cols].tolist() == [False, False, True]
    assert coded["comments"].iloc[0] == "Muy bueno, gracias" and pd.isna(coded["comments"].iloc[1])
    assert "submitted" not in coded.columns  # the download has no date


def test_feedback_unknown_answer_and_headers(evaluation_form, tmp_path):
    raw = feedback_export(tmp_path, FEEDBACK_TEXT.replace('722,"Nada útil"', '722,"Very useful"'))
    _, issues = harmonise_feedback(raw, evaluation_form, "es", response_number="Respuesta número")
    row = issues.iloc[0]
    assert (row.line, row.value, row.check) == (3, "Very useful", "known_label")
    assert "Spanish" in row.message and "'usefulness'" in row.message
    # without the configured languages, a language is named as its label column writes it
    bare = Codebook.read(xlsform(tmp_path / "bare.xlsx", EVAL_SURVEY, EVAL_CHOICES), "evaluation")
    _, issues = harmonise_feedback(raw, bare, "es", response_number="Respuesta número")
    assert "for Español (language es)" in issues.iloc[0].message
    # an English download read as Spanish: every header unknown, on line 1
    _, issues = harmonise_feedback(feedback_export(tmp_path), evaluation_form, "en", response_number="Response number")
    assert set(issues.line) == {1} and "Respuesta número" in set(issues.column)


def test_followup_problems_name_an_edition_the_survey_does_not_cover():
    df = pd.DataFrame(
        {
            "response_id": ["EN-0001", "EN-0002", "ES-0001"],
            "edition": ["2020-EN1", "2021-EN4", pd.NA],
            "country": ["Mexico", "Atlantis", "Perú"],
            "source_file": ["raw/f.csv"] * 3,
            "_line": [2, 3, 4],
        }
    )
    problems = followup_problems(df, pd.Series([False, True, False]), survey="2020", editions=["2020-EN1", "2020-ES1"])
    assert [(p["file"], p["line"], p["column"], p["value"], p["check"]) for p in problems] == [
        ("raw/f.csv", 3, "country", "Atlantis", "known_country"),
        ("raw/f.csv", 3, "edition", "2021-EN4", "edition_in_survey"),
    ]
    assert "followup_surveys.2020.editions lists 2020-EN1, 2020-ES1" in problems[1]["message"]


def test_kobo_hxl_tag_row_and_xlsx_date_cells(form, tmp_path):
    # an HXL tag row under the header (forms with an `hxl` column; kpi import_export_task.py
    # tag_cols_for_header) is not a submission; the .xlsx export's date cell read as text
    header, *rows = KOBO_CSV_TEXT.split("\r\n")
    tags = ";".join('"#country"' if h == '"country"' else '""' for h in header.split(";"))
    text = "\r\n".join([header, tags, *rows]).replace('"2021-04-12T10:08:49"', '"2021-04-12 10:08:49"')
    coded, issues = harmonise_kobo(
        kobo_export(tmp_path, text), form, date_format="%Y-%m-%dT%H:%M:%S", language_question="form_language"
    )
    assert issues.empty, issues
    assert coded["_line"].tolist() == [3, 4, 5] and coded["response_id"].tolist() == ["EN-0002", "ES-0001", "EN-0001"]
    assert coded["submitted"].iloc[0] == pd.Timestamp("2021-04-12 10:08:49")


def test_labels_told_apart_only_within_their_list():
    """A label written twice in one choice list (after normalisation: case, spaces, HTML
    entities) is refused, naming each spelling met again (trimmed); the same label in two lists is not."""
    questions = pd.DataFrame(
        [
            {
                "instrument": "followup",
                "question_code": "q",
                "type": "single",
                "list_name": "a",
                "required": "no",
                "min": "",
                "max": "",
                "label_en": "Q",
            }
        ]
    )
    options = pd.DataFrame(
        [
            {"list_name": "a", "option_code": "x", "order": "1", "label_en": "Yes"},
            {"list_name": "b", "option_code": "x", "order": "1", "label_en": "Yes"},
            {"list_name": "a", "option_code": "y", "order": "2", "label_en": ""},
            {"list_name": "a", "option_code": "z", "order": "3", "label_en": ""},
        ]
    )
    assert Codebook.from_frames(questions, options).option_codes("a") == ["x", "y", "z"]
    options.loc[2, "label_en"] = " YES "
    options.loc[3, "label_en"] = "y&#101;s"
    with pytest.raises(
        CodebookError,
        match=r"codebook: the en choice label\(s\) \['YES', 'y&#101;s'\] are used twice in one list_name",
    ):
        Codebook.from_frames(questions, options)


def test_a_form_read_again_in_one_process_is_opened_once(tmp_path, monkeypatch):
    """The steps of one job read the same XLSForm several times: its workbook is opened
    once, and opened again when the file changes; every read still checks the form."""
    opened = []
    load = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(a[0]) or load(*a, **k))
    path = xlsform(tmp_path / "form.xlsx")
    first = Codebook.read(path, "followup", email_question="email", languages=LANGUAGES)
    again = Codebook.read(path, "followup")  # other arguments: read from the same cells
    assert len(opened) == 1
    assert first.option_codes("challenge") == again.option_codes("challenge") == ["funding", "time", "hierarchy"]
    assert list(again.questions.loc[again.questions["question_code"] == "email", "type"]) == ["text"]
    with pytest.raises(CodebookError, match="no question named 'mail'"):
        Codebook.read(path, "followup", email_question="mail")  # checked on every read
    survey = [*SURVEY[:5], ["selct_one applied", "applied", "A", "B", "", "", ""], *SURVEY[6:]]
    xlsform(path, survey)  # the file changes: read again
    with pytest.raises(CodebookError, match="selct_one applied"):
        Codebook.read(path, "followup")
    assert len(opened) == 2


def test_option_codes_sorted_once_and_handed_out_as_copies(form):
    codes = form.option_codes("challenge")
    codes.append("mine")  # a caller's list, not the codebook's
    assert form.option_codes("challenge") == ["funding", "time", "hierarchy"]
    for _ in range(2):
        with pytest.raises(CodebookError, match="no option list 'nope'"):
            form.option_codes("nope")
