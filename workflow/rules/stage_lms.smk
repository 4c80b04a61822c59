# Stage: read each edition's four Moodle exports with its site's dialect and header
# names, validate the raw layer with pandera (lazy: every problem at once) and write
# the typed staging tables. One job per edition; a failing file stops the workflow with
# a message naming file, line, column and value (report under results/validation/).


rule stage_lms:
    input:
        unpack(lms_raw_inputs),
        **libs("io", "validation", "safe_text", "schema_lms"),
    output:
        staging=expand(
            "results/staging/lms/{{edition}}/{source}.parquet", source=LMS_SOURCES
        ),
        reports=expand(
            "results/validation/lms/{{edition}}/{source}.csv", source=LMS_SOURCES
        ),
        quarantine="results/validation/quarantine/lms/{edition}/staging.csv",
    log:
        "logs/stage_lms/{edition}.log",
    conda:
        "../envs/workflow.yaml"
    params:
        site=site_params,
        sources=LMS_SOURCES,
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
