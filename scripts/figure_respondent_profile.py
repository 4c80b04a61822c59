"""Figure 2: profile of the follow-up survey respondents, sector of work and career stage
(share of respondents who answered each item, in per cent). PNG + SVG, byte-identical
on rerun."""

import math
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115
sys.path.insert(0, str(Path(snakemake.input.lib_codebook).resolve().parent.parent))

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from lib.codebook import Codebook
from lib.report_format import fmt_percent

sns.set_theme(style="whitegrid", rc={"svg.hashsalt": "impact-story", "font.family": "DejaVu Sans"})
metrics = pd.read_csv(snakemake.input.metrics, dtype={"level": str})
codebook = Codebook.read(snakemake.input.questions, snakemake.input.options)

fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharex=True)
top = metrics.loc[metrics["metric_id"].isin(["sector_share", "career_stage_share"]), "value"].max() * 100
xmax = min(100, 10 * math.ceil((top + 8) / 10))
panels = [("sector_share", "sector", "Sector of work"), ("career_stage_share", "career_stage", "Career stage")]
for ax, (metric_id, list_name, title) in zip(axes, panels, strict=True):
    rows = metrics[metrics["metric_id"] == metric_id].copy()
    rows["label"] = [textwrap.fill(codebook.option_label(list_name, c), 26) for c in rows["level"]]
    rows = rows.sort_values(["value", "level"], ascending=[False, True])
    rows["percent"] = rows["value"] * 100
    sns.barplot(data=rows, x="percent", y="label", ax=ax, color="#1f6fb2", orient="h")
    for i, share in enumerate(rows["value"]):
        ax.text(share * 100 + 1, i, f"{fmt_percent(share)}%", va="center", fontsize=10)
    n = int(rows["denominator"].iloc[0])
    ax.set_title(f"{title} (n = {n})", loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel("Share of respondents (%)")
    ax.set_ylabel("")
    ax.set_xlim(0, xmax)
fig.suptitle("Figure 2. Profile of the follow-up survey respondents", x=0.01, ha="left", fontsize=13)
fig.tight_layout()
fig.savefig(snakemake.output.png, dpi=150, metadata={"Software": None})
fig.savefig(snakemake.output.svg, metadata={"Date": None, "Creator": None})
