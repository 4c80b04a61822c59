"""The one metric API every stage computes through (participation, reaction, application).

A stage's metric functions say *which rows* lie behind each number: they return
:class:`Metrics`, metric rows together with their :class:`Evidence` (the positions of the
rows in the denominator, which of them are in the numerator, the values averaged), built
with the blocks below (:func:`count`, :func:`counts_by`, :func:`distinct_count`,
:func:`share`, :func:`shares`, :func:`shares_by`, :func:`share_of_population`, :func:`mean`,
:func:`mean_of_shares`). The registry (``resources/metric_registry.yaml``) says *what the
number is*: its ``kind`` (:data:`KINDS`), its evidence policy (``evidence_roles``), whether
its levels are ``ranked``. :func:`publish` is the one path from a stage's
:class:`Metrics` to the metric rows and evidence table (``lib.registry.MetricRows``): it
reads the kind and policy of each metric from the registry, never from its id, and
refuses a stage that leaves a registry metric of its stage uncomputed.

Adding a metric: a registry entry (id, stage, kind, evidence_roles, words) and one
function of its stage's module returning its :class:`Metrics` (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# `kind`: the kind of block that computed the row, checked against the registry's by publish()
ROW_COLUMNS = ["metric_id", "level", "value", "numerator", "denominator", "rank", "ci_low", "ci_high", "kind"]
NO_ROWS = np.array([], dtype=np.int64)


@dataclass(frozen=True)
class Kind:
    """How a kind of metric is published: the collector's method (count / share / mean)
    and which evidence rows form its numerator (``flagged``: the rows flagged
    ``in_numerator``; else every row behind it, e.g. the rows counted or averaged)."""

    method: str
    flagged: bool


# registry `kind` -> how it is published (schemas/registry.schema.yaml lists the same)
KINDS: dict[str, Kind] = {
    "count": Kind("count", flagged=False),  # rows counted
    "distinct_count": Kind("count", flagged=False),  # distinct values among the rows
    "share": Kind("share", flagged=True),  # rows in the numerator / rows in the denominator
    "share_of_population": Kind("share", flagged=True),  # rows / a population size given
    "mean": Kind("mean", flagged=False),  # sum of the rows' values / rows
    "mean_of_shares": Kind("mean", flagged=False),  # sum of other rows' shares / shares
}


@dataclass(frozen=True)
class Evidence:
    """The rows behind one metric row, as positions into the frame it was computed on.

    rows: ascending positions of the rows in the denominator (for counts and means, the
    rows counted or averaged); in_numerator: per row, whether it is in the numerator (None
    for means); value: per row, the value averaged (means only). `frame` is shared by every
    metric computed on it, not copied. A row's evidence key is its `ids` columns joined
    with `sep` (key type: the column names joined the same way)."""

    metric_id: str
    level: str
    frame: pd.DataFrame
    ids: tuple[str, ...]
    rows: np.ndarray
    in_numerator: np.ndarray | None = None
    value: np.ndarray | None = None
    sep: str = "/"

    @property
    def key_type(self) -> str:
        return self.sep.join(self.ids)

    def counted(self) -> np.ndarray:
        """Positions of the rows in the numerator of a share."""
        return NO_ROWS if self.in_numerator is None else self.rows[self.in_numerator]

    def to_frame(self) -> pd.DataFrame:
        """One row per evidence row: metric_id, level, <id columns>, in_numerator, value."""
        ev = self.frame[list(self.ids)].iloc[self.rows].reset_index(drop=True)
        ev.insert(0, "level", self.level)
        ev.insert(0, "metric_id", self.metric_id)
        ev["in_numerator"] = (
            pd.array([pd.NA] * len(ev), dtype="boolean")
            if self.in_numerator is None
            else pd.array(self.in_numerator, dtype="boolean")
        )
        ev["value"] = np.nan if self.value is None else np.asarray(self.value, dtype=float)
        return ev


@dataclass(frozen=True)
class Metrics:
    """Metric rows (ROW_COLUMNS) and the evidence of each, one part per (metric_id, level)."""

    rows: pd.DataFrame
    parts: Sequence[Evidence] = ()

    @property
    def evidence(self) -> pd.DataFrame:
        """The evidence of every row as one frame (for inspection and tests; `publish`
        works on the positions)."""
        frames = [p.to_frame() for p in self.parts if len(p.rows)] or [p.to_frame() for p in self.parts[:1]]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    @staticmethod
    def concat(parts: Iterable[Metrics]) -> Metrics:
        parts = list(parts)
        rows = pd.concat([p.rows for p in parts], ignore_index=True)
        return Metrics(rows[ROW_COLUMNS], tuple(e for p in parts for e in p.parts))


def _row(kind, metric_id, level, value, numerator, denominator, rank=pd.NA) -> dict:
    return dict(
        kind=kind,
        metric_id=metric_id,
        level=level,
        value=value,
        numerator=numerator,
        denominator=denominator,
        rank=rank,
        ci_low=np.nan,
        ci_high=np.nan,
    )


def _rows(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=ROW_COLUMNS)
    out["rank"] = out["rank"].astype("Int64")
    return out.astype({"value": float, "numerator": float, "denominator": "int64", "ci_low": float, "ci_high": float})


def flags(frame: pd.DataFrame, mask) -> np.ndarray:
    """A boolean mask over the rows of `frame` as numpy (missing = False)."""
    return pd.Series(mask, index=frame.index).fillna(False).to_numpy(dtype=bool)


def _positions(frame: pd.DataFrame, within) -> np.ndarray:
    return np.arange(len(frame)) if within is None else np.flatnonzero(flags(frame, within))


# ---------------------------------------------------------------- blocks (one per kind)
def count(frame: pd.DataFrame, metric_id: str, ids: Sequence[str], level: str = "", within=None, sep="/") -> Metrics:
    """kind count: the rows of `frame` (where `within` holds)."""
    rows = _positions(frame, within)
    n = len(rows)
    return Metrics(
        _rows([_row("count", metric_id, level, float(n), float(n), n)]),
        (Evidence(metric_id, level, frame, tuple(ids), rows, np.ones(n, bool), sep=sep),),
    )


def counts_by(frame, metric_id, column, ids, levels=None, sep="/", name=str) -> Metrics:
    """kind count, one row per value of `column` (missing values left out): the values
    found, or `levels` (those absent counted as 0); level = ``name(value)``."""
    found = frame.groupby(column, sort=True, dropna=True, observed=True).indices
    out, evidence = [], []
    for value in found if levels is None else levels:
        rows = np.asarray(found.get(value, NO_ROWS), dtype=np.int64)
        out.append(_row("count", metric_id, name(value), float(len(rows)), float(len(rows)), len(rows)))
        evidence.append(Evidence(metric_id, name(value), frame, tuple(ids), rows, np.ones(len(rows), bool), sep=sep))
    return Metrics(_rows(out), tuple(evidence))


def distinct_count(frame, metric_id, column, ids, within=None, sep="/") -> Metrics:
    """kind distinct_count: the distinct values of `column` among the rows (where `within`
    holds); the evidence lists those rows."""
    rows = _positions(frame, within)
    k = int(frame[column].iloc[rows].nunique(dropna=True))
    return Metrics(
        _rows([_row("distinct_count", metric_id, "", float(k), float(k), len(rows))]),
        (Evidence(metric_id, "", frame, tuple(ids), rows, np.ones(len(rows), bool), sep=sep),),
    )


def shares(frame, metric_id, denominator, numerators, ids, sep="/") -> Metrics:
    """kind share, one row per (level, numerator mask) of `numerators` among the rows where
    `denominator` holds; those rows are found once and shared by every level's evidence."""
    rows = np.flatnonzero(flags(frame, denominator))
    out, evidence = [], []
    for level, numerator in numerators:
        in_numerator = flags(frame, numerator)[rows]
        n, k = len(rows), int(in_numerator.sum())
        out.append(_row("share", metric_id, level, k / n if n else np.nan, float(k), n))
        evidence.append(Evidence(metric_id, level, frame, tuple(ids), rows, in_numerator, sep=sep))
    return Metrics(_rows(out), tuple(evidence))


def shares_by(frame, metric_id, column, numerator, ids, levels, sep="/") -> Metrics:
    """kind share within each group of `column`, one row per level of `levels` (absent ones
    have denominator 0): rows where `numerator` holds among the group's rows (found once,
    by grouping, not by one mask per level)."""
    found = frame.groupby(column, sort=True, dropna=True, observed=True).indices
    in_numerator = flags(frame, numerator)
    out, evidence = [], []
    for level in levels:
        rows = np.asarray(found.get(level, NO_ROWS), dtype=np.int64)
        counted = in_numerator[rows]
        n, k = len(rows), int(counted.sum())
        out.append(_row("share", metric_id, level, k / n if n else np.nan, float(k), n))
        evidence.append(Evidence(metric_id, level, frame, tuple(ids), rows, counted, sep=sep))
    return Metrics(_rows(out), tuple(evidence))


def share(frame, metric_id, denominator, numerator, ids, level: str = "", sep="/") -> Metrics:
    """kind share: rows where `numerator` holds among rows where `denominator` holds."""
    return shares(frame, metric_id, denominator, [(level, numerator)], ids, sep=sep)


def share_of_population(frame, metric_id, population: int, ids, sep="/") -> Metrics:
    """kind share_of_population: the rows of `frame` over a population size (e.g. the
    participants of the surveyed editions), whose members are not listed."""
    n = len(frame)
    return Metrics(
        _rows([_row("share_of_population", metric_id, "", n / population if population else np.nan, float(n), population)]),
        (Evidence(metric_id, "", frame, tuple(ids), np.arange(n), np.ones(n, bool), sep=sep),),
    )


def mean(frame, metric_id, column, ids, within=None, level: str = "", sep="/") -> Metrics:
    """kind mean: mean of a numeric column among rows within `within` that answered it."""
    values = pd.to_numeric(frame[column], errors="coerce")
    rows = values.notna() if within is None else values.notna() & within.fillna(False)
    vals = values[rows].astype(float)
    n = len(vals)
    averaged = np.flatnonzero(flags(frame, rows))
    return Metrics(
        _rows([_row("mean", metric_id, level, vals.mean() if n else np.nan, float(vals.sum()), n)]),
        (Evidence(metric_id, level, frame, tuple(ids), averaged, value=vals.to_numpy(dtype=float), sep=sep),),
    )


def mean_of_shares(part: Metrics, metric_id: str) -> Metrics:
    """kind mean_of_shares: unweighted mean of the shares of `part` (e.g. per edition) that
    have a denominator; numerator = sum of the shares, denominator = shares averaged. Its
    evidence is that of the shares (no key list of its own: registry evidence_roles [])."""
    used = part.rows[part.rows["denominator"] > 0]
    total, n = float(used["value"].sum()), len(used)
    return Metrics(_rows([_row("mean_of_shares", metric_id, "", total / n if n else np.nan, total, n)]))


def with_rank(metrics: Metrics, metric_ids: Iterable[str]) -> Metrics:
    """rank within each metric: 1 = largest value; ties broken by level code (the metrics
    the registry marks ``ranked``: :func:`ranked`)."""
    rows = metrics.rows.copy()
    for mid in metric_ids:
        sel = rows[rows["metric_id"] == mid]
        order = sel.assign(_v=-sel["value"].fillna(-1)).sort_values(["_v", "level"]).index
        rows.loc[order, "rank"] = range(1, len(order) + 1)
    rows["rank"] = rows["rank"].astype("Int64")
    return Metrics(rows, metrics.parts)


def ranked(registry: Mapping[str, dict], stage: str) -> list[str]:
    """The metrics of a stage whose levels the registry marks ``ranked``."""
    return [m for m, e in registry.items() if e["stage"] == stage and e.get("ranked")]


# ---------------------------------------------------------------- publishing
def evidence_key(frame: pd.DataFrame, ids: Sequence[str], sep: str = "/") -> pd.Series:
    """One text key per row: the id columns joined with `sep` (e.g. 2020-EN1/17)."""
    parts = [frame[c].astype("string").fillna("") for c in ids]
    key = parts[0]
    for p in parts[1:]:
        key = key + sep + p
    return key


class _EvidenceKeys:
    """The distinct evidence keys of a frame, built and sorted once per (frame, ids, sep).

    The keys of any rows of a frame are then positions into its distinct sorted keys,
    strictly increasing, which ``MetricRows.evidence_at`` takes only when the evidence
    table is written: no per-row copies and no sort per metric row."""

    def __init__(self):
        self._frames: dict[tuple, tuple[pd.DataFrame, pa.Array, np.ndarray]] = {}
        self._shared: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def _sorted(self, part: Evidence) -> tuple[pa.Array, np.ndarray]:
        """The frame's distinct keys in code-point order, and each row's position among them."""
        cache = (id(part.frame), part.ids, part.sep)
        if cache not in self._frames:
            keys = pa.array(evidence_key(part.frame, part.ids, part.sep).array)
            keys = keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys
            order = pc.sort_indices(keys)
            ordered = keys.take(order)
            first = np.ones(len(ordered), dtype=bool)
            if len(ordered) > 1:
                changed = pc.not_equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1))
                first[1:] = changed.to_numpy(zero_copy_only=False)
            key_of_row = np.empty(len(ordered), dtype=np.int64)
            key_of_row[order.to_numpy()] = np.cumsum(first) - 1
            self._frames[cache] = (part.frame, ordered.filter(pa.array(first)), key_of_row)
        return self._frames[cache][1:]

    def positions(self, part: Evidence, rows: np.ndarray) -> tuple[pa.Array, np.ndarray]:
        """(distinct sorted keys of the frame, positions among them of the keys of `rows`)."""
        distinct, key_of_row = self._sorted(part)
        chosen = np.zeros(len(distinct), dtype=bool)
        chosen[key_of_row[rows]] = True
        return distinct, np.flatnonzero(chosen)

    def every(self, part: Evidence) -> tuple[pa.Array, np.ndarray]:
        """Keys of all of `part`'s rows: one positions array per rows array (shared by the
        levels of an item, held while in use)."""
        cache = (id(part.rows), id(part.frame), part.ids, part.sep)
        if cache not in self._shared:
            self._shared[cache] = (part.rows, self.positions(part, part.rows)[1])
        return self._sorted(part)[0], self._shared[cache][1]


def publish(metrics: Metrics, collector) -> None:
    """Add the rows and evidence of `metrics` to a ``lib.registry.MetricRows`` collector,
    each as the registry says: the collector method of the metric's kind (:data:`KINDS`),
    its interval (``wilson_fpc``: the row's ci_low / ci_high), its rank, and the evidence
    roles of its policy (``evidence_roles``): numerator = the keys counted in it (a share:
    the rows flagged in the numerator; a count or mean: every row behind it), denominator =
    every key behind it."""
    registry = collector.registry
    parts = {(p.metric_id, p.level): p for p in metrics.parts}
    if len(parts) < len(metrics.parts):
        raise ValueError("one evidence part per metric row expected")
    keys = _EvidenceKeys()
    for r in metrics.rows.itertuples(index=False):
        if r.metric_id not in registry:
            raise KeyError(f"metric {r.metric_id!r} is not defined in the metric registry")
        entry = registry[r.metric_id]
        if r.kind != entry["kind"]:
            raise ValueError(
                f"metric {r.metric_id!r} is computed as a {r.kind} but the metric registry makes it a "
                f"{entry['kind']}: compute it with the block of its kind (lib.metrics) or fix its registry kind"
            )
        kind = KINDS[entry["kind"]]
        level = None if r.level == "" else r.level
        rank = None if pd.isna(r.rank) else int(r.rank)
        if kind.method == "count":
            collector.count(r.metric_id, int(r.value), level=level, rank=rank)
        elif kind.method == "mean":
            collector.mean(r.metric_id, r.numerator, r.denominator, level=level)
        else:
            ci = (r.ci_low, r.ci_high) if entry.get("interval") == "wilson_fpc" else None
            collector.share(r.metric_id, int(r.numerator), int(r.denominator), level=level, ci=ci, rank=rank)
        part = parts.get((r.metric_id, r.level))
        for role in entry["evidence_roles"]:
            if part is None:
                collector.evidence(r.metric_id, level, role, [], "")
                continue
            if role == "numerator" and kind.flagged:
                source, at = keys.positions(part, part.counted())
            else:
                source, at = keys.every(part)
            collector.evidence_at(r.metric_id, level, role, source, at, part.key_type)
    collector.check_complete()
