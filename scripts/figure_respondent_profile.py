"""Figure 2: profile of the follow-up survey respondents, sector of work and career stage
(share of respondents who answered each item, in per cent). A panel whose item nobody
answered says "No answers" (lib/profile_panels.py). PNG + SVG, byte-identical on rerun."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115
sys.path.insert(0, str(Path(snakemake.input.lib_codebook).resolve().parent.parent))

import matplotlib.pyplot as plt
import pandas as pd

from lib.codebook import Codebook
from lib.figures import save_png_svg, set_theme
from lib.profile_panels import axis_limit, draw_panel

set_theme()
metrics = pd.read_csv(snakemake.input.metrics, dtype={"level": str})
codebook = Codebook.read(snakemake.input.questions, snakemake.input.options)

fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharex=True)
panels = [("sector_share", "sector", "Sector of work"), ("career_stage_share", "career_stage", "Career stage")]
xmax = axis_limit(metrics, [metric_id for metric_id, _, _ in panels])
for ax, (metric_id, list_name, title) in zip(axes, panels, strict=True):
    bars = draw_panel(ax, metrics, metric_id, title, lambda code, ln=list_name: codebook.option_label(ln, code), xmax)
    print(f"{metric_id}: {bars} bars" if bars else f"{metric_id}: no answers", file=sys.stderr)
fig.suptitle("Figure 2. Profile of the follow-up survey respondents", x=0.01, ha="left", fontsize=13)
fig.tight_layout()
save_png_svg(fig, snakemake.output.png, snakemake.output.svg)
