"""Staging and cleaning of one batch of editions, in one job: stage_lms.py then
clean_lms.py, unchanged, as two steps (lib.steps). The staging tables stay files
(private/staging/lms/<batch>/, the layer between the two) and each step keeps its own
log and validation reports; only the interpreter start and imports are shared."""

from lib.preamble import begin, loaded

begin(snakemake)

from lib.steps import pick, run_step

loaded()

run_step(
    "stage_lms.py",
    snakemake,
    rule="stage_lms",
    log="stage",
    input=pick(snakemake.input, "participants completion grades certificates"),
    output=pick(snakemake.output, "staging reports quarantine counts"),
)
run_step(
    "clean_lms.py",
    snakemake,
    rule="clean_lms",
    log="clean",
    input={
        "staging": snakemake.output.staging,
        "staging_counts": snakemake.output.counts,
        **pick(snakemake.input, "aliases moodle_countries salt"),
    },
    output={
        **pick(snakemake.output, "participants log_rows report layer_report"),
        "quarantine": snakemake.output.clean_quarantine,
    },
)
