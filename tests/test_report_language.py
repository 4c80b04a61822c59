"""UN editorial style in the rendered report (scripts/lib/report_lint.py, rendered-text lints):
no sentence opens with a numeral, and Oxford spelling (-ize, "per cent", "programme").

The lints read the HTML a reader sees, so the generated sentences (variables, case studies)
are checked with the hand-written prose: once on the small hand-made fixture, once on the
report of the default data.
"""

import pytest
from conftest import results_dir
from test_report_fixture import render

from lib.report_lint import numeral_openings, prose_blocks, sentences, spelling_problems

# Nothing of either document is left out of the lint (the code-level appendix that once
# ended the Impact Story is now the technical annex, written for readers too).
APPENDIX = ()


def test_sentences_split_after_stops_not_abbreviations():
    assert sentences("One. Two? “Three.” (Four!) Five, e.g. 3 items. No. 5 here") == [
        "One.", "Two?", "“Three.”", "(Four!)", "Five, e.g. 3 items.", "No. 5 here"]
    assert sentences("Shares of 3.5 per cent. 4 people.") == ["Shares of 3.5 per cent.", "4 people."]


def test_numeral_openings_found_at_block_and_sentence_starts():
    html = """<html><body><h2>1. Scope</h2><p>About 57 per cent. 80 per cent applied it.</p>
    <ul><li>“12 editions” were run.</li><li>Eighty per cent of 240.</li></ul>
    <table><tr><td>480</td></tr></table><nav id="TOC"><p>3 sections</p></nav>
    <section id="skip"><p>5 rows.</p></section><p>Figure 1: map. The 2020-EN1 edition.</p></body></html>"""
    blocks = prose_blocks(html, skip_ids=("skip",))
    assert blocks == ["1. Scope", "About 57 per cent. 80 per cent applied it.", "“12 editions” were run.",
                      "Eighty per cent of 240.", "Figure 1: map. The 2020-EN1 edition."]
    assert numeral_openings(blocks) == ["1.", "80 per cent applied it.", "“12 editions” were run."]


def test_spelling_flags_ise_and_us_forms_only():
    blocks = ["The organisation recognised it; we organise and realised. Percent, program and centers.",
              "Organizations recognize it: advise, enterprise, exercise, expertise, analyse, emphasis, "
              "programme, per cent, centre, otherwise, revise, promise, raise."]
    assert spelling_problems(blocks) == ["organisation", "recognised", "organise", "realised", "Percent",
                                         "program", "centers"]


def _check(html: str) -> None:
    blocks = prose_blocks(html, skip_ids=APPENDIX)
    assert len(blocks) > 30, "the lint found hardly any prose: is the page structure as expected?"
    assert numeral_openings(blocks) == [], "sentences open with a numeral (spell it out or rephrase)"
    assert spelling_problems(blocks) == [], "not Oxford spelling (-ize, per cent, programme)"


@pytest.fixture(scope="module")
def fixture_page(tmp_path_factory):
    return render(tmp_path_factory.mktemp("language"))[0]


def test_fixture_report_follows_un_style(fixture_page):
    _check(fixture_page)


def test_lint_catches_a_numeral_opening_a_generated_sentence(fixture_page):
    # the fixture's application rate is 80 per cent: printed raw, it would open a sentence
    assert "Eighty per cent of respondents said" in fixture_page
    planted = fixture_page.replace("Eighty per cent of respondents said", "80 per cent of respondents said")
    assert numeral_openings(prose_blocks(planted, skip_ids=APPENDIX)) != []


def test_default_report_follows_un_style(workflow_run):
    _check((results_dir(workflow_run) / "report/impact_story.html").read_text(encoding="utf-8"))


def test_default_technical_annex_follows_un_style(workflow_run):
    _check((results_dir(workflow_run) / "report/technical_annex.html").read_text(encoding="utf-8"))


def test_case_studies_mark_spanish_and_quote_only_with_consent(fixture_page):
    assert '<div lang="es">\n<p>“Aprendí mucho.”</p>\n</div>' in fixture_page
    assert '<em><span lang="es">aulas tecnológicas</span></em>' in fixture_page
    assert "Not for print" not in fixture_page and "Hidden Person" not in fixture_page
    # figures written from the note's data, with units; a figure opening a sentence is spelled out
    assert "William moved three years ago. He has coordinated three projects and supported some 50 business plans. " \
           "Ten business plans have matured" in " ".join(prose_blocks(fixture_page))
    assert "His two companies date from the 1950s; module 3 (improving access to finance) helped most." in \
        " ".join(prose_blocks(fixture_page))


def test_scope_without_survey_follows_un_style(tmp_path):
    _check_short(render(tmp_path, scope="2021")[0])


def _check_short(html: str) -> None:
    blocks = prose_blocks(html, skip_ids=APPENDIX)
    assert numeral_openings(blocks) == [] and spelling_problems(blocks) == []
