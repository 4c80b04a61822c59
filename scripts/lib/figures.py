"""Conventions shared by the survey figures: one seaborn theme and byte-stable saving.

Matplotlib writes a creation date and software name into PNG/SVG metadata and random ids
into SVG; both are fixed here so a rerun gives identical bytes (the world map, drawn by
lib/worldmap.py, has its own layout and salt).
"""

import matplotlib

matplotlib.use("Agg")
import seaborn as sns  # noqa: E402

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


def set_theme() -> None:
    """White-grid seaborn theme, a font every machine has, a fixed SVG id salt."""
    sns.set_theme(style="whitegrid", rc={"svg.hashsalt": SVG_HASHSALT, "font.family": "DejaVu Sans"})


def save_png_svg(fig, png_path: str, svg_path: str, dpi: int = 150) -> None:
    """Write the figure as PNG and SVG without dates or software names."""
    fig.savefig(png_path, dpi=dpi, metadata={"Software": None})
    fig.savefig(svg_path, metadata={"Date": None, "Creator": None})
