"""Panels of Figure 2 (profile of the follow-up survey respondents): one horizontal bar
chart of shares per survey item, from the application metrics.

A survey item that nobody answered is legitimate input (an analyst's form may not have
it): its metric rows are missing or have no value over a denominator of zero. Its panel
then says "No answers" instead of drawing bars, and the other panels are drawn as usual.
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd

from lib.report_format import fmt_percent

NO_ANSWERS = "No answers"
BAR_COLOUR = "#1f6fb2"


def answered_rows(metrics: pd.DataFrame, metric_id: str) -> pd.DataFrame:
    """The levels of `metric_id` that have a share, largest first (ties by level code)."""
    rows = metrics[(metrics["metric_id"] == metric_id) & pd.to_numeric(metrics["value"], errors="coerce").notna()]
    return rows.sort_values(["value", "level"], ascending=[False, True])


def respondents(metrics: pd.DataFrame, metric_id: str) -> int:
    """Respondents who answered the item (the shares' denominator; 0 if nobody did)."""
    base = pd.to_numeric(metrics.loc[metrics["metric_id"] == metric_id, "denominator"], errors="coerce").dropna()
    return int(base.iloc[0]) if len(base) else 0


def axis_limit(metrics: pd.DataFrame, metric_ids: list[str]) -> int:
    """Shared x limit in per cent: the largest share plus room for its label, in tens
    (100 when no item has a share)."""
    shares = pd.to_numeric(metrics.loc[metrics["metric_id"].isin(metric_ids), "value"], errors="coerce").dropna()
    if shares.empty:
        return 100
    return min(100, 10 * math.ceil((shares.max() * 100 + 8) / 10))


def draw_panel(ax, metrics: pd.DataFrame, metric_id: str, title: str, label_of, xmax: int) -> int:
    """Draw one item's shares on `ax` (or "No answers"); returns the number of bars."""
    import seaborn as sns

    rows = answered_rows(metrics, metric_id).copy()
    ax.set_title(f"{title} (n = {respondents(metrics, metric_id):,})", loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel("Share of respondents (%)")
    ax.set_ylabel("")
    ax.set_xlim(0, xmax)
    if rows.empty:
        ax.set_yticks([])
        ax.text(0.5, 0.5, NO_ANSWERS, transform=ax.transAxes, ha="center", va="center", fontsize=12, color="#555555")
        return 0
    rows["label"] = [textwrap.fill(label_of(code), 26) for code in rows["level"]]
    rows["percent"] = rows["value"] * 100
    sns.barplot(data=rows, x="percent", y="label", ax=ax, color=BAR_COLOUR, orient="h")
    for i, share in enumerate(rows["value"]):
        ax.text(share * 100 + 1, i, f"{fmt_percent(share)}%", va="center", fontsize=10)
    ax.set_xlabel("Share of respondents (%)")
    ax.set_ylabel("")
    ax.set_xlim(0, xmax)
    return len(rows)
