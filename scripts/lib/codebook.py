"""The survey codebook: an XLSForm, and the two exports read through it.

The codebook of each questionnaire is an XLSForm workbook (.xlsx, the questionnaire
format of KoboToolbox / ODK; https://xlsform.org): sheet ``survey`` (``type``, ``name``,
``label::<Language> (<code>)`` per language, ``required``, ``constraint``, ``relevant``
...), sheet ``choices`` (``list_name``, ``name``, labels per language, optional extra
columns such as ``role_en``) and sheet ``settings`` (``form_id``, ``version``,
``default_language``). One form carries every language. Two forms are read:

- the follow-up survey's own XLSForm (the Kobo form): its data export is Kobo's "XML
  values and headers" export (:func:`harmonise_kobo`): columns named by question
  ``name``, answers as choice ``name`` whatever language the respondent used, a
  ``select_multiple`` question as a summary cell (choice names joined by spaces) plus one
  0/1 column per option ``<question>/<option>``, Kobo's metadata columns appended;
- the end-of-course evaluation's questions written as an XLSForm (the Moodle feedback
  activity has no XLSForm; its questions' texts in each edition language are the
  ``label::`` columns): its export is Moodle's feedback "Show responses" anonymous
  download (:func:`harmonise_feedback`): ``Response number``, one column per question
  headed by the question text (or ``(label) text``), answers as option texts in the
  edition language, multi-select answers joined by three spaces.

Internally a codebook is two tables (``questions``: instrument, question_code, type,
list_name, required, min, max, label_<lang>; ``options``: list_name, option_code, order,
label_<lang>, role_en) with the workflow's question types (id, datetime, single, multi,
number, text, email). The ids the exports carry are added as questions: ``response_id``
(both) and ``submitted`` (follow-up: Kobo's ``_submission_time``, UTC).

Problems found in an export are returned as an "issues" table (columns of ISSUE_COLUMNS,
one row per problem, ``line`` = 1-based line in the file) for the caller to report; the
caller adds the file name. Problems of the XLSForm itself raise :class:`CodebookError`
naming the file, sheet, row and column. Nothing here evaluates free text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lib.errors import InputError
from lib.vocabulary import Languages, is_blank

QUESTION_TYPES = ("id", "datetime", "single", "multi", "number", "text", "email")
QUESTION_COLUMNS = ["instrument", "question_code", "type", "list_name", "required", "min", "max"]
OPTION_COLUMNS = ["list_name", "option_code", "order"]
ISSUE_COLUMNS = ["line", "column", "value", "check", "message"]

# XLSForm survey types (xlsform.org; KoboToolbox docs form_meta.md) and what the workflow
# does with them: questions it reads, rows without a column of their own, metadata columns
XLSFORM_QUESTION_TYPES = {"text": "text", "integer": "number", "decimal": "number"}
XLSFORM_METADATA_TYPES = {"start", "end", "today", "deviceid", "username", "audit"}
XLSFORM_NO_COLUMN_TYPES = {"note", "begin_group", "end_group", "begin group", "end group"}
XLSFORM_IGNORED_TYPES = {"calculate"}  # a column in the export, not an answer
_SELECT = re.compile(r"^(select_one|select_multiple)\s+(\S+)(\s+or_other)?$")
_LABEL = re.compile(r"^label(?:::(.*))?$")
_LANG_CODE = re.compile(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)?)\)\s*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_BOUND = re.compile(r"^\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)$")
_TRUE = {"yes", "true", "true()"}
_FALSE = {"", "no", "false", "false()"}

# Kobo's data export (formpack behind KPI): columns appended after the questions
# (kpi/models/import_export_task.py); `__version__` may stand anywhere among them
KOBO_METADATA_COLUMNS = (
    "__version__",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "_tags",
    "_index",
)
KOBO_SUBMISSION_TIME = "_submission_time"
KOBO_ID = "_id"
KOBO_XLSX_TIME = "%Y-%m-%d %H:%M:%S"
KOBO_CSV = {"delimiter": ";", "encoding": "utf-8"}  # formpack to_csv: ';', all quoted, no BOM
FEEDBACK_CSV = {"delimiter": ",", "encoding": "utf-8-sig"}  # Moodle dataformat csv: ',', BOM
FEEDBACK_MULTI_SEPARATOR = re.compile(r" {3}|\r?\n")  # 4.x download: line breaks -> 3 spaces


class CodebookError(InputError, ValueError):
    """The codebook itself is inconsistent (not an export problem); stops without a traceback."""


def normalise_label(text: object) -> str:
    """Canonical form of a label for matching: HTML entities decoded (Moodle may write
    ``&#039;``), NFC, trimmed, single spaces, case-folded."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return " ".join(unicodedata.normalize("NFC", html.unescape(str(text))).split()).casefold()


def multi_column(question_code: str, option_code: str) -> str:
    """Name of the boolean column of one option of a multi-select question."""
    return f"{question_code}__{option_code}"


def kobo_option_column(question_code: str, option_code: str) -> str:
    """Header of the 0/1 column of one option in Kobo's export (XML values and headers)."""
    return f"{question_code}/{option_code}"


def _issues(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=ISSUE_COLUMNS)


def _issue(line, column, value, check, message) -> dict:
    return dict(line=int(line), column=column, value=value, check=check, message=message)


# ---------------------------------------------------------------------- XLSForm reading
def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class _Sheet:
    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number in the sheet, {header: text})


# the sheets of each XLSForm read in this process, by (path, modification time, size): the
# steps of one job (lib.steps) read the same form up to five times. Only the workbook's
# cells are kept; every check of read_xlsform runs again on each read.
_SHEETS: dict[tuple[str, int, int], dict[str, _Sheet]] = {}


def _read_sheets(path: Path) -> dict[str, _Sheet]:
    try:
        stat = path.stat()
    except OSError:  # openpyxl says why (missing file, directory, ...)
        return _open_sheets(path)
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _SHEETS:
        _SHEETS[key] = _open_sheets(path)
    return _SHEETS[key]


def _open_sheets(path: Path) -> dict[str, _Sheet]:
    import openpyxl  # local: only the codebook readers need it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise CodebookError(f"{path}: the XLSForm does not exist") from None
    except Exception as err:  # noqa: BLE001 - any reason the workbook cannot be opened
        raise CodebookError(f"{path}: cannot be read as an .xlsx workbook (XLSForm): {err}") from None
    sheets = {}
    try:
        for ws in book.worksheets:
            rows = ws.iter_rows(values_only=True)
            header = [_cell(v) for v in next(rows, ())]
            body = []
            for number, values in enumerate(rows, start=2):
                cells = {h: _cell(v) for h, v in zip(header, values, strict=False) if h}
                if any(cells.values()):
                    body.append((number, cells))
            sheets[ws.title.strip().lower()] = _Sheet(ws.title, header, body)
    finally:
        book.close()
    return sheets


def _label_columns(path: Path, sheet: _Sheet, default_language: str, known: Languages | None) -> dict[str, str]:
    """{language code: header} of the sheet's label columns (`label::English (en)`, or a
    plain `label` in the default language); languages `known` does not declare are left out."""
    found: dict[str, str] = {}
    for col, header in enumerate(sheet.header, start=1):
        m = _LABEL.match(header)
        if not m:
            continue
        if m.group(1) is None:
            code = default_language
        else:
            code_m = _LANG_CODE.search(m.group(1))
            if not code_m:
                raise CodebookError(
                    f"{path}, sheet {sheet.name!r}, row 1, column {_col_letter(col)} ({header!r}): "
                    "a label column must name its language as `label::<Language> (<code>)`, "
                    "e.g. `label::English (en)`"
                )
            code = code_m.group(1).lower()
        if code in found:
            raise CodebookError(
                f"{path}, sheet {sheet.name!r}, row 1, column {_col_letter(col)} ({header!r}): "
                f"a second label column for language {code!r}"
            )
        if known is None or code in known:
            found[code] = header
    return found


def _header_name(header: str, code: str) -> str:
    """The language's name as a label column writes it: `label::Español (es)` -> Español."""
    m = _LABEL.match(header)
    name = _LANG_CODE.sub("", m.group(1) or "").strip() if m else ""
    return name or code


def _col_letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _where(path: Path, sheet: _Sheet, row: int, column: str) -> str:
    letter = _col_letter(sheet.header.index(column) + 1) if column in sheet.header else "?"
    return f"{path}, sheet {sheet.name!r}, row {row}, column {letter} ({column!r})"


def _bounds(where: str, constraint: str) -> tuple[str, str]:
    """(min, max) of a number question from a constraint like `. >= 0 and . <= 100`."""
    low = high = ""
    if not constraint:
        return low, high
    for part in re.split(r"\s+and\s+", constraint.strip()):
        m = _BOUND.match(part.strip())
        if not m:
            raise CodebookError(
                f"{where}: constraint {constraint!r} is not one the workflow checks; for a number "
                "question write bounds as `. >= <min> and . <= <max>`"
            )
        if m.group(1) == ">=":
            low = m.group(2)
        else:
            high = m.group(2)
    return low, high


def read_xlsform(
    path: str | Path, instrument: str, *, email_question: str | None = None, languages: Languages | None = None
) -> Codebook:
    """Read and validate an XLSForm as the codebook of `instrument` ("followup" or
    "evaluation"). `email_question` names the question holding the respondent's e-mail
    (personal data: withheld from reports, used only to link to participants).
    `languages` (config.yaml's, lib.vocabulary) keeps the labels of the languages it
    declares and names them in messages; without it every language of the form is kept,
    named as its label columns write it."""
    path = Path(path)
    sheets = _read_sheets(path)
    for needed in ("survey", "choices"):
        if needed not in sheets:
            raise CodebookError(f"{path}: the XLSForm has no sheet {needed!r} (sheets: {sorted(sheets)})")
    settings = {}
    if "settings" in sheets and sheets["settings"].rows:
        settings = dict(sheets["settings"].rows[0][1])
    default_m = _LANG_CODE.search(settings.get("default_language", ""))
    default_language = default_m.group(1).lower() if default_m else "en"

    survey, choices = sheets["survey"], sheets["choices"]
    for sheet, needed in ((survey, ("type", "name")), (choices, ("list_name", "name"))):
        missing = [c for c in needed if c not in sheet.header]
        if missing:
            raise CodebookError(f"{path}, sheet {sheet.name!r}, row 1: the columns {missing} are missing")
    q_labels = _label_columns(path, survey, default_language, languages)
    o_labels = _label_columns(path, choices, default_language, languages)
    if languages is not None:
        langs = tuple(code for code in languages if code in q_labels or code in o_labels)
        names = {code: languages.name(code) for code in langs}
    else:
        langs = tuple(dict.fromkeys([*q_labels, *o_labels]))
        names = {code: _header_name((q_labels | o_labels)[code], code) for code in langs}
    if not q_labels:
        raise CodebookError(f"{path}, sheet {survey.name!r}, row 1: no label column (e.g. `label::English (en)`)")

    # choices
    options, seen_choice = [], {}
    order: dict[str, int] = {}
    for row, cells in choices.rows:
        list_name, name = cells.get("list_name", ""), cells.get("name", "")
        if not list_name:
            raise CodebookError(f"{_where(path, choices, row, 'list_name')}: empty list_name")
        if not name:
            raise CodebookError(f"{_where(path, choices, row, 'name')}: empty choice name in list {list_name!r}")
        if (list_name, name) in seen_choice:
            raise CodebookError(
                f"{_where(path, choices, row, 'name')}: choice {name!r} of list {list_name!r} is defined twice "
                f"(first in row {seen_choice[(list_name, name)]})"
            )
        seen_choice[(list_name, name)] = row
        order[list_name] = order.get(list_name, 0) + 1
        options.append(
            {
                "list_name": list_name,
                "option_code": name,
                "order": str(order[list_name]),
                **{f"label_{lang}": cells.get(o_labels[lang], "") if lang in o_labels else "" for lang in langs},
                "role_en": cells.get("role_en", ""),
                "_row": row,
            }
        )
    choice_rows = {}
    for opt in options:
        choice_rows.setdefault(opt["list_name"], []).append(opt)

    # survey
    questions = [_synthetic("response_id", "id", instrument, langs)]
    if instrument == "followup":
        questions.append(_synthetic("submitted", "datetime", instrument, langs))
    ignored: list[str] = []  # names of metadata / calculate rows: their columns are not answers
    seen_name: dict[str, int] = {q["question_code"]: 0 for q in questions}
    for row, cells in survey.rows:
        qtype, name = " ".join(cells.get("type", "").split()), cells.get("name", "")
        if qtype in XLSFORM_NO_COLUMN_TYPES:
            continue
        if not qtype:
            raise CodebookError(f"{_where(path, survey, row, 'type')}: empty type for question {name!r}")
        if qtype.startswith(("begin_repeat", "begin repeat")):
            raise CodebookError(
                f"{_where(path, survey, row, 'type')}: repeat groups are not read (Kobo exports them to "
                "separate sheets and leaves them out of the CSV); ask the questions outside a repeat"
            )
        if not name:
            raise CodebookError(f"{_where(path, survey, row, 'name')}: a {qtype!r} row has no name")
        if not _NAME.match(name):
            raise CodebookError(
                f"{_where(path, survey, row, 'name')}: {name!r} is not a valid XLSForm name "
                "(letters, digits, '_', '-', '.'; no spaces; not starting with a digit)"
            )
        if name in seen_name:
            raise CodebookError(
                f"{_where(path, survey, row, 'name')}: the name {name!r} is used twice"
                + (f" (first in row {seen_name[name]})" if seen_name[name] else " (the workflow adds it)")
            )
        seen_name[name] = row
        if qtype in XLSFORM_METADATA_TYPES or qtype in XLSFORM_IGNORED_TYPES:
            ignored.append(name)
            continue
        m = _SELECT.match(qtype)
        list_name, low, high = "", "", ""
        if m:
            if m.group(3):
                raise CodebookError(
                    f"{_where(path, survey, row, 'type')}: `or_other` is not read (it adds a free-text "
                    "column); add an 'other' choice and a text question instead"
                )
            list_name = m.group(2)
            kind = "single" if m.group(1) == "select_one" else "multi"
            if list_name not in choice_rows:
                raise CodebookError(
                    f"{_where(path, survey, row, 'type')}: list {list_name!r} is not a list_name of the "
                    f"choices sheet (lists: {sorted(choice_rows)})"
                )
            if kind == "multi":
                for opt in choice_rows[list_name]:
                    if any(ch.isspace() for ch in opt["option_code"]):
                        raise CodebookError(
                            f"{_where(path, choices, opt['_row'], 'name')}: choice name {opt['option_code']!r} "
                            f"of list {list_name!r} holds a space, but {name!r} is a select_multiple "
                            "(its answers are stored as choice names separated by spaces)"
                        )
        elif qtype in XLSFORM_QUESTION_TYPES:
            kind = XLSFORM_QUESTION_TYPES[qtype]
            if kind == "number":
                low, high = _bounds(_where(path, survey, row, "constraint"), cells.get("constraint", ""))
        else:
            supported = ["select_one <list>", "select_multiple <list>", *XLSFORM_QUESTION_TYPES]
            raise CodebookError(
                f"{_where(path, survey, row, 'type')}: type {qtype!r} is not one the workflow reads "
                f"(questions: {', '.join(supported)}; also {', '.join(sorted(XLSFORM_METADATA_TYPES))}, "
                "note, calculate, begin_group / end_group)"
            )
        if name == email_question:
            if kind != "text":
                raise CodebookError(f"{_where(path, survey, row, 'type')}: the e-mail question must be a text question")
            kind = "email"
        required = cells.get("required", "").lower()
        if required not in _TRUE | _FALSE:
            raise CodebookError(
                f"{_where(path, survey, row, 'required')}: {cells.get('required')!r} is not yes / no / true / false"
            )
        # a required question skipped by its `relevant` condition stays empty
        is_required = required in _TRUE and not cells.get("relevant", "")
        questions.append(
            {
                "instrument": instrument,
                "question_code": name,
                "type": kind,
                "list_name": list_name,
                "required": "yes" if is_required else "no",
                "min": low,
                "max": high,
                **{f"label_{lang}": cells.get(q_labels[lang], "") if lang in q_labels else "" for lang in langs},
            }
        )
    if email_question and email_question not in seen_name:
        raise CodebookError(
            f"{path}, sheet {survey.name!r}: no question named {email_question!r} (the e-mail question)"
        )
    label_cols = [f"label_{lang}" for lang in langs]
    opts = pd.DataFrame(options).drop(columns="_row") if options else pd.DataFrame(columns=OPTION_COLUMNS + label_cols)
    return Codebook.from_frames(
        pd.DataFrame(questions),
        opts,
        source=str(path),
        settings=settings,
        ignored_columns=tuple(ignored),
        languages=tuple(lang for lang in langs if lang in q_labels),
        language_names=names,
    )


def _synthetic(code: str, kind: str, instrument: str, langs: tuple[str, ...]) -> dict:
    return {
        "instrument": instrument,
        "question_code": code,
        "type": kind,
        "list_name": "",
        "required": "yes",
        "min": "",
        "max": "",
        **{f"label_{lang}": "" for lang in langs},
    }


@dataclass(frozen=True)
class Codebook:
    questions: pd.DataFrame
    options: pd.DataFrame
    source: str = ""
    settings: dict = field(default_factory=dict)
    ignored_columns: tuple[str, ...] = ()  # metadata / calculate rows of the form
    languages: tuple[str, ...] = ()  # languages with question labels in the form
    language_names: dict = field(default_factory=dict)  # {code: name} for messages
    # {list_name: option codes} already sorted by option_codes (its frames are never changed)
    _codes: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def read(
        cls, path: str | Path, instrument: str, *, email_question: str | None = None, languages: Languages | None = None
    ) -> Codebook:
        """Read an XLSForm (see :func:`read_xlsform`)."""
        return read_xlsform(path, instrument, email_question=email_question, languages=languages)

    def language_name(self, code: str) -> str:
        return self.language_names.get(code, code)

    @classmethod
    def from_frames(cls, questions: pd.DataFrame, options: pd.DataFrame, **extra) -> Codebook:
        label_langs = [c.removeprefix("label_") for c in questions.columns if c.startswith("label_")]
        labels = [f"label_{lang}" for lang in label_langs]
        for name, frame, needed in (
            ("questions", questions, QUESTION_COLUMNS + labels),
            ("options", options, OPTION_COLUMNS + labels),
        ):
            missing = [c for c in needed if c not in frame.columns]
            if missing:
                raise CodebookError(f"codebook {name} lack the columns {missing}")
        questions = questions.fillna("").astype(str).map(str.strip)
        options = options.fillna("").astype(str).map(str.strip)
        source = extra.get("source") or "codebook"
        bad_type = sorted(set(questions["type"]) - set(QUESTION_TYPES))
        if bad_type:
            raise CodebookError(f"{source}: unknown question types {bad_type}")
        names = extra.get("language_names") or {}
        for lang, col in zip(label_langs, labels, strict=True):
            for key, frame, group in (
                ("question label", questions, "instrument"),
                ("choice label", options, "list_name"),
            ):
                seen, twice = set(), set()  # (group, normalised label); labels met again
                for where, label in zip(frame[group], frame[col], strict=True):
                    if label == "":
                        continue
                    met = (where, normalise_label(label))
                    if met in seen:
                        twice.add(label)
                    seen.add(met)
                if twice:
                    raise CodebookError(
                        f"{source}: the {names.get(lang, lang)} {key}(s) "
                        f"{sorted(twice)} are used twice in one {group}: "
                        "answers and headers written in that language could not be told apart"
                    )
        return cls(questions.reset_index(drop=True), options.reset_index(drop=True), **extra)

    @property
    def _where(self) -> str:
        """``<file>: `` for a message about the form (lookups name the XLSForm they use)."""
        return f"{self.source}: " if self.source and self.source != "codebook" else ""

    # ------------------------------------------------------------------ questions
    def questions_for(self, instrument: str) -> pd.DataFrame:
        found = self.questions[self.questions["instrument"] == instrument]
        if found.empty:
            raise CodebookError(f"{self._where}codebook has no questions for instrument {instrument!r}")
        return found.reset_index(drop=True)

    def question(self, instrument: str, question_code: str) -> pd.Series:
        q = self.questions_for(instrument)
        found = q[q["question_code"] == question_code]
        if found.empty:
            raise CodebookError(f"{self._where}codebook has no question {instrument}.{question_code}")
        return found.iloc[0]

    def form_questions(self, instrument: str) -> pd.DataFrame:
        """The questions of the form itself (without the ids the workflow adds)."""
        q = self.questions_for(instrument)
        return q[~q["question_code"].isin(["response_id", "submitted"])].reset_index(drop=True)

    # ------------------------------------------------------------------ options
    def option_codes(self, list_name: str) -> list[str]:
        """Option codes (choice names) of a list in form order."""
        if list_name not in self._codes:
            opts = self.options[self.options["list_name"] == list_name]
            if opts.empty:
                raise CodebookError(f"{self._where}codebook has no option list {list_name!r}")
            order = pd.to_numeric(opts["order"], errors="coerce")
            self._codes[list_name] = list(opts.assign(_o=order).sort_values(["_o", "option_code"])["option_code"])
        return list(self._codes[list_name])

    def option_map(self, list_name: str, language: str) -> dict[str, str]:
        """{normalised option label in `language`: option_code}."""
        self.check_language(language)
        opts = self.options[self.options["list_name"] == list_name]
        if opts.empty:
            raise CodebookError(f"{self._where}codebook has no option list {list_name!r}")
        return {
            normalise_label(label): code
            for label, code in zip(opts[f"label_{language}"], opts["option_code"], strict=True)
            if label
        }

    def option_label(self, list_name: str, option_code: str, language: str = "en") -> str:
        opts = self.options
        if not (opts["list_name"] == list_name).any():
            raise CodebookError(f"{self._where}codebook has no option list {list_name!r}")
        hit = opts[(opts["list_name"] == list_name) & (opts["option_code"] == option_code)]
        if hit.empty:
            raise CodebookError(f"{self._where}codebook list {list_name!r} has no option {option_code!r}")
        return hit.iloc[0].get(f"label_{language}", "")

    def check_language(self, language: str) -> None:
        """A language whose labels the codebook holds (else CodebookError)."""
        if f"label_{language}" not in self.options.columns or f"label_{language}" not in self.questions.columns:
            raise CodebookError(
                f"{self.source or 'codebook'}: no labels in language {language!r} "
                f"(the form's languages: {', '.join(self.languages) or 'none'})"
            )

    def roles(self) -> dict[str, str]:
        """{sector option code: role_en} (how a respondent of the sector is described)."""
        opts = self.options[self.options["list_name"] == "sector"]
        if "role_en" not in opts.columns:
            raise CodebookError(f"{self._where}codebook choices sheet lacks the column role_en")
        return dict(zip(opts["option_code"], opts["role_en"], strict=True))

    # ------------------------------------------------------------------ answers
    def map_single(
        self, values: pd.Series, lines: pd.Series, list_name: str, language: str, column: str
    ) -> tuple[pd.Series, pd.DataFrame]:
        """Answer labels in `language` -> option codes (NA where the item was skipped)."""
        lookup = self.option_map(list_name, language)
        blank = is_blank(values)
        codes = values.map(lambda v: lookup.get(normalise_label(v))).astype("string")
        codes[blank] = pd.NA
        unknown = ~blank & codes.isna()
        issues = [
            _unknown_label(
                line, column, value, list_name, f"in the codebook for {self.language_name(language)} (language {language})"
            )
            for line, value in zip(lines[unknown], values[unknown], strict=True)
        ]
        return codes, _issues(issues)

    def map_names(
        self, values: pd.Series, lines: pd.Series, list_name: str, column: str
    ) -> tuple[pd.Series, pd.DataFrame]:
        """Answers written as choice names (Kobo's XML values) -> option codes."""
        codes_known = set(self.option_codes(list_name))
        text = values.astype("string").str.strip()
        blank = is_blank(values)
        unknown = ~blank & ~text.isin(codes_known)
        issues = [
            _unknown_label(line, column, value, list_name, "(a choice name) of the XLSForm")
            for line, value in zip(lines[unknown], values[unknown], strict=True)
        ]
        codes = text.mask(blank | unknown)
        return codes, _issues(issues)

    def split_multi(
        self,
        values: pd.Series,
        lines: pd.Series,
        question_code: str,
        list_name: str,
        language: str,
        column: str,
        separator: str | re.Pattern,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Split a multi-select cell of option labels into one boolean column per option.

        Columns are `<question_code>__<option_code>` in form order, nullable booleans:
        True = option chosen, False = not chosen, NA = the item was skipped (empty cell).
        Empty pieces are ignored; a label named twice counts once.
        """
        lookup = self.option_map(list_name, language)
        pattern = separator if isinstance(separator, re.Pattern) else re.compile(re.escape(separator))
        clash = [label for label in lookup if len(pattern.split(label)) > 1]
        if clash:
            raise CodebookError(
                f"option labels of list {list_name!r} contain the multi-select separator "
                f"{pattern.pattern!r}: {clash}; cells cannot be split unambiguously"
            )
        codes = self.option_codes(list_name)
        position = {c: j for j, c in enumerate(codes)}
        skipped = is_blank(values).to_numpy(dtype=bool)
        chosen = np.zeros((len(values), len(codes)), dtype=bool)
        issues = []
        for i, (line, cell) in enumerate(zip(lines, values, strict=True)):
            if skipped[i]:
                continue
            for piece in pattern.split(str(cell)):
                if not piece.strip():
                    continue
                code = lookup.get(normalise_label(piece))
                if code is None:
                    issues.append(
                        _unknown_label(
                            line,
                            column,
                            piece.strip(),
                            list_name,
                            f"in the codebook for {self.language_name(language)} (language {language})",
                        )
                    )
                else:
                    chosen[i, position[code]] = True
        return _booleans(question_code, codes, chosen, skipped, values.index), _issues(issues)


def _booleans(question_code, codes, chosen, skipped, index) -> pd.DataFrame:
    return pd.DataFrame(
        {
            multi_column(question_code, c): pd.arrays.BooleanArray(chosen[:, j].copy(), skipped.copy())
            for j, c in enumerate(codes)
        },
        index=index,
    )


def _unknown_label(line, column, value, list_name, where) -> dict:
    return _issue(
        line, column, value, "known_label", f"answer {value!r} is not an option of list {list_name!r} {where}"
    )




def _blank_to_na(values: pd.Series) -> pd.Series:
    out = values.astype("string")
    return out.mask(is_blank(out))


def _typed(q, values: pd.Series, lines: pd.Series, header: str, date_format: str | None):
    """A number / datetime / free-text answer column, typed, and its issues."""
    if q.type in ("number", "datetime"):
        text = _blank_to_na(values).str.strip()
        if q.type == "number":
            parsed = pd.to_numeric(text, errors="coerce").astype("float64")
            what = "a number"
        else:
            parsed = pd.to_datetime(text, format=date_format, errors="coerce")
            what = f"a date and time in the format {date_format}"
        bad = text.notna() & parsed.isna()
        problems = [
            _issue(line, header, value, f"parse_{q.type}", f"{q.question_code!r} cannot be read as {what}")
            for line, value in zip(lines[bad], values[bad], strict=True)
        ]
        return parsed, problems
    text = _blank_to_na(values)
    return (text.str.strip() if q.type == "id" else text), []


def _concat_issues(found: list[pd.DataFrame]) -> pd.DataFrame:
    found = [f for f in found if len(f)]
    return pd.concat(found, ignore_index=True) if found else _issues([])


# ---------------------------------------------------------------------- Moodle feedback
def harmonise_feedback(
    frame: pd.DataFrame,
    codebook: Codebook,
    language: str,
    *,
    response_number: str,
    instrument: str = "evaluation",
    line_column: str = "_line",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Moodle feedback "Show responses" anonymous download (mod/feedback/classes/
    responses_anon_table.php) -> codes.

    Headers: `response_number` (the language pack's "Response number") and one column per
    question headed by its text in `language`, or `(<name>) <text>` when the feedback item
    has a label (the label is the question's XLSForm name). Answers are option texts in
    `language`; a multi-select answer's options are joined by three spaces (the 4.x
    download turns the line breaks between them into spaces) or line breaks.
    Returns (coded, issues) as :func:`harmonise_kobo`.
    """
    codebook.check_language(language)
    lang = codebook.language_name(language)
    questions = codebook.form_questions(instrument)
    lookup = {normalise_label(response_number): "response_id"}
    for q in questions.itertuples(index=False):
        label = getattr(q, f"label_{language}")
        if label:
            lookup[normalise_label(label)] = q.question_code
            lookup[normalise_label(f"({q.question_code}) {label}")] = q.question_code
    mapping, issues = _map_headers(
        frame,
        lookup,
        line_column,
        f"a question of the {instrument} form in {lang} (language {language}) nor {response_number!r}",
    )
    header_of = {code: header for header, code in mapping.items()}
    for q in codebook.questions_for(instrument).itertuples(index=False):
        if q.question_code not in header_of:
            label = response_number if q.question_code == "response_id" else getattr(q, f"label_{language}")
            issues.append(
                _issue(
                    1,
                    label or q.question_code,
                    "",
                    "question_present",
                    f"the download has no column for question {q.question_code!r} "
                    + (f"(header {label!r} in {lang})" if label else f"(the form has no {lang} label for it)"),
                )
            )
    if issues:
        return pd.DataFrame(index=frame.index), _issues(issues)
    lines = frame[line_column]
    out: dict[str, pd.Series] = {}
    found = []
    for q in codebook.questions_for(instrument).itertuples(index=False):
        header = header_of[q.question_code]
        values = frame[header]
        if q.type == "single":
            codes, problems = codebook.map_single(values, lines, q.list_name, language, header)
            out[q.question_code] = codes
        elif q.type == "multi":
            codes, problems = codebook.split_multi(
                values, lines, q.question_code, q.list_name, language, header, FEEDBACK_MULTI_SEPARATOR
            )
            out.update({c: codes[c] for c in codes.columns})
        else:
            out[q.question_code], rows = _typed(q, values, lines, header, None)
            problems = _issues(rows)
        found.append(problems)
    coded = pd.DataFrame(out, index=frame.index)
    coded[line_column] = lines
    return coded, _concat_issues(found)


def _map_headers(frame, lookup, line_column, what) -> tuple[dict[str, str], list[dict]]:
    mapping: dict[str, str] = {}
    issues = []
    for header in [c for c in frame.columns if c != line_column]:
        code = lookup.get(normalise_label(header))
        if code is None:
            issues.append(_issue(1, header, header, "known_question", f"column header {header!r} is not {what}"))
        elif code in mapping.values():
            issues.append(_issue(1, header, header, "unique_question", f"question {code!r} appears in two columns"))
        else:
            mapping[header] = code
    return mapping, issues


# ---------------------------------------------------------------------- Kobo export
def kobo_columns(codebook: Codebook, instrument: str = "followup") -> list[str]:
    """The answer columns an "XML values and headers" export has for the form."""
    cols = []
    for q in codebook.form_questions(instrument).itertuples(index=False):
        cols.append(q.question_code)
        if q.type == "multi":
            cols += [kobo_option_column(q.question_code, o) for o in codebook.option_codes(q.list_name)]
    return cols


def header_test(codebook: Codebook, instrument: str, *, language: str | None = None, response_number: str = ""):
    """A test of one header cell of an export of ``instrument`` (lib.io.read_export
    ``known_headers``: a first line holding none of them may be a data row, and is not
    shown). Kobo (``language=None``): an answer column, a Kobo metadata column or a
    metadata / calculate column of the form. Moodle feedback: ``response_number`` or a
    question's label in ``language``, compared as :func:`harmonise_feedback` compares them."""
    if language is None:
        known = set(kobo_columns(codebook, instrument)) | set(KOBO_METADATA_COLUMNS) | set(codebook.ignored_columns)
        return known.__contains__
    labels = {normalise_label(response_number)}
    for q in codebook.form_questions(instrument).itertuples(index=False):
        label = getattr(q, f"label_{language}", "")
        if label:
            labels |= {normalise_label(label), normalise_label(f"({q.question_code}) {label}")}
    labels.discard("")
    return lambda header: normalise_label(header) in labels


def harmonise_kobo(
    frame: pd.DataFrame,
    codebook: Codebook,
    *,
    date_format: str,
    language_question: str,
    instrument: str = "followup",
    line_column: str = "_line",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """KoboToolbox data export, "XML values and headers" (formpack) -> codes.

    Columns are named by question name; single answers are choice names; a
    select_multiple is read from its 0/1 option columns (`<question>/<option>`; all empty
    = not answered), which must agree with its summary cell (choice names separated by
    spaces); Kobo's metadata columns and the form's metadata / calculate columns are
    known and ignored, except `_submission_time` (UTC, `date_format`), the submission
    time. The response id is `<LANGUAGE>-<nnnn>`: the answer to `language_question`
    upper-cased and the response's rank among the responses in that language by
    submission time (then Kobo `_id`), e.g. `EN-0012` = twelfth English response.

    Returns (coded, issues): one column per question code (single: choice name; multi:
    `<question>__<option>` booleans; number: float; text / email: as typed) plus
    `response_id`, `submitted` and `line_column`; issues as ISSUE_COLUMNS (header
    problems, on line 1, are returned alone).
    """
    questions = codebook.form_questions(instrument)
    if language_question not in set(questions["question_code"]):
        raise CodebookError(
            f"{codebook.source}: the form has no question {language_question!r} (the respondent's language)"
        )
    expected = kobo_columns(codebook, instrument)
    known = set(expected) | set(KOBO_METADATA_COLUMNS) | set(codebook.ignored_columns)
    headers = [c for c in frame.columns if c != line_column]
    issues = [
        _issue(
            1,
            h,
            h,
            "known_question",
            f"column {h!r} is neither a question of the XLSForm {codebook.source} nor a Kobo metadata column "
            "(export with 'XML values and headers', without group names in the headers, from the current "
            "form version)",
        )
        for h in headers
        if h not in known
    ]
    issues += [
        _issue(
            1,
            c,
            "",
            "question_present",
            f"the export has no column {c!r} (a question of the XLSForm {codebook.source})",
        )
        for c in [*expected, KOBO_SUBMISSION_TIME]
        if c not in frame.columns
    ]
    if issues:
        return pd.DataFrame(index=frame.index), _issues(issues)
    frame = _drop_hxl_row(frame, line_column)
    lines = frame[line_column]
    out: dict[str, pd.Series] = {}
    found = []
    submitted_q = codebook.question(instrument, "submitted")
    # the .xlsx export writes _submission_time as a date cell: read as text it is ISO with a space
    times = frame[KOBO_SUBMISSION_TIME].astype("string").str.strip()
    iso = pd.to_datetime(times, format=KOBO_XLSX_TIME, errors="coerce")
    times = times.where(iso.isna(), iso.dt.strftime(date_format))
    out["submitted"], rows = _typed(submitted_q, times, lines, KOBO_SUBMISSION_TIME, date_format)
    found.append(_issues(rows))
    for q in questions.itertuples(index=False):
        values = frame[q.question_code]
        if q.type == "single":
            out[q.question_code], problems = codebook.map_names(values, lines, q.list_name, q.question_code)
        elif q.type == "multi":
            codes, problems = _kobo_multi(frame, codebook, q.question_code, q.list_name, lines)
            out.update({c: codes[c] for c in codes.columns})
        else:
            out[q.question_code], rows = _typed(q, values, lines, q.question_code, None)
            problems = _issues(rows)
        found.append(problems)
    coded = pd.DataFrame(out, index=frame.index)
    coded.insert(0, "response_id", _kobo_response_ids(coded, frame, language_question))
    coded[line_column] = lines
    return coded, _concat_issues(found)


def _drop_hxl_row(frame: pd.DataFrame, line_column: str) -> pd.DataFrame:
    """Without the HXL tag row Kobo writes under the header when the form has an `hxl`
    column (kpi import_export_task.py `tag_cols_for_header`): every cell empty or a tag."""
    if frame.empty:
        return frame
    cells = frame.iloc[0].drop(line_column).astype("string").fillna("").str.strip()
    if (cells != "").any() and (cells.eq("") | cells.str.startswith("#")).all():
        return frame.iloc[1:]
    return frame


def _kobo_multi(frame, codebook, question, list_name, lines) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = codebook.option_codes(list_name)
    known = set(codes)
    cells = np.array(
        [
            frame[kobo_option_column(question, o)].astype("string").str.strip().fillna("").to_numpy(dtype=object)
            for o in codes
        ]
    ).T.reshape(len(frame), len(codes))
    summary = frame[question].astype("string").fillna("").to_numpy(dtype=object)
    chosen = cells == "1"
    empty = cells == ""
    skipped = empty.all(axis=1)
    issues = []
    for i, line in enumerate(lines):
        bad = [codes[j] for j in range(len(codes)) if cells[i, j] not in ("0", "1", "")]
        if bad:
            j = codes.index(bad[0])
            issues.append(
                _issue(
                    line,
                    kobo_option_column(question, bad[0]),
                    cells[i, j],
                    "kobo_option_value",
                    f"an option column of select_multiple {question!r} holds {cells[i, j]!r}, not 1, 0 or empty",
                )
            )
            continue
        names = str(summary[i]).split()
        unknown = [n for n in names if n not in known]
        for name in unknown:
            issues.append(_unknown_label(line, question, name, list_name, "(a choice name) of the XLSForm"))
        if unknown:
            continue
        picked = [codes[j] for j in range(len(codes)) if chosen[i, j]]
        partly_empty = not skipped[i] and empty[i].any()
        if partly_empty or set(picked) != set(names):
            said = " ".join(names) or "(empty)"
            cols = " ".join(picked) or ("(all empty)" if skipped[i] else "(none)")
            issues.append(
                _issue(
                    line,
                    question,
                    str(summary[i]),
                    "kobo_multi_agrees",
                    f"row of line {int(line)}: the option columns of select_multiple {question!r} "
                    f"({question}/<option> = 1: {cols}"
                    + (", some option columns empty" if partly_empty else "")
                    + f") disagree with its summary cell ({said}); the export is inconsistent: re-export it",
                )
            )
    return _booleans(question, codes, chosen, skipped, frame.index), _issues(issues)


def _kobo_response_ids(coded: pd.DataFrame, frame: pd.DataFrame, language_question: str) -> pd.Series:
    language = coded[language_question]
    kobo_id = (
        pd.to_numeric(frame[KOBO_ID], errors="coerce")
        if KOBO_ID in frame.columns
        else pd.Series(np.nan, index=frame.index)
    )
    order = pd.DataFrame({"lang": language, "t": coded["submitted"], "id": kobo_id, "line": frame["_line"]})
    ok = order["lang"].notna() & order["t"].notna()
    ids = pd.Series(pd.NA, index=frame.index, dtype="string")
    ranked = order[ok].sort_values(["lang", "t", "id", "line"], kind="stable")
    rank = ranked.groupby("lang", sort=False).cumcount() + 1
    ids[ranked.index] = [f"{str(g).upper()}-{int(n):04d}" for g, n in zip(ranked["lang"], rank, strict=True)]
    return ids


# ---------------------------------------------------------------------- staging
def stage_export(
    raw: pd.DataFrame,
    coded: pd.DataFrame,
    issues: pd.DataFrame,
    *,
    schema,
    source: str,
    title: str,
    rule: str,
    report_path: str,
    on_invalid: str,
    reports: list | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate a harmonised export (`coded`, `issues` from harmonise_kobo /
    harmonise_feedback of `raw`, the export as read by lib.io.read_export) against
    `schema`.

    Codebook problems (unknown header or answer, unreadable number or date, option
    columns that disagree with the summary) and pandera problems go to one validation
    report (`report_path`). Header problems always stop (`title` heads the message);
    row problems stop or quarantine the rows as `on_invalid` says. Returns (valid rows,
    quarantined raw rows + reason); the report is also appended to `reports` if given.
    """
    from lib import validation  # local: keeps this module importable without pandera

    rows = issues.assign(file=source, rule=rule).to_dict("records")
    if len(issues) and (issues["line"] == 1).any():
        validation.report_errors(rows, rule=rule, report_path=report_path, on_invalid="stop", title=title)
    valid, bad_coded = validation.validate(
        coded,
        schema,
        source_file=source,
        rule=rule,
        report_path=report_path,
        on_invalid=on_invalid,
        extra_errors=rows or None,
        reports=reports,
    )
    quarantined = raw.loc[bad_coded.index].assign(reason=bad_coded["reason"])
    return valid, quarantined


def quarantine_table(quarantined: pd.DataFrame, source: str, mask_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """Quarantined rows in the shape the LMS chain uses: source, line, reason, record
    (the raw row as JSON), built by lib.validation.quarantine_table: values of
    `mask_columns` (the e-mail question's column) and of any personal column are
    withheld, so personal data never reaches results/validation/."""
    from lib import validation  # local: keeps this module importable without pandera

    return validation.quarantine_table(quarantined, source, file=source, personal=mask_columns)


def row_problems(frame: pd.DataFrame, mask: pd.Series, column: str, check: str, message) -> list[dict]:
    """Report rows (file, line, column, value, check, message) for the rows of `frame` where
    `mask` holds; `frame` carries `source_file` and `_line`; `message(value)` words it."""
    rows = frame.loc[mask.fillna(False).astype(bool), ["source_file", "_line", column]]
    return [
        dict(file=f, line=int(ln), column=column, value=v, check=check, message=message(v))
        for f, ln, v in rows.itertuples(index=False)
    ]


def followup_problems(df: pd.DataFrame, unknown_country: pd.Series, *, survey: str, editions: list[str]) -> list[dict]:
    """Problems of the follow-up responses taken together (clean_followup): a response id
    used twice, a country not recognised (`unknown_country`), an edition the survey does
    not cover (config followup_surveys.<survey>.editions). `df` carries source_file and
    _line."""
    checks = [
        (
            df["response_id"].duplicated(keep=False),
            "response_id",
            "unique_response_id",
            lambda r: f"response id {r!r} is used by more than one response",
        ),
        (
            unknown_country,
            "country",
            "known_country",
            lambda v: (
                f"country {v!r} is not an ISO 3166 name or code in English, Spanish, French or Arabic, nor in "
                "resources/country_aliases.csv: add an alias row (alias, iso3, note) if it is a real country"
            ),
        ),
        (
            df["edition"].notna() & ~df["edition"].isin(editions),
            "edition",
            "edition_in_survey",
            lambda v: (
                f"edition {v!r} is not an edition of follow-up survey {survey!r}: config.yaml "
                f"followup_surveys.{survey}.editions lists {', '.join(editions)}"
            ),
        ),
    ]
    return [row for mask, *spec in checks for row in row_problems(df, mask, *spec)]
