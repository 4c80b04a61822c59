# Stage: read each edition's four Moodle exports with its site's dialect and header
# names, validate the raw layer with pandera (lazy: every problem at once) and write
# the typed staging tables (under private/: they still hold names and e-mails, like
# raw/, and are never published). One job per batch of editions (common.smk: each
# edition is its own batch unless the scope has more than performance.max_edition_batches);
# a failing file stops the workflow with a message naming file, line, column and value
# (report under results/validation/, one per batch and export kind).


# Staging and cleaning of a batch run in one job (issue 16: each job pays ~0.5-1 s of
# interpreter start and imports): scripts/stage_clean_lms.py runs stage_lms.py, then
# clean_lms.py (clean_lms.smk says what cleaning does), as two steps with their own logs
# (lib.steps). The staging tables stay files between the two layers, and a batch is
# still the unit: one edition's changed export reruns its own job only.
rule stage_clean_lms:
    input:
        unpack(lms_raw_inputs),
        aliases="resources/country_aliases.csv",
        moodle_countries="resources/moodle_countries.csv",
        salt=SALT_FILE,
    output:
        # stage_lms step
        staging=expand(
            "private/staging/lms/{{batch}}/{source}.parquet", source=LMS_SOURCES
        ),
        reports=expand(
            results("validation/lms/{{batch}}/{source}.csv"), source=LMS_SOURCES
        ),
        quarantine=results("validation/quarantine/lms/{batch}/staging.csv"),
        # rows read and quarantined per edition and export (the cleaning log's first step)
        counts="private/staging/lms/{batch}/row_counts.csv",
        # clean_lms step
        participants=results("clean/editions/{batch}/participants.parquet"),
        log_rows=results("clean/editions/{batch}/cleaning_log.csv"),
        report=results("validation/lms/{batch}/clean.csv"),
        clean_quarantine=results("validation/quarantine/lms/{batch}/clean.csv"),
        layer_report=results("validation/lms/{batch}/clean_layer.csv"),
    log:
        stage=logs("stage_lms/{batch}.log"),
        clean=logs("clean_lms/{batch}.log"),
    conda:
        "../envs/workflow.yaml"
    resources:
        # one edition's exports: ~190 MB peak at 5,000 participants, seconds
        # (docs/cluster.md); a batch holds its editions' staging tables
        mem_mb=lambda wc, input: int(min(400 + 40 * input.size_mb, 16000)),
        runtime=lambda wc, input: max(
            2, int(input.size_mb / 10) + int(input.size_mb / 5)
        ),
    params:
        site=site_params,
        editions=batch_editions,
        sources=LMS_SOURCES,
        # a header line and no records stops for these (an edition without
        # certificates issued is plausible: its certificates export may be empty)
        require_records=["participants", "completion", "grades"],
        vocabulary=LANGUAGES_CFG,
        gender_labels=config["gender_labels"],
        accounts=config.get("accounts", {}),
        certificates=config["certificates"],
        on_invalid=config.get("on_invalid", "stop"),
        # plausibility bounds and the quarantine limit (config `validation`); the limit
        # in the cleaning step counts the staging step's rows set aside too
        validation=config.get("validation", {}),
        staging_quarantine=lambda w, output: output.quarantine,
    script:
        "../../scripts/stage_clean_lms.py"


ALL_TARGETS.extend(
    expand(
        results("validation/lms/{batch}/{source}.csv"),
        batch=BATCHES,
        source=LMS_SOURCES,
    )
)
