# The two documents: figures into variables, then HTML + PDF of each.
#
#   report_variables  first steps: the metric stage files -> metrics.csv + definitions.csv;
#                     the clean follow-up table -> the Box 2 quotes table; every chain's
#                     row accounting -> clean/cleaning_log.csv
#                     then metrics.csv + registry + Box 2 quotes + interview notes + claims
#                     register + dates of the clean tables
#                     -> results/report/generated/_variables.yml, the cover and the blocks
#   report            workflow/report/impact_story.qmd + figures
#                     -> results/report/impact_story.html / .pdf (the Impact Story)
#   report_variables, last step: workflow/report/technical_annex.qmd
#                     -> results/report/technical_annex.html / .pdf (definitions,
#                        denominators, rows set aside, input checksums, link to the audit)
#
# Sections fed by the follow-up survey (application, Box 2, challenges, case studies)
# are shown only when the scope has one (`scopes.<id>.followup_survey`); otherwise the
# report says why. The renderer is config `report.renderer` (auto | quarto | pandoc).
import glob

REPORT_HAS_FOLLOWUP = FOLLOWUP_SURVEY is not None
REPORT_GENERATED = {
    name: results(f"report/generated/{name}.{ext}")
    for name, ext in [
        ("scope", "yml"),
        ("cover", "yml"),
        ("box1", "md"),
        ("box2", "md"),
        ("case_studies", "md"),
        ("figure1_note", "md"),
    ]
}
# the technical annex's blocks (scope and cover are shared with the Impact Story)
ANNEX_GENERATED = {
    name: results(f"report/generated/{name}.md")
    for name in [
        "annex_metrics",
        "annex_reference",
        "annex_inputs",
        "annex_quarantine",
        "annex_comparison",
    ]
}
# the clean tables whose latest date is the cover's date of the data
REPORT_DATED = [results("clean/participants.parquet")] + (
    [results("clean/followup.parquet")] if REPORT_HAS_FOLLOWUP else []
)
REPORT_PROJECT = {
    "project": "workflow/report/_quarto.yml",
    "filters": expand(
        "workflow/report/filters/{f}.lua",
        f=["conditional", "shortcodes", "callouts", "figures"],
    ),
    "template": "workflow/report/templates/report.typst",
    "quarto_header": "workflow/report/templates/quarto-header.typ",
    "css": "workflow/report/styles/report.css",
    "cover_css": "workflow/report/styles/cover.css",
}
REPORT_FIGURES = [results("figures/figure1_world_map.png")] + (
    [
        results("figures/figure2_respondent_profile.png"),
        results("figures/application_by_group.png"),
        results("figures/topics_applied.png"),
    ]
    if REPORT_HAS_FOLLOWUP
    else []
)
REPORT_INTERVIEWS = sorted(glob.glob("raw/interviews/*.yaml"))
# rows set aside with on_invalid: quarantine (header-only files when none): the report
# says how many, and where they are listed
REPORT_QUARANTINE = (
    expand(
        results("validation/quarantine/lms/{batch}/{step}.csv"),
        batch=BATCHES,
        step=["staging", "clean"],
    )
    + expand(
        results("validation/quarantine/survey/evaluation-{batch}.csv"),
        batch=BATCHES,
    )
    + expand(
        results("validation/quarantine/survey/followup-{survey}.csv"),
        survey=FOLLOWUP_SURVEY if REPORT_HAS_FOLLOWUP else [],
    )
)


# The scope-wide tables that only feed the documents, the variables and blocks, then the
# technical annex, in one job (issue 16: each job paid ~0.4-0.7 s of start and imports):
# scripts/report_variables_annex.py runs metrics_table.py (the metric table from the
# stage files), box2_quotes.py (Box 2, with a follow-up survey), cleaning_log.py (the row
# accounting of every chain in one table), report_variables.py, then render_report.py on
# the annex, as steps (lib.steps), one log each; metrics.csv and the Box 2 table stay files
# between them. The audit reads metrics.csv from here. The Impact Story (rule `report`)
# waits for the figures and stays a job of its own.
rule report_variables:
    input:
        **REPORT_PROJECT,
        # metrics_table step
        stages=lambda wildcards: METRIC_STAGE_FILES,
        registry="resources/metric_registry.yaml",
        # box2_quotes step
        followup=[results("clean/followup.parquet")] if REPORT_HAS_FOLLOWUP else [],
        # cleaning_log step
        parts=lambda wildcards: CLEANING_LOG_FILES,
        # report_variables step (and metrics, quotes: outputs of the steps before)
        un_m49="resources/un_m49.csv",
        labels="workflow/report/labels.yml",
        followup_form=(
            [config["followup_surveys"][FOLLOWUP_SURVEY]["form"]]
            if REPORT_HAS_FOLLOWUP
            else []
        ),
        figure1_notes=[results("figures/figure1_notes.csv")],
        interviews=REPORT_INTERVIEWS,
        quarantine=REPORT_QUARANTINE,
        provenance=report_raw_inputs(),
        claims="published/claims.yaml",
        dated=REPORT_DATED,
        # report_annex step
        annex_qmd="workflow/report/technical_annex.qmd",
    output:
        # box2_quotes step (with a follow-up survey)
        **(
            {
                "quotes": report(
                    results("tables/box2_quotes.csv"),
                    caption="../report/captions/box2.rst",
                    category="Tables",
                    labels={"table": "Box 2", "type": "quotes"},
                )
            }
            if REPORT_HAS_FOLLOWUP
            else {}
        ),
        # report_variables step: the blocks of both documents
        **REPORT_GENERATED,
        **ANNEX_GENERATED,
        # metrics_table step
        metrics=results("metrics/metrics.csv"),
        definitions=results("metrics/definitions.csv"),
        # cleaning_log step
        cleaning_log=results("clean/cleaning_log.csv"),
        # report_variables step
        variables=results("report/generated/_variables.yml"),
        # report_annex step
        annex_html=report(
            results("report/technical_annex.html"),
            caption="../report/captions/technical_annex_html.rst",
            category="Report",
            labels={"document": "Technical annex", "format": "HTML"},
        ),
        annex_pdf=report(
            results("report/technical_annex.pdf"),
            caption="../report/captions/technical_annex_pdf.rst",
            category="Report",
            labels={"document": "Technical annex", "format": "PDF"},
        ),
    log:
        metrics_table=logs("metrics_table.log"),
        box2=logs("box2_quotes.log"),
        cleaning_log=logs("cleaning_log.log"),
        variables=logs("report_variables.log"),
        annex=logs("report_annex.log"),
    conda:
        "../envs/workflow.yaml"
    resources:
        # Pandoc and Typst compile the annex's HTML and PDF in this job
        mem_mb=1500,
        runtime=15,
    params:
        # metrics_table step: the stages of the scope (one per stage file), whose
        # registry metrics must all be computed
        stages=lambda wildcards: [Path(f).stem for f in METRIC_STAGE_FILES],
        # box2_quotes step
        quotes=config.get("quotes", []),
        # report_variables and report_annex steps
        renderer=config.get("report", {}).get("renderer", "auto"),
        build_dir=results("report/build/technical_annex"),
        has_followup=REPORT_HAS_FOLLOWUP,
        report_config={
            "scope": SCOPE,
            "scopes": config["scopes"],
            "languages": LANGUAGES_CFG,
            "editions": config["editions"],
            "report": config.get("report", {}),
        },
    script:
        "../../scripts/report_variables_annex.py"


rule report:
    input:
        **REPORT_PROJECT,
        qmd="workflow/report/impact_story.qmd",
        variables=rules.report_variables.output.variables,
        generated=list(REPORT_GENERATED.values()),
        figures=REPORT_FIGURES,
    output:
        html=report(
            results("report/impact_story.html"),
            caption="../report/captions/impact_story_html.rst",
            category="Report",
            labels={"document": "Impact Story", "format": "HTML"},
        ),
        pdf=report(
            results("report/impact_story.pdf"),
            caption="../report/captions/impact_story_pdf.rst",
            category="Report",
            labels={"document": "Impact Story", "format": "PDF"},
        ),
    log:
        logs("report.log"),
    conda:
        "../envs/workflow.yaml"
    resources:
        # Pandoc and Typst compile the HTML and the PDF in this job
        mem_mb=1500,
        runtime=15,
    params:
        renderer=config.get("report", {}).get("renderer", "auto"),
        build_dir=results("report/build/impact_story"),
    script:
        "../../scripts/render_report.py"


ALL_TARGETS.extend(
    [
        results("report/impact_story.html"),
        results("report/impact_story.pdf"),
        results("report/technical_annex.html"),
        results("report/technical_annex.pdf"),
    ]
)
