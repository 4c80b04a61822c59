"""The metric registry (``resources/metric_registry.yaml``) and metric rows built from it.

Every number the workflow publishes is a row of ``results/metrics/metrics.csv``:
``metric_id, level, value, numerator, denominator, unit, ci_low, ci_high, rank``.
Stage scripts collect their rows with :class:`MetricRows`, which refuses ids the
registry does not define, takes the unit from the registry, checks that the kind of
row (count / share / mean) fits that unit and that ``level`` is given exactly when the
metric has a breakdown. Shares are fractions (0-1); counts carry ``numerator`` =
``value`` and no denominator.

The same collector gathers the evidence for the audit: for each (metric, level) the
keys (participant keys or response ids) counted in the numerator and the denominator,
saved as ``results/metrics/evidence/<stage>.parquet``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import yaml

METRIC_COLUMNS = ["metric_id", "level", "value", "numerator", "denominator", "unit", "ci_low", "ci_high", "rank"]
EVIDENCE_COLUMNS = ["metric_id", "level", "role", "key_type", "key"]
REQUIRED_FIELDS = ("id", "stage", "label", "breakdown", "unit", "definition", "rounding", "interval")
UNITS = ("count", "share", "mean_percent", "rank")
ROLES = ("numerator", "denominator")


def load_registry(path: str | Path) -> dict[str, dict]:
    """Registry entries by id, in file order; raises ``ValueError`` on a malformed entry."""
    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    entries = doc.get("metrics") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a top-level 'metrics' list")
    out: dict[str, dict] = {}
    for i, entry in enumerate(entries):
        missing = [f for f in REQUIRED_FIELDS if f not in entry]
        if missing:
            raise ValueError(f"{path}: metric #{i + 1} ({entry.get('id', '?')}) lacks {missing}")
        if entry["id"] in out:
            raise ValueError(f"{path}: metric id {entry['id']!r} defined twice")
        if entry["unit"] not in UNITS:
            raise ValueError(f"{path}: metric {entry['id']!r} has unknown unit {entry['unit']!r}")
        out[entry["id"]] = dict(entry, order=i)
    return out


def registry_frame(registry: dict[str, dict]) -> pd.DataFrame:
    """The registry as a table (one row per metric, file order) for definitions.csv."""
    cols = [
        "metric_id",
        "stage",
        "label",
        "breakdown",
        "unit",
        "definition",
        "numerator",
        "denominator",
        "rounding",
        "interval",
        "evidence",
    ]
    rows = []
    for mid, e in registry.items():
        rows.append({c: (mid if c == "metric_id" else e.get(c)) for c in cols})
    frame = pd.DataFrame(rows, columns=cols)
    for c in cols:
        frame[c] = frame[c].astype("string")
    return frame


def _num(x):
    if x is None:
        return math.nan
    return float(x)


class MetricRows:
    """Collect metric rows (and evidence) for one stage, checked against the registry."""

    def __init__(self, registry: dict[str, dict], stage: str | None = None):
        self.registry = registry
        self.stage = stage
        self.rows: list[dict] = []
        self._seen: set[tuple[str, str]] = set()
        self._evidence: list[pd.DataFrame] = []

    def _entry(self, metric_id: str, level, kinds: tuple[str, ...]) -> dict:
        if metric_id not in self.registry:
            raise KeyError(f"metric {metric_id!r} is not defined in the metric registry")
        entry = self.registry[metric_id]
        if self.stage is not None and entry["stage"] != self.stage:
            raise ValueError(f"metric {metric_id!r} belongs to stage {entry['stage']!r}, not {self.stage!r}")
        if entry["unit"] not in kinds:
            raise ValueError(f"metric {metric_id!r} has unit {entry['unit']!r}; cannot add it as {kinds[0]}")
        if entry["breakdown"] is None and level is not None:
            raise ValueError(f"metric {metric_id!r} has no breakdown but level {level!r} was given")
        if entry["breakdown"] is not None and (level is None or str(level) == ""):
            raise ValueError(f"metric {metric_id!r} is broken down by {entry['breakdown']}: give a level")
        key = (metric_id, "" if level is None else str(level))
        if key in self._seen:
            raise ValueError(f"metric {metric_id!r} level {level!r} added twice")
        self._seen.add(key)
        return entry

    def _add(self, entry, metric_id, level, value, numerator, denominator, ci, rank):
        lo, hi = (math.nan, math.nan) if ci is None else (_num(ci[0]), _num(ci[1]))
        self.rows.append(
            {
                "metric_id": metric_id,
                "level": None if level is None else str(level),
                "value": _num(value),
                "numerator": _num(numerator),
                "denominator": _num(denominator),
                "unit": entry["unit"],
                "ci_low": lo,
                "ci_high": hi,
                "rank": math.nan if rank is None else float(rank),
            }
        )

    def count(self, metric_id: str, value, level=None, rank=None) -> None:
        """A count (unit ``count`` or ``rank``): numerator = value, no denominator."""
        entry = self._entry(metric_id, level, ("count", "rank"))
        self._add(entry, metric_id, level, value, value, None, None, rank)

    def share(self, metric_id: str, numerator, denominator, level=None, ci=None, rank=None) -> None:
        """A share ``numerator / denominator`` as a fraction (NaN when the denominator is 0)."""
        entry = self._entry(metric_id, level, ("share",))
        if numerator < 0 or denominator < 0 or numerator > denominator:
            raise ValueError(f"metric {metric_id!r} level {level!r}: bad share {numerator}/{denominator}")
        value = numerator / denominator if denominator else math.nan
        self._add(entry, metric_id, level, value, numerator, denominator, ci, rank)

    def mean(self, metric_id: str, total, n, level=None) -> None:
        """A mean ``total / n`` (unit ``mean_percent`` or ``share`` for a mean of shares)."""
        entry = self._entry(metric_id, level, ("mean_percent", "share"))
        value = total / n if n else math.nan
        self._add(entry, metric_id, level, value, total, n, None, None)

    def evidence(self, metric_id: str, level, role: str, keys: Iterable[str], key_type: str) -> None:
        """Record the keys behind a metric's numerator or denominator."""
        if metric_id not in self.registry:
            raise KeyError(f"metric {metric_id!r} is not defined in the metric registry")
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {role!r}")
        if isinstance(keys, pd.Series):  # vectorised: same set as the generic path below
            keys = sorted(set(keys.dropna().astype(str).tolist()))
        else:
            keys = sorted({str(k) for k in keys if k is not None and not (not isinstance(k, str) and pd.isna(k))})
        self._evidence.append(
            pd.DataFrame(
                {
                    "metric_id": metric_id,
                    "level": "" if level is None else str(level),
                    "role": role,
                    "key_type": key_type,
                    "key": pd.Series(keys, dtype="string"),
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        """Rows as a DataFrame, sorted by registry order then level."""
        frame = pd.DataFrame(self.rows, columns=METRIC_COLUMNS)
        frame["metric_id"] = frame["metric_id"].astype("string")
        frame["level"] = frame["level"].astype("string")
        frame["unit"] = frame["unit"].astype("string")
        for c in ("value", "numerator", "denominator", "ci_low", "ci_high", "rank"):
            frame[c] = frame[c].astype("float64")
        order = frame["metric_id"].map(lambda m: self.registry[m]["order"]).astype("int64")
        frame = frame.assign(_o=order).sort_values(["_o", "level"], na_position="first", kind="stable")
        return frame.drop(columns="_o").reset_index(drop=True)

    def evidence_frame(self) -> pd.DataFrame:
        """Evidence rows sorted by metric (registry order), level, role, key."""
        if not self._evidence:
            frame = pd.DataFrame({c: pd.Series(dtype="string") for c in EVIDENCE_COLUMNS})
            return frame
        frame = pd.concat(self._evidence, ignore_index=True)
        for c in EVIDENCE_COLUMNS:
            frame[c] = frame[c].astype("string")
        order = frame["metric_id"].map(lambda m: self.registry[m]["order"]).astype("int64")
        frame = frame.assign(_o=order).sort_values(["_o", "level", "role", "key"], kind="stable")
        return frame.drop(columns="_o").reset_index(drop=True)


def metric_key(metric_id: str, level=None) -> str:
    """The key used by ground truth and claims: ``metric_id`` or ``metric_id:level``."""
    if level is None or (not isinstance(level, str) and pd.isna(level)) or str(level) == "":
        return metric_id
    return f"{metric_id}:{level}"
