"""Cleaning of the follow-up survey and the application metrics in one job:
clean_followup.py, then metrics_application.py on the clean table it wrote, unchanged,
as two steps (lib.steps), each with its own log. The clean table stays a file (the
layer between the two; Box 2 and the report read it too); the metrics are only ever
computed from it, right after it."""

from lib.preamble import begin

begin(snakemake)

from lib.steps import pick, run_step

run_step(
    "clean_followup.py",
    snakemake,
    rule="clean_followup",
    log="clean",
    input=pick(snakemake.input, "form staged quarantine participants salt aliases moodle_countries"),
    output=pick(snakemake.output, "clean report cleaning_log"),
)
run_step(
    "metrics_application.py",
    snakemake,
    rule="metrics_application",
    log="metrics",
    input={"followup": snakemake.output.clean, **pick(snakemake.input, "form participants registry")},
    output=pick(snakemake.output, "metrics evidence"),
)
