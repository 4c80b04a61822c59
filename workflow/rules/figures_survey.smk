# Survey figures (Figure 2, topics applied, application rate by group) and the Box 2
# quotes table, from the application metrics and the clean follow-up table.

if SURVEY_CFG:

    rule figure_respondent_profile:
        input:
            **FOLLOWUP_FORM,
            metrics=results("metrics/application.csv"),
        output:
            png=report(
                results("figures/figure2_respondent_profile.png"),
                caption="../report/captions/figure2.rst",
                category="Figures",
                labels={"figure": "Figure 2", "type": "respondent profile"},
            ),
            svg=results("figures/figure2_respondent_profile.svg"),
        log:
            logs("figure_respondent_profile.log"),
        conda:
            "../envs/workflow.yaml"
        script:
            "../../scripts/figure_respondent_profile.py"

    rule figure_topics_applied:
        input:
            **FOLLOWUP_FORM,
            metrics=results("metrics/application.csv"),
        output:
            png=report(
                results("figures/topics_applied.png"),
                caption="../report/captions/topics.rst",
                category="Figures",
                labels={"figure": "Topics applied", "type": "application"},
            ),
            svg=results("figures/topics_applied.svg"),
        log:
            logs("figure_topics_applied.log"),
        conda:
            "../envs/workflow.yaml"
        script:
            "../../scripts/figure_topics_applied.py"

    rule figure_application_by_group:
        input:
            **FOLLOWUP_FORM,
            metrics=results("metrics/application.csv"),
        output:
            png=report(
                results("figures/application_by_group.png"),
                caption="../report/captions/application_groups.rst",
                category="Figures",
                labels={"figure": "Application by group", "type": "application"},
            ),
            svg=results("figures/application_by_group.svg"),
        log:
            logs("figure_application_by_group.log"),
        conda:
            "../envs/workflow.yaml"
        script:
            "../../scripts/figure_application_by_group.py"

    rule box2_quotes:
        input:
            **FOLLOWUP_FORM,
            followup=results("clean/followup.parquet"),
            un_m49="resources/un_m49.csv",
        output:
            quotes=report(
                results("tables/box2_quotes.csv"),
                caption="../report/captions/box2.rst",
                category="Tables",
                labels={"table": "Box 2", "type": "quotes"},
            ),
        log:
            logs("box2_quotes.log"),
        conda:
            "../envs/workflow.yaml"
        params:
            quotes=config.get("quotes", []),
        script:
            "../../scripts/box2_quotes.py"

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
