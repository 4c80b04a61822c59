"""stage_lms: read + validate the four Moodle exports of each edition of a batch -> typed
staging Parquet (one table per export kind, an `_edition` column saying whose rows).

Every file is read and validated before the job stops, so one run names every problem
of the batch. Reports: results/validation/lms/<batch>/<source>.csv (one per export kind,
the rows of each file in file order).
"""

import sys
import tempfile
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")  # noqa: SIM115
sys.path.insert(0, str(Path(snakemake.input.lib_io).resolve().parent.parent))
sys.path.insert(0, str(Path(snakemake.input.schema_lms).resolve().parent.parent))

import pandas as pd

from lib import io as lib_io
from lib.batches import combine_reports
from lib.validation import (
    QUARANTINE_COLUMNS,
    ValidationFailed,
    failed_report_path,
    quarantine_table,
    validate,
    write_report,
)
from schemas.lms import raw_schema, to_typed

site = snakemake.params.site
editions = snakemake.params.editions
failures: list[ValidationFailed] = []
quarantined, counts = [], []
parts_dir = Path(tempfile.mkdtemp(prefix="stage_lms-"))

for source, out_path, report_path in zip(
    snakemake.params.sources, snakemake.output.staging, snakemake.output.reports, strict=True
):
    frames, parts, failed_parts = [], [], []
    for i, edition in enumerate(editions):
        path = edition["files"][source]
        part = parts_dir / f"{source}-{i}.csv"
        parts.append(part)
        try:
            df = lib_io.read_export(
                path,
                delimiter=site["delimiter"],
                encoding=site["encoding"],
                header_map=site["headers"][source],
                source=path,
                require_records=source in snakemake.params.require_records,
            )
            if df.attrs["unmapped_headers"]:
                print(f"{path}: columns not in the contract, ignored: {df.attrs['unmapped_headers']}", file=sys.stderr)
            valid, bad = validate(
                df,
                raw_schema(source, site),
                source_file=path,
                rule="stage_lms",
                report_path=part,
                on_invalid=snakemake.params.on_invalid,
            )
        except ValidationFailed as err:
            err.report["rule"] = err.report["rule"].fillna("stage_lms").replace("", "stage_lms")
            write_report(err.report, part)
            failed_parts.append(part)
            failures.append(err)
            continue
        typed = to_typed(valid, source, site).sort_values("_line").reset_index(drop=True)
        frames.append(typed.assign(_edition=edition["id"]))
        print(f"{path}: {len(df)} rows read, {len(typed)} valid, {len(bad)} quarantined", file=sys.stderr)
        counts.append({"edition": edition["id"], "source": source, "rows_valid": len(typed), "rows_quarantined": len(bad)})
        quarantined.append(quarantine_table(bad, source, file=path))  # names and e-mails withheld
    combine_reports(parts, report_path)
    if failed_parts:
        combine_reports(failed_parts, failed_report_path(report_path))
    else:
        failed_report_path(report_path).unlink(missing_ok=True)
        lib_io.write_parquet(pd.concat(frames, ignore_index=True), out_path)

quarantine = pd.concat(quarantined, ignore_index=True) if quarantined else pd.DataFrame(columns=QUARANTINE_COLUMNS)
quarantine = quarantine.sort_values(["source", "line"], kind="stable")
lib_io.write_csv(quarantine, snakemake.output.quarantine)
lib_io.write_csv(pd.DataFrame(counts, columns=["edition", "source", "rows_valid", "rows_quarantined"]), snakemake.output.counts)

if failures:
    report = pd.concat([f.report for f in failures], ignore_index=True)
    batch = snakemake.wildcards.batch
    who = f"Edition {batch}" if len(editions) == 1 else f"Batch {batch} ({len(editions)} editions)"
    err = ValidationFailed(
        report,
        report_path=f"results/validation/lms/{batch}/<source>.failed.csv",
        title=f"{who}: the LMS exports break the data contract "
        f"({len(report)} problem{'s' if len(report) != 1 else ''}); nothing downstream is built from them.",
    )
    raise SystemExit(str(err))  # printed once, to the log (stderr), without a traceback
