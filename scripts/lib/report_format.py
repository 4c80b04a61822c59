"""Numbers and lists formatted the way the published Impact Story prints them.

Every figure the report shows passes through here: counts get a thousands separator
("1,681"), shares become whole per cents ("57", the prose adds "per cent"), rounding is
half-up (0.285 -> "29", never banker's rounding). Missing values raise: the report never
prints an empty or "nan" figure.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

# A share within this distance of a .5 boundary is treated as exactly on it, so that a
# ratio such as 57/200 = 0.285 (stored as 0.28499999...) rounds up as on paper.
_EPSILON = Decimal("1e-9")


class MissingValue(ValueError):
    """A figure the report needs is missing (NaN or empty) in the metrics."""


def _as_decimal(value: object, what: str) -> Decimal:
    if value is None or value == "":
        raise MissingValue(f"{what}: no value")
    number = float(value)
    if math.isnan(number):
        raise MissingValue(f"{what}: value is missing (NaN)")
    return Decimal(repr(number))


def round_half_up(value: object, what: str = "value") -> int:
    """Round to the nearest integer, halves away from zero (as on paper)."""
    number = _as_decimal(value, what)
    nudged = number + _EPSILON if number >= 0 else number - _EPSILON
    return int(nudged.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def fmt_count(value: object, what: str = "count") -> str:
    """An integer with a thousands separator: 1681 -> "1,681"."""
    return f"{round_half_up(value, what):,}"


def fmt_percent(share: object, what: str = "share") -> str:
    """A fraction 0-1 as whole per cent: 0.5669 -> "57"."""
    return str(round_half_up(_as_decimal(share, what) * 100, what))


def fmt_mean_percent(value: object, what: str = "mean") -> str:
    """A mean of 0-100 answers as whole per cent: 68.2 -> "68"."""
    return str(round_half_up(value, what))


def fmt_value(value: object, unit: str, what: str = "value") -> str:
    """Format a metric value by its registry unit (count, share, mean_percent, rank)."""
    if unit == "share":
        return fmt_percent(value, what)
    if unit == "mean_percent":
        return fmt_mean_percent(value, what)
    if unit in ("count", "rank"):
        return fmt_count(value, what)
    raise ValueError(f"{what}: unknown unit {unit!r} (expected count, share, mean_percent, rank)")


def is_missing(value: object) -> bool:
    """True for None, empty text and NaN."""
    if value is None or value == "":
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def fmt_interval(low: object, high: object, unit: str) -> str:
    """A 95% interval as "52–61" in the metric's unit, or "" when there is none."""
    if is_missing(low) or is_missing(high):
        return ""
    return f"{fmt_value(low, unit, 'interval')}–{fmt_value(high, unit, 'interval')}"


def join_words(items: list[str], conjunction: str = "and") -> str:
    """English list: [a] -> "a", [a, b] -> "a and b", [a, b, c] -> "a, b and c"."""
    items = [str(item) for item in items]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


_SMALL_NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve".split()
)


def number_words(value: int) -> str:
    """Small counts in words as prose prints them ("three"); digits from 13 up."""
    value = int(value)
    if 0 <= value < len(_SMALL_NUMBERS):
        return _SMALL_NUMBERS[value]
    return fmt_count(value)


_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_TEENS = "thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_SCALES = ((10**9, "billion"), (10**6, "million"), (10**3, "thousand"))


def _below_hundred(n: int) -> str:
    if n < len(_SMALL_NUMBERS):
        return _SMALL_NUMBERS[n]
    if n < 20:
        return _TEENS[n - 13]
    tens, units = divmod(n, 10)
    return _TENS[tens - 2] + (f"-{_SMALL_NUMBERS[units]}" if units else "")


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    if not hundreds:
        return _below_hundred(rest)
    return f"{_SMALL_NUMBERS[hundreds]} hundred" + (f" and {_below_hundred(rest)}" if rest else "")


def spelled_number(value: object, what: str = "number") -> str:
    """A whole number fully in words, British usage as in UN texts: 915 -> "nine hundred and
    fifteen", 1681 -> "one thousand six hundred and eighty-one", 1005 -> "one thousand and five"."""
    n = round_half_up(value, what)
    if n < 0:
        return "minus " + spelled_number(-n, what)
    if n >= 10**12:
        raise ValueError(f"{what}: {n} is too large to spell out; rephrase the sentence")
    parts = []
    for scale, name in _SCALES:
        count, n = divmod(n, scale)
        if count:
            parts.append(f"{_below_thousand(count)} {name}")
    if n or not parts:
        parts.append(("and " if parts and n < 100 else "") + _below_thousand(n))
    return " ".join(parts)


def sentence_number(value: object, what: str = "number") -> str:
    """A number as the first word of a sentence: spelled out, capital first ("Eighty").
    UN style never opens a sentence with a numeral."""
    text = spelled_number(value, what)
    return text[:1].upper() + text[1:]


def sentence_start(text: str) -> str:
    """A generated phrase as the start of a sentence: a leading figure ("80", "1,681")
    is spelled out ("Eighty"), otherwise the first letter is capitalized."""
    head, _, rest = text.partition(" ")
    if head.replace(",", "").isdigit():
        return sentence_number(int(head.replace(",", ""))) + (f" {rest}" if rest else "")
    return text[:1].upper() + text[1:]
