"""Conventions shared by the survey figures: one seaborn theme and byte-stable saving.

Matplotlib writes a creation date and software name into PNG/SVG metadata and random ids
into SVG; both are fixed here so a rerun gives identical bytes (the world map, drawn by
lib/worldmap.py, has its own layout and salt).
"""

import matplotlib

matplotlib.use("Agg")
import seaborn as sns  # noqa: E402

SVG_HASHSALT = "impact-story"


def set_theme() -> None:
    """White-grid seaborn theme, a font every machine has, a fixed SVG id salt."""
    sns.set_theme(style="whitegrid", rc={"svg.hashsalt": SVG_HASHSALT, "font.family": "DejaVu Sans"})


def save_png_svg(fig, png_path: str, svg_path: str, dpi: int = 150) -> None:
    """Write the figure as PNG and SVG without dates or software names."""
    fig.savefig(png_path, dpi=dpi, metadata={"Software": None})
    fig.savefig(svg_path, metadata={"Date": None, "Creator": None})
