"""Participation metrics (LMS) from the clean participants table.

Definitions are those of ``resources/metric_registry.yaml`` (stage ``participation``);
each function below implements one or a few registry entries and records the keys
behind every number as evidence (key ``<edition>:<participant_key>``, or the bare
participant key for ``unique_people``).
"""

from __future__ import annotations

import pandas as pd

from lib.registry import MetricRows

GENDERS = ["female", "male", "other", "not_recorded"]
RECORDED = ["female", "male", "other"]
CERTS = ["completion", "participation", "none"]
KEY_TYPE = "edition:participant_key"


def _keys(df: pd.DataFrame) -> pd.Series:
    """``<edition>:<participant_key>`` per row, as a text column (vectorised, no Python str
    per row: the evidence collector keeps it in Arrow)."""
    return df["edition"].astype(str) + ":" + df["participant_key"].astype(str)


def _count(rows: MetricRows, metric_id: str, df: pd.DataFrame, level=None, rank=None) -> None:
    rows.count(metric_id, len(df), level=level, rank=rank)
    rows.evidence(metric_id, level, "numerator", _keys(df), KEY_TYPE)


def _share(rows: MetricRows, metric_id: str, num: pd.DataFrame, den: pd.DataFrame, level=None) -> None:
    rows.share(metric_id, len(num), len(den), level=level)
    rows.evidence(metric_id, level, "numerator", _keys(num), KEY_TYPE)
    rows.evidence(metric_id, level, "denominator", _keys(den), KEY_TYPE)


def participants(rows: MetricRows, people: pd.DataFrame, editions: list[str]) -> None:
    """participants_total / _by_edition / _by_language / _by_year and unique_people."""
    _count(rows, "participants_total", people)
    for ed in editions:
        _count(rows, "participants_by_edition", people[people["edition"] == ed], level=ed)
    for lang in sorted(people["language"].unique()):
        _count(rows, "participants_by_language", people[people["language"] == lang], level=lang)
    for year in sorted(people["year"].unique()):
        _count(rows, "participants_by_year", people[people["year"] == year], level=str(year))
    keys = sorted(people["participant_key"].unique())
    rows.count("unique_people", len(keys))
    rows.evidence("unique_people", None, "numerator", keys, "participant_key")


def country_ranking(people: pd.DataFrame) -> pd.DataFrame:
    """Countries by participants (desc), ties by ISO code; columns iso3, n, rank (1-based)."""
    counts = people["country_iso3"].dropna().value_counts().rename_axis("iso3").reset_index(name="n")
    counts = counts.sort_values(["n", "iso3"], ascending=[False, True], kind="stable").reset_index(drop=True)
    counts["rank"] = range(1, len(counts) + 1)
    return counts


def countries(rows: MetricRows, people: pd.DataFrame) -> None:
    """countries_total, participants_by_country (ranked), participants_country_not_recorded."""
    recorded = people[people["country_iso3"].notna()]
    ranking = country_ranking(people)
    rows.count("countries_total", len(ranking))
    rows.evidence("countries_total", None, "numerator", _keys(recorded), KEY_TYPE)
    for r in ranking.itertuples():
        _count(rows, "participants_by_country", recorded[recorded["country_iso3"] == r.iso3], r.iso3, r.rank)
    _count(rows, "participants_country_not_recorded", people[people["country_iso3"].isna()])


def gender(rows: MetricRows, people: pd.DataFrame) -> None:
    """gender_count (all four codes) and gender_share over participants with a gender recorded."""
    for g in GENDERS:
        _count(rows, "gender_count", people[people["gender"] == g], level=g)
    recorded = people[people["gender"].isin(RECORDED)]
    for g in RECORDED:
        _share(rows, "gender_share", recorded[recorded["gender"] == g], recorded, level=g)


def certificates(rows: MetricRows, people: pd.DataFrame, editions: list[str]) -> None:
    """Certificates issued overall and per edition (Box 1) and the issued-vs-eligible reconciliation."""
    for kind in ("completion", "participation"):
        issued = people[people["certificate_issued"] == kind]
        _count(rows, f"certificates_{kind}", issued)
        _share(rows, f"certificates_{kind}_share", issued, people)
        for ed in editions:
            ed_people = people[people["edition"] == ed]
            _share(rows, f"certificates_{kind}_by_edition", issued[issued["edition"] == ed], ed_people, level=ed)
    for issued in CERTS:
        for eligible in CERTS:
            pair = people[(people["certificate_issued"] == issued) & (people["certificate_eligible"] == eligible)]
            _count(rows, "certificates_reconciliation", pair, level=f"{issued}_vs_{eligible}")


def compute(people: pd.DataFrame, registry: dict, editions: list[str]) -> MetricRows:
    """All participation metrics of the registry for the given editions (report order)."""
    rows = MetricRows(registry, stage="participation")
    participants(rows, people, editions)
    countries(rows, people)
    gender(rows, people)
    certificates(rows, people, editions)
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
