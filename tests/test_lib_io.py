"""lib.io: exact reading of exports (lines, dialects, errors) and deterministic writers."""

import hashlib

import pandas as pd
import pytest

from lib import io as lib_io
from lib.validation import ValidationFailed

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
    assert (rep["line"], rep["column"], rep["value"]) == (4, "c", "open")


def test_header_only_stops_when_records_are_required(tmp_path):
    p = write(tmp_path, "p.csv", "ID de usuario;Dirección de correo;País\n\n")
    with pytest.raises(ValidationFailed, match="header line but no records") as exc:
        lib_io.read_export(p, delimiter=";", encoding="utf-8", header_map=HEADERS, source="p.csv", require_records=True)
    assert exc.value.report.iloc[0]["line"] == 1 and exc.value.report.iloc[0]["file"] == "p.csv"
