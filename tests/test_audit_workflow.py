"""The audit rules end to end on a small hand-made workspace (no other chain needed).

The workspace holds the repository's config, registry, claims register, scripts and the
common + audit rule files, a handful of raw files with their SHA256SUMS, and pre-made
metrics / evidence / report files standing in for the rest of the workflow. Snakemake is
run the way `make audit` runs it: audit_checksums alone (forced), then the target `audit`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import RESULTS, results_dir

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")

RAW = {
    "lms/2020-EN1/participants.csv": "User ID,Email address\n1,a@b.org\n",
    "evaluation/2020-EN1.csv": "response_id,usefulness\nR1,very\n",
    "survey/followup-2020.csv": "\"_id\";\"form_language\"\r\n\"118203640\";\"en\"\r\n",
}
INTERVIEWS = {  # the fields of raw/interviews/<slug>.yaml that the claims register reads
    "william-ramirez": {"years_in_host_country": 3,
                        "figures": {"unhcr_support_months": {"value": 3}, "projects_coordinated": {"value": 3},
                                    "business_plans_supported": {"value": 50},
                                    "business_plans_matured": {"value": 10}}},
    "chayan-chakraborty": {"figures": {"session_planned_year": {"value": 2021}}},
    "eleutherius-michaelides": {"years_in_host_country": 3, "module_most_useful": 3,
                                "figures": {"companies_owned": {"value": 2}, "family_business_since": {"value": 1950}}},
}


def _share(metric, level, k, n, rank=None):
    return (metric, level, k / n, k, n, "share", rank)


def metrics_rows() -> list[tuple]:
    """Hand-made metrics that give every published figure (1,681 participants etc.)."""
    rows = [
        ("participants_total", "", 1681, 1681, 1681, "count", None),
        ("countries_total", "", 124, 124, 124, "count", None),
        ("gender_count", "female", 915, 915, 915, "count", None),
        ("gender_count", "male", 617, 617, 617, "count", None),
        ("gender_count", "other", 82, 82, 82, "count", None),
        ("gender_count", "not_recorded", 67, 67, 67, "count", None),
        _share("gender_share", "female", 915, 1614), _share("gender_share", "male", 617, 1614),
        _share("gender_share", "other", 82, 1614),
        _share("certificates_completion_share", "", 470, 1681),
        _share("certificates_participation_share", "", 488, 1681),
        ("intention_to_use_mean", "", 0.97, 3.88, 4, "share", None),
        _share("respondents_by_edition_language", "es", 70, 200),
        _share("application_rate", "", 160, 200),
        _share("importance_top2", "", 162, 200),
        ("attribution_mean", "", 68.0, 10880, 160, "mean_percent", None),
        _share("application_rate_by_relationship", "professional", 80, 88),
        _share("application_rate_by_relationship", "migrant_entrepreneur", 13, 14),
    ]
    for rank, (iso, n) in enumerate([("ECU", 200), ("MEX", 150), ("IND", 120), ("COL", 90)], start=1):
        rows.append(("participants_by_country", iso, n, n, n, "count", rank))
    for level, k in [("professional", 88), ("interested", 64), ("migrant_entrepreneur", 14), ("researcher", 20),
                     ("other", 14)]:
        rows.append(_share("relationship_share", level, k, 200))
    for level, k in [("young_professional", 80), ("student", 14), ("mid_career", 70), ("senior", 36)]:
        rows.append(_share("career_stage_share", level, k, 200))
    for level, k in [("government", 60), ("ngo", 50), ("corporate", 4), ("academia", 20), ("other", 2)]:
        rows.append(_share("sector_share", level, k, 200))
    ranked = {
        "topic_applied_share": ["barriers", "strategies", "legal", "contributions", "finance"],
        "challenge_share": ["funding", "hierarchy", "time", "no_opportunity", "other"],
        "recommendation_share": ["promote_government", "practitioner_experiences", "recorded_videos"],
        "followup_topic_share": ["managerial_skills", "climate_migration", "local_experiences",
                                 "business_plan_sustainability", "other"],
    }
    for metric, levels in ranked.items():
        for rank, level in enumerate(levels, start=1):
            rows.append(_share(metric, level, 100 - 10 * rank, 160, rank))
    return rows


def write_metrics(ws: Path, rows: list[tuple]) -> None:
    """metrics.csv in the layout metrics_table writes (schemas/metrics.py), from the rows."""
    frame = pd.DataFrame(rows, columns=["metric_id", "level", "value", "numerator", "denominator", "unit", "rank"])
    frame["rank"] = frame["rank"].astype("Int64")
    registry = {m["id"]: m for m in yaml.safe_load((REPO / "resources/metric_registry.yaml").read_text())["metrics"]}
    frame = frame.assign(ci_low=float("nan"), ci_high=float("nan"),
                         stage=frame["metric_id"].map(lambda m: registry[m]["stage"]),
                         label=frame["metric_id"].map(lambda m: registry[m]["label"]), definition="d")
    columns = ["metric_id", "level", "value", "numerator", "denominator", "unit", "ci_low", "ci_high", "rank",
               "stage", "label", "definition"]
    frame[columns].to_csv(results_dir(ws) / "metrics/metrics.csv", index=False)


def build_workspace(ws: Path) -> Path:
    for item in ["config.yaml", "pyproject.toml", "published", "resources", "scripts", "schemas"]:
        src = REPO / item
        if src.is_dir():
            shutil.copytree(src, ws / item, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, ws / item)
    (ws / "workflow/rules").mkdir(parents=True)
    for item in ["rules/common.smk", "rules/audit.smk", "envs", "report/captions/claims.rst"]:
        src, dst = REPO / "workflow" / item, ws / "workflow" / item
        dst.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dst)
    # hand-made raw files, not the shipped synthetic data: the demo salt is allowed explicitly
    config = (ws / "config.yaml").read_text(encoding="utf-8")
    assert "  allow_demo_salt: false\n" in config
    (ws / "config.yaml").write_text(config.replace("  allow_demo_salt: false\n", "  allow_demo_salt: true\n"))
    # no metric rules here (their tables are written by hand below): the stages are registered
    # as the metric rule files register theirs, before audit.smk reads them
    (ws / "Snakefile").write_text(
        'configfile: "config.yaml"\n\n\ninclude: "workflow/rules/common.smk"\n\n'
        "METRIC_STAGE_FILES.extend(\n"
        '    results(f"metrics/{s}.csv") for s in ("participation", "reaction", "application")\n)\n\n'
        'include: "workflow/rules/audit.smk"\n'
    )
    raw = dict(RAW) | {f"interviews/{slug}.yaml": yaml.safe_dump(d) for slug, d in INTERVIEWS.items()}
    for rel, text in raw.items():
        (ws / "raw" / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / "raw" / rel).write_text(text)
    sums = [f"{hashlib.sha256(t.encode()).hexdigest()}  {rel}" for rel, t in sorted(raw.items())]
    (ws / "raw/SHA256SUMS").write_text("\n".join(sums) + "\n")
    (results_dir(ws) / "metrics/evidence").mkdir(parents=True)
    write_metrics(ws, metrics_rows())
    key = hashlib.sha256(b"k").hexdigest()
    # evidence in the layout the metric stages write (schemas/metrics.py EVIDENCE)
    for stage, metric, key_type, keys in [
        ("participation", "participants_total", "edition:participant_key", [f"2020-EN1:{key}"]),
        ("reaction", "intention_to_use_by_edition", "edition/response_id", ["2020-EN1/R1"]),
        ("application", "application_rate", "response_id", ["EN-0001"]),
    ]:
        level = "2020-EN1" if stage == "reaction" else ""
        roles = ["numerator"] if stage == "participation" else ["numerator", "denominator"]
        pd.DataFrame({"metric_id": metric, "level": level, "role": roles, "key_type": key_type,
                      "key": keys * len(roles)}).astype("string").to_parquet(
            results_dir(ws) / f"metrics/evidence/{stage}.parquet")
    (results_dir(ws) / "report").mkdir(parents=True)
    for doc in ("impact_story", "technical_annex"):  # the two documents the crate lists
        (results_dir(ws) / f"report/{doc}.html").write_text("<p>1,681 participants</p>\n")
        (results_dir(ws) / f"report/{doc}.pdf").write_bytes(b"%PDF-1.7 stand-in\n")
    return ws


def run_audit(ws: Path) -> subprocess.CompletedProcess:
    """What `make audit` does: checksums alone (forced), then the target."""
    base = [SNAKEMAKE, "--cores", "1", "--show-failed-logs"]
    first = subprocess.run(base + ["--forcerun", "audit_checksums", "audit_checksums"],
                           cwd=ws, capture_output=True, text=True)
    if first.returncode != 0:
        return first
    return subprocess.run(base + ["audit"], cwd=ws, capture_output=True, text=True)


@pytest.fixture(scope="module")
def passed(tmp_path_factory):
    ws = build_workspace(tmp_path_factory.mktemp("audit_ws"))
    proc = run_audit(ws)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return ws


def test_audit_passes_and_flags_publication_inconsistencies(passed):
    claims = pd.read_csv(results_dir(passed) / "audit/claims.csv", dtype=str, keep_default_na=False)
    status = dict(zip(claims["claim_id"], claims["status"], strict=True))
    assert "differs" not in status.values()
    assert status["B01"] == "inconsistent_in_publication"  # ten vs 5 + 3 + 1 + 2 = 11
    b01 = claims.set_index("claim_id").loc["B01"]
    assert "5 + 3 + 1 + 2 = 11" in b01["note"] and "4 + 7 = 11" in b01["note"]
    p05 = claims.set_index("claim_id").loc["P05"]
    assert p05["status"] == "inconsistent_in_publication" and "1,614" in p05["note"] and "54 per cent" in p05["note"]
    assert status["P01"] == status["A09"] == status["A13"] == "reproduced"
    assert status["I05"] == "not_from_exports"
    assert (results_dir(passed) / "audit/verdict.tsv").read_text().count("\t") == 3
    html = (results_dir(passed) / "audit/claims.html").read_text()
    assert "inconsistent_in_publication" in html and "<script" not in html


def test_evidence_files_for_every_metric(passed):
    registry = yaml.safe_load((REPO / "resources/metric_registry.yaml").read_text())["metrics"]
    for metric in registry:
        assert (results_dir(passed) / f"audit/evidence/{metric['id']}.csv").exists(), metric["id"]
    ev = pd.read_csv(results_dir(passed) / "audit/evidence/participants_total.csv")
    assert list(ev.columns) == ["metric_id", "level", "key_type", "key", "in_numerator"]


def test_crate_lists_raw_inputs(passed):
    crate = json.loads((results_dir(passed) / "provenance/ro-crate-metadata.json").read_text())
    by_id = {e["@id"]: e for e in crate["@graph"]}
    for rel in list(RAW) + ["SHA256SUMS"]:
        path = passed / "raw" / rel
        assert by_id[f"raw/{rel}"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "demo-salt" not in json.dumps(crate)


def test_one_changed_byte_stops_the_audit_naming_the_file(tmp_path):
    ws = build_workspace(tmp_path)
    target = ws / "raw/evaluation/2020-EN1.csv"
    data = bytearray(target.read_bytes())
    data[-2] ^= 0x01
    target.write_bytes(bytes(data))
    proc = run_audit(ws)
    assert proc.returncode != 0
    assert "raw/evaluation/2020-EN1.csv: content changed" in proc.stderr
    assert not (results_dir(ws) / "audit/claims.csv").exists()  # nothing else ran


def test_missing_and_extra_files_are_named(tmp_path):
    ws = build_workspace(tmp_path)
    (ws / "raw/survey/followup-2020.csv").unlink()
    (ws / "raw/lms/2020-EN1/notes.txt").write_text("stray\n")
    proc = run_audit(ws)
    assert proc.returncode != 0
    assert "raw/survey/followup-2020.csv: listed in SHA256SUMS but missing" in proc.stderr
    assert "raw/lms/2020-EN1/notes.txt: present in the folder but not listed" in proc.stderr


def test_edited_metric_makes_the_audit_fail_with_differs(tmp_path):
    ws = build_workspace(tmp_path)
    rows = [r if r[:2] != ("application_rate", "") else ("application_rate", "", 0.7, 140, 200, "share", None)
            for r in metrics_rows()]
    write_metrics(ws, rows)
    proc = run_audit(ws)
    assert proc.returncode != 0
    assert "A09 (application_rate): published '80 per cent', the data gives '70 per cent'" in proc.stderr
    claims = pd.read_csv(results_dir(ws) / "audit/claims.csv", dtype=str, keep_default_na=False)
    assert claims.set_index("claim_id").loc["A09", "status"] == "differs"


def test_a_metrics_table_that_breaks_its_schema_stops_the_audit_naming_it(tmp_path):
    ws = build_workspace(tmp_path)
    rows = [r if r[:2] != ("application_rate", "") else ("application_rate", "", 0.8, 160, 200, "percent", None)
            for r in metrics_rows()]
    write_metrics(ws, rows)
    proc = run_audit(ws)
    assert proc.returncode != 0
    assert f"{RESULTS}/metrics/metrics.csv: " in proc.stderr
    assert "(application_rate), column 'unit', value 'percent': is not a unit" in proc.stderr
    assert "Traceback" not in proc.stderr
