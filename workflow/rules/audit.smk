# The auditor's path (`make audit`): raw checksums first, then the claims register
# checked claim by claim against the metrics, row-level evidence per metric, the run's
# Workflow Run RO-Crate, and last a verdict that fails when any claim `differs`.
# `make audit` runs audit_checksums alone first (forced), then the target `audit`.
from datetime import datetime, timezone

import yaml

RAW_DIR = "raw"
RAW_SUMS = f"{RAW_DIR}/SHA256SUMS"
RAW_FILES = sorted(p.as_posix() for p in Path(RAW_DIR).rglob("*") if p.is_file())
REGISTRY_FILE = "resources/metric_registry.yaml"
try:
    with open(REGISTRY_FILE, encoding="utf-8") as _fh:
        # libyaml's C loader when available: parsed on every invocation, no-op reruns included
        METRIC_IDS = [
            m["id"]
            for m in yaml.load(
                _fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            )["metrics"]
        ]
except (yaml.YAMLError, KeyError, TypeError, AttributeError) as _err:
    # a plain SystemExit: Snakemake prints the message alone (lib.errors)
    raise SystemExit(
        format_message(
            REGISTRY_FILE,
            describe(_err),
            todo="fix the entry (see the field list at the top of the file)",
        )
    ) from None
# the metric stages of the scope: those whose stage table the rule files registered
# (metrics.smk, survey.smk; audit.smk is included after them)
METRIC_STAGES = [Path(f).stem for f in METRIC_STAGE_FILES]
# the languages the follow-up survey was offered in (its XLSForm's label languages)
SURVEY_LANGUAGES = (
    sorted(config["followup_surveys"][FOLLOWUP_SURVEY]["languages"])
    if FOLLOWUP_SURVEY is not None
    else []
)
SNAKEFILE = Path(os.path.relpath(workflow.main_snakefile)).as_posix()
WORKFLOW_FILES = sorted(
    {SNAKEFILE}
    | {
        p.as_posix()
        for p in Path("workflow").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    | {p.as_posix() for d in ("scripts", "schemas") for p in Path(d).rglob("*.py")}
)
# the salt stays out: not even its checksum is recorded
CONFIG_FILES = sorted(
    {"config.yaml", "published/claims.yaml"}
    | (
        {p.as_posix() for p in Path("resources").rglob("*") if p.is_file()}
        - {Path(SALT_FILE).as_posix()}
    )
)
REPORT_FILES = [
    results(f"report/{doc}.{ext}")
    for doc in ("impact_story", "technical_annex")
    for ext in ("html", "pdf")
]


GIT_COMMIT, GIT_DIRTY = git_state()

# The RO-Crate's one date (its datePublished), pinned so that two runs of a commit write
# the same bytes: $SOURCE_DATE_EPOCH when set (the reproducible-builds convention), else
# the commit's date, else 1970-01-01 (no git checkout).
_epoch = os.environ.get("SOURCE_DATE_EPOCH")
if _epoch is None and GIT_COMMIT is not None:
    _epoch = subprocess.run(
        ["git", "log", "-1", "--format=%ct", GIT_COMMIT], capture_output=True, text=True
    ).stdout.strip()
CRATE_DATE = datetime.fromtimestamp(int(_epoch or 0), timezone.utc).isoformat()


rule audit_checksums:
    input:
        sums=RAW_SUMS,
        raw=RAW_FILES,
    output:
        checked=results("audit/raw_checksums.csv"),
    log:
        logs("audit/audit_checksums.log"),
    conda:
        "../envs/workflow.yaml"
    params:
        ignore=["README.md"],
    script:
        "../../scripts/audit_checksums.py"


rule audit_claims:
    input:
        checked=results("audit/raw_checksums.csv"),
        claims="published/claims.yaml",
        metrics=results("metrics/metrics.csv"),
        registry=REGISTRY_FILE,
        interviews=sorted(str(p) for p in Path(RAW_DIR, "interviews").glob("*.yaml")),
    output:
        csv=results("audit/claims.csv"),
        html=report(
            results("audit/claims.html"),
            caption="../report/captions/claims.rst",
            category="Audit",
        ),
    log:
        logs("audit/audit_claims.log"),
    conda:
        "../envs/workflow.yaml"
    params:
        editions=config["editions"],
        survey_forms=SURVEY_LANGUAGES,
    script:
        "../../scripts/audit_claims.py"


rule audit_evidence:
    input:
        checked=results("audit/raw_checksums.csv"),
        evidence=expand(
            results("metrics/evidence/{stage}.parquet"), stage=METRIC_STAGES
        ),
        metrics=results("metrics/metrics.csv"),
        registry=REGISTRY_FILE,
    output:
        per_metric=expand(results("audit/evidence/{metric}.csv"), metric=METRIC_IDS),
        recount=results("audit/evidence_recount.csv"),
    log:
        logs("audit/audit_evidence.log"),
    conda:
        "../envs/workflow.yaml"
    script:
        "../../scripts/audit_evidence.py"


rule provenance_crate:
    input:
        snakefile=SNAKEFILE,
        workflow=WORKFLOW_FILES,
        config=CONFIG_FILES,
        raw=RAW_FILES,
        claims=results("audit/claims.csv"),
        claims_html=results("audit/claims.html"),
        evidence=results("audit/evidence_recount.csv"),
        report=REPORT_FILES,
        # every final output (rule all), so the crate lists the same files whatever the
        # order the jobs ran in (evaluated when the DAG is built, after every include)
        outputs=lambda wildcards: ALL_TARGETS,
    output:
        crate=results("provenance/ro-crate-metadata.json"),
    log:
        logs("audit/provenance_crate.log"),
    conda:
        "../envs/workflow.yaml"
    params:
        results_dir=lambda w, output: Path(output.crate).parent.parent.as_posix(),
        provenance_dir=lambda w, output: Path(output.crate).parent.as_posix(),
        packages=[
            "snakemake",
            "pandas",
            "pandera",
            "pyarrow",
            "matplotlib",
            "seaborn",
            "typst",
        ],
        git_commit=GIT_COMMIT,
        git_dirty=GIT_DIRTY,
        date_published=CRATE_DATE,
    script:
        "../../scripts/provenance_crate.py"


rule audit_verdict:
    input:
        claims=results("audit/claims.csv"),
        crate=results("provenance/ro-crate-metadata.json"),
    output:
        verdict=results("audit/verdict.tsv"),
    log:
        logs("audit/audit_verdict.log"),
    conda:
        "../envs/workflow.yaml"
    script:
        "../../scripts/audit_verdict.py"


rule audit:
    input:
        rules.audit_verdict.output,
        rules.audit_evidence.output,
        rules.audit_claims.output,
