"""Dates as Moodle writes them: ``userdate()`` with a langconfig format string.

Moodle formats a timestamp with a ``strftime`` format taken from the language pack
(``strftimedaydatetime``, ``strftimedatetimeshort``, ...) in the downloading user's
language, and drops the leading zero of ``%d`` and ``%I`` (``5/03/20``, ``1:27 AM``):
``lib/moodlelib.php`` (``userdate``), ``calendar/type/gregorian/classes/structure.php``.

This module turns such a format into an exact pattern: month names, day names and the
AM/PM markers come from the Unicode CLDR data shipped with Babel for the pack's language,
never from the machine's locale, and the order of day and month is the format's, never
guessed. A weekday that does not match the date (``jueves`` on a Monday) makes the value
invalid. Arabic-Indic digits are read as digits.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
from babel import Locale

from lib.distinct import read_once

# directive -> (group name, pattern); names are filled in per language
_NUMERIC = {
    "d": ("day", r"\d{1,2}"),  # Moodle drops the leading zero of %d
    "e": ("day", r"\s?\d{1,2}"),
    "m": ("month", r"\d{1,2}"),
    "y": ("year2", r"\d{2}"),
    "Y": ("year", r"\d{4}"),
    "H": ("hour", r"\d{1,2}"),
    "k": ("hour", r"\s?\d{1,2}"),
    "I": ("hour12", r"\d{1,2}"),  # and of %I
    "l": ("hour12", r"\s?\d{1,2}"),
    "M": ("minute", r"\d{2}"),
    "S": ("second", r"\d{2}"),
}
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SPACES = "[\\s\u00a0\u202f]+"


def _alternation(names: dict) -> str:
    """Regex alternation of the names (longest first, so 'mars' never cuts 'mars.')."""
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


@lru_cache(maxsize=64)
def _compiled(fmt: str, language: str) -> tuple[re.Pattern, dict]:
    """(pattern, lookups) for a strftime format in a language (CLDR names via Babel)."""
    loc = Locale.parse(language)
    months_wide = {str(v).casefold(): k for k, v in loc.months["format"]["wide"].items()}
    months_wide |= {str(v).casefold(): k for k, v in loc.months["stand-alone"]["wide"].items()}
    months_abbr = {str(v).casefold(): k for k, v in loc.months["format"]["abbreviated"].items()}
    months_abbr |= {str(v).casefold(): k for k, v in loc.months["stand-alone"]["abbreviated"].items()}
    days_wide = {str(v).casefold(): k for k, v in loc.days["format"]["wide"].items()}
    days_wide |= {str(v).casefold(): k for k, v in loc.days["stand-alone"]["wide"].items()}
    days_abbr = {str(v).casefold(): k for k, v in loc.days["format"]["abbreviated"].items()}
    periods = loc.day_periods["format"]["abbreviated"]
    ampm = {str(periods["am"]).casefold(): "am", str(periods["pm"]).casefold(): "pm"}
    ampm |= {"am": "am", "pm": "pm"}  # Moodle falls back to the English markers on some systems
    lookups = {"month_name": months_wide | months_abbr, "weekday": days_wide | days_abbr, "ampm": ampm}
    named = {
        "B": ("month_name", _alternation(months_wide)),
        "b": ("month_name", _alternation(months_abbr)),
        "h": ("month_name", _alternation(months_abbr)),
        "A": ("weekday", _alternation(days_wide)),
        "a": ("weekday", _alternation(days_abbr)),
        "p": ("ampm", _alternation(ampm)),
        "P": ("ampm", _alternation(ampm)),
    }
    out, used, i = [], set(), 0
    while i < len(fmt):
        c = fmt[i]
        if c == "%" and i + 1 < len(fmt):
            d = fmt[i + 1]
            i += 2
            if d == "%":
                out.append("%")
                continue
            if d not in _NUMERIC and d not in named:
                raise ValueError(f"date format {fmt!r}: directive %{d} is not supported")
            group, pattern = _NUMERIC.get(d) or named[d]
            if group in used:  # a second use of the same field must only match
                out.append(f"(?:{pattern})")
            else:
                used.add(group)
                out.append(f"(?P<{group}>{pattern})")
            continue
        if c.isspace():
            while i < len(fmt) and fmt[i].isspace():
                i += 1
            out.append(_SPACES)
            continue
        out.append(re.escape(c))
        i += 1
    return re.compile("^" + "".join(out) + "$", re.IGNORECASE), lookups


# (format, language) -> every text parsed so far and its date (lib.distinct.read_once)
_PARSED: dict[tuple[str, str], pd.Series] = {}


def parse_userdate(values: pd.Series, fmt: str, language: str) -> pd.Series:
    """Parse text written by Moodle's ``userdate(fmt)`` in ``language`` (a language-pack
    code: en, es, fr, ar). Blank or not matching -> NaT. Returns ``datetime64[us]``.
    Each distinct text is parsed once per process (exports repeat dates, and the same
    column is read by several checks): :data:`_PARSED` keeps the results."""
    dates = read_once(values, _PARSED, (fmt, language), lambda text: _parse_unique(text, fmt, language))
    if dates is None:  # nothing but blanks
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    return pd.Series(dates, index=values.index).astype("datetime64[us]")


def _parse_unique(values: pd.Series, fmt: str, language: str) -> pd.Series:
    """The dates of ``values`` (any text, parsed one by one): the pattern's fields are
    read in Python, the calendar arithmetic is pandas' (``to_datetime`` of the fields)."""
    pattern, lookups = _compiled(fmt, language)
    text = values.astype("string").str.strip()
    text = text.str.translate(_DIGITS).to_numpy(dtype=object, na_value=None)
    names = list(pattern.groupindex)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    if not len(text) or not names:
        return out
    fields: dict[str, list] = {name: [] for name in names}
    ok = np.zeros(len(text), dtype=bool)  # matched, every field present
    for i, value in enumerate(text):
        m = pattern.search(value) if isinstance(value, str) else None
        found = m.groupdict() if m else {}
        ok[i] = m is not None and all(found.get(name) is not None for name in names)
        for name in names:
            fields[name].append(found.get(name))
    nan = np.full(len(text), np.nan)

    def num(name):  # pandas' reading of digits (only ASCII digits are numbers)
        if name not in fields:
            return nan
        return pd.to_numeric(pd.Series(fields[name], dtype="string"), errors="coerce").astype("float64").to_numpy()

    def named(name, what):  # a name (month, weekday, AM/PM) through its CLDR lookup
        table = lookups[what]
        return [table.get(v.casefold()) if isinstance(v, str) else None for v in fields.get(name, [None] * len(text))]

    year = num("year")
    if "year2" in fields:
        year = np.where(np.isnan(year), 2000 + num("year2"), year)
    month = num("month")
    if "month_name" in fields:
        month = np.where(np.isnan(month), np.array(named("month_name", "month_name"), dtype="float64"), month)
    hour = num("hour")
    if "hour12" in fields:
        h12 = num("hour12")
        pm = np.array([v == "pm" for v in named("ampm", "ampm")], dtype="float64")
        hour = np.where(np.isnan(hour), np.where(h12 != 12, h12, 0) + 12 * pm, hour)
        hour = np.where(np.isnan(h12) | ((h12 >= 1) & (h12 <= 12)), hour, np.nan)
    zero = np.zeros(len(text))
    frame = {
        "year": year,
        "month": month,
        "day": num("day"),
        "hour": np.nan_to_num(hour, nan=0.0) if "hour" in fields or "hour12" in fields else zero,
        "minute": np.nan_to_num(num("minute"), nan=0.0) if "minute" in fields else zero,
        "second": np.nan_to_num(num("second"), nan=0.0) if "second" in fields else zero,
    }
    valid = ok & np.all([~np.isnan(v) for v in frame.values()], axis=0)
    if valid.any():
        parts = pd.DataFrame({k: v[valid].astype("int64") for k, v in frame.items()})
        dates = pd.to_datetime(parts, errors="coerce").astype("datetime64[us]").to_numpy()
        stamps = out.to_numpy(copy=True)
        stamps[valid] = dates
        out = pd.Series(stamps, index=values.index, dtype="datetime64[us]")
    if "weekday" in fields:  # the written weekday must be the date's
        weekday = np.array(named("weekday", "weekday"), dtype="float64")
        out = out.where(weekday == out.dt.day_of_week.to_numpy(dtype="float64", na_value=np.nan))
    return out


def is_userdate(values: pd.Series, fmt: str, language: str) -> pd.Series:
    """True where the value is a date in the format (blank is False)."""
    return parse_userdate(values, fmt, language).notna()
