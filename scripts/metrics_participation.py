"""metrics_participation: clean participants -> results/<scope>/metrics/participation.csv (+ evidence)."""

import sys

from lib.preamble import begin, loaded

begin(snakemake)

from lib import io as lib_io
from lib.participation import compute
from lib.registry import load_registry

loaded()

registry = load_registry(snakemake.input.registry)  # a RegisterError stops with its message
people = lib_io.read_parquet(snakemake.input.participants)
editions = list(snakemake.params.editions)
found = sorted(set(people["edition"]) - set(editions))
if found:
    raise SystemExit(f"clean participants hold editions outside the scope: {found}")

rows = compute(people, registry, editions)
metrics = rows.frame()
lib_io.write_csv(metrics, snakemake.output.metrics)
rows.write_evidence(snakemake.output.evidence)  # in row groups: the text of one at a time
print(f"{len(metrics)} participation metric rows from {len(people)} participants", file=sys.stderr)
