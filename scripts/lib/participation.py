"""Participation metrics (LMS) from the clean participants table.

Definitions are those of ``resources/metric_registry.yaml`` (stage ``participation``);
each function below returns the :class:`lib.metrics.Metrics` of one or a few registry
entries, built with the blocks of ``lib.metrics`` (the one metric API every stage uses);
:func:`compute` publishes them. Evidence key ``<edition>:<participant_key>``, or the bare
participant key for ``unique_people``.
"""

from __future__ import annotations

import pandas as pd

from lib import metrics as m
from lib.registry import MetricRows
from lib.vocabulary import CERTIFICATES as CERTS
from lib.vocabulary import GENDERS
from lib.vocabulary import RECORDED_GENDERS as RECORDED

KEY, SEP = ("edition", "participant_key"), ":"  # evidence key <edition>:<participant_key>


def participants(people: pd.DataFrame, editions: list[str]) -> m.Metrics:
    """participants_total / _by_edition / _by_language / _by_year and unique_people."""
    return m.Metrics.concat(
        [
            m.count(people, "participants_total", KEY, sep=SEP),
            m.counts_by(people, "participants_by_edition", "edition", KEY, levels=editions, sep=SEP),
            m.counts_by(people, "participants_by_language", "language", KEY, sep=SEP),
            m.counts_by(people, "participants_by_year", "year", KEY, sep=SEP),
            m.distinct_count(people, "unique_people", "participant_key", ["participant_key"]),
        ]
    )


def country_ranking(people: pd.DataFrame) -> pd.DataFrame:
    """Countries by participants (desc), ties by ISO code; columns iso3, n, rank (1-based)."""
    counts = people["country_iso3"].dropna().value_counts().rename_axis("iso3").reset_index(name="n")
    counts = counts.sort_values(["n", "iso3"], ascending=[False, True], kind="stable").reset_index(drop=True)
    counts["rank"] = range(1, len(counts) + 1)
    return counts


def countries(people: pd.DataFrame) -> m.Metrics:
    """countries_total, participants_by_country, participants_country_not_recorded."""
    recorded = people["country_iso3"].notna()
    return m.Metrics.concat(
        [
            m.distinct_count(people, "countries_total", "country_iso3", KEY, within=recorded, sep=SEP),
            m.counts_by(people, "participants_by_country", "country_iso3", KEY, sep=SEP),
            m.count(people, "participants_country_not_recorded", KEY, within=~recorded, sep=SEP),
        ]
    )


def gender(people: pd.DataFrame) -> m.Metrics:
    """gender_count (all four codes) and gender_share over participants with a gender recorded."""
    recorded = people["gender"].isin(RECORDED)
    return m.Metrics.concat(
        [
            m.counts_by(people, "gender_count", "gender", KEY, levels=GENDERS, sep=SEP),
            m.shares(people, "gender_share", recorded, ((g, people["gender"] == g) for g in RECORDED), KEY, sep=SEP),
        ]
    )


def certificates(people: pd.DataFrame, editions: list[str]) -> m.Metrics:
    """Certificates issued overall and per edition (Box 1) and the issued-vs-eligible reconciliation."""
    everyone = pd.Series(True, index=people.index)
    parts = []
    for kind in ("completion", "participation"):
        issued = people["certificate_issued"] == kind
        parts.append(m.count(people, f"certificates_{kind}", KEY, within=issued, sep=SEP))
        parts.append(m.share(people, f"certificates_{kind}_share", everyone, issued, KEY, sep=SEP))
        parts.append(m.shares_by(people, f"certificates_{kind}_by_edition", "edition", issued, KEY, editions, sep=SEP))
    pairs = [(issued, eligible) for issued in CERTS for eligible in CERTS]
    parts.append(
        m.counts_by(
            people, "certificates_reconciliation", ["certificate_issued", "certificate_eligible"], KEY, pairs,
            sep=SEP, name="{0[0]}_vs_{0[1]}".format,
        )
    )
    return m.Metrics.concat(parts)


def compute(people: pd.DataFrame, registry: dict, editions: list[str]) -> MetricRows:
    """All participation metrics of the registry for the given editions (report order)."""
    rows = MetricRows(registry, stage="participation")
    metrics = m.Metrics.concat(
        [participants(people, editions), countries(people), gender(people), certificates(people, editions)]
    )
    m.publish(m.with_rank(metrics, m.ranked(registry, "participation")), rows)
    return rows


def box1(metrics: pd.DataFrame, editions: list[str]) -> pd.DataFrame:
    """Box 1 (certificates per edition + total) from the participation metric rows."""

    def pick(metric_id, level=None):
        sel = metrics[metrics["metric_id"] == metric_id]
        sel = sel[sel["level"].fillna("").astype(str) == (level or "")]
        if len(sel) != 1:
            raise ValueError(f"metrics hold {len(sel)} rows for {metric_id} level {level!r}, expected 1")
        return sel.iloc[0]

    out = []
    for ed in [*editions, None]:
        comp = pick("certificates_completion_by_edition", ed) if ed else pick("certificates_completion_share")
        part = pick("certificates_participation_by_edition", ed) if ed else pick("certificates_participation_share")
        out.append(
            {
                "edition": ed or "Total",
                "participants": int(comp["denominator"]),
                "completion_count": int(comp["numerator"]),
                "completion_share": comp["value"],
                "participation_count": int(part["numerator"]),
                "participation_share": part["value"],
            }
        )
    return pd.DataFrame(out)
