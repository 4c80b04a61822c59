"""The follow-up survey's form (XLSForm) as the survey figures read it, once per process.

The three survey figures run as steps of one job (scripts/figures_survey.py) and each
labels its categories from the same form; reading the workbook (openpyxl) is ~0.09 s of
CPU, so the first step reads it and the other two take the same :class:`Codebook`
(frozen, and the figures only look labels up in it). A form that cannot be read is not
remembered: each step stops with the same message, as before.
"""

from functools import cache

from lib.codebook import Codebook


@cache
def followup_form(path: str) -> Codebook:
    """The codebook of the follow-up form at `path` (instrument ``followup``)."""
    return Codebook.read(path, "followup")
