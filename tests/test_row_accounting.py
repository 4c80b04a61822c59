"""Issue 7, row accounting: every row that enters a cleaning step leaves it or is dropped for
a stated reason (rows_in = rows_out + rows dropped per reason), the steps chain (what one
step lets out the next one takes in), the first step takes in every record of the raw file
and the last one lets out exactly the rows of the clean table.

Checked over the default data (the full run) and the quarantine cases of the corpus.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from badinput import mutations as m
from badinput.builder import corpus
from badinput.cases import BY_ID
from conftest import results_dir

LOG_COLUMNS = ["step", "source", "edition", "rows_in", "rows_out", "reason", "rows_dropped"]
LMS_CHAIN = ["validate", "drop_staff", "drop_test_accounts", "harmonise", "merge_duplicates"]


def read_log(path: Path) -> pd.DataFrame:
    log = pd.read_csv(path, dtype={"reason": "string", "edition": "string"}, keep_default_na=False)
    assert list(log.columns) == LOG_COLUMNS, f"{path}: columns {list(log.columns)}"
    return log


def balance_problems(log: pd.DataFrame) -> list[str]:
    """Groups (step, source, edition) where rows_in != rows_out + sum of rows dropped."""
    problems = []
    for key, g in log.groupby(["step", "source", "edition"], sort=True):
        if g["rows_in"].nunique() != 1 or g["rows_out"].nunique() != 1:
            problems.append(f"{key}: rows_in / rows_out differ between the reason rows")
        elif g["rows_in"].iloc[0] != g["rows_out"].iloc[0] + g["rows_dropped"].sum():
            problems.append(
                f"{key}: {g['rows_in'].iloc[0]} in != {g['rows_out'].iloc[0]} out + {g['rows_dropped'].sum()} dropped"
            )
        if ((g["rows_dropped"] > 0) & (g["reason"].str.strip() == "")).any():
            problems.append(f"{key}: rows dropped without a reason")
    return problems


CERTIFICATE_FILES = ("customcert-completion.csv", "customcert-participation.csv")


def step_total(log: pd.DataFrame, step: str, source: str, edition: str, field: str) -> int:
    rows = log[(log["step"] == step) & (log["source"] == source) & (log["edition"] == edition)]
    assert len(rows), f"no {step} row for {source} {edition}"
    return int(rows[field].iloc[0])


def raw_records(root: Path, rel: str) -> int:
    return len(m.read_records(root / rel, m.delimiter_of(rel))[1])


def lms_problems(log: pd.DataFrame, root: Path, edition: str, clean: pd.DataFrame) -> list[str]:
    problems = balance_problems(log)
    config = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    ed = config["editions"][edition]
    for source in ("participants", "completion", "grades", "certificates"):
        if source == "certificates":  # one report per certificate activity
            files = sorted(ed.get("certificates", {}).values()) or [
                f"raw/lms/{edition}/{name}" for name in CERTIFICATE_FILES
            ]
        else:  # config names exports saved elsewhere or as spreadsheets (.xlsx / .ods)
            files = [(ed.get("files") or {}).get(source) or config["paths"][source].format(edition=edition)]
        raw = sum(raw_records(root, rel) for rel in files)
        if step_total(log, "validate", source, edition, "rows_in") != raw:
            problems.append(f"{edition} {source}: validate takes in fewer rows than the raw file's {raw}")
        if source != "participants":
            out = step_total(log, "validate", source, edition, "rows_out")
            if step_total(log, "join", source, edition, "rows_in") != out:
                problems.append(f"{edition} {source}: join does not take in what validate let out")
    for a, b in zip(LMS_CHAIN, LMS_CHAIN[1:], strict=False):
        if step_total(log, a, "participants", edition, "rows_out") != step_total(
            log, b, "participants", edition, "rows_in"
        ):
            problems.append(f"{edition}: {b} does not take in what {a} let out")
    n_clean = int((clean["edition"] == edition).sum())
    if step_total(log, "merge_duplicates", "participants", edition, "rows_out") != n_clean:
        problems.append(f"{edition}: merge_duplicates lets out a number other than the {n_clean} clean participants")
    return problems


def test_balance_check_can_fail():
    log = pd.DataFrame(
        [
            ["drop_staff", "participants", "E", 10, 7, "staff", 2],
            ["drop_staff", "participants", "E", 10, 7, "test", 1],
            ["join", "grades", "E", 5, 4, "", 0],
            ["merge", "participants", "E", 6, 5, "", 1],
        ],
        columns=LOG_COLUMNS,
    )
    assert balance_problems(log) == [
        "('join', 'grades', 'E'): 5 in != 4 out + 0 dropped",
        "('merge', 'participants', 'E'): rows dropped without a reason",
    ]


def test_lms_cleaning_accounts_for_every_row(workflow_run):
    log = read_log(results_dir(workflow_run) / "clean/cleaning_log.csv")
    assert not balance_problems(log)  # every step of the combined log, survey steps included
    log = log[log["step"].isin([*LMS_CHAIN, "join"])]
    clean = pd.read_parquet(results_dir(workflow_run) / "clean/participants.parquet", columns=["edition"])
    editions = sorted(set(log["edition"]))
    assert editions == sorted(set(clean["edition"])) and len(editions) == 4
    problems = [p for e in editions for p in lms_problems(log, workflow_run, e, clean)]
    assert not problems, "\n".join(problems)


def test_evaluation_cleaning_accounts_for_every_row(workflow_run):
    log = read_log(results_dir(workflow_run) / "clean/cleaning_log_evaluation.csv")
    problems = balance_problems(log)
    for edition in sorted(set(log["edition"])):
        rel = f"raw/evaluation/{edition}.csv"
        if step_total(log, "stage_evaluation", rel, edition, "rows_in") != raw_records(workflow_run, rel):
            problems.append(f"{rel}: staging does not take in every record")
        clean = pd.read_parquet(results_dir(workflow_run) / f"clean/editions/{edition}/evaluation.parquet")
        if step_total(log, "clean_evaluation", rel, edition, "rows_out") != len(clean):
            problems.append(f"{rel}: clean_evaluation lets out {len(clean)} rows in the table")
    assert not problems, "\n".join(problems)


def followup_problems(root: Path) -> list[str]:
    log = read_log(results_dir(root) / "clean/cleaning_log_followup.csv")
    problems = balance_problems(log)
    clean = pd.read_parquet(results_dir(root) / "clean/followup.parquet", columns=["source_file"])
    for rel in sorted(set(log["source"])):
        if step_total(log, "stage_followup", rel, "", "rows_in") != raw_records(root, rel):
            problems.append(f"{rel}: staging does not take in every record")
        if step_total(log, "stage_followup", rel, "", "rows_out") != step_total(
            log, "clean_followup", rel, "", "rows_in"
        ):
            problems.append(f"{rel}: clean_followup does not take in what staging let out")
        if step_total(log, "clean_followup", rel, "", "rows_out") != int((clean["source_file"] == rel).sum()):
            problems.append(f"{rel}: clean_followup lets out a number other than its rows in followup.parquet")
    return problems


def test_followup_cleaning_accounts_for_every_row(workflow_run):
    problems = followup_problems(workflow_run)
    assert not problems, "\n".join(problems)


@pytest.fixture
def quarantine_run(request, tmp_path_factory):
    def go(case_id: str):
        case = BY_ID[case_id]
        full = request.getfixturevalue("workflow_run") if case.base else None
        outcome = corpus(tmp_path_factory).outcome(case, full)
        assert outcome.returncode == 0, outcome.output[-3000:]
        return outcome

    return go


@pytest.mark.parametrize(
    "case_id, source, step",
    [
        ("quarantine_grade_above_max", "grades", "validate"),
        ("quarantine_unknown_country", "participants", "harmonise"),
    ],
)
def test_quarantined_lms_row_is_accounted_for(case_id, source, step, quarantine_run):
    outcome = quarantine_run(case_id)
    ws = outcome.workspace
    log = read_log(results_dir(ws) / "clean/editions/2020-EN1/cleaning_log.csv")
    clean = pd.read_parquet(results_dir(ws) / "clean/editions/2020-EN1/participants.parquet", columns=["edition"])
    problems = lms_problems(log, ws, "2020-EN1", clean)
    assert not problems, "\n".join(problems)
    dropped = log[(log["step"] == step) & (log["source"] == source) & log["reason"].str.startswith("quarantined")]
    assert dropped["rows_dropped"].tolist() == [1], log.to_string()


def test_quarantined_followup_row_is_accounted_for(quarantine_run):
    ws = quarantine_run("quarantine_attribution_150").workspace
    problems = followup_problems(ws)
    assert not problems, "\n".join(problems)
    log = read_log(results_dir(ws) / "clean/cleaning_log_followup.csv")
    row = log[(log["step"] == "stage_followup") & (log["source"] == "raw/survey/followup-2020.csv")]
    assert row["rows_dropped"].tolist() == [1], log.to_string()
