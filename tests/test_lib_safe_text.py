import math

from lib.safe_text import escape_html, neutralise_csv


def test_neutralise_formula_prefixes():
    for s in ["=SUM(A1)", "+1", "-2+3", "@cmd", "\tx", "\rx"]:
        assert neutralise_csv(s) == "'" + s
    assert neutralise_csv("Perú") == "Perú"
    assert neutralise_csv("") == ""
    assert neutralise_csv(-3) == -3  # numbers are not text
    assert math.isnan(neutralise_csv(float("nan")))


def test_escape_html():
    assert escape_html('<b a="1">&\'') == "&lt;b a=&#34;1&#34;&gt;&amp;&#39;"
    assert escape_html(None) == ""
    assert escape_html(5) == "5"
