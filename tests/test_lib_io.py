"""lib.io: exact reading of exports (lines, dialects, errors) and deterministic writers."""

import datetime as dt
import hashlib
import io
import zipfile

import openpyxl
import pandas as pd
import pytest
from datagen import spreadsheets

from lib import io as lib_io
from lib.validation import ValidationFailed, format_problem

HEADERS = {"user_id": "ID de usuario", "email": "Dirección de correo", "country": "País"}


def write(tmp_path, name, content, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return p


def test_reads_site_dialect_with_bom_and_multiline_cells(tmp_path):
    p = write(
        tmp_path,
        "p.csv",
        '\ufeffID de usuario;Dirección de correo;País;Extra\n17;"a@x.org";"Perú\nnorte";z\n\n18; B@X.org ;México;z\n',
    )
    df = lib_io.read_export(p, delimiter=";", encoding="utf-8-sig", header_map=HEADERS, source="raw/p.csv")
    assert list(df.columns) == ["user_id", "email", "country", "_line"]
    assert df["_line"].tolist() == [2, 5]  # record 1 spans lines 2-3, line 4 is blank
    assert df.loc[0, "country"] == "Perú\nnorte"
    assert df.loc[1, "email"] == " B@X.org "  # values untouched: cleaning trims
    assert df.attrs["unmapped_headers"] == ["Extra"]


def test_header_map_none_keeps_file_headers(tmp_path):
    p = write(tmp_path, "e.csv", "a,b\n1,2\n")
    df = lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="e.csv")
    assert list(df.columns) == ["a", "b", "_line"]
    assert df.loc[0, "a"] == "1"


def test_missing_header_names_file_header_canonical_and_found(tmp_path):
    p = write(tmp_path, "p.csv", "ID de usuario;País\n1;Perú\n")
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=";", encoding="utf-8", header_map=HEADERS, source="raw/p.csv")
    msg = str(exc.value)
    assert "raw/p.csv:1" in msg
    assert "'Dirección de correo'" in msg and "'email'" in msg
    assert "headers found: 'ID de usuario', 'País'" in msg
    assert exc.value.report["column"].tolist() == ["email"]


def test_single_column_hints_at_delimiter(tmp_path):
    p = write(tmp_path, "p.csv", "ID de usuario;Dirección de correo;País\n1;a@x;Perú\n")
    with pytest.raises(ValidationFailed, match="delimiter is probably not ','"):
        lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=HEADERS, source="p.csv")


@pytest.mark.parametrize("content", ["", "   \n\n"])
def test_empty_file(tmp_path, content):
    p = write(tmp_path, "p.csv", content)
    with pytest.raises(ValidationFailed, match="empty"):
        lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="p.csv")


def test_header_only_gives_empty_frame(tmp_path):
    p = write(tmp_path, "p.csv", "ID de usuario;Dirección de correo;País\n")
    df = lib_io.read_export(p, delimiter=";", encoding="utf-8", header_map=HEADERS, source="p.csv")
    assert len(df) == 0 and list(df.columns) == ["user_id", "email", "country", "_line"]


def test_undecodable_bytes_name_line_and_offset(tmp_path):
    raw = b"a,b\n1,2\n" + b"3,Per" + b"\xfa\n"  # latin-1 'ú'
    p = write(tmp_path, "p.csv", raw)
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="p.csv")
    rep = exc.value.report.iloc[0]
    assert rep["line"] == 3
    assert "byte offset 13" in rep["message"]


def test_unbalanced_quote(tmp_path):
    p = write(tmp_path, "p.csv", 'a,b\n1,2\n"3,4\n5,6\n')
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="p.csv")
    assert exc.value.report.iloc[0]["line"] == 3
    assert "quote" in str(exc.value)


def test_wrong_field_count_names_every_line(tmp_path):
    p = write(tmp_path, "p.csv", "a,b\n1,2\n1,2,3\n4\n")
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="p.csv")
    assert exc.value.report["line"].tolist() == [3, 4]


def test_write_parquet_and_csv_are_byte_identical(tmp_path):
    df = pd.DataFrame({"k": ["b", "a"], "v": [1.5, float("nan")], "t": ["=1+1", "-"]})
    digests = []
    for i in range(2):
        lib_io.write_parquet(df, tmp_path / f"x{i}.parquet")
        lib_io.write_csv(df, tmp_path / f"x{i}.csv")
        digests.append(
            tuple(hashlib.sha256((tmp_path / f"x{i}.{ext}").read_bytes()).hexdigest() for ext in ("parquet", "csv"))
        )
    assert digests[0] == digests[1]
    text = (tmp_path / "x0.csv").read_text()
    assert text == "k,v,t\nb,1.5,'=1+1\na,,'-\n"
    back = pd.read_parquet(tmp_path / "x0.parquet")
    assert list(back.columns) == ["k", "v", "t"]
    assert back["k"].tolist() == ["b", "a"]


def test_utf8_bom_is_dropped_when_the_encoding_is_plain_utf8(tmp_path):
    p = write(tmp_path, "f.csv", b"\xef\xbb\xbfResponse ID,Comments\nEN-1,ok\n")
    df = lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="f.csv")
    assert list(df.columns) == ["Response ID", "Comments", "_line"] and df["Response ID"].tolist() == ["EN-1"]


def test_undecodable_bytes_name_the_column_and_the_whole_run_of_bad_bytes(tmp_path):
    raw = b"ID de usuario;Direcci\xc3\xb3n de correo;Pa\xc3\xads\n1;a@b.org;Per\xfa\n2;c@d.org;Caf\xff\xfe!\n"
    p = write(tmp_path, "p.csv", raw)
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=";", encoding="utf-8", header_map=HEADERS, source="p.csv")
    rep = exc.value.report.iloc[0]
    assert (rep["line"], rep["column"]) == (2, "country")  # canonical name of the header 'País'
    assert "bytes fa at byte offset" in rep["message"]
    p = write(tmp_path, "q.csv", b"a,b\n1,Caf\xff\xfe!\n")
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="q.csv")
    rep = exc.value.report.iloc[0]
    assert rep["column"] == "b" and "bytes ff fe at byte offset 9 " in rep["message"]


def test_unclosed_quote_names_the_column_and_its_first_characters(tmp_path):
    text = 'ID de usuario;Dirección de correo;País\n1;a@b.org;Perú\n2;c@d.org;"Chile\n3;e@f.org;"Costa; Rica"\n'
    p = write(tmp_path, "p.csv", text)
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=";", encoding="utf-8", header_map=HEADERS, source="p.csv")
    rep = exc.value.report.iloc[0]
    assert (rep["line"], rep["column"], rep["value"]) == (3, "country", "Chile")
    assert "quote is probably not closed" in rep["message"]


def test_unclosed_quote_after_a_multiline_cell(tmp_path):
    p = write(tmp_path, "p.csv", 'a,b,c\n1,"x\ny",2\n3,4,"open\n')
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="p.csv")
    rep = exc.value.report.iloc[0]
    # without a header map no column is known to be non-personal: the cell is withheld
    assert (rep["line"], rep["column"]) == (4, "c")
    assert rep["value"] == "(withheld: personal data, see line 4 of p.csv)"


def test_header_only_stops_when_records_are_required(tmp_path):
    p = write(tmp_path, "p.csv", "ID de usuario;Dirección de correo;País\n\n")
    with pytest.raises(ValidationFailed, match="header line but no records") as exc:
        lib_io.read_export(p, delimiter=";", encoding="utf-8", header_map=HEADERS, source="p.csv", require_records=True)
    assert exc.value.report.iloc[0]["line"] == 1 and exc.value.report.iloc[0]["file"] == "p.csv"


# -- spreadsheets (.xlsx, .ods) -------------------------------------------------------------
# Fixtures are typed here and written with openpyxl / odfpy directly (never through
# datagen.spreadsheets), each imitating the Moodle or KoboToolbox writer its comment names
# (real-exports.md §0.1, §1 "Variants", §4, §7.2).

CERT_HEADERS = {"full_name": "Full name", "email": "Email address", "awarded_on": "Awarded on", "code": "Code"}


def xlsx_bytes(rows, title="Sheet1"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ods_bytes(rows, title="Sheet1"):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name=title)
    for row in rows:
        tr = TableRow()
        for value in row:
            if value is None:
                cell = TableCell()
            elif isinstance(value, float | int):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            elif isinstance(value, dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
                cell.addElement(P(text=value.isoformat()))
            else:
                cell = TableCell(valuetype="string")
                for line in value.split("\n"):  # one paragraph per line, as OpenSpout writes
                    cell.addElement(P(text=line))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()


def test_xlsx_dataformat_download_is_read_as_text_with_sheet_rows(tmp_path):
    # mod_customcert "Issued certificates" table, "Download table data as" Microsoft Excel
    # (.xlsx): dataformat/excel/classes/writer.php (OpenSpout; every cell a string here, as
    # userdate() and the code are strings); columns from classes/report_table.php
    rows = [
        ["Full name", "Email address", "Awarded on", "Code", "Department"],
        ["Ana Pérez", "ana@example.org", "2021-04-8 20:23", "aB3dE5gH7j", "Sales"],
        [None, None, None, None, None],  # a blank row: skipped, rows keep their numbers
        ["Bo Li", " BO@example.org ", "2021-04-12 09:05", "0123-4567-8901", ""],
    ]
    p = write(tmp_path, "customcert-report.xlsx", xlsx_bytes(rows, title="customcert-report"))
    df = lib_io.read_export(p, delimiter=";", encoding="latin-1", header_map=CERT_HEADERS, source="raw/cert.xlsx")
    assert list(df.columns) == ["full_name", "email", "awarded_on", "code", "_line"]
    assert df["_line"].tolist() == [2, 4]
    assert df.loc[1, "email"] == " BO@example.org "  # exact text: cleaning trims
    assert df["awarded_on"].tolist() == ["2021-04-8 20:23", "2021-04-12 09:05"]
    assert df["code"].tolist() == ["aB3dE5gH7j", "0123-4567-8901"]
    assert df.attrs["unmapped_headers"] == ["Department"]
    assert (df.attrs["file_type"], df.attrs["sheet"]) == ("xlsx", "customcert-report")
    assert df.attrs["where"] == "raw/cert.xlsx, sheet 'customcert-report'"


def test_xlsx_grade_export_numbers_and_dates_come_back_in_canonical_text(tmp_path):
    # grade export "Excel spreadsheet": grade/export/xls/grade_export_xls.php through
    # lib/excellib.class.php: numeric grades with write_number, "-" (no grade) and the
    # "Last downloaded" Unix timestamp as strings
    rows = [
        [
            "First name",
            "Email address",
            "Quiz: Module 1 (Real)",
            "Course total (Real)",
            "Last downloaded from this course",
        ],
        ["Ana", "ana@example.org", 80, 72.5, "1584580020"],
        ["Bo", "bo@example.org", "-", 0.1, "1584580020"],
        ["Cy", "cy@example.org", 80.0, 123456789012.0, "1584580020"],
    ]
    p = write(tmp_path, "grades.xlsx", xlsx_bytes(rows, title="Grades"))
    df = lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="grades.xlsx")
    assert df["Quiz: Module 1 (Real)"].tolist() == ["80", "-", "80"]  # 80.00 is display, not data
    assert df["Course total (Real)"].tolist() == ["72.5", "0.1", "123456789012"]
    assert df["Last downloaded from this course"].tolist() == ["1584580020"] * 3
    assert df["_line"].tolist() == [2, 3, 4]
    # KoboToolbox XLS export (formpack src/formpack/reporting/export.py): dates as Excel dates
    rows = [
        ["today", "start", "flag", "t"],
        [dt.date(2020, 3, 19), dt.datetime(2020, 3, 19, 1, 27), True, dt.time(9, 5)],
    ]
    df = lib_io.read_export(
        write(tmp_path, "k.xlsx", xlsx_bytes(rows)), delimiter=",", encoding="utf-8", header_map=None, source="k.xlsx"
    )
    assert df.iloc[0][["today", "start", "flag", "t"]].tolist() == [
        "2020-03-19",
        "2020-03-19T01:27:00",
        "TRUE",
        "09:05:00",
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  x\ny ", "  x\ny "),
        (80.0, "80"),
        (-0.0, "0"),
        (72.5, "72.5"),
        (1e-07, "1e-07"),
        (2.0**60, "1.152921504606847e+18"),
        (7, "7"),
        (False, "FALSE"),
        (dt.date(2020, 1, 2), "2020-01-02"),
        (dt.datetime(2020, 1, 2, 3, 4, 5, 250_000), "2020-01-02T03:04:05.250"),
        (dt.datetime(2020, 1, 2, 3, 4, 59, 999_800), "2020-01-02T03:05:00"),
        (dt.time(13, 0), "13:00:00"),
        (dt.timedelta(hours=30, seconds=5), "30:00:05"),
    ],
)
def test_cell_text(value, text):
    assert lib_io.cell_text(value) == text


def test_ods_dataformat_download_is_read_as_text_with_sheet_rows(tmp_path):
    # report builder "Course participants" downloaded as OpenDocument (.ods):
    # dataformat/ods/classes/writer.php (OpenSpout: one text paragraph per line of a cell);
    # dates in strftimedaydatetime (en), the country as Moodle's localised name
    rows = [
        ["Full name", "Email address", "Country", "Last access to course", "Groups"],
        ["Ana Pérez", "ana@example.org", "Türkiye", "Thursday, 19 March 2020, 1:27 AM", "A\nB"],
        ["Bo Li", "bo@example.org", "", "", None],
        [None, None, None, None, None],
        ["Cy Ng", "cy@example.org", "Peru", 2020, dt.date(2020, 3, 19)],
    ]
    p = write(tmp_path, "participants.ods", ods_bytes(rows, title="Participants"))
    df = lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="raw/p.ods")
    assert list(df.columns) == ["Full name", "Email address", "Country", "Last access to course", "Groups", "_line"]
    assert df["_line"].tolist() == [2, 3, 5]
    assert df.loc[0, "Last access to course"] == "Thursday, 19 March 2020, 1:27 AM"
    assert df.loc[0, "Groups"] == "A\nB"
    assert df.loc[1].tolist()[:5] == ["Bo Li", "bo@example.org", "", "", ""]
    assert df.loc[2, "Last access to course"] == "2020" and df.loc[2, "Groups"] == "2020-03-19"
    assert (df.attrs["file_type"], df.attrs["sheet"]) == ("ods", "Participants")


def test_named_sheet_and_a_missing_one(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "survey"
    wb.active.append(["type", "name"])
    data = wb.create_sheet("choices")
    data.append(["list_name", "name"])
    data.append(["yesno", "yes"])
    p = tmp_path / "form.xlsx"
    wb.save(p)  # an XLSForm (XLSForm spec): survey, choices sheets
    df = lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="form.xlsx", sheet="choices")
    assert df[["list_name", "name", "_line"]].values.tolist() == [["yesno", "yes", 2]]
    with pytest.raises(ValidationFailed, match="no sheet named 'settings' \\(sheets: 'survey', 'choices'\\)"):
        lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="form.xlsx", sheet="settings")


def test_mislabelled_files_are_read_by_their_real_type(tmp_path):
    xlsx = xlsx_bytes([["ID de usuario", "Dirección de correo", "País"], [17, "a@x.org", "Perú"]])
    df = lib_io.read_export(
        write(tmp_path, "p.csv", xlsx), delimiter=";", encoding="utf-8", header_map=HEADERS, source="p.csv"
    )
    assert df.attrs["file_type"] == "xlsx" and df[["user_id", "country", "_line"]].values.tolist() == [
        ["17", "Perú", 2]
    ]
    ods = ods_bytes([["a", "b"], ["1", "2"]])
    df = lib_io.read_export(
        write(tmp_path, "e.xls", ods), delimiter=",", encoding="utf-8", header_map=None, source="e.xls"
    )
    assert df.attrs["file_type"] == "ods" and df["a"].tolist() == ["1"]
    df = lib_io.read_export(
        write(tmp_path, "k.xlsx", "PK,name\n1,a\n"), delimiter=",", encoding="utf-8", header_map=None, source="k"
    )
    assert df.attrs["file_type"] == "csv" and df["PK"].tolist() == ["1"]  # text that starts like a ZIP
    text = "ID de usuario;Dirección de correo;País\n17;a@x.org;Perú\n"
    df = lib_io.read_export(
        write(tmp_path, "p.xlsx", text), delimiter=";", encoding="utf-8", header_map=HEADERS, source="p.xlsx"
    )
    assert df.attrs["file_type"] == "csv" and df.attrs["sheet"] is None and df["country"].tolist() == ["Perú"]


def _read_fails(tmp_path, name, content, **kw):
    p = write(tmp_path, name, content)
    args = {"delimiter": ",", "encoding": "utf-8", "header_map": None, "source": name} | kw
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, **args)
    return exc.value


def test_damaged_and_unreadable_spreadsheets_stop_with_a_message(tmp_path):
    good = xlsx_bytes([["a"], ["1"]])
    err = _read_fails(tmp_path, "cut.xlsx", good[: len(good) // 2])  # download cut short
    assert "damaged ZIP archive" in str(err) and err.report.iloc[0]["check"] == "file_type"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("grades.csv", "a,b\n1,2\n")
    assert "not an .xlsx or .ods" in str(_read_fails(tmp_path, "zipped.xlsx", buf.getvalue()))
    buf = io.BytesIO()  # a sound ZIP whose sheet XML is cut short
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w") as z:
        for name in src.namelist():
            z.writestr(name, src.read(name)[:60] if name == "xl/worksheets/sheet1.xml" else src.read(name))
    err = _read_fails(tmp_path, "bad.xlsx", buf.getvalue())
    assert "the .xlsx file cannot be read" in str(err) and "damaged" in str(err)
    # a password-protected .xlsx is an Office compound file with an "EncryptedPackage"
    # stream (MS-OFFCRYPTO); the bytes below keep only the signature and the stream name
    ole = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(64)
    assert "password-protected" in str(_read_fails(tmp_path, "locked.xlsx", ole))
    assert "Excel 97-2003" in str(_read_fails(tmp_path, "old.xls", bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600)))
    # a password-protected .ods: its manifest describes the encryption of each entry
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", lib_io.ODS_MIMETYPE)
        z.writestr(
            "META-INF/manifest.xml", '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
        )
        z.writestr("content.xml", b"\x8f\x01 ciphertext")
    assert "password-protected" in str(_read_fails(tmp_path, "locked.ods", buf.getvalue()))


def test_empty_sheet_missing_header_row_and_nameless_columns(tmp_path):
    err = _read_fails(tmp_path, "empty.xlsx", xlsx_bytes([], title="Grades"))
    assert "empty.xlsx, sheet 'Grades', row 1: the sheet is empty (no header row)" in str(err)
    err = _read_fails(tmp_path, "blank.ods", ods_bytes([[None, None], ["", " "]]))
    assert "the sheet is empty" in str(err)
    # the header row was deleted: the sheet starts with a learner's row
    rows = [["Ana Pérez", "ana@example.org", "2021-04-8 20:23", "aB3dE5gH7j"]]
    err = _read_fails(tmp_path, "cert.xlsx", xlsx_bytes(rows), header_map=CERT_HEADERS)
    assert (
        "cert.xlsx, sheet 'Sheet1', row 1, value '(withheld: personal data, see row 1 of cert.xlsx, sheet 'Sheet1')': "
        "the first non-empty row (row 1) holds none of the expected headers" in str(err)
    )
    assert "Ana" not in str(err) and "ana@" not in str(err)  # the row may be personal data: not echoed
    # a column with values under an empty header cell; an empty one is dropped
    rows = [["Full name", None, "Code", None], ["Ana", "x", "c1", None], ["Bo", None, "c2", None]]
    err = _read_fails(tmp_path, "c.xlsx", xlsx_bytes(rows))
    rep = err.report.iloc[0]
    assert (rep["file"], rep["line"], rep["column"], rep["check"]) == (
        "c.xlsx, sheet 'Sheet1'",
        1,
        "column B",
        "header_present",
    )
    assert "from row 2" in rep["message"]
    rows = [["Full name", None, "Code"], ["Ana", None, "c1"]]
    df = lib_io.read_export(
        write(tmp_path, "d.xlsx", xlsx_bytes(rows)), delimiter=",", encoding="utf-8", header_map=None, source="d.xlsx"
    )
    assert list(df.columns) == ["Full name", "Code", "_line"]


def test_spreadsheet_messages_name_file_sheet_and_row(tmp_path):
    rows = [[None], ["Full name", "Code", "Code"], ["Ana", "a", "b"]]
    err = _read_fails(
        tmp_path, "x.xlsx", xlsx_bytes(rows, title="Sheet1"), source="raw/x.xlsx", known_headers={"Code"}.__contains__
    )
    assert "raw/x.xlsx, sheet 'Sheet1', row 2: header names appear more than once: ['Code']" in str(err)
    # with nothing to tell a header line from a data row, the repeated cells are not shown
    err = _read_fails(tmp_path, "x.xlsx", xlsx_bytes(rows, title="Sheet1"), source="raw/x.xlsx")
    assert "row 2: header names appear more than once (not shown" in str(err) and "'Code'" not in str(err)
    err = _read_fails(
        tmp_path, "h.ods", ods_bytes([["Full name", "Email address"]], title="T"), header_map=None, require_records=True
    )
    assert "h.ods, sheet 'T', row 1: the sheet has a header row but no records" in str(err)
    err = _read_fails(tmp_path, "m.xlsx", xlsx_bytes([["Full name"], ["Ana"]]), header_map=CERT_HEADERS)
    assert "m.xlsx, sheet 'Sheet1', row 1, column 'email', value 'Email address': header 'Email address'" in str(err)
    # a validation problem of a row, reported with the frame's attrs["where"]: personal value withheld
    df = lib_io.read_export(
        write(tmp_path, "ok.xlsx", xlsx_bytes([["Full name", "Email address"], [None], ["Ana", "ana@x"]], title="S")),
        delimiter=",",
        encoding="utf-8",
        header_map={"full_name": "Full name", "email": "Email address"},
        source="raw/ok.xlsx",
    )
    problem = {
        "file": df.attrs["where"],
        "line": df.loc[0, "_line"],
        "column": "email",
        "value": "ana@x",
        "message": "not an e-mail address",
    }
    assert format_problem(problem) == (
        "raw/ok.xlsx, sheet 'S', row 3, column 'email', "
        "value '(withheld: personal data, see row 3 of raw/ok.xlsx, sheet 'S')': not an e-mail address"
    )


# -- formula guard (real-exports.md §0.1, §9) ------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "kept"),
    [
        ("'=SUM(A1)", "=SUM(A1)"),
        ("'+34 600 000 000", "+34 600 000 000"),
        ("'-5", "-5"),
        ("'@home", "@home"),
        ("'\tx", "\tx"),
        ("'\nline", "\nline"),
        ("'  =1", "  =1"),
        ("'-", "'-"),  # a lone "-" is not escaped: the quote is data
        ("'s-Hertogenbosch", "'s-Hertogenbosch"),
        ("O'Neil", "O'Neil"),
        ("''=x", "''=x"),
        ("-", "-"),
        ("", ""),
    ],
)
def test_strip_formula_guard(cell, kept):
    assert lib_io.strip_formula_guard(cell) == kept


def test_formula_guard_is_removed_from_data_cells_only_when_asked(tmp_path):
    # dataformat writers of newer Moodle versions (real-exports.md §0.1): data rows escaped, headers not
    text = "\ufeff'=Header,Phone\n'=1+1,'+34 600\n'-,-\n"
    p = write(tmp_path, "p.csv", text)
    df = lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="p.csv", formula_guard=True)
    assert list(df.columns)[:2] == ["'=Header", "Phone"]
    assert df["'=Header"].tolist() == ["=1+1", "'-"] and df["Phone"].tolist() == ["+34 600", "-"]
    df = lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="p.csv")
    assert df["'=Header"].tolist() == ["'=1+1", "'-"]
    xlsx = xlsx_bytes([["'@Header", "Phone"], ["'@x", "'+34 600"], ["a", 5]])
    p = write(tmp_path, "p.xlsx", xlsx)
    df = lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="p.xlsx", formula_guard=True)
    assert df["'@Header"].tolist() == ["@x", "a"] and df["Phone"].tolist() == ["+34 600", "5"]


# -- deterministic writers (datagen.spreadsheets) ---------------------------------------------

GRADE_HEADER = ["First name", "Email address", "Quiz: Module 1 (Real)", "Last downloaded from this course", "Note"]
GRADE_ROWS = [
    ["Ana", "ana@example.org", 80, "1584580020", "two\nlines"],
    ["Bo", "bo@example.org", "-", "1584580020", "=not a formula"],
    ["Cy", "cy@example.org", 72.5, "1584580020", None],
]


@pytest.mark.parametrize("writer", ["write_xlsx", "write_ods"])
def test_spreadsheet_writers_are_byte_identical_and_read_back(tmp_path, writer):
    write_fn = getattr(spreadsheets, writer)
    ext = "xlsx" if writer == "write_xlsx" else "ods"
    title = "Grades of Entrepreneurship for migrants and refugees"
    write_fn(tmp_path / f"a.{ext}", GRADE_HEADER, GRADE_ROWS, sheet=title)
    ods_bytes([["other odfpy use in the same process"]])  # odfpy's process-wide namespaces grow
    xlsx_bytes([["and openpyxl"]])
    write_fn(tmp_path / f"b.{ext}", GRADE_HEADER, GRADE_ROWS, sheet=title)
    a, b = (tmp_path / f"a.{ext}").read_bytes(), (tmp_path / f"b.{ext}").read_bytes()
    assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest()
    with zipfile.ZipFile(io.BytesIO(a)) as z:  # no clock anywhere in the archive
        assert {i.date_time for i in z.infolist()} == {spreadsheets.ZIP_DATE_TIME}
        meta = z.read("docProps/core.xml" if ext == "xlsx" else "meta.xml").decode()
        if ext == "ods":
            assert z.namelist()[0] == "mimetype" and z.infolist()[0].compress_type == zipfile.ZIP_STORED
    year = str(dt.date.today().year)
    assert "2021-01-01T00:00:00" in meta and year not in meta.replace("2021-01-01", "")
    df = lib_io.read_export(tmp_path / f"a.{ext}", delimiter=",", encoding="utf-8", header_map=None, source="a")
    assert df.attrs["sheet"] == title[:31] == "Grades of Entrepreneurship for "
    assert list(df.columns) == [*GRADE_HEADER, "_line"]
    assert df["Quiz: Module 1 (Real)"].tolist() == ["80", "-", "72.5"]
    assert df["Last downloaded from this course"].tolist() == ["1584580020"] * 3
    assert df["Note"].tolist() == ["two\nlines", "=not a formula", ""]


def test_xlsx_writer_writes_numbers_as_numbers_and_text_as_text(tmp_path):
    spreadsheets.write_xlsx(tmp_path / "g.xlsx", GRADE_HEADER, GRADE_ROWS)
    ws = openpyxl.load_workbook(tmp_path / "g.xlsx").active
    assert [ws.cell(row=r, column=3).data_type for r in (2, 3, 4)] == ["n", "s", "n"]
    assert [ws.cell(row=r, column=4).data_type for r in (2, 3, 4)] == ["s", "s", "s"]
    assert ws.cell(row=3, column=5).data_type == "s"  # "=..." text is not turned into a formula


# -- issue 14: raw input in messages goes through lib.validation's guard; right diagnoses ----


def test_csv_without_its_header_line_stops_without_showing_the_first_line(tmp_path):
    # the header line was deleted: the first line is a learner's record
    p = write(tmp_path, "p.csv", "17;ana.diaz@example.org;Perú\n18;bo@example.org;Chile\n")
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=";", encoding="utf-8", header_map=HEADERS, source="raw/p.csv")
    msg = str(exc.value)
    rep = exc.value.report.iloc[0]
    assert (rep["line"], rep["check"]) == (1, "header_row") and len(exc.value.report) == 1
    assert "raw/p.csv:1, value '(withheld: personal data, see line 1 of raw/p.csv)': the first line holds none" in msg
    assert "ana.diaz" not in msg and "Perú" not in msg and "17" not in msg
    assert "ana.diaz" not in exc.value.report.to_csv()


def test_header_line_test_of_the_caller_without_a_header_map(tmp_path):
    known = {"_id", "_uuid", "applied"}.__contains__
    p = write(tmp_path, "k.csv", '"3";"ana@example.org";"Ana";"Ana"\n"4";"bo@example.org";"Bo";"Bo"\n')
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=";", encoding="utf-8", header_map=None, source="k.csv", known_headers=known)
    assert exc.value.report.iloc[0]["check"] == "header_row" and "Ana" not in str(exc.value)
    p = write(tmp_path, "ok.csv", '"_id";"applied";"note"\n"3";"yes";"x"\n')
    df = lib_io.read_export(p, delimiter=";", encoding="utf-8", header_map=None, source="ok.csv", known_headers=known)
    assert list(df.columns) == ["_id", "applied", "note", "_line"]


def test_quote_open_to_the_end_of_the_file_names_line_and_column(tmp_path):
    # line 3 opens a quote in the country cell that nothing closes: the record runs to the end
    text = "ID de usuario;Dirección de correo;País\n1;a@b.org;Perú\n2;c@d.org;\"Chile;x\n3;e@f.org;Cuba\n"
    p = write(tmp_path, "p.csv", text)
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=";", encoding="utf-8", header_map=HEADERS, source="p.csv")
    rep = exc.value.report.iloc[0]
    # the cell's first characters stop at the delimiter: what follows is the next columns
    assert (rep["line"], rep["column"], rep["value"]) == (3, "country", "Chile")
    assert "quote is probably not closed" in rep["message"] and "the rest of the file reads as one cell" in rep["message"]
    assert "e@f.org" not in str(exc.value)


@pytest.mark.parametrize(
    ("line3", "column"),
    [
        ('2;"c@d.org;Chile;z', "email"),  # a personal column
        ('2;c@d.org;Chile;"Carla Díaz, 12 Main St', "Extra"),  # a column not in the contract
    ],
)
def test_unclosed_quote_in_a_column_not_known_to_be_non_personal_is_withheld(tmp_path, line3, column):
    text = "ID de usuario;Dirección de correo;País;Extra\n1;a@b.org;Perú;z\n" + line3 + "\n3;e@f.org;Cuba;z\n"
    p = write(tmp_path, "p.csv", text)
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=";", encoding="utf-8", header_map=HEADERS, source="p.csv")
    rep = exc.value.report.iloc[0]
    assert (rep["line"], rep["column"]) == (3, column)
    assert rep["value"] == "(withheld: personal data, see line 3 of p.csv)"
    assert "c@d.org" not in str(exc.value) and "Carla" not in str(exc.value)


def test_a_quote_closed_inside_a_cell_is_said_as_such(tmp_path):
    p = write(tmp_path, "p.csv", 'a,b\n1,"say "hi" now"\n')
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="p.csv")
    rep = exc.value.report.iloc[0]
    assert rep["line"] == 2 and "a quote inside a quoted cell is not doubled" in rep["message"]


def test_free_text_longer_than_the_csv_modules_default_limit_is_read_whole(tmp_path):
    answer = ("I applied the course, \"twice\".\n" * 7000)[:200 * 1024]  # 200 KiB, quotes and line breaks
    assert len(answer) > 131072  # Python csv's default field limit
    body = '"id";"example"\n"1";"' + answer.replace('"', '""') + '"\n"2";"short"\n'
    p = write(tmp_path, "f.csv", body)
    df = lib_io.read_export(p, delimiter=";", encoding="utf-8", header_map=None, source="f.csv")
    assert df["example"].tolist() == [answer, "short"]
    assert df["_line"].tolist() == [2, 2 + answer.count("\n") + 1]


def test_a_cell_over_the_bound_is_not_called_an_unclosed_quote(tmp_path, monkeypatch):
    monkeypatch.setattr(lib_io, "MAX_FIELD_CHARS", 1000)
    p = write(tmp_path, "f.csv", 'id,example\n1,"' + "x" * 1500 + '"\n')
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="f.csv")
    msg = exc.value.report.iloc[0]["message"]
    assert "longer than 1,000 characters" in msg and "quote" not in msg
    p = write(tmp_path, "g.csv", 'id,example\n1,"' + "x" * 1500 + "\n2,y\n")  # never closed
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=",", encoding="utf-8", header_map=None, source="g.csv")
    rep = exc.value.report.iloc[0]
    assert rep["line"] == 2 and rep["column"] == "example" and "quote is probably not closed" in rep["message"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"])
def test_invalid_byte_after_a_bom_is_located_in_the_files_own_bytes(tmp_path, encoding):
    # BOM = bytes 0-2, "a,b\n" = 3-6, "1,2\n" = 7-10, then ff fe at 11-12: the start of line 3
    raw = b"\xef\xbb\xbfa,b\n1,2\n\xff\xfe,4\n"
    p = write(tmp_path, "p.csv", raw)
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=",", encoding=encoding, header_map=None, source="p.csv")
    rep = exc.value.report.iloc[0]
    assert (rep["line"], rep["column"]) == (3, "a")
    assert f"bytes ff fe at byte offset 11 (counted from 0, the file's first byte) cannot be decoded as {encoding}" in (
        rep["message"]
    )


def test_invalid_byte_after_a_bom_mid_line(tmp_path):
    raw = b"\xef\xbb\xbfa,b\n1,Per\xfa\n"  # BOM 0-2, "a,b\n" 3-6, "1,Per" 7-11, fa at 12
    p = write(tmp_path, "p.csv", raw)
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=",", encoding="utf-8-sig", header_map=None, source="p.csv")
    rep = exc.value.report.iloc[0]
    assert rep["line"] == 2 and "bytes fa at byte offset 12 " in rep["message"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_export_is_named_utf16_not_windows_1252(tmp_path, codec):
    p = write(tmp_path, "p.csv", "ID de usuario;País\n1;Perú\n".encode(codec))
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=";", encoding="utf-8-sig", header_map=None, source="raw/p.csv")
    rep = exc.value.report.iloc[0]
    assert (rep["file"], rep["line"], rep["check"]) == ("raw/p.csv", 1, "encoding")
    assert "the file is UTF-16 text" in rep["message"] and "CSV UTF-8" in rep["message"]
    assert "Windows-1252" not in rep["message"]


def test_utf16_is_read_when_config_says_utf16(tmp_path):
    p = write(tmp_path, "p.csv", "ID de usuario;País\n1;Perú\n".encode("utf-16"))
    df = lib_io.read_export(p, delimiter=";", encoding="utf-16", header_map=None, source="p.csv")
    assert df["País"].tolist() == ["Perú"]


def test_a_first_line_that_may_be_a_data_row_never_names_a_column(tmp_path):
    # no header line, and a broken quote (or a bad byte) further down: the column would be a
    # cell of the first record, so none is named
    for body in (b'17;ana@example.org;Ana\n18;"bo@example.org;Bo\n', b"17;ana@example.org;Ana\n18;b\xe9;Bo\n"):
        p = write(tmp_path, "p.csv", body)
        with pytest.raises(ValidationFailed) as exc:
            lib_io.read_export(p, delimiter=";", encoding="utf-8", header_map=HEADERS, source="p.csv")
        rep = exc.value.report.iloc[0]
        assert rep["line"] == 2 and (pd.isna(rep["column"]) or rep["column"] == "")
        assert "ana@" not in str(exc.value) and "Ana" not in str(exc.value)
    # records of another width than the first line: the missing header line is the problem
    p = write(tmp_path, "p.csv", "17;ana@example.org;Ana\n18;bo@example.org;Bo;x\n")
    with pytest.raises(ValidationFailed) as exc:
        lib_io.read_export(p, delimiter=";", encoding="utf-8", header_map=HEADERS, source="p.csv")
    assert exc.value.report["check"].tolist() == ["header_row"] and "Ana" not in str(exc.value)
