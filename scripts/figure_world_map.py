"""figure_world_map: participants per country -> Figure 1 (PNG + SVG), notes and caption data."""

import json
import sys
from pathlib import Path

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib.checksums import sha256_file
from lib.countries import UnNames
from lib.safe_text import write_csv
from lib.worldmap import (
    NO_CODE,
    SMALL,
    draw,
    legend_entries,
    load_geometry,
    notes,
    save,
)

loaded()

digest = sha256_file(snakemake.input.geometry)
if digest != snakemake.params.geometry_sha256:
    raise SystemExit(
        f"{snakemake.input.geometry}: sha256 {digest} differs from the vendored "
        f"{snakemake.params.geometry_sha256} (see resources/geo/README.md)"
    )

metrics = pd.read_csv(snakemake.input.metrics, dtype={"metric_id": "string", "level": "string"}, keep_default_na=False)
by_country = metrics[metrics["metric_id"] == "participants_by_country"]
counts = pd.DataFrame(
    {"iso3": by_country["level"].astype(str), "n": pd.to_numeric(by_country["value"]).astype(int)}
).query("n > 0")
counts["name"] = counts["iso3"].map(UnNames(snakemake.input.un_m49))
counts = counts.sort_values(["n", "iso3"], ascending=[False, True]).reset_index(drop=True)

geo = load_geometry(snakemake.input.geometry)
map_notes = notes(counts, geo)
fig = draw(counts, geo, map_notes)
save(fig, snakemake.output.png, snakemake.output.svg)
write_csv(map_notes, snakemake.output.notes)
unnamed = map_notes[map_notes["kind"] == NO_CODE]
listed = map_notes[map_notes["kind"] != NO_CODE]

caption = {
    "countries": int(len(counts)),
    "participants_with_country": int(counts["n"].sum()),
    "top_countries": counts.head(3)[["iso3", "name", "n"]].to_dict("records"),
    "legend": [
        {k: e[k] for k in ("label", "colour", "hatch")}
        for e in legend_entries(counts, has_unnamed=len(unnamed) > 0, has_dots=bool((listed["kind"] == SMALL).any()))
    ],
    "not_drawn_note": listed[["country_name", "participants", "note"]].to_dict("records"),
    "areas_without_country_code": unnamed["country_name"].tolist(),
}
Path(snakemake.output.caption).write_text(json.dumps(caption, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
print(
    f"{len(counts)} countries drawn; {len(listed)} participant countries and {len(unnamed)} areas without a "
    "country code listed in the note",
    file=sys.stderr,
)
