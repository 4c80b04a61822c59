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

import csv
import io as _stdio
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from lib.safe_text import neutralise_csv
from lib.validation import ValidationFailed

LINE_COLUMN = "_line"
PARQUET_COMPRESSION = "zstd"
PARQUET_COMPRESSION_LEVEL = 3


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


def _decode(raw: bytes, encoding: str, source: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        bad = raw[err.start : err.end].hex(" ")
        raise _fail(
            source,
            f"bytes {bad} at byte offset {err.start} cannot be decoded as {encoding}: "
            f"the file was probably saved in another encoding (e.g. Windows-1252 / Latin-1); "
            f"re-export it as UTF-8 or set the site's encoding in config.yaml",
            line=line,
            check="encoding",
        ) from None
    except LookupError:
        raise _fail(source, f"unknown encoding {encoding!r} in config.yaml", check="encoding") from None


def read_export(
    path: str | Path,
    *,
    delimiter: str,
    encoding: str,
    header_map: dict[str, str] | None,
    source: str,
) -> pd.DataFrame:
    """Read one CSV export; every value a ``str``; ``_line`` = 1-based start line.

    ``header_map`` maps canonical column -> header written in the file; the result has
    the canonical columns in ``header_map`` order (header names compared after trimming
    surrounding spaces). With ``header_map=None`` the file's own headers are kept.
    ``source`` is the name used in messages (usually the path as given in config).
    Fully empty lines are skipped.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise _fail(source, f"cannot read the file: {err.strerror}", check="readable_file") from None
    text = _decode(raw, encoding, source)
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
        raise _fail(
            source,
            f"malformed CSV ({err}): a quote is probably not closed; the record starts at this line",
            line=prev + 1,
            check="csv_syntax",
        ) from None
    if bad_width:
        raise ValidationFailed(pd.DataFrame(bad_width))
    assert header is not None

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


def write_parquet(df: pd.DataFrame, path: str | Path) -> None:
    """Write ``df`` to Parquet deterministically (no index, fixed compression)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = df.copy()
    frame.attrs = {}
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(
        table,
        path,
        compression=PARQUET_COMPRESSION,
        compression_level=PARQUET_COMPRESSION_LEVEL,
        use_dictionary=True,
        write_statistics=True,
    )


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
