"""The benchmark (scripts/bench): helpers on hand-made inputs, and a smoke run of
bench.py on a tiny portfolio (3 editions x 2,000 participants) whose metrics must equal
the generator's ground truth. Not a timed test: no figure is compared to a limit here."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from bench import measure, report

ROOT = Path(__file__).resolve().parent.parent


def _metrics_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("metric_id,level,value,numerator,denominator,unit\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_compare_truth_accepts_equal_and_names_each_difference(tmp_path):
    csv = _metrics_csv(tmp_path / "m.csv", ["participants_total,,10.0,10.0,,count",
                                             "gender_share,female,0.25,1.0,4.0,share"])  # fmt: skip
    truth = {"participants_total": {"value": 10, "numerator": None, "denominator": None},
             "gender_share:female": {"value": 0.25, "numerator": 1, "denominator": 4}}  # fmt: skip
    assert measure.compare_truth(csv, truth) == {"checked": 2, "mismatches": 0, "ok": True, "problems": []}
    truth["gender_share:female"]["denominator"] = 5
    truth["countries_total"] = {"value": 3, "numerator": None, "denominator": None}
    got = measure.compare_truth(csv, truth)
    assert got["ok"] is False and got["mismatches"] == 2
    assert got["problems"] == ["countries_total: not computed",
                               "gender_share:female.denominator: workflow 4.0 != truth 5"]  # fmt: skip


def test_job_times_groups_outputs_of_one_job_and_skips_older_runs(tmp_path):
    meta = tmp_path / ".snakemake" / "metadata"
    meta.mkdir(parents=True)

    def record(output, rule, job_hash, start, end):
        name = base64.b64encode(output.encode()).decode().replace("/", "@")
        (meta / name).write_text(json.dumps({"rule": rule, "job_hash": job_hash, "starttime": start, "endtime": end}))

    record("results/a.parquet", "stage_lms", 1, 100.0, 102.5)
    record("results/a.csv", "stage_lms", 1, 100.0, 102.5)
    record("results/m.csv", "metrics_table", 2, 103.0, 104.0)
    record("results/old.csv", "combine_lms", 3, 50.0, 51.0)  # an earlier run
    jobs = measure.job_times(tmp_path, since=99.0)
    assert [(j["rule"], j["seconds"], j["outputs"]) for j in jobs] == [
        ("stage_lms", 2.5, ["results/a.csv", "results/a.parquet"]),
        ("metrics_table", 1.0, ["results/m.csv"]),
    ]
    assert measure.stage_summary(jobs) == {"metrics": {"jobs": 1, "job_seconds": 1.0},
                                           "stage": {"jobs": 1, "job_seconds": 2.5}}  # fmt: skip


def test_stage_of_rule_names():
    assert [measure.stage_of(r) for r in ("stage_followup", "combine_lms", "box1_table", "figure_world_map",
                                          "report_variables", "cleaning_log", "provenance_crate", "x")] == [
        "stage", "clean", "metrics", "figures", "report", "clean", "audit", "other"]  # fmt: skip
    # jobs that run several scripts as steps (lib.steps) count for the stage of their first
    assert [measure.stage_of(r) for r in ("stage_clean_lms", "stage_clean_metrics_reaction", "figures_survey",
                                          "stage_clean_metrics_application", "combine_metrics_participation")] == [
        "stage", "stage", "figures", "stage", "clean"]  # fmt: skip


def test_targets_compare_the_largest_portfolio_with_the_limits():
    small = {"editions": 3, "participants": 10, "wall_s": 500.0, "peak_rss_mb": 9000.0, "ratio_to_floor": 9.0,
             "truth_check": {"ok": False}}  # fmt: skip
    large = {"editions": 5, "participants": 100, "wall_s": 80.0, "peak_rss_mb": 5000.0, "ratio_to_floor": 2.0,
             "truth_check": {"ok": True}}  # fmt: skip
    rows = {t["target"]: t["met"] for t in report.targets({"portfolios": [large, small]})}
    assert rows == {"default_cold_s": None, "default_noop_s": None, "default_touch_scoped": None,
                    "portfolio_wall_s": True, "portfolio_rss_mb": False, "portfolio_ratio": True,
                    "portfolio_truth": True}  # fmt: skip


@pytest.mark.e2e
def test_bench_runs_on_a_tiny_portfolio_and_matches_ground_truth(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench" / "bench.py"), "--no-default",
                           "--sizes", "3x2000x200", "--out", str(out), "--workdir", str(tmp_path / "work")],
                          capture_output=True, text=True)  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(out.read_text("utf-8"))
    (p,) = result["portfolios"]
    assert (p["editions"], p["participants"], p["responses"]) == (3, 2000, 200)
    assert p["truth_check"]["ok"] and p["truth_check"]["checked"] > 50
    # per edition: participants, completion, grades, two certificate reports, evaluation;
    # plus the one Kobo export of the follow-up survey
    assert p["floor"]["rows"] > 2000 and p["floor"]["files"] == 3 * 6 + 1
    # every output of `rule all`, Figure 2 and the report included (the portfolio leaves items unanswered)
    # (a job counts for the stage of its first step: since issue 16 every metric stage is
    # a later step of a staging or combining job, and metrics.csv a step of report_variables)
    assert p["jobs"] >= 3 * 3 and {"stage", "clean", "figures", "report"} == set(p["stages"])
    # stage: the three editions' LMS jobs and the two survey chains; clean: combining the editions
    assert (p["stages"]["stage"]["jobs"], p["stages"]["clean"]["jobs"]) == (3 + 2, 1)
    # report stage: the variables with the technical annex (one job, lib.steps), the Impact Story
    assert p["stages"]["report"]["jobs"] == 2
    assert "portfolio (editions x participants x responses)" in proc.stdout
    assert "metrics = ground truth" in proc.stdout
