"""Make untrusted text safe for the two places it lands: spreadsheets and HTML.

``write_csv`` is the one CSV writer of the workflow's tables (re-exported as
``lib.io.write_csv``): deterministic, every text cell neutralised.
"""

from __future__ import annotations

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
