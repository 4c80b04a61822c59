"""Rule scripts run as steps of one job (lib.steps, issue 16): each step sees its own
named files, log and rule name; a step that stops stops the job; and the scripts a job
runs as steps, with their helper modules, are inputs of its rule (lib.imports)."""

import textwrap
from types import SimpleNamespace

import pytest
from snakemake.iocontainers import Namedlist

from lib import steps
from lib.imports import import_closure


def job(tmp_path, **extra):
    """A job as Snakemake hands it to a script: two named logs, params, wildcards."""
    return SimpleNamespace(
        input=Namedlist(fromdict={"raw": "raw/a.csv", "form": "raw/form.xlsx"}),
        output=Namedlist(fromdict={"staged": "private/a.parquet", "clean": "results/a.parquet"}),
        params=Namedlist(fromdict={"on_invalid": "stop"}),
        wildcards=Namedlist(fromdict={"batch": "2020-EN1"}),
        log=Namedlist(fromdict={"stage": str(tmp_path / "stage.log"), "clean": str(tmp_path / "clean.log")}),
        threads=1,
        resources=Namedlist(),
        config={},
        **extra,
    )


STEP = """
    import sys
    from lib.preamble import begin
    begin(snakemake)
    print(snakemake.rule, dict(snakemake.input.items()), dict(snakemake.output.items()),
          snakemake.params.on_invalid, snakemake.wildcards.batch, file=sys.stderr)
    if snakemake.output.get("fail"):
        raise SystemExit("raw/a.csv:3: what is wrong; what to do")
"""


@pytest.fixture
def step_dir(tmp_path, monkeypatch):
    (tmp_path / "step.py").write_text(textwrap.dedent(STEP), encoding="utf-8")
    monkeypatch.setattr(steps, "SCRIPTS", tmp_path)
    return tmp_path


def test_each_step_sees_its_own_files_log_and_rule_name(step_dir, monkeypatch):
    import sys

    monkeypatch.setattr(sys, "stderr", sys.stderr)  # begin() redirects it: restored afterwards
    snakemake = job(step_dir)
    steps.run_step("step.py", snakemake, rule="stage_x", log="stage",
                   input=steps.pick(snakemake.input, "raw"), output={"staged": snakemake.output.staged})
    steps.run_step("step.py", snakemake, rule="clean_x", log="clean",
                   input={"staged": snakemake.output.staged, **steps.pick(snakemake.input, "form")},
                   output=steps.pick(snakemake.output, "clean"))  # fmt: skip
    sys.stderr.flush()
    assert (step_dir / "stage.log").read_text() == (
        "stage_x {'raw': 'raw/a.csv'} {'staged': 'private/a.parquet'} stop 2020-EN1\n"
    )
    assert (step_dir / "clean.log").read_text() == (
        "clean_x {'staged': 'private/a.parquet', 'form': 'raw/form.xlsx'} {'clean': 'results/a.parquet'} stop 2020-EN1\n"
    )


def test_a_step_that_stops_stops_the_job_with_its_message(step_dir, monkeypatch):
    import sys

    monkeypatch.setattr(sys, "stderr", sys.stderr)
    snakemake = job(step_dir)
    with pytest.raises(SystemExit, match="raw/a.csv:3: what is wrong"):
        steps.run_step("step.py", snakemake, rule="stage_x", log="stage", input={}, output={"fail": "x"})


def test_closure_follows_the_scripts_run_as_steps(tmp_path):
    files = {
        "scripts/lib/__init__.py": "",
        "scripts/lib/steps.py": "",
        "scripts/lib/a.py": "",
        "scripts/lib/b.py": "",
        "scripts/step_one.py": "from lib import a\n",
        "scripts/step_two.py": "import lib.b\n",
        # two steps named literally; a name built at run time and a missing file are not files
        "scripts/job.py": textwrap.dedent(
            """
            from lib.steps import run_step
            run_step("step_one.py", snakemake, rule="one", log="one", input={}, output={})
            run_step("step_two.py", snakemake, rule="two", log="two", input={}, output={})
            run_step(f"step_{'x'}.py", snakemake, rule="x", log="x", input={}, output={})
            run_step("missing.py", snakemake, rule="m", log="m", input={}, output={})
            """
        ),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert import_closure(tmp_path / "scripts/job.py", tmp_path) == [
        "scripts/lib/__init__.py",
        "scripts/lib/a.py",
        "scripts/lib/b.py",
        "scripts/lib/steps.py",
        "scripts/step_one.py",
        "scripts/step_two.py",
    ]


def test_a_step_run_once_per_batch_sees_that_batch_s_params_wildcards_and_log(step_dir, monkeypatch):
    """A rule that was one job per batch (stage_evaluation), as steps of one scope-wide job:
    each run gets its batch's params and wildcards and its item of the job's log list."""
    import sys

    monkeypatch.setattr(sys, "stderr", sys.stderr)
    logs = [str(step_dir / f"stage-{b}.log") for b in ("b1", "b2")]
    snakemake = job(step_dir)
    snakemake.log = Namedlist(fromdict={"stage": logs, "clean": str(step_dir / "clean.log")})
    for i, (batch, mode) in enumerate([("b1", "stop"), ("b2", "quarantine")]):
        steps.run_step("step.py", snakemake, rule="stage_x", log="stage", index=i,
                       params={"on_invalid": mode}, wildcards={"batch": batch},
                       input={"raw": f"raw/{batch}.csv"}, output={"staged": f"private/{batch}.parquet"})  # fmt: skip
    sys.stderr.flush()
    assert (step_dir / "stage-b1.log").read_text() == (
        "stage_x {'raw': 'raw/b1.csv'} {'staged': 'private/b1.parquet'} stop b1\n"
    )
    assert (step_dir / "stage-b2.log").read_text() == (
        "stage_x {'raw': 'raw/b2.csv'} {'staged': 'private/b2.parquet'} quarantine b2\n"
    )
    assert not (step_dir / "clean.log").exists()
