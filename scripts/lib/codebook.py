"""The survey codebook: questions and answer options in every form language.

The codebook (raw/survey/codebook-questions.csv and codebook-options.csv, see
docs/architecture.md "Codebook") says which column header each form language writes for a
question and which label it writes for an answer option. Exports are read through it:
headers become question codes, answer labels become option codes, multi-select cells are
split into one boolean column per option. Nothing here evaluates free text.

Labels are matched exactly after Unicode NFC normalisation, trimming, collapsing runs of
white space and case folding ("Very useful " == "very useful"); nothing is guessed.

Problems found in an export are returned as an "issues" table (columns of ISSUE_COLUMNS,
one row per problem, `line` = 1-based line in the file) for the caller to report; the
caller adds the file name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

LANGUAGES = ("en", "es", "fr", "ar")
QUESTION_TYPES = ("id", "datetime", "single", "multi", "number", "text", "email")
QUESTION_COLUMNS = ["instrument", "question_code", "type", "list_name", "required", "min", "max"]
OPTION_COLUMNS = ["list_name", "option_code", "order"]
ISSUE_COLUMNS = ["line", "column", "value", "check", "message"]
LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "fr": "French", "ar": "Arabic"}


class CodebookError(ValueError):
    """The codebook itself is inconsistent (not an export problem)."""


def normalise_label(text: object) -> str:
    """Canonical form of a label for matching: NFC, trimmed, single spaces, case-folded."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


def is_blank(series: pd.Series) -> pd.Series:
    """True where a cell is missing or only white space (a skipped item)."""
    return series.isna() | (series.astype("string").str.strip() == "")


def multi_column(question_code: str, option_code: str) -> str:
    """Name of the boolean column of one option of a multi-select question."""
    return f"{question_code}__{option_code}"


def _issues(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=ISSUE_COLUMNS)


def _read_csv(path: str | Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@dataclass(frozen=True)
class Codebook:
    questions: pd.DataFrame
    options: pd.DataFrame

    @classmethod
    def read(cls, questions_csv: str | Path, options_csv: str | Path) -> Codebook:
        return cls.from_frames(_read_csv(questions_csv), _read_csv(options_csv))

    @classmethod
    def from_frames(cls, questions: pd.DataFrame, options: pd.DataFrame) -> Codebook:
        labels = [f"label_{lang}" for lang in LANGUAGES]
        for name, frame, needed in (
            ("questions", questions, QUESTION_COLUMNS + labels),
            ("options", options, OPTION_COLUMNS + labels),
        ):
            missing = [c for c in needed if c not in frame.columns]
            if missing:
                raise CodebookError(f"codebook {name} sheet lacks the columns {missing}")
        questions = questions.fillna("").astype(str).map(str.strip)
        options = options.fillna("").astype(str).map(str.strip)
        bad_type = sorted(set(questions["type"]) - set(QUESTION_TYPES))
        if bad_type:
            raise CodebookError(f"codebook questions: unknown question types {bad_type}")
        for (inst, code), n in questions.groupby(["instrument", "question_code"]).size().items():
            if n > 1:
                raise CodebookError(f"codebook questions: {inst}.{code} is defined {n} times")
        choice = questions["type"].isin(["single", "multi"])
        no_list = questions[choice & ~questions["list_name"].isin(options["list_name"])]
        if len(no_list):
            raise CodebookError(
                "codebook questions: no options for the lists "
                f"{sorted(set(no_list['list_name']))} (questions {list(no_list['question_code'])})"
            )
        for lang, col in zip(LANGUAGES, labels, strict=True):
            for key, frame, group in (
                ("question header", questions, "instrument"),
                ("option label", options, "list_name"),
            ):
                used = frame[frame[col] != ""]
                dup = used.assign(_n=used[col].map(normalise_label)).duplicated([group, "_n"])
                if dup.any():
                    raise CodebookError(
                        f"codebook: the {LANGUAGE_NAMES[lang]} {key}(s) "
                        f"{sorted(set(used.loc[dup, col]))} are used twice in one {group}"
                    )
        return cls(questions.reset_index(drop=True), options.reset_index(drop=True))

    # ------------------------------------------------------------------ questions
    def questions_for(self, instrument: str) -> pd.DataFrame:
        found = self.questions[self.questions["instrument"] == instrument]
        if found.empty:
            raise CodebookError(f"codebook has no questions for instrument {instrument!r}")
        return found.reset_index(drop=True)

    def question(self, instrument: str, question_code: str) -> pd.Series:
        q = self.questions_for(instrument)
        found = q[q["question_code"] == question_code]
        if found.empty:
            raise CodebookError(f"codebook has no question {instrument}.{question_code}")
        return found.iloc[0]

    def header_map(self, instrument: str, language: str) -> dict[str, str]:
        """{normalised header label in `language`: question_code}."""
        _check_language(language)
        q = self.questions_for(instrument)
        return {
            normalise_label(label): code
            for label, code in zip(q[f"label_{language}"], q["question_code"], strict=True)
            if label
        }

    def map_headers(self, headers: list[str], instrument: str, language: str) -> tuple[dict[str, str], pd.DataFrame]:
        """Map export headers to question codes.

        Returns ({header: question_code}, issues). An issue is raised for every header the
        codebook does not know in `language` and for every codebook question with no column
        (both reported on line 1, the header line).
        """
        lookup = self.header_map(instrument, language)
        lang = LANGUAGE_NAMES[language]
        mapping: dict[str, str] = {}
        issues = []
        for header in headers:
            code = lookup.get(normalise_label(header))
            if code is None:
                issues.append(
                    dict(
                        line=1,
                        column=header,
                        value=header,
                        check="known_question",
                        message=f"column header {header!r} is not a {instrument} question "
                        f"of the codebook in {lang} (language {language})",
                    )
                )
            elif code in mapping.values():
                issues.append(
                    dict(
                        line=1,
                        column=header,
                        value=header,
                        check="unique_question",
                        message=f"question {code!r} appears in two columns",
                    )
                )
            else:
                mapping[header] = code
        q = self.questions_for(instrument)
        for code, label in zip(q["question_code"], q[f"label_{language}"], strict=True):
            if code not in mapping.values():
                issues.append(
                    dict(
                        line=1,
                        column=label or code,
                        value="",
                        check="question_present",
                        message=f"the {lang} form has no column for question {code!r} (codebook header {label!r})",
                    )
                )
        return mapping, _issues(issues)

    # ------------------------------------------------------------------ options
    def option_codes(self, list_name: str) -> list[str]:
        """Option codes of a list in codebook order."""
        opts = self.options[self.options["list_name"] == list_name]
        if opts.empty:
            raise CodebookError(f"codebook has no option list {list_name!r}")
        order = pd.to_numeric(opts["order"], errors="coerce")
        return list(opts.assign(_o=order).sort_values(["_o", "option_code"])["option_code"])

    def option_map(self, list_name: str, language: str) -> dict[str, str]:
        """{normalised option label in `language`: option_code}."""
        _check_language(language)
        opts = self.options[self.options["list_name"] == list_name]
        if opts.empty:
            raise CodebookError(f"codebook has no option list {list_name!r}")
        return {
            normalise_label(label): code
            for label, code in zip(opts[f"label_{language}"], opts["option_code"], strict=True)
            if label
        }

    def option_label(self, list_name: str, option_code: str, language: str = "en") -> str:
        opts = self.options
        hit = opts[(opts["list_name"] == list_name) & (opts["option_code"] == option_code)]
        if hit.empty:
            raise CodebookError(f"codebook list {list_name!r} has no option {option_code!r}")
        return hit.iloc[0][f"label_{language}"]

    def roles(self) -> dict[str, str]:
        """{sector option code: role_en} (how a respondent of the sector is described)."""
        opts = self.options[self.options["list_name"] == "sector"]
        if "role_en" not in opts.columns:
            raise CodebookError("codebook options sheet lacks the column role_en")
        return dict(zip(opts["option_code"], opts["role_en"], strict=True))

    # ------------------------------------------------------------------ answers
    def map_single(
        self, values: pd.Series, lines: pd.Series, list_name: str, language: str, column: str
    ) -> tuple[pd.Series, pd.DataFrame]:
        """Answer labels -> option codes (NA where the item was skipped).

        `lines` gives the 1-based file line of each value; `column` the header in the file.
        """
        lookup = self.option_map(list_name, language)
        blank = is_blank(values)
        codes = values.map(lambda v: lookup.get(normalise_label(v))).astype("string")
        codes[blank] = pd.NA
        unknown = ~blank & codes.isna()
        issues = [
            _unknown_label(line, column, value, list_name, language)
            for line, value in zip(lines[unknown], values[unknown], strict=True)
        ]
        return codes, _issues(issues)

    def split_multi(
        self,
        values: pd.Series,
        lines: pd.Series,
        question_code: str,
        list_name: str,
        language: str,
        column: str,
        separator: str,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Split a multi-select cell ("label A;label B") into one boolean column per option.

        Columns are `<question_code>__<option_code>` in codebook order, nullable booleans:
        True = option chosen, False = not chosen, NA = the item was skipped (empty cell).
        Empty pieces (a trailing separator) are ignored; a label named twice counts once.
        """
        lookup = self.option_map(list_name, language)
        clash = [label for label in lookup if separator.casefold() in label]
        if clash:
            raise CodebookError(
                f"option labels of list {list_name!r} contain the multi-select separator "
                f"{separator!r}: {clash}; cells cannot be split unambiguously"
            )
        codes = self.option_codes(list_name)
        position = {c: j for j, c in enumerate(codes)}
        skipped = is_blank(values).to_numpy(dtype=bool)
        chosen = np.zeros((len(values), len(codes)), dtype=bool)
        issues = []
        known: dict[str, str | None] = {}  # piece -> code (normalise_label is the slow part)
        for i, (line, cell) in enumerate(zip(lines, values, strict=True)):
            if skipped[i]:
                continue
            for piece in str(cell).split(separator):
                if not piece.strip():
                    continue
                if piece not in known:
                    known[piece] = lookup.get(normalise_label(piece))
                code = known[piece]
                if code is None:
                    issues.append(_unknown_label(line, column, piece.strip(), list_name, language))
                else:
                    chosen[i, position[code]] = True
        out = pd.DataFrame(
            {
                multi_column(question_code, c): pd.arrays.BooleanArray(chosen[:, j].copy(), skipped.copy())
                for j, c in enumerate(codes)
            },
            index=values.index,
        )
        return out, _issues(issues)


def _unknown_label(line, column, value, list_name, language) -> dict:
    return dict(
        line=int(line),
        column=column,
        value=value,
        check="known_label",
        message=f"answer {value!r} is not an option of list {list_name!r} in the codebook "
        f"for {LANGUAGE_NAMES[language]} (language {language})",
    )


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise CodebookError(f"unknown form language {language!r}; expected one of {LANGUAGES}")


def _blank_to_na(values: pd.Series) -> pd.Series:
    out = values.astype("string")
    return out.mask(is_blank(out))


def harmonise(
    frame: pd.DataFrame,
    codebook: Codebook,
    instrument: str,
    language: str,
    *,
    date_format: str,
    separator: str = ";",
    line_column: str = "_line",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn one export (headers and labels of one form language) into codes.

    frame: the export as read (text cells, the file's own headers, `line_column`).
    Returns (coded, issues): one column per question code, typed by question type
    (id and text: trimmed text / NA; datetime: parsed with `date_format`; single: option
    code; multi: `<question>__<option>` booleans; number: float; email: text as typed),
    plus `line_column`; issues as ISSUE_COLUMNS (the column is the header in the file).
    Free text is never interpreted. Header problems make the answers unreadable, so they
    are returned alone.
    """
    headers = [c for c in frame.columns if c != line_column]
    mapping, issues = codebook.map_headers(headers, instrument, language)
    if len(issues):
        return pd.DataFrame(index=frame.index), issues
    header_of = {code: header for header, code in mapping.items()}
    lines = frame[line_column]
    out: dict[str, pd.Series | pd.DataFrame] = {}
    found = [issues]
    for q in codebook.questions_for(instrument).itertuples(index=False):
        header = header_of[q.question_code]
        values = frame[header]
        if q.type == "single":
            codes, problems = codebook.map_single(values, lines, q.list_name, language, header)
            out[q.question_code] = codes
        elif q.type == "multi":
            codes, problems = codebook.split_multi(
                values, lines, q.question_code, q.list_name, language, header, separator
            )
            out.update({c: codes[c] for c in codes.columns})
        elif q.type in ("number", "datetime"):
            text = _blank_to_na(values).str.strip()
            if q.type == "number":
                parsed = pd.to_numeric(text, errors="coerce").astype("float64")
                what = "a number"
            else:
                parsed = pd.to_datetime(text, format=date_format, errors="coerce")
                what = f"a date and time in the format {date_format}"
            bad = text.notna() & parsed.isna()
            problems = _issues(
                [
                    dict(
                        line=int(line),
                        column=header,
                        value=value,
                        check=f"parse_{q.type}",
                        message=f"{q.question_code!r} cannot be read as {what}",
                    )
                    for line, value in zip(lines[bad], values[bad], strict=True)
                ]
            )
            out[q.question_code] = parsed
        else:  # id, text, email: kept as typed (ids trimmed)
            text = _blank_to_na(values)
            out[q.question_code] = text.str.strip() if q.type == "id" else text
            problems = _issues([])
        found.append(problems)
    coded = pd.DataFrame(out, index=frame.index)
    coded[line_column] = lines
    issues = pd.concat([f for f in found if len(f)], ignore_index=True) if any(len(f) for f in found) else found[0]
    return coded, issues


def stage_export(
    raw: pd.DataFrame,
    codebook: Codebook,
    instrument: str,
    language: str,
    *,
    schema,
    date_format: str,
    separator: str,
    source: str,
    rule: str,
    report_path: str,
    on_invalid: str,
    reports: list | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Harmonise an export read by lib.io.read_export and validate it against `schema`.

    Codebook problems (unknown header or label, unreadable number or date) and pandera
    problems go to one validation report (`report_path`). Header problems always stop;
    row problems stop or quarantine the rows as `on_invalid` says. Returns (valid rows,
    quarantined raw rows + reason); the report is also appended to `reports` if given.
    """
    from lib import validation  # local: keeps this module importable without pandera

    coded, issues = harmonise(raw, codebook, instrument, language, date_format=date_format, separator=separator)
    rows = issues.assign(file=source, rule=rule).to_dict("records")
    if len(issues) and (issues["line"] == 1).any():
        validation.report_errors(
            rows,
            rule=rule,
            report_path=report_path,
            on_invalid="stop",
            title=f"{source}: the header line does not match the {LANGUAGE_NAMES[language]} {instrument} "
            "form of the codebook",
        )
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
    `mask_columns` (the form's e-mail header) and of any personal column are withheld,
    so personal data never reaches results/validation/."""
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
    """Problems of the follow-up forms taken together (clean_followup): a response id used
    twice, a country not recognised (`unknown_country`), an edition the survey does not
    cover (config followup_surveys.<survey>.editions). `df` carries source_file and _line."""
    checks = [
        (
            df["response_id"].duplicated(keep=False),
            "response_id",
            "unique_response_id",
            lambda r: f"response id {r!r} is used by more than one response (in the forms together)",
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
