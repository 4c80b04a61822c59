"""Write one-sheet .xlsx and .ods files the way Moodle's spreadsheet downloads do, with
the same bytes on every run (for the synthetic data: ``make data`` must reproduce raw/).

What Moodle writes, and what these writers imitate (real-exports.md §0.1, §1 "Variants"):

- one sheet, header row first, then one row per record; the sheet title cut to 31
  characters (``dataformat/excel/classes/writer.php``, ``dataformat/ods/classes/writer.php``;
  Excel's limit on sheet names);
- text cells as strings, numbers as numbers: the grade export "Excel spreadsheet" /
  "OpenDocument spreadsheet" writes a numeric grade with ``write_number`` and everything
  else (``-`` for no grade, the "Last downloaded" timestamp, names) as a string
  (``grade/export/xls/grade_export_xls.php``, ``lib/excellib.class.php``). The caller
  decides: a Python ``int``/``float`` becomes a number cell, a ``str`` a string cell
  (``"80.00"`` stays the text ``80.00``), ``None`` an empty cell, a ``date``/``datetime`` a
  date cell (KoboToolbox's XLS export writes dates as dates, §7.2), a ``bool`` a boolean.

Determinism: the libraries stamp the clock (openpyxl sets the "modified" property at save
time, odfpy and openpyxl date every ZIP entry with the current time). Both writers set
fixed document properties (creator, created, modified: :data:`DOCUMENT_DATE`) and then
rewrite the archive with the entries in the library's order, each with the fixed
:data:`ZIP_DATE_TIME`, the same compression and fixed attributes. The bytes then depend
only on the cells, the library versions (requirements.lock) and zlib.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

MAX_SHEET_TITLE = 31  # Excel's limit; Moodle's dataformat writers cut the title to it
CREATOR = "impact-story-workflow synthetic data"  # says what wrote the file: not a real export
DOCUMENT_DATE = datetime(2021, 1, 1, 0, 0, 0)  # created = modified, fixed
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a ZIP entry can carry

_Cell = str | int | float | bool | date | datetime | None


def sheet_title(sheet: str) -> str:
    """The sheet title as Moodle writes it: cut to 31 characters."""
    return sheet[:MAX_SHEET_TITLE]


def _check_cell(value: object) -> None:
    if value is None or isinstance(value, (str, bool, int, float, date, datetime)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"a spreadsheet cell cannot hold {value!r}")
        return
    raise TypeError(f"cell {value!r} of type {type(value).__name__}: expected str, int, float, bool, date or None")


def _fixed_archive(data: bytes, *, replace: dict[str, bytes] | None = None) -> bytes:
    """``data`` (a ZIP) rewritten with fixed entry dates and attributes, entries in the
    same order with the same compression; ``replace`` swaps the content of named entries."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE_TIME)
            fixed.compress_type = info.compress_type
            fixed.create_system = 3  # Unix, whatever the machine
            fixed.external_attr = 0o644 << 16  # rw-r--r--
            content = replace.get(info.filename, zin.read(info.filename))
            zout.writestr(fixed, content, compress_type=info.compress_type, compresslevel=6)
    return out.getvalue()


def _write(path: str | Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# odfpy declares on each document's root every namespace any element of the process has
# used so far (one dict shared by all elements): the bytes of a file would depend on what
# was written before it. The writer declares this fixed list instead, in this order.
_ODF_NAMESPACES = ("office", "style", "text", "table", "meta", "dc", "number", "fo", "svg", "xlink", "manifest")


@contextmanager
def _fixed_namespaces():
    from odf.element import Element
    from odf.namespaces import nsdict

    by_prefix = {prefix: uri for uri, prefix in nsdict.items()}
    saved = dict(Element.namespaces)
    Element.namespaces.clear()
    Element.namespaces.update({by_prefix[p]: p for p in _ODF_NAMESPACES})
    try:
        yield
    finally:
        Element.namespaces.clear()
        Element.namespaces.update(saved)


def write_xlsx(
    path: str | Path, header: Sequence[str], rows: Iterable[Sequence[_Cell]], *, sheet: str = "Sheet1"
) -> None:
    """Write ``header`` and ``rows`` to a one-sheet .xlsx at ``path`` (byte-identical on
    every run). Header cells are strings; row cells keep their Python type (see the
    module docstring)."""
    write_xlsx_sheets(path, [(sheet, [[str(h) for h in header], *rows])])


def write_xlsx_sheets(path: str | Path, sheets: Sequence[tuple[str, Iterable[Sequence[_Cell]]]]) -> None:
    """Write several sheets (title, rows; ``None`` is an empty cell) to one .xlsx,
    byte-identical on every run: fixed document properties and ZIP entry times."""
    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900

    wb = Workbook()
    wb.epoch = CALENDAR_WINDOWS_1900
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(sheet_title(title))
        for row in rows:
            for cell in row:
                _check_cell(cell)
            ws.append(list(row))
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.data_type == "f":
                    cell.data_type = "s"  # a text starting with '=' is text, as Moodle writes it
    props = wb.properties
    props.creator = CREATOR
    props.lastModifiedBy = CREATOR
    props.created = DOCUMENT_DATE
    props.modified = DOCUMENT_DATE
    buf = io.BytesIO()
    wb.save(buf)  # stamps props.modified with the clock: core.xml is written again below
    props.modified = DOCUMENT_DATE
    from openpyxl.xml.functions import tostring

    core = tostring(props.to_tree())
    _write(path, _fixed_archive(buf.getvalue(), replace={"docProps/core.xml": core}))


def _ods_cell(value: _Cell):
    from odf.table import TableCell
    from odf.teletype import addTextToElement
    from odf.text import P

    if value is None or value == "":
        return TableCell()
    if isinstance(value, bool):
        cell = TableCell(valuetype="boolean", booleanvalue="true" if value else "false")
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, (int, float)):
        cell = TableCell(valuetype="float", value=repr(value) if isinstance(value, float) else str(value))
        text = str(value)
    elif isinstance(value, datetime):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
        text = value.isoformat(sep=" ")
    elif isinstance(value, date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
        text = value.isoformat()
    else:
        cell = TableCell(valuetype="string")
        text = value
    for line in text.split("\n"):  # one paragraph per line, as OpenSpout and LibreOffice write
        p = P()
        addTextToElement(p, line)  # tabs and runs of spaces as ODF elements
        cell.addElement(p)
    return cell


def write_ods(
    path: str | Path, header: Sequence[str], rows: Iterable[Sequence[_Cell]], *, sheet: str = "Sheet1"
) -> None:
    """Write ``header`` and ``rows`` to a one-sheet .ods at ``path`` (byte-identical on
    every run). Header cells are strings; row cells keep their Python type (see the
    module docstring)."""
    from odf.dc import Creator, Date
    from odf.meta import CreationDate, InitialCreator
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableRow

    doc = OpenDocumentSpreadsheet()
    stamp = DOCUMENT_DATE.isoformat()
    for element in (InitialCreator(text=CREATOR), CreationDate(text=stamp), Creator(text=CREATOR), Date(text=stamp)):
        doc.meta.addElement(element)
    table = Table(name=sheet_title(sheet))
    header_row = TableRow()
    for h in header:
        header_row.addElement(_ods_cell(str(h)))
    table.addElement(header_row)
    for row in rows:
        tr = TableRow()
        for cell in row:
            _check_cell(cell)
            tr.addElement(_ods_cell(cell))
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    with _fixed_namespaces():
        doc.write(buf)
    _write(path, _fixed_archive(buf.getvalue()))
