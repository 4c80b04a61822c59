# The two documents: figures into variables, then HTML + PDF of each.
#
#   report_variables  metrics.csv + registry + Box 2 quotes + interview notes + claims
#                     register + dates of the clean tables
#                     -> results/report/generated/_variables.yml, the cover and the blocks
#   report            workflow/report/impact_story.qmd + figures
#                     -> results/report/impact_story.html / .pdf (the Impact Story)
#   report_variables, second step: workflow/report/technical_annex.qmd
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


# The variables and blocks, then the technical annex, in one job (issue 16: the annex
# reads only what report_variables writes, and a job of its own paid ~0.4 s of start):
# scripts/report_variables_annex.py runs report_variables.py, then render_report.py on
# the annex, as two steps (lib.steps), two logs. The Impact Story (rule `report`) waits
# for the figures and stays a job of its own.
rule report_variables:
    input:
        **REPORT_PROJECT,
        metrics=results("metrics/metrics.csv"),
        registry="resources/metric_registry.yaml",
        un_m49="resources/un_m49.csv",
        labels="workflow/report/labels.yml",
        followup_form=(
            [config["followup_surveys"][FOLLOWUP_SURVEY]["form"]]
            if REPORT_HAS_FOLLOWUP
            else []
        ),
        quotes=[results("tables/box2_quotes.csv")] if REPORT_HAS_FOLLOWUP else [],
        figure1_notes=[results("figures/figure1_notes.csv")],
        interviews=REPORT_INTERVIEWS,
        quarantine=REPORT_QUARANTINE,
        provenance=report_raw_inputs(),
        claims="published/claims.yaml",
        dated=REPORT_DATED,
        # report_annex step
        annex_qmd="workflow/report/technical_annex.qmd",
    output:
        **REPORT_GENERATED,
        **ANNEX_GENERATED,
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
        variables=logs("report_variables.log"),
        annex=logs("report_annex.log"),
    conda:
        "../envs/workflow.yaml"
    resources:
        # Pandoc and Typst compile the annex's HTML and PDF in this job
        mem_mb=1500,
        runtime=15,
    params:
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
