"""The one metric API (scripts/lib/metrics.py): each kind on small hand-made frames with
hand-computed values, and publish() reading kind and evidence policy from the registry."""

import math

import numpy as np
import pandas as pd
import pytest

from lib import metrics as m
from lib.registry import MetricRows

PEOPLE = pd.DataFrame(
    {
        "edition": ["E1", "E1", "E1", "E2", "E2", "E2"],
        "participant_key": ["a", "b", "c", "a", "d", "e"],
        "country": ["ECU", "MEX", None, "ECU", "ECU", None],
        "issued": ["yes", "no", "yes", "no", "no", "yes"],
        "score": [50, np.nan, 70, 100, np.nan, 30],
    }
)
KEY = ("edition", "participant_key")


def one(metrics, level=""):
    (row,) = [r for r in metrics.rows.itertuples(index=False) if r.level == level]
    return row


def entry(stage="s", kind="count", roles=("numerator",), breakdown=None, unit=None, interval="none", **extra):
    units = {"count": "count", "distinct_count": "count", "mean": "mean_percent"}
    return {"stage": stage, "kind": kind, "evidence_roles": list(roles), "breakdown": breakdown,
            "unit": unit or units.get(kind, "share"), "interval": interval, **extra}


def registry(**entries):
    return {mid: dict(e, id=mid, order=i) for i, (mid, e) in enumerate(entries.items())}


def test_count_and_counts_by():
    # E2 rows: 3; editions E1 E2 E3 -> 3, 3, 0 (E3 absent, still published as 0)
    r = one(m.count(PEOPLE, "n", KEY, within=PEOPLE["edition"] == "E2"))
    assert (r.value, r.numerator, r.denominator) == (3, 3, 3)
    by = m.counts_by(PEOPLE, "n_by", "edition", KEY, levels=["E1", "E2", "E3"])
    assert [(r.level, r.value) for r in by.rows.itertuples()] == [("E1", 3), ("E2", 3), ("E3", 0)]
    # found values only (missing left out): ECU 3, MEX 1
    assert by.parts[2].rows.tolist() == []
    found = m.counts_by(PEOPLE, "c", "country", KEY)
    assert dict(zip(found.rows.level, found.rows.value, strict=True)) == {"ECU": 3, "MEX": 1}


def test_distinct_count_counts_values_and_lists_the_rows():
    # countries among rows with a country: ECU, MEX -> 2; rows 0 1 3 4
    d = m.distinct_count(PEOPLE, "countries", "country", KEY, within=PEOPLE["country"].notna())
    assert one(d).value == 2 and d.parts[0].rows.tolist() == [0, 1, 3, 4]
    # distinct people: a b c d e -> 5 among 6 rows
    assert one(m.distinct_count(PEOPLE, "people", "participant_key", ["participant_key"])).value == 5


def test_share_shares_and_empty_denominator():
    # issued yes among E1: rows 0 2 of 0 1 2 -> 2/3
    s = one(m.share(PEOPLE, "s", PEOPLE["edition"] == "E1", PEOPLE["issued"] == "yes", KEY))
    assert (s.numerator, s.denominator, s.value) == (2, 3, pytest.approx(2 / 3))
    many = m.shares(PEOPLE, "c", PEOPLE["country"].notna(), [(c, PEOPLE["country"] == c) for c in ("ECU", "MEX")], KEY)
    assert [(r.numerator, r.denominator) for r in many.rows.itertuples()] == [(3, 4), (1, 4)]
    assert many.parts[0].rows is many.parts[1].rows  # the denominator rows found once
    none = one(m.share(PEOPLE, "s", PEOPLE["edition"] == "E9", PEOPLE["issued"] == "yes", KEY))
    assert none.denominator == 0 and math.isnan(none.value)


def test_share_of_population_mean_and_mean_of_shares():
    p = one(m.share_of_population(PEOPLE, "rate", 24, KEY))
    assert (p.numerator, p.denominator, p.value) == (6, 24, 0.25)
    # scores answered: 50 70 100 30 -> 250 / 4 = 62.5; within E1: 50 70 -> 60
    assert (one(m.mean(PEOPLE, "mean", "score", KEY)).value, one(m.mean(PEOPLE, "mean", "score", KEY)).denominator) == (62.5, 4)
    assert one(m.mean(PEOPLE, "mean", "score", KEY, within=PEOPLE["edition"] == "E1")).value == 60
    # shares of yes per edition: E1 2/3, E2 1/3, E3 none (not averaged) -> (2/3 + 1/3) / 2 = 0.5
    per = m.Metrics.concat(
        m.share(PEOPLE, "per", PEOPLE["edition"] == e, PEOPLE["issued"] == "yes", KEY, level=e) for e in ("E1", "E2", "E3")
    )
    avg = one(m.mean_of_shares(per, "avg"))
    assert (avg.value, avg.numerator, avg.denominator) == (pytest.approx(0.5), pytest.approx(1.0), 2)


def test_with_rank_largest_first_ties_by_level():
    c = m.counts_by(PEOPLE.assign(x=["b", "a", "c", "c", "b", "a"]), "x", "x", KEY)
    ranked = m.with_rank(c, ["x"]).rows
    assert dict(zip(ranked.level, ranked["rank"], strict=True)) == {"a": 1, "b": 2, "c": 3}


def test_publish_reads_kind_and_evidence_policy_from_the_registry():
    reg = registry(
        people=entry(kind="count"),
        countries=entry(kind="distinct_count"),
        issued=entry(kind="share", roles=("numerator", "denominator"), breakdown="edition"),
        rate=entry(kind="share_of_population"),
        score=entry(kind="mean", roles=("numerator", "denominator")),
        avg=entry(kind="mean_of_shares", roles=()),
    )
    per = m.Metrics.concat(
        m.share(PEOPLE, "issued", PEOPLE["edition"] == e, PEOPLE["issued"] == "yes", KEY, level=e, sep=":")
        for e in ("E1", "E2")
    )
    metrics = m.Metrics.concat(
        [
            m.count(PEOPLE, "people", KEY, within=PEOPLE["edition"] == "E1", sep=":"),
            m.distinct_count(PEOPLE, "countries", "country", KEY, within=PEOPLE["country"].notna(), sep=":"),
            per,
            m.share_of_population(PEOPLE, "rate", 24, KEY, sep=":"),
            m.mean(PEOPLE, "score", "score", KEY, sep=":"),
            m.mean_of_shares(per, "avg"),
        ]
    )
    rows = MetricRows(reg, stage="s")
    m.publish(metrics, rows)
    f = rows.frame().set_index(["metric_id", "level"], drop=False)
    assert f.loc[f.metric_id == "countries", "value"].item() == 2  # distinct values, not rows
    assert f.loc[f.metric_id == "rate", "value"].item() == 0.25
    assert f.loc[f.metric_id == "score", "value"].item() == 62.5
    assert f.loc[f.metric_id == "avg", "value"].item() == pytest.approx(0.5)
    ev = rows.evidence_frame()
    roles = ev.groupby(["metric_id", "level", "role"]).size().to_dict()
    assert roles == {
        ("people", "", "numerator"): 3,  # a count lists its rows as numerator only
        ("countries", "", "numerator"): 4,  # the rows with a country, not the 2 countries
        ("issued", "E1", "numerator"): 2, ("issued", "E1", "denominator"): 3,
        ("issued", "E2", "numerator"): 1, ("issued", "E2", "denominator"): 3,
        ("rate", "", "numerator"): 6,  # the population is a size, not a key list
        ("score", "", "numerator"): 4, ("score", "", "denominator"): 4,
    }  # avg: evidence_roles [] -> no key list
    assert ev.loc[ev.metric_id == "issued", "key"].iloc[0] == "E1:a" and set(ev.key_type) == {"edition:participant_key"}


def test_publish_follows_the_registry_not_the_id():
    """A metric is published as its registry kind says, whatever its id (here one ending
    in _mean); rows computed by a block of another kind are refused, not reinterpreted."""
    metrics = m.share(PEOPLE, "x_mean", PEOPLE["edition"] == "E1", PEOPLE["issued"] == "yes", KEY)
    as_share = MetricRows(registry(x_mean=entry(kind="share", roles=("numerator", "denominator"))), stage="s")
    m.publish(metrics, as_share)
    assert as_share.frame()["value"].item() == pytest.approx(2 / 3)
    assert set(as_share.evidence_frame()["role"]) == {"numerator", "denominator"}
    with pytest.raises(ValueError, match="'x_mean' is computed as a share but the metric registry makes it a count"):
        m.publish(metrics, MetricRows(registry(x_mean=entry(kind="count")), stage="s"))
    with pytest.raises(ValueError, match="computed as a share but the metric registry makes it a mean_of_shares"):
        m.publish(metrics, MetricRows(registry(x_mean=entry(kind="mean_of_shares", roles=())), stage="s"))


def test_publish_refuses_an_uncomputed_or_unknown_metric():
    reg = registry(people=entry(kind="count"), other=entry(kind="count"), elsewhere=entry(stage="t", kind="count"))
    with pytest.raises(ValueError, match=r"s metrics defined in the metric registry but not computed: \['other'\]"):
        m.publish(m.count(PEOPLE, "people", KEY), MetricRows(reg, stage="s"))
    with pytest.raises(KeyError, match="nope"):
        m.publish(m.count(PEOPLE, "nope", KEY), MetricRows(reg, stage="s"))
