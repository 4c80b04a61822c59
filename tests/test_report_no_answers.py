"""A survey item nobody answered (the analyst's form may not have it) is legitimate input:
Figure 2 draws the panels that have answers and says "No answers" in the other, and the
report says in a sentence that the item had no answers (no empty list, no crash)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from test_report_fixture import metrics_frame, render
from test_report_render import visible_text

from lib.profile_panels import NO_ANSWERS, answered_rows, axis_limit, draw_panel, respondents
from lib.report_annex import LevelNamer, annex_metrics
from lib.report_format import MissingValue
from lib.report_vars import Labels, has_answers, item_sentences, metric_variables, unanswered_ids

COLS = ["metric_id", "level", "value", "numerator", "denominator", "unit", "ci_low", "ci_high", "rank"]
NAN = float("nan")


def frame(rows):
    return pd.DataFrame([dict(zip(COLS, r, strict=True)) for r in rows])


def profile_metrics():
    """Career stage answered by 10 respondents (6 / 4); sector asked but answered by nobody."""
    return frame([
        ("career_stage_share", "student", 0.4, 4, 10, "share", None, None, None),
        ("career_stage_share", "young_professional", 0.6, 6, 10, "share", None, None, None),
        ("sector_share", "ngo", NAN, 0, 0, "share", None, None, None),
        ("sector_share", "government", NAN, 0, 0, "share", None, None, None),
    ])


def test_unanswered_items_are_those_with_no_value_over_a_zero_denominator():
    m = profile_metrics()
    assert unanswered_ids(m) == {"sector_share"}
    assert has_answers(m, "career_stage_share") and not has_answers(m, "sector_share")
    assert not has_answers(m, "challenge_share")  # not in the table at all: the form had no such item
    # a missing value over a real denominator is a broken metric, not "no answers": it still stops
    broken = frame([("application_rate", "", NAN, 3, 10, "share", None, None, None)])
    assert unanswered_ids(broken) == set()
    with pytest.raises(MissingValue, match="application_rate"):
        metric_variables(broken)


def test_metric_variables_leave_out_unanswered_items():
    v = metric_variables(profile_metrics())
    assert set(v) == {"career_stage_share"}
    assert v["career_stage_share"]["young_professional"]["value"] == "60"


def test_sentences_say_no_answers_and_keep_the_answered_items():
    m = pd.concat([profile_metrics(), frame([
        ("challenge_share", "funding", NAN, 0, 0, "share", None, None, 1),
        ("challenge_share", "no_opportunity", NAN, 0, 0, "share", None, None, 2),
        ("relationship_share", "professional", 0.75, 3, 4, "share", None, None, None),
        ("relationship_share", "other", 0.25, 1, 4, "share", None, None, None),
        ("recommendation_share", "live_session", 0.5, 2, 4, "share", None, None, 1),
        ("recommendation_share", "recorded_videos", 0.25, 1, 4, "share", None, None, 2),
    ])])
    text = item_sentences(m, Labels({}))
    assert text["sector_sentence"] == "No respondent answered the survey question on their sector of work."
    assert text["challenge_sentence"] == ("No respondent answered the survey question on the challenges they "
                                          "met when applying what they learnt.")
    assert text["followup_topic_sentence"] == ("No respondent answered the survey question on topics for "
                                               "follow-up courses.")
    assert text["career_stage_sentence"] == "By career stage, they were young professional (60 per cent) and student (40 per cent)."
    assert text["relationship_sentence"].endswith("described themselves as professional (75 per cent); "
                                                  "25 per cent gave another answer.")
    assert text["recommendation_sentence"] == ("For future editions, respondents recommended live session (50 per cent) "
                                               "and recorded videos (25 per cent).")
    assert text["recommendation_top_sentence"] == "The recommendation made most often was live session (50 per cent)."
    assert not any("nan" in s.lower() or "()" in s for s in text.values())


def test_sector_and_challenge_sentences_with_answers():
    m = frame([
        ("sector_share", "government", 0.5, 5, 10, "share", None, None, None),
        ("sector_share", "ngo", 0.3, 3, 10, "share", None, None, None),
        ("sector_share", "corporate", 0.1, 1, 10, "share", None, None, None),
        ("sector_share", "academia", 0.0, 0, 10, "share", None, None, None),
        ("sector_share", "other", 0.1, 1, 10, "share", None, None, None),
        ("challenge_share", "funding", 0.6, 6, 10, "share", None, None, 1),
        ("challenge_share", "no_opportunity", 0.2, 2, 10, "share", None, None, 2),
    ])
    text = item_sentences(m, Labels({"sector": {"ngo": "NGOs"}}))
    assert text["sector_sentence"] == ("The sectors most represented were government (50 per cent), NGOs (30 per cent) "
                                       "and corporate (10 per cent), while academia was the smallest group at 0 per cent.")
    assert text["challenge_sentence"] == ("The obstacles cited most often were funding (60 per cent), and 20 per "
                                          "cent said they had had no opportunity to apply what they learnt.")


def test_annex_says_no_answers_for_the_item():
    registry = {"sector_share": {"label": "Sector of work", "definition": "Respondents by sector.",
                                 "numerator": "respondents in the sector", "denominator": "respondents",
                                 "interval": "wilson_fpc", "rounding": "whole per cent", "unit": "share",
                                 "breakdown": "sector", "stage": "application"},
                "career_stage_share": {"label": "Career stage", "definition": "Respondents by career stage.",
                                       "interval": "none", "rounding": "whole per cent", "unit": "share",
                                       "breakdown": "career_stage", "stage": "application"}}
    text = annex_metrics(registry, profile_metrics(), LevelNamer({}, Labels({}), lambda iso: iso))
    sector, career = text.split("#### Career stage")
    assert "**Value:** none: no respondent answered this survey question." in sector
    assert "| Young professional | 60 per cent (6 of 10) |" in career and "nan" not in text.lower()


def test_panel_helpers_on_a_missing_item():
    m = profile_metrics()
    assert answered_rows(m, "sector_share").empty
    assert list(answered_rows(m, "career_stage_share")["level"]) == ["young_professional", "student"]
    assert respondents(m, "sector_share") == 0 and respondents(m, "career_stage_share") == 10
    assert respondents(m, "not_asked") == 0
    assert axis_limit(m, ["sector_share", "career_stage_share"]) == 70  # 60 % + 8 -> next ten
    assert axis_limit(m, ["sector_share"]) == 100  # nothing to scale to
    assert axis_limit(frame([("x", "a", 0.97, 97, 100, "share", None, None, None)]), ["x"]) == 100


def test_figure_draws_answered_panel_and_says_no_answers_in_the_other():
    m = profile_metrics()
    fig, (left, right) = plt.subplots(1, 2, sharex=True)
    try:
        assert draw_panel(left, m, "sector_share", "Sector of work", str.upper, 70) == 0
        assert draw_panel(right, m, "career_stage_share", "Career stage", str.upper, 70) == 2
        # no panel title: the item and its respondents are in the x-axis label
        assert left.get_title(loc="left") == "" and right.get_title(loc="left") == ""
        assert left.get_xlabel() == "Sector of work (n = 0)\nShare of respondents (%)"
        assert [t.get_text() for t in left.texts] == [NO_ANSWERS] and len(left.patches) == 0
        assert right.get_xlabel() == "Career stage (n = 10)\nShare of respondents (%)"
        assert len(right.patches) == 2
        assert [t.get_text() for t in right.texts] == ["60%", "40%"]
        assert [t.get_text() for t in right.get_yticklabels()] == ["YOUNG_PROFESSIONAL", "STUDENT"]
        assert right.get_xlim() == (0, 70)
    finally:
        plt.close(fig)


def test_rendered_report_says_which_items_had_no_answers(tmp_path):
    metrics = metrics_frame()
    for metric_id in ("sector_share", "challenge_share", "recommendation_share", "followup_topic_share"):
        rows = metrics["metric_id"] == metric_id
        metrics.loc[rows, ["value", "numerator", "denominator", "ci_low", "ci_high"]] = [NAN, 0, 0, NAN, NAN]
    page, pdf, _ = render(tmp_path, metrics=metrics)
    text = visible_text(page)
    for question in ("their sector of work", "the challenges they met when applying what they learnt",
                     "recommendations for future editions", "topics for follow-up courses"):
        assert f"No respondent answered the survey question on {question}." in text
    assert "By career stage, they were young professionals (40 per cent)" in text  # answered items stay
    assert "nan" not in text.lower().split() and pdf.startswith(b"%PDF-")
    annex, _, _ = render(tmp_path / "annex", document="technical_annex.qmd", metrics=metrics)
    assert "none: no respondent answered this survey question" in visible_text(annex)
