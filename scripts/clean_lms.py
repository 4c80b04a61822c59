"""clean_lms: the staging tables of a batch of editions -> results/<scope>/clean/editions/<batch>/participants.parquet.

Each edition is cleaned on its own (lib/lms.py: harmonise, deduplicate, pseudonymise);
problems that need the analyst (unknown country or gender, an e-mail in completion /
grades / certificates that is no account of the edition) are reported in
results/<scope>/validation/lms/<batch>/clean.csv; with on_invalid: quarantine their rows are set
aside in results/<scope>/validation/quarantine/lms/<batch>/clean.csv (names and e-mails
withheld). A stop is one message, without a Python traceback.
"""

import sys

from lib.preamble import begin

begin(snakemake)

import pandas as pd

from lib import io as lib_io
from lib.countries import CountryResolver
from lib.lms import ALWAYS_STOP, clean_edition, log_rows, quarantined_rows
from lib.pseudonym import read_salt
from lib.validation import ValidationFailed, report_errors, validate
from schemas.lms import CLEAN_PARTICIPANT_COLUMNS, clean_participants_schema

sources, editions = snakemake.params.sources, snakemake.params.editions
staged_all = {s: lib_io.read_parquet(p) for s, p in zip(sources, snakemake.input.staging, strict=True)}
# rows quarantined by stage_lms (on_invalid: quarantine) enter the log as the first step
counts = pd.read_csv(snakemake.input.staging_counts, dtype={"edition": "string", "source": "string"})
counts = counts.groupby(["edition", "source"])[["rows_valid", "rows_quarantined"]].sum()  # certificates: per activity file
resolver = CountryResolver(snakemake.input.aliases, snakemake.input.moodle_countries)
salt = read_salt(snakemake.input.salt)
log, errors, people, staged_of = [], [], [], {}
for edition in editions:
    eid, files = edition["id"], {s: edition["files"][s] for s in sources}
    staged = {s: df[df["_edition"] == eid].drop(columns="_edition").reset_index(drop=True) for s, df in staged_all.items()}
    set_aside = set()
    for source in sources:
        n_ok, n_bad = (int(x) for x in counts.loc[(eid, source), ["rows_valid", "rows_quarantined"]])
        log += log_rows("validate", source, eid, n_ok + n_bad, {"quarantined: failed raw validation": n_bad})
        if n_bad:
            set_aside.add(source)
    clean, steps, errs = clean_edition(
        staged,
        edition=eid,
        edition_cfg=edition,
        site=snakemake.params.site,
        gender_labels=snakemake.params.gender_labels,
        accounts_cfg=snakemake.params.accounts,
        certificates_cfg=snakemake.params.certificates,
        resolver=resolver,
        salt=salt,
        files=files,
        on_invalid=snakemake.params.on_invalid,
        quarantined_sources=frozenset(set_aside),
    )
    log, errors, staged_of[eid] = log + steps, errors + errs, (staged, files)
    people.append(clean[CLEAN_PARTICIPANT_COLUMNS].sort_values("participant_key"))

who = f"Edition {editions[0]['id']}" if len(editions) == 1 else f"Batch {snakemake.wildcards.batch}"
try:
    report = report_errors(
        errors,
        rule="clean_lms",
        report_path=snakemake.output.report,
        # an incomplete or filtered export stops whatever on_invalid says (lib/lms.py)
        on_invalid="stop" if any(e["check"] in ALWAYS_STOP for e in errors) else snakemake.params.on_invalid,
        title=(
            f"{who}: the LMS exports do not list the same learners ({len(errors)} problem"
            f"{'s' if len(errors) != 1 else ''}); nothing downstream is built from them."
            if any(e["check"] in ALWAYS_STOP for e in errors)
            else f"{who}: {len(errors)} value{'s' if len(errors) != 1 else ''} cannot be cleaned; "
            "nothing downstream is built from them."
        ),
    )
except ValidationFailed as err:
    raise SystemExit(str(err)) from None  # printed once, to the log (stderr)
bad = [quarantined_rows(staged, report, files) for staged, files in staged_of.values()]
lib_io.write_csv(pd.concat(bad, ignore_index=True).sort_values(["source", "line"], kind="stable"), snakemake.output.quarantine)

types = {c: "string" for c in ("participant_key", "edition", "language", "gender", "enrolment_status")}
types |= {"occupation": "string", "organisation_type": "string", "year": "int64", "time_enrolled": "datetime64[us]"}
people = pd.concat(people, ignore_index=True).astype(types)
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
print(f"{snakemake.wildcards.batch}: {len(clean)} participants in {len(editions)} edition(s)", file=sys.stderr)
