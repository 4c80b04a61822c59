"""The scope-wide tables that only feed the documents, the report's variables and blocks,
then the technical annex, in one job: metrics_table.py (the metric table from the stage
files), box2_quotes.py (with a follow-up survey), cleaning_log.py (every chain's row
accounting in one table), report_variables.py (on the metric table and the Box 2 table
the steps before wrote), then render_report.py on the annex (whose inputs are only the
project files and what report_variables just wrote), unchanged, as steps (lib.steps),
each with its own log. The Impact Story itself (rule `report`) waits for the figures and
stays a job of its own."""

from lib.preamble import begin, loaded

begin(snakemake)

from lib.steps import pick, run_step

loaded()

# the inputs and outputs of the steps other than report_variables
TABLES_IN = "stages followup parts".split()
TABLES_OUT = "metrics definitions quotes cleaning_log".split()
ANNEX = "annex_qmd annex_html annex_pdf".split()
PROJECT = "project filters template quarto_header css cover_css"
has_followup = bool(snakemake.params.has_followup)

run_step(
    "metrics_table.py",
    snakemake,
    rule="metrics_table",
    log="metrics_table",
    input=pick(snakemake.input, "stages registry"),
    output=pick(snakemake.output, "metrics definitions"),
)
if has_followup:
    run_step(
        "box2_quotes.py",
        snakemake,
        rule="box2_quotes",
        log="box2",
        input={"form": snakemake.input.followup_form[0], "followup": snakemake.input.followup[0], **pick(snakemake.input, "un_m49")},
        output=pick(snakemake.output, "quotes"),
    )
run_step(
    "cleaning_log.py",
    snakemake,
    rule="cleaning_log",
    log="cleaning_log",
    input=pick(snakemake.input, "parts"),
    output=pick(snakemake.output, "cleaning_log"),
)
run_step(
    "report_variables.py",
    snakemake,
    rule="report_variables",
    log="variables",
    input={
        **{k: v for k, v in snakemake.input.items() if k not in TABLES_IN + ANNEX + PROJECT.split()},
        "metrics": snakemake.output.metrics,
        "quotes": [snakemake.output.quotes] if has_followup else [],
        # hashed into the annex with the raw inputs, metrics.csv (this job's) last
        "provenance": [*snakemake.input.provenance, snakemake.output.metrics],
    },
    output={k: v for k, v in snakemake.output.items() if k not in TABLES_OUT + ANNEX},
)
run_step(
    "render_report.py",
    snakemake,
    rule="report_annex",
    log="annex",
    input={
        **pick(snakemake.input, PROJECT),
        "qmd": snakemake.input.annex_qmd,
        "variables": snakemake.output.variables,
        "generated": list(
            pick(snakemake.output, "scope cover annex_metrics annex_reference annex_inputs annex_quarantine annex_comparison").values()
        ),
        "figures": [],
    },
    output={"html": snakemake.output.annex_html, "pdf": snakemake.output.annex_pdf},
)
