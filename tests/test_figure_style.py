"""One style for the survey figures (Figure 2, application by group, topics applied),
checked on small hand-made metrics drawn by the same functions the rule scripts call:
no title inside the image (the document gives the caption), drawn at the PDF text width,
no text under the minimum printed size, bars in the report's bar colour, whiskers and the
reference line in ink, the numbers a reader needs (n, the overall rate, what the whiskers
are) still in the image, nothing cut off at the edge, PNG at print resolution and
byte-stable."""

import io

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex
from matplotlib.text import Text
from PIL import Image

from lib.application_figures import GROUP_LABEL_WRAP, INTERVAL_LABEL, draw_application_by_group, draw_topics_applied
from lib.figures import BAR_COLOUR, INK, MIN_FONT_PT, PRINT_DPI, TEXT_WIDTH_IN, save_png_svg, set_theme
from lib.profile_panels import LABEL_WRAP, NO_ANSWERS, draw_profile

COLS = ["metric_id", "level", "value", "numerator", "denominator", "unit", "ci_low", "ci_high", "rank"]
NAN = float("nan")
LONG = "Private company in the corporate sector of the economy"  # 55 characters: must wrap


def frame(rows):
    return pd.DataFrame([dict(zip(COLS, r, strict=True)) for r in rows])


def profile_metrics(sector_answered=True):
    """Career stage 6 / 4 of 10; sector 5 / 3 / 2 of 10 (or asked and answered by nobody)."""
    sector = [
        ("sector_share", "government", 0.5, 5, 10, "share", None, None, None),
        ("sector_share", "corporate", 0.3, 3, 10, "share", None, None, None),
        ("sector_share", "ngo", 0.2, 2, 10, "share", None, None, None),
    ]
    if not sector_answered:
        sector = [(m, lv, NAN, 0, 0, u, a, b, r) for m, lv, _, _, _, u, a, b, r in sector]
    return frame([
        ("career_stage_share", "student", 0.4, 4, 10, "share", None, None, None),
        ("career_stage_share", "young_professional", 0.6, 6, 10, "share", None, None, None),
        *sector,
    ])


PROFILE_LABELS = {("sector", "corporate"): LONG, ("sector", "government"): "Government", ("sector", "ngo"): "NGO",
                  ("career_stage", "student"): "Student", ("career_stage", "young_professional"): "Young professional"}


def profile_label(list_name, code):
    return PROFILE_LABELS[(list_name, code)]


def group_metrics():
    """Overall 16 / 20; professionals 9 / 10, others 7 / 10; a group with no respondents."""
    return frame([
        ("application_rate", "", 0.8, 16, 20, "share", 0.6, 0.9, None),
        ("application_rate_by_relationship", "other", 0.7, 7, 10, "share", 0.4, 0.9, None),
        ("application_rate_by_relationship", "professional", 0.9, 9, 10, "share", 0.6, 0.98, None),
        ("application_rate_by_relationship", "researcher", NAN, 0, 0, "share", NAN, NAN, None),
    ])


def topic_metrics():
    """Of 16 applying respondents, 12 named finance (rank 1) and 4 the legal topic (rank 2)."""
    return frame([
        ("topic_applied_share", "legal", 0.25, 4, 16, "share", 0.1, 0.5, 2),
        ("topic_applied_share", "finance", 0.75, 12, 16, "share", 0.5, 0.9, 1),
    ])


GROUP_LABELS = {"professional": "I work on entrepreneurship and/or migrant and refugee issues", "other": "Other"}
TOPIC_LABELS = {"finance": "Module 3: Improving access to finance", "legal": "Module 5: " + LONG}


@pytest.fixture(autouse=True)
def theme():
    with matplotlib.rc_context():
        set_theme()
        yield
    plt.close("all")


def figures():
    """Every survey figure as the rule scripts draw it, with the number of bars expected."""
    return {
        "profile": (draw_profile(profile_metrics(), profile_label)[0], 5),
        "profile, one item unanswered": (draw_profile(profile_metrics(sector_answered=False), profile_label)[0], 2),
        "application by group": (draw_application_by_group(group_metrics(), GROUP_LABELS.__getitem__), 2),
        "topics applied": (draw_topics_applied(topic_metrics(), TOPIC_LABELS.__getitem__), 2),
    }


def drawn(fig):
    fig.set_dpi(PRINT_DPI)
    fig.canvas.draw()
    return fig


def texts(fig):
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


@pytest.mark.parametrize("name", list(figures()))
def test_figure_follows_the_style(name):
    fig, bars = figures()[name]
    drawn(fig)
    # no title or subtitle inside the image: the document's caption names the figure
    assert fig.get_suptitle() == ""
    for ax in fig.axes:
        assert [ax.get_title(loc=loc) for loc in ("left", "center", "right")] == ["", "", ""]
    # drawn at the text width of the PDF, so it prints at its natural size
    assert fig.get_size_inches()[0] == pytest.approx(TEXT_WIDTH_IN)
    assert 1.0 < fig.get_size_inches()[1] < 6.0
    # every text, empty placeholders included, at least the minimum printed size
    sizes = {t.get_text(): t.get_fontsize() for t in fig.findobj(Text)}
    assert min(sizes.values()) >= MIN_FONT_PT, {k: v for k, v in sizes.items() if v < MIN_FONT_PT}
    # every visible text inside the figure (nothing cut off at an edge)
    box = fig.bbox
    for t in texts(fig):
        ext = t.get_window_extent()
        assert ext.x0 >= box.x0 - 1 and ext.x1 <= box.x1 + 1 and ext.y0 >= box.y0 - 1 and ext.y1 <= box.y1 + 1, t
    # bars in the report's bar colour, and only those
    patches = [p for ax in fig.axes for p in ax.patches]
    assert len(patches) == bars
    assert {to_hex(p.get_facecolor()) for p in patches} == {BAR_COLOUR}
    # whiskers in ink
    for ax in fig.axes:
        for coll in ax.collections:
            if isinstance(coll, LineCollection):
                assert {to_hex(c) for c in coll.get_colors()} == {INK}


def test_profile_keeps_n_and_wraps_long_labels():
    fig, bars = draw_profile(profile_metrics(), profile_label)
    career, sector = fig.axes
    assert bars == {"career_stage_share": 2, "sector_share": 3}
    assert career.get_xlabel() == "Career stage (n = 10)\nShare of respondents (%)"
    assert sector.get_xlabel() == "Sector of work (n = 10)\nShare of respondents (%)"
    labels = [t.get_text() for t in sector.get_yticklabels()]
    assert labels[0] == "Government" and labels[2] == "NGO"
    assert labels[1] == "Private company in the\ncorporate sector of\nthe economy"  # 22 characters a line
    assert all(len(line) <= LABEL_WRAP for label in labels for line in label.split("\n"))
    assert [t.get_text() for t in sector.texts] == ["50%", "30%", "20%"]


def test_profile_says_no_answers_in_the_unanswered_panel():
    fig, bars = draw_profile(profile_metrics(sector_answered=False), profile_label)
    assert bars == {"career_stage_share": 2, "sector_share": 0}
    assert [t.get_text() for t in fig.axes[1].texts] == [NO_ANSWERS]
    assert fig.axes[1].get_xlabel().startswith("Sector of work (n = 0)")


def test_application_by_group_keeps_n_overall_rate_and_interval_meaning():
    fig = draw_application_by_group(group_metrics(), GROUP_LABELS.__getitem__)
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # highest rate first; the group nobody answered for is left out; n after each label
    assert labels == ["I work on entrepreneurship and/or\nmigrant and refugee issues (n\u00a0=\u00a010)",
                      "Other (n\u00a0=\u00a010)"]
    assert all(len(line) <= GROUP_LABEL_WRAP for label in labels for line in label.split("\n"))
    assert [t.get_text() for t in ax.texts] == ["90%", "70%"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["All respondents: 80%", INTERVAL_LABEL]
    (line,) = [line for line in ax.get_lines() if line.get_linestyle() == "--"]  # the others are whisker caps
    assert list(line.get_xdata()) == [80, 80] and to_hex(line.get_color()) == INK
    assert ax.get_xlim() == (0, 110)  # the 98 % whisker's value label stays inside the axes
    assert ax.get_xlabel() == "Respondents who applied knowledge or skills from the course (%)"


def test_topics_applied_keeps_n_and_rank_order():
    fig = draw_topics_applied(topic_metrics(), TOPIC_LABELS.__getitem__)
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Module 3: Improving access to\nfinance", "Module 5: Private company in the\ncorporate sector of the economy"]
    assert [t.get_text() for t in ax.texts] == ["75%", "25%"]
    assert "182" not in ax.get_xlabel() and "of the 16 who applied knowledge" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [INTERVAL_LABEL]
    assert ax.get_xlim() == (0, 100)


def test_png_prints_at_text_width_and_both_files_are_byte_stable(tmp_path):
    runs = []
    for run in ("a", "b"):
        fig = draw_application_by_group(group_metrics(), GROUP_LABELS.__getitem__)
        png, svg = tmp_path / f"{run}.png", tmp_path / f"{run}.svg"
        save_png_svg(fig, str(png), str(svg))
        runs.append((png.read_bytes(), svg.read_bytes()))
        plt.close(fig)
    assert runs[0] == runs[1]
    image = Image.open(io.BytesIO(runs[0][0]))
    assert image.size[0] == round(TEXT_WIDTH_IN * PRINT_DPI)
    assert image.info["dpi"] == pytest.approx((PRINT_DPI, PRINT_DPI), abs=0.1)  # Typst prints it at this size
    assert image.size[0] / image.info["dpi"][0] == pytest.approx(TEXT_WIDTH_IN, abs=0.01)
    assert b"<title>" not in runs[0][1] and b"Date" not in runs[0][1]


def test_axis_and_height_rules():
    from lib.application_figures import axis_right
    from lib.figures import bar_figure_height

    assert axis_right(0) == 100 and axis_right(91) == 100  # 91 + 9 = 100: the label fits
    assert axis_right(91.5) == 110 and axis_right(96.7) == 110  # extended to the next ten
    # a step per category: 3-line labels need 3 x 8.5 pt x 1.2 = 30.6 pt = 0.425 in, one-line ones the 0.3 in floor
    assert bar_figure_height(["a\nb\nc", "d"], 0.9) == pytest.approx(0.9 + 2 * 0.425)
    assert bar_figure_height(["a", "b", "c"], 0.85) == pytest.approx(0.85 + 3 * 0.3)
    assert bar_figure_height([], 0.85) == pytest.approx(1.15)
