"""Participation metrics (LMS) from the clean participants table.

Definitions are those of ``resources/metric_registry.yaml`` (stage ``participation``);
each function below implements one or a few registry entries and records the keys
behind every number as evidence (key ``<edition>:<participant_key>``, or the bare
participant key for ``unique_people``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib.registry import MetricRows
from lib.vocabulary import CERTIFICATES as CERTS
from lib.vocabulary import GENDERS
from lib.vocabulary import RECORDED_GENDERS as RECORDED

KEY_TYPE = "edition:participant_key"


class People:
    """The clean participant table, sorted by evidence key, with the key column in Arrow.

    Metrics take the rows they count as ascending row positions (numpy), so the keys of
    any subset come out distinct and sorted by a plain ``take`` of the key column: no
    frame is filtered and no key is sorted again (MetricRows.evidence(presorted=True)
    checks it). ``positions(col)`` gives the row positions per value of a column."""

    def __init__(self, people: pd.DataFrame):
        keys = pa.array((people["edition"].astype(str) + ":" + people["participant_key"].astype(str)).array)
        keys = keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys
        order = pc.sort_indices(keys).to_numpy()
        self.keys = keys.take(order)
        self.df = people.iloc[order].reset_index(drop=True)
        self.all = np.arange(len(self.df))

    def positions(self, *columns: str) -> dict:
        """Value (or tuple of values) -> ascending row positions; missing values left out."""
        by = list(columns) if len(columns) > 1 else columns[0]
        return self.df.groupby(by, sort=True, dropna=True, observed=True).indices

    def mask(self, mask) -> np.ndarray:
        return np.flatnonzero(np.asarray(mask, dtype=bool))


def _evidence(rows: MetricRows, people: People, metric_id: str, level, role: str, at: np.ndarray) -> None:
    rows.evidence_at(metric_id, level, role, people.keys, at, KEY_TYPE)


def _count(rows: MetricRows, people: People, metric_id: str, at: np.ndarray, level=None, rank=None) -> None:
    rows.count(metric_id, len(at), level=level, rank=rank)
    _evidence(rows, people, metric_id, level, "numerator", at)


def _share(rows: MetricRows, people: People, metric_id: str, num: np.ndarray, den: np.ndarray, level=None) -> None:
    rows.share(metric_id, len(num), len(den), level=level)
    _evidence(rows, people, metric_id, level, "numerator", num)
    _evidence(rows, people, metric_id, level, "denominator", den)


NONE = np.array([], dtype=np.int64)


def participants(rows: MetricRows, people: People, editions: list[str]) -> None:
    """participants_total / _by_edition / _by_language / _by_year and unique_people."""
    _count(rows, people, "participants_total", people.all)
    by_edition = people.positions("edition")
    for ed in editions:
        _count(rows, people, "participants_by_edition", by_edition.get(ed, NONE), level=ed)
    for lang, at in people.positions("language").items():
        _count(rows, people, "participants_by_language", at, level=lang)
    for year, at in people.positions("year").items():
        _count(rows, people, "participants_by_year", at, level=str(year))
    keys = people.df["participant_key"]
    rows.count("unique_people", keys.nunique())
    rows.evidence("unique_people", None, "numerator", keys, "participant_key")


def country_ranking(people: pd.DataFrame) -> pd.DataFrame:
    """Countries by participants (desc), ties by ISO code; columns iso3, n, rank (1-based)."""
    counts = people["country_iso3"].dropna().value_counts().rename_axis("iso3").reset_index(name="n")
    counts = counts.sort_values(["n", "iso3"], ascending=[False, True], kind="stable").reset_index(drop=True)
    counts["rank"] = range(1, len(counts) + 1)
    return counts


def countries(rows: MetricRows, people: People) -> None:
    """countries_total, participants_by_country (ranked), participants_country_not_recorded."""
    recorded = people.df["country_iso3"].notna()
    ranking = country_ranking(people.df)
    rows.count("countries_total", len(ranking))
    _evidence(rows, people, "countries_total", None, "numerator", people.mask(recorded))
    by_country = people.positions("country_iso3")
    for r in ranking.itertuples():
        _count(rows, people, "participants_by_country", by_country[r.iso3], r.iso3, r.rank)
    _count(rows, people, "participants_country_not_recorded", people.mask(~recorded))


def gender(rows: MetricRows, people: People) -> None:
    """gender_count (all four codes) and gender_share over participants with a gender recorded."""
    by_gender = people.positions("gender")
    for g in GENDERS:
        _count(rows, people, "gender_count", by_gender.get(g, NONE), level=g)
    recorded = people.mask(people.df["gender"].isin(RECORDED))
    for g in RECORDED:
        _share(rows, people, "gender_share", by_gender.get(g, NONE), recorded, level=g)


def certificates(rows: MetricRows, people: People, editions: list[str]) -> None:
    """Certificates issued overall and per edition (Box 1) and the issued-vs-eligible reconciliation."""
    by_issued, by_edition = people.positions("certificate_issued"), people.positions("edition")
    by_issued_edition = people.positions("certificate_issued", "edition")
    for kind in ("completion", "participation"):
        issued = by_issued.get(kind, NONE)
        _count(rows, people, f"certificates_{kind}", issued)
        _share(rows, people, f"certificates_{kind}_share", issued, people.all)
        for ed in editions:
            num, den = by_issued_edition.get((kind, ed), NONE), by_edition.get(ed, NONE)
            _share(rows, people, f"certificates_{kind}_by_edition", num, den, level=ed)
    by_pair = people.positions("certificate_issued", "certificate_eligible")
    for issued in CERTS:
        for eligible in CERTS:
            at = by_pair.get((issued, eligible), NONE)
            _count(rows, people, "certificates_reconciliation", at, level=f"{issued}_vs_{eligible}")


def compute(people: pd.DataFrame, registry: dict, editions: list[str]) -> MetricRows:
    """All participation metrics of the registry for the given editions (report order)."""
    rows = MetricRows(registry, stage="participation")
    table = People(people)
    participants(rows, table, editions)
    countries(rows, table)
    gender(rows, table)
    certificates(rows, table, editions)
    missing = [
        m for m, e in registry.items() if e["stage"] == "participation" and m not in {r["metric_id"] for r in rows.rows}
    ]
    if missing:
        raise ValueError(f"participation metrics defined in the registry but not computed: {missing}")
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
