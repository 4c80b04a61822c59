# Helpers shared by all rule files (the editions of the scope, raw file paths, site
# settings, the salt file, the helper modules rules declare as inputs) and the target
# lists that `rule all` collects.
#
# Rule files add their final outputs to ALL_TARGETS (and their metric stage files to
# METRIC_STAGE_FILES); the Snakefile's `rule all` builds ALL_TARGETS, and the rule
# `metrics_table` reads METRIC_STAGE_FILES through an input function, so a new stage
# only needs an `include:` line in the Snakefile.
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(workflow.basedir) / "scripts"))
from lib.batches import edition_batches  # noqa: E402
from lib.pseudonym import salt_path  # noqa: E402
from lib.errors import describe, format_message  # noqa: E402

# --------------------------------------------------------------------------- scope
SCOPE = str(config["scope"])
if SCOPE not in config["scopes"]:
    raise ValueError(
        f"config: scope {SCOPE!r} is not one of the scopes defined under `scopes`: "
        f"{', '.join(sorted(config['scopes']))}"
    )
SCOPE_CFG = config["scopes"][SCOPE]
EDITIONS = list(SCOPE_CFG["editions"])
FOLLOWUP_SURVEY = SCOPE_CFG.get("followup_survey")
for _ed in EDITIONS:
    if _ed not in config["editions"]:
        raise ValueError(
            f"config: scope {SCOPE!r} lists edition {_ed!r}, which is not defined under `editions`"
        )
    if config["editions"][_ed]["site"] not in config["sites"]:
        raise ValueError(
            f"config: edition {_ed!r} uses site {config['editions'][_ed]['site']!r}, "
            "which is not defined under `sites`"
        )
if FOLLOWUP_SURVEY is not None and FOLLOWUP_SURVEY not in config.get(
    "followup_surveys", {}
):
    raise ValueError(
        f"config: scope {SCOPE!r} names follow-up survey {FOLLOWUP_SURVEY!r}, not under `followup_surveys`"
    )

LMS_SOURCES = ["participants", "completion", "grades", "certificates"]

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
CLEANING_LOG_FILES = []  # per-chain row accounting that rule cleaning_log concatenates


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


# Helper modules, declared as named inputs of the rules that import them:
#   lib_<name>    = scripts/lib/<name>.py     (always with lib_init and lib_errors)
#   schema_<name> = schemas/<name>.py         (always with schemas_init)
def libs(*names):
    """Named inputs for helper modules, e.g. `**libs("io", "validation", "schema_lms")`."""
    # lib.errors (InputError, the one message path) is imported by most helpers
    out = {"lib_init": "scripts/lib/__init__.py", "lib_errors": "scripts/lib/errors.py"}
    for name in names:
        if name.startswith("schema_"):
            out[name] = f"schemas/{name[len('schema_'):]}.py"
            out["schemas_init"] = "schemas/__init__.py"
        else:
            out[f"lib_{name.removeprefix('lib_')}"] = (
                f"scripts/lib/{name.removeprefix('lib_')}.py"
            )
    for key, path in out.items():
        if not Path(workflow.basedir, path).is_file():
            raise ValueError(f"libs(): {key} -> {path} does not exist")
    return out


def report_raw_inputs():
    """Raw files the figures come from, hashed into the technical annex."""
    files = [f for ed in EDITIONS for src in LMS_SOURCES for f in raw_files(ed, src)]
    files += [config["paths"]["evaluation"].format(edition=ed) for ed in EDITIONS]
    files += [config["evaluation"]["form"]]
    if REPORT_HAS_FOLLOWUP:
        survey = config["followup_surveys"][FOLLOWUP_SURVEY]
        files += [survey["export"], survey["form"]]
        files += REPORT_INTERVIEWS
    return sorted(set(files)) + [
        "config.yaml",
        "resources/metric_registry.yaml",
        "results/metrics/metrics.csv",
    ]


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
