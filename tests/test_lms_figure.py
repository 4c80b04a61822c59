"""Figure 1 helpers: bins, the antimeridian cut, the geometry mapping and the notes."""

import hashlib

import pandas as pd
import pytest
from shapely.geometry import MultiPolygon, Polygon

from lib import worldmap

GEO = "resources/geo/countries-50m.json"


def test_vendored_geometry_hash_matches_readme():
    digest = hashlib.sha256(open(GEO, "rb").read()).hexdigest()
    assert digest in open("resources/geo/README.md", encoding="utf-8").read()
    assert digest in open("workflow/rules/figures_map.smk", encoding="utf-8").read()


def test_bins_cover_every_count_once():
    bins = worldmap.make_bins(205)
    assert [b[2] for b in bins] == ["1–4", "5–9", "10–24", "25–49", "50–99", "100 or more"]
    assert [worldmap.bin_index(n, bins) for n in (1, 4, 5, 24, 25, 99, 100, 205)] == [0, 0, 1, 2, 3, 4, 5, 5]
    assert [b[2] for b in worldmap.make_bins(3)] == ["1 or more"]


def test_antimeridian_part_is_cut_in_two():
    # a ring from 170E to 170W written the TopoJSON way (crossing +-180)
    ring = Polygon([(170, 60), (-170, 60), (-170, 70), (170, 70)])
    cut = worldmap._split_antimeridian(ring)
    assert isinstance(cut, MultiPolygon) and len(cut.geoms) == 2
    assert all(g.bounds[2] - g.bounds[0] <= 10 + 1e-9 for g in cut.geoms)
    assert cut.area == pytest.approx(200)
    normal = Polygon([(0, 0), (1, 0), (1, 1)])
    assert worldmap._split_antimeridian(normal) is normal


@pytest.fixture(scope="module")
def geo():
    return worldmap.load_geometry(GEO)


def test_geometry_codes(geo):
    codes = set(geo["iso3"].dropna())
    assert {"ECU", "MEX", "IND", "XKX", "PSE", "FJI", "RUS"} <= codes
    assert "ATA" not in codes
    parts = geo.explode(index_parts=False).geometry
    assert (parts.bounds["maxx"] - parts.bounds["minx"]).max() < 2.1e7  # no polygon part spans the map


def test_notes_list_small_and_missing_countries(geo):
    counts = pd.DataFrame(
        {"iso3": ["ECU", "SGP", "TUV", "GIB"], "name": ["Ecuador", "Singapore", "Tuvalu", "Gib"], "n": [200, 2, 1, 1]}
    )
    notes = worldmap.notes(counts, geo).set_index("iso3")
    assert "ECU" not in notes.index
    assert notes.loc["SGP", "note"].startswith("too small")
    missing = [c for c in ("TUV", "GIB") if c not in set(geo["iso3"].dropna())]
    for c in missing:
        assert notes.loc[c, "note"] == "not in the map geometry"


def test_figure_is_byte_identical(tmp_path, geo):
    counts = pd.DataFrame({"iso3": ["ECU", "MEX", "SGP"], "name": ["Ecuador", "Mexico", "Singapore"], "n": [30, 7, 2]})
    small = worldmap.notes(counts, geo)
    digests = []
    for i in range(2):
        fig = worldmap.draw(counts, geo, small)
        worldmap.save(fig, tmp_path / f"f{i}.png", tmp_path / f"f{i}.svg")
        digests.append([hashlib.sha256((tmp_path / f"f{i}.{e}").read_bytes()).hexdigest() for e in ("png", "svg")])
    assert digests[0] == digests[1]
