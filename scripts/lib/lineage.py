"""Where an output comes from, as Snakemake itself records it (``make trace``).

``snakemake_lineage`` loads the workflow through Snakemake's Python API and reads its
detailed summary (the table ``snakemake --detailed-summary`` prints): for every output
file of the DAG, the rule of its job, the input files recorded when the file was last
built, and whether it is up to date. Each rule's script and rule file come from the
loaded workflow. Nothing is derived from config.yaml or from the text of the rule files.

``upstream`` walks that table from an output back to the files no job writes (raw
exports, configuration, helper modules): the lineage an auditor follows.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

SUMMARY_COLUMNS = ["output_file", "date", "rule", "log-file(s)", "input-file(s)", "shellcmd", "status", "plan"]


@dataclass
class Job:
    """One job of the DAG: its rule, its outputs and the inputs Snakemake recorded.

    ``inputs`` is None when Snakemake holds no record (the output was never built);
    ``status`` is Snakemake's (``ok``, ``missing``, ``updated input files``, ``rule
    implementation changed``, ...)."""

    rule: str
    outputs: list[str] = field(default_factory=list)
    inputs: list[str] | None = None
    status: str = "ok"
    script: str = ""  # the rule's script, relative to the workflow's directory
    rule_file: str = ""  # rule file and line, e.g. workflow/rules/metrics.smk:7


def parse_summary(text: str) -> dict[str, Job]:
    """The detailed summary's table -> output file -> its job (outputs of one job share
    the Job object). Duplicate inputs are dropped, order kept."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or lines[0].split("\t") != SUMMARY_COLUMNS:
        raise ValueError(f"not a Snakemake detailed summary (header {lines[:1]!r})")
    by_output: dict[str, Job] = {}
    jobs: dict[tuple, Job] = {}
    for line in lines[1:]:
        row = dict(zip(SUMMARY_COLUMNS, line.split("\t"), strict=True))
        inputs = None if row["input-file(s)"] == "-" else list(dict.fromkeys(row["input-file(s)"].split(",")))
        # one job per (rule, recorded inputs, log): a job's outputs share all three
        key = (row["rule"], tuple(inputs or ()), row["log-file(s)"], inputs is None and row["output_file"])
        job = jobs.setdefault(key, Job(rule=row["rule"], inputs=inputs, status=row["status"]))
        job.outputs.append(row["output_file"])
        if row["status"] != "ok" and job.status == "ok":
            job.status = row["status"]
        by_output[row["output_file"]] = job
    return by_output


def upstream(by_output: Mapping[str, Job], start: Iterable[str]) -> tuple[list[Job], list[str]]:
    """Jobs upstream of the ``start`` outputs (breadth first, each once) and the files
    they read that no job writes (sorted)."""
    jobs: list[Job] = []
    leaves: set[str] = set()
    todo = list(start)
    seen: set[str] = set()
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        job = by_output.get(path)
        if job is None:
            leaves.add(path)
            continue
        if any(job is j for j in jobs):
            continue
        jobs.append(job)
        todo.extend(job.inputs or ())
    return jobs, sorted(leaves)


def snakemake_lineage(root: Path, targets: Iterable[str], config: Mapping | None = None) -> tuple[dict[str, Job], dict]:
    """Output file -> Job for the DAG of ``targets``, with each job's script and rule
    file, as Snakemake sees the workflow under ``root``; also the workflow's globals
    (its config and the variables the rule files define). Snakemake's own messages are
    silenced; the working directory is restored."""
    from snakemake.api import SnakemakeApi
    from snakemake.settings.enums import Quietness
    from snakemake.settings.types import ConfigSettings, DAGSettings, OutputSettings, ResourceSettings

    root = Path(root).resolve()
    cwd = Path.cwd()
    summary = io.StringIO()
    try:
        with SnakemakeApi(OutputSettings(quiet={Quietness.ALL, Quietness.RULES, Quietness.PROGRESS})) as api:
            workflow_api = api.workflow(
                resource_settings=ResourceSettings(cores=1),
                config_settings=ConfigSettings(config=dict(config or {})),
                snakefile=root / "Snakefile",
                workdir=root,
            )
            dag_api = workflow_api.dag(DAGSettings(targets=set(targets)))
            with contextlib.redirect_stdout(summary):
                dag_api.summary(detailed=True)
            # the loaded workflow (no public accessor): each rule's script and rule file
            workflow = workflow_api._workflow
            by_output = parse_summary(summary.getvalue())
            for job in {id(j): j for j in by_output.values()}.values():
                rule = workflow.get_rule(job.rule)
                rule_file = Path(rule.snakefile)
                # rule.lineno counts lines of the compiled workflow: its linemap gives the file's
                lineno = workflow.linemaps.get(rule.snakefile, {}).get(rule.lineno, rule.lineno)
                job.rule_file = f"{os.path.relpath(rule_file, root)}:{lineno}"
                if rule.script:
                    job.script = Path(os.path.relpath(rule_file.parent / rule.script, root)).as_posix()
            return by_output, dict(workflow.globals)
    finally:
        os.chdir(cwd)
