"""`make report-bundle`: Snakemake's own report over the published outputs (report() with
captions) builds from a finished run and carries the figures, tables and the report."""

import zipfile

import pytest
from conftest import RESULTS, results_dir, run_snakemake

pytestmark = pytest.mark.e2e


def test_snakemake_report_bundle_has_the_published_outputs(workflow_run):
    done = run_snakemake(workflow_run, "--report", f"{RESULTS}/workflow-report.zip")
    assert done.returncode == 0, done.stderr[-3000:]
    names = zipfile.ZipFile(results_dir(workflow_run) / "workflow-report.zip").namelist()
    for expected in ("figure1_world_map.png", "figure2_respondent_profile.png", "topics_applied.png",
                     "box1_certificates.csv", "box2_quotes.csv", "impact_story.html", "impact_story.pdf",
                     "technical_annex.html", "technical_annex.pdf"):
        assert any(n.endswith("/" + expected) for n in names), expected
    assert any(n.endswith("report.html") for n in names)
