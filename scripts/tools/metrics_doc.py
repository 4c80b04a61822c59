"""Write docs/metrics.md from the metric registry (the registry stays the one definition).

    .venv/bin/python scripts/tools/metrics_doc.py            # rewrite docs/metrics.md
    .venv/bin/python scripts/tools/metrics_doc.py --check    # exit 1 if it is out of date

tests/test_metrics_doc.py runs the check, so a registry change without the doc fails CI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from lib.registry import load_registry  # noqa: E402
from lib.vocabulary import METRIC_STAGES  # noqa: E402

REGISTRY = ROOT / "resources" / "metric_registry.yaml"
DOC = ROOT / "docs" / "metrics.md"
STAGES = {stage: titles[1] for stage, titles in METRIC_STAGES.items()}  # headings of docs/metrics.md
INTERVALS = {"none": "none", "wilson_fpc": "95% Wilson, finite-population corrected"}


def render(registry: dict[str, dict]) -> str:
    lines = [
        "# Metric definitions",
        "",
        "Generated from `resources/metric_registry.yaml` by `scripts/tools/metrics_doc.py`;",
        "do not edit by hand. The same entries feed `results/<scope>/metrics/metrics.csv`",
        "(`definitions.csv`), the technical annex (which shows each metric's reader-facing",
        "text, under \"In the technical annex\" below) and the audit. A metric's key is",
        "`metric_id` or `metric_id:level`; shares are fractions in `metrics.csv`.",
    ]
    for stage, title in STAGES.items():
        entries = [m for m in registry.values() if m["stage"] == stage]
        if not entries:
            continue
        lines += ["", f"## {title}", ""]
        for m in entries:
            lines += [f"### `{m['id']}`: {m['label']}", "", " ".join(str(m["definition"]).split()), ""]
            if m.get("reader"):
                lines += ["*In the technical annex:* " + " ".join(str(m["reader"]).split()), ""]
            rows = [
                ("breakdown (level)", m["breakdown"] or "none"),
                ("unit", m["unit"]),
                ("kind", m["kind"]),
                ("numerator", m.get("numerator", "")),
                ("denominator", m.get("denominator", "")),
                ("published rounding", m["rounding"]),
                ("interval", INTERVALS.get(m["interval"], m["interval"])),
                ("evidence keys", m.get("evidence", "")),
                ("evidence roles", ", ".join(m["evidence_roles"]) or "none (recounted from the rows it averages)"),
                ("ranked", "yes: rank 1 = largest, ties by level code" if m.get("ranked") else ""),
            ]
            lines += ["| field | value |", "|---|---|"]
            lines += [f"| {k} | {v} |" for k, v in rows if v]
            lines.append("")
    lines += [
        "## Intervals",
        "",
        "Survey shares marked `wilson_fpc` carry a 95% Wilson score interval (`ci_low`,",
        "`ci_high` in `metrics.csv`) with a finite-population correction: with k of n",
        "answering and N the participants of the surveyed editions, the Wilson formula is",
        "applied with the effective sample size n' = n (N - 1) / (N - n) (the interval",
        "collapses to the point when n = N). Implemented once in `scripts/lib/stats.py`.",
        "",
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/metrics.md is out of date")
    args = parser.parse_args()
    text = render(load_registry(REGISTRY))
    if args.check:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC.relative_to(ROOT)} is out of date: run scripts/tools/metrics_doc.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
