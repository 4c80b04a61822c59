"""Make untrusted text safe for the two places it lands: spreadsheets and HTML.

``write_csv`` is the one CSV writer of the workflow's tables (re-exported as
``lib.io.write_csv``): deterministic, every text cell neutralised.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import escape

# OWASP "CSV injection": a cell starting with one of these is read as a formula by
# spreadsheet programs (tab and carriage return are also triggers).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_csv(value: Any) -> Any:
    """Prefix a single quote to text that a spreadsheet would run as a formula.

    Non-text values (numbers, missing values) are returned unchanged, so a negative
    number stays a number; only text cells are touched.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def escape_html(value: Any) -> str:
    """HTML-escape a value (``& < > " '``); ``None`` becomes an empty string."""
    if value is None:
        return ""
    return str(escape(str(value)))


def _plain_header(columns: pd.Index) -> bool:
    """Column names pandas writes as the csv module does: text, not empty, one level."""
    return len(columns) > 0 and columns.nlevels == 1 and all(isinstance(c, str) and c for c in columns)


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """Write ``df`` as UTF-8 CSV with ``\\n`` line ends, no index; text cells neutralised.

    Rows are written in the order given: sort before calling.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not len(df) and _plain_header(df.columns):  # the header line alone, as pandas writes it
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerow(df.columns)
        return
    frame = df.copy()
    for col in frame.columns:
        if frame[col].dtype == object or isinstance(frame[col].dtype, pd.StringDtype):
            frame[col] = frame[col].map(neutralise_csv, na_action="ignore")
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
