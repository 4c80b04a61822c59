"""Accessibility of the report's building blocks: alt text that states each figure's
finding (from the metrics, hand-computed expectations on the fixture of
test_report_fixture.py), `lang` on quotes in another language, the render's refusal of a
figure without alt text, the responsive claims page and the page-check probe."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from test_report_fixture import GENERATED, PROJECT, build_inputs, metrics_frame

from lib import claims, claims_page
from lib.countries import english_name
from lib.report_blocks import box2_quotes
from lib.report_render import RenderError, prepare_build, render_pandoc
from lib.report_vars import Labels, alt_text_variables

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts" / "ci"))
import page_check  # noqa: E402

LABELS = Labels(yaml.safe_load((PROJECT / "labels.yml").read_text(encoding="utf-8")))


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;])\s+", text) if s]


def test_alt_text_states_the_findings_from_the_metrics():
    alt = alt_text_variables(metrics_frame(), LABELS, english_name, has_followup=True)["alt"]
    assert set(alt) == {"map", "profile", "groups", "topics"}
    # top three countries by rank (230, 181, 120), the total and the number of countries
    assert "Ecuador (230), Mexico (181) and India (120) had the most participants" in alt["map"]
    assert "the 1,681 participants came from 124 countries" in alt["map"]
    # 96/240 = 40 %, 79/240 = 33 %; sectors 60/240 = 25 %, 48/240 = 20 %, 47/240 = 19.6 -> 20 %
    assert "young professionals (40 per cent)" in alt["profile"]
    assert "government (25 per cent)" in alt["profile"]
    # 95/105 = 90.5 -> 90 % highest; 17/24 = 70.8 -> 71 % lowest ("other" left out); overall 80 %
    assert "highest among professionals working" in alt["groups"] and "(90 per cent)" in alt["groups"]
    assert "lowest among academics and researchers (71 per cent)" in alt["groups"]
    assert "against 80 per cent of all respondents" in alt["groups"]
    # 119/192 = 62 % first, 12/192 = 6.25 -> 6 % last
    assert "(62 per cent)" in alt["topics"] and "access to finance (6 per cent)" in alt["topics"]
    for text in alt.values():
        assert not any(s[0].isdigit() for s in sentences(text)), text  # no sentence opens with a numeral
        assert "chart" not in text.lower()


def test_alt_text_follows_the_data():
    metrics = metrics_frame()
    mexico = (metrics["metric_id"] == "participants_by_country") & (metrics["level"] == "MEX")
    metrics.loc[mexico, ["value", "numerator", "rank"]] = [400, 400, 0]
    alt = alt_text_variables(metrics, LABELS, english_name, has_followup=False)["alt"]
    assert list(alt) == ["map"]
    assert alt["map"].split(". ", 1)[1].startswith("Mexico (400), Ecuador (230) and India (120)")


def quotes(language: str) -> pd.DataFrame:
    return pd.DataFrame([
        {"role": "Officer", "country": "MEX", "language": language, "text": "Texto.", "translation": "Text."},
        {"role": "Officer", "country": "ECU", "language": "en", "text": "English text.", "translation": ""},
    ])


def test_box2_marks_quotes_in_another_language():
    text = box2_quotes(quotes("es"), english_name)
    assert '> ::: {lang="es"}\n> Texto\\.\n> :::' in text
    assert text.count("lang=") == 1  # the English quote keeps the document's language
    assert "*Translation:* Text\\." in text.split(":::")[-1]  # the translation is outside the Spanish div


@pytest.mark.parametrize("language", ['es" onclick="x', "", "español", "EN"])
def test_box2_ignores_language_values_that_are_no_language_tag(language):
    assert "lang=" not in box2_quotes(quotes(language), english_name)


def test_a_figure_without_alt_text_stops_the_render(tmp_path):
    paths = build_inputs(tmp_path / "inputs")
    build = prepare_build(tmp_path / "build", PROJECT, paths["variables"], [paths[n] for n in GENERATED],
                          paths["figures"])
    qmd = build / "impact_story.qmd"
    text = qmd.read_text(encoding="utf-8")
    qmd.write_text(re.sub(r'(\{#fig-topics) fig-alt="[^"]*"', r"\1", text), encoding="utf-8")
    with pytest.raises(RenderError, match="fig-topics has no fig-alt"):
        render_pandoc(build, open(tmp_path / "log.txt", "w"))


def test_claims_page_is_responsive():
    frame = pd.DataFrame([{c: "x" for c in claims.CLAIM_COLUMNS} | {
        "status": "reproduced", "note": "a long note " * 20, "metric_id": "participants_by_country"}])
    page = claims_page.render_claims_html(frame, lambda v: str(v).replace("<", "&lt;"), "T")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<td class="note" data-label="note">' in page
    assert "td.note{" in page and "@media (max-width:760px)" in page
    assert "participants_<wbr>by_<wbr>country" in page  # long ids may break after an underscore


def test_page_check_probe_and_verdict():
    page = "<html><body><p>x</p></body></html>"
    probed = page_check.with_probe(page)
    assert probed.index("postMessage") < probed.index("</body>")
    dom = ('<html><body><pre id="page-check-result" hidden="">{"innerWidth": 390, "scrollWidth": 736, '
           '"scrollHeight": 900, "wide": ["table (right edge 736 px)"], "wideCount": 1, "noAlt": ["img 2 x"]}'
           "</pre></body></html>")
    result = page_check.read_result(dom)
    found = page_check.problems(result, "p.html at 390 px")
    assert found == ["p.html at 390 px: page is 736 px wide in a 390 px window",
                     "p.html at 390 px: 1 element(s) wider than the window, e.g. table (right edge 736 px)",
                     "p.html at 390 px: img 2 x has no alt text"]
    ok = dict(result, scrollWidth=390, wide=[], wideCount=0, noAlt=[])
    assert page_check.problems(ok, "p") == []
    with pytest.raises(RuntimeError, match="did not run"):
        page_check.read_result("<html></html>")
