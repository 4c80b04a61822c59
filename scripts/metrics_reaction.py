"""Reaction metrics (end-of-course evaluation): intention to use per edition and the
unweighted mean of the editions, with their evidence (response ids)."""

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib import io as lib_io
from lib import metrics as m
from lib import survey_metrics
from lib.registry import MetricRows, load_registry

loaded()

registry = load_registry(snakemake.input.registry)  # a RegisterError stops with its message
evaluation = pd.concat([pd.read_parquet(f) for f in snakemake.input.evaluation], ignore_index=True)
metrics = survey_metrics.reaction_metrics(evaluation, list(snakemake.params.editions))
rows = MetricRows(registry, stage="reaction")
m.publish(m.with_rank(metrics, m.ranked(registry, "reaction")), rows)
lib_io.write_csv(rows.frame(), snakemake.output.metrics)
rows.write_evidence(snakemake.output.evidence)  # in row groups, as the other metric stages
print(rows.frame().to_string(), file=sys.stderr)
