"""Issue 7, privacy: no e-mail and no full name of raw/ in any file under results/ (every
scope's results/<scope>/), and the keyed-hash salt never written there.

The scan (tests/badinput/pii.py) reads every file as bytes and also what compression hides
(Parquet cells and schema, PDF zlib streams). It runs over the full run of the default data
(conftest ``workflow_run``) and over runs of the bad-input corpus that put a real person's
e-mail into a broken row (quarantine, or a stop whose report lists the e-mail).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from badinput import pii
from badinput.builder import corpus
from badinput.cases import BY_ID

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def personal():
    emails, names = pii.personal_data(ROOT)
    assert len(emails) > 4000 and len(names) > 3000  # the default data: 11 editions + survey
    return emails, names


def _report(found: list[tuple[str, str]]) -> str:
    files: dict[str, list[str]] = {}
    for rel, hit in found:
        files.setdefault(rel, []).append(hit)
    return "\n".join(f"{rel}: {len(h)} e.g. {h[:3]}" for rel, h in sorted(files.items()))


def test_scanner_finds_what_it_looks_for(tmp_path, personal):
    """The scan itself can fail: plant an e-mail in a CSV and a name in a Parquet cell."""
    import pandas as pd

    emails, names = personal
    email, name = sorted(emails)[0], sorted(names)[0]
    (tmp_path / "results").mkdir()
    (tmp_path / "results/a.csv").write_text(f"x,y\n1,{email.upper()}\n", encoding="utf-8")
    pd.DataFrame({"who": ["someone", " ".join(name).title()]}).to_parquet(tmp_path / "results/b.parquet")
    found = pii.scan(tmp_path / "results", emails, names)
    assert ("results/a.csv", email) in found and ("results/b.parquet", " ".join(name)) in found


def test_no_file_under_results_holds_personal_data(workflow_run, personal):
    """Every file under results/, validation reports included. The staging layer (typed raw
    data, still with names and e-mails) lives in private/staging/, like raw/ never published."""
    assert (workflow_run / "private/staging/lms/2020-EN1/participants.parquet").is_file()
    assert not list((workflow_run / "results").rglob("staging"))
    found = pii.scan(workflow_run / "results", *personal)
    assert not found, "personal data in results/:\n" + _report(found)


def test_salt_is_never_written_to_results(workflow_run):
    salt = (workflow_run / "resources/demo-salt.txt").read_bytes().strip()
    assert len(salt) >= 16
    leaks = [
        p.relative_to(workflow_run).as_posix()
        for p in sorted((workflow_run / "results").rglob("*"))
        if p.is_file() and (salt in p.read_bytes() or salt.decode("latin-1") in pii.readable_text(p))
    ]
    assert not leaks, f"the salt is written in {leaks}"


@pytest.mark.parametrize(
    "case_id",
    [
        "quarantine_grade_above_max",  # the raw row goes to results/validation/quarantine/ (names withheld)
        "quarantine_unknown_country",  # the staged row goes to .../quarantine/lms/<edition>/clean.csv
        "completion_not_participant",  # the e-mail is the broken value: withheld in report and message
        "truncated_last_line",  # the value of a field-count problem is the whole raw record
        "quarantine_attribution_150",
        # issue 14: records that cannot be split into columns; long free text; wrong encodings
        "header_line_missing",  # the first line, taken for the header, is a learner's record
        "header_line_missing_grades",
        "quote_open_to_end",
        "quote_open_in_name",
        "long_free_text_200k",
        "bom_invalid_byte_at_line_start",
        "utf16_export",
    ],
)
def test_bad_rows_do_not_carry_personal_data_into_results(case_id, request, tmp_path_factory, personal):
    case = BY_ID[case_id]
    full = request.getfixturevalue("workflow_run") if case.base else None
    outcome = corpus(tmp_path_factory).outcome(case, full)
    assert outcome.returncode == (1 if case.expect == "stop" else 0), outcome.output[-3000:]
    found = pii.scan(outcome.workspace / "results", *personal)
    assert not found, "personal data in results/:\n" + _report(found)
    emails, names = personal
    message = outcome.output.casefold()  # what Snakemake printed and the rule logs
    leaked = sorted(e for e in pii.EMAIL.findall(message) if e in emails)
    tokens = pii.words(message)
    grams = {tuple(tokens[i : i + k]) for k in {len(n) for n in names} for i in range(len(tokens) - k + 1)}
    leaked += sorted(" ".join(n) for n in grams & names)
    assert not leaked, f"personal data in the messages: {leaked[:3]}"
