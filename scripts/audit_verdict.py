"""Fail the audit when any published claim `differs` from what the data gives.

Runs after claims.csv and the provenance crate are written, so both stay on disk for the
auditor; its own output is a one-line summary per status.
"""

import sys

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

loaded()

claims = pd.read_csv(snakemake.input.claims, dtype=str, keep_default_na=False)
counts = claims["status"].value_counts().sort_index()
summary = "".join(f"{status}\t{n}\n" for status, n in counts.items())
differs = claims[claims["status"] == "differs"]
if len(differs):
    lines = [
        f"{r.claim_id} ({r.metric_id}): published {r.published_value!r}, the data gives {r.recomputed_value!r}"
        for r in differs.itertuples()
    ]
    message = (
        f"{len(differs)} published claim(s) differ from the data (see {snakemake.input.claims}):\n  "
        + "\n  ".join(lines)
    )
    print(message, file=sys.stderr)
    raise SystemExit(message)
with open(snakemake.output.verdict, "w", encoding="utf-8") as handle:
    handle.write(summary)
print(summary, file=sys.stderr)
