"""Read exports exactly, write tables deterministically.

``read_export`` uses the :mod:`csv` module (not pandas' parser) so that every value
stays the text that was in the file and the line where each record starts is exact,
even when a quoted cell holds line breaks. Every problem that makes a file unreadable
is raised as :class:`lib.validation.ValidationFailed` naming the file and line.

Unknown extra columns are allowed (Moodle adds profile fields per site): they are left
out of the returned frame and listed in ``df.attrs["unmapped_headers"]`` so that the
caller can log them. Missing columns are an error.
"""

from __future__ import annotations

import codecs
import csv
import io as _stdio
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from lib.safe_text import neutralise_csv
from lib.validation import ValidationFailed

LINE_COLUMN = "_line"
_SURROGATE = re.compile("[\udc80-\udcff]")
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


def _decode(raw: bytes, encoding: str, source: str, delimiter: str = ",", columns: dict[str, str] | None = None) -> str:
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        tail = raw[err.start : err.start + 16].decode(encoding, errors="surrogateescape")
        run = max(err.end - err.start, len(tail) - len(tail.lstrip("".join(map(chr, range(0xDC80, 0xDD00))))))
        bad = raw[err.start : err.start + run].hex(" ")  # the whole run of bytes that cannot be read
        column = _column_of_bad_bytes(raw, encoding, delimiter, columns)
        raise _fail(
            source,
            f"bytes {bad} at byte offset {err.start} cannot be decoded as {encoding}: "
            f"the file was probably saved in another encoding (e.g. Windows-1252 / Latin-1); "
            f"re-export it as UTF-8 or set the site's encoding in config.yaml",
            line=line,
            column=column,
            check="encoding",
        ) from None
    except LookupError:
        raise _fail(source, f"unknown encoding {encoding!r} in config.yaml", check="encoding") from None
    # a UTF-8 byte-order mark is an encoding signature, not data (Excel and survey tools write it)
    return text.removeprefix("\ufeff") if codecs.lookup(encoding).name == "utf-8" else text


def _column_name(header: list[str], index: int, columns: dict[str, str] | None) -> str:
    """The column at ``index`` of ``header``: canonical name if mapped, else the header."""
    if index >= len(header):
        return ""
    written = header[index].strip()
    return (columns or {}).get(written, written)


def _column_of_bad_bytes(raw: bytes, encoding: str, delimiter: str, columns: dict[str, str] | None) -> str:
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
            return _column_name(header, hit, columns)
    return ""


def _unclosed_quote(text: str, delimiter: str) -> tuple[int, str] | None:
    """(field index, first characters) of the quoted field that breaks the CSV syntax in
    ``text`` (which starts at the record's first character): a quote never closed, or
    closed and followed by something other than the delimiter or a line end."""
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
            opened = (field, text[i + 1 : i + 41].splitlines()[0] if text[i + 1 : i + 41].strip() else "")
        elif c == delimiter:
            field, at_start = field + 1, True
        elif c in "\r\n":
            return None  # the record ended without a quote problem
        else:
            at_start = False
        i += 1
    return opened if in_quote else None


def read_export(
    path: str | Path,
    *,
    delimiter: str,
    encoding: str,
    header_map: dict[str, str] | None,
    source: str,
    require_records: bool = False,
) -> pd.DataFrame:
    """Read one CSV export; every value a ``str``; ``_line`` = 1-based start line.

    ``header_map`` maps canonical column -> header written in the file; the result has
    the canonical columns in ``header_map`` order (header names compared after trimming
    surrounding spaces). With ``header_map=None`` the file's own headers are kept.
    ``source`` is the name used in messages (usually the path as given in config).
    Fully empty lines are skipped. With ``require_records`` a file with a header line but
    no records is an error (an export of participants, completion or grades cannot be
    empty). A leading UTF-8 byte-order mark is dropped.
    """
    columns = {h.strip(): canon for canon, h in header_map.items()} if header_map else None
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise _fail(source, f"cannot read the file: {err.strerror}", check="readable_file") from None
    text = _decode(raw, encoding, source, delimiter, columns)
    if not text.strip():
        raise _fail(source, "the file is empty (no header line)", line=1, check="not_empty")

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
                        "value": delimiter.join(row)[:200],
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
        rest = "".join(_stdio.StringIO(text, newline="").readlines()[prev:])  # the csv module's lines
        found = _unclosed_quote(rest, delimiter) if header is not None else None
        column, value = ("", None) if found is None else (_column_name(header, found[0], columns), found[1])
        raise _fail(
            source,
            f"malformed CSV ({err}): a quote is probably not closed"
            + (" (it opens in this column; the value shows the cell's first characters)" if column else "")
            + "; the record starts at this line",
            line=prev + 1,
            column=column,
            value=value,
            check="csv_syntax",
        ) from None
    if bad_width:
        raise ValidationFailed(pd.DataFrame(bad_width))
    assert header is not None
    if require_records and not records:
        raise _fail(
            source,
            "the file has a header line but no records: this export cannot be empty "
            "(re-export it from the LMS, or check that it is the right course)",
            line=1,
            check="has_records",
        )

    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise _fail(source, f"header names appear more than once: {dupes}", line=1, check="unique_headers")

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
            if len(header) == 1:
                hint = (
                    f" Only one column was found: the delimiter is probably not '{delimiter}' "
                    f"or the encoding is not {encoding} (check the site settings in config.yaml)."
                )
            found = ", ".join(repr(h) for h in header)
            raise ValidationFailed(
                pd.DataFrame(
                    [
                        {
                            "file": source,
                            "line": 1,
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
    pq.write_table(table, path, row_group_size=row_group_size, **PARQUET_OPTIONS)


def parquet_writer(path: str | Path, schema: pa.Schema) -> pq.ParquetWriter:
    """A Parquet writer with the settings of :func:`write_parquet`, for tables written in
    pieces (each ``write_table`` call adds row groups)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return pq.ParquetWriter(path, schema, **PARQUET_OPTIONS)


def read_parquet(path: str | Path) -> pd.DataFrame:
    return pd.read_parquet(path)


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """Write ``df`` as UTF-8 CSV with ``\\n`` line ends, no index; text cells neutralised.

    Rows are written in the order given: sort before calling.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = df.copy()
    for col in frame.columns:
        if frame[col].dtype == object or isinstance(frame[col].dtype, pd.StringDtype):
            frame[col] = frame[col].map(neutralise_csv, na_action="ignore")
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
