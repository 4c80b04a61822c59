"""stage_lms: read + validate the Moodle 4.x exports of each edition of a batch -> typed
staging Parquet (one table per export kind, an `_edition` column saying whose rows).

Each export type is read with its own writer's conventions (config `moodle_exports`) and
the site preset's headers; the formula-guard quote of newer Moodle versions is removed;
grade item columns are matched as '<activity type><labelsep><item> (<display type>)';
each certificate activity's report gets the certificate type config gives it.

Each file is read on its own (header and file-level problems name it); the files of one
kind are then validated together in one pandera call (lib.validation.stack_files: rows
keep their own file and line in the report). Every file is read and validated before the
job stops, so one run names every problem of the batch. Reports:
results/<scope>/validation/lms/<batch>/<source>.csv (one per export kind, sorted by file and line).
"""

import sys
from pathlib import PurePosixPath

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib import io as lib_io
from lib.moodle_exports import grade_header_options, known_header, select_columns
from lib.validation import (
    QUARANTINE_COLUMNS,
    ValidationFailed,
    failed_report_path,
    quarantine_limit_problem,
    quarantine_table,
    stack_files,
    validate,
    write_report,
)
from schemas.lms import plausibility_errors, raw_schema, to_typed

loaded()

site, editions = snakemake.params.site, snakemake.params.editions
failures: list[ValidationFailed] = []
quarantined, counts, too_many = [], [], []
limits = snakemake.params.validation  # config `validation`: plausibility bounds, quarantine limit
quarantine_failed = failed_report_path(snakemake.output.quarantine)


def stamp_rule(report: pd.DataFrame) -> pd.DataFrame:
    report["rule"] = report["rule"].fillna("stage_lms").replace("", "stage_lms")
    return report


for source, out_path, report_path in zip(
    snakemake.params.sources, snakemake.output.staging, snakemake.output.reports, strict=True
):
    frames, read, reports, failed = [], [], [], []  # read: (edition id, path) of frames
    plausibility = []  # cross-column and calendar checks (schemas/lms.py), row errors like the schema's
    for edition in editions:
        files = edition["files"][source]
        # certificates: one mod_customcert report per certificate activity (type -> file)
        typed_files = sorted(files.items()) if isinstance(files, dict) else [(None, files)]
        export = site["exports"][source]
        for cert_type, path in typed_files:
            try:
                df = lib_io.read_export(
                    path,
                    delimiter=export["delimiter"],
                    encoding=export["encoding"],
                    header_map=None if source == "grades" else site["headers"][source],
                    source=path,
                    require_records=source in snakemake.params.require_records,
                    formula_guard=True,  # newer Moodle writers put a ' before = + - @
                    # grades: a first line with none of the grade headers may be a data row
                    known_headers=known_header(grade_header_options(site)) if source == "grades" else None,
                )
                if source == "grades":
                    df = select_columns(df, grade_header_options(site), source=path, delimiter=export["delimiter"])
            except ValidationFailed as err:  # a file-level problem: the file is not validated further
                reports.append(stamp_rule(err.report))
                failed.append(err)
                continue
            if df.attrs["unmapped_headers"]:
                print(f"{path}: columns not in the contract, ignored: {df.attrs['unmapped_headers']}", file=sys.stderr)
            # read: pandas would deep-copy these notes into every frame made from this one (issue 16);
            # nothing below reads them (lib.io.write_parquet drops them)
            df.attrs = {}
            if cert_type is not None:
                df.insert(len(df.columns) - 1, "certificate", cert_type)
            plausibility += plausibility_errors(
                df,
                source,
                site,
                file=path,
                edition=edition["id"],
                start=edition.get("start"),
                max_days_after_start=limits.get("max_days_after_start", 365),
            )
            frames.append(df)
            read.append((edition["id"], path))
    if frames:
        try:
            valid, bad = validate(
                stack_files(frames),
                raw_schema(source, site),
                source_file=", ".join(p for _, p in read),
                files=[p for _, p in read],
                rule="stage_lms",
                report_path=report_path,
                on_invalid=snakemake.params.on_invalid,
                reports=reports,
                extra_errors=[{**e, "rule": "stage_lms"} for e in plausibility] or None,
            )
        except ValidationFailed as err:
            stamp_rule(err.report)
            reports[-1:] = [err.report]
            failed.append(err)
    if failed:  # one report for the kind: every file's problems, file-level ones included
        write_report(pd.concat(reports, ignore_index=True), report_path)
        write_report(pd.concat(reports, ignore_index=True), failed_report_path(report_path))
        failures += failed
        continue
    # per file: rows in file order, their edition, the quarantined rows with their file
    position, bad_position = valid.index.get_level_values(0), bad.index.get_level_values(0)
    typed = to_typed(valid, source, site).assign(_edition=[read[i][0] for i in position], _file_no=position)
    typed = typed.sort_values(["_file_no", "_line"], kind="stable").drop(columns="_file_no").reset_index(drop=True)
    lib_io.write_parquet(typed, out_path)
    for i, (edition_id, path) in enumerate(read):
        n_valid, n_bad = int((position == i).sum()), int((bad_position == i).sum())
        print(f"{path}: {n_valid + n_bad} rows read, {n_valid} valid, {n_bad} quarantined", file=sys.stderr)
        counts.append(
            {"edition": edition_id, "source": source, "rows_valid": n_valid, "rows_quarantined": n_bad, "file": path}
        )
        mine = bad[bad_position == i]
        quarantined.append(quarantine_table(mine, source, file=path))  # names and e-mails withheld
        # a file that lost all (or more than the configured share) of its records stops the run
        problem = quarantine_limit_problem(
            path,
            n_valid + n_bad,
            n_bad,
            max_share=limits.get("max_quarantined_share"),
            quarantine_file=str(quarantine_failed),
        )
        if problem:
            too_many.append(problem)

quarantine = pd.concat(quarantined, ignore_index=True) if quarantined else pd.DataFrame(columns=QUARANTINE_COLUMNS)
quarantine = quarantine.sort_values(["source", "line"], kind="stable")
lib_io.write_csv(quarantine, snakemake.output.quarantine)
if too_many and not failures:  # Snakemake deletes the outputs of a failed job: this copy stays
    lib_io.write_csv(quarantine, quarantine_failed)
else:
    quarantine_failed.unlink(missing_ok=True)
count_columns = ["edition", "source", "rows_valid", "rows_quarantined", "file"]
lib_io.write_csv(pd.DataFrame(counts, columns=count_columns), snakemake.output.counts)

if failures:
    report = pd.concat([f.report for f in failures], ignore_index=True)
    batch = snakemake.wildcards.batch
    who = f"Edition {batch}" if len(editions) == 1 else f"Batch {batch} ({len(editions)} editions)"
    err = ValidationFailed(
        report,
        report_path=f"{PurePosixPath(snakemake.output.reports[0]).parent}/<source>.failed.csv",
        title=f"{who}: the LMS exports break the data contract "
        f"({len(report)} problem{'s' if len(report) != 1 else ''}); nothing downstream is built from them.",
    )
    raise SystemExit(str(err))  # printed once, to the log (stderr), without a traceback
if too_many:
    batch = snakemake.wildcards.batch
    who = f"Edition {batch}" if len(editions) == 1 else f"Batch {batch} ({len(editions)} editions)"
    raise SystemExit(
        f"{who}: {len(too_many)} export{'s' if len(too_many) != 1 else ''} lost too many records to "
        "quarantine; nothing downstream is built from them.\n" + "\n".join(f"  - {p}" for p in too_many)
    )
