"""Issue 7, injection: free text is shown as text in HTML, and no CSV cell under results/
starts with a formula trigger (= + - @ tab CR; OWASP CSV injection) unless it is a number.

Uses the full run of the default data (one follow-up answer there starts with '+') and the
corpus runs that put '=HYPERLINK(...)' and '<script>' into a quoted follow-up answer.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest
from badinput.builder import corpus
from badinput.cases import BY_ID
from conftest import results_dir

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def formula_cells(results: Path) -> list[tuple[str, int, str]]:
    bad = []
    for path in sorted(results.rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for n, row in enumerate(csv.reader(fh), start=1):
                bad += [
                    (path.relative_to(results).as_posix(), n, cell[:60])
                    for cell in row
                    if cell.startswith(TRIGGERS) and not _is_number(cell)
                ]
    return bad


def test_formula_check_can_fail(tmp_path):
    (tmp_path / "x.csv").write_text('a,b\n-1.5,"=HYPERLINK(""u"")"\n+x,@y\n', encoding="utf-8")
    assert [c[2] for c in formula_cells(tmp_path)] == ['=HYPERLINK("u")', "+x", "@y"]


def test_no_formula_cells_in_the_default_run(workflow_run):
    assert not formula_cells(workflow_run / "results")  # every scope's results


@pytest.fixture(scope="module")
def formula_run(request, tmp_path_factory):
    case = BY_ID["formula_free_text"]
    outcome = corpus(tmp_path_factory).outcome(case, request.getfixturevalue("workflow_run"))
    assert outcome.returncode == 0, outcome.output[-3000:]
    return outcome


def test_formula_answer_reaches_box2_neutralised(formula_run):
    rows = list(csv.DictReader((results_dir(formula_run.workspace) / "tables/box2_quotes.csv").open(encoding="utf-8")))
    text = {r["response_id"]: r["text"] for r in rows}["EN-0012"]
    assert text == "'" + formula_run.facts["value"]
    assert not formula_cells(formula_run.workspace / "results")


@pytest.fixture(scope="module")
def script_run(request, tmp_path_factory):
    case = BY_ID["script_free_text"]
    outcome = corpus(tmp_path_factory).outcome(case, request.getfixturevalue("workflow_run"))
    assert outcome.returncode == 0, outcome.output[-3000:]
    return outcome


def test_script_answer_is_text_in_the_html_report(script_run):
    page = (results_dir(script_run.workspace) / "report/impact_story.html").read_text(encoding="utf-8")
    assert not re.search(r"<\s*script", page, re.I), "a <script> element in the report"
    assert "alert(" in page
    visible = html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert "I learned a lot <script>alert('pwned')</script> & shared it" in " ".join(visible.split())


def test_default_report_has_no_active_content(workflow_run):
    page = (results_dir(workflow_run) / "report/impact_story.html").read_text(encoding="utf-8")
    assert not re.search(r"<\s*script|\son\w+\s*=|javascript:", page, re.I)
