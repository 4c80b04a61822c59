"""clean_lms: the staging tables of a batch of editions -> results/<scope>/clean/editions/<batch>/participants.parquet.

Each edition is cleaned on its own (lib/lms.py: harmonise, deduplicate, pseudonymise);
problems that need the analyst (unknown country or gender, an e-mail in completion /
grades / certificates that is no account of the edition) are reported in
results/<scope>/validation/lms/<batch>/clean.csv; with on_invalid: quarantine their rows are set
aside in results/<scope>/validation/quarantine/lms/<batch>/clean.csv (names and e-mails
withheld). A stop is one message, without a Python traceback.
"""

import sys

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib import io as lib_io
from lib.countries import CountryResolver
from lib.lms import ALWAYS_STOP, clean_edition, log_rows, quarantined_rows
from lib.pseudonym import read_salt
from lib.validation import failed_report_path, quarantine_limit_problem, report_errors, validate
from lib.vocabulary import languages
from schemas.lms import CLEAN_PARTICIPANT_COLUMNS, clean_participants_schema

loaded()

sources, editions = snakemake.params.sources, snakemake.params.editions
staged_all = {s: lib_io.read_parquet(p) for s, p in zip(sources, snakemake.input.staging, strict=True)}
# rows quarantined by stage_lms (on_invalid: quarantine) enter the log as the first step
counts = pd.read_csv(snakemake.input.staging_counts, dtype={"edition": "string", "source": "string", "file": "string"})
per_file = counts.copy()  # the quarantine limit holds per raw file
counts = counts.groupby(["edition", "source"])[["rows_valid", "rows_quarantined"]].sum()  # certificates: per activity file
vocabulary = languages(snakemake.params.vocabulary)
resolver = CountryResolver(snakemake.input.aliases, snakemake.input.moodle_countries, languages=vocabulary.codes)
salt = read_salt(snakemake.input.salt)  # checked at startup too (common.smk); a SaltError is a message
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
bad = [quarantined_rows(staged, report, files) for staged, files in staged_of.values()]
bad = pd.concat(bad, ignore_index=True).sort_values(["source", "line"], kind="stable")
lib_io.write_csv(bad, snakemake.output.quarantine)

# a raw file that lost all (or more than validation.max_quarantined_share) of its records,
# here and in stage_lms together, stops the run: the report would be built without it
clean_failed = failed_report_path(snakemake.output.quarantine)
set_aside_here = report.dropna(subset=["line"]).drop_duplicates(["file", "line"]).groupby("file").size()
# staff and test accounts are left out by design, not set aside: they do not count
excluded = pd.DataFrame(log)
excluded = excluded[excluded["step"].isin(["drop_staff", "drop_test_accounts"])]
excluded = excluded.groupby(["edition", "source"])["rows_dropped"].sum()
too_many = []
for r in per_file.itertuples(index=False):
    left_out = int(excluded.get((r.edition, r.source), 0))
    problem = quarantine_limit_problem(
        r.file,
        int(r.rows_valid) + int(r.rows_quarantined) - left_out,
        int(r.rows_quarantined) + int(set_aside_here.get(r.file, 0)),
        max_share=snakemake.params.validation.get("max_quarantined_share"),
        quarantine_file=f"{snakemake.params.staging_quarantine} and {clean_failed}",
        counted=(
            f"of learners ({int(r.rows_valid) + int(r.rows_quarantined)} read, {left_out} staff and test accounts "
            "left out)"
            if left_out
            else "read"
        ),
    )
    if problem:
        too_many.append(problem)
if too_many:  # Snakemake deletes the outputs of a failed job: this copy stays
    lib_io.write_csv(bad, clean_failed)
    raise SystemExit(
        f"{who}: {len(too_many)} export{'s' if len(too_many) != 1 else ''} lost too many records to quarantine; "
        "nothing downstream is built from them.\n" + "\n".join(f"  - {m}" for m in too_many)
    )
clean_failed.unlink(missing_ok=True)

types = {c: "string" for c in ("participant_key", "edition", "language", "gender", "enrolment_status")}
types |= {"occupation": "string", "organisation_type": "string", "year": "int64", "time_enrolled": "datetime64[us]"}
people = pd.concat(people, ignore_index=True).astype(types)
# the clean layer is checked too: a failure here is a workflow bug, so it always stops
clean, _ = validate(
    people,
    clean_participants_schema(vocabulary.codes, snakemake.params.site["grade_max"]),
    source_file=snakemake.output.participants,
    rule="clean_lms",
    report_path=snakemake.output.layer_report,
)
lib_io.write_parquet(clean, snakemake.output.participants)
lib_io.write_csv(pd.DataFrame(log), snakemake.output.log_rows)
print(f"{snakemake.wildcards.batch}: {len(clean)} participants in {len(editions)} edition(s)", file=sys.stderr)
