"""Stage survey exports: the end-of-course evaluations of a batch of editions (written by
their LMS site) or one form of the follow-up survey (one language). Headers and answer
labels become question and option codes through the codebook, multi-select cells are
split into `<question>__<option>` booleans, numbers and dates are typed, and the rows are
validated against the codebook (`params.instrument` says which questionnaire). Evaluation
rows carry `_edition`; one report and one quarantine table per job (rows of each file in
file order).

E-mails stay in the staging layer only: quarantined rows are written without them."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115
sys.path.insert(0, str(Path(snakemake.input.lib_codebook).resolve().parent.parent))
sys.path.insert(0, str(Path(snakemake.input.schema_survey).resolve().parent.parent))

import pandas as pd

from lib import io as lib_io
from lib.codebook import Codebook, normalise_label, quarantine_table, stage_export
from lib.validation import ValidationFailed, failed_report_path, write_report
from schemas.survey import staging_schema

instrument, report_path = snakemake.params.instrument, snakemake.output.report
codebook = Codebook.read(snakemake.input.questions, snakemake.input.options)
questions = codebook.questions_for(instrument)
schema = staging_schema(codebook, instrument)
frames, quarantines, reports, failures = [], [], [], []
for p in snakemake.params.exports:
    mine = len(reports)  # where this export's report goes
    try:
        raw = lib_io.read_export(p["source"], delimiter=p["delimiter"], encoding=p["encoding"], header_map=None, source=p["source"])
        valid, quarantined = stage_export(
            raw,
            codebook,
            instrument,
            p["language"],
            schema=schema,
            date_format=p["date_format"],
            separator=p["separator"],
            source=p["source"],
            rule=snakemake.rule,
            report_path=report_path,
            on_invalid=snakemake.params.on_invalid,
            reports=reports,
        )
    except ValidationFailed as err:
        err.report["rule"] = err.report["rule"].fillna(snakemake.rule).replace("", snakemake.rule)
        err.report_path = str(failed_report_path(report_path))
        reports[mine:] = [err.report]  # instead of the one validate appended, if it did
        failures.append(err)
        continue
    valid = valid.sort_values("_line").reset_index(drop=True)
    frames.append(valid.assign(_edition=p["edition"]) if p.get("edition") else valid)
    email_labels = {
        normalise_label(q[f"label_{p['language']}"]) for _, q in questions[questions["type"] == "email"].iterrows()
    }
    email_headers = tuple(c for c in raw.columns if normalise_label(c) in email_labels)
    quarantines.append(quarantine_table(quarantined, p["source"], mask_columns=email_headers))
    print(f"{p['source']}: {len(raw)} responses read, {len(valid)} valid, {len(quarantined)} quarantined", file=sys.stderr)

# one report for the job: every export's problems (a stopped export's report replaces the
# one validate wrote for it), sorted by file and line
report = pd.concat([r for r in reports if len(r)] or reports[:1], ignore_index=True)
write_report(report, report_path)
if failures:
    write_report(report, failed_report_path(report_path))
    raise SystemExit("\n\n".join(str(err) for err in failures))  # printed once, to the log (stderr)
failed_report_path(report_path).unlink(missing_ok=True)
lib_io.write_parquet(pd.concat(frames, ignore_index=True), snakemake.output.staged)
lib_io.write_csv(pd.concat(quarantines, ignore_index=True), snakemake.output.quarantine)
