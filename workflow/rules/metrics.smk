# Metrics: participation metrics from the clean LMS table with Box 1 (one job), and the rule
# `metrics_table` that assembles results/metrics/metrics.csv from the stage files in
# METRIC_STAGE_FILES (participation here; reaction and application are appended by the
# survey rules) plus results/metrics/definitions.csv (the registry as a table).


# Box 1 is built from the participation metrics right after them, in the same job
# (issue 16: a job of its own paid ~0.5 s of start and imports): the script runs
# metrics_participation.py and box1_table.py as two steps (lib.steps), two logs.
rule metrics_participation:
    input:
        participants=results("clean/participants.parquet"),
        registry="resources/metric_registry.yaml",
    output:
        metrics=results("metrics/participation.csv"),
        evidence=results("metrics/evidence/participation.parquet"),
        table=report(
            results("tables/box1_certificates.csv"),
            caption="../report/captions/box1.rst",
            category="Participation",
            labels={"table": "Box 1"},
        ),
    log:
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
    script:
        "../../scripts/metrics_participation_box1.py"


rule metrics_table:
    input:
        # evaluated when the DAG is built, after every rule file has appended its stage
        stages=lambda wildcards: METRIC_STAGE_FILES,
        registry="resources/metric_registry.yaml",
    output:
        metrics=results("metrics/metrics.csv"),
        definitions=results("metrics/definitions.csv"),
    log:
        logs("metrics_table.log"),
    conda:
        "../envs/workflow.yaml"
    params:
        # the stages of the scope (one per stage file): their registry metrics must all be computed
        stages=lambda wildcards: [Path(f).stem for f in METRIC_STAGE_FILES],
    script:
        "../../scripts/metrics_table.py"


METRIC_STAGE_FILES.append(results("metrics/participation.csv"))
ALL_TARGETS.extend(
    [
        results("metrics/metrics.csv"),
        results("metrics/definitions.csv"),
        results("tables/box1_certificates.csv"),
    ]
)
