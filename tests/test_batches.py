"""Batches of editions (issue 8): the per-edition jobs work on batches (scripts/lib/batches.py).

Unit tests of the batching rule on hand-made inputs, and
two workflow runs on the default data with every edition of a site in one batch
(`performance.max_edition_batches: 1`): the published outputs are byte-identical to the
one-edition-per-job run, and a broken export in a batch still stops with its file, line
and column named and nothing of the batch built.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import RESULTS, copy_repo, logs_dir, results_dir, run_snakemake

from lib.batches import edition_batches

SITE = {"a1": "A", "a2": "A", "b1": "B", "a3": "A", "b2": "B"}


def test_each_edition_is_its_own_batch_when_there_are_few():
    assert edition_batches(["a1", "b1", "a2"], SITE, 16) == {"a1": ["a1"], "b1": ["b1"], "a2": ["a2"]}
    assert edition_batches(["a1", "b1", "a2"], SITE, 3) == {"a1": ["a1"], "b1": ["b1"], "a2": ["a2"]}


def test_batches_hold_one_site_and_follow_scope_order():
    editions = ["a1", "a2", "b1", "a3", "b2"]
    # 5 editions, at most 2 batches -> 3 editions per batch, cut site by site
    assert edition_batches(editions, SITE, 2) == {"a1--a3": ["a1", "a2", "a3"], "b1--b2": ["b1", "b2"]}
    # at most 3 -> 2 per batch: A gives a1--a2 and a3, B gives b1--b2; ordered by first edition
    assert list(edition_batches(editions, SITE, 3).items()) == [
        ("a1--a2", ["a1", "a2"]),
        ("b1--b2", ["b1", "b2"]),
        ("a3", ["a3"]),
    ]
    with pytest.raises(ValueError, match="at least 1"):
        edition_batches(editions, SITE, 0)


# Per-batch files (named after the batch, so they differ by name) and the run record.
# Paths relative to the run's results/<scope>/.
PER_BATCH = (
    "clean/editions/",
    "validation/lms/",
    "validation/quarantine/lms/",
    "validation/survey/evaluation-",
    "validation/quarantine/survey/evaluation-",
    "provenance/",
)


def _digests(ws: Path) -> dict[str, str]:
    out = {}
    for f in sorted(results_dir(ws).rglob("*")):
        rel = f.relative_to(results_dir(ws)).as_posix()
        if f.is_file() and not rel.startswith(PER_BATCH):
            out[rel] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def _batched_copy(tmp_path: Path) -> Path:
    ws = copy_repo(tmp_path / "repo")
    (ws / "batches.yaml").write_text(yaml.safe_dump({"performance": {"max_edition_batches": 1}}), encoding="utf-8")
    return ws


@pytest.mark.e2e
def test_batched_run_publishes_the_same_bytes(workflow_run, tmp_path):
    ws = _batched_copy(tmp_path)
    done = run_snakemake(ws, "--configfile", "batches.yaml")
    assert done.returncode == 0, done.stderr[-6000:]
    # the 2020 scope: three en editions in one batch, the es edition alone
    batch = "2020-EN1--2020-EN3"
    assert (results_dir(ws) / f"clean/editions/{batch}/participants.parquet").exists()
    assert not (results_dir(ws) / "clean/editions/2020-EN2").exists()
    report = (results_dir(ws) / f"validation/lms/{batch}/participants.csv").read_text(encoding="utf-8")
    assert report.count("\n") == 1  # header only: no problem in the default data
    ours, reference = _digests(ws), _digests(workflow_run)
    assert ours.keys() == reference.keys()
    assert [k for k in ours if ours[k] != reference[k]] == []


def _break_a_grade(ws: Path) -> None:
    """Module 1 grade of line 4 of 2020-EN2's grade export -> 999 (out of range)."""
    path = ws / "raw/lms/2020-EN2/grades.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    header = next(csv.reader([lines[0]]))
    col = next(i for i, h in enumerate(header) if h.startswith("Quiz: Module 1"))
    cells = next(csv.reader([lines[3]]))
    cells[col] = "999"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    lines[3] = buf.getvalue()
    path.write_text("\n".join(lines), encoding="utf-8")
    # the synthetic data is no longer the shipped one: the demo salt needs the explicit opt-in
    options = yaml.safe_load((ws / "batches.yaml").read_text(encoding="utf-8"))
    (ws / "batches.yaml").write_text(yaml.safe_dump({**options, "privacy": {"allow_demo_salt": True}}), encoding="utf-8")


@pytest.mark.e2e
def test_a_broken_export_in_a_batch_is_named_and_stops_the_batch(tmp_path):
    ws = _batched_copy(tmp_path)
    _break_a_grade(ws)
    batch = "2020-EN1--2020-EN3"
    done = run_snakemake(ws, f"private/staging/lms/{batch}/grades.parquet", "--configfile", "batches.yaml")
    assert done.returncode != 0
    log = (logs_dir(ws) / f"stage_lms/{batch}.log").read_text(encoding="utf-8")
    assert f"Batch {batch} (3 editions)" in log
    assert "raw/lms/2020-EN2/grades.csv:4" in log and "value '999'" in log
    failed = (results_dir(ws) / f"validation/lms/{batch}/grades.failed.csv").read_text(encoding="utf-8")
    assert "raw/lms/2020-EN2/grades.csv" in failed and "999" in failed
    assert not (ws / f"private/staging/lms/{batch}/grades.parquet").exists()


@pytest.mark.e2e
def test_quarantine_in_a_batch_sets_aside_the_row_of_its_own_file(tmp_path):
    """on_invalid: quarantine with three files validated at once: only line 4 of 2020-EN2's
    grades is set aside, with its file and line; the row accounting says so per edition."""
    ws = _batched_copy(tmp_path)
    (ws / "batches.yaml").write_text(
        yaml.safe_dump({"performance": {"max_edition_batches": 1}, "on_invalid": "quarantine"}), encoding="utf-8"
    )
    _break_a_grade(ws)
    batch = "2020-EN1--2020-EN3"
    done = run_snakemake(ws, f"{RESULTS}/clean/editions/{batch}/cleaning_log.csv", "--configfile", "batches.yaml")
    assert done.returncode == 0, done.stderr[-4000:]
    quarantine = (results_dir(ws) / f"validation/quarantine/lms/{batch}/staging.csv").read_text(encoding="utf-8")
    assert quarantine.count("\n") == 2 and "grades,4," in quarantine and "raw/lms/2020-EN2/grades.csv:4" in quarantine
    counts = pd.read_csv(ws / f"private/staging/lms/{batch}/row_counts.csv").set_index(["edition", "source"])
    assert counts.loc[("2020-EN2", "grades"), "rows_quarantined"] == 1
    assert counts["rows_quarantined"].sum() == 1
    log = pd.read_csv(results_dir(ws) / f"clean/editions/{batch}/cleaning_log.csv", keep_default_na=False)
    step = log[(log["step"] == "validate") & (log["source"] == "grades") & (log["rows_dropped"] > 0)]
    assert step["edition"].tolist() == ["2020-EN2"] and step["rows_dropped"].tolist() == [1]
    staged = pd.read_parquet(ws / f"private/staging/lms/{batch}/grades.parquet")
    en2 = staged[staged["_edition"] == "2020-EN2"]
    assert 4 not in set(en2["_line"]) and {2, 3, 5} <= set(en2["_line"])
    assert staged.groupby("_edition")["_line"].apply(lambda s: s.is_monotonic_increasing).all()


def test_batches_never_exceed_the_maximum_even_with_partly_filled_ones():
    """200 editions of four sites (94 / 45 / 44 / 17), at most 16 batches: 13 per batch would
    give 19 (each site's last batch partly filled), so batches grow to 15 -> 7 + 3 + 3 + 2."""
    sizes = {"en": 94, "es": 45, "ar": 44, "fr": 17}
    editions = [f"{s}{i:03d}" for s, n in sizes.items() for i in range(n)]
    batches = edition_batches(editions, {e: e[:2] for e in editions}, 16)
    assert len(batches) == 15 and max(len(b) for b in batches.values()) == 15
    assert sorted(e for b in batches.values() for e in b) == sorted(editions)
    assert list(batches)[:2] == ["en000--en014", "en015--en029"]
    # one site per batch at least, whatever the maximum
    assert len(edition_batches(editions, {e: e[:2] for e in editions}, 1)) == 4


@pytest.mark.e2e
def test_a_broken_evaluation_export_in_a_batch_is_named_and_stops_the_batch(tmp_path):
    """The stage_evaluation step with three exports: the other two are staged and reported clean,
    the broken one is named with its line, column and value; nothing of the batch is built."""
    ws = _batched_copy(tmp_path)
    path = ws / "raw/evaluation/2020-EN2.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert "Somewhat relevant" in lines[2]
    lines[2] = lines[2].replace("Somewhat relevant", "Kinda relevant")  # line 3: no such answer
    path.write_text("\n".join(lines), encoding="utf-8")
    batch = "2020-EN1--2020-EN3"
    done = run_snakemake(ws, f"private/staging/evaluation/{batch}.parquet", "--configfile", "batches.yaml")
    assert done.returncode != 0
    log = (logs_dir(ws) / f"stage_evaluation/{batch}.log").read_text(encoding="utf-8")
    assert "raw/evaluation/2020-EN1.csv: 256 responses read, 256 valid" in log
    assert "raw/evaluation/2020-EN2.csv:3" in log and "value 'Kinda relevant'" in log and "[stage_evaluation]" in log
    failed = pd.read_csv(results_dir(ws) / f"validation/survey/evaluation-{batch}.failed.csv")
    assert failed[["file", "line", "value"]].values.tolist() == [["raw/evaluation/2020-EN2.csv", 3, "Kinda relevant"]]
    assert not (ws / f"private/staging/evaluation/{batch}.parquet").exists()
