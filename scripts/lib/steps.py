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
had (taken from the job's, under the job's names), the job's params and wildcards, its
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


def run_step(script: str, snakemake, *, rule: str, log: str, input: Mapping, output: Mapping) -> None:
    """Run scripts/<script> as the rule `rule` would have run it, with its own log."""
    step = SimpleNamespace(
        input=Namedlist(fromdict=dict(input)),
        output=Namedlist(fromdict=dict(output)),
        params=snakemake.params,
        wildcards=snakemake.wildcards,
        log=Namedlist(fromdict={"log": getattr(snakemake.log, log)}),
        rule=rule,
        threads=snakemake.threads,
        resources=snakemake.resources,
        config=snakemake.config,
    )
    runpy.run_path(str(SCRIPTS / script), init_globals={"snakemake": step}, run_name="__main__")
