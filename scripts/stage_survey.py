"""Stage survey exports through their XLSForm codebook: the end-of-course evaluations of a
batch of editions (Moodle feedback "Show responses" anonymous downloads, one per edition,
read in the edition's language) or the follow-up survey (one KoboToolbox export, "XML
values and headers", all languages). Headers become question codes, answers option codes,
multi-select answers `<question>__<option>` booleans, numbers and dates are typed, and the
rows are validated against the codebook (`params.instrument` says which questionnaire).
Evaluation rows carry `_edition`; one report and one quarantine table per job (rows of
each file in file order).

E-mails stay in the staging layer only: quarantined rows are written without them."""

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib import io as lib_io
from lib.codebook import (
    FEEDBACK_CSV,
    KOBO_CSV,
    Codebook,
    CodebookError,
    harmonise_feedback,
    harmonise_kobo,
    header_test,
    quarantine_table,
    stage_export,
)
from lib.validation import ValidationFailed, failed_report_path, quarantine_limit_problem, write_report
from lib.vocabulary import languages
from schemas.survey import staging_schema

loaded()

p = snakemake.params
instrument, report_path = p.instrument, snakemake.output.report
vocabulary = languages(p.vocabulary)
try:
    codebook = Codebook.read(snakemake.input.form, instrument, email_question=p.email_question, languages=vocabulary)
except CodebookError as err:
    raise SystemExit(f"The codebook (XLSForm) cannot be used: {err}") from None
missing = [lang for lang in p.languages if lang not in codebook.languages]
if missing:
    raise SystemExit(
        f"{snakemake.input.form}: the XLSForm has no label column for {missing} (config.yaml lists the "
        f"languages {list(p.languages)}; label columns are `label::<Language> (<code>)`, e.g. "
        f"`{vocabulary[missing[0]].label_column}`)"
    )
email_columns = tuple(codebook.questions.loc[codebook.questions["type"] == "email", "question_code"])
schema = staging_schema(codebook, instrument)
frames, quarantines, reports, failures, too_many = [], [], [], [], []
quarantine_failed = failed_report_path(snakemake.output.quarantine)
for x in p.exports:
    mine = len(reports)  # where this export's report goes
    source = x["source"]
    try:
        if p.kind == "kobo":
            known = header_test(codebook, instrument)  # a first line with none of them is not shown
            raw = lib_io.read_export(source, header_map=None, source=source, known_headers=known, **KOBO_CSV)
            coded, issues = harmonise_kobo(
                raw, codebook, date_format=x["date_format"], language_question=x["language_question"]
            )
            title = f"{source}: the header line does not match the XLSForm {snakemake.input.form}"
            mask = email_columns
            if raw.empty:  # no response at all: the application findings cannot be computed
                raise ValidationFailed(
                    pd.DataFrame(
                        [
                            {
                                "file": source,
                                "line": 1,
                                "column": "",
                                "check": "has_records",
                                "message": "the file has a header line but no responses: the follow-up survey "
                                "findings (the Impact Story's application chapter) cannot be computed from an "
                                "empty survey. Download the export again from KoboToolbox once responses are in "
                                "(Data > Downloads, 'XML values and headers', all submissions), or check that "
                                "config.yaml names the right survey export",
                                "rule": snakemake.rule,
                            }
                        ]
                    ),
                    report_path=str(failed_report_path(report_path)),
                )
        else:
            known = header_test(codebook, instrument, language=x["language"], response_number=x["response_number"])
            raw = lib_io.read_export(source, header_map=None, source=source, known_headers=known, **FEEDBACK_CSV)
            coded, issues = harmonise_feedback(raw, codebook, x["language"], response_number=x["response_number"])
            title = (
                f"{source}: the header line does not match the {vocabulary.name(x['language'])} questions of "
                f"{snakemake.input.form}"
            )
            mask = ()
        valid, quarantined = stage_export(
            raw,
            coded,
            issues,
            schema=schema,
            source=source,
            title=title,
            rule=snakemake.rule,
            report_path=report_path,
            on_invalid=p.on_invalid,
            reports=reports,
        )
    except ValidationFailed as err:
        err.report["rule"] = err.report["rule"].fillna(snakemake.rule).replace("", snakemake.rule)
        err.report_path = str(failed_report_path(report_path))
        reports[mine:] = [err.report]  # instead of the one validate appended, if it did
        failures.append(err)
        continue
    valid = valid.sort_values("_line").reset_index(drop=True)
    frames.append(valid.assign(_edition=x["edition"]) if x.get("edition") else valid)
    quarantines.append(quarantine_table(quarantined, source, mask_columns=mask))
    print(f"{source}: {len(raw)} responses read, {len(valid)} valid, {len(quarantined)} quarantined", file=sys.stderr)
    # an export that lost all (or more than the configured share) of its responses stops the run
    problem = quarantine_limit_problem(
        source, len(raw), len(quarantined), max_share=p.max_quarantined_share, quarantine_file=str(quarantine_failed)
    )
    if problem:
        too_many.append(problem)

# one report for the job: every export's problems (a stopped export's report replaces the
# one validate wrote for it), sorted by file and line
report = pd.concat([r for r in reports if len(r)] or reports[:1], ignore_index=True)
write_report(report, report_path)
if failures:
    write_report(report, failed_report_path(report_path))
    raise SystemExit("\n\n".join(str(err) for err in failures))  # printed once, to the log (stderr)
failed_report_path(report_path).unlink(missing_ok=True)
if too_many:  # Snakemake deletes the outputs of a failed job: this copy of the quarantine stays
    lib_io.write_csv(pd.concat(quarantines, ignore_index=True), quarantine_failed)
    raise SystemExit(
        f"{len(too_many)} export{'s' if len(too_many) != 1 else ''} lost too many responses to quarantine; "
        "nothing downstream is built from them.\n" + "\n".join(f"  - {m}" for m in too_many)
    )
quarantine_failed.unlink(missing_ok=True)
lib_io.write_parquet(pd.concat(frames, ignore_index=True), snakemake.output.staged)
lib_io.write_csv(pd.concat(quarantines, ignore_index=True), snakemake.output.quarantine)
