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
import gc
import os
import sys
from pathlib import Path

from snakemake.utils import min_version, validate

min_version("9.0")

# Snakemake, and below the workflow's own modules, leave ~10^5 long-lived objects that
# every garbage collection (and the last one at exit) would walk again: the collector is
# off while the workflow loads, and what is loaded by then is frozen out of its work at
# the end of this file (gc.freeze): ~0.3 s of CPU of every run, a no-op's included
# (issue 16, docs/benchmarks.md). Nothing that would be freed is kept.
gc.disable()

# Before Snakemake reads config.yaml (scripts/lib/config_check.py): a YAML syntax error or a
# key given twice is reported with file and line, and after the merge an unknown key with
# its place and the nearest valid key; each stops as a message (SystemExit: no traceback).
sys.path.insert(0, str(Path(workflow.basedir) / "scripts"))
from lib.config_check import ConfigError, check_config, check_yaml_file  # noqa: E402

CONFIG_FILES = [
    Path(os.path.relpath(f)) if Path(f).is_relative_to(Path.cwd()) else Path(f)
    for f in ["config.yaml", *workflow.overwrite_configfiles]
]
try:
    for _file in CONFIG_FILES:
        if _file.is_file():
            check_yaml_file(_file)
except ConfigError as err:
    raise SystemExit(str(err)) from None


configfile: "config.yaml"


# `--config scope=2021` arrives as an integer: scope ids are strings.
config["scope"] = str(config.get("scope", "2020"))

try:
    check_config(
        config,
        Path(workflow.basedir) / "schemas/config.schema.yaml",
        CONFIG_FILES,
        command_line=workflow.config_settings.config,
    )
except ConfigError as err:
    raise SystemExit(str(err)) from None
# Snakemake's own validation fills in the schema's defaults
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

gc.freeze()
gc.enable()
