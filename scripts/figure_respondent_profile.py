"""Figure 2: profile of the follow-up survey respondents, sector of work and career stage
(share of respondents who answered each item, in per cent), drawn by
lib/profile_panels.py. A panel whose item nobody answered says "No answers". PNG + SVG,
byte-identical on rerun."""

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib.codebook import Codebook
from lib.figures import save_png_svg, set_theme
from lib.profile_panels import draw_profile

loaded()

set_theme()
metrics = pd.read_csv(snakemake.input.metrics, dtype={"level": str})
codebook = Codebook.read(snakemake.input.form, "followup")

fig, bars = draw_profile(metrics, codebook.option_label)
for metric_id, count in bars.items():
    print(f"{metric_id}: {count} bars" if count else f"{metric_id}: no answers", file=sys.stderr)
save_png_svg(fig, snakemake.output.png, snakemake.output.svg)
