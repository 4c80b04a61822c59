"""The end-of-course evaluations from their exports to the reaction metrics in one job:
stage_survey.py once per batch of editions (the staging of its evaluation exports, with
that batch's params and log, as the rule `stage_evaluation` ran it), clean_evaluation.py
on every batch's staging table, then metrics_reaction.py on the clean tables, unchanged,
as steps (lib.steps), each with its own log. The staging and clean tables stay files (the
layers between the steps); each step only ever ran right after the ones before it."""

from lib.preamble import begin, loaded

begin(snakemake)

from lib.steps import pick, run_step

loaded()

for i, batch in enumerate(snakemake.params.batches):
    params = snakemake.params.stage_evaluation[batch]
    run_step(
        "stage_survey.py",
        snakemake,
        rule="stage_evaluation",
        log="stage",
        index=i,
        params=params,
        wildcards={"batch": batch},
        input={"form": snakemake.input.form, "exports": [x["source"] for x in params["exports"]]},
        output={
            "staged": snakemake.output.staged[i],
            "report": snakemake.output.stage_report[i],
            "quarantine": snakemake.output.quarantine[i],
        },
    )
run_step(
    "clean_evaluation.py",
    snakemake,
    rule="clean_evaluation",
    log="clean",
    input=pick(snakemake.input, "form") | pick(snakemake.output, "staged quarantine"),
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
