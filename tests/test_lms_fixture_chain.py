"""The LMS chain on the hand-written fixture exports in Moodle 4.x layouts
(tests/fixtures/raw/lms, README there names the Moodle source of each layout; two
editions: en preset, es preset with Spanish long dates), with every number computed by
hand; and broken exports stop the workflow with a message that names file, line, column
and value. Runs Snakemake in temporary copies (marked e2e)."""

from pathlib import Path

import pandas as pd
import pytest
from conftest import copy_repo, results_dir, run_snakemake

pytestmark = pytest.mark.e2e
CONFIG = ["--configfile", "tests/fixtures/config_fixture.yaml"]
SCOPE = "fixture"  # the fixture config's scope: its outputs are under results/fixture/
TARGETS = [f"results/{SCOPE}/metrics/participation.csv", f"results/{SCOPE}/tables/box1_certificates.csv"]


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory) -> Path:
    workdir = copy_repo(tmp_path_factory.mktemp("fixture_run") / "repo")
    done = run_snakemake(workdir, *TARGETS, *CONFIG)
    assert done.returncode == 0, done.stderr[-4000:]
    return results_dir(workdir, SCOPE)


def values(results: Path) -> dict:
    df = pd.read_csv(results / "metrics" / "participation.csv", keep_default_na=False)
    return {(r.metric_id + (f":{r.level}" if r.level else "")): float(r.value) for r in df.itertuples()}


def test_hand_computed_metrics(fixture_run):
    v = values(fixture_run)
    # EN1: ana, bob, carla (2 accounts merged), dan, eve; teacher + test account dropped;
    #      carla.b (suspended) and eve (not current) are in no completion/grades export
    # ES1: luis, maria, ana (again), zoe; teacher + demo account dropped; zoe suspended
    assert v["participants_total"] == 9 and v["unique_people"] == 8
    assert v["participants_by_edition:2020-EN1"] == 5 and v["participants_by_edition:2020-ES1"] == 4
    # Moodle's names: Mexico, India, Ecuador (carla's second account), United States, Perú,
    # "Palestina, Estado de"
    assert v["countries_total"] == 6
    assert v["participants_by_country:ECU"] == 2 and v["participants_by_country:PSE"] == 1
    assert v["participants_country_not_recorded"] == 1
    assert [v[f"gender_count:{g}"] for g in ("female", "male", "other", "not_recorded")] == [4, 2, 1, 2]
    assert v["gender_share:female"] == pytest.approx(4 / 7)
    assert v["certificates_completion"] == 3 and v["certificates_participation"] == 2
    assert v["certificates_reconciliation:none_vs_completion"] == 1  # ana ES1: completed, 60, none issued
    # carla: completion certificate on her suspended account, participation on the other
    assert v["certificates_reconciliation:completion_vs_completion"] == 3
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
    path = workdir / "tests" / "fixtures" / "raw" / "lms" / edition / f"{source}.csv"  # source: the file's stem
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    done = run_snakemake(workdir, *TARGETS, *CONFIG)
    assert done.returncode != 0
    assert not (results_dir(workdir, SCOPE) / "metrics" / "participation.csv").exists()
    return done.stdout + done.stderr, workdir


def test_unknown_country_stops_naming_file_line_value(tmp_path):
    out, workdir = break_and_run(tmp_path, "2020-ES1", "participants", "Palestina", "Palestinia")
    assert "tests/fixtures/raw/lms/2020-ES1/participants.csv:7, column 'country', value 'Palestinia, Estado de'" in out
    assert "country_aliases.csv" in out
    kept = results_dir(workdir, SCOPE) / "validation" / "lms" / "2020-ES1" / "clean.failed.csv"
    assert "Palestinia" in kept.read_text(encoding="utf-8")


def test_state_string_and_month_first_date_stop_at_staging(tmp_path):
    # 'Course complete' holds a date or nothing; en's short format is day first
    out, _ = break_and_run(
        tmp_path, "2020-EN1", "completion", '"20/04/20, 12:00","20/04/20, 12:00"', '"20/04/20, 12:00",Completed'
    )
    assert "completion.csv:2, column 'course_complete', value 'Completed'" in out


def test_wrong_weekday_stops_at_staging(tmp_path):
    out, _ = break_and_run(tmp_path, "2020-ES1", "participants", "lunes, 6 de julio", "martes, 6 de julio")
    assert "participants.csv:2, column 'time_enrolled', value 'martes, 6 de julio de 2020, 09:00'" in out


def test_active_learner_missing_from_grades_stops(tmp_path):
    out, _ = break_and_run(
        tmp_path, "2020-EN1", "grades", "Bob,Li,,,,bob@mail.org,10.00,10.00,-,-,-,20.00,1609459200\n", ""
    )
    # bob's record starts on line 4 (ana's occupation cell holds a line break)
    assert "tests/fixtures/raw/lms/2020-EN1/participants.csv:4, column 'email'" in out
    assert "absent from the grades export" in out and "bob@mail.org" not in out


def test_wrong_delimiter_names_headers_found(tmp_path):
    workdir = copy_repo(tmp_path / "repo")
    path = workdir / "tests" / "fixtures" / "raw" / "lms" / "2020-EN1" / "customcert-completion.csv"
    # saved again by a spreadsheet with ';' and no quotes
    path.write_text(path.read_text(encoding="utf-8").replace('"', "").replace(",", ";"), encoding="utf-8")
    done = run_snakemake(workdir, *TARGETS, *CONFIG)
    out = done.stdout + done.stderr
    assert done.returncode != 0
    assert "customcert-completion.csv:1, column 'email'" in out and "delimiter is probably not ','" in out
