# Survey chain: end-of-course evaluations (reaction) and the follow-up survey
# (application), from the raw exports through their codebooks (XLSForms) to clean tables
# and metrics. Figures and Box 2 are in figures_survey.smk.

EVALUATION_CFG = config["evaluation"]
EVALUATION_FORM = {"form": EVALUATION_CFG["form"]}
SURVEY_CFG = config["followup_surveys"][FOLLOWUP_SURVEY] if FOLLOWUP_SURVEY else None
FOLLOWUP_FORM = {"form": SURVEY_CFG["form"]} if SURVEY_CFG else {}


# Staging, cleaning and the reaction metrics of the evaluations in one job (issue 16: a
# job of its own paid ~0.5-0.7 s of interpreter start and imports, and the staging was one
# job per batch): scripts/stage_clean_metrics_reaction.py runs stage_survey.py once per
# batch (step `stage_evaluation`), then clean_evaluation.py and metrics_reaction.py, as
# steps (lib.steps), one log each. The staging and clean tables stay files between the
# steps. A changed evaluation export of one edition restages every batch's exports
# (~0.2 s each; docs/benchmarks.md, "Lineage given up").
rule stage_clean_metrics_reaction:
    input:
        **EVALUATION_FORM,
        exports=[raw_path(e, "evaluation") for e in EDITIONS],
        registry="resources/metric_registry.yaml",
    output:
        # stage_evaluation steps (one per batch)
        staged=expand("private/staging/evaluation/{batch}.parquet", batch=BATCHES),
        stage_report=expand(
            results("validation/survey/evaluation-{batch}.csv"), batch=BATCHES
        ),
        quarantine=expand(
            results("validation/quarantine/survey/evaluation-{batch}.csv"),
            batch=BATCHES,
        ),
        # clean_evaluation step
        clean=expand(
            results("clean/editions/{batch}/evaluation.parquet"), batch=BATCHES
        ),
        report=results("validation/survey/evaluation-clean.csv"),
        cleaning_log=results("clean/cleaning_log_evaluation.csv"),
        # metrics_reaction step
        metrics=results("metrics/reaction.csv"),
        evidence=results("metrics/evidence/reaction.parquet"),
    log:
        stage=expand(logs("stage_evaluation/{batch}.log"), batch=BATCHES),
        clean=logs("clean_evaluation.log"),
        metrics=logs("metrics_reaction.log"),
    conda:
        "../envs/workflow.yaml"
    resources:
        # the editions' evaluation exports, one batch at a time: ~160 MB peak for one
        # edition, seconds (docs/cluster.md)
        mem_mb=lambda wc, input: int(min(400 + 50 * input.size_mb, 16000)),
        runtime=lambda wc, input: max(2, int(input.size_mb)),
    params:
        # stage_evaluation steps, each with its batch's own (as the per-batch rule had
        # them): the evaluation export of an edition is Moodle's feedback anonymous
        # download (comma-separated, with a BOM, whatever the site), in the edition's
        # language
        stage_evaluation={
            batch: {
                "exports": [
                    {
                        "source": raw_path(e, "evaluation"),
                        "language": edition_cfg(e)["language"],
                        "response_number": EVALUATION_CFG["response_number"][
                            edition_cfg(e)["language"]
                        ],
                        "edition": e,
                    }
                    for e in editions
                ],
                "instrument": "evaluation",
                "kind": "feedback",
                "vocabulary": LANGUAGES_CFG,
                "email_question": None,
                "languages": sorted({edition_cfg(e)["language"] for e in editions}),
                "on_invalid": config.get("on_invalid", "stop"),
                "max_quarantined_share": config.get("validation", {}).get(
                    "max_quarantined_share"
                ),
            }
            for batch, editions in BATCHES.items()
        },
        # clean_evaluation and metrics_reaction steps
        batches=BATCHES,
        editions=EDITIONS,
        sources={e: raw_path(e, "evaluation") for e in EDITIONS},
        languages={e: edition_cfg(e)["language"] for e in EDITIONS},
        vocabulary=LANGUAGES_CFG,
    script:
        "../../scripts/stage_clean_metrics_reaction.py"


# The follow-up survey's staging runs as the first step of the job that cleans it and
# computes the application metrics (stage_clean_metrics_application, below).


METRIC_STAGE_FILES.append(results("metrics/reaction.csv"))
CLEANING_LOG_FILES.append(results("clean/cleaning_log_evaluation.csv"))
ALL_TARGETS.extend(
    [results("metrics/reaction.csv"), results("clean/cleaning_log_evaluation.csv")]
)

if SURVEY_CFG:
    SURVEY_EDITIONS = list(SURVEY_CFG["editions"])

    # Staging, cleaning and the application metrics of the follow-up survey in one job
    # (issue 16: a job of its own paid ~0.5 s of interpreter start and imports):
    # scripts/stage_clean_metrics_application.py runs stage_survey.py, clean_followup.py
    # and metrics_application.py as three steps (lib.steps), three logs; the staging and
    # clean tables stay files between them (Box 2 reads the clean one too).
    rule stage_clean_metrics_application:
        input:
            **FOLLOWUP_FORM,
            export=SURVEY_CFG["export"],
            participants=results("clean/participants.parquet"),
            salt=SALT_FILE,
            aliases="resources/country_aliases.csv",
            moodle_countries="resources/moodle_countries.csv",
            registry="resources/metric_registry.yaml",
        output:
            # stage_followup step
            staged=f"private/staging/survey/followup-{FOLLOWUP_SURVEY}.parquet",
            stage_report=results(f"validation/survey/followup-{FOLLOWUP_SURVEY}.csv"),
            quarantine=results(
                f"validation/quarantine/survey/followup-{FOLLOWUP_SURVEY}.csv"
            ),
            # clean_followup step
            clean=results("clean/followup.parquet"),
            report=results("validation/survey/followup-clean.csv"),
            cleaning_log=results("clean/cleaning_log_followup.csv"),
            # metrics_application step
            metrics=results("metrics/application.csv"),
            evidence=results("metrics/evidence/application.parquet"),
        log:
            stage=logs(f"stage_followup/{FOLLOWUP_SURVEY}.log"),
            clean=logs("clean_followup.log"),
            metrics=logs("metrics_application.log"),
        conda:
            "../envs/workflow.yaml"
        resources:
            # memory grows with participants and responses (evidence rows): ~830 MB
            # peak at 100,000 participants (~5 MB of input, docs/benchmarks.md); about
            # 70 % headroom, doubled on a retry after an out-of-memory kill
            # (--retries 1), capped at 64 GB
            mem_mb=lambda wc, input, attempt: int(
                min((400 + 200 * input.size_mb) * attempt, 64000)
            ),
            runtime=lambda wc, input, attempt: max(10, int(8 * input.size_mb)) * attempt,
        params:
            # stage_followup step (stage_survey.py)
            exports=[
                {
                    "source": SURVEY_CFG["export"],
                    "date_format": SURVEY_CFG.get("date_format", "%Y-%m-%dT%H:%M:%S"),
                    "language_question": SURVEY_CFG.get(
                        "language_question", "form_language"
                    ),
                }
            ],
            instrument="followup",
            kind="kobo",
            languages=SURVEY_CFG["languages"],
            on_invalid=config.get("on_invalid", "stop"),
            max_quarantined_share=config.get("validation", {}).get(
                "max_quarantined_share"
            ),
            # clean_followup and metrics_application steps
            source=lambda w, input: input.export,
            export=lambda w, input: input.export,  # named when no response is left
            email_question=SURVEY_CFG.get("email_question", "email"),
            language_question=SURVEY_CFG.get("language_question", "form_language"),
            survey=FOLLOWUP_SURVEY,
            editions=SURVEY_EDITIONS,
            edition_language={e: edition_cfg(e)["language"] for e in SURVEY_EDITIONS},
            vocabulary=LANGUAGES_CFG,
        script:
            "../../scripts/stage_clean_metrics_application.py"

    METRIC_STAGE_FILES.append(results("metrics/application.csv"))
    CLEANING_LOG_FILES.append(results("clean/cleaning_log_followup.csv"))
    ALL_TARGETS.extend(
        [
            results("metrics/application.csv"),
            results("clean/cleaning_log_followup.csv"),
        ]
    )
