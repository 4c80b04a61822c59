# Stage: read each edition's four Moodle exports with its site's dialect and header
# names, validate the raw layer with pandera (lazy: every problem at once) and write
# the typed staging tables (under private/: they still hold names and e-mails, like
# raw/, and are never published). One job per batch of editions (common.smk: each
# edition is its own batch unless the scope has more than performance.max_edition_batches);
# a failing file stops the workflow with a message naming file, line, column and value
# (report under results/validation/, one per batch and export kind).


rule stage_lms:
    input:
        unpack(lms_raw_inputs),
    output:
        staging=expand(
            "private/staging/lms/{{batch}}/{source}.parquet", source=LMS_SOURCES
        ),
        reports=expand(
            results("validation/lms/{{batch}}/{source}.csv"), source=LMS_SOURCES
        ),
        quarantine=results("validation/quarantine/lms/{batch}/staging.csv"),
        # rows read and quarantined per edition and export (the cleaning log's first step)
        counts="private/staging/lms/{batch}/row_counts.csv",
    log:
        logs("stage_lms/{batch}.log"),
    conda:
        "../envs/workflow.yaml"
    resources:
        # one edition's exports: ~170 MB peak at 5,000 participants, seconds (docs/cluster.md);
        # a batch holds its editions' staging tables until it writes them
        mem_mb=lambda wc, input: int(min(400 + 20 * input.size_mb, 16000)),
        runtime=lambda wc, input: max(2, int(input.size_mb / 10)),
    params:
        site=site_params,
        editions=batch_editions,
        sources=LMS_SOURCES,
        # a header line and no records stops for these (an edition without
        # certificates issued is plausible: its certificates export may be empty)
        require_records=["participants", "completion", "grades"],
        on_invalid=config.get("on_invalid", "stop"),
        # plausibility bounds and the quarantine limit (config `validation`)
        validation=config.get("validation", {}),
    script:
        "../../scripts/stage_lms.py"


ALL_TARGETS.extend(
    expand(
        results("validation/lms/{batch}/{source}.csv"),
        batch=BATCHES,
        source=LMS_SOURCES,
    )
)
