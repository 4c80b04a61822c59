"""Participation metrics and Box 1 in one job: metrics_participation.py, then
box1_table.py on the participation metrics it wrote, unchanged, as two steps
(lib.steps), each with its own log. Box 1 is only ever built from those metrics, right
after them; the two shared ~0.5 s of interpreter start and imports."""

from lib.preamble import begin

begin(snakemake)

from lib.steps import pick, run_step

run_step(
    "metrics_participation.py",
    snakemake,
    rule="metrics_participation",
    log="metrics",
    input=pick(snakemake.input, "participants registry"),
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
