# Clean: per edition (one job per batch of editions, see common.smk), harmonise labels /
# gender / country, drop staff and test accounts, merge duplicate accounts by normalised
# e-mail, join completion / grades / certificates, recompute certificate eligibility and
# pseudonymise (names, e-mails and user ids are dropped here and never leave this
# stage). Then one job combines the editions of the scope.


rule clean_lms:
    input:
        staging=expand(
            "private/staging/lms/{{batch}}/{source}.parquet", source=LMS_SOURCES
        ),
        staging_counts="private/staging/lms/{batch}/row_counts.csv",
        aliases="resources/country_aliases.csv",
        moodle_countries="resources/moodle_countries.csv",
        salt=SALT_FILE,
    output:
        participants=results("clean/editions/{batch}/participants.parquet"),
        log_rows=results("clean/editions/{batch}/cleaning_log.csv"),
        report=results("validation/lms/{batch}/clean.csv"),
        quarantine=results("validation/quarantine/lms/{batch}/clean.csv"),
        layer_report=results("validation/lms/{batch}/clean_layer.csv"),
    log:
        logs("clean_lms/{batch}.log"),
    conda:
        "../envs/workflow.yaml"
    resources:
        # one edition: ~190 MB peak at 5,000 participants, seconds (docs/cluster.md); a
        # batch holds its editions' staging tables
        mem_mb=lambda wc, input: int(min(400 + 40 * input.size_mb, 16000)),
        runtime=lambda wc, input: max(2, int(input.size_mb / 5)),
    params:
        editions=batch_editions,
        site=site_params,
        sources=LMS_SOURCES,
        vocabulary=LANGUAGES_CFG,
        gender_labels=config["gender_labels"],
        accounts=config.get("accounts", {}),
        certificates=config["certificates"],
        on_invalid=config.get("on_invalid", "stop"),
        # the quarantine limit (config `validation`) counts stage_lms's rows set aside too
        validation=config.get("validation", {}),
        staging_quarantine=results("validation/quarantine/lms/{batch}/staging.csv"),
    script:
        "../../scripts/clean_lms.py"


rule combine_lms:
    input:
        participants=expand(
            results("clean/editions/{batch}/participants.parquet"), batch=BATCHES
        ),
        log_rows=expand(
            results("clean/editions/{batch}/cleaning_log.csv"), batch=BATCHES
        ),
    output:
        participants=results("clean/participants.parquet"),
        cleaning_log=results("clean/cleaning_log_lms.csv"),
        layer_report=results("validation/lms/clean_layer.csv"),
    log:
        logs("combine_lms.log"),
    conda:
        "../envs/workflow.yaml"
    resources:
        # all editions' participant tables: grows with their size
        mem_mb=lambda wc, input: int(min(500 + 50 * input.size_mb, 16000)),
    params:
        editions=EDITIONS,
        vocabulary=LANGUAGES_CFG,
    script:
        "../../scripts/combine_lms.py"


CLEANING_LOG_FILES.append(results("clean/cleaning_log_lms.csv"))


# Every chain writes its own row accounting; this rule puts them in one table, in
# chain order, and stops if any step does not add up (rows_in = rows_out + dropped).
rule cleaning_log:
    input:
        parts=lambda wc: CLEANING_LOG_FILES,
    output:
        cleaning_log=results("clean/cleaning_log.csv"),
    log:
        logs("cleaning_log.log"),
    conda:
        "../envs/workflow.yaml"
    script:
        "../../scripts/cleaning_log.py"


ALL_TARGETS.extend(
    [
        results("clean/participants.parquet"),
        results("clean/cleaning_log.csv"),
        *expand(results("validation/lms/{batch}/clean.csv"), batch=BATCHES),
    ]
)
