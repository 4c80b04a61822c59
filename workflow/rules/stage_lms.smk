# Stage: read each edition's four Moodle exports with its site's dialect and header
# names, validate the raw layer with pandera (lazy: every problem at once) and write
# the typed staging tables (under private/: they still hold names and e-mails, like
# raw/, and are never published). One job per edition; a failing file stops the workflow with
# a message naming file, line, column and value (report under results/validation/).


rule stage_lms:
    input:
        unpack(lms_raw_inputs),
        **libs("io", "validation", "safe_text", "schema_lms"),
    output:
        staging=expand(
            "private/staging/lms/{{edition}}/{source}.parquet", source=LMS_SOURCES
        ),
        reports=expand(
            "results/validation/lms/{{edition}}/{source}.csv", source=LMS_SOURCES
        ),
        quarantine="results/validation/quarantine/lms/{edition}/staging.csv",
    log:
        "logs/stage_lms/{edition}.log",
    conda:
        "../envs/workflow.yaml"
    resources:
        # one edition's exports: ~170 MB peak at 5,000 participants, seconds (docs/cluster.md)
        mem_mb=500,
        runtime=2,
    params:
        site=site_params,
        sources=LMS_SOURCES,
        # a header line and no records stops for these (an edition without
        # certificates issued is plausible: its certificates export may be empty)
        require_records=["participants", "completion", "grades"],
        on_invalid=config.get("on_invalid", "stop"),
    script:
        "../../scripts/stage_lms.py"


ALL_TARGETS.extend(
    expand(
        "results/validation/lms/{edition}/{source}.csv",
        edition=EDITIONS,
        source=LMS_SOURCES,
    )
)
