"""The survey side as the real tools write it: the XLSForm workbooks (KoboToolbox
questionnaire; the evaluation's questions in the same layout), the Kobo data export
("XML values and headers", CSV) and Moodle's feedback "Show responses" anonymous
download. Layouts from real-exports.md §5 and §7 (formpack src/formpack/reporting/
export.py, kpi/models/import_export_task.py, Moodle mod/feedback/classes/
responses_anon_table.php, dataformat/csv). Every file is byte-identical on rerun.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from . import codebook
from .spreadsheets import write_xlsx_sheets

LANGUAGE_LABELS = {"en": "English (en)", "es": "Español (es)", "fr": "Français (fr)", "ar": "العربية (ar)"}
FOLLOWUP_LANGUAGES = ("en", "es")  # the 2020 follow-up survey was offered in English and Spanish
KOBO_VERSION = "vQm7Xb3kR9sLp2TzW4nHc8"  # the form version uid Kobo writes in __version__
KOBO_META = ("_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
             "_submitted_by", "__version__", "_tags", "_index")  # fmt: skip
LANGUAGE_CHOICES = (("en", ("English", "English", "Anglais", "الإنجليزية")),
                    ("es", ("Español", "Español", "Espagnol", "الإسبانية")))  # fmt: skip
LANGUAGE_QUESTION = ("Language of your answers", "Idioma de sus respuestas", "Langue de vos réponses",
                     "لغة إجاباتك")  # fmt: skip
RESPONSE_NUMBER = {"en": "Response number", "es": "Respuesta número", "fr": "Réponse no", "ar": "رقم الإجابة"}

_XLSFORM_TYPE = {"single": "select_one {}", "multi": "select_multiple {}", "number": "integer",
                 "text": "text", "email": "text"}  # fmt: skip


def xlsform_sheets(instrument: str, languages: tuple[str, ...], *, form_id: str, title: str,
                   edition_options=None) -> list[tuple[str, list[list[str]]]]:  # fmt: skip
    """The survey / choices / settings sheets of an instrument's XLSForm."""
    label_cols = [f"label::{LANGUAGE_LABELS[lang]}" for lang in languages]
    li = [codebook.LANGS.index(lang) for lang in languages]
    survey = [["type", "name", *label_cols, "required", "constraint"]]
    lists: list[str] = []
    if instrument == "followup":
        survey += [["start", "start", *[""] * len(languages), "", ""],
                   ["end", "end", *[""] * len(languages), "", ""],
                   ["select_one form_language", "form_language",
                    *(LANGUAGE_QUESTION[i] for i in li), "true", ""]]  # fmt: skip
        lists.append("form_language")
    for inst, code, kind, list_name, _req, low, high, labels in codebook.QUESTIONS:
        if inst != instrument or kind in ("id", "datetime"):
            continue  # ids and times are the tool's (Moodle's response number, Kobo's metadata)
        constraint = f". >= {low} and . <= {high}" if kind == "number" and low != "" else ""
        survey.append([_XLSFORM_TYPE[kind].format(list_name), code, *(labels[i] for i in li), "",
                       constraint])  # fmt: skip
        if list_name and list_name not in lists:
            lists.append(list_name)
    with_role = "sector" in lists
    choices = [["list_name", "name", *label_cols, *(["role_en"] if with_role else [])]]
    for list_name in lists:
        if list_name == "form_language":
            opts = [(c, labs, "") for c, labs in LANGUAGE_CHOICES if c in languages]
        elif list_name == "edition" and edition_options is not None:
            opts = edition_options
        else:
            opts = codebook.OPTIONS[list_name]
        for code, labels, role in opts:
            choices.append([list_name, code, *(labels[i] for i in li), *([role] if with_role else [])])
    settings = [["form_title", "form_id", "version", "default_language"],
                [title, form_id, "2021031501", LANGUAGE_LABELS[languages[0]]]]  # fmt: skip
    # a blank XLSForm cell is an empty cell
    sheets = (("survey", survey), ("choices", choices), ("settings", settings))
    return [(name, [[c if c != "" else None for c in row] for row in rows]) for name, rows in sheets]


def write_xlsforms(out: Path, edition_options=None, followup_name: str = "followup-2020") -> None:
    """raw/survey/<followup_name>-xlsform.xlsx (the Kobo form) and evaluation-xlsform.xlsx."""
    write_xlsx_sheets(out / "survey" / f"{followup_name}-xlsform.xlsx",
               xlsform_sheets("followup", FOLLOWUP_LANGUAGES, form_id="impact_followup_2020",
                              title="Entrepreneurship for migrants and refugees: follow-up survey",
                              edition_options=edition_options))  # fmt: skip
    write_xlsx_sheets(out / "survey" / "evaluation-xlsform.xlsx",
               xlsform_sheets("evaluation", codebook.LANGS, form_id="course_evaluation",
                              title="End-of-course evaluation (Moodle feedback activity)"))  # fmt: skip


# ---------------------------------------------------------------------- exports
def _csv_cell_all_quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def write_kobo_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Kobo CSV export: ';', every field quoted, inner quotes doubled, UTF-8 without BOM,
    CRLF line ends (formpack to_csv)."""
    lines = [";".join(_csv_cell_all_quoted(c) for c in row) for row in [header, *rows]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))


def kobo_header() -> list[str]:
    """start, end, the questions (a select_multiple: summary + `q/option`), Kobo metadata."""
    cols = ["start", "end", "form_language"]
    for inst, code, kind, list_name, *_ in codebook.QUESTIONS:
        if inst != "followup" or kind in ("id", "datetime"):
            continue
        cols.append(code)
        if kind == "multi":
            cols += [f"{code}/{o[0]}" for o in codebook.OPTIONS[list_name]]
    return cols + list(KOBO_META)


def kobo_multi(list_name: str, chosen: list[str] | None) -> list[str]:
    """Summary cell + one 0/1 cell per option (all empty when not answered)."""
    codes = [o[0] for o in codebook.OPTIONS[list_name]]
    if not chosen:
        return ["", *[""] * len(codes)]
    return [" ".join(c for c in codes if c in chosen), *("1" if c in chosen else "0" for c in codes)]


def kobo_meta(rng, index: int, kobo_id: int, submitted: datetime) -> list[str]:
    return [str(kobo_id), str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            submitted.strftime("%Y-%m-%dT%H:%M:%S"), "", "", "submitted_via_web", "", KOBO_VERSION, "",
            str(index)]  # fmt: skip


def device_times(rng, submitted: datetime, offset_hours: int) -> tuple[str, str]:
    """`start` / `end` as the device wrote them: local time with milliseconds and offset."""
    from datetime import timedelta

    end = submitted - timedelta(seconds=rng.randrange(2, 90)) + timedelta(hours=offset_hours)
    start = end - timedelta(seconds=rng.randrange(180, 1500))
    sign = "+" if offset_hours >= 0 else "-"
    tz = f"{sign}{abs(offset_hours):02d}:00"

    def fmt(t):
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{rng.randrange(1000):03d}{tz}"

    return fmt(start), fmt(end)
