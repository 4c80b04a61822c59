"""Validation that reports the way an analyst reads it.

Every problem found in an input, by pandera or by hand-written checks, becomes one row
of a report with the columns ``file, line, column, value, check, message, rule``:
the source file, the 1-based line where the record starts (header = line 1; empty for
file-level problems), the canonical column, the offending value, the check that failed,
a sentence in plain words, and the workflow rule that ran the check.

``validate`` runs a pandera schema with ``lazy=True`` (all problems at once), maps
pandera's row index to the file line through the ``_line`` column that
``lib.io.read_export`` adds, and always writes the report (header only when clean).
When problems are found it either stops (raises :class:`ValidationFailed`, whose message
lists the first 20 problems) or quarantines the bad rows, as configured by
``on_invalid``. File-level problems (a missing column) always stop.

Snakemake deletes the declared outputs of a failed job, so on failure the report is
also written beside it as ``<name>.failed.csv`` (not a declared output, so it stays
for the analyst; it is removed again by the next clean run).
"""

from __future__ import annotations

import ast
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from lib.errors import InputError
from lib.safe_text import write_csv

if TYPE_CHECKING:  # pandera is imported where it is used: ~0.5 s saved for jobs that never validate
    import pandera.pandas as pa

REPORT_COLUMNS = ["file", "line", "column", "value", "check", "message", "rule"]
# a report's column types: line numbers as nullable integers, everything else as text
REPORT_DTYPES = {c: "Int64" if c == "line" else "string" for c in REPORT_COLUMNS}
MAX_LISTED = 20
ON_INVALID = ("stop", "quarantine")

# The guard for raw input (issue 14): every value a message or report quotes from an input
# file goes through :func:`must_withhold` (report rows: :func:`withhold_personal`, run on
# every report; console lines: :func:`format_problem`; quarantine records:
# :func:`quarantine_table`; text built into a message: :func:`shown`). Only values of a
# column known to be non-personal are shown; withheld, with the file and line where the
# analyst finds them (:func:`withheld`), are
# - values of personal columns: these canonical columns and any column a caller names
#   (e.g. the e-mail question of a survey form);
# - a whole raw record, or any part of one not known to belong to one column
#   (WHOLE_RECORD_CHECKS: a record with the wrong number of fields; the cells of a first
#   line that holds none of the expected headers, which may be a data row);
# - a value whose column is unknown (report rows with no column);
# - any value holding an e-mail address, whatever its column.
PERSONAL_COLUMNS = frozenset({"email", "first_name", "last_name", "full_name", "username", "id_number"})
WHOLE_RECORD_CHECKS = frozenset({"field_count", "header_row"})
# checks of a header line known to be one (it holds expected headers): their value is a
# header name, never personal data
HEADER_CHECKS = frozenset(
    {
        "column_in_file",
        "column_in_dataframe",
        "column_in_schema",
        "known_question",
        "unique_question",
        "question_present",
        "unique_headers",
    }
)
_EMAIL = re.compile(r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)+")


def in_sheet(file: object) -> bool:
    """True when ``file`` names a sheet of a spreadsheet (``x.xlsx, sheet 'Sheet1'``, as
    lib.io.read_export names it): its lines are rows."""
    return ", sheet '" in str(file or "")


def withheld(file: object = "", line: object = None) -> str:
    """The text shown instead of a personal value: where to find it in the raw file."""
    has_line = line is not None and not (not isinstance(line, str) and pd.isna(line)) and str(line) != ""
    unit = "row" if in_sheet(file) else "line"
    where = f"{unit} {int(line)} of {file}" if has_line else str(file or "the raw file")
    return f"(withheld: personal data, see {where})"


def is_withheld(value: object) -> bool:
    """True when ``value`` is already the text of :func:`withheld`."""
    return isinstance(value, str) and value.startswith("(withheld: personal data")


def must_withhold(column: object, value: object = None, check: object = None, personal=()) -> bool:
    """The guard's decision: True unless ``value`` belongs to a column known to be
    non-personal. Withheld: a personal column (PERSONAL_COLUMNS, ``personal``), a whole raw
    record or a line that may be one (WHOLE_RECORD_CHECKS), a value with no column, any value
    holding an e-mail address. Checks of a known header line (HEADER_CHECKS) name headers."""
    if str(check or "") in WHOLE_RECORD_CHECKS:
        return True
    if str(check or "") in HEADER_CHECKS:
        return isinstance(value, str) and bool(_EMAIL.search(value))
    col = "" if column is None or (not isinstance(column, str) and pd.isna(column)) else str(column).strip()
    if col == "" or col in PERSONAL_COLUMNS or col in set(personal):
        return True
    return isinstance(value, str) and bool(_EMAIL.search(value))


is_personal = must_withhold  # the name the callers of issue 7 use


def shown(value: object, *, column: object, file: object, line: object = None, check: object = None, personal=()):
    """``value`` as a message may quote it: itself, or where to find it (:func:`withheld`)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or is_withheld(value):
        return value
    return withheld(file, line) if must_withhold(column, value, check, personal) else value


def found_headers(header: list[str], file: object, line: object = 1) -> str:
    """The cells of a line known to be the header line, for a message: ``'a', 'b'`` (a
    cell holding an e-mail address is withheld all the same). Never call it with a line
    that may be a data row: say that its cells are withheld instead."""
    return ", ".join(repr(h) if not must_withhold(h, h, "column_in_file") else withheld(file, line) for h in header)


def withhold_personal(report: pd.DataFrame, personal=()) -> pd.DataFrame:
    """Report rows with personal values (and their echo in the message) withheld."""
    if not len(report) or "value" not in report.columns:
        return report
    rep = report.copy()
    for i, r in zip(rep.index, rep.to_dict("records"), strict=True):
        value = r.get("value")
        if value is None or (not isinstance(value, str) and pd.isna(value)) or is_withheld(value):
            continue
        if must_withhold(r.get("column"), value, r.get("check"), personal):
            text = withheld(r.get("file", ""), r.get("line"))
            rep.at[i, "value"] = text
            if isinstance(r.get("message"), str) and str(value) and str(value) in r["message"]:
                rep.at[i, "message"] = r["message"].replace(str(value), text)
    return rep


class ValidationFailed(InputError):
    """Input data broke the contract. ``.report`` holds one row per problem (an
    :class:`lib.errors.InputError`: uncaught, it stops with the message, no traceback)."""

    def __init__(self, report: pd.DataFrame, *, report_path: str | None = None, title: str | None = None):
        self.report = _normalise_report(report)
        self.report_path = report_path
        self.title = title
        super().__init__(self.__str__())

    def __str__(self) -> str:
        rep = self.report
        n = len(rep)
        files = ", ".join(sorted({str(f) for f in rep["file"] if str(f)})) or "the input"
        head = self.title or f"Validation failed: {n} problem{'s' if n != 1 else ''} in {files}."
        lines = [head]
        for row in rep.head(MAX_LISTED).itertuples(index=False):
            lines.append("  - " + format_problem(row._asdict()))
        if n > MAX_LISTED:
            more = f"  ... and {n - MAX_LISTED} more"
            if self.report_path:
                more += f", see {self.report_path}"
            lines.append(more)
        elif self.report_path:
            lines.append(f"  (full report: {self.report_path})")
        return "\n".join(lines)


def format_problem(p: dict) -> str:
    """One problem as ``file:line, column 'x', value 'v': message [rule]`` (for a sheet of
    a spreadsheet: ``file.xlsx, sheet 'Sheet1', row 12, column ...``)."""
    where = str(p.get("file", ""))
    line = p.get("line")
    if line is not None and not pd.isna(line) and str(line) != "":
        where += f", row {int(line)}" if in_sheet(where) else f":{int(line)}"
    parts = [where]
    if str(p.get("column", "") or ""):
        parts.append(f"column '{p['column']}'")
    value = p.get("value")
    message = p.get("message", "")
    if value is not None and not (not isinstance(value, str) and pd.isna(value)):
        if not is_withheld(value) and must_withhold(p.get("column"), value, p.get("check")):
            text = withheld(p.get("file", ""), line)
            message = str(message).replace(str(value), text) if str(value) else message
            value = text
        parts.append(f"value '{value if is_withheld(value) else _short(value)}'")
    text = ", ".join(parts) + f": {message}"
    if str(p.get("rule", "") or ""):
        text += f" [{p['rule']}]"
    return text


def _short(value, limit: int = 80) -> str:
    s = str(value).replace("\n", "\\n").replace("\r", "\\r")
    return s if len(s) <= limit else s[: limit - 3] + "..."


def _normalise_report(report: pd.DataFrame | list[dict]) -> pd.DataFrame:
    if len(report) == 0:  # most reports: nothing to type, withhold or sort
        return empty_report()
    rep = pd.DataFrame(report)
    for col in REPORT_COLUMNS:
        if col not in rep.columns:
            rep[col] = pd.NA
    rep = rep[REPORT_COLUMNS].copy()
    rep["line"] = pd.to_numeric(rep["line"], errors="coerce")
    rep = rep.astype(REPORT_DTYPES)
    rep = withhold_personal(rep)
    rep = rep.sort_values(["file", "line", "column", "check", "value"], na_position="first", kind="stable")
    return rep.reset_index(drop=True)


def empty_report() -> pd.DataFrame:
    """A report without rows, typed as :func:`_normalise_report` types one."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in REPORT_DTYPES.items()})


def write_report(report: pd.DataFrame, path: str | Path) -> None:
    """Write a report CSV (sorted, deterministic, text cells neutralised)."""
    write_csv(_normalise_report(report), path)


QUARANTINE_COLUMNS = ["source", "line", "reason", "record"]


def quarantine_table(bad: pd.DataFrame, source: str, *, file: str, personal=()) -> pd.DataFrame:
    """Quarantined rows as ``source, line, reason, record`` (the row as JSON), sorted by
    line. ``bad`` carries ``_line`` and ``reason``; values of personal columns
    (PERSONAL_COLUMNS and ``personal``, e.g. a survey form's e-mail header) are withheld
    in the record, so the file can sit in results/ (``file`` names the raw file)."""
    import json

    rows = []
    for rec in bad.to_dict("records"):
        line, reason = rec.pop("_line"), rec.pop("reason")
        for col, value in rec.items():
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                rec[col] = None
            elif must_withhold(col, value, personal=personal) and str(value).strip():
                rec[col] = withheld(file, line)
            elif not isinstance(value, (str, int, float, bool)):
                rec[col] = str(value)
        record = json.dumps(rec, ensure_ascii=False)
        rows.append({"source": source, "line": int(line), "reason": reason, "record": record})
    table = pd.DataFrame(rows, columns=QUARANTINE_COLUMNS)
    return table.sort_values(["source", "line"], kind="stable").reset_index(drop=True)


# A file whose every record was quarantined would reach the report as if it had no
# records: it stops the run as an empty file does; config validation.max_quarantined_share
# (a share in (0, 1], default 1) stops a file that loses more than that share earlier.
DEFAULT_MAX_QUARANTINED_SHARE = 1.0


def quarantine_limit_problem(
    file: str,
    rows_in: int,
    rows_set_aside: int,
    *,
    max_share: float | None,
    quarantine_file: str,
    counted: str = "read",
) -> str | None:
    """The message that stops the run when ``file`` lost too many records to quarantine
    (all of them, or more than ``max_share`` of them); None when it may go on.
    ``counted`` says which records ``rows_in`` counts ("read", or e.g. "read, staff and
    test accounts left out")."""
    share = DEFAULT_MAX_QUARANTINED_SHARE if max_share is None else float(max_share)
    if not 0 < share <= 1:
        raise ValueError(f"validation.max_quarantined_share must be in (0, 1], not {max_share!r}")
    if rows_in <= 0 or rows_set_aside <= 0:
        return None
    every = rows_set_aside >= rows_in
    if not every and rows_set_aside / rows_in <= share:
        return None
    what = (
        "every record was set aside, so nothing of this export would reach the report (it would be built "
        "as if the file had no records)"
        if every
        else f"the share set aside ({rows_set_aside / rows_in:.3g}) is more than "
        f"validation.max_quarantined_share ({share:g}) in config.yaml allows"
    )
    return (
        f"{file}: {rows_in} record{'s' if rows_in != 1 else ''} {counted}, {rows_set_aside} set aside "
        f"(on_invalid: quarantine): {what}. Read the reasons in {quarantine_file}: the export is probably the "
        "wrong file or was written with other settings; fix or download it again and rerun (a stricter or "
        "looser limit: validation.max_quarantined_share, a share in (0, 1])"
    )


def failed_report_path(report_path: str | Path) -> Path:
    p = Path(report_path)
    return p.with_name(p.stem + ".failed.csv")


# -- pandera failure cases -> readable messages ---------------------------------------

_DTYPE_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "datetime": "a date and time",
    "str": "text",
    "string": "text",
}


def _dtype_words(check: str) -> str:
    m = re.search(r"\('?([A-Za-z]+)", check)
    name = (m.group(1) if m else "").lower()
    for key, words in _DTYPE_WORDS.items():
        if name.startswith(key):
            return words
    return name or "the expected type"


def explain(check: str, column: str | None) -> str:
    """A sentence for a pandera check string (custom ``error=`` texts pass through)."""
    c = str(check)
    if c == "column_in_dataframe":
        return "required column is missing"
    if c == "column_in_schema":
        return "column is not part of the data contract"
    if c.startswith("coerce_dtype("):
        return f"cannot be read as {_dtype_words(c)}"
    if c.startswith("dtype("):
        return f"has the wrong type: expected {_dtype_words(c)}"
    if c == "not_nullable":
        return "is empty but a value is required"
    if c == "field_uniqueness":
        return "appears more than once but must be unique"
    if c == "multiple_fields_uniqueness":
        return "duplicates another row on a column combination that must be unique"
    if c.startswith("isin("):
        return f"is not one of the allowed values {c[len('isin(') : -1]}"
    if c.startswith("str_matches("):
        return f"does not have the expected form {c[len('str_matches(') : -1]}"
    m = re.match(r"(greater_than_or_equal_to|less_than_or_equal_to|greater_than|less_than|in_range)\((.*)\)$", c)
    if m:
        words = {
            "greater_than_or_equal_to": "must be at least",
            "less_than_or_equal_to": "must be at most",
            "greater_than": "must be greater than",
            "less_than": "must be less than",
            "in_range": "must be in the range",
        }[m.group(1)]
        return f"{words} {m.group(2)}"
    return c


def failure_report(
    failure_cases: pd.DataFrame, df: pd.DataFrame, *, source_file: str, rule: str, files: list[str] | None = None
) -> pd.DataFrame:
    """Turn pandera ``SchemaErrors.failure_cases`` into report rows with file lines.

    ``files``: ``df`` holds several files (:func:`stack_files`): a row's file is
    ``files[<first index level>]``; problems of a whole column name ``source_file``."""
    rows = []
    lines = df["_line"] if "_line" in df.columns else None
    for fc in failure_cases.itertuples(index=False):
        idx = fc.index
        if files is not None and isinstance(idx, str) and idx.startswith("("):
            idx = ast.literal_eval(idx)  # pandera reports a (file, row) index as its text
        line = pd.NA
        has_row = idx is not None and not (not isinstance(idx, str) and pd.isna(idx))
        if has_row and lines is not None and idx in lines.index:
            line = lines.loc[idx]
        column = fc.column if isinstance(fc.column, str) else ""
        check = str(fc.check)
        value = fc.failure_case
        if check == "column_in_dataframe":
            column, value = str(fc.failure_case), pd.NA
        file = files[idx[0]] if files is not None and has_row and isinstance(idx, tuple) else source_file
        rows.append(
            {
                "file": file,
                "line": line,
                "column": column,
                "value": value,
                "check": check,
                "message": explain(check, column),
                "rule": rule,
                "_index": idx if has_row else pd.NA,
            }
        )
    return pd.DataFrame(rows)


@contextmanager
def geopandas_absent():
    """pandera asks, at every validation, whether a schema's frame-level dtype (None here)
    is a geopandas geometry type, by importing geopandas: ~0.05 s of CPU in every validating job
    (issue 16). No schema of the workflow has geometry columns, so while pandera validates
    geopandas counts as not installed (None in ``sys.modules`` makes its import fail);
    a process that imported it already keeps it."""
    if "geopandas" in sys.modules:
        yield
        return
    sys.modules["geopandas"] = None
    try:
        yield
    finally:
        if "geopandas" in sys.modules and sys.modules["geopandas"] is None:
            del sys.modules["geopandas"]


def validate(
    df: pd.DataFrame,
    schema: pa.DataFrameSchema,
    *,
    source_file: str,
    rule: str,
    report_path: str | Path,
    on_invalid: str = "stop",
    extra_errors: list[dict] | None = None,
    files: list[str] | None = None,
    reports: list | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate ``df`` lazily against ``schema``; write the report; stop or quarantine.

    ``files``: ``df`` stacks several files of one kind (:func:`stack_files`: one pandera
    call for all of them, the per-call cost being most of the time for small files);
    report rows name each row's own file. ``reports``: a list the report is appended to.

    ``df`` should carry the ``_line`` column of :func:`lib.io.read_export` (kept in the
    output; make schemas non-strict or declare it). ``extra_errors`` are problems found
    outside pandera (dicts with the report columns; ``line`` picks the row) and are
    handled exactly like pandera's.

    Returns ``(valid, quarantined)``: the validated frame (coerced by the schema) and
    the quarantined rows (input columns + ``reason``; empty unless
    ``on_invalid="quarantine"``).
    """
    if on_invalid not in ON_INVALID:
        raise ValueError(f"on_invalid must be one of {ON_INVALID}, not {on_invalid!r}")
    from pandera.errors import SchemaErrors

    report_path = Path(report_path)
    try:
        with geopandas_absent():
            validated = schema.validate(df, lazy=True)
        report = pd.DataFrame(columns=[*REPORT_COLUMNS, "_index"])
    except SchemaErrors as err:
        validated = None
        report = failure_report(err.failure_cases, df, source_file=source_file, rule=rule, files=files)
    if extra_errors:
        extra = pd.DataFrame(extra_errors)
        for col, default in (("rule", rule), ("file", source_file)):
            extra[col] = extra[col].astype("string").fillna(default) if col in extra.columns else default
        if "_line" in df.columns and files is not None and isinstance(df.index, pd.MultiIndex):
            # stacked files: a line is found in its own file (lines repeat across files)
            number = {f: i for i, f in enumerate(files)}
            keys = zip(df.index.get_level_values(0), df["_line"].astype("int64"), strict=True)
            by_key = dict(zip(keys, df.index, strict=True))
            extra["_index"] = [
                by_key.get((number.get(f), int(x)), pd.NA) if pd.notna(x) else pd.NA
                for f, x in zip(extra["file"], extra.get("line", [pd.NA] * len(extra)), strict=True)
            ]
        elif "_line" in df.columns:
            by_line = pd.Series(df.index, index=df["_line"].astype("Int64"))
            extra["_index"] = [by_line.get(int(x), pd.NA) if pd.notna(x) else pd.NA for x in extra.get("line", [])]
        report = pd.concat([report, extra], ignore_index=True) if len(report) else extra

    if reports is not None:
        reports.append(report)
    if len(report) == 0:
        write_report(empty_report(), report_path)
        failed_report_path(report_path).unlink(missing_ok=True)
        return validated, df.iloc[0:0].assign(reason=pd.Series(dtype="string"))

    file_level = report["_index"].isna() if "_index" in report.columns else pd.Series(True, index=report.index)
    if on_invalid == "stop" or file_level.any():
        write_report(report, report_path)
        write_report(report, failed_report_path(report_path))
        raise ValidationFailed(report, report_path=str(failed_report_path(report_path)))

    # quarantine: drop the bad rows, re-validate the rest
    report["_text"] = [format_problem(r) for r in report.to_dict("records")]
    reasons = report.groupby("_index", sort=True)["_text"].agg("; ".join)
    bad = df.loc[df.index.isin(reasons.index)].copy()
    bad["reason"] = reasons.reindex(bad.index).astype("string")
    write_report(report, report_path)
    failed_report_path(report_path).unlink(missing_ok=True)
    good = schema.validate(df.loc[~df.index.isin(reasons.index)], lazy=True)
    return good, bad


def stack_files(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames of several files of one kind as one, indexed by (file number, row): checks
    that must hold within a file (no duplicate ids) group by the first index level (see
    schemas/lms.py ``_unique_per_file``)."""
    return pd.concat(frames, keys=range(len(frames)))


def report_errors(
    rows: list[dict],
    *,
    rule: str,
    report_path: str | Path | None = None,
    on_invalid: str = "stop",
    title: str | None = None,
) -> pd.DataFrame:
    """Report problems found outside pandera the same way.

    ``rows`` are dicts with ``file, line, column, value, check, message`` (``rule`` is
    filled in). Writes the report when ``report_path`` is given (header only if there
    are no rows). With problems and ``on_invalid="stop"`` raises
    :class:`ValidationFailed`; otherwise returns the report frame (the caller
    quarantines the named lines).
    """
    if on_invalid not in ON_INVALID:
        raise ValueError(f"on_invalid must be one of {ON_INVALID}, not {on_invalid!r}")
    rep = pd.DataFrame(rows, columns=REPORT_COLUMNS) if rows else empty_report()
    rep = _normalise_report(rep)
    rep["rule"] = rep["rule"].fillna(rule)
    if report_path is not None:
        write_report(rep, report_path)
        if len(rep) and on_invalid == "stop":
            write_report(rep, failed_report_path(report_path))
        else:
            failed_report_path(report_path).unlink(missing_ok=True)
    if len(rep) and on_invalid == "stop":
        shown = str(failed_report_path(report_path)) if report_path is not None else None
        raise ValidationFailed(rep, report_path=shown, title=title)
    return rep
