"""Benchmark mode of the generator (--scale): small run, checked against config.yaml and
recounted from the CSVs; deterministic."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
ARGS = ["--scale", "6", "--participants", "3000", "--responses", "400"]


def run(out: Path) -> dict:
    truth = out.parent / f"{out.name}.json"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "datagen" / "generate.py"),
                    "--out", str(out), "--truth", str(truth), *ARGS], check=True)  # fmt: skip
    return json.loads(truth.read_text("utf-8"))


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "raw"
    return out, run(out)


def test_scale_headers_labels_and_recount(bench):
    out, truth = bench
    overlay = yaml.safe_load((out / "config_overlay.yaml").read_text("utf-8"))
    t = truth["scope_bench"]
    acc = CONFIG["accounts"]
    total = 0
    for ed, spec in overlay["editions"].items():
        site = CONFIG["sites"][spec["site"]]
        export = CONFIG["moodle_exports"]["participants"]  # the report builder's CSV writer
        path = Path(overlay["paths"]["participants"].format(edition=ed))
        with path.open(encoding=export["encoding"], newline="") as f:
            rows = list(csv.reader(f, delimiter=export["delimiter"]))
        headers = list(site["headers"]["participants"].values())
        assert rows[0] == headers
        col = {canon: i for i, canon in enumerate(site["headers"]["participants"])}
        students = set(site["labels"]["role"]["student"])
        people = {r[col["email"]].strip().lower() for r in rows[1:] if r[col["role"]] in students
                  and not any(re.search(p, r[col["username"]], re.I) for p in acc["test_username_patterns"])
                  and not any(re.search(p, r[col["email"]].strip(), re.I) for p in acc["test_email_patterns"])}
        assert len(people) == t[f"participants_by_edition:{ed}"]["value"]
        total += len(people)
        assert Counter(len(r) for r in rows) == Counter({len(headers): len(rows)})
    assert total == t["participants_total"]["value"] == 3000
    assert truth["survey_size"] == 400
    assert overlay["scopes"]["bench"]["editions"] == list(overlay["editions"])


def test_scale_is_deterministic(bench, tmp_path):
    out, truth = bench
    again = tmp_path / "raw"
    truth2 = run(again)
    assert truth2 == truth
    for p in sorted(out.rglob("*.csv")):
        assert (again / p.relative_to(out)).read_bytes() == p.read_bytes(), p
