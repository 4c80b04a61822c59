"""End to end, LMS part: the whole workflow on the default data (fixture ``workflow_run``
of conftest.py) gives every participation metric of the generator's ground truth
(tests/data/ground_truth.json), complete and private clean tables, a cleaning log that
adds up, clean validation reports and Figure 1; the 2021 scope runs through a config
override only."""

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from bench.measure import compare_truth
from conftest import ROOT, logs_dir, results_dir, run_snakemake

from lib.registry import load_registry, metric_key

pytestmark = pytest.mark.e2e
REGISTRY = load_registry(ROOT / "resources" / "metric_registry.yaml")
PARTICIPATION = {m for m, e in REGISTRY.items() if e["stage"] == "participation"}
TRUTH_FILE = ROOT / "tests" / "data" / "ground_truth.json"
NUMERIC = {c: [""] for c in ("value", "numerator", "denominator", "ci_low", "ci_high", "rank")}


def truth(scope: str) -> dict:
    if not TRUTH_FILE.exists():
        return {}
    data = json.loads(TRUTH_FILE.read_text(encoding="utf-8"))[f"scope_{scope}"]
    return {k: v for k, v in data.items() if k.split(":", 1)[0] in PARTICIPATION}


def read_metrics(path: Path) -> dict:
    df = pd.read_csv(path, dtype={"metric_id": str, "level": str}, keep_default_na=False, na_values=NUMERIC)
    return {metric_key(r.metric_id, r.level): r for r in df.itertuples(index=False)}


def assert_matches(metrics_csv: Path, expected: dict) -> None:
    """Every expected key equals the workflow's row (the bench's ground-truth check)."""
    got = compare_truth(metrics_csv, expected, rel_tol=1e-12)
    assert got["ok"], "\n".join(got["problems"])


TRUTH_2020 = truth("2020")


@pytest.fixture(scope="module")
def results(workflow_run) -> Path:
    return results_dir(workflow_run)


@pytest.fixture(scope="module")
def metrics(results) -> dict:
    return read_metrics(results / "metrics" / "metrics.csv")


def test_ground_truth_has_participation_metrics():
    assert len(TRUTH_2020) > 100
    assert {k.split(":")[0] for k in TRUTH_2020} == PARTICIPATION


def test_every_participation_metric_equals_ground_truth(results):
    assert_matches(results / "metrics" / "metrics.csv", TRUTH_2020)


def test_published_headline_figures(metrics):
    assert metrics["participants_total"].value == 1681
    assert metrics["countries_total"].value == 124
    top = sorted((r.rank, r.level) for k, r in metrics.items() if r.metric_id == "participants_by_country")[:3]
    assert [level for _, level in top] == ["ECU", "MEX", "IND"]
    assert [metrics[f"gender_count:{g}"].value for g in ("female", "male", "other", "not_recorded")] == [
        915,
        617,
        82,
        67,
    ]
    assert metrics["gender_share:female"].denominator == 1614
    assert round(metrics["certificates_completion_share"].value * 100) == 28
    assert round(metrics["certificates_participation_share"].value * 100) == 29


def test_no_participation_metric_outside_ground_truth(metrics):
    extra = [k for k, r in metrics.items() if r.metric_id in PARTICIPATION and k not in TRUTH_2020 and r.value != 0]
    assert not extra


def test_metrics_table_has_contract_columns_and_definitions(results):
    df = pd.read_csv(results / "metrics" / "metrics.csv", keep_default_na=False)
    for col in ("metric_id", "level", "value", "numerator", "denominator", "unit", "label", "definition"):
        assert col in df.columns
    assert set(df.loc[df["unit"] == "share", "value"].astype(float).between(0, 1))
    defs = pd.read_csv(results / "metrics" / "definitions.csv")
    assert defs["metric_id"].tolist() == list(REGISTRY)


def test_clean_participants_are_private_and_complete(results):
    people = pd.read_parquet(results / "clean" / "participants.parquet")
    assert len(people) == 1681
    assert not {"email", "first_name", "last_name", "user_id", "username", "full_name"} & set(people.columns)
    for col in people.select_dtypes(include=["object", "string"]).columns:
        assert not people[col].astype(str).str.contains("@").any(), col
    assert people["participant_key"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert not people.duplicated(["edition", "participant_key"]).any()


def test_cleaning_log_adds_up(results):
    log = pd.read_csv(results / "clean" / "cleaning_log.csv", keep_default_na=False)
    assert list(log.columns) == ["step", "source", "edition", "rows_in", "rows_out", "reason", "rows_dropped"]
    for key, g in log.groupby(["step", "source", "edition"]):
        assert g["rows_in"].nunique() == 1 and g["rows_out"].nunique() == 1, key
        assert g["rows_in"].iloc[0] == g["rows_out"].iloc[0] + g["rows_dropped"].sum(), key
    merged = log[(log["step"] == "merge_duplicates")]
    assert merged["rows_out"].sum() == 1681


def test_validation_reports_are_clean(results):
    reports = sorted((results / "validation" / "lms").rglob("*.csv"))
    assert len(reports) >= 4 * 6
    for path in reports:
        assert path.read_text(encoding="utf-8") == "file,line,column,value,check,message,rule\n", path
    assert not list((results / "validation").rglob("*.failed.csv"))


def test_box1_matches_metrics(results, metrics):
    box = pd.read_csv(results / "tables" / "box1_certificates.csv")
    assert box["edition"].tolist() == ["2020-EN1", "2020-EN2", "2020-ES1", "2020-EN3", "Total"]
    total = box.iloc[-1]
    assert total["participants"] == 1681
    assert total["completion_count"] == metrics["certificates_completion"].value
    assert total["participation_count"] == metrics["certificates_participation"].value
    assert box["participants"].iloc[:-1].sum() == 1681


def test_figure1_outputs(results):
    figs = results / "figures"
    png = (figs / "figure1_world_map.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 50_000
    svg = (figs / "figure1_world_map.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "Date" not in svg
    caption = json.loads((figs / "figure1_caption.json").read_text(encoding="utf-8"))
    assert caption["countries"] == 124
    assert [c["iso3"] for c in caption["top_countries"]] == ["ECU", "MEX", "IND"]
    notes = pd.read_csv(figs / "figure1_notes.csv", keep_default_na=False)
    assert {"iso3", "country_name", "participants", "note"} <= set(notes.columns)


def digests(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.mark.skipif(not (ROOT / "raw" / "lms").is_dir(), reason="raw/lms missing (make data)")
def test_scope_2021_through_config_only_beside_2020(tmp_path, workflow_run):
    """The whole workflow (rule all: metrics, figures, report) over the seven 2021 editions,
    French and Arabic sites included, by a config override only; run in a copy of the 2020
    run, it writes results/2021/ and leaves every file of results/2020/ as it was."""
    workdir = tmp_path / "repo"
    shutil.copytree(workflow_run, workdir, symlinks=True, ignore=shutil.ignore_patterns("locks", "incomplete"))
    before = digests(results_dir(workdir, "2020"))
    assert before
    done = run_snakemake(workdir, "--config", "scope=2021")
    assert done.returncode == 0, done.stderr[-4000:]
    assert digests(results_dir(workdir, "2020")) == before  # the scopes sit side by side
    assert (logs_dir(workdir, "2021") / "metrics_table.log").is_file()
    computed = read_metrics(results_dir(workdir, "2021") / "metrics" / "participation.csv")
    expected = truth("2021")
    assert len(expected) > 50
    assert_matches(results_dir(workdir, "2021") / "metrics" / "participation.csv", expected)
    editions = {r.level for r in computed.values() if r.metric_id == "participants_by_edition"}
    assert editions == {"2021-EN4", "2021-EN5", "2021-ES2", "2021-ES3", "2021-FR1", "2021-AR1", "2021-AR2"}
    assert {"fr", "ar"} <= {r.level for r in computed.values() if r.metric_id == "participants_by_language"}
    page = (results_dir(workdir, "2021") / "report" / "impact_story.html").read_text(encoding="utf-8")
    assert "No follow-up survey was carried out for" in page  # survey sections left out, with the reason
    assert page.count("<img") == 1  # Figure 1 only: no survey figures
    assert (results_dir(workdir, "2021") / "report" / "impact_story.pdf").is_file()
    assert not (results_dir(workdir, "2021") / "metrics" / "application.csv").exists()
