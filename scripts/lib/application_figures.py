"""The two interval charts of the survey section, in the survey figures' style
(lib/figures.py): knowledge application rate by relationship to the topic, and the
course topics applied. Each bar carries its 95 % interval (Wilson, finite-population
corrected, from the metrics) as a whisker, explained in a small legend.

No title inside the image (the document's caption names the figure): the number of
respondents is in the category labels ("(n = 13)") or in the x-axis label, and the
overall rate is a dashed line named in the legend.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from lib.figures import INK, bar_figure_height, draw_hbars, print_figure, wrap
from lib.report_format import fmt_percent

INTERVAL_LABEL = "95% confidence interval"
LABEL_WRAP = 34  # characters per line of a category label
GROUP_LABEL_WRAP = 40  # group labels end with "(n = 13)", its spaces unbreakable
OVERHEAD_IN = 0.9  # legend above the plot, x axis and its label below
VALUE_ROOM = 9  # per cent of the axis right of a whisker for its value label (about 30 pt)


def axis_right(reach: float) -> int:
    """Right end of a 0-100 per cent axis, extended past 100 (to the next ten) only when the
    value label after a whisker reaching `reach` per cent would not fit inside the axes."""
    return max(100, 10 * math.ceil((reach + VALUE_ROOM) / 10))


def _interval_bars(ax, rows: pd.DataFrame, labels: list[str]) -> None:
    reach = draw_hbars(
        ax,
        labels,
        list(rows["value"] * 100),
        [f"{fmt_percent(v)}%" for v in rows["value"]],
        low=list(rows["ci_low"] * 100),
        high=list(rows["ci_high"] * 100),
        interval_label=INTERVAL_LABEL,
    )
    ax.set_xlim(0, axis_right(reach))
    ax.set_xticks(range(0, 101, 20))


def _legend(ax) -> None:
    """The legend above the plot, left-aligned, in one row."""
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: labels[i] == INTERVAL_LABEL)  # reference line first
    ax.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncol=len(order),
        frameon=False,
        borderaxespad=0.3,
        handlelength=2.2,
    )


def group_rows(metrics: pd.DataFrame) -> pd.DataFrame:
    """Groups of `application_rate_by_relationship` with respondents, highest rate first."""
    rows = metrics[(metrics["metric_id"] == "application_rate_by_relationship") & (metrics["denominator"] > 0)]
    return rows.sort_values(["value", "level"], ascending=[False, True]).reset_index(drop=True)


def draw_application_by_group(metrics: pd.DataFrame, label_of: Callable[[str], str]):
    """Application rate per relationship-to-topic group (label `label_of(code)` and its n),
    with intervals and the rate over all respondents as a dashed reference line."""
    overall = metrics.loc[metrics["metric_id"] == "application_rate", "value"].iloc[0]
    rows = group_rows(metrics)
    labels = [
        wrap(f"{label_of(code)} (n\N{NO-BREAK SPACE}=\N{NO-BREAK SPACE}{int(n):,})", GROUP_LABEL_WRAP)
        for code, n in zip(rows["level"], rows["denominator"], strict=True)
    ]
    fig, ax = print_figure(bar_figure_height(labels, OVERHEAD_IN))
    ax.axvline(
        overall * 100,
        color=INK,
        linestyle="--",
        linewidth=1.0,
        zorder=2.5,
        label=f"All respondents: {fmt_percent(overall)}%",
    )
    _interval_bars(ax, rows, labels)
    ax.set_xlabel("Respondents who applied knowledge or skills from the course (%)")
    _legend(ax)
    return fig


def topic_rows(metrics: pd.DataFrame) -> pd.DataFrame:
    """Rows of `topic_applied_share` in rank order (most often named first)."""
    return metrics[metrics["metric_id"] == "topic_applied_share"].sort_values(["rank", "level"]).reset_index(drop=True)


def draw_topics_applied(metrics: pd.DataFrame, label_of: Callable[[str], str]):
    """Share of applying respondents naming each topic (label `label_of(code)`), with
    intervals; the respondents' number is in the x-axis label."""
    rows = topic_rows(metrics)
    n = int(rows["denominator"].iloc[0]) if len(rows) else 0
    labels = [wrap(label_of(code), LABEL_WRAP) for code in rows["level"]]
    fig, ax = print_figure(bar_figure_height(labels, OVERHEAD_IN))
    _interval_bars(ax, rows, labels)
    ax.set_xlabel(f"Respondents naming the topic (% of the {n:,} who applied knowledge)")
    _legend(ax)
    return fig
