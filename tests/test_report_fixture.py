"""A small hand-made input set for the report tests (metrics, quotes, interviews, figures).

The metric values are the published 2020 figures (1,681 participants, 124 countries,
915 / 617 / 82 by gender ...) spread over hand-chosen numerators and denominators, so
the tests can check that the rendered report prints exactly these. Other report tests
import `build_inputs` / `render` from here; the tests at the bottom check the fixture
itself adds up.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import yaml

from lib.countries import UnNames
from lib.registry import load_registry
from lib.report_blocks import write_generated
from lib.report_render import prepare_build, render_pandoc
from lib.report_vars import Labels, language_names

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "workflow" / "report"
EDITIONS_2020 = ["2020-EN1", "2020-EN2", "2020-ES1", "2020-EN3"]
GENERATED = ["scope", "cover", "box1", "box2", "case_studies", "figure1_note",
             "annex_metrics", "annex_reference", "annex_inputs", "annex_quarantine", "annex_comparison"]
YAML_GENERATED = ("scope", "cover")
FIGURES = ["figure1_world_map.png", "figure2_respondent_profile.png", "application_by_group.png", "topics_applied.png"]

INJECTION = ('<script>alert("x")</script> <b>bold</b> #set page(fill: red) @fig-map $x$ '
             '{{< var m.participants_total.value >}} | `code` [link](http://evil.example) \\')


def _row(metric_id, level="", value=None, num=None, den=None, unit="share", lo=None, hi=None, rank=None):
    if value is None and num is not None and den:
        value = num / den
    if unit == "count":
        num = value
    return {"metric_id": metric_id, "level": level, "value": value, "numerator": num, "denominator": den,
            "unit": unit, "ci_low": lo, "ci_high": hi, "rank": rank}


EDITIONS_2021 = ["2021-EN4", "2021-EN5", "2021-ES2", "2021-ES3", "2021-FR1", "2021-AR1", "2021-AR2"]


def participation_rows_2021() -> list[dict]:
    """Participation and reaction metrics of the 2021 scope (no follow-up survey)."""
    rows = participation_rows()
    rows = [r for r in rows if not r["metric_id"].endswith("_by_edition")]
    for i, ed in enumerate(EDITIONS_2021):
        n = 200 + 10 * i
        rows += [_row("participants_by_edition", ed, value=n, unit="count"),
                 _row("certificates_completion_by_edition", ed, num=50 + i, den=n),
                 _row("certificates_participation_by_edition", ed, num=60 + i, den=n),
                 _row("intention_to_use_by_edition", ed, num=90 + i, den=100)]
    return rows


def participation_rows() -> list[dict]:
    rows = [_row("participants_total", value=1681, unit="count"),
            _row("unique_people", value=1650, unit="count"),
            _row("countries_total", value=124, unit="count"),
            _row("participants_country_not_recorded", value=12, unit="count")]
    per_edition = {"2020-EN1": (500, 140, 145), "2020-EN2": (420, 118, 122),
                   "2020-ES1": (461, 129, 134), "2020-EN3": (300, 84, 86)}
    for ed, (n, comp, part) in per_edition.items():
        rows += [_row("participants_by_edition", ed, value=n, unit="count"),
                 _row("certificates_completion_by_edition", ed, num=comp, den=n),
                 _row("certificates_participation_by_edition", ed, num=part, den=n)]
    rows += [_row("participants_by_language", "en", value=1220, unit="count"),
             _row("participants_by_language", "es", value=461, unit="count"),
             _row("participants_by_year", "2020", value=1681, unit="count")]
    for rank, (iso, n) in enumerate([("ECU", 230), ("MEX", 181), ("IND", 120), ("COL", 95), ("SGP", 2)], 1):
        rows.append(_row("participants_by_country", iso, value=n, unit="count", rank=rank))
    for g, n in {"female": 915, "male": 617, "other": 82, "not_recorded": 67}.items():
        rows.append(_row("gender_count", g, value=n, unit="count"))
        if g != "not_recorded":
            rows.append(_row("gender_share", g, num=n, den=1614))
    rows += [_row("certificates_completion", value=471, unit="count"),
             _row("certificates_completion_share", num=471, den=1681),
             _row("certificates_participation", value=487, unit="count"),
             _row("certificates_participation_share", num=487, den=1681),
             _row("certificates_reconciliation", "completion_vs_completion", value=468, unit="count"),
             _row("certificates_reconciliation", "completion_vs_participation", value=3, unit="count")]
    for ed, (yes, n) in zip(EDITIONS_2020, [(96, 100), (97, 100), (98, 100), (97, 100)], strict=True):
        rows.append(_row("intention_to_use_by_edition", ed, num=yes, den=n))
    rows.append(_row("intention_to_use_mean", value=0.97, num=3.88, den=4))
    return rows


def application_rows() -> list[dict]:
    rows = [_row("survey_respondents", value=240, unit="count"),
            _row("survey_response_rate", num=240, den=1681),
            _row("respondents_by_edition_language", "es", num=84, den=240, lo=0.30, hi=0.40),
            _row("respondents_by_edition_language", "en", num=156, den=240, lo=0.60, hi=0.70),
            _row("application_rate", num=192, den=240, lo=0.751, hi=0.843),
            _row("importance_top2", num=194, den=240, lo=0.76, hi=0.85),
            _row("attribution_mean", value=68.2, num=12958, den=190, unit="mean_percent"),
            _row("respondents_linked", num=150, den=240),
            _row("respondent_comparison", "respondents.language=es", num=50, den=150),
            _row("respondent_comparison", "respondents.language=en", num=100, den=150),
            _row("respondent_comparison", "participants.language=es", num=461, den=1681),
            _row("respondent_comparison", "participants.language=en", num=1220, den=1681),
            _row("respondent_comparison", "respondents.gender=female", num=88, den=146),
            _row("respondent_comparison", "participants.gender=female", num=915, den=1614),
            _row("respondent_comparison", "respondents.certificate=completion", num=83, den=150),
            _row("respondent_comparison", "participants.certificate=completion", num=471, den=1681)]
    shares = {
        "relationship_share": {"professional": 105, "interested": 77, "researcher": 24,
                               "migrant_entrepreneur": 17, "other": 17},
        "career_stage_share": {"young_professional": 96, "mid_career": 79, "senior": 36, "student": 17, "other": 12},
        "sector_share": {"government": 60, "international_organization": 48, "ngo": 47, "academia": 29,
                         "independent_consultant": 24, "entrepreneur": 18, "corporate": 5, "other": 9},
    }
    for metric_id, counts in shares.items():
        rows += [_row(metric_id, lvl, num=k, den=240) for lvl, k in counts.items()]
    groups = {"professional": (95, 105), "interested": (57, 77), "researcher": (17, 24),
              "migrant_entrepreneur": (15, 17), "other": (8, 17)}
    rows += [_row("application_rate_by_relationship", g, num=y, den=n) for g, (y, n) in groups.items()]
    rows += [_row("application_rate_by_career_stage", "student", num=14, den=17),
             _row("application_rate_by_edition_language", "es", num=70, den=84)]
    ranked = {
        "topic_applied_share": ["barriers", "strategies", "legal", "contributions", "finance"],
        "challenge_share": ["funding", "hierarchy", "time", "other", "no_opportunity"],
        "recommendation_share": ["promote_government", "practitioner_experiences", "recorded_videos",
                                 "live_session", "other"],
        "followup_topic_share": ["climate_migration", "managerial_skills", "business_plan_sustainability",
                                 "local_experiences", "other"],
    }
    for metric_id, levels in ranked.items():
        den = 192 if metric_id == "topic_applied_share" else 240
        for rank, (lvl, k) in enumerate(zip(levels, [119, 96, 80, 60, 12], strict=True), 1):
            rows.append(_row(metric_id, lvl, num=k, den=den, rank=rank))
    return rows


def metrics_frame(scope: str = "2020") -> pd.DataFrame:
    rows = participation_rows() + application_rows() if scope == "2020" else participation_rows_2021()
    return pd.DataFrame(rows)


def quotes_frame(extra_text: str = INJECTION) -> pd.DataFrame:
    return pd.DataFrame([
        {"response_id": "ES-0007", "role": "Government officer", "country": "MEX", "language": "es",
         "text": "He mejorado las entrevistas a solicitantes de refugio.",
         "translation": "I have improved my interviews with refugee applicants."},
        {"response_id": "EN-0012", "role": "Officer in an international organization", "country": "COD",
         "language": "en", "text": extra_text, "translation": ""},
    ])


def interview_notes() -> list[dict]:
    base = {"consent_to_publish": True, "edition_language": "en", "origin_country": None,
            "years_in_host_country": None, "module_most_useful": None, "figures": {}, "quotes": []}
    return [
        dict(base, slug="william", name="William Example", short_name="William", role="Project manager at an NGO",
             city="San José", country="CRI", origin_country="NIC", headline="Business skills for others",
             years_in_host_country=3, edition_language="es",
             figures={"projects_coordinated": {"value": 3, "unit": "project"},
                      "business_plans_supported": {"value": 50, "unit": "business plan"},
                      "business_plans_matured": {"value": 10, "unit": "business plan"}},
             narrative=["William moved {years_in_host_country} ago. He has coordinated {projects_coordinated} "
                        "and supported some {business_plans_supported}. {business_plans_matured} have matured; "
                        "classes run in [aulas tecnológicas]{lang=es}."],
             quotes=[{"text": "Aprendí mucho.", "language": "es", "translation": "I learnt a lot.",
                      "consent": True}]),
        dict(base, slug="chayan", name="Chayan Example", short_name="Chayan", role="Lecturer at a law college",
             city="Kolkata", country="IND", headline="Teaching migration",
             figures={"session_planned_year": {"value": 2021, "unit": "calendar year"}},
             narrative=["Chayan plans a session for {session_planned_year}."],
             quotes=[{"text": "Not for print.", "language": "en", "consent": False}]),
        dict(base, slug="eleutherius", name="Eleutherius Example", short_name="Eleutherius",
             role="Entrepreneur", city="Madrid", country="ESP", origin_country="GRC",
             headline="A family business, rebuilt", years_in_host_country=3, module_most_useful=3,
             figures={"companies": {"value": 2, "unit": "company"},
                      "since": {"value": 1950, "unit": "decade"}},
             narrative=["His {companies} date from the {since}; {module_most_useful} helped most."]),
        {"slug": "withheld", "name": "Hidden Person", "consent_to_publish": False},
    ]


def tiny_png(path: Path, colour: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 2.5), dpi=60)
    ax.bar(["a", "b", "c"], [3, 2, 1], color=colour)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    path.write_bytes(buf.getvalue())


def load_config(scope: str = "2020") -> dict:
    with open(ROOT / "config.yaml", encoding="utf-8") as fh:
        config = yaml.safe_load(fh)
    return {"scope": scope, "scopes": config["scopes"], "languages": config["languages"], "editions": config["editions"],
            "report": config["report"]}


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# the latest record of the fixture's data (the cover's date of the data)
LATEST = date(2021, 5, 21)


def build_inputs(tmp: Path, scope: str = "2020", metrics: pd.DataFrame | None = None,
                 quotes: pd.DataFrame | None = None) -> dict:
    """Write the generated report inputs for `scope` into tmp/generated; returns paths."""
    tmp.mkdir(parents=True, exist_ok=True)
    gen = tmp / "generated"
    out = {"variables": gen / "_variables.yml", **{n: gen / f"{n}.{'yml' if n in YAML_GENERATED else 'md'}"
                                                   for n in GENERATED}}
    figures = tmp / "figures"
    figures.mkdir(exist_ok=True)
    for i, name in enumerate(FIGURES):
        tiny_png(figures / name, ["#0a4a8a", "#d95f02", "#1b9e77", "#7570b3"][i])
    (tmp / "raw").mkdir(exist_ok=True)
    (tmp / "raw" / "export.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    prose = yaml.safe_load((PROJECT / "labels.yml").read_text(encoding="utf-8"))
    with contextlib.chdir(tmp):  # input paths are relative, as in a workflow run
        write_generated(
            out, metrics=metrics if metrics is not None else metrics_frame(scope),
            registry=load_registry(ROOT / "resources" / "metric_registry.yaml"), config=load_config(scope),
            labels=Labels(prose, None, language_names(load_config(scope))), prose=prose, notes=interview_notes(),
            quotes=quotes if quotes is not None else quotes_frame(),
            figure1_notes=pd.DataFrame({"country_iso3": ["SGP"], "participants": ["2"]}),
            provenance=["raw/export.csv"], has_followup=(scope == "2020"), country_name=UnNames(ROOT / "resources" / "un_m49.csv"),
            level_labels=load_yaml(ROOT / "resources" / "metric_registry.yaml")["level_labels"],
            claims=load_yaml(ROOT / "published" / "claims.yaml"), latest=LATEST)
    out["figures"] = [figures / n for n in (FIGURES if scope == "2020" else FIGURES[:1])]
    return out


def render(tmp: Path, document: str = "impact_story.qmd", **kwargs) -> tuple[str, bytes, Path]:
    """Build inputs and render `document` (the Impact Story or the technical annex) with the
    Pandoc path; returns (html text, pdf bytes, build dir)."""
    paths = build_inputs(tmp / "inputs", **kwargs)
    build = prepare_build(tmp / "build", PROJECT, paths["variables"], [paths[n] for n in GENERATED], paths["figures"],
                          document=document)
    log = io.StringIO()
    html, pdf = render_pandoc(build, log, document)
    return html.read_text(encoding="utf-8"), pdf.read_bytes(), build


def test_fixture_adds_up():
    m = metrics_frame()
    by_ed = m[m["metric_id"] == "participants_by_edition"]["value"].sum()
    assert by_ed == 1681
    comp = m[m["metric_id"] == "certificates_completion_by_edition"]["numerator"].sum()
    assert comp == 471
    genders = m[(m["metric_id"] == "gender_count") & (m["level"] != "not_recorded")]["value"].sum()
    assert genders == 1614


def test_fixture_renders_without_build_leftovers(tmp_path):
    html, pdf, build = render(tmp_path)
    assert html.startswith("<!DOCTYPE html>")
    assert pdf.startswith(b"%PDF-")
    shutil.rmtree(build)
