"""Safe Markdown for the report: escaping untrusted text and building generated blocks.

Free text (survey quotes, interview notes, labels read from files) reaches the report only
through `escape_markdown`, which backslash-escapes every ASCII punctuation character. Pandoc
(and Quarto, which is Pandoc) then reads it as literal characters: `<script>` cannot become
raw HTML, `#` cannot start a heading or Typst code, `@` cannot become a reference, `{{<`
cannot become a shortcode, `|` cannot break a table. The HTML writer escapes `<` and `&`
and the Typst writer escapes its own markup, so the text shows as typed in both outputs.
"""

from __future__ import annotations

import re
import string
import unicodedata

_PUNCTUATION = set(string.punctuation)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: object) -> str:
    """Text as one line: NFC, control characters dropped, white space runs collapsed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub("", text)
    return " ".join(text.split())


def escape_markdown(value: object) -> str:
    """Escape text so that Pandoc Markdown reads every character literally."""
    text = clean_text(value)
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in text)


def pipe_table(headers: list[str], rows: list[list[str]], align: str | None = None,
               widths: list[int] | None = None) -> str:
    """A Pandoc pipe table. Cells must already be Markdown (escape untrusted text first).

    `align` has one letter per column: l (left) or r (right); default all left.
    `widths` (per cents) fixes relative column widths: Pandoc reads them from the
    lengths of the separator dashes when a row is wider than its line width.
    """
    align = align or "l" * len(headers)
    if len(align) != len(headers) or any(len(row) != len(headers) for row in rows):
        raise ValueError("pipe_table: every row needs one cell per header")
    if widths is not None and len(widths) != len(headers):
        raise ValueError("pipe_table: one width per column")
    dashes = [max(3, w) * "-" for w in widths] if widths else ["---"] * len(headers)
    rule = [":" + d if a == "l" else d + ":" for a, d in zip(align, dashes, strict=True)]
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join(rule) + "|",
    ]
    lines += ["| " + " | ".join(cell.replace("\n", " ") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def bullet_list(items: list[str]) -> str:
    """A Markdown bullet list of already-safe items ("" when there are none)."""
    return "".join(f"- {item}\n" for item in items)


def blockquote(paragraphs: list[str]) -> str:
    """A Markdown block quote of already-safe paragraphs."""
    return "\n>\n".join(f"> {p}" for p in paragraphs) + "\n"
