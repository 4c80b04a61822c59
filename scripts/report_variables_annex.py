"""The report's variables and blocks, then the technical annex, in one job:
report_variables.py, then render_report.py on the annex (whose inputs are only the
project files and what report_variables just wrote), unchanged, as two steps
(lib.steps), each with its own log. The Impact Story itself (rule `report`) waits for
the figures and stays a job of its own."""

from lib.preamble import begin

begin(snakemake)

from lib.steps import pick, run_step

ANNEX = "annex_qmd annex_html annex_pdf".split()
PROJECT = "project filters template quarto_header css cover_css"

run_step(
    "report_variables.py",
    snakemake,
    rule="report_variables",
    log="variables",
    input={k: v for k, v in snakemake.input.items() if k not in ANNEX and k not in PROJECT.split()},
    output={k: v for k, v in snakemake.output.items() if k not in ANNEX},
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
