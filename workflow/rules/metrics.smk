# Metrics: participation metrics from the clean LMS table with Box 1 (one job with the
# combining of the editions), and the step `metrics_table` (of the job report_variables,
# report.smk) that assembles results/metrics/metrics.csv from the stage files in
# METRIC_STAGE_FILES (participation here; reaction and application are appended by the
# survey rules) plus results/metrics/definitions.csv (the registry as a table).


# The editions combined, the participation metrics and Box 1 in one job (issue 16: each
# was a job of its own that paid ~0.5-0.7 s of start and imports):
# scripts/combine_metrics_participation.py runs combine_lms.py, metrics_participation.py
# and box1_table.py as three steps (lib.steps), three logs; the combined clean table
# (clean_lms.smk says what it holds) stays a file between them.
rule combine_metrics_participation:
    input:
        # combine_lms step
        editions=expand(
            results("clean/editions/{batch}/participants.parquet"), batch=BATCHES
        ),
        log_rows=expand(
            results("clean/editions/{batch}/cleaning_log.csv"), batch=BATCHES
        ),
        # metrics_participation step
        registry="resources/metric_registry.yaml",
    output:
        # combine_lms step
        participants=results("clean/participants.parquet"),
        cleaning_log=results("clean/cleaning_log_lms.csv"),
        layer_report=results("validation/lms/clean_layer.csv"),
        # metrics_participation step
        metrics=results("metrics/participation.csv"),
        evidence=results("metrics/evidence/participation.parquet"),
        # box1_table step
        table=report(
            results("tables/box1_certificates.csv"),
            caption="../report/captions/box1.rst",
            category="Participation",
            labels={"table": "Box 1"},
        ),
    log:
        combine=logs("combine_lms.log"),
        metrics=logs("metrics_participation.log"),
        box1=logs("box1_table.log"),
    conda:
        "../envs/workflow.yaml"
    resources:
        # memory grows with the participant table (evidence rows): ~800 MB peak at
        # 100,000 participants (~5 MB of input, docs/benchmarks.md); about 70 % headroom,
        # doubled on a retry after an out-of-memory kill (--retries 1), capped at 64 GB
        mem_mb=lambda wc, input, attempt: int(
            min((400 + 200 * input.size_mb) * attempt, 64000)
        ),
        runtime=lambda wc, input, attempt: max(10, int(5 * input.size_mb)) * attempt,
    params:
        editions=EDITIONS,
        vocabulary=LANGUAGES_CFG,
    script:
        "../../scripts/combine_metrics_participation.py"


# results/metrics/metrics.csv and definitions.csv: the step `metrics_table` of the job
# report_variables (report.smk), the only job that read them before the audit.


METRIC_STAGE_FILES.append(results("metrics/participation.csv"))
ALL_TARGETS.extend(
    [
        results("metrics/metrics.csv"),
        results("metrics/definitions.csv"),
        results("tables/box1_certificates.csv"),
    ]
)
