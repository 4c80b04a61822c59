"""Knowledge application by course topic: share of respondents who applied knowledge
naming each topic, sorted, with 95 % Wilson intervals (finite-population corrected),
drawn by lib/application_figures.py. Topics are labelled with their module number (their
order in the codebook). PNG + SVG, byte-identical on rerun."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib.application_figures import draw_topics_applied
from lib.codebook import Codebook
from lib.figures import save_png_svg, set_theme

loaded()

set_theme()
metrics = pd.read_csv(snakemake.input.metrics, dtype={"level": str})
codebook = Codebook.read(snakemake.input.form, "followup")

module = {code: k + 1 for k, code in enumerate(codebook.option_codes("topic"))}
fig = draw_topics_applied(metrics, lambda code: f"Module {module[code]}: {codebook.option_label('topic', code)}")
save_png_svg(fig, snakemake.output.png, snakemake.output.svg)
