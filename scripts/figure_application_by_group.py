"""Knowledge application rate by relationship to the topic, with 95 % Wilson intervals
(finite-population corrected) and the overall rate as a reference line. PNG + SVG,
byte-identical on rerun."""

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

overall = metrics[metrics["metric_id"] == "application_rate"].iloc[0]
rows = metrics[(metrics["metric_id"] == "application_rate_by_relationship") & (metrics["denominator"] > 0)]
rows = rows.sort_values(["value", "level"], ascending=[False, True]).reset_index(drop=True)
rows["label"] = [
    textwrap.fill(codebook.option_label("relationship", c), 38) + f"\n(n = {int(n)})"
    for c, n in zip(rows["level"], rows["denominator"], strict=True)
]
rows["percent"] = rows["value"] * 100
fig, ax = plt.subplots(figsize=(9, 5))
sns.barplot(data=rows, x="percent", y="label", ax=ax, color="#b25d1f", orient="h")
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
    ax.text(2, i, f"{fmt_percent(r['value'])}%", va="center", ha="left", fontsize=10, color="white", fontweight="bold")
ax.axvline(overall["value"] * 100, color="#444444", linestyle="--", linewidth=1.2)
ax.text(
    overall["value"] * 100 - 1,
    -0.6,
    f"All respondents: {fmt_percent(overall['value'])}%",
    ha="right",
    va="bottom",
    fontsize=9,
    color="#444444",
    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
)
ax.set_xlim(0, 100)
ax.set_ylim(len(rows) - 0.5, -0.9)
ax.set_xlabel("Respondents who applied knowledge or skills from the course (%)")
ax.set_ylabel("")
ax.set_title(
    "Knowledge application rate by relationship to the topic\nBlack lines: 95% interval (Wilson, finite-population corrected)",
    loc="left",
    fontsize=11,
)
fig.tight_layout()
save_png_svg(fig, snakemake.output.png, snakemake.output.svg)
