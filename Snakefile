# impact-story-workflow: regenerates the UNITAR-UNCTAD Impact Story on the e-learning
# course "Entrepreneurship for migrants and refugees" from raw Moodle and survey exports.
#
#   make run                      # the published 2020 scope
#   make run SCOPE=2021           # same chain over the 2021 editions
#   snakemake --cores 2 --config scope=2021
#
# Stages (one rule file each, see docs/architecture.md): stage_* (read + validate raw
# exports) -> clean_* (harmonise, deduplicate, pseudonymise) -> metrics_* -> figures ->
# report. Each rule file appends its final outputs to ALL_TARGETS (common.smk).
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config.yaml"


# `--config scope=2021` arrives as an integer: scope ids are strings.
config["scope"] = str(config.get("scope", "2020"))


validate(config, "schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/stage_lms.smk"
include: "workflow/rules/clean_lms.smk"
include: "workflow/rules/survey.smk"
include: "workflow/rules/figures_survey.smk"
include: "workflow/rules/metrics.smk"
include: "workflow/rules/figures_map.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/audit.smk"


rule all:
    default_target: True
    input:
        ALL_TARGETS,


# the project modules each rule's script imports become inputs of its rule (common.smk)
declare_script_imports()
