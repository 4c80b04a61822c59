"""The follow-up survey from its export to the application metrics in one job:
stage_survey.py (the staging), clean_followup.py, then metrics_application.py, unchanged,
as three steps (lib.steps), each with its own log. The staging and clean tables stay
files (the layers between the steps; Box 2 and the report read the clean one); each
step only ever runs right after the one before it."""

from lib.preamble import begin, loaded

begin(snakemake)

from lib.steps import pick, run_step

loaded()

run_step(
    "stage_survey.py",
    snakemake,
    rule="stage_followup",
    log="stage",
    input=pick(snakemake.input, "form export"),
    output={**pick(snakemake.output, "staged quarantine"), "report": snakemake.output.stage_report},
)
run_step(
    "clean_followup.py",
    snakemake,
    rule="clean_followup",
    log="clean",
    input={
        **pick(snakemake.input, "form participants salt aliases moodle_countries"),
        **pick(snakemake.output, "staged quarantine"),
    },
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
