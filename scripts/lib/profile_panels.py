"""Figure 2 (profile of the follow-up survey respondents): one horizontal bar chart of
shares per survey item, side by side (career stage, then sector of work, the order in
which the report describes them), from the application metrics, in the survey
figures' style (lib/figures.py).

A panel has no title (the document's caption names the figure): its x-axis label names
the item and the number of respondents who answered it, "Sector of work (n = 233)".

A survey item that nobody answered is legitimate input (an analyst's form may not have
it): its metric rows are missing or have no value over a denominator of zero. Its panel
then says "No answers" instead of drawing bars, and the other panels are drawn as usual.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from lib.figures import FONT_PT, INK, bar_figure_height, draw_hbars, print_figure, wrap
from lib.report_format import fmt_percent

NO_ANSWERS = "No answers"
# (metric, option list of the codebook, item name on the axis), left to right
PANELS = (("career_stage_share", "career_stage", "Career stage"), ("sector_share", "sector", "Sector of work"))
LABEL_WRAP = 22  # characters per line of a category label (two panels share the text width)
OVERHEAD_IN = 0.85  # x axis and its two-line label


def answered_rows(metrics: pd.DataFrame, metric_id: str) -> pd.DataFrame:
    """The levels of `metric_id` that have a share, largest first (ties by level code)."""
    rows = metrics[(metrics["metric_id"] == metric_id) & pd.to_numeric(metrics["value"], errors="coerce").notna()]
    return rows.sort_values(["value", "level"], ascending=[False, True])


def respondents(metrics: pd.DataFrame, metric_id: str) -> int:
    """Respondents who answered the item (the shares' denominator; 0 if nobody did)."""
    base = pd.to_numeric(metrics.loc[metrics["metric_id"] == metric_id, "denominator"], errors="coerce").dropna()
    return int(base.iloc[0]) if len(base) else 0


def axis_limit(metrics: pd.DataFrame, metric_ids: list[str]) -> int:
    """Shared x limit in per cent: the largest share plus room for its value label, in tens
    (100 when no item has a share)."""
    shares = pd.to_numeric(metrics.loc[metrics["metric_id"].isin(metric_ids), "value"], errors="coerce").dropna()
    if shares.empty:
        return 100
    return min(100, 10 * math.ceil((shares.max() * 100 + 8) / 10))


def panel_label(title: str, n: int) -> str:
    """The x-axis label of a panel: the item, its respondents and the unit."""
    return f"{title} (n = {n:,})\nShare of respondents (%)"


def _x_axis(ax, xmax: int) -> None:
    """0 to `xmax` per cent with fixed ticks (the layout is computed with the last one)."""
    ax.set_xlim(0, xmax)
    ax.set_xticks(range(0, xmax + 1, 10 if xmax <= 60 else 20))


def draw_panel(ax, metrics: pd.DataFrame, metric_id: str, title: str, label_of, xmax: int) -> int:
    """Draw one item's shares on `ax` (or "No answers"); returns the number of bars."""
    rows = answered_rows(metrics, metric_id)
    ax.set_xlabel(panel_label(title, respondents(metrics, metric_id)))
    ax.set_ylabel("")
    if not rows.empty:
        draw_hbars(
            ax,
            [wrap(label_of(code), LABEL_WRAP) for code in rows["level"]],
            [share * 100 for share in rows["value"]],
            [f"{fmt_percent(share)}%" for share in rows["value"]],
        )
    else:
        ax.set_yticks([])
        ax.text(0.5, 0.5, NO_ANSWERS, transform=ax.transAxes, ha="center", va="center", fontsize=FONT_PT, color=INK)
    _x_axis(ax, xmax)
    return len(rows)


def profile_height(metrics: pd.DataFrame, label_of: Callable[[str, str], str]) -> float:
    """Figure height in inches: room for the panel that needs most (its bars at the step of
    its longest label) and the two-line axis labels."""
    return max(
        bar_figure_height(
            [wrap(label_of(list_name, code), LABEL_WRAP) for code in answered_rows(metrics, metric_id)["level"]],
            OVERHEAD_IN,
        )
        for metric_id, list_name, _ in PANELS
    )


def draw_profile(metrics: pd.DataFrame, label_of: Callable[[str, str], str]):
    """Figure 2: one panel per item of PANELS; `label_of(option_list, code)` gives a
    category's label. Returns the figure and the number of bars of each panel."""
    fig, axes = print_figure(profile_height(metrics, label_of), ncols=2, sharex=True)
    xmax = axis_limit(metrics, [metric_id for metric_id, _, _ in PANELS])
    bars = {}
    for ax, (metric_id, list_name, title) in zip(axes, PANELS, strict=True):
        bars[metric_id] = draw_panel(ax, metrics, metric_id, title, lambda code, ln=list_name: label_of(ln, code), xmax)
    return fig, bars
