# Helpers shared by all rule files (the editions of the scope, raw file paths, site
# settings, the salt file, the helper modules each rule's script imports) and the target
# lists that `rule all` collects.
#
# Rule files add their final outputs to ALL_TARGETS (and their metric stage files to
# METRIC_STAGE_FILES); the Snakefile's `rule all` builds ALL_TARGETS, and the job
# `report_variables` (its step `metrics_table`) reads METRIC_STAGE_FILES through an input
# function, so a new stage only needs an `include:` line in the Snakefile.
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(workflow.basedir) / "scripts"))
from lib.batches import edition_batches  # noqa: E402
from lib.errors import describe, format_message  # noqa: E402
from lib.imports import ImportGraph, import_closure  # noqa: E402
from lib.pseudonym import SaltError, check_salt, salt_path  # noqa: E402
from lib.vocabulary import LMS_SOURCES, config_problems  # noqa: E402

# --------------------------------------------------------------------------- scope
SCOPE = str(config["scope"])
# cross-references the schema cannot check: a message each, no traceback (SystemExit)
if SCOPE not in config["scopes"]:
    raise SystemExit(
        f"config: scope {SCOPE!r} is not one of the scopes defined under `scopes`: "
        f"{', '.join(sorted(config['scopes']))}; nothing was run. Name one of them "
        "(`scope:` in config.yaml or --config scope=...) or add it under `scopes`."
    )
SCOPE_CFG = config["scopes"][SCOPE]


# Every output of a scope is under results/<scope>/ and its logs under logs/<scope>/, so
# the runs of two scopes (make run SCOPE=2021) sit side by side instead of replacing each
# other. The staging layer under private/staging/ is per batch of editions, not per scope.
def results(path):
    """The path of a scope's output, e.g. results("metrics/metrics.csv")."""
    return f"results/{SCOPE}/{path}"


def logs(path):
    """The path of a scope's log, e.g. logs("metrics_table.log")."""
    return f"logs/{SCOPE}/{path}"


EDITIONS = list(SCOPE_CFG["editions"])
FOLLOWUP_SURVEY = SCOPE_CFG.get("followup_survey")
for _ed in EDITIONS:
    if _ed not in config["editions"]:
        raise SystemExit(
            f"config: scope {SCOPE!r} lists edition {_ed!r}, which is not defined under `editions`; "
            "nothing was run. Correct the id in `scopes` or add the edition under `editions`."
        )
    if config["editions"][_ed]["site"] not in config["sites"]:
        raise SystemExit(
            f"config: edition {_ed!r} uses site {config['editions'][_ed]['site']!r}, "
            "which is not defined under `sites`; nothing was run. Correct the site or add "
            "its preset under `sites`."
        )
if FOLLOWUP_SURVEY is not None and FOLLOWUP_SURVEY not in config.get(
    "followup_surveys", {}
):
    raise SystemExit(
        f"config: scope {SCOPE!r} names follow-up survey {FOLLOWUP_SURVEY!r}, not under "
        "`followup_surveys`; nothing was run. Correct the id or add the survey."
    )

# every language a site, edition or survey uses is declared under `languages`
if config_problems(config):
    raise ValueError("\n".join(config_problems(config)))
# the languages section, a param of every rule whose script reads the vocabulary
LANGUAGES_CFG = config["languages"]

# Batches of editions (one site each): the unit of the per-edition jobs, see
# `performance.max_edition_batches` in config.yaml and scripts/lib/batches.py. With the
# default data every edition is its own batch, named after it.
BATCHES = edition_batches(
    EDITIONS,
    {e: config["editions"][e]["site"] for e in EDITIONS},
    config.get("performance", {}).get("max_edition_batches", 16),
)
# ... and every configured edition outside the scope as a batch of its own, so that its
# files can still be built on request (e.g. a single edition's staging table)
BATCH_EDITIONS = BATCHES | {e: [e] for e in config["editions"] if e not in EDITIONS}


wildcard_constraints:
    edition="|".join(sorted(config["editions"])) or "[^/]+",
    batch="|".join(sorted(BATCH_EDITIONS, key=len, reverse=True)) or "[^/]+",
    source="|".join(LMS_SOURCES),


# --------------------------------------------------------------------------- targets
ALL_TARGETS = []  # final outputs of every stage (rule all)
METRIC_STAGE_FILES = []  # results/metrics/<stage>.csv files metrics_table assembles
CLEANING_LOG_FILES = []  # per-chain row accounting the step cleaning_log concatenates


# --------------------------------------------------------------------------- helpers
def edition_cfg(edition):
    """The config entry of an edition (year, language, site, start, files)."""
    return config["editions"][edition]


def site_cfg(edition):
    """The LMS site settings (dialect, headers, labels) of an edition."""
    return config["sites"][edition_cfg(edition)["site"]]


def raw_path(edition, source):
    """Path of a raw export of an edition: `editions.<id>.files.<source>` or the `paths`
    pattern. For `certificates` a map certificate type -> file (one mod_customcert report
    per certificate activity): `editions.<id>.certificates`, else the `paths` patterns.
    """
    files = edition_cfg(edition).get("files") or {}
    if source == "certificates":
        mapping = edition_cfg(edition).get("certificates") or config["paths"][source]
        return {k: v.format(edition=edition) for k, v in sorted(mapping.items())}
    if source in files:
        return files[source]
    return config["paths"][source].format(edition=edition)


def raw_files(edition, source):
    """The raw file(s) of an export as a list (several for certificates)."""
    path = raw_path(edition, source)
    return list(path.values()) if isinstance(path, dict) else [path]


def lms_raw_inputs(wildcards):
    """The exports of every edition of a batch, e.g. participants: [file, ...]."""
    eds = BATCH_EDITIONS[wildcards.batch]
    return {
        source: [f for e in eds for f in raw_files(e, source)] for source in LMS_SOURCES
    }


def batch_editions(wildcards):
    """The editions of a batch with their settings and raw files (a param of the batch jobs)."""
    return [
        {
            "id": e,
            **edition_cfg(e),
            "files": {s: raw_path(e, s) for s in [*LMS_SOURCES, "evaluation"]},
        }
        for e in BATCH_EDITIONS[wildcards.batch]
    ]


def site_params(wildcards):
    """Everything stage_lms needs to read a batch's exports (one site; tracked as a param):
    the site's language-pack preset and how each Moodle export type is written."""
    site_id = edition_cfg(BATCH_EDITIONS[wildcards.batch][0])["site"]
    site = config["sites"][site_id]
    exports = config["moodle_exports"]
    langconfig = site.get("langconfig", {})

    def date_format(source):
        fmt = exports[source].get("dates")
        return langconfig.get(fmt, fmt) if fmt else None

    return {
        "site": site_id,
        "language_pack": site.get("language_pack", site_id),
        "exports": {
            source: {
                "delimiter": exports[source].get("delimiter", ","),
                "encoding": exports[source].get("encoding", "utf-8-sig"),
                "date_format": date_format(source),
            }
            for source in LMS_SOURCES
        },
        "missing_grade": exports["grades"].get("missing_grade", "-"),
        "headers": site["headers"],
        "grade_items": site["grade_items"],
        "labels": site["labels"],
        "grade_max": config["certificates"].get("grade_max", {}),
    }


# The salt file: $IMPACT_STORY_SALT_FILE wins over privacy.salt_file. It is a rule input
# (never a param), so a new salt reruns the chain and its content stays out of the records.
SALT_FILE = salt_path(
    config.get("privacy", {}).get("salt_file", "resources/demo-salt.txt")
)
# Checked before anything runs (lib/pseudonym.py check_salt): a salt file of the wrong form
# stops, and so does the public demo salt unless every export whose e-mails it keys is a
# file of the shipped synthetic data (raw/SHA256SUMS) or privacy.allow_demo_salt is true.
try:
    check_salt(
        SALT_FILE,
        [f for ed in config["editions"] for s in LMS_SOURCES for f in raw_files(ed, s)]
        + [s["export"] for s in config.get("followup_surveys", {}).values()],
        allow_demo=config.get("privacy", {}).get("allow_demo_salt", False),
    )
except SaltError as err:
    raise SystemExit(str(err)) from None


# Helper modules: every project module a rule's script imports (scripts/lib/*.py,
# schemas/*.py and their __init__.py, directly or through each other; lib/imports.py) is
# an input of the rule, named `script_imports`, so that a change to a helper reruns
# exactly the rules whose scripts use it. Rules do not list them: the Snakefile calls
# this once, after every rule file is included.
# Each file's direct imports are kept between runs in .snakemake/ (keyed by content).
def declare_script_imports():
    """Add the import closure of each rule's `script:` to the rule's inputs."""
    root = Path(workflow.basedir)
    graph = ImportGraph(root, Path(".snakemake/import_closures.json"))
    for scripted in workflow.rules:
        if scripted.script is None:
            continue
        script = Path(
            scripted.basedir.get_path_or_uri(secret_free=True), scripted.script
        )
        if scripted.input_modifier is None:  # no `input` section in the rule
            scripted.input_modifier = workflow.modifier.path_modifier
        scripted.set_input(
            script_imports=[
                os.path.relpath(root / path)
                for path in import_closure(script, root, graph)
            ]
        )
    graph.save()


def report_raw_inputs():
    """Raw files the figures come from and the files that configure the run, hashed into
    the technical annex (with metrics.csv, which the job report_variables writes itself).
    """
    files = [f for ed in EDITIONS for src in LMS_SOURCES for f in raw_files(ed, src)]
    files += [config["paths"]["evaluation"].format(edition=ed) for ed in EDITIONS]
    files += [config["evaluation"]["form"]]
    if REPORT_HAS_FOLLOWUP:
        survey = config["followup_surveys"][FOLLOWUP_SURVEY]
        files += [survey["export"], survey["form"]]
        files += REPORT_INTERVIEWS
    return sorted(set(files)) + ["config.yaml", "resources/metric_registry.yaml"]


def git_state():
    """(commit, dirty) of the checkout, or (None, None) outside a git repository."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        )
        status = subprocess.run(
            ["git", "status", "--porcelain"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None, None
    return commit.stdout.strip(), bool(status.stdout.strip())
