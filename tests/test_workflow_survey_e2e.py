"""End to end: every reaction and application metric the workflow computes from the default
raw data equals the generator's ground truth (tests/data/ground_truth.json, scope_2020),
and the survey outputs (clean tables, figures, Box 2) are in place and private."""

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import results_dir

from lib.registry import load_registry, metric_key

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[1]
STAGES = ("reaction", "application")


@pytest.fixture(scope="module")
def survey_run(e2e_run):
    """results/<scope>/ of the session's full workflow run on the default data (conftest.py)."""
    return results_dir(Path(e2e_run))


@pytest.fixture(scope="module")
def computed(survey_run):
    frames = [pd.read_csv(survey_run / "metrics" / f"{s}.csv", dtype={"level": str}) for s in STAGES]
    metrics = pd.concat(frames, ignore_index=True)
    return {metric_key(r.metric_id, r.level): r for r in metrics.itertuples(index=False)}


def survey_truth():
    truth = json.loads((ROOT / "tests" / "data" / "ground_truth.json").read_text(encoding="utf-8"))["scope_2020"]
    registry = load_registry(ROOT / "resources" / "metric_registry.yaml")
    return {k: v for k, v in truth.items() if registry.get(k.split(":", 1)[0], {}).get("stage") in STAGES}


TRUTH = survey_truth() if (ROOT / "tests" / "data" / "ground_truth.json").exists() else {}


def test_ground_truth_covers_every_survey_metric():
    registry = load_registry(ROOT / "resources" / "metric_registry.yaml")
    ids = {m for m, e in registry.items() if e["stage"] in STAGES}
    assert ids <= {k.split(":", 1)[0] for k in TRUTH}, sorted(ids - {k.split(":", 1)[0] for k in TRUTH})


@pytest.mark.parametrize("key", sorted(TRUTH))
def test_metric_equals_ground_truth(computed, key):
    expected = TRUTH[key]
    assert key in computed, f"{key} not computed"
    row = computed[key]
    assert row.value == pytest.approx(expected["value"], abs=1e-9)
    if expected.get("numerator") is not None:
        assert row.numerator == pytest.approx(expected["numerator"], abs=1e-9)
    if expected.get("denominator") is not None:
        assert row.denominator == pytest.approx(expected["denominator"], abs=1e-9)


def test_no_unexpected_survey_metrics(computed):
    extra = {k for k in computed if k not in TRUTH}
    assert not extra, sorted(extra)


def test_intervals_bracket_every_survey_share(survey_run):
    m = pd.read_csv(survey_run / "metrics" / "application.csv")
    registry = load_registry(ROOT / "resources" / "metric_registry.yaml")
    wilson = m[m.metric_id.map(lambda i: registry[i]["interval"] == "wilson_fpc") & (m.denominator > 0)]
    assert len(wilson) > 30
    assert ((wilson.ci_low <= wilson.value) & (wilson.value <= wilson.ci_high)).all()
    assert ((wilson.ci_low >= 0) & (wilson.ci_high <= 1)).all()
    other = m[~m.index.isin(wilson.index)]
    assert other.ci_low.isna().all()


def test_clean_followup_has_no_emails(survey_run):
    clean = pd.read_parquet(survey_run / "clean" / "followup.parquet")
    assert "email" not in clean.columns
    text = clean.select_dtypes(include=["object", "string"]).astype(str)
    assert not text.apply(lambda c: c.str.contains(r"@[\w-]+\.", regex=True)).any().any()
    assert clean["participant_key"].dropna().str.fullmatch(r"[0-9a-f]{64}").all()


def test_box2_and_figures(survey_run):
    quotes = pd.read_csv(survey_run / "tables" / "box2_quotes.csv", dtype=str, keep_default_na=False)
    assert quotes["response_id"].tolist() == ["ES-0007", "EN-0012", "ES-0023", "ES-0031"]
    assert quotes.loc[0, "role"] == "Government officer" and quotes.loc[0, "country"] == "Mexico"
    assert quotes.loc[1, "translation"] == "" and quotes.loc[0, "language"] == "es"
    for name in ("figure2_respondent_profile", "topics_applied", "application_by_group"):
        for ext in ("png", "svg"):
            assert (survey_run / "figures" / f"{name}.{ext}").stat().st_size > 10_000


def ground_truth_section(name):
    return json.loads((ROOT / "tests" / "data" / "ground_truth.json").read_text(encoding="utf-8"))[name]


@pytest.mark.parametrize(
    "metric_id", ["topic_applied_share", "challenge_share", "recommendation_share", "followup_topic_share"]
)
def test_ranks_equal_ground_truth(survey_run, metric_id):
    m = pd.read_csv(survey_run / "metrics" / "application.csv", dtype={"level": str})
    rows = m[m.metric_id == metric_id].sort_values("rank")
    assert rows["rank"].tolist() == list(range(1, len(rows) + 1))
    assert rows["level"].tolist() == ground_truth_section("ranks")["scope_2020"][metric_id]


def test_box2_quotes_equal_ground_truth(survey_run):
    quotes = pd.read_csv(survey_run / "tables" / "box2_quotes.csv", dtype=str, keep_default_na=False)
    truth = ground_truth_section("quotes")
    for r in quotes.itertuples(index=False):
        assert truth[r.response_id]["consent_quote"] == "yes"
        assert r.text == truth[r.response_id]["example"]
    assert not {k for k, v in truth.items() if v["consent_quote"] != "yes"} & set(quotes.response_id)


def test_reaction_2021_scope_in_four_languages(tmp_path):
    """The 2021 editions (en, es, fr, ar evaluation forms; no follow-up survey): reaction
    metrics equal the ground truth's scope_2021 section."""
    from conftest import copy_repo, run_snakemake

    workdir = copy_repo(tmp_path / "repo")
    done = run_snakemake(workdir, "--config", "scope=2021", "--", "results/2021/metrics/reaction.csv")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    m = pd.read_csv(results_dir(workdir, "2021") / "metrics" / "reaction.csv", dtype={"level": str})
    got = {metric_key(r.metric_id, r.level): r for r in m.itertuples(index=False)}
    truth = {k: v for k, v in ground_truth_section("scope_2021").items() if k.startswith("intention_to_use")}
    assert set(got) == set(truth)
    for key, expected in truth.items():
        assert got[key].value == pytest.approx(expected["value"], abs=1e-12)
        assert got[key].numerator == pytest.approx(expected["numerator"], abs=1e-12)
        assert got[key].denominator == expected["denominator"]
