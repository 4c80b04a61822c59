"""Personal data of raw/ and a scanner that looks for it in every file under results/.

``personal_data(root)`` collects every e-mail (trimmed, lower-cased) and every full name
("first last", as word tuples) written in the raw LMS exports (participants, completion,
grades: first + last name; certificates: full name) and the follow-up survey's Kobo export
(e-mail), using the header names of config.yaml.

``scan(results)`` reads every file as bytes and also decodes what compression would hide:
Parquet tables (every cell, the schema and its metadata) and the zlib streams of PDFs.
E-mails are found with a pattern and checked against the set; names by comparing every
run of words of a name's length, so the scan stays linear in the size of the results.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from . import mutations as m

EMAIL = re.compile(r"(?<![\w.%+'-])[\w.%+'-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
WORD = re.compile(r"\w+")
PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def words(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(text.casefold()))


def personal_data(root: Path) -> tuple[set[str], set[tuple[str, ...]]]:
    config = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    emails: set[str] = set()
    names: set[tuple[str, ...]] = set()
    for edition, ed_cfg in config["editions"].items():
        headers = config["sites"][ed_cfg["site"]]["headers"]
        sources_rows = []
        for source in ("participants", "completion", "grades", "certificates"):
            pattern = ed_cfg.get("certificates") if source == "certificates" else (ed_cfg.get("files") or {}).get(source)
            pattern = pattern or config["paths"][source]  # config names .xlsx / .ods exports
            rels = [v.format(edition=edition) for v in pattern.values()] if isinstance(pattern, dict) else [
                pattern.format(edition=edition)
            ]
            for rel in rels:
                if not (root / rel).is_file():
                    continue
                hdr, rows, _, _ = m.read_records(root / rel, m.delimiter_of(rel))
                h = headers[source]
                sources_rows.append((hdr, rows, h))
        for hdr, rows, h in sources_rows:
            for row in rows:
                cells = dict(zip(hdr, row, strict=False))
                emails.add(cells.get(h["email"], "").strip().casefold())
                if "full_name" in h:
                    names.add(words(cells.get(h["full_name"], "")))
                else:
                    names.add(words(cells.get(h["first_name"], "") + " " + cells.get(h["last_name"], "")))
    for survey in config.get("followup_surveys", {}).values():
        hdr, rows, _, _ = m.read_records(root / survey["export"], ";")  # the Kobo export
        col = hdr.index(survey.get("email_question", "email"))
        emails.update(r[col].strip().casefold() for r in rows)
    emails.discard("")
    return emails, {n for n in names if len(n) >= 2}


def readable_text(path: Path) -> str:
    """Everything a person (or a program) could read out of the file."""
    data = path.read_bytes()
    parts = [data.decode("utf-8", errors="replace")]
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        parts.append(str(table.schema))
        parts.append(repr(table.schema.metadata))
        for column in table.columns:
            parts.append("\n".join(str(v) for v in column.to_pylist()))
    if path.suffix == ".pdf":
        for stream in PDF_STREAM.findall(data):
            try:
                parts.append(zlib.decompress(stream).decode("latin-1"))
            except zlib.error:
                continue
    return "\n".join(parts)


def scan(results: Path, emails: set[str], names: set[tuple[str, ...]]) -> list[tuple[str, str]]:
    """(file, personal datum) for every e-mail or full name of raw/ found under ``results``."""
    lengths = sorted({len(n) for n in names})
    found = []
    for path in sorted(p for p in results.rglob("*") if p.is_file()):
        text = readable_text(path)
        rel = path.relative_to(results.parent).as_posix()
        for hit in sorted({e.casefold() for e in EMAIL.findall(text)} & emails):
            found.append((rel, hit))
        tokens = words(text)
        grams = {tuple(tokens[i : i + k]) for k in lengths for i in range(len(tokens) - k + 1)}
        for hit in sorted(grams & names):
            found.append((rel, " ".join(hit)))
    return found
