"""Write the synthetic raw exports (raw/) and their ground truth, byte-identically.

    .venv/bin/python scripts/datagen/generate.py --out raw --truth tests/data/ground_truth.json

Benchmark mode (another --out directory, its own ground truth and config overlay):

    .venv/bin/python scripts/datagen/generate.py --out /tmp/bench --truth /tmp/bench_truth.json \
        --scale 200 --participants 1000000 --responses 100000

The generator is an independent construction: it imports no workflow code and reads no
workflow configuration. It plays the role of Moodle and of the survey tool.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from datagen import evaluation, interviews, population, survey, truth, writers  # noqa: E402
from datagen.codebook import OPTIONS  # noqa: E402
from datagen.sitespec import EDITIONS_2020, EDITIONS_2021, SEED  # noqa: E402

GENERATED_DIRS = ("lms", "evaluation", "survey", "interviews")


def default_dataset(out: Path, truth_path: Path, seed: int) -> dict:
    b = population.Builder(seed)
    b.build_2020()
    b.build_2021()
    b.build_accounts()
    population.check_accounts(b.rows, b.accounts)
    evals = evaluation.build(seed, {ed: len(rows) for ed, rows in b.rows.items()})
    learner_emails = {p.email for p in b.persons}
    respondents = survey.build(seed, b.rows, learner_emails | b.taken_emails)
    options = {k: [o[0] for o in v] for k, v in OPTIONS.items()}

    rows20 = [r for ed in EDITIONS_2020 for r in b.rows[ed]]
    rows21 = [r for ed in EDITIONS_2021 for r in b.rows[ed]]
    t20, ranks20 = truth.participation(rows20)
    t20.update(truth.reaction(evals, EDITIONS_2020))
    t_app, ranks_app = truth.application(respondents, rows20, options)
    t20.update(t_app)
    ranks20.update(ranks_app)
    truth.check_published(t20, ranks20)
    t21, ranks21 = truth.participation(rows21)
    t21.update(truth.reaction(evals, EDITIONS_2021))

    for sub in GENERATED_DIRS:  # stale files of an earlier design must not survive
        shutil.rmtree(out / sub, ignore_errors=True)
    for ed, accounts in b.accounts.items():
        writers.write_lms(out, ed, accounts, seed)
        writers.write_evaluation(out, ed, evals[ed])
    writers.write_codebook(out)
    writers.write_survey(out, respondents, seed)
    writers.write_interviews(out, interviews.INTERVIEWS)
    writers.write_sha256sums(out)
    return {
        "scope_2020": t20,
        "scope_2021": t21,
        "ranks": {"scope_2020": ranks20, "scope_2021": ranks21},
        "survey_size": len(respondents),
        "quotes": {r.rid: {"example": r.example, "consent_quote": r.consent,
                           "sector": r.sector, "country_iso3": r.iso3}
                   for r in respondents if "quote" in r.pinned or "no_consent" in r.pinned},
        "notes": NOTES,
        "seed": seed,
    }  # fmt: skip


NOTES = (
    "Computed from the generator's own truth tables, not from the CSVs. Counts carry "
    "numerator/denominator null. Shares are exact fractions. intention_to_use_mean: "
    "numerator = sum of per-edition shares, denominator = number of editions. "
    "attribution_mean: numerator = sum of answers, denominator = appliers who answered. "
    "certificates_*: certificates ISSUED (after merging duplicate accounts: best issued). "
    "certificates_reconciliation lists all nine <issued>_vs_<eligible> pairs, zeros included. "
    "respondent_comparison: respondents = linked respondents (their LMS row), participants = "
    "participant rows of the surveyed editions; gender shares over people with a gender "
    "recorded; certificate = certificate issued; language = edition language. "
    "application_rate_by_*: groups of respondents who answered the grouping item. "
    "ranks: order of levels by value descending, ties broken by level code."
)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True, help="directory to write (e.g. raw)")
    ap.add_argument("--truth", type=Path, required=True, help="ground-truth JSON to write")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--scale", type=int, metavar="N_EDITIONS", help="benchmark mode")
    ap.add_argument("--participants", type=int, default=1_000_000, metavar="M")
    ap.add_argument("--responses", type=int, default=100_000, metavar="K")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.scale:
        from datagen import scale

        result = scale.generate(args.out, args.seed, args.scale, args.participants,
                                args.responses)  # fmt: skip
    else:
        result = default_dataset(args.out, args.truth, args.seed)
    args.truth.parent.mkdir(parents=True, exist_ok=True)
    args.truth.write_text(json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False)
                          + "\n", encoding="utf-8")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
