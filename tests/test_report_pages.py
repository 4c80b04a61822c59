"""Page checks of the rendered Impact Story: no page left largely empty, no figure without
alt text (PDF and HTML), non-English quotes marked with their language.

The PDF pages are rendered to images with `pypdfium2` (from the lock). The rule for an
empty page (`page_problems`):

* Only the text area counts: the page minus the margins of `#set page(margin: ...)` in
  workflow/report/templates/report.typst, so the running header and the page number are
  not content.
* A pixel row of the text area is *ink* when any of its pixels is darker than
  `INK_LEVEL` (out of 255): text, rules, figures and shaded boxes all count.
* A page's *empty band* is its tallest run of rows without ink, between the top of the
  text area, ink and the bottom of the text area: a gap at the bottom (a page that ends
  early because a figure did not fit) or in the middle (a float that left a hole).
* A page fails when its empty band is more than a third of the text area's height,
  except: the last page of the document, and a page that ends at a deliberate page break
  (`#pagebreak()` in the Typst source the renderer writes: the end of the story before
  "How these figures were produced", or a cover page), which may be short.

Where the deliberate breaks fall is asked of Typst itself: a copy of the Typst source
with a `metadata(here().page())` marker before each `#pagebreak()` is queried for the
markers' page numbers (same layout: the marker takes no space; the test checks the page
count is the same).

Alt text: every figure in the PDF's structure tree (what Typst writes from
`image(alt: ...)`) has a non-empty /Alt, every `image(` of the Typst source has `alt:`,
and every <img> of the HTML a non-empty alt.
"""

from __future__ import annotations

import ctypes
import re
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import typst
from conftest import results_dir
from test_report_fixture import render

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "workflow" / "report" / "templates" / "report.typst"
DPI = 50
INK_LEVEL = 245
MAX_EMPTY = 1 / 3
BREAK_LABEL = "deliberate-page-break"
CM = 72 / 2.54  # PDF points per centimetre


# ----------------------------------------------------------------------------- helpers


def template_margins(template: str) -> tuple[float, float]:
    """(top, bottom) margins in points from the template's `#set page(margin: ...)`;
    Typst's default (2.5 cm on A4) for a side the template does not set."""
    block = re.search(r"margin:\s*\(([^)]*)\)", template)
    sides = dict(re.findall(r"(x|y|top|bottom)\s*:\s*([\d.]+)cm", block.group(1))) if block else {}
    top = sides.get("top", sides.get("y", "2.5"))
    bottom = sides.get("bottom", sides.get("y", "2.5"))
    return float(top) * CM, float(bottom) * CM


def ink_rows(pdf_path: Path, margins: tuple[float, float]) -> list[np.ndarray]:
    """Per page: one boolean per pixel row of the text area, True where there is ink."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    pages = []
    try:
        for page in pdf:
            width, height = page.get_size()
            image = page.render(scale=DPI / 72, grayscale=True).to_numpy()
            grey = image.reshape(image.shape[0], image.shape[1], -1)[:, :, 0]
            top = round(margins[0] * DPI / 72)
            bottom = grey.shape[0] - round(margins[1] * DPI / 72)
            pages.append((grey[top:bottom] < INK_LEVEL).any(axis=1))
            page.close()
    finally:
        pdf.close()
    return pages


def empty_band(rows: np.ndarray) -> float:
    """The tallest run of rows without ink, as a fraction of the text area's height."""
    longest = run = 0
    for ink in rows:
        run = 0 if ink else run + 1
        longest = max(longest, run)
    return longest / len(rows)


def page_problems(pages: list[np.ndarray], deliberate_breaks: set[int]) -> list[str]:
    """Pages (1-based) whose empty band is more than a third of the text area, except the
    last page and pages that end at a deliberate page break (module docstring)."""
    problems = []
    for number, rows in enumerate(pages, 1):
        if number == len(pages) or number in deliberate_breaks:
            continue
        band = empty_band(rows)
        if band > MAX_EMPTY:
            problems.append(f"page {number}: {band:.0%} of the text area is empty")
    return problems


def deliberate_breaks(typ: Path) -> tuple[set[int], int]:
    """Pages that end at a `#pagebreak()` of the Typst source, and the page count of the
    marked copy (to compare with the published PDF)."""
    source = typ.read_text(encoding="utf-8")
    marked = re.sub(r"#pagebreak\(", f"#context [#metadata(here().page()) <{BREAK_LABEL}>]#pagebreak(", source)
    copy = typ.with_name(typ.stem + ".breaks.typ")
    copy.write_text(marked, encoding="utf-8")
    try:
        found = typst.query(str(copy), f"<{BREAK_LABEL}>", field="value", root=str(typ.parent))
        pdf = typst.compile(str(copy), root=str(typ.parent))
    finally:
        copy.unlink()
    import json

    pages = set(json.loads(found)) if found else set()
    return pages, len(pdfium.PdfDocument(pdf))


def _utf16(fn, element) -> str:
    size = fn(element, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    fn(element, buffer, size)
    return buffer.raw[:size].decode("utf-16-le").rstrip("\x00")


def structure(pdf_path: Path) -> list[tuple[int, str, str, str]]:
    """(page, type, alt text, language) of every element of the PDF's structure tree."""
    out = []

    def walk(element, page):
        out.append((page, _utf16(pdfium_c.FPDF_StructElement_GetType, element),
                    _utf16(pdfium_c.FPDF_StructElement_GetAltText, element),
                    _utf16(pdfium_c.FPDF_StructElement_GetLang, element)))
        for i in range(pdfium_c.FPDF_StructElement_CountChildren(element)):
            child = pdfium_c.FPDF_StructElement_GetChildAtIndex(element, i)
            if child:
                walk(child, page)

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        for number, page in enumerate(pdf, 1):
            tree = pdfium_c.FPDF_StructTree_GetForPage(page.raw)
            for i in range(pdfium_c.FPDF_StructTree_CountChildren(tree)):
                walk(pdfium_c.FPDF_StructTree_GetChildAtIndex(tree, i), number)
            pdfium_c.FPDF_StructTree_Close(tree)
            page.close()
    finally:
        pdf.close()
    return out


def pdf_figures(pdf_path: Path) -> list[tuple[int, str]]:
    """(page, alt text) of every Figure of the structure tree."""
    return [(page, alt) for page, kind, alt, _ in structure(pdf_path) if kind == "Figure"]


def html_images(page: str) -> list[str]:
    return re.findall(r"<img\b[^>]*>", page)


def alt_of(img: str) -> str:
    match = re.search(r'\balt="([^"]*)"', img)
    return match.group(1).strip() if match else ""


def typst_images_without_alt(source: str) -> list[str]:
    return [m.group(0)[:80] for m in re.finditer(r"image\(\"[^\"]*\"[^)]*\)", source) if "alt:" not in m.group(0)]


def compile_typst(tmp: Path, body: str) -> Path:
    """A hand-made A4 document with the template's margins, compiled to PDF."""
    top, bottom = template_margins(TEMPLATE.read_text(encoding="utf-8"))
    typ = tmp / "doc.typ"
    typ.write_text(f'#set page(paper: "a4", margin: (x: 2cm, top: {top}pt, bottom: {bottom}pt), '
                   f'footer: align(center)[#context counter(page).display()])\n#set text(size: 11pt)\n{body}',
                   encoding="utf-8")
    pdf = tmp / "doc.pdf"
    typst.compile(str(typ), output=str(pdf), root=str(tmp))
    return typ


def lines(n: int) -> str:
    return "\n\n".join(f"Line {i} of filler text that fills the width of the page." for i in range(n))


MARGINS = template_margins(TEMPLATE.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- the rule itself


def test_margins_are_read_from_the_template():
    assert template_margins("#set page(margin: (x: 2.3cm, top: 2.6cm, bottom: 2.4cm))") == pytest.approx(
        (2.6 * CM, 2.4 * CM))
    assert template_margins("#set page(margin: (x: 2cm, y: 3cm))") == pytest.approx((3 * CM, 3 * CM))
    assert template_margins("#set page()") == pytest.approx((2.5 * CM, 2.5 * CM))


def test_empty_band_measures_the_tallest_gap():
    rows = np.array([True] * 2 + [False] * 5 + [True] + [False] * 2)
    assert empty_band(rows) == pytest.approx(0.5)
    assert empty_band(np.array([True] * 4)) == 0


def test_rule_flags_a_page_left_half_empty_but_not_the_last_or_a_deliberate_break(tmp_path):
    # page 1: a few lines, then a block too tall for the rest of the page (pushed to page 2)
    # page 2: the block; page 3: full text ending at a deliberate break; page 4: short, last
    body = (lines(8) + "\n\n#block(height: 20cm, width: 100%, breakable: false, fill: luma(120))\n\n" + lines(40)
            + "\n\n#pagebreak()\n\n" + lines(3))
    typ = compile_typst(tmp_path, body)
    pages = ink_rows(typ.with_suffix(".pdf"), MARGINS)
    breaks, count = deliberate_breaks(typ)
    assert count == len(pages) >= 4
    assert len(breaks) == 1  # the page before the last one ends at the break
    problems = page_problems(pages, breaks)
    assert problems and problems[0].startswith("page 1:"), problems
    assert all(not p.startswith(f"page {len(pages)}:") for p in problems)
    assert all(not p.startswith(f"page {b}:") for b in breaks for p in problems)


def test_deliberate_breaks_are_found_on_their_pages(tmp_path):
    typ = compile_typst(tmp_path, lines(3) + "\n\n#pagebreak()\n\n" + lines(3) + "\n\n#pagebreak()\n\n" + lines(2))
    breaks, count = deliberate_breaks(typ)
    assert breaks == {1, 2} and count == 3
    pages = ink_rows(typ.with_suffix(".pdf"), MARGINS)
    assert page_problems(pages, breaks) == []
    assert [p.split(":")[0] for p in page_problems(pages, set())] == ["page 1", "page 2"]


def test_full_pages_pass(tmp_path):
    typ = compile_typst(tmp_path, lines(120))
    pages = ink_rows(typ.with_suffix(".pdf"), MARGINS)
    assert len(pages) >= 2 and page_problems(pages, set()) == []


def test_figure_without_alt_text_is_seen_in_the_pdf(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.bar([0, 1], [1, 2])
    fig.savefig(tmp_path / "f.png", dpi=50)
    plt.close(fig)
    typ = compile_typst(tmp_path, '#figure(image("f.png", alt: "Two bars; the second is twice the first."), '
                                  'caption: [A])\n\n#figure(image("f.png"), caption: [B])')
    figures = pdf_figures(typ.with_suffix(".pdf"))
    assert [alt for _, alt in figures] == ["Two bars; the second is twice the first.", ""]
    assert typst_images_without_alt(typ.read_text()) == ['image("f.png")']


# ----------------------------------------------------------------------------- the fixture report


@pytest.fixture(scope="module")
def fixture_report(tmp_path_factory):
    return render(tmp_path_factory.mktemp("pages"))


def test_fixture_report_figures_have_alt_text_in_html_and_pdf(fixture_report):
    page, pdf, build = fixture_report
    images = html_images(page)
    assert len(images) == 4 and all(len(alt_of(i)) > 40 for i in images)
    assert "Ecuador (230), Mexico (181) and India (120) had the most participants" in alt_of(images[0])
    assert typst_images_without_alt((build / "impact_story.typ").read_text(encoding="utf-8")) == []
    figures = pdf_figures(build / "impact_story.pdf")
    assert len(figures) == 4 and all(alt.strip() for _, alt in figures), figures
    assert "124 countries" in figures[0][1]


def test_fixture_report_marks_spanish_quotes(fixture_report):
    page, _, build = fixture_report
    box2 = page.split("Box 2", 1)[1]
    assert re.search(r'<div lang="es">\s*<p>He mejorado', box2)
    assert 'lang="en"' not in box2.split("</blockquote>", 2)[1]  # the English quote keeps the document's language
    langs = {lang for _, _, _, lang in structure(build / "impact_story.pdf") if lang}
    assert "es" in langs


# ----------------------------------------------------------------------------- the real report


@pytest.mark.e2e
@pytest.mark.parametrize("document", ["impact_story", "technical_annex"])
def test_real_pdf_has_no_page_left_largely_empty(workflow_run, document):
    """The PDFs the workflow renders from the default data (rule in the module docstring)."""
    report = results_dir(workflow_run) / "report"
    pdf = report / f"{document}.pdf"
    pages = ink_rows(pdf, MARGINS)
    breaks, count = deliberate_breaks(report / "build" / document / f"{document}.typ")
    assert count == len(pages), "the marked copy of the Typst source lays out differently"
    assert page_problems(pages, breaks) == []


@pytest.mark.e2e
def test_real_report_figures_have_alt_text_in_html_and_pdf(workflow_run):
    report = results_dir(workflow_run) / "report"
    images = html_images((report / "impact_story.html").read_text(encoding="utf-8"))
    assert images and all(alt_of(i) for i in images)
    assert typst_images_without_alt((report / "build" / "impact_story" / "impact_story.typ").read_text(encoding="utf-8")) == []
    figures = pdf_figures(report / "impact_story.pdf")
    assert len(figures) == len(images) and all(alt.strip() for _, alt in figures), figures
