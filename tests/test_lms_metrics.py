"""Each participation metric definition on a hand-made clean table (lib/participation.py)."""

import pandas as pd
import pytest

from lib.participation import box1, compute, country_ranking
from lib.registry import load_registry, metric_key

REG = load_registry("resources/metric_registry.yaml")
EDITIONS = ["E1", "E2"]


def people():
    # 7 participants (one person, k1, took both editions); hand-computed expectations below
    rows = [
        # key, edition, lang, year, country, gender, issued, eligible
        ("k1", "E1", "en", 2020, "ECU", "female", "completion", "completion"),
        ("k2", "E1", "en", 2020, "MEX", "male", "participation", "participation"),
        ("k3", "E1", "en", 2020, "ECU", "not_recorded", "none", "none"),
        ("k4", "E1", "en", 2020, None, "other", "completion", "participation"),
        ("k1", "E2", "es", 2021, "ECU", "female", "none", "completion"),
        ("k5", "E2", "es", 2021, "MEX", "female", "participation", "participation"),
        ("k6", "E2", "es", 2021, "IND", "not_recorded", "none", "none"),
    ]
    cols = [
        "participant_key",
        "edition",
        "language",
        "year",
        "country_iso3",
        "gender",
        "certificate_issued",
        "certificate_eligible",
    ]
    return pd.DataFrame(rows, columns=cols)


@pytest.fixture(scope="module")
def m():
    rows = compute(people(), REG, EDITIONS)
    frame = rows.frame()
    out = {metric_key(r.metric_id, r.level): r for r in frame.itertuples(index=False)}
    out["_evidence"] = rows.evidence_frame()
    out["_frame"] = frame
    return out


def test_participants(m):
    assert m["participants_total"].value == 7  # cumulative: k1 counts twice
    assert m["participants_by_edition:E1"].value == 4 and m["participants_by_edition:E2"].value == 3
    assert m["participants_by_language:en"].value == 4 and m["participants_by_language:es"].value == 3
    assert m["participants_by_year:2020"].value == 4 and m["participants_by_year:2021"].value == 3
    assert m["unique_people"].value == 6


def test_countries_ranked_ties_by_code(m):
    assert m["countries_total"].value == 3
    assert (m["participants_by_country:ECU"].value, m["participants_by_country:ECU"].rank) == (3, 1)
    assert (m["participants_by_country:MEX"].value, m["participants_by_country:MEX"].rank) == (2, 2)
    assert (m["participants_by_country:IND"].value, m["participants_by_country:IND"].rank) == (1, 3)
    assert m["participants_country_not_recorded"].value == 1
    tie = pd.DataFrame({"country_iso3": ["MEX", "ECU", "IND", None]})
    assert country_ranking(tie)["iso3"].tolist() == ["ECU", "IND", "MEX"]


def test_gender_counts_and_shares_over_recorded(m):
    assert [m[f"gender_count:{g}"].value for g in ("female", "male", "other", "not_recorded")] == [3, 1, 1, 2]
    share = m["gender_share:female"]
    assert (share.numerator, share.denominator, share.value) == (3, 5, 0.6)  # 2 not recorded left out
    assert m["gender_share:male"].value == 0.2 and m["gender_share:other"].value == 0.2
    assert "gender_share:not_recorded" not in m
    assert m["gender_share:female"].unit == "share"


def test_certificates_overall_and_per_edition(m):
    assert m["certificates_completion"].value == 2
    assert m["certificates_participation"].value == 2
    s = m["certificates_completion_share"]
    assert (s.numerator, s.denominator) == (2, 7)
    e1 = m["certificates_completion_by_edition:E1"]
    assert (e1.numerator, e1.denominator, e1.value) == (2, 4, 0.5)
    e2 = m["certificates_participation_by_edition:E2"]
    assert (e2.numerator, e2.denominator) == (1, 3)


def test_reconciliation_issued_vs_eligible(m):
    rec = {k.split(":")[1]: r.value for k, r in m.items() if k.startswith("certificates_reconciliation:")}
    assert len(rec) == 9 and sum(rec.values()) == 7
    assert rec["completion_vs_completion"] == 1
    assert rec["completion_vs_participation"] == 1  # manual award
    assert rec["none_vs_completion"] == 1  # eligible, not issued
    assert rec["participation_vs_participation"] == 2
    assert rec["none_vs_none"] == 2


def test_every_participation_metric_is_computed_and_has_evidence(m):
    ids = {r for r in m["_frame"]["metric_id"]}
    assert ids == {k for k, e in REG.items() if e["stage"] == "participation"}
    ev = m["_evidence"]
    num = ev[(ev["metric_id"] == "gender_share") & (ev["level"] == "female") & (ev["role"] == "numerator")]
    assert sorted(num["key"]) == ["E1:k1", "E2:k1", "E2:k5"]
    den = ev[(ev["metric_id"] == "gender_share") & (ev["level"] == "female") & (ev["role"] == "denominator")]
    assert len(den) == 5


def test_box1_table(m):
    frame = m["_frame"]
    table = box1(frame.assign(level=frame["level"].fillna("")), EDITIONS)
    assert table["edition"].tolist() == ["E1", "E2", "Total"]
    assert table["participants"].tolist() == [4, 3, 7]
    assert table["completion_count"].tolist() == [2, 0, 2]
    assert table["participation_count"].tolist() == [1, 1, 2]
    assert table.loc[2, "completion_share"] == pytest.approx(2 / 7)


def test_missing_edition_still_reported():
    rows = compute(people()[people()["edition"] == "E1"], REG, EDITIONS)
    f = rows.frame()
    e2 = f[(f["metric_id"] == "participants_by_edition") & (f["level"] == "E2")]
    assert e2["value"].tolist() == [0]
