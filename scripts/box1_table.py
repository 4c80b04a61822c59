"""box1_table: Box 1 (certificates per edition and in total) -> results/<scope>/tables/box1_certificates.csv.

Shares are fractions (0-1) as in metrics.csv; the report rounds them to whole per cent.
"""

import sys

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib import io as lib_io
from lib.participation import box1

loaded()

metrics = pd.read_csv(
    snakemake.input.metrics,
    dtype={"level": "string", "metric_id": "string"},
    keep_default_na=False,
    na_values={"value": [""], "numerator": [""], "denominator": [""]},
)
table = box1(metrics, list(snakemake.params.editions))
lib_io.write_csv(table, snakemake.output.table)
print(table.to_string(index=False), file=sys.stderr)
