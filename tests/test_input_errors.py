"""Issue 14, class 2: an input an analyst edits by hand (or exports) never ends in a Python
traceback; the run stops with one message (lib.errors.InputError) that names the file.

Unit part: the message path itself (format, SystemExit without traceback, the older
exception classes derive from it, the loader wrapper).

Walk part (e2e): every rule script that reads an analyst-edited file is run the way
Snakemake runs it -- the very script file Snakemake generated for the job (its preamble
holds the job's inputs, params and log), kept with ``--skip-script-cleanup`` -- once per
kind of broken input it reads: LMS and survey exports, the XLSForms, interview notes, the
claims register, the metric registry, the country alias table, the account patterns
(config params) and raw/SHA256SUMS. Each run must exit 1, print no traceback (stderr and
the rule log) and name the file. Only the scripts run (a second or two each), not the DAG.
"""

from __future__ import annotations

import ast
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from badinput import mutations as m
from conftest import run_snakemake

from lib import checksums, claims, codebook, countries, report_blocks, survey_metrics, validation
from lib.errors import InputError, format_message, input_file

ROOT = Path(__file__).resolve().parents[1]
TRACEBACK = "Traceback (most recent call last)"
PREAMBLE_END = "######## snakemake preamble end #########\n"


# ----------------------------------------------------------------------------- unit part
def test_message_names_file_place_value_and_what_to_do():
    assert (
        format_message("raw/x.csv", "too large for a date", where=12, value="9" * 20, todo="fix the cell")
        == f"raw/x.csv:12, value '{'9' * 20}': too large for a date; fix the cell"
    )
    assert format_message("n.yaml", "missing", where="key 'name'") == "n.yaml, key 'name': missing"
    # value=None: personal, withheld, and the message says where to look
    assert format_message("p.csv", "unknown learner", where=7, value=None) == (
        "p.csv:7, value (withheld: personal data, see line 7 of p.csv): unknown learner"
    )
    assert format_message("f", "ends.", todo="Do this.") == "f: ends. Do this."


def test_input_error_is_a_systemexit_and_an_exception():
    err = InputError("raw/x.csv", "broken", where=3)
    assert isinstance(err, SystemExit) and isinstance(err, Exception)
    assert str(err) == err.code == "raw/x.csv:3: broken" and err.file == "raw/x.csv"
    assert str(InputError("already: formatted")) == "already: formatted"


def test_uncaught_input_error_prints_the_message_alone(tmp_path):
    script = tmp_path / "s.py"
    script.write_text(
        "import sys\nsys.path.insert(0, sys.argv[1])\nfrom lib.codebook import CodebookError\n"
        "raise CodebookError('raw/survey/f.xlsx, sheet survey, row 3: list x is not a list_name')\n"
    )
    done = subprocess.run([sys.executable, str(script), str(ROOT / "scripts")], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr == "raw/survey/f.xlsx, sheet survey, row 3: list x is not a list_name\n"


@pytest.mark.parametrize(
    "cls",
    [
        validation.ValidationFailed,
        codebook.CodebookError,
        report_blocks.InterviewNoteError,
        claims.ClaimsError,
        checksums.ChecksumError,
        countries.CountryTableError,
        survey_metrics.QuoteError,
    ],
)
def test_older_classes_go_through_the_one_path(cls):
    assert issubclass(cls, InputError)


def test_older_classes_keep_their_base_classes():
    # callers that catch ValueError keep working
    for cls in (codebook.CodebookError, report_blocks.InterviewNoteError, countries.CountryTableError):
        assert issubclass(cls, ValueError)


def test_validation_failed_message_is_its_exit_message():
    import pandas as pd

    rep = pd.DataFrame([{"file": "raw/a.csv", "line": 4, "column": "module_1", "value": "25", "check": "grade", "message": "too big", "rule": "stage_lms"}])
    err = validation.ValidationFailed(rep)
    assert err.code == str(err) and "raw/a.csv:4, column 'module_1', value '25': too big" in str(err)


def test_input_file_names_the_file_and_passes_input_errors_through():
    import yaml

    with pytest.raises(InputError, match=r"^reg\.yaml: not readable as YAML"):
        with input_file("reg.yaml"):
            yaml.safe_load("a: [1")
    with pytest.raises(InputError, match=r"^reg\.yaml: the key 'metrics' is missing; fix it$"):
        with input_file("reg.yaml", "fix it"):
            {}["metrics"]
    with pytest.raises(InputError, match=r"^reg\.yaml: does not have the expected structure"):
        with input_file("reg.yaml"):
            "a string".get("id")
    with pytest.raises(InputError, match=r"^reg\.yaml: unit 'x' unknown$"):  # already names it: not twice
        with input_file("reg.yaml"):
            raise ValueError("reg.yaml: unit 'x' unknown")
    with pytest.raises(InputError, match="^n.yaml, key 'a': b$"):
        with input_file("other.yaml"):
            raise InputError("n.yaml", "b", where="key 'a'")
    with pytest.raises(ZeroDivisionError):  # a fault of the workflow keeps its traceback
        with input_file("reg.yaml"):
            1 / 0  # noqa: B018


def test_invalid_account_pattern_names_the_config_key():
    import pandas as pd

    from lib.lms import find_test_accounts

    with pytest.raises(InputError) as exc:
        find_test_accounts(pd.Series(["a"]), pd.Series(["a@b.org"]), [], ["@example\\.org$", "@example.(org"])
    assert str(exc.value).startswith(
        "config.yaml, key 'accounts.test_email_patterns[1]', value '@example.(org': not a valid regular expression"
    )


def test_alias_with_an_invalid_iso_code_says_what_to_do(tmp_path):
    table = tmp_path / "aliases.csv"
    table.write_text("alias,iso3,note\nAtlantis,ATL,lost\n", encoding="utf-8")
    with pytest.raises(countries.CountryTableError) as exc:
        countries.CountryResolver(table)
    text = str(exc.value)
    assert text.startswith(f"{table}: line 2: alias 'Atlantis' points to 'ATL', not an ISO alpha-3 code")
    assert "Correct or delete these rows" in text


def test_last_downloaded_beyond_year_9999_is_a_problem_of_its_line():
    import pandas as pd

    from schemas.lms import LAST_UNIX_TIME, _unix_time

    check = _unix_time()
    values = pd.Series(["1592992800", str(LAST_UNIX_TIME), str(LAST_UNIX_TIME + 1), "9" * 20, "-1", " 12 ", ""])
    assert check._check_fn(values).tolist() == [True, True, False, False, False, True, False]


# ----------------------------------------------------------------------------- walk part
FU = "raw/survey/followup-2020.csv"
FU_FORM = "raw/survey/followup-2020-xlsform.xlsx"
EVAL_FORM = "raw/survey/evaluation-xlsform.xlsx"
NOTE = "raw/interviews/william-ramirez.yaml"
CLAIMS = "published/claims.yaml"
REGISTRY = "resources/metric_registry.yaml"
ALIASES = "resources/country_aliases.csv"
GRADES = "raw/lms/2020-EN1/grades.csv"


def _append(rel: str, text: str) -> Callable[[Path], None]:
    def go(ws: Path) -> None:
        path = ws / rel
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return go


def _drop_lines(rel: str, prefix: str) -> Callable[[Path], None]:
    def go(ws: Path) -> None:
        path = ws / rel
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(line for line in lines if not line.startswith(prefix)), encoding="utf-8")

    return go


def _rename_list(ws: Path) -> None:
    """The form stays consistent, but the list the figures ask for by name is gone."""
    import openpyxl

    book = openpyxl.load_workbook(ws / FU_FORM)
    for sheet, col, old, new in (("survey", "type", "select_one relationship", "select_one relation"),
                                 ("choices", "list_name", "relationship", "relation")):  # fmt: skip
        sh = book[sheet]
        j = [c.value for c in sh[1]].index(col) + 1
        for r in range(2, sh.max_row + 1):
            if sh.cell(r, j).value == old:
                sh.cell(r, j).value = new
    book.save(ws / FU_FORM)


def _bad_accounts(job) -> None:
    job.params.accounts["test_email_patterns"] = ["@example.(org"]


@dataclass(frozen=True)
class Walk:
    id: str
    rules: tuple[str, ...]
    file: str  # the file the message must name
    mutate: Callable[[Path], object] = lambda ws: None
    patch: Callable[[object], None] | None = None  # change the job's params (config values)
    select: str = ""  # a job of the rule whose inputs hold this path (default: `file`)
    must_say: tuple[str, ...] = field(default_factory=tuple)


BROKEN_NOTE_YAML = _append(NOTE, "headline: [not closed\n")
BROKEN_CLAIMS_YAML = _append(CLAIMS, "  - id: [not closed\n")
BROKEN_REGISTRY_YAML = _append(REGISTRY, "  - id: [not closed\n")

WALKS = [
    # exports
    Walk("grades_time_overflow", ("stage_clean_lms",), f"{GRADES}:2",
         lambda ws: m.set_cell(ws, GRADES, "Last downloaded from this course", "9" * 20),
         must_say=("Unix time stamp",)),
    Walk("time_started_year_99999", ("stage_clean_lms",), "raw/lms/2020-EN1/participants.csv:2",
         lambda ws: m.set_cell(ws, "raw/lms/2020-EN1/participants.csv", "Time started",
                               "Thursday, 19 March 99999, 1:27 AM")),
    Walk("awarded_on_year_99999", ("stage_clean_lms",), "raw/lms/2020-EN1/customcert-completion.csv:2",
         lambda ws: m.set_cell(ws, "raw/lms/2020-EN1/customcert-completion.csv", "Awarded on", "99999-03-18 01:00")),
    Walk("kobo_attribution_huge", ("stage_clean_metrics_application",), FU,
         lambda ws: m.set_cell(ws, FU, "attribution", "9" * 400, where=m.kobo_response(ws, FU, "EN-0003"))),
    Walk("followup_no_responses", ("stage_clean_metrics_application",), f"{FU}:1", lambda ws: m.keep_header_only(ws, FU),
         must_say=("no responses",)),
    # XLSForms
    Walk("followup_form_unknown_list", ("stage_clean_metrics_application",), FU_FORM,
         lambda ws: m.xlsform_set_cell(ws, FU_FORM, "survey", "type", "select_one aplied", where={"name": "applied"}),
         must_say=("'aplied' is not a list_name",)),
    Walk("followup_form_list_renamed", ("figures_survey",), FU_FORM, _rename_list,
         must_say=("has no option list 'relationship'",)),
    Walk("evaluation_form_unknown_list", ("stage_clean_metrics_reaction",), EVAL_FORM,
         lambda ws: m.xlsform_set_cell(ws, EVAL_FORM, "survey", "type", "select_one nolist",
                                       where={"type": "select_one usefulness"})),
    # interview notes
    Walk("note_yaml_syntax", ("report_variables", "audit_claims"), NOTE, BROKEN_NOTE_YAML),
    Walk("note_missing_key", ("report_variables",), NOTE, _drop_lines(NOTE, "headline:"),
         must_say=("key 'headline'",)),
    Walk("note_no_consent_key", ("report_variables",), NOTE, _drop_lines(NOTE, "consent_to_publish:"),
         must_say=("key 'consent_to_publish'",)),
    # claims register
    Walk("claims_yaml_syntax", ("report_variables", "audit_claims"), CLAIMS, BROKEN_CLAIMS_YAML),
    Walk("claims_entry_not_a_mapping", ("report_variables", "audit_claims"), CLAIMS, _append(CLAIMS, "  - a string\n")),
    Walk("claims_entry_lacks_id", ("report_variables", "audit_claims"), CLAIMS,
         _append(CLAIMS, "  - check: equal\n    metric: n_participants\n")),
    # metric registry
    Walk("registry_yaml_syntax",
         ("combine_metrics_participation", "stage_clean_metrics_reaction", "stage_clean_metrics_application",
          "report_variables",
          "audit_claims"), REGISTRY, BROKEN_REGISTRY_YAML, select=REGISTRY),
    # country aliases
    Walk("alias_invalid_iso", ("stage_clean_lms", "stage_clean_metrics_application"), ALIASES, _append(ALIASES, "Atlantis,ATL,lost\n"),
         must_say=("'ATL', not an ISO alpha-3 code",)),
    # account patterns (config values reach the script as params)
    Walk("account_pattern_invalid_regex", ("stage_clean_lms",), "config.yaml", patch=_bad_accounts, select="2020-EN1",
         must_say=("accounts.test_email_patterns[0]", "not a valid regular expression")),
    # the report's wording
    Walk("labels_yaml_syntax", ("report_variables",), "workflow/report/labels.yml",
         _append("workflow/report/labels.yml", "broken: [not closed\n")),
    # raw/SHA256SUMS (the audit's first step)
    Walk("raw_file_changed", ("audit_checksums",), "raw/SHA256SUMS",
         lambda ws: m.set_cell(ws, GRADES, "Quiz: Module 1 (Real)", "19.00")),
]  # fmt: skip

WALK_RULES = sorted({r for w in WALKS for r in w.rules})


def _job_of(text: str):
    """The Snakemake object (input, params, log, rule) pickled in a generated script."""
    head = text.split(PREAMBLE_END, 1)[0]
    for node in ast.walk(ast.parse(head)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "loads":
            return pickle.loads(node.args[0].value), ast.get_source_segment(head, node.args[0])
    raise AssertionError("no pickled job in the preamble")


@pytest.fixture(scope="module")
def jobs_run(workflow_run, tmp_path_factory) -> Path:
    """A copy of the full run where the walked rules ran again, their scripts kept."""
    work = tmp_path_factory.mktemp("input_errors") / "repo"
    shutil.copytree(workflow_run, work, symlinks=True, ignore=shutil.ignore_patterns("locks", "incomplete"))
    shutil.rmtree(work / ".snakemake" / "scripts", ignore_errors=True)
    # the walked rules (and what depends on them) run again; the Impact Story is not rendered
    # (the technical annex is, as the second step of the report_variables job)
    done = run_snakemake(
        work, "all", "audit_claims", "audit_checksums", "--skip-script-cleanup",
        "--forcerun", *WALK_RULES, "--omit-from", "report",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return work


def _scripts(work: Path) -> list[tuple[Path, object]]:
    found = []
    for path in sorted((work / ".snakemake" / "scripts").glob("tmp*.py")):
        job, _ = _job_of(path.read_text(encoding="utf-8"))
        found.append((path, job))
    return found


def _run_job(work: Path, case_dir: Path, walk: Walk, rule: str) -> tuple[int, str]:
    """Run the kept script of one job of `rule` in a copy of the run, with the input broken."""
    ws = case_dir / rule
    shutil.copytree(work, ws, symlinks=True, ignore=shutil.ignore_patterns(".snakemake", "logs"))
    walk.mutate(ws)
    select = walk.select or walk.file.split(":")[0]
    found = [(p, j) for p, j in _scripts(work) if j.rule == rule and any(select in str(x) for x in j.input)]
    if not found:
        pytest.fail(f"{walk.id}: no kept script of rule {rule} reads {select}")
    path, job = found[0]
    # the preamble Snakemake wrote for the job, then the script as it is now (Snakemake's copy
    # of the source follows the preamble verbatim)
    preamble = path.read_text(encoding="utf-8").split(PREAMBLE_END, 1)[0] + PREAMBLE_END
    text = preamble + (ws / "scripts" / path.name.split(".", 1)[1]).read_text(encoding="utf-8")
    if walk.patch:
        job, literal = _job_of(text)
        walk.patch(job)
        text = text.replace(literal, repr(pickle.dumps(job, protocol=4)), 1)
    script = ws / path.name
    script.write_text(text, encoding="utf-8")
    for log in job.log:
        (ws / log).parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, str(script)], cwd=ws, capture_output=True, text=True, timeout=600)
    logs = "".join((ws / log).read_text(errors="replace") for log in job.log if (ws / log).exists())
    return done.returncode, done.stdout + done.stderr + logs


@pytest.mark.e2e
@pytest.mark.parametrize("walk", [pytest.param(w, id=w.id) for w in WALKS])
def test_broken_input_stops_with_a_message_naming_the_file(walk, jobs_run, tmp_path):
    for rule in walk.rules:
        code, output = _run_job(jobs_run, tmp_path, walk, rule)
        assert code == 1, f"{walk.id} / {rule}: exit {code}\n{output[-3000:]}"
        assert TRACEBACK not in output, f"{walk.id} / {rule}: a traceback\n{output[-4000:]}"
        for text in (walk.file, *walk.must_say):
            assert text in output, f"{walk.id} / {rule}: the message lacks {text!r}\n{output[-3000:]}"


@pytest.mark.e2e
def test_broken_registry_stops_the_workflow_before_any_job(workflow_run, tmp_path):
    """The Snakefile reads the registry's ids itself: a broken one is a message there too."""
    work = tmp_path / "repo"
    shutil.copytree(workflow_run, work, symlinks=True, ignore=shutil.ignore_patterns(".snakemake", "logs"))
    BROKEN_REGISTRY_YAML(work)
    done = run_snakemake(work, "-n")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    assert TRACEBACK not in output and 'File "' not in output, output[-3000:]
    assert f"{REGISTRY}: not readable as YAML" in output and "fix the entry" in output, output[-3000:]
