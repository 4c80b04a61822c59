"""Make untrusted text safe for the two places it lands: spreadsheets and HTML."""

from __future__ import annotations

from typing import Any

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
