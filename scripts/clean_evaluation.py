"""Clean the end-of-course evaluations of the editions in scope: one table per batch of
editions (results/<scope>/clean/editions/<batch>/evaluation.parquet; with the default data a batch
is one edition) with the edition, the course language and the answers as codes (comments
kept as text, never interpreted), plus the row accounting of the evaluation chain."""

import sys
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib import io as lib_io
from lib import validation
from lib.codebook import Codebook
from lib.vocabulary import languages
from schemas.survey import evaluation_clean_schema

loaded()

p = snakemake.params
codebook = Codebook.read(snakemake.input.form, "evaluation")
schema = evaluation_clean_schema(codebook, languages(p.vocabulary).codes)
columns = list(schema.columns)
log, frames = [], []
for editions, staged, quarantine in zip(p.batches.values(), snakemake.input.staged, snakemake.input.quarantine, strict=True):
    frame_all = pd.read_parquet(staged)
    bad_all = pd.read_csv(quarantine, dtype=str)
    for edition in editions:
        frame = frame_all[frame_all["_edition"] == edition].drop(columns="_edition")
        source = p.sources[edition]
        n_bad = int((bad_all["source"] == source).sum())
        log.append(
            ["stage_evaluation", source, edition, len(frame) + n_bad, len(frame), "invalid values (quarantined)", n_bad]
        )
        log.append(["clean_evaluation", source, edition, len(frame), len(frame), "", 0])
        frames.append(frame.assign(edition=edition, language=p.languages[edition]).drop(columns="_line"))

clean = pd.concat(frames, ignore_index=True).astype({"edition": "string", "language": "string"})[columns]
# the clean layer: a failure here is a workflow bug; its error is a message (lib.errors)
clean, _ = validation.validate(
    clean,
    schema,
    source_file=f"{PurePosixPath(snakemake.output.clean[0]).parent.parent}/*/evaluation.parquet",
    rule=snakemake.rule,
    report_path=snakemake.output.report,
    on_invalid="stop",
)
rows_of = clean.groupby("edition", sort=False).indices  # edition -> row positions
for (batch, editions), out in zip(p.batches.items(), snakemake.output.clean, strict=True):
    parts = [clean.iloc[rows_of.get(e, [])].sort_values("response_id", kind="stable") for e in editions]
    part = pd.concat(parts, ignore_index=True)
    lib_io.write_parquet(part, out)
    print(f"{batch}: {len(part)} evaluation responses", file=sys.stderr)

cols = ["step", "source", "edition", "rows_in", "rows_out", "reason", "rows_dropped"]
order = {e: i for i, e in enumerate(p.editions)}  # scope order, whatever the batches
log = sorted(log, key=lambda row: order[row[2]])  # stable: stage then clean per edition
lib_io.write_csv(pd.DataFrame(log, columns=cols), snakemake.output.cleaning_log)
