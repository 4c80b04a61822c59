"""Stage one survey export: an end-of-course evaluation (one edition, written by its LMS
site) or one form of the follow-up survey (one language). Headers and answer labels become
question and option codes through the codebook, multi-select cells are split into
`<question>__<option>` booleans, numbers and dates are typed, and the rows are validated
against the codebook (`params.instrument` says which questionnaire).

E-mails stay in the staging layer only: quarantined rows are written without them."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115
sys.path.insert(0, str(Path(snakemake.input.lib_codebook).resolve().parent.parent))
sys.path.insert(0, str(Path(snakemake.input.schema_survey).resolve().parent.parent))

from lib import io as lib_io
from lib.codebook import Codebook, normalise_label, quarantine_table, stage_export
from lib.validation import ValidationFailed, failed_report_path, write_report
from schemas.survey import staging_schema

p, instrument = snakemake.params.p, snakemake.params.instrument
codebook = Codebook.read(snakemake.input.questions, snakemake.input.options)
try:
    raw = lib_io.read_export(
        snakemake.input.export, delimiter=p["delimiter"], encoding=p["encoding"], header_map=None, source=p["source"]
    )
    valid, quarantined = stage_export(
        raw,
        codebook,
        instrument,
        p["language"],
        schema=staging_schema(codebook, instrument),
        date_format=p["date_format"],
        separator=p["separator"],
        source=p["source"],
        rule=snakemake.rule,
        report_path=snakemake.output.report,
        on_invalid=snakemake.params.on_invalid,
    )
except ValidationFailed as err:
    err.report["rule"] = err.report["rule"].fillna(snakemake.rule).replace("", snakemake.rule)
    write_report(err.report, failed_report_path(snakemake.output.report))
    raise SystemExit(str(err)) from None  # printed once, to the log (stderr)

lib_io.write_parquet(valid.sort_values("_line").reset_index(drop=True), snakemake.output.staged)
questions = codebook.questions_for(instrument)
email_labels = {
    normalise_label(q[f"label_{p['language']}"]) for _, q in questions[questions["type"] == "email"].iterrows()
}
email_headers = tuple(c for c in raw.columns if normalise_label(c) in email_labels)
lib_io.write_csv(quarantine_table(quarantined, p["source"], mask_columns=email_headers), snakemake.output.quarantine)
print(f"{p['source']}: {len(raw)} responses read, {len(valid)} valid, {len(quarantined)} quarantined", file=sys.stderr)
