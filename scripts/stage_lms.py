"""stage_lms: read + validate one edition's four Moodle exports -> typed staging Parquet.

Every file is read and validated before the job stops, so one run names every problem
of the edition. Reports: results/validation/lms/<edition>/<source>.csv.
"""

import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")  # noqa: SIM115
sys.path.insert(0, str(Path(snakemake.input.lib_io).resolve().parent.parent))
sys.path.insert(0, str(Path(snakemake.input.schema_lms).resolve().parent.parent))

import pandas as pd

from lib import io as lib_io
from lib.validation import QUARANTINE_COLUMNS, ValidationFailed, quarantine_table, validate, write_report
from schemas.lms import raw_schema, to_typed

site = snakemake.params.site
edition = snakemake.wildcards.edition
failures: list[ValidationFailed] = []
quarantined = []

for source, out_path, report_path in zip(
    snakemake.params.sources, snakemake.output.staging, snakemake.output.reports, strict=True
):
    path = snakemake.input[source]
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
            report_path=report_path,
            on_invalid=snakemake.params.on_invalid,
        )
    except ValidationFailed as err:
        err.report["rule"] = err.report["rule"].fillna("stage_lms").replace("", "stage_lms")
        write_report(err.report, report_path)
        write_report(err.report, Path(report_path).with_name(Path(report_path).stem + ".failed.csv"))
        failures.append(err)
        continue
    typed = to_typed(valid, source, site).sort_values("_line").reset_index(drop=True)
    lib_io.write_parquet(typed, out_path)
    print(f"{path}: {len(df)} rows read, {len(typed)} valid, {len(bad)} quarantined", file=sys.stderr)
    quarantined.append(quarantine_table(bad, source, file=path))  # names and e-mails withheld

quarantine = pd.concat(quarantined, ignore_index=True) if quarantined else pd.DataFrame(columns=QUARANTINE_COLUMNS)
quarantine = quarantine.sort_values(["source", "line"], kind="stable")
lib_io.write_csv(quarantine, snakemake.output.quarantine)

if failures:
    report = pd.concat([f.report for f in failures], ignore_index=True)
    err = ValidationFailed(
        report,
        report_path=f"results/validation/lms/{edition}/<source>.failed.csv",
        title=f"Edition {edition}: the LMS exports break the data contract "
        f"({len(report)} problem{'s' if len(report) != 1 else ''}); nothing downstream is built from them.",
    )
    raise SystemExit(str(err))  # printed once, to the log (stderr), without a traceback
