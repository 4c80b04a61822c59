"""Figure 1 to the UN map standard (shared publication standards, "Maps"): palette under
colour-vision-deficiency simulation, shapes without a country code, the disclaimer under
the map, print size and fonts, and which shape gets which colour on a hand-made map."""

import numpy as np
import pandas as pd
import pytest
from colorspacious import cspace_convert, deltaE
from geopandas import GeoDataFrame
from matplotlib.colors import to_hex, to_rgb, to_rgba
from shapely.geometry import box

from lib import worldmap
from lib.figures import BLUES_9, MIN_FONT_PT, NEUTRAL, TEXT_WIDTH_IN
from lib.report_blocks import figure1_note

CVD = ("protanomaly", "deuteranomaly", "tritanomaly")
# CAM02-UCS distances under simulation. The old map's dark grey "no participants" and its
# top class were 12.9 apart under protanomaly, and India and Mexico read as countries with
# no participants: "no participants" must stand well beyond that from every class.
# Adjacent classes, and the neutral grey of shapes without a country code, must be apart
# by a clearly visible step (a just-noticeable difference is about 1 to 2).
MIN_ZERO_TO_CLASS = 18.0
MIN_ADJACENT = 8.0
UN_DISCLAIMER = (
    "The boundaries and names shown and the designations used on this map do not imply "
    "official endorsement or acceptance by the United Nations."
)


def note_paragraphs(markdown: str) -> list[str]:
    """The reader-facing paragraphs of the note (the raw HTML/Typst wrappers left out)."""
    return [p for p in markdown.strip("\n").split("\n\n") if not p.startswith("```")]


def simulate(colour: str, cvd_type: str) -> np.ndarray:
    rgb = np.array(to_rgb(colour))
    out = cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": cvd_type, "severity": 100}, "sRGB1")
    return np.clip(out, 0, 1)


def distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(deltaE(a, b, input_space="sRGB1", uniform_space="CAM02-UCS"))


def counts_frame(values: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame({"iso3": list(values), "name": list(values), "n": list(values.values())})


@pytest.mark.parametrize("top", [1, 4, 9, 24, 49, 99, 5000])
@pytest.mark.parametrize("cvd_type", CVD)
def test_no_participants_apart_from_every_class_under_cvd(top, cvd_type):
    entries = worldmap.legend_entries(counts_frame({"AAA": top}))
    classes = [e["colour"] for e in entries if e["kind"] == "class"]
    zero = next(e["colour"] for e in entries if e["kind"] == "no_participants")
    assert len(classes) == len(worldmap.make_bins(top))
    sim_zero = simulate(zero, cvd_type)
    for colour in classes:
        assert distance(sim_zero, simulate(colour, cvd_type)) >= MIN_ZERO_TO_CLASS, (cvd_type, colour)
    for a, b in zip(classes, classes[1:], strict=False):
        assert distance(simulate(a, cvd_type), simulate(b, cvd_type)) >= MIN_ADJACENT, (cvd_type, a, b)


@pytest.mark.parametrize("cvd_type", CVD)
def test_neutral_grey_apart_from_no_participants_and_classes(cvd_type):
    entries = worldmap.legend_entries(counts_frame({"AAA": 205}))
    grey = simulate(next(e["colour"] for e in entries if e["kind"] == "no_country_code"), cvd_type)
    for e in entries:
        if e["kind"] in ("class", "no_participants"):
            assert distance(grey, simulate(e["colour"], cvd_type)) >= MIN_ADJACENT, (cvd_type, e["label"])


def test_check_fails_on_the_old_palette():
    """The same check rejects the palette the map had before (dark grey next to dark red)."""
    old_zero, old_top = "#3b3b3b", "#bb0026"
    assert min(distance(simulate(old_zero, t), simulate(old_top, t)) for t in CVD) < MIN_ZERO_TO_CLASS


def test_classes_are_consecutive_blues_dark_for_more():
    entries = worldmap.legend_entries(counts_frame({"AAA": 205, "BBB": 3}))
    classes = [e["colour"] for e in entries if e["kind"] == "class"]
    assert [e["label"] for e in entries if e["kind"] == "class"] == [
        "1–4 (1)", "5–9 (0)", "10–24 (0)", "25–49 (0)", "50–99 (0)", "100 or more (1)",
    ]  # fmt: skip
    assert tuple(classes) == BLUES_9[3:]  # consecutive steps ending at the darkest
    zero = next(e for e in entries if e["kind"] == "no_participants")
    assert zero["hatch"] and zero["colour"] == "#ffffff"
    assert next(e for e in entries if e["kind"] == "no_country_code")["colour"] == NEUTRAL


def test_palette_refuses_more_classes_than_the_ramp_allows():
    assert len(worldmap.make_bins(10**6)) <= worldmap.MAX_CLASSES
    with pytest.raises(ValueError):
        worldmap.map_palette(worldmap.MAX_CLASSES + 1)


# A hand-made map in Equal Earth metres: A (big, 30 participants), B (big, none),
# C (big, no country code: "N. Cyprus" in the geometry's naming), D (tiny, 2 participants).
def hand_geo() -> GeoDataFrame:
    km = 1000.0
    geo = GeoDataFrame(
        {
            "iso3": ["AAA", "BBB", None, "DDD"],
            "name": ["Aland", "Bland", "N. Cyprus", "Dot"],
            "geometry": [
                box(0, 0, 1000 * km, 1000 * km),
                box(1000 * km, 0, 2000 * km, 1000 * km),
                box(2000 * km, 0, 3000 * km, 1000 * km),
                box(3500 * km, 500 * km, 3510 * km, 510 * km),
            ],
        },
        geometry="geometry",
        crs=worldmap.EQUAL_EARTH,
    )
    geo["km2"] = geo.geometry.area / 1e6
    return geo


@pytest.fixture
def hand_map():
    geo = hand_geo()
    counts = pd.DataFrame({"iso3": ["AAA", "DDD"], "name": ["Aland", "Dot"], "n": [30, 2]})
    notes = worldmap.notes(counts, geo)
    fig = worldmap.draw(counts, geo, notes)
    yield counts, geo, notes, fig
    import matplotlib.pyplot as plt

    plt.close(fig)


def face_colours(fig) -> dict[int, str]:
    """Face colour of every polygon drawn on the map axes, keyed by the polygon's x centre (km)."""
    out = {}
    for coll in fig.axes[0].collections:
        if coll.__class__.__name__ == "PathCollection":  # the dots of small countries
            continue
        faces = coll.get_facecolors()
        for i, path in enumerate(coll.get_paths()):
            x = path.vertices[:, 0]
            out[round((x.min() + x.max()) / 2 / 1000)] = (to_hex(faces[i % len(faces)]), coll.get_hatch())
    return out


def test_hand_made_map_colours_each_shape(hand_map):
    counts, _, _, fig = hand_map
    entries = {e["kind"]: e for e in worldmap.legend_entries(counts)}
    classes = [e["colour"] for e in worldmap.legend_entries(counts) if e["kind"] == "class"]
    drawn = face_colours(fig)
    assert drawn[500] == (classes[worldmap.bin_index(30, worldmap.make_bins(30))], None)  # A: 30, top class "25 or more"
    assert drawn[1500] == (entries["no_participants"]["colour"], entries["no_participants"]["hatch"])  # B
    assert drawn[2500] == (to_hex(NEUTRAL), None)  # C: no code, neutral, no hatch, not "no participants"
    assert drawn[3505][0] == classes[0]  # D: tiny, coloured in its class (1-4)...
    dots = [c for c in fig.axes[0].collections if c.__class__.__name__ == "PathCollection"]
    assert len(dots) == 1 and len(dots[0].get_offsets()) == 1  # ... and marked by one dot
    assert to_hex(dots[0].get_facecolors()[0]) == classes[0]


def test_hand_made_map_notes_list_dot_and_unnamed_shape(hand_map):
    _, geo, notes, _ = hand_map
    assert notes[["iso3", "kind"]].astype(object).where(notes[["iso3", "kind"]].notna(), None).values.tolist() == [
        ["DDD", "small"],
        [None, "no_country_code"],
    ]
    assert notes.loc[notes["kind"] == "no_country_code", "country_name"].tolist() == ["Northern Cyprus"]
    assert worldmap.unnamed_areas(geo) == ["Northern Cyprus"]


def test_vendored_geometry_unnamed_shapes_are_listed():
    geo = worldmap.load_geometry("resources/geo/countries-50m.json")
    assert worldmap.unnamed_areas(geo) == [
        "Indian Ocean Territories", "Northern Cyprus", "Siachen Glacier", "Somaliland",
    ]  # fmt: skip
    notes = worldmap.notes(counts_frame({"SOM": 3}), geo)
    assert "Somaliland" in notes.loc[notes["kind"] == "no_country_code", "country_name"].tolist()


def test_print_size_and_fonts(hand_map):
    _, _, _, fig = hand_map
    assert fig.get_figwidth() == pytest.approx(TEXT_WIDTH_IN)
    assert fig.dpi >= 300
    texts = [t for leg in fig.legends for t in [*leg.get_texts(), leg.get_title()]]
    assert len(fig.legends) == 2 and len(texts) >= 8
    assert min(t.get_fontsize() for t in texts) >= MIN_FONT_PT
    for ax in fig.axes:
        assert ax.get_title() == "" and ax.get_title(loc="left") == ""
        assert all(t.get_fontsize() >= MIN_FONT_PT for t in ax.texts)
    assert not fig.texts  # no suptitle or loose label


def test_legends_inside_the_image_and_below_the_map(hand_map):
    _, _, _, fig = hand_map
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    map_box = fig.axes[0].get_window_extent(renderer)
    boxes = [leg.get_window_extent(renderer) for leg in fig.legends]
    for b in boxes:
        assert frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= map_box.y0 + 1
    assert boxes[0].x1 <= boxes[1].x0  # the two legends do not overlap


def test_no_participants_legend_patch_is_hatched_and_unnamed_is_not(hand_map):
    counts, _, _, fig = hand_map
    by_label = {t.get_text(): h for leg in fig.legends for t, h in zip(leg.get_texts(), leg.legend_handles, strict=True)}
    assert by_label["No participants"].get_hatch()
    unnamed = next(e["label"] for e in worldmap.legend_entries(counts) if e["kind"] == "no_country_code")
    assert not by_label[unnamed].get_hatch()
    assert to_rgba(by_label[unnamed].get_facecolor()) == to_rgba(NEUTRAL)


def test_note_carries_disclaimer_dots_and_unnamed_areas():
    notes = pd.DataFrame(
        {
            "iso3": ["SGP", "", "BHR", "", "TUV"],
            "country_name": ["Singapore", "Somaliland", "Bahrain", "Northern Cyprus", "Tuvalu"],
            "participants": ["2", "", "1", "", "3"],
            "note": ["", "", "", "", ""],
            "kind": ["small", "no_country_code", "small", "no_country_code", "not_in_geometry"],
        }
    )
    names = {"SGP": "Singapore", "BHR": "Bahrain", "TUV": "Tuvalu"}
    paragraphs = note_paragraphs(figure1_note(notes, names.__getitem__))
    assert paragraphs[0].startswith("*Note:* ") and paragraphs[0].endswith(": Bahrain (1) and Singapore (2).")
    assert paragraphs[1].endswith(": Tuvalu (3).")
    assert paragraphs[2].endswith(": Northern Cyprus and Somaliland.")  # named, no count
    assert paragraphs[-1] == UN_DISCLAIMER
    assert len(paragraphs) == 4


def test_note_has_disclaimer_when_nothing_else_to_say():
    assert note_paragraphs(figure1_note(None, str)) == [UN_DISCLAIMER]
    assert note_paragraphs(figure1_note(pd.DataFrame(), str)) == [UN_DISCLAIMER]


def test_note_is_set_apart_in_both_formats():
    text = figure1_note(None, str)
    assert text.index("```{=html}\n<div") < text.index(UN_DISCLAIMER) < text.index("```{=html}\n</div>")
    assert text.index("```{=typst}\n#block") < text.index(UN_DISCLAIMER) < text.index("```{=typst}\n]")


def test_note_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        figure1_note(pd.DataFrame({"iso3": ["SGP"], "participants": ["2"], "kind": ["tiny"]}), str)


def test_drawing_the_map_renders_it_only_when_saved(monkeypatch):
    """geopandas ends each GeoDataFrame.plot with the canvas's draw_idle(); on pyplot's Agg
    canvas that renders the whole map, three times before it is saved (~0.4 s of CPU at the
    1:50m scale, issue 16). The map is drawn on a figure of its own and gets its Agg canvas
    (which the PNG and the tests use) once drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renders = []
    monkeypatch.setattr(FigureCanvasAgg, "draw", lambda self, *args, **kwargs: renders.append(self))
    geo = hand_geo()
    counts = pd.DataFrame({"iso3": ["AAA", "DDD"], "name": ["Aland", "Dot"], "n": [30, 2]})
    fig = worldmap.draw(counts, geo, worldmap.notes(counts, geo))
    assert renders == []
    assert isinstance(fig.canvas, FigureCanvasAgg)
