"""Conventions shared by the survey figures (Figure 2, application by group, topics
applied): one palette, one font scale, print size, one bar-chart drawer and byte-stable
saving.

Every survey figure is drawn at the width of the PDF's text block (TEXT_WIDTH_IN) and
saved at PRINT_DPI, so it prints at its natural size and a font size given here in points
is the printed size. All text (tick labels, value labels, axis labels, legend) is FONT_PT,
never below MIN_FONT_PT. The figures carry no title: the document's caption names them,
and what a reader needs from the image itself (n, what the whiskers are, a reference
line) is in an axis label, a category label or a small legend.

Matplotlib writes a creation date and software name into PNG/SVG metadata and random ids
into SVG; both are fixed here so a rerun gives identical bytes (the world map, drawn by
lib/worldmap.py, has its own layout and salt).
"""

import textwrap
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

SVG_HASHSALT = "impact-story"

# One palette for every figure of the report: a single-hue blue ramp (ColorBrewer
# "Blues", 9 classes, Cynthia Brewer, Apache-2.0), ordered light to dark. Lightness alone
# carries the order, so it reads under every common colour-vision deficiency. The map's
# participant classes take consecutive steps of it; bar charts take BAR_COLOUR.
BLUES_9 = (
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
)
BAR_COLOUR = BLUES_9[6]
INK = "#333333"  # text, interval whiskers and reference lines
NEUTRAL = "#d9d9d9"  # shapes that carry no data

# Print size: the PDF's text block is A4 less 2 x 2.3 cm margins (templates/report.typst),
# 16.4 cm. A figure drawn at TEXT_WIDTH_IN inches wide and saved with its dpi prints at
# its natural size, so a font size in points here is the printed size. No text in a
# figure is smaller than MIN_FONT_PT at print size.
TEXT_WIDTH_IN = 16.4 / 2.54
MIN_FONT_PT = 8.0


# One font scale: every text of a survey figure is FONT_PT (the size of the document's
# captions and tables), value labels included. The PNG is saved at PRINT_DPI, which Typst
# reads from the file to print it at its drawn size.
FONT_PT = 8.5
PRINT_DPI = 300
BAR_HEIGHT = 0.68  # bar thickness, in category steps
LABEL_GAP_PT = 3.0  # gap between a bar (or its interval) and its value label
LINE_SPACING = 1.2  # matplotlib's line height of a multi-line label, in font sizes


def set_theme() -> None:
    """Seaborn white-grid theme at print scale: paper line widths, every font size FONT_PT,
    text and ticks in INK, a font every machine has, a fixed SVG id salt."""
    import seaborn as sns  # here: the world map takes only the palette and sizes of this module

    sizes = dict.fromkeys(
        (
            "font.size",
            "axes.titlesize",
            "axes.labelsize",
            "xtick.labelsize",
            "ytick.labelsize",
            "legend.fontsize",
            "legend.title_fontsize",
            "figure.titlesize",
            "figure.labelsize",
        ),
        FONT_PT,
    )
    sns.set_theme(
        context="paper",
        style="whitegrid",
        rc={
            **sizes,
            "svg.hashsalt": SVG_HASHSALT,
            "font.family": "DejaVu Sans",
            "text.color": INK,
            "axes.labelcolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
            "grid.color": NEUTRAL,
            "axes.edgecolor": NEUTRAL,
            "savefig.dpi": PRINT_DPI,
        },
    )


def print_figure(height_in: float, ncols: int = 1, **subplots):
    """A figure as wide as the PDF text block, `height_in` inches high, with `ncols` axes
    side by side; constrained layout keeps every label inside the figure."""
    import matplotlib.pyplot as plt

    return plt.subplots(1, ncols, figsize=(TEXT_WIDTH_IN, height_in), layout="constrained", **subplots)


def bar_figure_height(labels: Sequence[str], overhead_in: float) -> float:
    """Height in inches of a horizontal bar chart: one category step per label, tall enough
    for the longest wrapped label (and never under 0.3 in), plus `overhead_in` for the
    x axis, its label and a legend."""
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    step = max(0.3, lines * FONT_PT * LINE_SPACING / 72)
    return overhead_in + step * max(len(labels), 1)


def wrap(text: str, width: int) -> str:
    """A category label wrapped at `width` characters (labels wrap, they never shrink)."""
    return textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)


def draw_hbars(
    ax,
    labels: Sequence[str],
    percents: Sequence[float],
    value_labels: Sequence[str],
    low: Sequence[float] | None = None,
    high: Sequence[float] | None = None,
    interval_label: str | None = None,
) -> float:
    """Horizontal bars in BAR_COLOUR, first label on top, each followed by its value label
    in INK; with `low`/`high` (per cent) an interval whisker in INK (legend entry
    `interval_label`) and the value label after the whisker. Returns the largest x reached
    by a bar or whisker, for the caller's axis limit."""
    y = list(range(len(labels)))
    ax.barh(y, list(percents), height=BAR_HEIGHT, color=BAR_COLOUR, zorder=2)
    ends = list(percents)
    if low is not None and high is not None:
        ax.errorbar(
            list(percents),
            y,
            xerr=[
                [p - lo for p, lo in zip(percents, low, strict=True)],
                [h - p for p, h in zip(percents, high, strict=True)],
            ],
            fmt="none",
            ecolor=INK,
            elinewidth=1.0,
            capsize=3,
            capthick=1.0,
            zorder=3,
            label=interval_label,
        )
        ends = [max(p, h) for p, h in zip(percents, high, strict=True)]
    for yi, end, text in zip(y, ends, value_labels, strict=True):
        ax.annotate(
            text,
            xy=(end, yi),
            xytext=(LABEL_GAP_PT, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=FONT_PT,
            color=INK,
            zorder=4,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
        )
    ax.set_yticks(y, list(labels))
    ax.set_ylim(max(len(labels), 1) - 0.5, -0.5)
    ax.set_ylabel("")
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    return max(ends, default=0.0)


def save_png_svg(fig, png_path: str, svg_path: str, dpi: int = PRINT_DPI) -> None:
    """Write the figure as PNG (at `dpi`, recorded in the file so it prints at its drawn
    size) and SVG, without dates or software names."""
    fig.savefig(png_path, dpi=dpi, metadata={"Software": None})
    fig.savefig(svg_path, metadata={"Date": None, "Creator": None})
