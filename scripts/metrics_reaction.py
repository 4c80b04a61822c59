"""Reaction metrics (end-of-course evaluation): intention to use per edition and the
unweighted mean of the editions, with their evidence (response ids)."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115
sys.path.insert(0, str(Path(snakemake.input.lib_survey_metrics).resolve().parent.parent))

import pandas as pd

from lib import io as lib_io
from lib import survey_metrics
from lib.errors import input_file
from lib.registry import MetricRows, load_registry

with input_file(snakemake.input.registry, "fix the entry (see the field list at the top of the file)"):
    registry = load_registry(snakemake.input.registry)
evaluation = pd.concat([pd.read_parquet(f) for f in snakemake.input.evaluation], ignore_index=True)
metrics = survey_metrics.reaction_metrics(evaluation, list(snakemake.params.editions))
rows = MetricRows(registry, stage="reaction")
survey_metrics.collect(metrics, rows, registry, ids=["edition", "response_id"], key_type="edition/response_id")
lib_io.write_csv(rows.frame(), snakemake.output.metrics)
rows.write_evidence(snakemake.output.evidence)  # in row groups, as the other metric stages
print(rows.frame().to_string(), file=sys.stderr)
