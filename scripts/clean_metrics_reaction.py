"""Cleaning of the end-of-course evaluations and the reaction metrics in one job:
clean_evaluation.py, then metrics_reaction.py on the clean tables it wrote, unchanged, as
two steps (lib.steps), each with its own log. The clean tables stay files (the layer
between the two); the metrics are only ever computed from them, right after them."""

from lib.preamble import begin

begin(snakemake)

from lib.steps import pick, run_step

run_step(
    "clean_evaluation.py",
    snakemake,
    rule="clean_evaluation",
    log="clean",
    input=pick(snakemake.input, "form staged quarantine"),
    output=pick(snakemake.output, "clean report cleaning_log"),
)
run_step(
    "metrics_reaction.py",
    snakemake,
    rule="metrics_reaction",
    log="metrics",
    input={"evaluation": snakemake.output.clean, **pick(snakemake.input, "registry")},
    output=pick(snakemake.output, "metrics evidence"),
)
