"""pandera schemas of the metrics layer: the metric rows and the evidence tables.

* ``results/metrics/<stage>.csv``: :data:`STAGE_METRICS` (``metric_id, level, value,
  numerator, denominator, unit, ci_low, ci_high, rank``), checked where each stage writes
  it and where ``metrics_table`` reads it;
* ``results/metrics/metrics.csv``: :data:`METRICS` (the same, then ``stage, label,
  definition``), checked where ``metrics_table`` writes it and where the audit reads it;
* ``results/metrics/evidence/<stage>.parquet``: :data:`EVIDENCE` (``metric_id, level,
  role, key_type, key``), checked where the audit reads it.

:func:`check` runs a schema lazily and raises :class:`MetricsTableError` whose message
names the file and, for each problem, the row (its metric key), the column, the value
and the rule broken; the registry-dependent rules (ids, units, stages, evidence roles)
are checks built from the registry by :func:`metrics_schema` / :func:`evidence_schema`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pandera.pandas as pa

from lib.errors import InputError
from lib.registry import ROLES
from lib.validation import geopandas_absent
from lib.vocabulary import METRIC_STAGES

UNITS = ["count", "share", "mean_percent", "rank"]
STAGES = list(METRIC_STAGES)


RULES = {
    "multiple_fields_uniqueness": "metric_id and level repeat another row",
    "column_in_dataframe": "column {!r} is missing",
    "column_in_schema": "column {!r} is not a column of this table",
    "column_ordered": "column {!r} is out of order",
}


class MetricsTableError(InputError, ValueError):
    """A metrics table or evidence table breaks its schema (the message names every problem;
    printed without a traceback: lib.errors)."""


def _number(*checks: pa.Check) -> pa.Column:
    return pa.Column(float, list(checks), nullable=True, coerce=True)


def _share_in_range(df: pd.DataFrame) -> pd.Series:
    return ~(df["unit"] == "share") | df["value"].isna() | df["value"].between(0, 1)


def _ci_brackets(df: pd.DataFrame) -> pd.Series:
    return df["ci_low"].isna() | df["ci_high"].isna() | (df["ci_low"] <= df["ci_high"])


def metrics_schema(registry: Mapping[str, dict] | None = None, table: bool = False) -> pa.DataFrameSchema:
    """The schema of a stage metric file (``table=False``) or of metrics.csv (``table=True``).
    With `registry`: every metric_id is a registry metric, with the registry's unit (and
    stage), and a level exactly when the registry gives it a breakdown."""
    registry = registry or {}
    id_checks = [pa.Check.str_matches(r"^[a-z][a-z0-9_]*$", error="is not a metric id")]
    if registry:
        id_checks.append(pa.Check.isin(list(registry), error="is not a metric of resources/metric_registry.yaml"))
    columns = {
        "metric_id": pa.Column(str, id_checks, nullable=False),
        "level": pa.Column(str, nullable=True),
        "value": _number(pa.Check.ge(0, error="is negative")),
        "numerator": _number(pa.Check.ge(0, error="is negative")),
        "denominator": _number(pa.Check.ge(0, error="is negative")),
        "unit": pa.Column(str, pa.Check.isin(UNITS, error=f"is not a unit ({', '.join(UNITS)})")),
        "ci_low": _number(pa.Check.in_range(0, 1, error="is not a fraction 0-1")),
        "ci_high": _number(pa.Check.in_range(0, 1, error="is not a fraction 0-1")),
        "rank": _number(pa.Check.ge(1, error="is not a rank (1 = first)")),
    }
    if table:
        columns["stage"] = pa.Column(str, pa.Check.isin(STAGES, error=f"is not a stage ({', '.join(STAGES)})"))
        columns["label"] = pa.Column(str)
        columns["definition"] = pa.Column(str)
    checks = [
        pa.Check(_share_in_range, error="unit share: value is not a fraction 0-1"),
        pa.Check(_ci_brackets, error="ci_low is above ci_high"),
    ]
    if registry:

        def agrees(field: str):
            """The row's `field` is the registry's for its metric (unknown metrics: other checks)."""

            def check(df: pd.DataFrame) -> pd.Series:
                expected = df["metric_id"].map({m: e[field] for m, e in registry.items()})
                return expected.isna() | (df[field] == expected)

            return check

        def registry_level(df: pd.DataFrame) -> pd.Series:
            broken_down = df["metric_id"].map({m: e["breakdown"] is not None for m, e in registry.items()})
            has_level = df["level"].notna() & (df["level"] != "")
            return broken_down.isna() | (broken_down.astype("boolean") == has_level)

        checks += [
            pa.Check(agrees("unit"), error="unit differs from the registry's"),
            pa.Check(registry_level, error="level given for a metric without breakdown, or missing for one with"),
        ]
        if table:
            checks.append(pa.Check(agrees("stage"), error="stage differs from the registry's"))
    return pa.DataFrameSchema(
        columns,
        checks=checks,
        strict=True,
        ordered=True,
        unique=["metric_id", "level"],
        report_duplicates="all",
        name="metrics table",
    )


def evidence_schema(registry: Mapping[str, dict] | None = None) -> pa.DataFrameSchema:
    """The schema of an evidence table; with `registry`, every row's metric is a registry
    metric whose evidence policy (``evidence_roles``) lists the row's role."""
    registry = registry or {}
    checks = []
    if registry:

        allowed = [f"{m} {role}" for m, e in registry.items() for role in e["evidence_roles"]]

        def policy(df: pd.DataFrame) -> pd.Series:
            return (df["metric_id"].astype(str) + " " + df["role"].astype(str)).isin(allowed)

        checks.append(pa.Check(policy, error="role not in the metric's evidence_roles (resources/metric_registry.yaml)"))
    return pa.DataFrameSchema(
        {
            "metric_id": pa.Column(str, pa.Check.str_matches(r"^[a-z][a-z0-9_]*$", error="is not a metric id")),
            "level": pa.Column(str),
            "role": pa.Column(str, pa.Check.isin(list(ROLES), error="is not numerator or denominator")),
            "key_type": pa.Column(str, pa.Check.str_length(min_value=1, error="is empty")),
            "key": pa.Column(str, pa.Check.str_length(min_value=1, error="is empty")),
        },
        checks=checks,
        strict=True,
        ordered=True,
        name="evidence table",
    )


def check(frame: pd.DataFrame, schema: pa.DataFrameSchema, source: str, limit: int = 20) -> pd.DataFrame:
    """`frame` validated by `schema` (coerced); else :class:`MetricsTableError` naming the
    file and, per problem, the row (1 = first data row, and its metric key), the column,
    the value and the rule broken (at most `limit` of them listed)."""
    try:
        with geopandas_absent():  # no geometry here: pandera need not import geopandas to learn so
            return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        structure = cases["check"].astype(str).isin(["column_in_dataframe", "column_in_schema"])
        if structure.any():  # the row checks cannot run without the columns: name those only
            cases = cases[structure]
        lines = []
        for case in cases.itertuples(index=False):
            where = ""
            index = case.index
            if index is not None and not pd.isna(index) and index in frame.index:
                row = frame.loc[index]
                level = row.get("level")
                key = row["metric_id"] if pd.isna(level) or level == "" else f"{row['metric_id']}:{level}"
                where = f"row {frame.index.get_loc(index) + 1} ({key}), "
            rule = RULES.get(str(case.check), str(case.check)).format(case.failure_case)
            if case.schema_context != "Column":
                lines.append(f"{where}{rule}")  # a rule over the row: named once, not per column
                continue
            column = f"column {case.column!r}, " if isinstance(case.column, str) and case.column in frame.columns else ""
            value = "" if pd.isna(case.failure_case) else f"value {case.failure_case!r}: "
            lines.append(f"{where}{column}{value}{rule}")
        lines = list(dict.fromkeys(lines))
        more = f"\n  ... and {len(lines) - limit} more" if len(lines) > limit else ""
        raise MetricsTableError(
            f"{source}: {len(lines)} problem(s) against the {schema.name} schema (schemas/metrics.py):\n  - "
            + "\n  - ".join(lines[:limit])
            + more
        ) from None
