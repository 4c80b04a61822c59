"""Recompute every published claim and compare it at the published rounding.

Reads the claims register, the metrics table, the metric registry (units), the edition
register and follow-up forms (params) and the interview notes; writes claims.csv and a
self-contained claims.html. It does not fail on `differs`: rule audit_verdict does, so
that the tables stay on disk for the auditor.
"""

import sys
from pathlib import Path

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd
import yaml

from lib import claims as audit_claims
from lib import safe_text
from lib.claims_page import render_claims_html
from lib.errors import input_file
from lib.registry import load_registry
from schemas.metrics import check, metrics_schema

loaded()


def read_yaml(path):
    """A hand-edited YAML file; a broken one stops with a message naming it (lib.errors).
    Read from the file, not a string: PyYAML then gives the line and column without quoting
    the line itself (an interview note's lines are personal)."""
    with input_file(path, "fix the file and run again"), open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


# a broken register or table stops with its message (lib.errors), no traceback
claims = audit_claims.load_claims(snakemake.input.claims)
registry = load_registry(snakemake.input.registry)
metrics = pd.read_csv(snakemake.input.metrics, keep_default_na=False, na_values=[""])
check(metrics, metrics_schema(registry, table=True), snakemake.input.metrics)
units = {m: e["unit"] for m, e in registry.items()}
interviews = {Path(p).as_posix(): read_yaml(p) for p in snakemake.input.interviews}
ctx = audit_claims.Context(
    metrics=audit_claims.index_with_units(metrics, units),
    editions=snakemake.params.editions,
    survey_forms=list(snakemake.params.survey_forms),
    interviews=interviews,
)
results = audit_claims.evaluate_claims(claims, ctx)
frame = audit_claims.claims_frame(results)
frame.map(safe_text.neutralise_csv).to_csv(snakemake.output.csv, index=False, lineterminator="\n")
html = render_claims_html(frame, safe_text.escape_html, "Impact Story: claim-by-claim audit")
Path(snakemake.output.html).write_text(html, encoding="utf-8")
for status, n in frame["status"].value_counts().sort_index().items():
    print(f"{status}: {n}", file=sys.stderr)
