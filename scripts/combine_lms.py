"""combine_lms: the editions of the scope -> results/<scope>/clean/participants.parquet + cleaning_log.csv."""

import sys

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib import io as lib_io
from lib.validation import validate
from lib.vocabulary import languages
from schemas.lms import clean_participants_schema

loaded()

LOG_COLUMNS = ["step", "source", "edition", "rows_in", "rows_out", "reason", "rows_dropped"]
STEP_ORDER = ["validate", "drop_staff", "drop_test_accounts", "harmonise", "merge_duplicates", "join"]

editions = snakemake.params.editions
frames = [lib_io.read_parquet(p) for p in snakemake.input.participants]
people = pd.concat(frames, ignore_index=True)
people["_order"] = people["edition"].map({e: i for i, e in enumerate(editions)})
people = people.sort_values(["_order", "participant_key"]).drop(columns="_order").reset_index(drop=True)
# the clean layer: a failure here is a workflow bug
combined, _ = validate(
    people,
    clean_participants_schema(languages(snakemake.params.vocabulary).codes),
    source_file=snakemake.output.participants,
    rule="combine_lms",
    report_path=snakemake.output.layer_report,
)
lib_io.write_parquet(combined, snakemake.output.participants)

log = pd.concat([pd.read_csv(p, dtype={"reason": "string"}, keep_default_na=False) for p in snakemake.input.log_rows])
log = log[LOG_COLUMNS]
steps = log.groupby(["step", "source", "edition"]).agg(
    rows_in=("rows_in", "first"), rows_out=("rows_out", "first"), dropped=("rows_dropped", "sum")
)
bad = steps["rows_in"] != steps["rows_out"] + steps["dropped"]
if bad.any():
    raise SystemExit(f"cleaning log does not add up (rows_in != rows_out + dropped) for {list(bad[bad].index)}")
log["_e"] = log["edition"].map({e: i for i, e in enumerate(editions)})
log["_s"] = log["step"].map({s: i for i, s in enumerate(STEP_ORDER)}).fillna(len(STEP_ORDER))
log = log.sort_values(["_e", "_s", "source", "reason"]).drop(columns=["_e", "_s"])
lib_io.write_csv(log, snakemake.output.cleaning_log)
print(f"{len(combined)} participants over {len(editions)} editions", file=sys.stderr)
