# Survey figures (Figure 2, topics applied, application rate by group) and the Box 2
# quotes table, from the application metrics and the clean follow-up table.

if SURVEY_CFG:

    # The three figures in one job (issue 16: each paid ~0.8 s of matplotlib and seaborn
    # imports as a job of its own): scripts/figures_survey.py runs the three figure
    # scripts as steps (lib.steps), each with its own log.
    rule figures_survey:
        input:
            **FOLLOWUP_FORM,
            metrics=results("metrics/application.csv"),
        output:
            respondent_profile_png=report(
                results("figures/figure2_respondent_profile.png"),
                caption="../report/captions/figure2.rst",
                category="Figures",
                labels={"figure": "Figure 2", "type": "respondent profile"},
            ),
            respondent_profile_svg=results("figures/figure2_respondent_profile.svg"),
            topics_applied_png=report(
                results("figures/topics_applied.png"),
                caption="../report/captions/topics.rst",
                category="Figures",
                labels={"figure": "Topics applied", "type": "application"},
            ),
            topics_applied_svg=results("figures/topics_applied.svg"),
            application_by_group_png=report(
                results("figures/application_by_group.png"),
                caption="../report/captions/application_groups.rst",
                category="Figures",
                labels={"figure": "Application by group", "type": "application"},
            ),
            application_by_group_svg=results("figures/application_by_group.svg"),
        log:
            respondent_profile=logs("figure_respondent_profile.log"),
            topics_applied=logs("figure_topics_applied.log"),
            application_by_group=logs("figure_application_by_group.log"),
        conda:
            "../envs/workflow.yaml"
        script:
            "../../scripts/figures_survey.py"

    # Box 2 (scripts/box2_quotes.py) is a step of the job report_variables (report.smk),
    # its only reader.
    ALL_TARGETS.extend(
        [
            results("figures/figure2_respondent_profile.png"),
            results("figures/figure2_respondent_profile.svg"),
            results("figures/topics_applied.png"),
            results("figures/topics_applied.svg"),
            results("figures/application_by_group.png"),
            results("figures/application_by_group.svg"),
            results("tables/box2_quotes.csv"),
        ]
    )
