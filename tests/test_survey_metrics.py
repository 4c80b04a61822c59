"""Survey metric definitions on small hand-made frames (scripts/lib/survey_metrics.py)."""

import math

import numpy as np
import pandas as pd
import pytest

from lib import metrics as m
from lib import survey_metrics as sm
from lib.registry import load_registry
from lib.stats import wilson_fpc

REGISTRY = load_registry("resources/metric_registry.yaml")

NA = pd.NA


def row(m, metric_id, level=""):
    hit = m.rows[(m.rows.metric_id == metric_id) & (m.rows.level == level)]
    assert len(hit) == 1, (metric_id, level)
    return hit.iloc[0]


def followup_frame():
    # 8 responses; hand-tallied expectations are written beside each test.
    b = lambda *v: pd.array(list(v), dtype="boolean")  # noqa: E731
    return pd.DataFrame(
        {
            "response_id": [f"R{i}" for i in range(1, 9)],
            "edition": ["E1", "E1", "S1", "S1", "E1", None, "S1", "E1"],
            "relationship": [
                "professional",
                "interested",
                "professional",
                None,
                "other",
                "professional",
                "interested",
                "professional",
            ],
            "career_stage": [
                "student",
                "mid_career",
                "student",
                "senior",
                "student",
                "senior",
                "mid_career",
                "student",
            ],
            "sector": ["ngo"] * 8,
            "applied": ["yes", "yes", "no", "yes", "no_opportunity", None, "yes", "yes"],
            "importance": [
                "very_important",
                "important",
                "moderately_important",
                "important",
                None,
                "not_important",
                "very_important",
                "slightly_important",
            ],
            "attribution": [50, 100, 30, np.nan, 0, 80, 70, 60],
            "topics_applied__barriers": b(True, False, NA, True, NA, NA, NA, True),
            "topics_applied__finance": b(False, True, NA, True, NA, NA, NA, False),
            "challenges__funding": b(True, True, False, NA, True, NA, False, False),
            "challenges__time": b(False, True, True, NA, False, NA, False, False),
            "recommendations__video": b(*[NA] * 8),
            "followup_topics__climate": b(True, NA, NA, NA, NA, NA, NA, NA),
            "participant_key": ["k1", None, "k3", None, None, None, "k7", "k8"],
        }
    )


OPTIONS = {
    "edition": ["E1", "S1"],
    "relationship": ["professional", "interested", "other"],
    "career_stage": ["student", "mid_career", "senior"],
    "sector": ["ngo", "corporate"],
    "topics_applied": ["barriers", "finance"],
    "challenges": ["funding", "time"],
    "recommendations": ["video"],
    "followup_topics": ["climate"],
}
LANG = {"E1": "en", "S1": "es"}


@pytest.fixture
def app():
    # ranked as the registry says (topics, challenges, recommendations, follow-up topics)
    return m.with_rank(sm.application_metrics(followup_frame(), OPTIONS, LANG, population=40),
                       m.ranked(REGISTRY, "application"))


def test_counts_and_response_rate(app):
    assert row(app, "survey_respondents").value == 8
    r = row(app, "survey_response_rate")
    assert (r.numerator, r.denominator, r.value) == (8, 40, 0.2)


def test_single_choice_denominator_excludes_skipped(app):
    # relationship answered by 7 (R4 skipped): professional R1 R3 R6 R8 = 4/7
    r = row(app, "relationship_share", "professional")
    assert (r.numerator, r.denominator) == (4, 7)
    assert r.value == pytest.approx(4 / 7)
    # edition answered by 7 (R6 skipped): E1 = R1 R2 R5 R8 = 4/7; es = 3/7
    assert row(app, "respondents_by_edition", "S1").numerator == 3
    lang = row(app, "respondents_by_edition_language", "es")
    assert (lang.numerator, lang.denominator) == (3, 7)
    # an option nobody chose is still published, as 0
    assert row(app, "sector_share", "corporate").value == 0


def test_application_rate_and_groups(app):
    # applied answered by 7: yes = R1 R2 R4 R7 R8 = 5/7
    r = row(app, "application_rate")
    assert (r.numerator, r.denominator) == (5, 7)
    # professional answered applied: R1 yes, R3 no, R8 yes (R6 skipped) -> 2/3
    g = row(app, "application_rate_by_relationship", "professional")
    assert (g.numerator, g.denominator) == (2, 3)
    # students: R1 yes, R3 no, R5 no_opportunity, R8 yes -> 2/4
    s = row(app, "application_rate_by_career_stage", "student")
    assert (s.numerator, s.denominator) == (2, 4)
    # edition language es: R3 no, R4 yes, R7 yes -> 2/3
    e = row(app, "application_rate_by_edition_language", "es")
    assert (e.numerator, e.denominator) == (2, 3)


def test_importance_top_two_boxes(app):
    # answered 7 (R5 skipped); very_important R1 R7 + important R2 R4 = 4/7
    r = row(app, "importance_top2")
    assert (r.numerator, r.denominator) == (4, 7)


def test_attribution_mean_among_appliers_who_answered(app):
    # appliers R1 R2 R4 R7 R8; R4 skipped attribution -> (50 + 100 + 70 + 60) / 4 = 70
    r = row(app, "attribution_mean")
    assert (r.value, r.numerator, r.denominator) == (70, 280, 4)


def test_topics_applied_among_appliers_who_answered(app):
    # appliers who answered topics: R1 R2 R4 R8 (R7 skipped); barriers R1 R4 R8 = 3/4
    b = row(app, "topic_applied_share", "barriers")
    f = row(app, "topic_applied_share", "finance")
    assert (b.numerator, b.denominator, f.numerator, f.denominator) == (3, 4, 2, 4)
    assert (b["rank"], f["rank"]) == (1, 2)


def test_multi_select_challenges_and_ties(app):
    # answered: R1 R2 R3 R5 R7 R8 = 6; funding R1 R2 R5 = 3; time R2 R3 = 2
    f = row(app, "challenge_share", "funding")
    t = row(app, "challenge_share", "time")
    assert (f.numerator, f.denominator, t.numerator, t.denominator) == (3, 6, 2, 6)
    assert (f["rank"], t["rank"]) == (1, 2)
    # an item nobody answered has denominator 0 and no value
    v = row(app, "recommendation_share", "video")
    assert v.denominator == 0 and math.isnan(v.value)


def test_rank_ties_broken_by_code():
    rows = pd.DataFrame(
        {
            "metric_id": ["challenge_share"] * 3,
            "level": ["time", "funding", "b"],
            "value": [0.5, 0.5, 0.1],
            "numerator": [1.0, 1.0, 0.0],
            "denominator": [2, 2, 2],
            "rank": pd.array([NA] * 3, dtype="Int64"),
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
    )
    out = m.with_rank(m.Metrics(rows), ["challenge_share"]).rows
    assert dict(zip(out.level, out["rank"], strict=True)) == {"funding": 1, "time": 2, "b": 3}


def test_linked_share(app):
    r = row(app, "respondents_linked")
    assert (r.numerator, r.denominator) == (4, 8)


def test_evidence_recounts_every_row(app):
    ev = app.evidence
    shares = app.rows[app.rows.metric_id != "attribution_mean"]
    for r in shares.itertuples():
        sel = ev[(ev.metric_id == r.metric_id) & (ev.level == r.level)]
        if r.metric_id == "survey_response_rate":
            assert len(sel) == r.numerator
            continue
        assert len(sel) == r.denominator and sel.in_numerator.sum() == r.numerator
    att = ev[ev.metric_id == "attribution_mean"]
    assert sorted(att.response_id) == ["R1", "R2", "R7", "R8"] and att.value.sum() == 280


def test_wilson_columns(app):
    out = sm.with_wilson(app, ["application_rate"], population=40)
    r = row(out, "application_rate")
    assert (r.ci_low, r.ci_high) == pytest.approx(wilson_fpc(5, 7, 40))
    assert r.ci_low < r.value < r.ci_high
    assert math.isnan(row(out, "importance_top2").ci_low)  # not requested


def test_reaction_mean_of_editions():
    ev = pd.DataFrame(
        {
            "edition": ["A"] * 4 + ["B"] * 2,
            "response_id": ["1", "2", "3", "4", "1", "2"],
            "intention_to_use": ["yes", "yes", "no", None, "yes", "yes"],
        }
    )
    m = sm.reaction_metrics(ev, ["A", "B", "C"])
    a = row(m, "intention_to_use_by_edition", "A")
    assert (a.numerator, a.denominator) == (2, 3)  # R4 skipped
    assert row(m, "intention_to_use_by_edition", "B").value == 1
    # edition C has no responses: not averaged. mean = (2/3 + 1) / 2 = 0.8333 (unweighted;
    # the pooled share would be 4/5 = 0.8)
    mean = row(m, "intention_to_use_mean")
    assert mean.value == pytest.approx(5 / 6)
    assert (mean.numerator, mean.denominator) == (pytest.approx(5 / 3), 2)


def test_respondent_comparison():
    participants = pd.DataFrame(
        {
            "participant_key": ["k1", "k2", "k3", "k4", "k1"],
            "edition": ["E1", "E1", "S1", "S1", "S1"],
            "language": ["en", "en", "es", "es", "es"],
            "gender": ["female", "male", "not_recorded", "female", "female"],
            "certificate_issued": ["completion", "none", "participation", "none", "none"],
        }
    )
    followup = pd.DataFrame(
        {
            "participant_key": ["k1", "k3", "k9", None, "k1"],
            "edition": ["E1", "S1", "E1", "S1", "E1"],  # k9 unmatched; k1/E1 answered twice
        }
    )
    m = sm.respondent_comparison(followup, participants)
    # linked people: (k1, E1), (k3, S1)
    r = row(m, "respondent_comparison", "respondents.language=en")
    assert (r.numerator, r.denominator) == (1, 2)
    # gender not_recorded leaves the denominator: only k1 (female) -> 1/1
    g = row(m, "respondent_comparison", "respondents.gender=female")
    assert (g.numerator, g.denominator) == (1, 1)
    p = row(m, "respondent_comparison", "participants.gender=female")
    assert (p.numerator, p.denominator) == (3, 4)
    c = row(m, "respondent_comparison", "participants.certificate=none")
    assert (c.numerator, c.denominator) == (3, 5)
    assert not (m.rows.level == "participants.gender=not_recorded").any()
