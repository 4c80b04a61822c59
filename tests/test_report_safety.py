"""Free text from surveys and interviews shows as text in both report outputs."""

import html as htmllib
import json
import subprocess

import pypandoc
import pytest
from test_report_fixture import INJECTION, quotes_frame, render

from lib.report_markdown import escape_markdown

NASTY = [
    '<script>alert("x")</script>',
    "<b>bold</b> &amp; <!-- comment -->",
    "# heading? 1. list? - item? > quote?",
    "*stars* _under_ `tick` ~sub~ ^sup^ [link](http://x) ![img](y.png)",
    "@fig-map @citation $math$ \\(x\\) \\\\ back\\slash",
    "{{< var m.participants_total.value >}} {{< include /etc/passwd >}}",
    "| a | b |\n|---|---|",
    "#set page(fill: red) #import \"x.typ\" <label> = cmd",
    "Don't \"quote\" me -- please... 50%",
    "line one\nline two\r\n\ttabbed",
]


def pandoc_text(markdown: str) -> str:
    """What Pandoc (the reader Quarto uses) makes of `markdown`, as plain text."""
    doc = json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))

    def walk(node):
        if isinstance(node, dict):
            kind = node.get("t")
            if kind == "Str":
                return node["c"]
            if kind in ("Space", "SoftBreak"):
                return " "
            if kind in ("Code", "RawInline", "Math", "Link", "Image", "Cite", "Emph", "Strong", "Header"):
                raise AssertionError(f"escaped text was parsed as {kind}: {markdown!r}")
            return walk(node.get("c", []))
        if isinstance(node, list):
            return "".join(walk(x) for x in node)
        return ""

    return walk(doc["blocks"])


@pytest.mark.parametrize("text", NASTY)
def test_escaped_text_reads_back_literally(text):
    blocks = json.loads(pypandoc.convert_text(escape_markdown(text), "json", format="markdown"))["blocks"]
    assert [b["t"] for b in blocks] == ["Para"]
    assert pandoc_text(escape_markdown(text)) == " ".join(text.split())


def test_escaped_text_stays_text_in_html_and_typst():
    text = escape_markdown(INJECTION)
    html = pypandoc.convert_text(text, "html", format="markdown")
    assert "<script" not in html and "<b>" not in html and "<a " not in html and "<code>" not in html
    assert " ".join(htmllib.unescape(html).split()) == f"<p>{' '.join(INJECTION.split())}</p>"
    typ = pypandoc.convert_text(text, "typst", format="markdown")
    assert "\\#set page" in typ and "\\@fig-map" in typ and "\\$x\\$" in typ


@pytest.fixture(scope="module")
def injected(tmp_path_factory):
    return render(tmp_path_factory.mktemp("injection"), quotes=quotes_frame(INJECTION))


def test_injected_quote_is_shown_as_text_in_the_html_report(injected):
    page = injected[0]
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert 'href="http://evil.example"' not in page
    # the shortcode a respondent typed is printed, not resolved
    assert "{{&lt; var m.participants_total.value &gt;}}" in page


def test_injected_quote_does_not_break_the_pdf(injected):
    page, pdf, build = injected
    assert pdf.startswith(b"%PDF-")
    typ = (build / "impact_story.typ").read_text(encoding="utf-8")
    assert "\\<script\\>alert" in typ and "\\#set page(fill: red)" in typ
    text = subprocess.run(["pdftotext", str(build / "impact_story.pdf"), "-"], capture_output=True, text=True,
                          check=False).stdout if (build / "impact_story.pdf").exists() else ""
    if text:  # poppler-utils installed: the quote is printed as typed
        assert '<script>alert("x")</script>' in text.replace("\u201c", '"').replace("\u201d", '"')
