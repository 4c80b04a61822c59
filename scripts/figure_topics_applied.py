"""Knowledge application by course topic: share of respondents who applied knowledge
naming each topic, sorted, with 95 % Wilson intervals (finite-population corrected),
drawn by lib/application_figures.py. Topics are labelled with their module number (their
order in the codebook). PNG + SVG, byte-identical on rerun."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115
sys.path.insert(0, str(Path(snakemake.input.lib_codebook).resolve().parent.parent))

import pandas as pd

from lib.application_figures import draw_topics_applied
from lib.codebook import Codebook
from lib.figures import save_png_svg, set_theme

set_theme()
metrics = pd.read_csv(snakemake.input.metrics, dtype={"level": str})
codebook = Codebook.read(snakemake.input.form, "followup")

module = {code: k + 1 for k, code in enumerate(codebook.option_codes("topic"))}
fig = draw_topics_applied(metrics, lambda code: f"Module {module[code]}: {codebook.option_label('topic', code)}")
save_png_svg(fig, snakemake.output.png, snakemake.output.svg)
