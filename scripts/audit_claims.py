"""Recompute every published claim and compare it at the published rounding.

Reads the claims register, the metrics table, the metric registry (units), the edition
register and follow-up forms (params) and the interview notes; writes claims.csv and a
self-contained claims.html. It does not fail on `differs`: rule audit_verdict does, so
that the tables stay on disk for the auditor.
"""

import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w")
sys.path.insert(0, str(Path(snakemake.input.lib_audit).resolve().parent.parent))

import pandas as pd
import yaml

from lib import audit, safe_text
from lib.errors import input_file


def read_yaml(path):
    """A hand-edited YAML file; a broken one stops with a message naming it (lib.errors).
    Read from the file, not a string: PyYAML then gives the line and column without quoting
    the line itself (an interview note's lines are personal)."""
    with input_file(path, "fix the file and run again"), open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


with input_file(snakemake.input.claims, "fix the entry (field meanings: published/README.md)"):
    claims = read_yaml(snakemake.input.claims)["claims"]
    audit.validate_register(claims, source=snakemake.input.claims)
with input_file(snakemake.input.registry, "fix the entry (see the field list at the top of the file)"):
    units = {m["id"]: m["unit"] for m in read_yaml(snakemake.input.registry)["metrics"]}
metrics = pd.read_csv(snakemake.input.metrics, keep_default_na=False, na_values=[""])
interviews = {Path(p).as_posix(): read_yaml(p) for p in snakemake.input.interviews}
ctx = audit.Context(
    metrics=audit.index_with_units(metrics, units),
    editions=snakemake.params.editions,
    survey_forms=list(snakemake.params.survey_forms),
    interviews=interviews,
)
results = audit.evaluate_claims(claims, ctx)
frame = audit.claims_frame(results)
frame.map(safe_text.neutralise_csv).to_csv(snakemake.output.csv, index=False, lineterminator="\n")
html = audit.render_claims_html(frame, safe_text.escape_html, "Impact Story: claim-by-claim audit")
Path(snakemake.output.html).write_text(html, encoding="utf-8")
for status, n in frame["status"].value_counts().sort_index().items():
    print(f"{status}: {n}", file=sys.stderr)
