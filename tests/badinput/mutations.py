"""Small, exact mutations of raw CSV exports (pure file edits, no workflow code).

Every function edits one file under a workspace and returns the *facts* an error message
about it must name: ``file`` (the path as the workflow names it, relative to the
workspace), ``line`` (1-based line where the edited record starts, header = 1),
``column`` and ``value``. Records are parsed and rewritten with :mod:`csv` (minimal
quoting, ``\\n`` line ends, the byte-order mark kept when the file had one), so the rest
of the file keeps its meaning. The Kobo export (raw/survey/*.csv) is rewritten as Kobo
writes it: ';', every field quoted, CRLF line ends. The XLSForms are edited with openpyxl.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

BOM = b"\xef\xbb\xbf"

# delimiter per raw file family: the Kobo export ';' (raw/survey/); every Moodle export
# (LMS reports, feedback download) ',' whatever the site language (config.yaml
# moodle_exports, evaluation)


def delimiter_of(rel: str) -> str:
    """Delimiter of a raw CSV file from its path."""
    return ";" if rel.startswith("raw/survey/") else ","


csv.field_size_limit(16 * 1024 * 1024)  # as lib.io.MAX_FIELD_CHARS: the corpus has long free text


def read_records(path: Path, delimiter: str) -> tuple[list[str], list[list[str]], list[int], bool]:
    """(header, data records, start line of each record, file had a BOM); a spreadsheet
    export (.xlsx / .ods) through lib.io's cell reader (rows numbered as in the sheet)."""
    if path.suffix in (".xlsx", ".ods"):
        from lib import io as lib_io

        df = lib_io.read_export(path, delimiter=delimiter, encoding="utf-8", header_map=None, source=str(path))
        header = [c for c in df.columns if c != lib_io.LINE_COLUMN]
        return header, df[header].fillna("").astype(str).values.tolist(), df[lib_io.LINE_COLUMN].tolist(), False
    raw = path.read_bytes()
    bom = raw.startswith(BOM)
    text = raw[len(BOM) :].decode("utf-8") if bom else raw.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, starts, prev = [], [], 0
    for row in reader:
        start, prev = prev + 1, reader.line_num
        rows.append(row)
        starts.append(start)
    return rows[0], rows[1:], starts[1:], bom


def write_records(path: Path, header: list[str], rows: list[list[str]], delimiter: str, bom: bool) -> None:
    buf = io.StringIO(newline="")
    kobo = delimiter == ";" and "raw/survey/" in path.as_posix()  # formpack: all quoted, CRLF
    writer = csv.writer(
        buf,
        delimiter=delimiter,
        lineterminator="\r\n" if kobo else "\n",
        quoting=csv.QUOTE_ALL if kobo else csv.QUOTE_MINIMAL,
    )
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes((BOM if bom else b"") + buf.getvalue().encode("utf-8"))


def _edit(ws: Path, rel: str, fn: Callable[[list[str], list[list[str]]], tuple[list[str], list[list[str]], int]]):
    """Apply ``fn(header, rows) -> (header, rows, index of the edited record)``; return its line."""
    path = ws / rel
    delim = delimiter_of(rel)
    header, rows, _, bom = read_records(path, delim)
    header, rows, index = fn(header, rows)
    write_records(path, header, rows, delim, bom)
    _, _, starts, _ = read_records(path, delim)
    return starts[index] if index is not None and index >= 0 else 1


def find_row(header: list[str], rows: list[list[str]], where: dict[str, str] | None, nth: int = 0) -> int:
    """Index of the ``nth`` record whose cells equal ``where`` ({header: value}); ``where=None`` = any."""
    hits = [i for i, r in enumerate(rows) if all(r[header.index(h)] == v for h, v in (where or {}).items())]
    if len(hits) <= nth:
        raise LookupError(f"no record #{nth} with {where}")
    return hits[nth]


def cell(ws: Path, rel: str, header: str, where: dict[str, str] | None = None, nth: int = 0) -> str:
    """The value of one cell (for tests that need a value of the default data)."""
    hdr, rows, _, _ = read_records(ws / rel, delimiter_of(rel))
    return rows[find_row(hdr, rows, where, nth)][hdr.index(header)]


def set_cell(
    ws: Path, rel: str, header: str, value: str, *, where: dict[str, str] | None = None, nth: int = 0, column: str = ""
) -> dict:
    """Set one cell; facts name ``column`` (canonical name, default the header)."""
    state = {}

    def fn(hdr, rows):
        i = find_row(hdr, rows, where, nth)
        state["old"] = rows[i][hdr.index(header)]
        rows[i][hdr.index(header)] = value
        return hdr, rows, i

    line = _edit(ws, rel, fn)
    return {"file": rel, "line": line, "column": column or header, "value": value, "old": state["old"]}


def drop_column(ws: Path, rel: str, header: str, *, column: str = "") -> dict:
    def fn(hdr, rows):
        k = hdr.index(header)
        return hdr[:k] + hdr[k + 1 :], [r[:k] + r[k + 1 :] for r in rows], None

    _edit(ws, rel, fn)
    return {"file": rel, "line": 1, "column": column or header, "value": header}


def rename_header(ws: Path, rel: str, header: str, new: str, *, column: str = "") -> dict:
    def fn(hdr, rows):
        hdr = list(hdr)
        hdr[hdr.index(header)] = new
        return hdr, rows, None

    _edit(ws, rel, fn)
    return {"file": rel, "line": 1, "column": column or header, "value": header, "new": new}


def duplicate_row(ws: Path, rel: str, changes: dict[str, str], *, where=None, column: str = "", key: str = "") -> dict:
    """Insert a copy of a record right after it with ``changes`` applied (same ``key`` value)."""

    def fn(hdr, rows):
        i = find_row(hdr, rows, where)
        twin = list(rows[i])
        for h, v in changes.items():
            twin[hdr.index(h)] = v
        rows.insert(i + 1, twin)
        return hdr, rows, i

    line = _edit(ws, rel, fn)
    hdr, rows, starts, _ = read_records(ws / rel, delimiter_of(rel))
    i = starts.index(line)
    return {
        "file": rel,
        "line": line,
        "line2": starts[i + 1],
        "column": column or key,
        "value": rows[i][hdr.index(key)],
    }


def append_row(ws: Path, rel: str, values: dict[str, str], *, like: dict[str, str] | None = None) -> dict:
    """Append a record: a copy of the first record matching ``like`` with ``values`` set."""

    def fn(hdr, rows):
        twin = list(rows[find_row(hdr, rows, like)])
        for h, v in values.items():
            twin[hdr.index(h)] = v
        rows.append(twin)
        return hdr, rows, len(rows) - 1

    line = _edit(ws, rel, fn)
    return {"file": rel, "line": line}


def keep_header_only(ws: Path, rel: str) -> dict:
    _edit(ws, rel, lambda hdr, rows: (hdr, [], None))
    return {"file": rel, "line": 1}


def reencode_with_delimiter(ws: Path, rel: str, delimiter: str) -> dict:
    """Rewrite a file with another delimiter (the export of a mis-configured site)."""
    path = ws / rel
    header, rows, _, bom = read_records(path, delimiter_of(rel))
    write_records(path, header, rows, delimiter, bom)
    return {"file": rel, "line": 1, "value": header[0]}


# ------------------------------------------------------------------ byte-level edits
def transcode(ws: Path, rel: str, encoding: str) -> dict:
    """Re-save a UTF-8 export in another encoding (BOM dropped); facts: first non-ASCII byte."""
    path = ws / rel
    raw = path.read_bytes().removeprefix(BOM)
    data = raw.decode("utf-8").encode(encoding)
    path.write_bytes(data)
    offset = next(i for i, b in enumerate(data) if b >= 0x80)
    return {"file": rel, "line": data[:offset].count(b"\n") + 1, "value": f"{data[offset]:02x}", "offset": offset}


def add_bom(ws: Path, rel: str) -> dict:
    path = ws / rel
    path.write_bytes(BOM + path.read_bytes().removeprefix(BOM))
    return {"file": rel, "line": 1}


def empty_file(ws: Path, rel: str) -> dict:
    (ws / rel).write_bytes(b"")
    return {"file": rel, "line": 1}


def delete_file(ws: Path, rel: str) -> dict:
    (ws / rel).unlink()
    return {"file": rel}


def truncate_last_line(ws: Path, rel: str, keep_fields: int) -> dict:
    """Cut the last record after its first ``keep_fields`` fields (a download cut short)."""
    path = ws / rel
    delim = delimiter_of(rel)
    header, rows, starts, bom = read_records(path, delim)
    rows[-1] = rows[-1][:keep_fields]
    write_records(path, header, rows, delim, bom)
    data = path.read_bytes().rstrip(b"\n")  # no final line break either
    path.write_bytes(data)
    return {"file": rel, "line": starts[-1], "fields": keep_fields, "expected": len(header)}


def unbalanced_quote(ws: Path, rel: str, header: str, where: dict[str, str] | None = None) -> dict:
    """Open a quote in one cell that is never closed (``"Lawyer`` instead of ``Lawyer``)."""
    path = ws / rel
    delim = delimiter_of(rel)
    hdr, rows, starts, bom = read_records(path, delim)
    i = find_row(hdr, rows, where)
    k = hdr.index(header)
    marker = "\x00MARK\x00"
    old = rows[i][k]
    rows[i][k] = marker
    write_records(path, hdr, rows, delim, bom)
    data = path.read_bytes().replace(marker.encode(), b'"' + old.encode("utf-8"), 1)
    path.write_bytes(data)
    return {"file": rel, "line": starts[i], "column": header, "value": old}


def inject_bytes(ws: Path, rel: str, header: str, raw: bytes, *, where=None) -> dict:
    """Put undecodable bytes into one (free-text) cell."""
    marker = "INVALIDBYTESMARKER"
    facts = set_cell(ws, rel, header, marker, where=where)
    path = ws / rel
    data = path.read_bytes()
    offset = data.index(marker.encode())
    path.write_bytes(data.replace(marker.encode(), raw, 1))
    bad = next(i for i, b in enumerate(raw) if b >= 0x80)  # first byte UTF-8 cannot start with
    return {**facts, "value": f"{raw[bad]:02x}", "offset": offset + bad}


def drop_header_line(ws: Path, rel: str) -> dict:
    """Delete the header line (the BOM kept): the file starts with a data record."""
    path = ws / rel
    data = path.read_bytes()
    bom = data.startswith(BOM)
    body = data[len(BOM) :] if bom else data
    path.write_bytes((BOM if bom else b"") + body[body.index(b"\n") + 1 :])
    return {"file": rel, "line": 1}


def cut_inside_last_quoted_cell(ws: Path, rel: str, keep: int, *, column: str) -> dict:
    """Cut the file ``keep`` characters into the quoted last cell of its last record (a
    download cut short): the quote opened there runs to the end of the file."""
    path = ws / rel
    _, rows, starts, _ = read_records(path, delimiter_of(rel))
    data = path.read_bytes().rstrip(b"\r\n")
    assert data.endswith(b'"'), "the last cell must be quoted"
    opening = data.rindex(b'"', 0, len(data) - 1)
    path.write_bytes(data[: opening + 1 + keep])
    cell = rows[-1][-1][:keep]
    return {"file": rel, "line": starts[-1], "column": column, "value": cell.split(delimiter_of(rel))[0]}


def inject_at_line_start(ws: Path, rel: str, raw: bytes, *, where: dict[str, str], column: str) -> dict:
    """Put undecodable bytes at the very start of the record matching ``where`` (its first
    cell); facts: the record's line and the offset of the first bad byte in the file's own
    bytes (a byte-order mark counted)."""
    path = ws / rel
    hdr, rows, starts, _ = read_records(path, delimiter_of(rel))
    line = starts[find_row(hdr, rows, where)]
    data = path.read_bytes()
    offset = 0
    for _ in range(line - 1):
        offset = data.index(b"\n", offset) + 1
    path.write_bytes(data[:offset] + raw + data[offset:])
    bad = next(i for i, b in enumerate(raw) if b >= 0x80)
    return {"file": rel, "line": line, "column": column, "value": raw[bad:].hex(" "), "offset": offset + bad}


# ------------------------------------------------------------------ the survey side
def kobo_response(ws: Path, rel: str, response_id: str) -> dict[str, str]:
    """``where`` of the Kobo record the workflow names ``response_id`` (`EN-0012`: the
    twelfth response in English by _submission_time, then _id)."""
    hdr, rows, _, _ = read_records(ws / rel, ";")
    lang, rank = response_id.split("-")
    col = {h: hdr.index(h) for h in ("form_language", "_submission_time", "_id")}
    mine = sorted(
        (r for r in rows if r[col["form_language"]].upper() == lang),
        key=lambda r: (r[col["_submission_time"]], int(r[col["_id"]])),
    )
    return {"_uuid": mine[int(rank) - 1][hdr.index("_uuid")]}


def xlsform_append_row(ws: Path, rel: str, sheet: str, values: dict[str, str], *, after: dict[str, str]) -> dict:
    """Insert a row into a sheet of an XLSForm after the first row matching ``after``."""
    import openpyxl

    path = ws / rel
    book = openpyxl.load_workbook(path)
    sh = book[sheet]
    header = [c.value for c in sh[1]]
    at = next(
        r for r in range(2, sh.max_row + 1) if all(sh.cell(r, header.index(h) + 1).value == v for h, v in after.items())
    )
    sh.insert_rows(at + 1)
    for h, v in values.items():
        sh.cell(at + 1, header.index(h) + 1).value = v
    book.save(path)
    return {"file": rel, "sheet": sheet, "line": at + 1}


def xlsform_set_cell(ws: Path, rel: str, sheet: str, header: str, value: str, *, where: dict[str, str]) -> dict:
    """Set one cell of an XLSForm sheet; facts: sheet, row, column letter, value."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    path = ws / rel
    book = openpyxl.load_workbook(path)
    sh = book[sheet]
    names = [c.value for c in sh[1]]
    row = next(
        r for r in range(2, sh.max_row + 1) if all(sh.cell(r, names.index(h) + 1).value == v for h, v in where.items())
    )
    col = names.index(header) + 1
    old = sh.cell(row, col).value
    sh.cell(row, col).value = value
    book.save(path)
    return {"file": rel, "sheet": sheet, "line": row, "letter": get_column_letter(col), "column": header,
            "value": value, "old": old}  # fmt: skip
