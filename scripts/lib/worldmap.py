"""Figure 1: world map of participants per country (geopandas + seaborn/matplotlib).

Countries with no participants are drawn in a dark grey (the published story uses
black) and named so in the legend; participant countries are coloured by binned counts.
Participant countries that are too small to see at this scale are drawn as a dot in
their bin colour, and every participant country that is small or missing from the
geometry is listed in the notes (``figure1_notes.csv`` and the caption data).
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.validation import make_valid

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pycountry  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

EQUAL_EARTH = "EPSG:8857"
ZERO_COLOUR = "#3b3b3b"
EDGE_COLOUR = "#ffffff"
SMALL_KM2 = 15000.0
BIN_EDGES = [1, 5, 10, 25, 50, 100, 250, 500, 1000]
NAME_TO_ISO3 = {"Kosovo": "XKX"}
DROP = {"ATA"}


def sha256(path) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _shift_west(coords: np.ndarray) -> np.ndarray:
    out = coords.copy()
    out[:, 0] = np.where(out[:, 0] < 0, out[:, 0] + 360, out[:, 0])
    return out


def _split_antimeridian(geom):
    """Cut polygon parts that wrap across the 180th meridian (TopoJSON keeps them whole).

    Such a part spans more than 180 degrees of longitude; its western points are moved
    east by 360 degrees, then it is cut at 180 and the eastern piece moved back.
    """
    parts = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    out = []
    for part in parts:
        minx, _, maxx, _ = part.bounds
        if maxx - minx <= 180:
            out.append(part)
            continue
        shifted = make_valid(shapely.transform(part, _shift_west))
        west = shifted.intersection(box(0, -90, 180, 90))
        east = affinity.translate(shifted.intersection(box(180, -90, 540, 90)), xoff=-360)
        for piece in (west, east):
            out.extend(p for p in getattr(piece, "geoms", [piece]) if isinstance(p, Polygon) and not p.is_empty)
    return MultiPolygon(out) if len(out) > 1 else out[0]


def load_geometry(path) -> gpd.GeoDataFrame:
    """Country features with ``iso3`` (alpha-3, or missing), projected to Equal Earth."""
    g = gpd.read_file(path, layer="countries")
    if g.crs is None:
        g = g.set_crs("EPSG:4326")

    def iso3(row) -> str | None:
        if isinstance(row["id"], str) and row["id"]:
            c = pycountry.countries.get(numeric=row["id"])
            return c.alpha_3 if c else None
        return NAME_TO_ISO3.get(row["name"])

    g["iso3"] = g.apply(iso3, axis=1)
    g = g[~g["iso3"].isin(DROP)].copy()
    g["geometry"] = g.geometry.map(_split_antimeridian)
    g = g.sort_values(["iso3", "name"], na_position="last", kind="stable").reset_index(drop=True)
    out = gpd.GeoDataFrame(g[["iso3", "name", "geometry"]], geometry="geometry").to_crs(EQUAL_EARTH)
    out["km2"] = out.geometry.area / 1e6
    # a code may have several features (Australia + Ashmore and Cartier Is.): area is the sum
    out["code_km2"] = out.groupby("iso3", dropna=False)["km2"].transform("sum")
    return out


def make_bins(max_count: int) -> list[tuple[int, int | None, str]]:
    """(low, high inclusive or None, label) bins covering 1..max_count."""
    edges = [e for e in BIN_EDGES if e <= max_count] or [1]
    bins = []
    for i, low in enumerate(edges):
        high = edges[i + 1] - 1 if i + 1 < len(edges) else None
        label = f"{low:,}" if high == low else (f"{low:,}–{high:,}" if high else f"{low:,} or more")
        bins.append((low, high, label))
    return bins


def bin_index(n: int, bins) -> int:
    for i, (low, high, _) in enumerate(bins):
        if n >= low and (high is None or n <= high):
            return i
    raise ValueError(n)


def notes(counts: pd.DataFrame, geo: gpd.GeoDataFrame) -> pd.DataFrame:
    """Participant countries missing from the geometry or too small to see."""
    area = geo.dropna(subset=["iso3"]).groupby("iso3")["km2"].sum()
    rows = []
    for r in counts.itertuples():
        if r.iso3 not in area.index:
            rows.append((r.iso3, r.name, r.n, "not in the map geometry"))
        elif area[r.iso3] < SMALL_KM2:
            rows.append(
                (r.iso3, r.name, r.n, f"too small to see at this scale (under {SMALL_KM2:,.0f} km²): drawn as a dot")
            )
    return pd.DataFrame(rows, columns=["iso3", "country_name", "participants", "note"])


def draw(counts: pd.DataFrame, geo: gpd.GeoDataFrame, small: pd.DataFrame, title: str):
    """The figure: ``counts`` has iso3, name, n (participants > 0)."""
    sns.set_theme(style="white", context="paper", font_scale=1.15)
    bins = make_bins(int(counts["n"].max()) if len(counts) else 1)
    palette = sns.color_palette("YlOrRd", n_colors=len(bins) + 1)[1:]
    colour_of = {r.iso3: palette[bin_index(r.n, bins)] for r in counts.itertuples()}
    geo = geo.copy()
    geo["colour"] = [colour_of.get(c, ZERO_COLOUR) if isinstance(c, str) else ZERO_COLOUR for c in geo["iso3"]]

    minx, miny, maxx, maxy = geo.total_bounds
    fig, ax = plt.subplots(figsize=(11, 11 * (maxy - miny) / (maxx - minx) + 0.6), dpi=150)
    geo.plot(ax=ax, color=geo["colour"], edgecolor=EDGE_COLOUR, linewidth=0.2)
    dots = geo[geo["iso3"].isin(small["iso3"])].sort_values("km2").drop_duplicates("iso3", keep="last")
    if len(dots):
        pts = dots.geometry.representative_point()
        ax.scatter(
            pts.x, pts.y, s=22, c=[colour_of[c] for c in dots["iso3"]], edgecolors="#222222", linewidths=0.6, zorder=3
        )
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_axis_off()
    n_bin = [sum(bin_index(n, bins) == i for n in counts["n"]) for i in range(len(bins))]
    handles = [Patch(facecolor=ZERO_COLOUR, edgecolor="none", label="No participants")]
    handles += [
        Patch(facecolor=palette[i], edgecolor="none", label=f"{b[2]}  ({n_bin[i]} countries)")
        for i, b in enumerate(bins)
    ]
    if len(dots):
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markerfacecolor="#bbbbbb",
                markeredgecolor="#222222",
                label="Small country (dot)",
            )
        )
    ax.legend(
        handles=handles,
        title="Participants per country",
        loc="lower left",
        frameon=True,
        framealpha=0.92,
        fontsize=9,
        title_fontsize=10,
        bbox_to_anchor=(0.0, 0.02),
    )
    ax.set_title(title, fontsize=13, loc="left")
    fig.tight_layout()
    return fig


def save(fig, png_path, svg_path) -> None:
    """Byte-identical PNG and SVG: no dates, no software string, fixed SVG id salt."""
    with plt.rc_context({"svg.hashsalt": "impact-story-figure1", "svg.fonttype": "path"}):
        fig.savefig(png_path, format="png", metadata={"Software": None}, bbox_inches="tight", pad_inches=0.15)
        fig.savefig(
            svg_path, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight", pad_inches=0.15
        )
    plt.close(fig)
