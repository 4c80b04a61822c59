"""figure_world_map: participants per country -> Figure 1 (PNG + SVG), notes and caption data."""

import json
import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")  # noqa: SIM115
sys.path.insert(0, str(Path(snakemake.input.lib_io).resolve().parent.parent))

import pandas as pd

from lib import io as lib_io
from lib.countries import UnNames
from lib.worldmap import ZERO_COLOUR, draw, load_geometry, make_bins, notes, save, sha256

digest = sha256(snakemake.input.geometry)
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
small = notes(counts, geo)
fig = draw(counts, geo, small, snakemake.params.title)
save(fig, snakemake.output.png, snakemake.output.svg)
lib_io.write_csv(small, snakemake.output.notes)

caption = {
    "countries": int(len(counts)),
    "participants_with_country": int(counts["n"].sum()),
    "top_countries": counts.head(3)[["iso3", "name", "n"]].to_dict("records"),
    "zero_colour": ZERO_COLOUR,
    "zero_label": "dark grey: no participants",
    "bins": [b[2] for b in make_bins(int(counts["n"].max()) if len(counts) else 1)],
    "not_drawn_note": small[["country_name", "participants", "note"]].to_dict("records"),
}
Path(snakemake.output.caption).write_text(json.dumps(caption, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"{len(counts)} countries drawn; {len(small)} listed in the note", file=sys.stderr)
