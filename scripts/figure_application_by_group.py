"""Knowledge application rate by relationship to the topic, with 95 % Wilson intervals
(finite-population corrected) and the overall rate as a reference line, drawn by
lib/application_figures.py. PNG + SVG, byte-identical on rerun."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib.application_figures import draw_application_by_group
from lib.codebook import Codebook
from lib.figures import save_png_svg, set_theme

loaded()

set_theme()
metrics = pd.read_csv(snakemake.input.metrics, dtype={"level": str})
codebook = Codebook.read(snakemake.input.form, "followup")

fig = draw_application_by_group(metrics, lambda code: codebook.option_label("relationship", code))
save_png_svg(fig, snakemake.output.png, snakemake.output.svg)
