"""The metric registry (``resources/metric_registry.yaml``) and metric rows built from it.

Every number the workflow publishes is a row of ``results/metrics/metrics.csv``:
``metric_id, level, value, numerator, denominator, unit, ci_low, ci_high, rank``.
Stage scripts compute through ``lib.metrics`` and publish into :class:`MetricRows`, which
refuses ids the registry does not define, takes the unit from the registry, checks that
the kind of row (count / share / mean) fits the metric's registry ``kind``, that
``level`` is given exactly when the metric has a breakdown, and that every registry
metric of the stage was computed (:meth:`MetricRows.check_complete`). Shares are fractions (0-1); counts carry ``numerator`` =
``value`` and no denominator.

The same collector gathers the evidence for the audit: for each (metric, level) the
keys (participant keys or response ids) counted in the numerator and the denominator,
saved as ``results/metrics/evidence/<stage>.parquet``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from lib.errors import InputError
from lib.vocabulary import METRIC_STAGES

METRIC_COLUMNS = ["metric_id", "level", "value", "numerator", "denominator", "unit", "ci_low", "ci_high", "rank"]
EVIDENCE_COLUMNS = ["metric_id", "level", "role", "key_type", "key"]
ROLES = ("numerator", "denominator")
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


class RegisterError(InputError, ValueError):
    """A YAML register (metric registry, claims register) is unreadable or breaks its schema;
    the message names the file, the entry and the key (no traceback needed)."""


def yaml_load(fh):
    """``yaml.safe_load(fh)``, parsed by libyaml when PyYAML has it (the registry: ~0.003 s
    instead of ~0.03 s of CPU; the same constructor and resolver, so the same document).
    Whatever libyaml refuses is parsed again by PyYAML's own parser, so every message about
    a broken file is the one it always was."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            return yaml.load(fh, Loader=loader)
        except Exception:  # noqa: BLE001 - the pure-Python parser below says what is wrong
            fh.seek(0)
    return yaml.safe_load(fh)


@functools.cache
def _validator(schema: str):
    """The JSON Schema validator of ``schemas/<schema>`` (built once per process)."""
    import jsonschema

    with open(SCHEMAS / schema, encoding="utf-8") as fh:
        return jsonschema.Draft202012Validator(yaml_load(fh))


def read_register(path: str | Path, schema: str, entries: str, what: str) -> dict:
    """A YAML register checked against ``schemas/<schema>``: the parsed document.

    `entries`: the key of its list of entries (``metrics``, ``claims``), each with an
    ``id``; `what`: the word for one entry in messages (``metric``, ``claim``). Every
    problem is listed, one line each, as ``<file>: <what> <id> (entry <n>), key <key>:
    <what is wrong>``; ids used twice are refused too."""

    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml_load(fh)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise RegisterError(f"{where}: not valid YAML ({getattr(err, 'problem', None) or err}); fix the syntax") from None
    except OSError as err:
        raise RegisterError(f"{path}: cannot be read ({err.strerror})") from None
    check_register(doc, path, schema, entries, what)
    return doc


def check_register(doc, path: str | Path, schema: str, entries: str, what: str) -> None:
    """Check a parsed register against ``schemas/<schema>`` (see :func:`read_register`)."""
    problems = [_describe(err, doc, entries, what) for err in _validator(schema).iter_errors(doc)]
    items = doc.get(entries) if isinstance(doc, dict) and isinstance(doc.get(entries), list) else []
    seen: dict = {}
    for number, entry in enumerate(items, start=1):
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            if entry["id"] in seen:
                problems.append(f"{what} {entry['id']!r} (entry {number}), key 'id': already used by entry {seen[entry['id']]}")
            seen.setdefault(entry["id"], number)
    if problems:
        problems = sorted(dict.fromkeys(problems))
        raise RegisterError(f"{path}: {len(problems)} problem(s) against {SCHEMAS.name}/{schema}:\n  - " + "\n  - ".join(problems))


def _describe(err, doc, entries: str, what: str) -> str:
    """One schema violation in words: the entry (id and number), the key, what is wrong."""
    path = list(err.absolute_path)
    where = "top level" if not path else f"key {path[0]!r}"
    if len(path) >= 2 and path[0] == entries and isinstance(path[1], int):
        entry = doc[entries][path[1]]
        name = entry.get("id") if isinstance(entry, dict) else None
        where = f"{what} {name!r} (entry {path[1] + 1})" if isinstance(name, str) else f"{what} entry {path[1] + 1}"
        if len(path) > 2:
            where += ", key " + ".".join(repr(p) if isinstance(p, str) else str(p) for p in path[2:])
    if err.validator == "required":
        missing = [k for k in err.validator_value if not (isinstance(err.instance, dict) and k in err.instance)]
        message = f"lacks {', '.join(repr(k) for k in missing)}"
    elif err.validator == "additionalProperties" and isinstance(err.instance, dict):
        known = set(err.schema.get("properties", {}))
        message = f"unknown key(s) {', '.join(repr(k) for k in sorted(set(err.instance) - known))}"
    else:
        message = err.message
    if "allOf" in err.schema_path and len(path) >= 2 and path[0] == entries and isinstance(path[1], int):
        # a rule that depends on another key of the entry (the metric's kind, the claim's check)
        owner = doc[entries][path[1]]
        field = next((f for f in ("kind", "check") if isinstance(owner, dict) and f in owner), None)
        if field is not None:
            message += f" (for {field} {owner[field]!r})"
    return f"{where}: {message}"


def load_registry(path: str | Path) -> dict[str, dict]:
    """Registry entries by id, in file order, checked against schemas/registry.schema.yaml;
    raises :class:`RegisterError` naming the file, the metric and the key."""
    doc = read_register(path, "registry.schema.yaml", "metrics", "metric")
    unknown = [
        f"{path}: metric {entry['id']!r} (entry {i + 1}), key 'stage': {entry['stage']!r} is not a metric stage "
        f"({', '.join(METRIC_STAGES)}; a new stage is declared in scripts/lib/vocabulary.py)"
        for i, entry in enumerate(doc["metrics"])
        if entry["stage"] not in METRIC_STAGES
    ]
    if unknown:
        raise RegisterError("\n".join(unknown))
    return {entry["id"]: dict(entry, order=i) for i, entry in enumerate(doc["metrics"])}


def load_level_labels(path: str | Path) -> dict[str, dict[str, str]]:
    """The registry's `level_labels` (reader-facing names of level codes), checked."""
    return read_register(path, "registry.schema.yaml", "metrics", "metric").get("level_labels", {})


def uncomputed(registry: dict[str, dict], stages: Iterable[str], computed: Iterable[str]) -> list[str]:
    """The registry metrics of `stages` (registry order) that are not among `computed`."""
    stages, computed = set(stages), set(computed)
    return [m for m, e in registry.items() if e["stage"] in stages and m not in computed]


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
        # one (metric_id, level, role, key_type, sorted distinct keys) per evidence() call;
        # the keys stay an Arrow text array (no Python str per key), or, from evidence_at(),
        # row positions into a sorted key column, taken only when the table is written
        self._evidence: list[tuple[str, str, str, str, pa.Array | _Taken]] = []
        self._sorted_sources: dict[int, tuple[pa.Array, pa.Array]] = {}

    def _entry(self, metric_id: str, level, kinds: tuple[str, ...]) -> dict:
        if metric_id not in self.registry:
            raise KeyError(f"metric {metric_id!r} is not defined in the metric registry")
        entry = self.registry[metric_id]
        if self.stage is not None and entry["stage"] != self.stage:
            raise ValueError(f"metric {metric_id!r} belongs to stage {entry['stage']!r}, not {self.stage!r}")
        if entry["kind"] not in kinds:
            raise ValueError(f"metric {metric_id!r} is of kind {entry['kind']!r}; cannot add it as {kinds[0]}")
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
        """A count (kind ``count`` or ``distinct_count``): numerator = value, no denominator."""
        entry = self._entry(metric_id, level, ("count", "distinct_count"))
        self._add(entry, metric_id, level, value, value, None, None, rank)

    def share(self, metric_id: str, numerator, denominator, level=None, ci=None, rank=None) -> None:
        """A share ``numerator / denominator`` as a fraction (NaN when the denominator is 0)."""
        entry = self._entry(metric_id, level, ("share", "share_of_population"))
        if numerator < 0 or denominator < 0 or numerator > denominator:
            raise ValueError(f"metric {metric_id!r} level {level!r}: bad share {numerator}/{denominator}")
        value = numerator / denominator if denominator else math.nan
        self._add(entry, metric_id, level, value, numerator, denominator, ci, rank)

    def mean(self, metric_id: str, total, n, level=None) -> None:
        """A mean ``total / n`` (kind ``mean``, or ``mean_of_shares``)."""
        entry = self._entry(metric_id, level, ("mean", "mean_of_shares"))
        value = total / n if n else math.nan
        self._add(entry, metric_id, level, value, total, n, None, None)

    def missing(self) -> list[str]:
        """Registry metrics of this collector's stage that no row was added for."""
        return uncomputed(self.registry, [self.stage], {r["metric_id"] for r in self.rows})

    def check_complete(self) -> None:
        """Refuse a stage that leaves a registry metric of its stage uncomputed."""
        if self.stage is not None and self.missing():
            raise ValueError(f"{self.stage} metrics defined in the metric registry but not computed: {self.missing()}")

    def evidence(
        self, metric_id: str, level, role: str, keys: Iterable[str], key_type: str, *, presorted: bool = False
    ) -> None:
        """Record the keys behind a metric's numerator or denominator (distinct, sorted,
        missing keys left out). `keys`: a pandas Series or Arrow array (vectorised) or
        any iterable of keys (each turned into text with ``str``). ``presorted=True``: `keys`
        is an Arrow text array already distinct and sorted (e.g. taken in order from a
        sorted key column); that is checked (one vectorised comparison), not assumed."""
        keys = checked_sorted_keys(keys) if presorted else distinct_sorted_keys(keys)
        self._evidence.append((metric_id, self._evidence_level(metric_id, level, role), role, key_type, keys))

    def _evidence_level(self, metric_id: str, level, role: str) -> str:
        """Check an evidence call's metric and role; the level as stored ('' for none)."""
        if metric_id not in self.registry:
            raise KeyError(f"metric {metric_id!r} is not defined in the metric registry")
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {role!r}")
        return "" if level is None else str(level)

    def evidence_at(self, metric_id: str, level, role: str, source: pa.Array, positions, key_type: str) -> None:
        """Record as evidence the keys of ``source`` (an Arrow text column, distinct and
        sorted: checked once per column) at ``positions`` (strictly increasing row numbers:
        checked), so they come out distinct and sorted. Nothing is copied until the
        evidence table is built or written: at 1,000,000 participants the evidence is ~19
        million keys, which as text would need several GB."""
        level = self._evidence_level(metric_id, level, role)
        # keyed by id(): the entry keeps `source` alive, so its id cannot be reused
        if id(source) not in self._sorted_sources:
            self._sorted_sources[id(source)] = (source, checked_sorted_keys(source))
        positions = np.asarray(positions, dtype=np.int64)
        if len(positions) and (positions[0] < 0 or positions[-1] >= len(source) or (np.diff(positions) <= 0).any()):
            raise ValueError("evidence positions must be strictly increasing row numbers of the key column")
        taken = _Taken(self._sorted_sources[id(source)][1], positions)
        self._evidence.append((metric_id, level, role, key_type, taken))

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

    def _evidence_runs(self):
        """(metric_id, level, role, key_type) and its keys, run by run, in the order of the
        evidence table: by metric (registry order), level, role, key. The calls are ordered
        by (metric, level, role); their keys, already sorted, are only merged (a stable
        Arrow sort) where one (metric, level, role) was recorded in several calls."""
        calls = sorted(range(len(self._evidence)),
                       key=lambda i: (self.registry[self._evidence[i][0]]["order"], *self._evidence[i][1:3]))
        groups: list[list[int]] = []
        for i in calls:
            if groups and self._evidence[groups[-1][0]][:3] == self._evidence[i][:3]:
                groups[-1].append(i)
            else:
                groups.append([i])
        for group in groups:
            parts = [self._evidence[i] for i in group]
            arrays = [_keys_of(p[4]) for p in parts]
            if len(parts) == 1:
                yield parts[0][:4], arrays[0]
                continue
            merged = pa.concat_arrays(arrays)
            order = pc.sort_indices(merged)  # stable: equal keys keep the order of the calls
            key_types = np.repeat(np.arange(len(parts)), [len(a) for a in arrays])[order.to_numpy()]
            merged, start = merged.take(order), 0
            for index, run in _runs(key_types):
                yield parts[index][:4], merged.slice(start, run)
                start += run

    def evidence_frame(self) -> pd.DataFrame:
        """Evidence rows sorted by metric (registry order), level, role, key: same rows,
        order and dtypes (pandas "string") as sorting a concatenated frame. The four
        repeated columns are built from dictionary codes, the key column as one
        contiguous array (a chunked column would change the Parquet page boundaries)."""
        if not self._evidence:
            return pd.DataFrame({c: pd.Series(dtype="string") for c in EVIDENCE_COLUMNS})
        return _evidence_table(list(self._evidence_runs()))

    def write_evidence(self, path, row_group_size: int | None = None) -> int:
        """Write the evidence table to Parquet in row groups of ``row_group_size`` rows
        (lib.io's default), holding one row group's text at a time: the same bytes as
        ``lib.io.write_parquet(self.evidence_frame(), path)``. Returns the rows written."""
        from lib import io as lib_io

        size = row_group_size or lib_io.PARQUET_ROW_GROUP
        schema = pa.Table.from_pandas(_evidence_table([]), preserve_index=False).schema
        buffer, filled, written = [], 0, 0
        with lib_io.parquet_writer(path, schema) as writer:
            for label, keys in self._evidence_runs():
                while len(keys):
                    n = min(len(keys), size - filled)
                    buffer.append((label, keys.slice(0, n)))
                    keys, filled = keys.slice(n), filled + n
                    if filled == size:
                        writer.write_table(_arrow_table(buffer, schema), row_group_size=size)
                        buffer, written, filled = [], written + filled, 0
            if filled or not written:
                writer.write_table(_arrow_table(buffer, schema), row_group_size=size)
        return written + filled


class _Taken:
    """Keys to be taken from a sorted, distinct key column at increasing positions."""

    __slots__ = ("positions", "source")

    def __init__(self, source: pa.Array, positions: np.ndarray):
        self.source, self.positions = source, positions

    def __len__(self) -> int:
        return len(self.positions)


def _keys_of(keys: pa.Array | _Taken) -> pa.Array:
    if isinstance(keys, _Taken):
        return keys.source.take(pa.array(keys.positions, type=pa.int64()))
    return keys


def _columns(runs: list) -> dict[str, pa.Array]:
    """The five evidence columns of some runs: the four repeated ones decoded from
    dictionary codes, the key column as one contiguous array."""
    lengths = [len(keys) for _, keys in runs]
    columns = {}
    for position, name in enumerate(EVIDENCE_COLUMNS[:4]):
        values = sorted({label[position] for label, _ in runs})
        codes = {v: c for c, v in enumerate(values)}
        indices = np.repeat(np.array([codes[label[position]] for label, _ in runs], dtype=np.int32), lengths)
        column = pa.DictionaryArray.from_arrays(pa.array(indices, type=pa.int32()), pa.array(values, type=pa.large_string()))
        columns[name] = column.dictionary_decode()
    columns["key"] = pa.concat_arrays([keys for _, keys in runs] or [pa.array([], type=pa.large_string())])
    return {c: columns[c].cast(pa.large_string()) for c in EVIDENCE_COLUMNS}


def _evidence_table(runs: list) -> pd.DataFrame:
    return pd.DataFrame({c: pd.arrays.ArrowStringArray(a) for c, a in _columns(runs).items()})


def _arrow_table(runs: list, schema: pa.Schema) -> pa.Table:
    """One row group of the evidence table as Arrow (schema: that of the pandas frame)."""
    return pa.table(list(_columns(runs).values()), schema=schema)


def _runs(values: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive runs of equal values as (value, length) pairs."""
    if len(values) == 0:
        return []
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    lengths = np.diff(np.r_[starts, len(values)])
    return [(int(values[s]), int(n)) for s, n in zip(starts, lengths, strict=True)]


def distinct_sorted_keys(keys) -> pa.Array:
    """Keys as an Arrow text array: missing ones dropped, duplicates removed, sorted by
    code point (the order of Python's ``sorted`` on str)."""
    if isinstance(keys, pa.ChunkedArray):
        keys = keys.combine_chunks()
    if isinstance(keys, pd.Series):
        keys = keys.dropna()
        keys = keys if isinstance(keys.dtype, pd.StringDtype) else keys.astype(str)
        keys = pa.array(keys.array)
        keys = keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys
    if isinstance(keys, pa.Array):
        keys = pc.unique(keys.drop_null().cast(pa.large_string()))
        return keys.take(pc.sort_indices(keys))
    text = sorted({str(k) for k in keys if k is not None and not (not isinstance(k, str) and pd.isna(k))})
    return pa.array(text, type=pa.large_string())


def checked_sorted_keys(keys: pa.Array) -> pa.Array:
    """``keys`` (an Arrow text array without nulls) as large_string, after checking that it is
    strictly increasing by code point, i.e. what :func:`distinct_sorted_keys` would return."""
    if isinstance(keys, pa.ChunkedArray):
        keys = keys.combine_chunks()
    keys = keys.cast(pa.large_string())
    if keys.null_count or (
        len(keys) > 1 and not pc.all(pc.greater(keys.slice(1), keys.slice(0, len(keys) - 1))).as_py()
    ):
        raise ValueError("presorted evidence keys must be distinct, sorted and without missing values")
    return keys


def metric_key(metric_id: str, level=None) -> str:
    """The key used by ground truth and claims: ``metric_id`` or ``metric_id:level``."""
    if level is None or (not isinstance(level, str) and pd.isna(level)) or str(level) == "":
        return metric_id
    return f"{metric_id}:{level}"
