"""Read exports exactly, write tables deterministically.

``read_export`` reads a CSV, .xlsx or .ods export by the file's real type, found from
its bytes (never from its extension: analysts rename files, and Moodle's "Download table
data as" offers all three). Every value comes back as text, and every record with the
line (CSV) or row (spreadsheet) where it starts.

- CSV: the :mod:`csv` module (not pandas' parser), so that every value stays the text
  that was in the file and the line where each record starts is exact, even when a
  quoted cell holds line breaks.
- .xlsx / .ods: python-calamine (measured against pandas' calamine engine, openpyxl and
  odfpy: docs/benchmarks.md), first sheet or a named one; each cell as the text of
  :func:`cell_text`; ``_line`` is the spreadsheet row number.

Every problem that makes a file unreadable is raised as
:class:`lib.validation.ValidationFailed` naming the file and line; for a spreadsheet the
file is named ``<source>, sheet '<name>'`` and the line is the row
(:func:`lib.validation.format_problem` prints ``file.xlsx, sheet 'Sheet1', row 12``).

Unknown extra columns are allowed (Moodle adds profile fields per site): they are left
out of the returned frame and listed in ``df.attrs["unmapped_headers"]`` so that the
caller can log them. Missing columns are an error.
"""

from __future__ import annotations

import codecs
import csv
import io as _stdio
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

if TYPE_CHECKING:
    import pyarrow.parquet as pq

# the CSV writer lives in lib.safe_text (lib.validation writes its reports with it and
# must not import this module, which raises lib.validation.ValidationFailed)
from lib.safe_text import write_csv as write_csv
from lib.validation import ValidationFailed, found_headers, shown, withheld

LINE_COLUMN = "_line"
_SURROGATE = re.compile("[\udc80-\udcff]")
# the longest cell a CSV export may hold, in characters: far above any free-text answer (a
# survey's long answer is some KB; Python's csv module stops at 128 Ki characters by
# default, which would refuse one), small enough that a damaged file fails in bounded memory
MAX_FIELD_CHARS = 16 * 1024 * 1024
PARQUET_COMPRESSION = "zstd"
# level 1: the 19-million-row participation evidence at 1,000,000 participants writes in
# 8.2 s instead of 15.5 s at level 3, and is smaller (636 vs 659 MB; docs/benchmarks.md)
PARQUET_COMPRESSION_LEVEL = 1


def _fail(source: str, message: str, *, line=None, column: str = "", value=None, check: str = "readable_file"):
    return ValidationFailed(
        pd.DataFrame(
            [
                {
                    "file": source,
                    "line": line,
                    "column": column,
                    "value": value,
                    "check": check,
                    "message": message,
                    "rule": "",
                }
            ]
        )
    )


def _utf16_kind(raw: bytes) -> str | None:
    """``"UTF-16"`` when the bytes are UTF-16 text (a UTF-16 byte-order mark, or NUL bytes
    among the first 4 KB, which text in UTF-8 or a one-byte encoding never holds: Excel's
    "Unicode Text" and some survey tools write UTF-16); else ``None``."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    head = raw[:4096]
    return "UTF-16" if head.count(b"\x00") * 10 >= len(head) > 0 else None


def _decode(
    raw: bytes,
    encoding: str,
    source: str,
    delimiter: str = ",",
    columns: dict[str, str] | None = None,
    known: Callable[[str], bool] | None = None,
) -> str:
    """The text of a CSV export; a leading UTF-8 byte-order mark dropped (for ``utf-8`` and
    ``utf-8-sig`` alike). Offsets and lines in messages count the file's own bytes, the
    mark included (an editor's and ``hexdump``'s numbering)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise _fail(source, f"unknown encoding {encoding!r} in config.yaml", check="encoding") from None
    if not name.startswith("utf-16") and _utf16_kind(raw):
        raise _fail(
            source,
            f"the file is UTF-16 text (it starts with a UTF-16 byte-order mark or holds NUL bytes), not {encoding}: "
            "it was probably saved as 'Unicode Text' by Excel or another spreadsheet program. Download the export "
            "again from its source, or open it and save it as CSV with the character set UTF-8 and the delimiter "
            f"'{delimiter}' (Excel: 'CSV UTF-8'; LibreOffice: Save As, Text CSV, 'Edit filter settings')",
            line=1,
            check="encoding",
        )
    # the mark is an encoding signature, not data (Excel and survey tools write it): skip it
    # here, so that a decoding error's offset is counted from the file's first byte
    skip = len(codecs.BOM_UTF8) if name in ("utf-8", "utf-8-sig") and raw.startswith(codecs.BOM_UTF8) else 0
    body = raw[skip:]
    plain = "utf-8" if name == "utf-8-sig" else encoding
    try:
        return body.decode(plain)
    except UnicodeDecodeError as err:
        start = skip + err.start  # offset in the file
        line = raw[:start].count(b"\n") + 1
        tail = body[err.start : err.start + 16].decode(plain, errors="surrogateescape")
        run = max(err.end - err.start, len(tail) - len(tail.lstrip("".join(map(chr, range(0xDC80, 0xDD00))))))
        bad = body[err.start : err.start + run].hex(" ")  # the whole run of bytes that cannot be read
        column = _column_of_bad_bytes(body, plain, delimiter, columns, known)
        raise _fail(
            source,
            f"bytes {bad} at byte offset {start} (counted from 0, the file's first byte) cannot be decoded as "
            f"{encoding}: the file was probably saved in another encoding (e.g. Windows-1252 / Latin-1); "
            f"re-export it as UTF-8 or set the site's encoding in config.yaml",
            line=line,
            column=column,
            check="encoding",
        ) from None


def _column_name(
    header: list[str], index: int, columns: dict[str, str] | None, known: Callable[[str], bool] | None = None
) -> str:
    """The column at ``index`` of ``header``: canonical name if mapped, else the header;
    ``""`` when ``known`` says that ``header`` may be a data row (its cells never shown)."""
    if index >= len(header) or (known is not None and not _is_header_line(header, known)):
        return ""
    written = header[index].strip()
    return (columns or {}).get(written, written)


def _column_of_bad_bytes(
    raw: bytes, encoding: str, delimiter: str, columns: dict[str, str] | None, known: Callable[[str], bool] | None
) -> str:
    """Column of the first undecodable byte (surrogate-escaped, then parsed); '' if unknown."""
    try:
        text = raw.decode(encoding, errors="surrogateescape")
    except (LookupError, UnicodeError):
        return ""
    header: list[str] | None = None
    for row in csv.reader(_stdio.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter):
        hit = next((i for i, cell in enumerate(row) if _SURROGATE.search(cell)), None)
        if header is None:
            if hit is not None:
                return ""  # in the header line itself
            header = row
            continue
        if hit is not None:
            return _column_name(header, hit, columns, known)
    return ""


def _unclosed_quote(text: str, delimiter: str) -> tuple[int, str] | None:
    """(field index, first characters) of the quoted field that breaks the CSV syntax in
    ``text`` (which starts at the record's first character): a quote never closed, or
    closed and followed by something other than the delimiter or a line end. The first
    characters stop at the first delimiter or line end (at most 40): after an opening quote
    that was never meant, what follows the delimiter belongs to the next columns."""
    field, at_start, in_quote, opened = 0, True, False, None
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if in_quote:
            if c == '"':
                if text[i + 1 : i + 2] == '"':
                    i += 2
                    continue
                nxt = text[i + 1 : i + 2]
                if nxt not in ("", delimiter, "\r", "\n"):
                    return opened
                in_quote = False
            i += 1
            continue
        if c == '"' and at_start:
            in_quote, at_start = True, False
            head = text[i + 1 : i + 41].split(delimiter)[0]
            opened = (field, head.splitlines()[0] if head.strip() else "")
        elif c == delimiter:
            field, at_start = field + 1, True
        elif c in "\r\n":
            return None  # the record ended without a quote problem
        else:
            at_start = False
        i += 1
    return opened if in_quote else None


# -- file type ---------------------------------------------------------------------------

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # Office binary (compound file) signature
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")  # a CSV may start with "PK"


def file_type(raw: bytes, source: str = "the file") -> str:
    """The real type of an export from its bytes: ``"xlsx"``, ``"ods"`` or ``"csv"`` (any
    text). A ZIP archive whose ``mimetype`` entry is the OpenDocument spreadsheet type is
    .ods; a ZIP with ``[Content_Types].xml`` and ``xl/workbook.xml`` is .xlsx. A damaged
    ZIP, another ZIP, a password-protected workbook or a legacy binary Office file is
    raised as :class:`ValidationFailed` with what to do."""
    if raw.startswith(_OLE_MAGIC):
        # an encrypted .xlsx is an Office compound file holding "EncryptedPackage"
        if "EncryptedPackage".encode("utf-16-le") in raw or "EncryptionInfo".encode("utf-16-le") in raw:
            raise _password_protected(source)
        raise _fail(
            source,
            "the file is a binary Microsoft Office file (Excel 97-2003 .xls or similar), "
            "which is not read: open it and save it as .xlsx, or download the export again "
            "as .xlsx, .ods or .csv",
            check="file_type",
        )
    if not raw.startswith(_ZIP_MAGIC):
        return "csv"
    try:
        with zipfile.ZipFile(_stdio.BytesIO(raw)) as z:
            names = set(z.namelist())
            if "mimetype" in names and z.read("mimetype").strip() == ODS_MIMETYPE.encode():
                manifest = z.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
                if b"encryption-data" in manifest:
                    raise _password_protected(source)
                return "ods"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError, ValueError) as err:
        raise _fail(
            source,
            f"the file is a damaged ZIP archive (.xlsx and .ods files are ZIP archives; {err}): "
            "it was probably cut short while downloading or copying; download the export again",
            check="file_type",
        ) from None
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    raise _fail(
        source,
        "the file is a ZIP archive but not an .xlsx or .ods spreadsheet: unpack it, or "
        "download the export again as .csv, .xlsx or .ods",
        check="file_type",
    )


def _password_protected(source: str) -> ValidationFailed:
    return _fail(
        source,
        "the spreadsheet is password-protected (encrypted) and cannot be read: open it, "
        "remove the password (save it without one) or download the export again",
        check="file_type",
    )


# -- cell text -----------------------------------------------------------------------------

_FLOAT_EXACT_INT = 2**53  # floats with an integer value below this print as that integer


def _iso(value: datetime) -> str:
    """ISO date and time, to the second, or to the millisecond when it has a fraction
    (Excel stores times as fractions of a day: no finer precision is meaningful)."""
    value = value.replace(microsecond=0) + timedelta(milliseconds=round(value.microsecond / 1000))
    return value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")


def cell_text(value: object) -> str:
    """The text of one spreadsheet cell as read by python-calamine (canonical form).

    - text cells: the text exactly (no trimming; line breaks kept);
    - empty cells: ``""``;
    - numbers: the stored number in its shortest exact form, not its display format. An
      integer value prints without decimals (``80``; also ``123456789012``), any other
      value as Python's shortest repr that reads back as the same float (``72.5``,
      ``0.1``, ``1e-07``). A grade Moodle's "Excel spreadsheet" export wrote as the number
      80 (shown ``80.00`` by its number format) comes back as ``80``: the two decimals are
      display, not data, and are not recoverable. A grade written as text (``"80.00"``,
      ``"-"``) comes back as that text;
    - booleans: ``TRUE`` / ``FALSE``;
    - dates stored as dates: ISO ``2020-03-19``; date and time ``2020-03-19T01:27:00``
      (milliseconds only when not zero: ``2020-03-19T01:27:00.250``); a time of day
      ``01:27:00``; a duration ``30:00:00`` (hours:minutes:seconds, hours not wrapped);
    - formula cells: the value cached in the file (what the reader saw), empty if none.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _FLOAT_EXACT_INT:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return _iso(datetime.combine(date(2000, 1, 1), value)).split("T")[1]
    if isinstance(value, timedelta):
        seconds = round(value.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return str(value)


# -- formula guard -------------------------------------------------------------------------

# Newer Moodle writers put a ' before a data cell that starts with = + - @, a tab or a line
# break, or with blanks before = + - @ (a lone "-" is not escaped): real-exports.md §0.1, §9.
_FORMULA_GUARD = re.compile(r"'(?:[=+\-@\t\r\n]|[ ]+[=+\-@])")


def strip_formula_guard(text: str) -> str:
    """``text`` without the ``'`` a formula-guarding writer put before it; any other text
    unchanged (``'-`` stays: the writer leaves a lone ``-`` alone, so the quote was data)."""
    if text.startswith("'") and text != "'-" and _FORMULA_GUARD.match(text):
        return text[1:]
    return text


# -- reading -------------------------------------------------------------------------------


def sheet_label(source: str, sheet: str) -> str:
    """How messages name a sheet of a spreadsheet: ``source, sheet 'name'``."""
    return f"{source}, sheet '{sheet}'"


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _csv_records(
    raw: bytes,
    *,
    delimiter: str,
    encoding: str,
    source: str,
    columns: dict[str, str] | None,
    known: Callable[[str], bool] | None = None,
) -> tuple[list[str], list[list[str]], list[int]]:
    """(header, records, start line of each record) of a CSV export. ``known``: a test of a
    header cell (see :func:`read_export`); a problem found before the header line is checked
    names a column only when the first line is a header line by that test."""
    known = columns.__contains__ if columns is not None else known
    text = _decode(raw, encoding, source, delimiter, columns, known)
    if not text.strip():
        raise _fail(source, "the file is empty (no header line)", line=1, check="not_empty")

    csv.field_size_limit(MAX_FIELD_CHARS)  # long free text is accepted (the csv default is 128 Ki)
    reader = csv.reader(_stdio.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    starts: list[int] = []
    header: list[str] | None = None
    prev = 0
    bad_width: list[dict] = []
    try:
        for row in reader:
            start = prev + 1
            prev = reader.line_num
            if not row or (len(row) == 1 and row[0].strip() == "" and header is not None):
                continue
            if header is None:
                header = [h.strip() for h in row]
                continue
            if len(row) != len(header):
                bad_width.append(
                    {
                        "file": source,
                        "line": start,
                        "column": "",
                        "value": withheld(source, start),  # a whole raw record: never shown
                        "check": "field_count",
                        "message": f"record has {len(row)} fields but the header has {len(header)} "
                        f"(a stray '{delimiter}' or an unquoted line break?)",
                        "rule": "",
                    }
                )
                continue
            records.append(row)
            starts.append(start)
    except csv.Error as err:
        raise _syntax_error(
            text, prev, header, err, delimiter=delimiter, source=source, columns=columns, known=known
        ) from None
    assert header is not None
    if bad_width and (known is None or _is_header_line(header, known)):  # else: read_export's header_row
        raise ValidationFailed(pd.DataFrame(bad_width))
    return header, records, starts


def _syntax_error(text, prev, header, err, *, delimiter, source, columns, known) -> ValidationFailed:
    """The CSV syntax problem of the record after line ``prev``, said as what it most
    probably is: a quote never closed (the rest of the file would read as one cell), a
    quote closed in the middle of a cell, or a cell longer than MAX_FIELD_CHARS. The cell
    where the quote opens is named; its first characters are shown only when its column
    is known and not personal (lib.validation.shown)."""
    rest = "".join(_stdio.StringIO(text, newline="").readlines()[prev:])  # the csv module's lines
    found = _unclosed_quote(rest, delimiter) if header is not None else None
    column, value = ("", None) if found is None else (_column_name(header, found[0], columns, known), found[1])
    line = prev + 1
    if found is not None and value:
        mapped = columns is not None and column in columns.values()  # a canonical column of the contract
        value = shown(value, column=column if mapped else "", file=source, line=line)
    where = ""
    if column:
        where = " (it opens in this column" + (
            "; the value shows the cell's first characters)" if (value and value == found[1]) else ")"
        )
    reason = str(err)
    if "field larger than field limit" in reason and found is None:
        message = (
            f"a cell is longer than {MAX_FIELD_CHARS:,} characters, the most one cell may hold: the file is "
            "probably not an export of the kind config.yaml says, or it is damaged; download it again"
        )
    elif "unexpected end of data" in reason or "field larger than field limit" in reason:
        message = (
            "a quote is probably not closed: a cell opens with a quote that nothing closes, so the rest of "
            f"the file reads as one cell{where}; the record starts at this line. Close the quote (or remove it) "
            "in the raw file, or download the export again"
        )
    else:
        message = (
            f"malformed CSV ({reason}): a quote is probably not closed, or a quote inside a quoted cell is not "
            f"doubled{where}; the record starts at this line. Fix the quote in the raw file, or download the "
            "export again"
        )
    return _fail(source, message, line=line, column=column, value=value or None, check="csv_syntax")


def _sheet_records(
    raw: bytes, kind: str, *, sheet: str | None, source: str, columns: dict[str, str] | None
) -> tuple[str, list[str], list[list[str]], list[int], int]:
    """(sheet name, header, records, row of each record, header row) of one sheet."""
    import python_calamine

    label = f".{kind}"
    try:
        book = python_calamine.load_workbook(_stdio.BytesIO(raw))
        names = list(book.sheet_names)
        if not names:
            raise _fail(source, f"the {label} file has no sheet", check="not_empty")
        name = names[0] if sheet is None else sheet
        if name not in names:
            raise _fail(
                source,
                f"the {label} file has no sheet named '{sheet}' (sheets: "
                + ", ".join(f"'{n}'" for n in names)
                + "): check the sheet name in config.yaml",
                check="sheet_in_file",
            )
        cells = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except python_calamine.PasswordError:
        raise _password_protected(source) from None
    except (python_calamine.CalamineError, ValueError, OSError) as err:
        raise _fail(
            source,
            f"the {label} file cannot be read ({err}): it is probably damaged; open it in a "
            "spreadsheet program and save it again, or download the export again",
            check="file_type",
        ) from None
    where = sheet_label(source, name)
    header: list[str] | None = None
    header_row = 0
    records: list[list[str]] = []
    starts: list[int] = []
    for i, row in enumerate(cells):
        text = [cell_text(c) for c in row]
        if not any(t.strip() for t in text):
            continue  # empty rows are skipped, as empty lines of a CSV
        if header is None:
            header, header_row = [h.strip() for h in text], i + 1
            continue
        records.append(text)
        starts.append(i + 1)
    if header is None:
        raise _fail(where, "the sheet is empty (no header row)", line=1, check="not_empty")

    # columns without a header: dropped when empty (formatting left in the sheet), an error
    # when they hold values (the header row is incomplete, or it is not the first row)
    nameless = [j for j, h in enumerate(header) if h == ""]
    problems = []
    for j in nameless:
        filled = next((starts[k] for k, rec in enumerate(records) if rec[j].strip()), None)
        if filled is not None:
            problems.append(
                {
                    "file": where,
                    "line": header_row,
                    "column": f"column {_column_letter(j)}",
                    "value": None,
                    "check": "header_present",
                    "message": f"column {_column_letter(j)} has values (from row {filled}) but no header in "
                    f"the header row (row {header_row}): the header row is incomplete, or the sheet does "
                    "not start with its header row",
                    "rule": "",
                }
            )
    if problems:
        raise ValidationFailed(pd.DataFrame(problems))
    keep = [j for j in range(len(header)) if header[j] != ""]
    if len(keep) < len(header):
        header = [header[j] for j in keep]
        records = [[rec[j] for j in keep] for rec in records]
    return name, header, records, starts, header_row


_OTHER_DELIMITERS = (",", ";", "\t", "|")


def _is_header_line(header: list[str], known: Callable[[str], bool]) -> bool:
    """True when ``header`` holds a known header; a line of one cell (read with the wrong
    delimiter) when a known header is one of its pieces split at another delimiter."""
    if any(known(h) for h in header):
        return True
    return len(header) == 1 and any(known(piece.strip()) for d in _OTHER_DELIMITERS for piece in header[0].split(d))


def _check_header_line(header, columns, known_headers, *, where, line, kind, delimiter) -> None:
    """Stop when the first line holds none of the headers the export can have: it may be a
    data row (the header line missing), so its cells are withheld (check ``header_row``)."""
    if columns is not None:
        known = columns.__contains__
    elif known_headers is not None:
        known = known_headers
    else:
        return
    if _is_header_line(header, known):
        return
    expected = sorted(columns)[:3] if columns is not None else []
    example = f" (e.g. {', '.join(repr(h) for h in expected)})" if expected else ""
    first = "the first line" if kind == "csv" else f"the first non-empty row (row {line})"
    hint = ""
    if kind == "csv" and len(header) == 1:
        hint = (
            f"; only one column was found: if it is the header line, the delimiter is probably not '{delimiter}' "
            "(check the site settings in config.yaml)"
        )
    raise _fail(
        where,
        f"{first} holds none of the expected headers{example}: the header line is missing (the file starts "
        "with a data row), or the export is of another kind or in another language than config.yaml says"
        f"{hint}. Its cells are withheld (they may be personal data); download the export again with its "
        "header line",
        line=line,
        value=withheld(where, line),
        check="header_row",
    )


def read_export(
    path: str | Path,
    *,
    delimiter: str,
    encoding: str,
    header_map: dict[str, str] | None,
    source: str,
    require_records: bool = False,
    sheet: str | None = None,
    formula_guard: bool = False,
    known_headers: Callable[[str], bool] | None = None,
) -> pd.DataFrame:
    """Read one export (CSV, .xlsx or .ods, by its bytes); every value a ``str``;
    ``_line`` = 1-based start line of the record (for a spreadsheet: its row number).

    ``header_map`` maps canonical column -> header written in the file; the result has
    the canonical columns in ``header_map`` order (header names compared after trimming
    surrounding spaces). With ``header_map=None`` the file's own headers are kept.
    ``source`` is the name used in messages (usually the path as given in config).
    Fully empty lines (rows) are skipped. With ``require_records`` a file with a header
    line but no records is an error (an export of participants, completion or grades
    cannot be empty). A leading UTF-8 byte-order mark is dropped.

    CSV only: ``delimiter`` and ``encoding`` (ignored for a spreadsheet). Spreadsheet
    only: ``sheet`` names the sheet to read (default: the first); the header row is the
    first non-empty row; values are the text of :func:`cell_text` (numbers in their
    shortest exact form, dates ISO); a column with no header is dropped when empty and an
    error when it holds values. ``formula_guard``: the export type writes a ``'`` before
    data cells starting with ``= + - @`` (newer Moodle writers): it is removed from data
    cells (never from headers) before anything else sees them (:func:`strip_formula_guard`).

    ``df.attrs``: ``source``, ``unmapped_headers``, ``file_type`` (``csv``, ``xlsx`` or
    ``ods``), ``sheet`` (the sheet read, ``None`` for CSV) and ``where`` (how messages
    name the file: ``source`` for CSV, ``source, sheet 'name'`` for a spreadsheet; pass it
    as the file of a validation report so that its rows read "sheet ..., row ...").

    The first line (row) is taken for the header line only when it holds at least one
    header the export can have: one of ``header_map``, or one that ``known_headers`` (for
    ``header_map=None``: a test of one trimmed header cell) accepts. Otherwise it may be a
    data row (the header line is missing): it stops with check ``header_row`` and its cells
    are never shown (lib.validation's guard). With neither, the caller checks the headers.
    """
    columns = {h.strip(): canon for canon, h in header_map.items()} if header_map else None
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise _fail(source, f"cannot read the file: {err.strerror}", check="readable_file") from None
    kind = file_type(raw, source)
    if kind == "csv":
        sheet_name, where = None, source
        header, records, starts = _csv_records(
            raw, delimiter=delimiter, encoding=encoding, source=source, columns=columns, known=known_headers
        )
        header_line = 1
    else:
        sheet_name, header, records, starts, header_line = _sheet_records(
            raw, kind, sheet=sheet, source=source, columns=columns
        )
        where = sheet_label(source, sheet_name)
    _check_header_line(header, columns, known_headers, where=where, line=header_line, kind=kind, delimiter=delimiter)
    if formula_guard:
        records = [[strip_formula_guard(v) for v in rec] for rec in records]
    if require_records and not records:
        raise _fail(
            where,
            ("the file has a header line" if kind == "csv" else "the sheet has a header row")
            + " but no records: this export cannot be empty "
            "(re-export it from the LMS, or check that it is the right course)",
            line=header_line,
            check="has_records",
        )

    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise _fail(
            where,
            f"header names appear more than once: {dupes}"
            if (columns is not None or known_headers is not None)  # a header line: names shown
            else "header names appear more than once (not shown: without the export's expected headers, the "
            "first line may be a data row): rename the repeated headers or download the export again",
            line=header_line,
            check="unique_headers",
        )

    frame = (
        pd.DataFrame(records, columns=header, dtype="str")
        if records
        else pd.DataFrame({h: pd.Series(dtype="str") for h in header})
    )
    if header_map is None:
        out = frame
        unmapped: list[str] = []
    else:
        missing = [(canon, h) for canon, h in header_map.items() if h.strip() not in header]
        if missing:
            hint = ""
            if len(header) == 1 and kind == "csv":
                hint = (
                    f" Only one column was found: the delimiter is probably not '{delimiter}' "
                    f"or the encoding is not {encoding} (check the site settings in config.yaml)."
                )
            found = found_headers(header, where, header_line)
            raise ValidationFailed(
                pd.DataFrame(
                    [
                        {
                            "file": where,
                            "line": header_line,
                            "column": canon,
                            "value": h,
                            "check": "column_in_file",
                            "message": f"header '{h}' (canonical column '{canon}') is missing; "
                            f"headers found: {found}.{hint}",
                            "rule": "",
                        }
                        for canon, h in missing
                    ]
                )
            )
        out = pd.DataFrame({canon: frame[h.strip()] for canon, h in header_map.items()}, index=frame.index)
        mapped = {h.strip() for h in header_map.values()}
        unmapped = [h for h in header if h not in mapped]
    out = out.copy()
    out[LINE_COLUMN] = pd.Series(starts, index=out.index, dtype="int64")
    out.attrs["unmapped_headers"] = unmapped
    out.attrs["source"] = source
    out.attrs["file_type"] = kind
    out.attrs["sheet"] = sheet_name
    out.attrs["where"] = where
    return out


PARQUET_OPTIONS = {
    "compression": PARQUET_COMPRESSION,
    "compression_level": PARQUET_COMPRESSION_LEVEL,
    "use_dictionary": True,
    "write_statistics": True,
}
# pyarrow's default row group size (rows); parquet_writer users cut row groups at it, so a
# table written in pieces has the bytes of the same table written at once
PARQUET_ROW_GROUP = 1024 * 1024


def write_parquet(df: pd.DataFrame, path: str | Path, row_group_size: int | None = None) -> None:
    """Write ``df`` to Parquet deterministically (no index, fixed compression)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = df.copy(deep=False)  # a new frame sharing the data: only its attrs are cleared
    frame.attrs = {}
    table = pa.Table.from_pandas(frame, preserve_index=False)
    import pyarrow.parquet as pq  # local: jobs that write no Parquet need not import it

    pq.write_table(table, path, row_group_size=row_group_size, **PARQUET_OPTIONS)


def parquet_writer(path: str | Path, schema: pa.Schema) -> pq.ParquetWriter:
    """A Parquet writer with the settings of :func:`write_parquet`, for tables written in
    pieces (each ``write_table`` call adds row groups)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    import pyarrow.parquet as pq

    return pq.ParquetWriter(path, schema, **PARQUET_OPTIONS)


def read_parquet(path: str | Path) -> pd.DataFrame:
    return pd.read_parquet(path)

