"""A fifth language is configuration, not code: Portuguese (`pt`) is added to a copy of
config.yaml (a `languages` entry, a site preset, an edition, a survey language and the
feedback's "Response number" header) and to a hand-written XLSForm (`label::Portuguese
(pt)` columns); the configuration validates, and the codebook, the survey staging, the
clean schemas, the Moodle dates of the site and the report's labels accept it. No module
of the workflow is changed or patched here: the same code that reads en / es / fr / ar."""

import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml
from snakemake.utils import validate as validate_config
from test_codebook import xlsform

from lib import io as lib_io
from lib.codebook import FEEDBACK_CSV, Codebook, CodebookError, harmonise_feedback, stage_export
from lib.moodle_dates import parse_userdate
from lib.report_vars import Labels, course_variables, language_names, scope_sentence
from lib.vocabulary import config_problems, languages
from schemas.lms import clean_participants_schema
from schemas.survey import evaluation_clean_schema, followup_clean_schema, staging_schema

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))


def with_portuguese(config: dict) -> dict:
    """config.yaml plus Portuguese: the entries an analyst writes, nothing else."""
    cfg = copy.deepcopy(config)
    cfg["languages"]["pt"] = {"name": "Portuguese", "moodle_pack": "pt"}  # label suffix: "Portuguese (pt)"
    site = copy.deepcopy(cfg["sites"]["es"])  # a preset to start from; its texts would be Portuguese
    site["language_pack"] = "pt"
    site["langconfig"] = {"strftimedatetimeshort": "%d/%m/%Y, %H:%M",
                          "strftimedaydatetime": "%A, %d de %B de %Y, %H:%M", "labelsep": ": "}
    cfg["sites"]["pt"] = site
    cfg["editions"]["2022-PT1"] = {"year": 2022, "language": "pt", "site": "pt", "start": "2022-03-07"}
    cfg["scopes"]["2022"] = {"title": "2022 edition (Portuguese)", "editions": ["2022-PT1"], "followup_survey": None}
    cfg["evaluation"]["response_number"]["pt"] = "Número da resposta"
    cfg["followup_surveys"]["2020"]["languages"] = ["en", "es", "pt"]
    return cfg


EN, PT = "label::English (en)", "label::Portuguese (pt)"
SURVEY = [
    ["type", "name", EN, PT],
    ["select_one usefulness", "usefulness", "How useful was it?", "Quão útil foi?"],
    ["select_multiple challenge", "challenges", "Challenges", "Desafios"],
    ["text", "comments", "Comments", "Comentários"],
]
CHOICES = [
    ["list_name", "name", EN, PT],
    ["usefulness", "very", "Very useful", "Muito útil"],
    ["usefulness", "not", "Not useful", "Nada útil"],
    ["challenge", "funding", "Lack of funding", "Falta de fundos"],
    ["challenge", "time", "Lack of time", "Falta de tempo"],
]
SETTINGS = [["form_id", "version", "default_language"], ["eval_pt", "1", "English (en)"]]
# Moodle feedback "Show responses" anonymous download from the Portuguese site
FEEDBACK_PT = (
    '\ufeffNúmero da resposta,"Quão útil foi?",Desafios,Comentários\n'
    '11,"Muito útil","Falta de fundos   Falta de tempo","Ótimo curso"\n'
    '12,"Nada útil",,\n'
)


@pytest.fixture
def config():
    return with_portuguese(CONFIG)


@pytest.fixture
def vocabulary(config):
    return languages(config["languages"])


def feedback(tmp_path, text=FEEDBACK_PT) -> pd.DataFrame:
    path = tmp_path / "2022-PT1.csv"
    path.write_bytes(text.encode("utf-8"))
    return lib_io.read_export(path, header_map=None, source="2022-PT1.csv", **FEEDBACK_CSV)


def test_the_configuration_declares_portuguese(config, vocabulary):
    validate_config(copy.deepcopy(config), str(ROOT / "schemas" / "config.schema.yaml"))
    assert config_problems(config) == []
    assert vocabulary["pt"].name == "Portuguese" and vocabulary["pt"].label_column == PT
    # without the `languages` entry every use of pt is named
    bare = copy.deepcopy(config)
    del bare["languages"]["pt"]
    problems = "\n".join(config_problems(bare))
    assert "edition '2022-PT1' has language 'pt'" in problems
    assert "follow-up survey '2020' lists language 'pt'" in problems
    assert "site 'pt' has language_pack 'pt'" in problems


def test_a_portuguese_feedback_download_is_staged_and_cleaned(config, vocabulary, tmp_path):
    form = Codebook.read(xlsform(tmp_path / "eval.xlsx", SURVEY, CHOICES, SETTINGS), "evaluation", languages=vocabulary)
    assert form.languages == ("en", "pt")
    raw = feedback(tmp_path)
    coded, issues = harmonise_feedback(raw, form, "pt", response_number=config["evaluation"]["response_number"]["pt"])
    assert issues.empty
    valid, quarantined = stage_export(
        raw, coded, issues, schema=staging_schema(form, "evaluation"), source="2022-PT1.csv",
        title="header", rule="stage_evaluation", report_path=str(tmp_path / "report.csv"), on_invalid="stop",
    )
    assert quarantined.empty
    assert valid["usefulness"].tolist() == ["very", "not"]
    assert valid["challenges__funding"].tolist() == [True, pd.NA] and valid["challenges__time"].tolist() == [True, pd.NA]
    clean = valid.drop(columns="_line").assign(edition="2022-PT1", language="pt")
    evaluation_clean_schema(form, vocabulary.codes).validate(clean)
    # an answer that is no Portuguese option is named in Portuguese terms
    _, issues = harmonise_feedback(feedback(tmp_path, FEEDBACK_PT.replace("Nada útil", "Inútil")), form, "pt",
                                   response_number="Número da resposta")
    assert issues.iloc[0].message.endswith("in the codebook for Portuguese (language pt)")


def test_without_the_config_entry_the_portuguese_labels_are_not_read(config, tmp_path):
    four = languages(CONFIG["languages"])  # config.yaml as it is: en, es, fr, ar
    form = Codebook.read(xlsform(tmp_path / "eval.xlsx", SURVEY, CHOICES, SETTINGS), "evaluation", languages=four)
    assert form.languages == ("en",)
    with pytest.raises(CodebookError, match="no labels in language 'pt'"):
        harmonise_feedback(feedback(tmp_path), form, "pt", response_number="Número da resposta")


def test_clean_schemas_accept_pt_only_when_configured(vocabulary, tmp_path):
    lms_language = clean_participants_schema(vocabulary.codes).columns["language"]
    lms_language.validate(pd.DataFrame({"language": pd.Series(["pt", "en"], dtype="string")}))
    with pytest.raises(Exception, match="language"):
        clean_participants_schema(languages(CONFIG["languages"]).codes).columns["language"].validate(
            pd.DataFrame({"language": pd.Series(["pt"], dtype="string")}))
    form = Codebook.read(xlsform(tmp_path / "form.xlsx", SURVEY, CHOICES, SETTINGS), "followup", languages=vocabulary)
    followup = followup_clean_schema(form, ["2022-PT1"], vocabulary.codes, language_question="usefulness")
    followup.columns["form_language"].validate(pd.DataFrame({"form_language": pd.Series(["pt"], dtype="string")}))


def test_the_portuguese_site_reads_its_dates_and_the_report_names_the_language(config, vocabulary):
    # the site's Moodle pack gives the month and day names (CLDR, through Babel)
    fmt = config["sites"]["pt"]["langconfig"]["strftimedaydatetime"]
    parsed = parse_userdate(pd.Series(["segunda-feira, 7 de março de 2022, 10:05"]), fmt, vocabulary["pt"].moodle_pack)
    assert parsed.iloc[0] == pd.Timestamp("2022-03-07 10:05")
    # report: labels, the scope sentence and the course facts name Portuguese
    prose = yaml.safe_load((ROOT / "workflow" / "report" / "labels.yml").read_text(encoding="utf-8"))
    labels = Labels(prose, None, language_names(config))
    assert labels.get("edition_language", "pt") == "Portuguese"
    sentence, _ = scope_sentence(["2022-PT1"], config["editions"], language_names(config))
    assert sentence == "This story covers edition 2022\\-PT1, taught in Portuguese in 2022."  # markdown-escaped
    assert "one in Portuguese" in course_variables({**config, "scope": "2022"})["course"]["by_language"]
