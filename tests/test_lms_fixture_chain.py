"""The LMS chain on the hand-made fixture exports (tests/fixtures/raw, two editions: an
en_us site and a Spanish site with ';', BOM, day-first dates and decimal commas), with
every number computed by hand; and broken exports stop the workflow with a message that
names file, line, column and value. Runs Snakemake in temporary copies (marked e2e)."""

from pathlib import Path

import pandas as pd
import pytest
from conftest import copy_repo, run_snakemake

pytestmark = pytest.mark.e2e
CONFIG = ["--configfile", "tests/fixtures/config_fixture.yaml"]
TARGETS = ["results/metrics/participation.csv", "results/tables/box1_certificates.csv"]


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory) -> Path:
    workdir = copy_repo(tmp_path_factory.mktemp("fixture_run") / "repo")
    done = run_snakemake(workdir, *TARGETS, *CONFIG)
    assert done.returncode == 0, done.stderr[-4000:]
    return workdir / "results"


def values(results: Path) -> dict:
    df = pd.read_csv(results / "metrics" / "participation.csv", keep_default_na=False)
    return {(r.metric_id + (f":{r.level}" if r.level else "")): float(r.value) for r in df.itertuples()}


def test_hand_computed_metrics(fixture_run):
    v = values(fixture_run)
    # EN1: ana, bob, carla (2 accounts merged), dan, eve; teacher + test account dropped
    # ES1: luis, maria, ana (again), zoe; teacher + demo account dropped
    assert v["participants_total"] == 9 and v["unique_people"] == 8
    assert v["participants_by_edition:2020-EN1"] == 5 and v["participants_by_edition:2020-ES1"] == 4
    assert v["countries_total"] == 6  # MX, IN, EC (carla's second account), EE.UU., Perú, Palestina
    assert v["participants_by_country:ECU"] == 2 and v["participants_by_country:PSE"] == 1
    assert v["participants_country_not_recorded"] == 1
    assert [v[f"gender_count:{g}"] for g in ("female", "male", "other", "not_recorded")] == [4, 2, 1, 2]
    assert v["gender_share:female"] == pytest.approx(4 / 7)
    assert v["certificates_completion"] == 3 and v["certificates_participation"] == 2
    assert v["certificates_reconciliation:none_vs_completion"] == 1  # ana ES1: completed, 60, none issued
    assert v["certificates_completion_by_edition:2020-EN1"] == pytest.approx(2 / 5)


def test_cleaning_log_and_reports(fixture_run):
    log = pd.read_csv(fixture_run / "clean" / "cleaning_log_lms.csv", keep_default_na=False)
    en1 = log[(log["edition"] == "2020-EN1") & (log["source"] == "participants")].set_index("step")
    assert en1.loc["drop_staff", "rows_dropped"] == 1  # "Student, Teacher" is staff
    assert en1.loc["merge_duplicates", "rows_out"] == 5
    report = fixture_run / "validation" / "lms" / "2020-ES1" / "participants.csv"
    assert report.read_text(encoding="utf-8") == "file,line,column,value,check,message,rule\n"


def break_and_run(tmp_path, edition, source, old, new):
    workdir = copy_repo(tmp_path / "repo")
    path = workdir / "tests" / "fixtures" / "raw" / "lms" / edition / f"{source}.csv"
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    done = run_snakemake(workdir, *TARGETS, *CONFIG)
    assert done.returncode != 0
    assert not (workdir / "results" / "metrics" / "participation.csv").exists()
    return done.stdout + done.stderr, workdir


def test_unknown_country_stops_naming_file_line_value(tmp_path):
    out, workdir = break_and_run(tmp_path, "2020-ES1", "participants", "Palestina", "Palestinia")
    assert "tests/fixtures/raw/lms/2020-ES1/participants.csv:7, column 'country', value 'Palestinia'" in out
    assert "country_aliases.csv" in out
    kept = workdir / "results" / "validation" / "lms" / "2020-ES1" / "clean.failed.csv"
    assert "Palestinia" in kept.read_text(encoding="utf-8")


def test_bad_label_and_date_stop_at_staging(tmp_path):
    out, _ = break_and_run(tmp_path, "2020-EN1", "completion", 'Completed,"04/20/20, 12:00"', 'Done,"20/04/20, 12:00"')
    assert "completion.csv:2, column 'course_complete', value 'Done'" in out
    assert "completion.csv:2, column 'completion_date', value '20/04/20, 12:00'" in out


def test_wrong_delimiter_names_headers_found(tmp_path):
    workdir = copy_repo(tmp_path / "repo")
    path = workdir / "tests" / "fixtures" / "raw" / "lms" / "2020-EN1" / "certificates.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    done = run_snakemake(workdir, *TARGETS, *CONFIG)
    out = done.stdout + done.stderr
    assert done.returncode != 0
    assert "certificates.csv:1, column 'email'" in out and "delimiter is probably not ','" in out
