# Clean: per edition (one job per batch of editions, see common.smk; the job that
# stages the batch, stage_lms.smk), harmonise labels /
# gender / country, drop staff and test accounts, merge duplicate accounts by normalised
# e-mail, join completion / grades / certificates, recompute certificate eligibility and
# pseudonymise (names, e-mails and user ids are dropped here and never leave this
# stage). Then one job combines the editions of the scope.


# The per-batch cleaning (scripts/clean_lms.py) runs as the second step of the job
# `stage_clean_lms` (stage_lms.smk), right after staging.


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
