"""cleaning_log: the row accounting of every chain (LMS, evaluation, follow-up) in one table.

Each part has the columns step, source, edition, rows_in, rows_out, reason, rows_dropped
(one row per step and drop reason). The parts are concatenated in the order the workflow
lists them, keeping each part's own row order, and the run stops if any step of any
part does not add up: rows_in must equal rows_out plus the rows dropped for every reason.
"""

import sys

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib import io as lib_io

loaded()

COLUMNS = ["step", "source", "edition", "rows_in", "rows_out", "reason", "rows_dropped"]

parts = []
for path in snakemake.input.parts:
    part = pd.read_csv(path, dtype={"reason": "string", "edition": "string"}, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in part.columns]
    if missing:
        raise SystemExit(f"{path}: cleaning log lacks the columns {missing}")
    parts.append(part[COLUMNS])
log = pd.concat(parts, ignore_index=True)

problems = []
for (step, source, edition), group in log.groupby(["step", "source", "edition"], sort=False):
    rows_in, rows_out = group["rows_in"].unique(), group["rows_out"].unique()
    if len(rows_in) != 1 or len(rows_out) != 1 or rows_in[0] != rows_out[0] + group["rows_dropped"].sum():
        problems.append(
            f"step '{step}' of {source} ({edition or 'all editions'}): rows in {list(rows_in)}, "
            f"rows out {list(rows_out)}, dropped {int(group['rows_dropped'].sum())}"
        )
if problems:
    raise SystemExit("the cleaning log does not add up (rows in != rows out + rows dropped):\n" + "\n".join(problems))

lib_io.write_csv(log, snakemake.output.cleaning_log)
print(f"{len(log)} accounting rows from {len(parts)} chains", file=sys.stderr)
