# Clean: per edition (one job per batch of editions, see common.smk; the job that
# stages the batch, stage_lms.smk), harmonise labels /
# gender / country, drop staff and test accounts, merge duplicate accounts by normalised
# e-mail, join completion / grades / certificates, recompute certificate eligibility and
# pseudonymise (names, e-mails and user ids are dropped here and never leave this
# stage). Then one job combines the editions of the scope (with the participation
# metrics, metrics.smk).


# The per-batch cleaning (scripts/clean_lms.py) runs as the second step of the job
# `stage_clean_lms` (stage_lms.smk), right after staging.


# Combining the editions (scripts/combine_lms.py) is the first step of the job
# `combine_metrics_participation` (metrics.smk), with the participation metrics and Box 1.


CLEANING_LOG_FILES.append(results("clean/cleaning_log_lms.csv"))


# Every chain writes its own row accounting; the step `cleaning_log` of the job
# report_variables (report.smk) puts them in one table, in chain order, and stops if any
# step does not add up (rows_in = rows_out + dropped).


ALL_TARGETS.extend(
    [
        results("clean/participants.parquet"),
        results("clean/cleaning_log.csv"),
        *expand(results("validation/lms/{batch}/clean.csv"), batch=BATCHES),
    ]
)
