"""Issue 7: the corpus of broken exports (tests/badinput/cases.py), one test per case.

A ``stop`` case must fail with one message naming file, line, column, value and the
broken rule (what ``must_say`` lists) and leave nothing built from the bad file; a
``pass`` case must build its target (and show the input the way the case says); a
``quarantine`` case (config ``on_invalid: quarantine``) must go on and put the bad row,
with its line and reason, under results/validation/quarantine/.

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

ROOT = Path(__file__).resolve().parents[1]

GAPS = {
    "bom_survey": "lib/io.py:_decode decodes the follow-up forms (encoding utf-8) strictly, so a BOM becomes "
    "part of the first header ('\\ufeffResponse ID' is not a question); fix: strip a leading U+FEFF when the "
    "encoding is utf-8 (decode as utf-8-sig)",
    "header_only": "a participants export with a header and no records passes stage_lms; clean_lms then reports "
    "every completion/grade/certificate e-mail as unknown (1268 problems) instead of the cause; fix: "
    "scripts/stage_lms.py (or lib/io.read_export with a min_records argument) stops with 'the file has a "
    "header line but no records' for participants, completion and grades",
    "unbalanced_quotes": "lib/io.py:read_export reports a csv.Error with file and line only; fix: on csv.Error "
    "re-scan the record's text to name the column where the unclosed quote opens and its first characters",
    "invalid_bytes_free_text": "lib/io.py:_decode names file, line and byte but not the column; fix: decode with "
    "errors='surrogateescape', parse, and name the column/record holding the bad byte",
    "survey_edition_not_in_config": "scripts/clean_followup.py validates the edition with the pandera schema "
    "(schema.validate without a report), so the analyst gets a SchemaErrors traceback without file, line or "
    "rule; fix: a row_problems check 'edition not covered by followup_surveys.<survey>.editions' before "
    "schema validation",
    "quarantine_unknown_country": "scripts/clean_lms.py drops the row (cleaning log) and lists it in "
    "results/validation/lms/<edition>/clean.csv but writes nothing to results/validation/quarantine/; fix: "
    "write results/validation/quarantine/lms/<edition>/clean.csv (source, line, reason, record without "
    "names or e-mail)",
}
TRACEBACK_GAPS = {
    "unknown_country",
    "unknown_gender",
    "completion_not_participant",
    "header_only",
    "survey_unknown_country",
    "survey_edition_not_in_config",
}
TRACEBACK_REASON = (
    "scripts/clean_lms.py and scripts/clean_followup.py let ValidationFailed (or pandera's SchemaErrors) "
    "propagate, so a Python traceback precedes the message; fix: catch it and raise SystemExit(str(err)) "
    "as scripts/stage_lms.py does"
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
        assert len(staged) == 496 and staged["user_id"].iloc[0] == "1046"
    elif case.id == "bom_survey":
        staged = pd.read_parquet(o.path(case.target))
        assert len(staged) == 152 and staged["response_id"].iloc[0] == "EN-0001"
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


@pytest.mark.xfail(
    strict=True,
    reason="the report does not read results/validation/quarantine/ (workflow/rules/report.smk, "
    "scripts/report_variables.py): with on_invalid: quarantine the published story does not say that rows "
    "were set aside; fix: report_variables reads the quarantine files and the cleaning logs and the report "
    "states 'N rows set aside (see results/validation/quarantine/)' in its data appendix",
)
def test_quarantine_is_said_in_the_report(run):
    from badinput.builder import snakemake

    case = next(c for c in CASES if c.id == "quarantine_attribution_150")
    o = run(case)
    assert o.returncode == 0
    done = snakemake(o.workspace, "results/report/impact_story.html", "--config", "on_invalid=quarantine")
    assert done.returncode == 0, done.stderr[-3000:]
    page = o.path("results/report/impact_story.html").read_text(encoding="utf-8").casefold()
    assert "quarantine" in page or "set aside" in page
