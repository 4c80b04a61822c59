"""Row-level evidence for the audit: the metrics stages' evidence tables split into one
table per metric, with pseudonymous keys only, and recounted.

Each metric stage writes ``results/metrics/evidence/<stage>.parquet``: for each (metric,
level) the units in the denominator (participant keys, response ids) with an
``in_numerator`` flag (``value`` for means). ``metric_evidence`` selects one metric's
rows and refuses any column that is not a pseudonymous key; ``recount`` gives numerator
and denominator per level so an auditor can compare them with ``metrics.csv``.
"""

from __future__ import annotations

import re

import pandas as pd

HEX64 = re.compile(r"^[0-9a-f]{64}$")
EVIDENCE_BASE = ["metric_id", "level"]
EVIDENCE_TAIL = ["in_numerator", "value"]
KEY_COLUMNS = {"participant_key", "response_id", "edition", "country", "country_iso3", "language"}


class EvidenceError(Exception):
    """An evidence table would leak identifying data or is malformed."""


def evidence_columns(registry_evidence: str) -> list[str]:
    """Registry `evidence` ("participant_key, edition") -> column list."""
    return [c.strip() for c in str(registry_evidence).split(",") if c.strip()]


def normalise_evidence(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (metric, level, unit in the denominator) with an `in_numerator` flag.

    Accepts the survey/LMS layout (`in_numerator` column) or a long layout with a `role`
    column (numerator | denominator) and `key` / `key_type` columns.
    """
    if "in_numerator" in frame.columns:
        return frame.copy()
    if {"role", "key", "key_type"} <= set(frame.columns):
        # a unit listed as numerator only (counts) is in the denominator too
        ids = ["metric_id", "level", "key_type", "key"]
        num = frame[frame["role"] == "numerator"][ids].drop_duplicates().assign(in_numerator=True)
        rows = frame.drop(columns="role").drop_duplicates(ids)
        out = rows.merge(num, on=ids, how="left")
        out["in_numerator"] = out["in_numerator"].fillna(False).astype(bool)
        return out
    raise EvidenceError("evidence table has neither 'in_numerator' nor 'role'/'key' columns")


def metric_evidence(frame: pd.DataFrame, metric_id: str, keys: list[str]) -> pd.DataFrame:
    """The evidence rows of one metric: pseudonymous keys only, sorted, privacy-checked."""
    rows = frame[frame["metric_id"] == metric_id]
    key_cols = [c for c in keys if c in frame.columns]
    if {"key", "key_type"} <= set(frame.columns):
        key_cols += ["key_type", "key"]
    leaked = [c for c in key_cols if c not in KEY_COLUMNS | {"key", "key_type"}]
    if leaked:
        raise EvidenceError(f"{metric_id}: evidence column(s) {leaked} are not pseudonymous keys")
    cols = EVIDENCE_BASE + key_cols + [c for c in EVIDENCE_TAIL if c in frame.columns]
    out = rows[cols].copy()
    out["level"] = out["level"].fillna("").astype(str)
    for col in key_cols:
        text = out[col].astype("string")
        if text.str.contains("@", regex=False).fillna(False).any():
            raise EvidenceError(f"{metric_id}: column {col} holds an e-mail address")
        if col == "participant_key" and not text.dropna().str.fullmatch(HEX64).all():
            raise EvidenceError(f"{metric_id}: participant_key is not a 64-hex pseudonym")
    return out.sort_values(["level", *key_cols], kind="mergesort").reset_index(drop=True)


def recount(evidence: pd.DataFrame) -> pd.DataFrame:
    """Numerator and denominator per level recounted from evidence rows (an auditor's check)."""
    grouped = evidence.assign(n=1, k=evidence["in_numerator"].fillna(False).astype(int))
    return grouped.groupby("level", sort=True)[["k", "n"]].sum().rename(
        columns={"k": "numerator", "n": "denominator"}).reset_index()


