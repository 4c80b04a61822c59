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


# ------------------------------------------------------------------ rendered-text lints
# UN editorial style, checked on the text a reader sees (the rendered HTML), so that
# generated sentences are covered too: no sentence opens with a numeral (spell it out or
# rephrase), and Oxford spelling (-ize: organization, recognize; "per cent").

_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "dt", "dd", "caption", "title"}
_SKIPPED = {"script", "style", "table", "nav", "code", "pre", "svg", "math"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def prose_blocks(html: str, skip_ids: tuple[str, ...] = ()) -> list[str]:
    """The text of every prose block of an HTML page (paragraphs, list items, headings,
    captions, definition lists), one string per block, white space collapsed. Tables, code,
    the table of contents and the elements whose id is in `skip_ids` (with everything
    inside them) are left out."""
    from html.parser import HTMLParser

    class Collector(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.blocks: list[str] = []
            self.stack: list[tuple[str, bool, list[str] | None]] = []  # tag, skipped, buffer

        def _skipping(self) -> bool:
            return any(skipped for _, skipped, _ in self.stack)

        def handle_starttag(self, tag, attrs):
            if tag in _VOID:
                return
            skipped = tag in _SKIPPED or dict(attrs).get("id") in skip_ids
            self.stack.append((tag, skipped, [] if tag in _BLOCKS else None))

        def handle_endtag(self, tag):
            while self.stack:
                open_tag, _, buffer = self.stack.pop()
                if buffer is not None:
                    text = " ".join("".join(buffer).split())
                    if text and not self._skipping():
                        self.blocks.append(text)
                if open_tag == tag:
                    break

        def handle_data(self, data):
            if self._skipping():
                return
            for _, _, buffer in reversed(self.stack):
                if buffer is not None:
                    buffer.append(data)
                    return

    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector.blocks


_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "cf.", "vs.", "No.", "p.", "pp.")
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’)\]]*\s+")


def sentences(block: str) -> list[str]:
    """A block's sentences: split after . ! ? (closing quotes or brackets included) and
    white space, not after common abbreviations (e.g., i.e., No.)."""
    out, start = [], 0
    for m in _SENTENCE_BREAK.finditer(block):
        if block[:m.start() + 1].endswith(_ABBREVIATIONS):
            continue
        out.append(block[start:m.end()].strip())
        start = m.end()
    if block[start:].strip():
        out.append(block[start:].strip())
    return out


def numeral_openings(blocks: list[str]) -> list[str]:
    """Every sentence that opens with a digit (after any opening quote or bracket)."""
    return [s for b in blocks for s in sentences(b) if re.match(r"[\"“‘(\[]*\d", s)]


# Verbs (and their nouns) that Oxford spelling writes with -ize; their -ise forms are errors.
# Words always spelt -ise (advise, comprise, enterprise, exercise, expertise, revise,
# supervise, surprise, ...) and -yse (analyse) are not in the list.
IZE_STEMS = (
    "organi", "recogni", "reali", "speciali", "summari", "prioriti", "moderni", "normali",
    "harmoni", "standardi", "pseudonymi", "anonymi", "utili", "minimi", "maximi", "finali",
    "mobili", "characteri", "categori", "emphasi", "optimi", "visuali", "capitali",
    "generali", "locali", "formali", "digitali", "marginali", "stabili", "criticis",
    "authori", "familiari", "conceptuali", "contextuali", "customi", "legali", "sensiti",
    "publici", "apologi", "memori", "operationali", "internationali", "centrali", "globali",
    "institutionali", "mainstreami", "incentivi", "democrati", "urbani", "industriali",
)
_ISE = re.compile(r"\b(" + "|".join(IZE_STEMS) + r")s(e|es|ed|ing|ation|ations|ational|er|ers)\b", re.IGNORECASE)
_US_FORMS = re.compile(r"\b(percent|program|programs|center|centers|analyze[sd]?|analyzing)\b", re.IGNORECASE)


def spelling_problems(blocks: list[str]) -> list[str]:
    """Words in British -ise spelling where UN (Oxford) style wants -ize ("organisation"),
    and US forms where it wants British ones ("percent", "program", "center", "analyze")."""
    found = []
    for block in blocks:
        found += [m.group(0) for m in _ISE.finditer(block)]
        found += [m.group(0) for m in _US_FORMS.finditer(block)]
    return found
