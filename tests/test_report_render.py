"""Render tests of the Pandoc path on the hand-made fixture (tests/test_report_fixture.py)."""

import html as htmllib
import re
from pathlib import Path

import pytest
from conftest import results_dir
from test_report_fixture import GENERATED, PROJECT, build_inputs, metrics_frame, render

from lib.report_render import RenderError, prepare_build, render_pandoc

ROOT = Path(__file__).resolve().parent.parent


def visible_text(page: str) -> str:
    body = page.split("<body>", 1)[1]
    text = re.sub(r"<[^>]+>", " ", body)
    return " ".join(htmllib.unescape(text).split())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    return render(tmp_path_factory.mktemp("report"))


# Every figure the published story prints, as our text words it (fixture and real data).
PUBLISHED_PHRASES = [
    "1,681 participants enrolled, from 124 countries", "Ecuador, Mexico and India",
    "915 participants were women (57 per cent)", "617 men (38 per cent)", "82 people who gave another gender (5 per cent)",
    "1,614 participants whose gender is recorded", "67 participants left the field blank",
    "went to 28 per cent", "to 29 per cent", "97 per cent on average",
    "35 per cent had taken one taught in Spanish", "(44 per cent)", "(32 per cent)",
    "migrants and refugees who are or want to become entrepreneurs (7 per cent)",
    "young professionals (40 per cent)", "students (7 per cent)", "the corporate sector was the smallest group at 2 per cent",
    "Eighty per cent of respondents said they had applied", "81 per cent rated it important",
    "attributed to it 68 per cent on average",
]


def test_html_shows_every_published_figure(rendered):
    text = visible_text(rendered[0])
    expected = PUBLISHED_PHRASES
    missing = [e for e in expected if e not in text]
    assert missing == []


def test_group_rates_above_overall_are_the_published_groups(rendered):
    text = visible_text(rendered[0])
    m = re.search(r"Respondents above the overall rate were (.*?), and the lowest", text)
    assert m is not None
    assert "professionals working on entrepreneurship or on migrant and refugee issues (90 per cent)" in m.group(1)
    assert "(88 per cent)" in m.group(1)
    assert "people interested" not in m.group(1)


def test_box1_table_and_topics_order(rendered):
    text = visible_text(rendered[0])
    assert "2020-ES1 Spanish 461 129 28 134 29" in text
    assert "Total 1,681 471 28 487 29" in text
    topics = text.split("had used, from most to least often:", 1)[1]
    order = [topics.find(k) for k in ("barriers", "strategies", "legal", "contributions", "access to finance")]
    assert order == sorted(order) and -1 not in order


def test_figures_embedded_with_alt_text_and_numbered(rendered):
    page = rendered[0]
    images = re.findall(r"<img [^>]*>", page)
    assert len(images) == 4
    for img in images:
        assert 'src="data:image/png;base64,' in img
        alt = re.search(r'alt="([^"]*)"', img)
        assert alt and len(alt.group(1)) > 20
    assert "http://" not in re.sub(r"http://www\.w3\.org/1999/xhtml|http://evil\.example", "", page)
    assert re.search(r'<a href="#fig-map">Figure 1</a>', page)
    assert "Figure 4: Course topics" in visible_text(page)
    assert "{{&lt; var" not in page.split("Box 2", 1)[0]  # every shortcode before the quotes resolved


def test_pdf_has_no_date_and_renders_twice_identically(rendered, tmp_path):
    html2, pdf2, _ = render(tmp_path)
    assert rendered[1].startswith(b"%PDF-")
    assert b"CreationDate" not in rendered[1] and b"ModDate" not in rendered[1]
    assert html2 == rendered[0]
    assert pdf2 == rendered[1]


def test_changed_metric_changes_rendered_text(rendered, tmp_path):
    metrics = metrics_frame()
    metrics.loc[metrics["metric_id"] == "participants_total", ["value", "numerator"]] = 1702
    rate = metrics["metric_id"] == "application_rate"
    metrics.loc[rate, ["value", "numerator"]] = [0.625, 150]
    html2, pdf2, _ = render(tmp_path, metrics=metrics)
    text = visible_text(html2)
    assert "1,702 participants enrolled" in text and "1,681 participants enrolled" not in text
    assert "Sixty-three per cent of respondents said they had applied" in text
    assert pdf2 != rendered[1]


def test_scope_2021_leaves_out_survey_sections_with_a_reason(tmp_path):
    page, pdf, build = render(tmp_path, scope="2021")
    text = visible_text(page)
    assert "No follow-up survey was carried out for the seven editions of 2021." in text
    for absent in ("Box 2:", "Case studies", "Challenges and recommendations", "Who answered", "Figure 2:"):
        assert absent not in text
    assert len(re.findall(r"<img ", page)) == 1
    assert "Box 1" in text and pdf.startswith(b"%PDF-")
    annex, _, _ = render(tmp_path / "annex", document="technical_annex.qmd", scope="2021")
    assert "not computed for the editions covered" in visible_text(annex)


def test_unknown_variable_stops_the_render_with_its_name(tmp_path):
    paths = build_inputs(tmp_path / "inputs")
    build = prepare_build(tmp_path / "build", PROJECT, paths["variables"], [paths[n] for n in GENERATED],
                          paths["figures"])
    qmd = build / "impact_story.qmd"
    qmd.write_text(qmd.read_text(encoding="utf-8") + "\nSee {{< var m.no_such_metric.value >}}.\n",
                   encoding="utf-8")
    with pytest.raises(RenderError, match="m.no_such_metric.value"):
        render_pandoc(build, open(tmp_path / "log.txt", "w"))


def test_missing_metric_row_is_reported_by_name(tmp_path):
    metrics = metrics_frame()
    metrics = metrics[~((metrics["metric_id"] == "participants_by_edition") & (metrics["level"] == "2020-ES1"))]
    with pytest.raises(KeyError, match="participants_by_edition:2020-ES1"):
        build_inputs(tmp_path, metrics=metrics)


@pytest.mark.e2e
def test_real_report_from_the_default_data(workflow_run):
    """The report the workflow renders from the default raw data (not a fixture) prints every
    published figure and embeds Figure 1, Figure 2 and the topics chart with alt text."""
    page = (results_dir(workflow_run) / "report" / "impact_story.html").read_text(encoding="utf-8")
    text = visible_text(page)
    assert [e for e in PUBLISHED_PHRASES if e not in text] == []
    images = re.findall(r"<img[^>]*>", page)
    embedded = [i for i in images if 'src="data:image/png;base64,' in i]
    assert len(embedded) >= 4 and all('alt="' in i for i in embedded)
    for alt in ("World map", "sector", "topic"):
        assert any(alt.lower() in i.lower() for i in embedded), alt
    assert (results_dir(workflow_run) / "report" / "impact_story.pdf").read_bytes().startswith(b"%PDF-")


def test_typst_tagging_bug_falls_back_to_inline_figures(tmp_path, monkeypatch):
    """Typst 0.15's PDF tagging fails on some layouts with floating figures (a 200-edition
    benchmark report): the renderer lays the figures out inline and compiles again; any
    other Typst error stops with its message."""
    import io

    import typst

    from lib import report_render

    (tmp_path / "doc.typ").write_text(f"{report_render.FLOATING_FIGURES}\nHello\n", encoding="utf-8")
    sources = []

    def compile_once_failing(path, output, root):
        sources.append(Path(path).read_text(encoding="utf-8"))
        if len(sources) == 1:
            raise typst.TypstError(f"internal error: {report_render.TYPST_TAG_BUG} (occurred at build.rs)")
        Path(output).write_bytes(b"%PDF")

    monkeypatch.setattr(report_render, "_run", lambda cmd, cwd, log: None)
    monkeypatch.setattr(typst, "compile", compile_once_failing)
    log = io.StringIO()
    _, pdf = render_pandoc(tmp_path, log, "doc.qmd")
    assert pdf.read_bytes() == b"%PDF" and len(sources) == 2
    assert report_render.FLOATING_FIGURES in sources[0] and report_render.FLOATING_FIGURES not in sources[1]
    assert "figures placed inline" in log.getvalue()

    def always_failing(path, output, root):
        raise typst.TypstError("unknown variable: x")

    monkeypatch.setattr(typst, "compile", always_failing)
    with pytest.raises(RenderError, match="unknown variable"):
        render_pandoc(tmp_path, log, "doc.qmd")
