"""Issue 7: the corpus of broken exports (tests/badinput/cases.py), one test per case.

A ``stop`` case must fail with one message naming file, line, column, value and the
broken rule (what ``must_say`` lists) and leave nothing built from the bad file; a
``pass`` case must build its target (and show the input the way the case says); a
``quarantine`` case (config ``on_invalid: quarantine``) must go on and put the bad row,
with its line and reason, under results/<scope>/validation/quarantine/.

Cases whose fix is not in the workflow yet are marked xfail(strict=True) with the gap in
the reason (see the issue-7 report); they start failing loudly once fixed, so the mark
is removed then.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from badinput.builder import Outcome, corpus
from badinput.cases import CASES, Case
from conftest import RESULTS, results_dir

ROOT = Path(__file__).resolve().parents[1]

# Known gaps (case id -> reason): the case is marked xfail(strict=True) until the workflow is
# fixed. All the gaps the issue-7 report listed are fixed; keep the mechanism for new cases.
GAPS: dict[str, str] = {}
TRACEBACK_GAPS: set[str] = set()
TRACEBACK_REASON = (
    "the script lets ValidationFailed propagate, so a Python traceback precedes the message; fix: catch it "
    "and raise SystemExit(str(err)) as scripts/stage_lms.py does"
)


def _param(case: Case, gaps: dict[str, str]):
    marks = [pytest.mark.xfail(strict=True, reason=gaps[case.id])] if case.id in gaps else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.fixture
def run(request, tmp_path_factory):
    """Run a case (once per session); base cases get the session's full run."""

    def go(case: Case) -> Outcome:
        full = request.getfixturevalue("workflow_run") if case.base else None
        return corpus(tmp_path_factory).outcome(case, full)

    return go


def test_corpus_covers_the_issue():
    kinds = {c.expect for c in CASES}
    assert len(CASES) >= 25 and kinds == {"stop", "pass", "quarantine"}
    for c in CASES:
        assert c.expect in ("stop", "pass", "quarantine")
        assert c.expect != "stop" or (c.must_say and c.absent), c.id
        assert c.expect != "pass" or c.decision, f"{c.id}: a pass case says why passing is right"
        assert c.expect != "quarantine" or (c.quarantine and c.config.get("on_invalid") == "quarantine"), c.id


def _message_problems(o: Outcome) -> list[str]:
    return [t.format(**o.facts) for t in o.case.must_say if not o.says(t)]


@pytest.mark.parametrize("case", [_param(c, GAPS) for c in CASES if c.expect == "stop"])
def test_stop_case_names_the_problem(case, run):
    o = run(case)
    assert o.returncode != 0, f"{case.id}: the workflow did not stop\n{o.output[-3000:]}"
    missing = _message_problems(o)
    assert not missing, f"{case.id}: the message lacks {missing}\n--- output ---\n{o.output[-5000:]}"
    built = [rel for rel in case.absent if o.path(rel).exists()]
    assert not built, f"{case.id}: built from the broken input: {built}"


@pytest.mark.parametrize(
    "case",
    [_param(c, {i: GAPS.get(i, TRACEBACK_REASON) for i in TRACEBACK_GAPS}) for c in CASES if c.expect == "stop"],
)
def test_stop_message_is_not_a_traceback(case, run):
    o = run(case)
    assert o.returncode != 0
    assert "Traceback (most recent call last)" not in o.output, o.output[-4000:]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _check_pass(o: Outcome) -> None:
    case = o.case
    if case.id == "bom_lms":
        staged = pd.read_parquet(o.path(case.target))
        raw = (o.workspace / "raw/lms/2020-EN1/completion.csv").read_text(encoding="utf-8-sig")
        assert len(staged) == raw.count("\n") - 1 and staged["user_id"].iloc[0] == raw.split("\n")[1].split(",")[0]
    elif case.id == "bom_survey":
        staged = pd.read_parquet(o.path(case.target))
        assert len(staged) == 240 and {"EN-0001", "EN-0152", "ES-0088"} <= set(staged["response_id"])
    elif case.id == "formula_free_text":
        rows = {r["response_id"]: r for r in _csv_rows(o.path(case.target))}
        assert rows["EN-0012"]["text"] == "'" + o.facts["value"], rows["EN-0012"]
    elif case.id == "script_free_text":
        html = o.path(case.target).read_text(encoding="utf-8")
        assert "<script>alert(" not in html and "<script" not in html
        assert "I learned a lot &lt;script&gt;alert(" in html
    elif case.id == "long_free_text":
        clean = pd.read_parquet(o.path(case.target)).set_index("response_id")
        assert clean.loc["EN-0003", "example"] == o.facts["value"] and len(o.facts["value"]) == 102400
    elif case.id == "long_free_text_200k":
        clean = pd.read_parquet(o.path(case.target)).set_index("response_id")
        assert clean.loc["EN-0003", "example"] == o.facts["value"] and len(o.facts["value"]) == 204800
    elif case.id == "demo_salt_allowed":
        clean = pd.read_parquet(o.path(case.target))
        assert len(clean) > 100 and clean["participant_key"].str.fullmatch(r"[0-9a-f]{64}").all()
    else:
        raise AssertionError(f"no pass check for {case.id}")


@pytest.mark.parametrize("case", [_param(c, GAPS) for c in CASES if c.expect == "pass"])
def test_pass_case_is_accepted(case, run):
    o = run(case)
    assert o.returncode == 0, f"{case.id}: {case.decision}\n{o.output[-4000:]}"
    assert o.path(case.target).exists()
    _check_pass(o)


@pytest.mark.parametrize("case", [_param(c, GAPS) for c in CASES if c.expect == "quarantine"])
def test_quarantine_case_goes_on_with_the_row_set_aside(case, run):
    o = run(case)
    assert o.returncode == 0, f"{case.id}: did not go on\n{o.output[-4000:]}"
    assert o.path(case.target).exists()
    quarantine = o.path(case.quarantine)
    assert quarantine.exists(), f"{case.id}: no {case.quarantine}"
    rows = _csv_rows(quarantine)
    assert [int(r["line"]) for r in rows] == [o.facts["line"]], rows
    text = quarantine.read_text(encoding="utf-8")
    missing = [t.format(**o.facts) for t in case.must_say if t.format(**o.facts) not in text]
    assert not missing, f"{case.id}: the quarantine file lacks {missing}:\n{text[:2000]}"


def test_quarantine_is_said_in_the_report(run, workflow_run):
    from badinput.builder import CASE_CONFIG, snakemake

    clean_page = (results_dir(workflow_run) / "report/impact_story.html").read_text(encoding="utf-8").casefold()
    assert "set aside" not in clean_page and "validation/quarantine/" not in clean_page  # nothing set aside

    case = next(c for c in CASES if c.id == "quarantine_attribution_150")
    o = run(case)
    assert o.returncode == 0
    done = snakemake(o.workspace, f"{RESULTS}/report/impact_story.html", f"{RESULTS}/report/technical_annex.html",
                     "--config", "on_invalid=quarantine", "--configfile", CASE_CONFIG)
    assert done.returncode == 0, done.stderr[-3000:]
    page = o.path(f"{RESULTS}/report/impact_story.html").read_text(encoding="utf-8")
    # the story says it in words; the technical annex names the file that lists the row
    assert "One row was set aside" in page and "validation/quarantine/" not in page
    annex = o.path(f"{RESULTS}/report/technical_annex.html").read_text(encoding="utf-8")
    assert "One row was set aside" in annex and f"{RESULTS}/validation/quarantine/" in annex
