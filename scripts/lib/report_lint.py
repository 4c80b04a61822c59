"""The no-typed-figures lint: a digit in the report's prose must come from a variable.

The .qmd may contain digits only inside shortcodes (``{{< var ... >}}``,
``{{< include ... >}}``), inside link and image targets (``](figures/figure1_...png)``),
and in the short explicit allow-list below (figure and box names, the years that name
the editions). Anything else is a figure typed by hand, which a rerun on new exports
would leave stale, and is reported with its line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ALLOWED_LITERALS = ("Figure 1", "Figure 2", "Box 1", "Box 2", "module 3", "2020", "2021")

_SHORTCODE = re.compile(r"\{\{<.*?>\}\}", re.DOTALL)
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_ALLOWED = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(a) for a in ALLOWED_LITERALS) + r")(?![\w])")
_DIGIT = re.compile(r"\d+")


@dataclass(frozen=True)
class TypedDigit:
    line: int  # 1-based
    column: int  # 1-based
    text: str  # the digits found
    context: str  # the source line

    def __str__(self) -> str:
        return (f"line {self.line}, column {self.column}: '{self.text}' is typed by hand in "
                f"\"{self.context.strip()}\"; use {{{{< var ... >}}}} instead")


def _blank(match: re.Match) -> str:
    """Replace a match by spaces (newlines kept) so line and column numbers stay right."""
    return re.sub(r"[^\n]", " ", match.group(0))


def typed_digits(text: str) -> list[TypedDigit]:
    """Every run of digits in `text` outside shortcodes, link targets and allowed literals."""
    masked = _SHORTCODE.sub(_blank, text)
    masked = _LINK_TARGET.sub(_blank, masked)
    masked = _ALLOWED.sub(_blank, masked)
    lines = text.split("\n")
    found = []
    for number, line in enumerate(masked.split("\n"), 1):
        for m in _DIGIT.finditer(line):
            found.append(TypedDigit(number, m.start() + 1, m.group(0), lines[number - 1]))
    return found
