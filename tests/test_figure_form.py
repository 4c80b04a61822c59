"""lib.figure_form: the survey figures' steps read the follow-up form once per process."""

from __future__ import annotations

import pytest

from lib import figure_form
from lib.codebook import Codebook, CodebookError


@pytest.fixture(autouse=True)
def fresh_cache():
    figure_form.followup_form.cache_clear()
    yield
    figure_form.followup_form.cache_clear()


def test_the_form_is_read_once_per_path(monkeypatch):
    calls = []

    def read(path, instrument, **kwargs):
        calls.append((path, instrument))
        return f"codebook of {path}"

    monkeypatch.setattr(Codebook, "read", staticmethod(read))
    first = figure_form.followup_form("a.xlsx")
    assert figure_form.followup_form("a.xlsx") is first
    assert figure_form.followup_form("b.xlsx") == "codebook of b.xlsx"
    assert calls == [("a.xlsx", "followup"), ("b.xlsx", "followup")]


def test_a_form_that_cannot_be_read_fails_at_every_step(tmp_path):
    missing = str(tmp_path / "form.xlsx")
    for _ in range(2):
        with pytest.raises(CodebookError, match="does not exist"):
            figure_form.followup_form(missing)
