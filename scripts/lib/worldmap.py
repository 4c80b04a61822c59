"""Figure 1: world map of participants per country (geopandas + matplotlib).

The figure follows the map conventions of a UN publication: participant countries take
consecutive steps of the report's one palette (``lib.figures.BLUES_9``, darker = more
participants);
countries with no participants are white with a grey hatch, apart from every class under
the common colour-vision deficiencies; shapes that the base geometry carries without a
country code (Somaliland, Northern Cyprus, ...) are drawn in the neutral grey, never as a
country with no participants, and are named in the note under the map. Participant
countries too small to see at this scale are drawn as a dot in their class colour. The
figure is drawn at the PDF's text width, so font sizes are printed points; it carries no
title (the document's caption gives it). The note under the map, with the UN map
disclaimer, is written by ``lib.report_blocks.figure1_note`` from ``notes``.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.validation import make_valid

matplotlib.use("Agg")
import pandas as pd
import pycountry
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from lib.figures import BLUES_9, INK, MIN_FONT_PT, NEUTRAL, TEXT_WIDTH_IN

EQUAL_EARTH = "EPSG:8857"
SMALL_KM2 = 15000.0
# At most six classes, so that the lightest class is the fourth step of the ramp and
# stays well apart from the white of "no participants" under colour-vision deficiencies
# (tests/test_figure_map_standard.py).
BIN_EDGES = [1, 5, 10, 25, 50, 100]
MAX_CLASSES = len(BIN_EDGES)
NAME_TO_ISO3 = {"Kosovo": "XKX"}
DROP = {"ATA"}
# Natural Earth abbreviates some names of the shapes it carries without a country code.
AREA_NAMES = {"N. Cyprus": "Northern Cyprus", "Indian Ocean Ter.": "Indian Ocean Territories"}

FONT_PT = MIN_FONT_PT  # legend entries; the legend titles are one point larger
DPI = 300
LEGEND_IN = 0.8  # height of the legend band under the map, inches
BORDER_PT = 0.3
RC = {
    "font.family": "DejaVu Sans",
    "hatch.linewidth": 0.5,
    "svg.hashsalt": "impact-story-figure1",
    "svg.fonttype": "path",
}

# note kinds in figure1_notes.csv
SMALL, NOT_IN_GEOMETRY, NO_CODE = "small", "not_in_geometry", "no_country_code"


@dataclass(frozen=True)
class MapPalette:
    """Colours of the map: ``classes`` light to dark, one per participant class."""

    classes: tuple[str, ...]
    no_participants: str = "#ffffff"
    no_participants_hatch: str = "////"
    hatch_colour: str = "#969696"  # hatch lines and outline of land with no participants
    no_country_code: str = NEUTRAL
    border: str = "#ffffff"  # borders between coloured shapes
    ink: str = INK


def map_palette(n_classes: int) -> MapPalette:
    """The darkest ``n_classes`` consecutive steps of the Blues ramp (top class darkest)."""
    if not 1 <= n_classes <= MAX_CLASSES:
        raise ValueError(f"{n_classes} classes: the map draws 1 to {MAX_CLASSES}")
    return MapPalette(classes=tuple(BLUES_9[len(BLUES_9) - n_classes :]))


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


def area_name(name: str) -> str:
    """Reader-facing name of a shape without a country code (Natural Earth abbreviations spelt out)."""
    return AREA_NAMES.get(name, name)


def unnamed_areas(geo: gpd.GeoDataFrame) -> list[str]:
    """Names of the shapes that have no country code in the geometry, sorted, each once."""
    return sorted({area_name(n) for n in geo.loc[geo["iso3"].isna(), "name"]})


def notes(counts: pd.DataFrame, geo: gpd.GeoDataFrame) -> pd.DataFrame:
    """What the note under the map names: participant countries missing from the geometry
    or too small to see (``kind`` not_in_geometry / small), then the shapes without a
    country code (``kind`` no_country_code, no iso3, no participant count)."""
    area = geo.dropna(subset=["iso3"]).groupby("iso3")["km2"].sum()
    rows = []
    for r in counts.itertuples():
        if r.iso3 not in area.index:
            rows.append((r.iso3, r.name, r.n, "not in the map geometry", NOT_IN_GEOMETRY))
        elif area[r.iso3] < SMALL_KM2:
            rows.append(
                (
                    r.iso3,
                    r.name,
                    r.n,
                    f"too small to see at this scale (under {SMALL_KM2:,.0f} km²): drawn as a dot",
                    SMALL,
                )
            )
    for name in unnamed_areas(geo):
        rows.append((None, name, None, "no country code in the map geometry: drawn in neutral grey", NO_CODE))
    out = pd.DataFrame(rows, columns=["iso3", "country_name", "participants", "note", "kind"])
    out["participants"] = out["participants"].astype("Int64")
    return out


def legend_entries(counts: pd.DataFrame, has_unnamed: bool = True, has_dots: bool = True) -> list[dict]:
    """The legend of the map, in order: one entry per participant class (light to dark),
    then "No participants", the shapes without a country code and the dot for small
    countries. Each entry: kind, label, colour (face colour), hatch, edge."""
    bins = make_bins(int(counts["n"].max()) if len(counts) else 1)
    pal = map_palette(len(bins))
    n_bin = [sum(bin_index(n, bins) == i for n in counts["n"]) for i in range(len(bins))]
    entries = [
        {"kind": "class", "label": f"{b[2]} ({n_bin[i]})", "colour": pal.classes[i], "hatch": None, "edge": pal.border}
        for i, b in enumerate(bins)
    ]
    entries.append(
        {
            "kind": "no_participants",
            "label": "No participants",
            "colour": pal.no_participants,
            "hatch": pal.no_participants_hatch,
            "edge": pal.hatch_colour,
        }
    )
    if has_unnamed:
        entries.append(
            {
                "kind": NO_CODE,
                "label": "Without a country code (named below)",
                "colour": pal.no_country_code,
                "hatch": None,
                "edge": pal.border,
            }
        )
    if has_dots:
        entries.append(
            {
                "kind": "dot",
                "label": "Too small to see: dot in its class colour",
                "colour": "#ffffff",
                "hatch": None,
                "edge": pal.ink,
            }
        )
    return entries


def _handle(e: dict):
    if e["kind"] == "dot":
        return Line2D(
            [],
            [],
            marker="o",
            markersize=5,
            linestyle="",
            markerfacecolor=e["colour"],
            markeredgecolor=e["edge"],
            markeredgewidth=0.6,
            label=e["label"],
        )
    return Patch(
        facecolor=e["colour"],
        edgecolor=e["edge"] if e["hatch"] else "none",
        hatch=e["hatch"],
        linewidth=BORDER_PT,
        label=e["label"],
    )


def draw(counts: pd.DataFrame, geo: gpd.GeoDataFrame, small: pd.DataFrame):
    """The figure at the PDF's text width: ``counts`` has iso3, name, n (participants > 0);
    ``small`` is the frame of ``notes`` (its ``small`` rows are drawn as dots)."""
    with matplotlib.rc_context(RC):
        return _draw(counts, geo, small)


def _draw(counts: pd.DataFrame, geo: gpd.GeoDataFrame, small: pd.DataFrame):
    bins = make_bins(int(counts["n"].max()) if len(counts) else 1)
    pal = map_palette(len(bins))
    colour_of = {r.iso3: pal.classes[bin_index(r.n, bins)] for r in counts.itertuples()}
    has_code = geo["iso3"].notna()
    participant = geo["iso3"].isin(list(colour_of))
    dot_codes = small.loc[small["kind"] == SMALL, "iso3"] if "kind" in small else small["iso3"]
    dots = geo[geo["iso3"].isin(list(dot_codes.dropna()))].sort_values("km2").drop_duplicates("iso3", keep="last")

    minx, miny, maxx, maxy = geo.total_bounds
    width = TEXT_WIDTH_IN
    pad = 0.015 * (maxy - miny)  # a margin so that no shape touches the edge of the image
    map_h = width * (maxy - miny + 2 * pad) / (maxx - minx)
    height = map_h + LEGEND_IN
    # a figure of its own, not pyplot's: each GeoDataFrame.plot ends with the canvas's
    # draw_idle(), which on pyplot's Agg canvas renders the whole map (three renders,
    # ~0.4 s of CPU, that change nothing); the bare canvas of a new Figure renders
    # nothing, and the Agg canvas is attached once the map is drawn
    fig = Figure(figsize=(width, height), dpi=DPI)
    ax = fig.add_axes((0.0, LEGEND_IN / height, 1.0, map_h / height))
    zero = geo[has_code & ~participant]
    if len(zero):
        zero.plot(
            ax=ax,
            facecolor=pal.no_participants,
            edgecolor=pal.hatch_colour,
            hatch=pal.no_participants_hatch,
            linewidth=BORDER_PT,
        )
    unnamed = geo[~has_code]
    if len(unnamed):
        unnamed.plot(ax=ax, color=pal.no_country_code, edgecolor=pal.border, linewidth=BORDER_PT)
    coloured = geo[participant]
    if len(coloured):
        coloured.plot(ax=ax, color=[colour_of[c] for c in coloured["iso3"]], edgecolor=pal.border, linewidth=BORDER_PT)
    if len(dots):
        pts = dots.geometry.representative_point()
        ax.scatter(
            pts.x, pts.y, s=14, c=[colour_of[c] for c in dots["iso3"]], edgecolors=pal.ink, linewidths=0.6, zorder=3
        )
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny - pad, maxy + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()

    entries = legend_entries(counts, has_unnamed=bool(len(unnamed)), has_dots=bool(len(dots)))
    classes = [_handle(e) for e in entries if e["kind"] == "class"]
    others = [_handle(e) for e in entries if e["kind"] != "class"]
    style = dict(
        frameon=False,
        fontsize=FONT_PT,
        title_fontsize=FONT_PT + 1,
        alignment="left",
        handlelength=1.6,
        handleheight=1.0,
        borderaxespad=0.0,
        borderpad=0.2,
        labelspacing=0.35,
        columnspacing=1.2,
    )
    top = (LEGEND_IN - 0.04) / height
    fig.legend(
        handles=classes,
        title="Participants per country (number of countries)",
        loc="upper left",
        bbox_to_anchor=(0.005, top),
        ncol=(len(classes) + 1) // 2,
        **style,
    )
    fig.legend(handles=others, title="Other areas", loc="upper left", bbox_to_anchor=(0.52, top), ncol=1, **style)
    FigureCanvasAgg(fig)
    return fig


def save(fig, png_path, svg_path) -> None:
    """Byte-identical PNG and SVG at print size: no dates, no software string, fixed SVG id salt."""
    with matplotlib.rc_context(RC):
        fig.savefig(png_path, format="png", dpi=DPI, metadata={"Software": None})
        fig.savefig(svg_path, format="svg", metadata={"Date": None, "Creator": None})
