"""Rule scripts that always run one after the other, as steps of one job.

Every Snakemake job pays ~0.5-1 s of CPU before its script does anything (Python, the
``snakemake.script`` preamble, pandas, pyarrow, pandera or matplotlib): for the default
data that was most of the cold run (docs/benchmarks.md, "Cold run (issue 16)"). Where a
rule's output is only ever read by one other rule that runs right after it (staging and
cleaning of a batch of editions, the three survey figures), one job runs both scripts,
unchanged, in one process::

    run_step("stage_lms.py", snakemake, rule="stage_lms", log="stage",
             input={...}, output={...})

Each step sees a ``snakemake`` object of its own: the named inputs and outputs it always
had (taken from the job's, under the job's names), the job's params and wildcards (a
step run once per batch of editions, e.g. the staging of each batch's evaluation exports
in the job that cleans them all, gets that batch's own, as its rule's job had them), its
own log (the rule's log named ``log``: each step keeps the log file it had as a rule) and
its own rule name (validation reports name the step, as before). Every file each step
wrote as a rule is still an output of the job. A step that stops (``SystemExit``) stops
the job. ``lib.imports`` finds the scripts named in ``run_step`` calls, so each script
and the helpers it imports are inputs of the job's rule.
"""

import runpy
from collections.abc import Mapping
from types import SimpleNamespace

from snakemake.iocontainers import Namedlist

from lib.preamble import ROOT

SCRIPTS = ROOT / "scripts"


def pick(files: Namedlist, names: str) -> dict:
    """The named items `names` (space-separated) of a job's input or output, as a dict."""
    return {name: getattr(files, name) for name in names.split()}


def run_step(
    script: str,
    snakemake,
    *,
    rule: str,
    log: str,
    input: Mapping,
    output: Mapping,
    index: int | None = None,
    params: Mapping | None = None,
    wildcards: Mapping | None = None,
) -> None:
    """Run scripts/<script> as the rule `rule` would have run it, with its own log.

    A step that the job runs once per batch (as a rule it was one job per batch) gets
    `index`, its item of the job's log list `log`, and its own `params` and `wildcards`
    (the ones that rule's job had); other steps see the job's."""
    log_file = getattr(snakemake.log, log)
    step = SimpleNamespace(
        input=Namedlist(fromdict=dict(input)),
        output=Namedlist(fromdict=dict(output)),
        params=snakemake.params if params is None else Namedlist(fromdict=dict(params)),
        wildcards=snakemake.wildcards if wildcards is None else Namedlist(fromdict=dict(wildcards)),
        log=Namedlist(fromdict={"log": log_file if index is None else log_file[index]}),
        rule=rule,
        threads=snakemake.threads,
        resources=snakemake.resources,
        config=snakemake.config,
    )
    runpy.run_path(str(SCRIPTS / script), init_globals={"snakemake": step}, run_name="__main__")
