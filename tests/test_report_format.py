"""Unit tests of the report helpers on small hand-made frames (scripts/lib/report_*.py)."""

import hashlib

import pandas as pd
import pytest

from lib.report_annex import LevelNamer, annex_inputs, annex_metrics
from lib.report_blocks import (
    InterviewNoteError,
    box1_table,
    case_studies,
    figure1_note,
    figure_text,
    load_interview_notes,
    narrative_paragraph,
    plural,
    quarantine_variables,
    quarantined_rows,
    validate_note,
)
from lib.report_format import (
    MissingValue,
    fmt_count,
    fmt_interval,
    fmt_percent,
    fmt_value,
    join_words,
    number_words,
    round_half_up,
    sentence_number,
    sentence_start,
    spelled_number,
)
from lib.report_markdown import pipe_table
from lib.report_render import RenderError, choose_renderer, pandoc_command
from lib.report_vars import (
    Labels,
    level_key,
    metric_variables,
    mid_sentence,
    participation_text,
    ranked,
    ranked_with_other,
    scope_sentence,
    share_phrase,
)


def frame(rows):
    cols = ["metric_id", "level", "value", "numerator", "denominator", "unit", "ci_low", "ci_high", "rank"]
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows])


def test_counts_and_whole_per_cents_as_published():
    assert fmt_count(1681) == "1,681"
    assert fmt_count(82.0) == "82"
    assert fmt_percent(915 / 1614) == "57"  # 56.69
    assert fmt_percent(617 / 1614) == "38"  # 38.23
    assert fmt_percent(82 / 1614) == "5"  # 5.08
    assert fmt_value(68.2, "mean_percent") == "68"


def test_rounding_is_half_up_even_through_float_noise():
    assert round_half_up(0.5) == 1 and round_half_up(2.5) == 3  # Python's round gives 0 and 2
    assert fmt_percent(57 / 200) == "29"  # 0.285 is 0.28499999... as a float
    assert fmt_percent(0.2849) == "28"
    assert fmt_percent(0.125) == "13"


def test_missing_values_raise_with_the_metric_name():
    with pytest.raises(MissingValue, match="gender_share"):
        fmt_value(float("nan"), "share", "gender_share:female")
    with pytest.raises(ValueError, match="unknown unit"):
        fmt_value(1, "ratio")


def test_interval_and_lists():
    assert fmt_interval(0.751, 0.843, "share") == "75–84"
    assert fmt_interval(None, 0.8, "share") == ""
    assert join_words([]) == "" and join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b" and join_words(["a", "b", "c"]) == "a, b and c"
    assert number_words(3) == "three" and number_words(11) == "eleven" and number_words(1681) == "1,681"


def test_numbers_spelled_out_to_open_a_sentence():
    cases = {0: "zero", 7: "seven", 13: "thirteen", 21: "twenty-one", 80: "eighty", 100: "one hundred",
             105: "one hundred and five", 915: "nine hundred and fifteen", 1005: "one thousand and five",
             1681: "one thousand six hundred and eighty-one", 12240: "twelve thousand two hundred and forty",
             2_000_050: "two million and fifty"}
    assert {n: spelled_number(n) for n in cases} == cases
    assert sentence_number(80) == "Eighty" and sentence_number(0.5) == "One"  # half up, as every figure
    assert sentence_start("1,234 rows were") == "One thousand two hundred and thirty-four rows were"
    assert sentence_start("80") == "Eighty" and sentence_start("rows") == "Rows"


def test_metric_variables_nest_levels_and_format_by_unit():
    m = frame([
        ("participants_total", "", 1681, 1681, None, "count", None, None, None),
        ("gender_share", "female", 915 / 1614, 915, 1614, "share", None, None, None),
        ("respondent_comparison", "respondents.language=es", 0.333, 50, 150, "share", None, None, None),
        ("application_rate", "", 0.8, 192, 240, "share", 0.751, 0.843, None),
    ])
    m["level"] = m["level"].fillna("")
    v = metric_variables(m)
    assert v["participants_total"] == {"value": "1,681", "start": "One thousand six hundred and eighty-one",
                                       "numerator": "1,681", "denominator": "", "ci": ""}
    assert v["gender_share"]["female"] == {"value": "57", "start": "Fifty-seven", "numerator": "915",
                                           "denominator": "1,614", "ci": ""}
    assert v["respondent_comparison"]["respondents_language_es"]["value"] == "33"
    assert v["application_rate"]["ci"] == "75–84"
    assert level_key("a.b=c d") == "a_b_c_d"


def test_ranked_uses_rank_then_value_and_phrases_put_other_last():
    m = frame([
        ("topic_applied_share", "finance", 0.3, 30, 100, "share", None, None, 3),
        ("topic_applied_share", "barriers", 0.6, 60, 100, "share", None, None, 1),
        ("topic_applied_share", "legal", 0.5, 50, 100, "share", None, None, 2),
        ("sector_share", "other", 0.5, 5, 10, "share", None, None, None),
        ("sector_share", "ngo", 0.3, 3, 10, "share", None, None, None),
        ("sector_share", "corporate", 0.2, 2, 10, "share", None, None, None),
    ])
    assert list(ranked(m, "topic_applied_share")["level"]) == ["barriers", "legal", "finance"]
    labels = Labels({"sector": {"ngo": "NGOs"}})
    assert share_phrase(m, "sector_share", labels, "sector") == \
        "NGOs (30 per cent), corporate (20 per cent) and other (50 per cent)"
    with pytest.raises(KeyError, match="not_there"):
        ranked(m, "not_there")


def test_ranked_missing_last_ties_by_level_then_table_order():
    m = frame([
        ("x", "e", 0.5, 5, 10, "share", None, None, None),
        ("x", "d", None, None, 10, "share", None, None, 2),
        ("x", "c", 0.2, 2, 10, "share", None, None, 1),
        ("x", "a", 0.5, 5, 10, "share", None, None, None),
        ("x", "b", None, None, 10, "share", None, None, None),
        ("x", "a", 0.9, 9, 10, "share", None, None, None),
        ("y", "z", 0.1, 1, 10, "share", None, None, 1),
    ])
    out = ranked(m, "x")
    # by rank (1, 2), then the unranked by value, largest first, then by level, the missing
    # value last; each row keeps its index and its columns
    assert list(out["level"]) == ["c", "d", "a", "a", "e", "b"]
    assert list(out.index) == [2, 1, 5, 3, 0, 4]
    assert list(out.columns) == list(m.columns)


def test_labels_fall_back_to_codebook_then_code_and_are_escaped():
    codebook = pd.DataFrame({"list_name": ["sector"], "option_code": ["ngo"], "label_en": ["NGO <local>"]})
    labels = Labels({"sector": {"government": "government"}}, codebook)
    assert labels.get("sector", "government") == "government"
    assert labels.get("sector", "ngo") == "NGO \\<local\\>"
    assert labels.get("sector", "young_thing") == "young thing"


def test_box1_table_from_by_edition_metrics():
    rows = [("participants_total", "", 30, 30, None, "count", None, None, None),
            ("certificates_completion", "", 7, 7, None, "count", None, None, None),
            ("certificates_completion_share", "", 7 / 30, 7, 30, "share", None, None, None),
            ("certificates_participation", "", 9, 9, None, "count", None, None, None),
            ("certificates_participation_share", "", 9 / 30, 9, 30, "share", None, None, None)]
    for ed, n, c, p in [("E1", 10, 3, 4), ("E2", 20, 4, 5)]:
        rows += [("participants_by_edition", ed, n, n, None, "count", None, None, None),
                 ("certificates_completion_by_edition", ed, c / n, c, n, "share", None, None, None),
                 ("certificates_participation_by_edition", ed, p / n, p, n, "share", None, None, None)]
    table = box1_table(frame(rows).fillna({"level": ""}), ["E1", "E2"], {"E1": "English", "E2": "Spanish"})
    lines = table.splitlines()
    assert lines[2] == "| E1 | English | 10 | 3 | 30 | 4 | 40 |"
    assert lines[3] == "| E2 | Spanish | 20 | 4 | 20 | 5 | 25 |"
    assert lines[4] == "| **Total** |  | **30** | **7** | **23** | **9** | **30** |"


def test_pipe_table_checks_shape():
    assert pipe_table(["a", "b"], [["1", "2"]], "lr") == "| a | b |\n|:---|---:|\n| 1 | 2 |\n"
    with pytest.raises(ValueError):
        pipe_table(["a", "b"], [["1"]])


def note(**kw):
    base = {"slug": "ana", "name": "Ana <b>", "short_name": "Ana", "consent_to_publish": True,
            "role": "Owner of a café", "city": "Madrid", "country": "ESP", "origin_country": "VEN",
            "headline": "H", "edition_language": "es", "years_in_host_country": 3, "module_most_useful": 3,
            "figures": {"plans": {"value": 1500, "unit": "business plan"},
                        "months": {"value": 3, "unit": "month"},
                        "companies": {"value": 2, "unit": "company"},
                        "since": {"value": 1950, "unit": "decade"},
                        "year": {"value": 2021, "unit": "calendar year"}},
            "narrative": ["Ana came {years_in_host_country} ago, after {months} of support."],
            "quotes": []}
    return base | kw


PROSE = {"module_order": ["contributions", "barriers", "finance"], "topic": {"finance": "improving access to finance"}}
NAMES = {"en": "English", "es": "Spanish", "fr": "French"}  # language names, as config.yaml `languages` gives them


def test_case_studies_only_with_consent_and_escaped():
    notes = [note(),
             {"name": "Secret", "consent_to_publish": False},
             {"name": "Also secret", "consent_to_publish": "yes"}]  # only a real `true` counts
    text = case_studies(notes, lambda iso: {"ESP": "Spain", "VEN": "Venezuela"}[iso], PROSE, NAMES)
    assert text.startswith("### H\n\n***Ana \\<b\\>** · Owner of a café · Madrid, Spain · Course taken in Spanish*\n")
    assert "Ana came three years ago\\, after three months of support\\." in text
    assert "Secret" not in text and "Two further interview notes were left out" in text


def test_case_study_placeholders_write_figures_with_their_units():
    paragraph = ("{plans} plans? No: {plans}. His {companies} date from the {since}; in {year} "
                 "{module_most_useful} helped, {months:number} times. {months} passed. [¡hola!]{lang=es} and {companies:number}.")
    text = narrative_paragraph(note(), paragraph, PROSE)
    assert text.startswith("One thousand five hundred business plans plans\\? No\\: 1\\,500 business plans\\.")
    assert "His two companies date from the 1950s\\; in 2021 module 3 \\(improving access to finance\\) helped\\, three times" in text
    assert "times\\. Three months passed\\." in text
    assert "*[¡hola\\!]{lang=es}* and two\\." in text
    assert figure_text(note(), "module_most_useful", False, True, {}) == "Module 3"


def test_case_study_quote_needs_consent_and_marks_its_language():
    quotes = [{"text": "No.", "language": "en", "consent": False},
              {"text": "Aprendí mucho.", "language": "es", "translation": "I learnt a lot.", "consent": True},
              {"text": "Second.", "language": "en", "consent": True}]
    text = case_studies([note(quotes=quotes)], lambda iso: "Spain", PROSE)
    assert "> ::: {lang=es}\n> “Aprendí mucho\\.”\n> :::" in text
    assert "*Translation:* I learnt a lot\\." in text and "— Ana \\<b\\>" in text
    assert "No\\." not in text and "Second" not in text  # one quote per case, only with consent


@pytest.mark.parametrize(("change", "key"), [
    ({"figures": {"months": {"value": "3", "unit": "month"}}}, "figures.months.value"),
    ({"figures": {"months": {"value": 3}}}, "figures.months.unit"),
    ({"figures": {"since": {"value": 1955, "unit": "decade"}}}, "figures.since.value"),
    ({"narrative": ["After {weeks} of support."]}, "narrative[0]"),
    ({"narrative": ["A {stray brace."]}, "narrative[0]"),
    ({"years_in_host_country": None}, "narrative[0]"),
    ({"module_most_useful": 7}, "module_most_useful"),
    ({"country": "Spain"}, "country"),
    ({"slug": "someone-else"}, "slug"),
    ({"organisation": "O"}, "organisation"),
    ({"quotes": [{"text": "Hola.", "language": "es", "consent": True}]}, "quotes[0].translation"),
    ({"quotes": [{"text": "Hi.", "language": "en", "consent": "yes"}]}, "quotes[0].consent"),
])
def test_note_validation_names_file_and_key(change, key):
    with pytest.raises(InterviewNoteError) as err:
        validate_note(note(**change), "raw/interviews/ana.yaml")
    assert str(err.value).startswith(f"raw/interviews/ana.yaml, key '{key}': ")
    validate_note(note(), "raw/interviews/ana.yaml")


def test_notes_are_validated_when_read(tmp_path):
    (tmp_path / "ana.yaml").write_text("name: Ana\nconsent_to_publish: true\nrole: x\n", encoding="utf-8")
    with pytest.raises(InterviewNoteError, match=r"ana\.yaml, key 'slug': missing"):
        load_interview_notes([tmp_path / "ana.yaml"])


def test_units_plural():
    assert [plural(u, 2) for u in ("month", "company", "business plan", "day", "match")] == [
        "months", "companies", "business plans", "days", "matches"]
    assert plural("company", 1) == "company" and plural("person", 2, "people") == "people"


def test_annex_inputs_hashes_files(tmp_path):
    (tmp_path / "b.csv").write_bytes(b"abc")
    (tmp_path / "a.csv").write_bytes(b"")
    table = annex_inputs([str(tmp_path / "b.csv"), str(tmp_path / "a.csv")])
    lines = table.splitlines()
    assert lines[2].startswith(f"| `{(tmp_path / 'a.csv').as_posix()}` | 0 | `{hashlib.sha256(b'').hexdigest()}`")
    assert hashlib.sha256(b"abc").hexdigest() in lines[3] and "| 3 |" in lines[3]


def test_figure1_note_names_countries_not_drawn():
    notes = pd.DataFrame({"country_iso3": ["SGP", "BHR"], "participants": ["2", "1"]})
    names = {"SGP": "Singapore", "BHR": "Bahrain"}
    text = [p for p in figure1_note(notes, names.__getitem__).split("\n\n") if not p.startswith("```")]
    assert len(text) == 2 and text[0].endswith("Bahrain (1) and Singapore (2).")
    assert text[1].startswith("The boundaries and names shown") and text[1].endswith("United Nations.")
    assert text[1] in figure1_note(pd.DataFrame(), names.__getitem__)  # the disclaimer is always there


def test_renderer_choice():
    assert choose_renderer("auto", None) == "pandoc"
    assert choose_renderer("auto", (1, 3, 450)) == "pandoc"
    assert choose_renderer("auto", (1, 5, 57)) == "quarto"
    assert choose_renderer("pandoc", (1, 5, 57)) == "pandoc"
    with pytest.raises(RenderError, match="no quarto on PATH"):
        choose_renderer("quarto", None)
    with pytest.raises(ValueError, match="expected one of"):
        choose_renderer("latex", None)


def test_pandoc_commands_use_all_filters_and_self_contained_html():
    html = pandoc_command("pandoc", "html", "out.html")
    assert "--embed-resources" in html and "--standalone" in html
    assert [html[i + 1] for i, a in enumerate(html) if a == "--lua-filter"] == [
        "filters/conditional.lua", "filters/shortcodes.lua", "filters/callouts.lua", "filters/figures.lua"]
    typ = pandoc_command("pandoc", "typst", "out.typ")
    assert typ[typ.index("--template") + 1] == "templates/report.typst"


def test_an_edition_without_evaluation_responses_is_skipped_with_a_note():
    m = frame([
        ("intention_to_use_by_edition", "2020-EN1", float("nan"), 0, 0, "share", None, None, None),
        ("intention_to_use_by_edition", "2020-EN2", 0.96, 192, 200, "share", None, None, None),
        ("intention_to_use_by_edition", "2020-ES1", 0.97, 194, 200, "share", None, None, None),
        ("intention_to_use_mean", "", 0.965, 1.93, 2, "share", None, None, None),
        ("participants_by_country", "ECU", 5, 5, None, "count", None, None, 1),
    ])
    v = metric_variables(m)
    assert set(v["intention_to_use_by_edition"]) == {"2020-EN2", "2020-ES1"} and v["intention_to_use_mean"]["value"] == "97"
    text = participation_text(m, lambda code: {"ECU": "Ecuador"}[code])
    assert text["intention_range"] == "from 96 to 97 per cent"
    assert text["intention_note"] == "Edition 2020\\-EN1 had no evaluation responses and is left out of this mean."
    with pytest.raises(MissingValue):  # a missing value with something to count over still stops
        metric_variables(frame([("gender_share", "female", float("nan"), 3, 10, "share", None, None, None)]))
    registry = {"intention_to_use_by_edition": {"label": "Intention", "definition": "d", "interval": "none",
                                                "rounding": "whole per cent", "breakdown": "edition", "unit": "share",
                                                "stage": "reaction"}}
    text = annex_metrics(registry, m, LevelNamer({}, Labels({}), str))
    assert "| 2020\\-EN1 | no value (nothing to count: no responses) |" in text


def test_every_edition_with_responses_has_the_default_note():
    m = frame([("intention_to_use_by_edition", "2020-EN2", 0.96, 192, 200, "share", None, None, None),
               ("participants_by_country", "ECU", 5, 5, None, "count", None, None, 1)])
    assert participation_text(m, lambda c: "Ecuador")["intention_note"] == "Every edition had evaluation responses."


def test_quarantine_count_and_phrase(tmp_path):
    (tmp_path / "a.csv").write_text("source,line,reason,record\ngrades,4,too high,{}\nparticipants,9,x,{}\n")
    (tmp_path / "b.csv").write_text("source,line,reason,record\n")
    assert quarantined_rows([tmp_path / "a.csv", tmp_path / "b.csv"]) == 2
    assert quarantine_variables(2) == {"count": "2", "rows": "Two rows were"}
    assert quarantine_variables(1)["rows"] == "One row was"
    assert quarantine_variables(1234)["rows"] == "One thousand two hundred and thirty-four rows were"


def test_scope_sentence_names_each_edition_once():
    editions = {"A1": {"year": 2020, "language": "en"}, "A2": {"year": 2020, "language": "en"},
                "B1": {"year": 2020, "language": "es"}, "C1": {"year": 2021, "language": "fr"}}
    assert scope_sentence(["A1", "B1", "A2"], editions, NAMES) == (
        "This story covers the three editions of 2020: two in English (A1 and A2) and one in Spanish (B1).",
        "the three editions of 2020")
    assert scope_sentence(["A1", "C1"], editions, NAMES)[1] == "the two editions of 2020 and 2021"
    assert scope_sentence(["A1", "A2"], editions, NAMES)[0] == "This story covers the two editions of 2020, all taught in English: A1 and A2."
    assert scope_sentence(["C1"], editions, NAMES) == ("This story covers edition C1, taught in French in 2021.", "edition C1")


def test_labels_read_in_mid_sentence_keep_proper_nouns():
    assert [mid_sentence(x) for x in ("Legal support", "NGO officers", "United Nations agencies",
                                      "government", "PhD students")] == [
        "legal support", "NGO officers", "United Nations agencies", "government", "PhD students"]
    codebook = pd.DataFrame({"list_name": ["topic", "group", "group"], "option_code": ["finance", "es", "pt"],
                             "label_en": ["Improving access to finance", "Spanish speakers", "Portuguese speakers"]})
    assert Labels({}, codebook).get("topic", "finance") == "improving access to finance"
    # the names of the configured languages are proper adjectives: they keep their capital
    labels = Labels({}, codebook, {**NAMES, "pt": "Portuguese"})
    assert [labels.get("group", c) for c in ("es", "pt")] == ["Spanish speakers", "Portuguese speakers"]
    assert Labels({}, codebook).get("group", "pt") == "portuguese speakers"  # an unconfigured language does not
    assert labels.get("edition_language", "pt") == "Portuguese" and labels.language("xx") == "xx"


def test_other_answers_get_a_clause_of_their_own():
    m = frame([("career_stage_share", "other", 0.06, 6, 100, "share", None, None, None),
               ("career_stage_share", "student", 0.54, 54, 100, "share", None, None, None),
               ("career_stage_share", "senior", 0.40, 40, 100, "share", None, None, None)])
    assert ranked_with_other(m, "career_stage_share", Labels({}), "career_stage", "were at another stage") == \
        "student (54 per cent) and senior (40 per cent); 6 per cent were at another stage"
    only_other = m[m["level"] == "other"]
    assert ranked_with_other(only_other, "career_stage_share", Labels({}), "career_stage", "x") == "other (6 per cent)"
