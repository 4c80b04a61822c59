"""Knowledge application by course topic: share of respondents who applied knowledge
naming each topic, sorted, with 95 % Wilson intervals (finite-population corrected).
PNG + SVG, byte-identical on rerun."""

import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115
sys.path.insert(0, str(Path(snakemake.input.lib_codebook).resolve().parent.parent))

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from lib.codebook import Codebook
from lib.figures import save_png_svg, set_theme
from lib.report_format import fmt_percent

set_theme()
metrics = pd.read_csv(snakemake.input.metrics, dtype={"level": str})
codebook = Codebook.read(snakemake.input.questions, snakemake.input.options)

rows = metrics[metrics["metric_id"] == "topic_applied_share"].sort_values("rank").reset_index(drop=True)
rows["label"] = [
    textwrap.fill(f"Module {i}: {codebook.option_label('topic', c)}", 34)
    for i, c in zip(
        rows["level"].map({c: k + 1 for k, c in enumerate(codebook.option_codes("topic"))}), rows["level"], strict=True
    )
]
rows["percent"] = rows["value"] * 100
fig, ax = plt.subplots(figsize=(9, 4.4))
sns.barplot(data=rows, x="percent", y="label", ax=ax, color="#2a8c5a", orient="h")
ax.errorbar(
    rows["percent"],
    range(len(rows)),
    xerr=[rows["percent"] - rows["ci_low"] * 100, rows["ci_high"] * 100 - rows["percent"]],
    fmt="none",
    ecolor="#222222",
    capsize=4,
    linewidth=1.2,
)
for i, r in rows.iterrows():
    ax.text(r["ci_high"] * 100 + 1.5, i, f"{fmt_percent(r['value'])}%", va="center", fontsize=10)
n = int(rows["denominator"].iloc[0])
ax.set_xlim(0, 100)
ax.set_xlabel("Share of respondents who applied knowledge naming the topic (%)")
ax.set_ylabel("")
ax.set_title(
    f"Course topics applied (n = {n} respondents who applied knowledge)\n"
    "Black lines: 95% interval (Wilson, finite-population corrected)",
    loc="left",
    fontsize=11,
)
fig.tight_layout()
save_png_svg(fig, snakemake.output.png, snakemake.output.svg)
