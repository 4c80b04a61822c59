"""The report's prose contains no hand-typed figure (scripts/lib/report_lint.py)."""

from pathlib import Path

from lib.report_lint import typed_digits

QMD = Path(__file__).resolve().parent.parent / "workflow" / "report" / "impact_story.qmd"


def test_report_prose_has_no_typed_digits():
    problems = typed_digits(QMD.read_text(encoding="utf-8"))
    assert problems == [], "\n".join(str(p) for p in problems)


def test_lint_catches_a_planted_figure_in_the_real_document():
    text = QMD.read_text(encoding="utf-8")
    anchor = "per cent of respondents said they had applied"
    assert anchor in text
    planted = text.replace(anchor, "per cent (that is, 192 people) of respondents said they had applied", 1)
    problems = typed_digits(planted)
    assert [p.text for p in problems] == ["192"]
    line = planted.split("\n").index(next(ln for ln in planted.split("\n") if "192 people" in ln)) + 1
    assert problems[0].line == line
    assert "192" in str(problems[0]) and f"line {line}" in str(problems[0])


def test_lint_positions_and_allow_list():
    text = "Box 1 shows it.\nAbout 57 per cent in Figure 2 and 2020.\n{{< var m.x.value >}} and Figure 12."
    problems = typed_digits(text)
    assert [(p.line, p.column, p.text) for p in problems] == [(2, 7, "57"), (3, 34, "12")]


def test_lint_ignores_shortcodes_and_link_targets_only():
    text = "![Map](figures/figure1_world_map.png){#fig-map}\n{{< include _generated/box1.md >}}\n"
    assert typed_digits(text) == []
    assert [p.text for p in typed_digits('![Map of 124 countries](x.png){fig-alt="3 colours"}')] == ["124", "3"]


def test_lint_allow_list_needs_word_boundaries():
    assert [p.text for p in typed_digits("In 20201 and Box 10 and module 35.")] == ["20201", "10", "35"]
