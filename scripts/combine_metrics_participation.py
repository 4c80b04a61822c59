"""The scope's clean participant table, the participation metrics and Box 1 in one job:
combine_lms.py (the editions of the scope in one table, with the LMS chain's row
accounting), metrics_participation.py on the table it wrote, then box1_table.py on those
metrics, unchanged, as three steps (lib.steps), each with its own log. The combined
table stays a file (the clean layer the follow-up survey, the report and the audit read);
the metrics were only ever computed from it right after it, and Box 1 from them."""

from lib.preamble import begin, loaded

begin(snakemake)

from lib.steps import pick, run_step

loaded()

run_step(
    "combine_lms.py",
    snakemake,
    rule="combine_lms",
    log="combine",
    input={"participants": snakemake.input.editions, **pick(snakemake.input, "log_rows")},
    output=pick(snakemake.output, "participants cleaning_log layer_report"),
)
run_step(
    "metrics_participation.py",
    snakemake,
    rule="metrics_participation",
    log="metrics",
    input={**pick(snakemake.output, "participants"), **pick(snakemake.input, "registry")},
    output=pick(snakemake.output, "metrics evidence"),
)
run_step(
    "box1_table.py",
    snakemake,
    rule="box1_table",
    log="box1",
    input=pick(snakemake.output, "metrics"),
    output=pick(snakemake.output, "table"),
)
