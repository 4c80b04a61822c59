"""clean_lms: one edition's staging tables -> results/clean/editions/<edition>/participants.parquet.

Harmonises, deduplicates and pseudonymises (see lib/lms.py); problems that need the
analyst (unknown country or gender, an e-mail in completion / grades / certificates
that is no account of the edition) are reported in results/validation/lms/<edition>/clean.csv;
with on_invalid: quarantine their rows are set aside in results/validation/quarantine/lms/<edition>/clean.csv
(names and e-mails withheld). A stop is one message, without a Python traceback.
"""

import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")  # noqa: SIM115
sys.path.insert(0, str(Path(snakemake.input.lib_io).resolve().parent.parent))
sys.path.insert(0, str(Path(snakemake.input.schema_lms).resolve().parent.parent))

import pandas as pd

from lib import io as lib_io
from lib.countries import CountryResolver
from lib.lms import clean_edition, log_rows, quarantined_rows
from lib.pseudonym import read_salt
from lib.validation import ValidationFailed, report_errors, validate
from schemas.lms import CLEAN_PARTICIPANT_COLUMNS, clean_participants_schema

edition = snakemake.params.edition
staged = {s: lib_io.read_parquet(p) for s, p in zip(snakemake.params.sources, snakemake.input.staging, strict=True)}

# rows quarantined by stage_lms (on_invalid: quarantine) enter the log as the first step
quarantined = pd.read_csv(snakemake.input.staging_quarantine, dtype={"source": "string"})
log = []
for source in snakemake.params.sources:
    n_bad = int((quarantined["source"] == source).sum())
    log += log_rows(
        "validate", source, edition["id"], len(staged[source]) + n_bad, {"quarantined: failed raw validation": n_bad}
    )

people, steps, errors = clean_edition(
    staged,
    edition=edition["id"],
    edition_cfg=edition,
    site=snakemake.params.site,
    gender_labels=snakemake.params.gender_labels,
    accounts_cfg=snakemake.params.accounts,
    certificates_cfg=snakemake.params.certificates,
    resolver=CountryResolver(snakemake.input.aliases),
    salt=read_salt(snakemake.input.salt),
    files=snakemake.params.files,
    on_invalid=snakemake.params.on_invalid,
)
log += steps
try:
    report = report_errors(
        errors,
        rule="clean_lms",
        report_path=snakemake.output.report,
        on_invalid=snakemake.params.on_invalid,
        title=f"Edition {edition['id']}: {len(errors)} value{'s' if len(errors) != 1 else ''} cannot be cleaned; "
        "nothing downstream is built from them.",
    )
except ValidationFailed as err:
    raise SystemExit(str(err)) from None  # printed once, to the log (stderr)
lib_io.write_csv(quarantined_rows(staged, report, snakemake.params.files), snakemake.output.quarantine)

types = {c: "string" for c in ("participant_key", "edition", "language", "gender", "enrolment_status")}
types |= {"occupation": "string", "organisation_type": "string", "year": "int64", "time_enrolled": "datetime64[us]"}
people = people[CLEAN_PARTICIPANT_COLUMNS].astype(types).sort_values("participant_key").reset_index(drop=True)
# the clean layer is checked too: a failure here is a workflow bug, so it always stops
try:
    clean, _ = validate(
        people,
        clean_participants_schema(snakemake.params.site["grade_max"]),
        source_file=snakemake.output.participants,
        rule="clean_lms",
        report_path=snakemake.output.layer_report,
    )
except ValidationFailed as err:
    raise SystemExit(str(err)) from None
lib_io.write_parquet(clean, snakemake.output.participants)
lib_io.write_csv(pd.DataFrame(log), snakemake.output.log_rows)
print(f"{edition['id']}: {len(clean)} participants", file=sys.stderr)
