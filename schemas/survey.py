"""pandera schemas of the survey layers (end-of-course evaluation and follow-up survey).

Staging (the validated raw layer) is built from the codebook (the XLSForm): one column per
question, typed by the question type, option codes limited to the form's choice list,
numbers within the bounds of the question's constraint, required questions not empty,
response ids unique in the file.
The clean layer has the canonical columns of docs/architecture.md; the follow-up clean
table is strict, so an e-mail column can never reach results/clean/. Language columns
hold codes of config.yaml's `languages` (lib.vocabulary), passed in by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandera.pandas as pa

from lib.codebook import Codebook, multi_column
from schemas.text import TEXT

# Column types as pandera's dtype classes (pa.Int64, pa.Float64, pa.DateTime), not strings:
# pandera resolves "int64", "float64" and "datetime64[us]" through a fallback that imports
# geopandas (~0.05 s of CPU per job, more under load; issue 16); the classes are the same
# pandera types (pa.DateTime is what "datetime64[us]" resolves to). Text columns are TEXT
# (schemas.text): pandera's "string" type, checked at once when every value passes.

HEX64 = r"^[0-9a-f]{64}$"


def _float_or_none(text: str) -> float | None:
    return float(text) if str(text).strip() != "" else None


def question_columns(codebook: Codebook, instrument: str) -> dict[str, pa.Column]:
    """pandera columns for every question of `instrument`, derived from the codebook."""
    cols: dict[str, pa.Column] = {}
    for q in codebook.questions_for(instrument).itertuples(index=False):
        required = q.required.strip().lower() == "yes"
        if q.type == "id":
            cols[q.question_code] = pa.Column(TEXT, pa.Check.str_length(min_value=1), nullable=False, unique=True)
        elif q.type == "datetime":
            cols[q.question_code] = pa.Column(pa.DateTime, nullable=not required, coerce=True)
        elif q.type == "single":
            codes = codebook.option_codes(q.list_name)
            cols[q.question_code] = pa.Column(TEXT, pa.Check.isin(codes), nullable=not required)
        elif q.type == "multi":
            for code in codebook.option_codes(q.list_name):
                cols[multi_column(q.question_code, code)] = pa.Column("boolean", nullable=True)
        elif q.type == "number":
            low, high = _float_or_none(q.min), _float_or_none(q.max)
            checks = []
            if low is not None:
                checks.append(pa.Check.ge(low))
            if high is not None:
                checks.append(pa.Check.le(high))
            cols[q.question_code] = pa.Column(pa.Float64, checks, nullable=not required)
        else:  # text, email: free text, never interpreted
            cols[q.question_code] = pa.Column(TEXT, nullable=not required)
    return cols


def staging_schema(codebook: Codebook, instrument: str) -> pa.DataFrameSchema:
    """Validated raw layer of one export (evaluation of one edition, or one follow-up form)."""
    cols = question_columns(codebook, instrument)
    cols["_line"] = pa.Column(pa.Int64, pa.Check.ge(2), unique=True)
    return pa.DataFrameSchema(cols, strict=True, name=f"{instrument} export (staging)")


def evaluation_clean_schema(codebook: Codebook, languages: Iterable[str]) -> pa.DataFrameSchema:
    """results/clean/editions/<edition>/evaluation.parquet (`languages`: the configured codes)."""
    cols = {"edition": pa.Column(TEXT, nullable=False)}
    cols.update(question_columns(codebook, "evaluation"))
    cols["response_id"] = pa.Column(TEXT, pa.Check.str_length(min_value=1), nullable=False)
    cols["language"] = pa.Column(TEXT, pa.Check.isin(list(languages)), nullable=False)
    return pa.DataFrameSchema(
        cols, strict=True, unique=["edition", "response_id"], name="end-of-course evaluation (clean)"
    )


def followup_clean_schema(
    codebook: Codebook, editions: list[str], languages: Iterable[str], language_question: str = "form_language"
) -> pa.DataFrameSchema:
    """results/clean/followup.parquet: codes, multi booleans, keyed link, no e-mail; the
    answer to the form's language question is the column form_language (`languages`: the
    configured codes)."""
    languages = list(languages)
    cols = question_columns(codebook, "followup")
    for code in codebook.questions.loc[codebook.questions["type"] == "email", "question_code"]:
        cols.pop(code, None)
    cols.pop(language_question, None)
    cols["edition"] = pa.Column(TEXT, pa.Check.isin(editions), nullable=True)
    cols.update(
        {
            "edition_language": pa.Column(TEXT, pa.Check.isin(languages), nullable=True),
            "country_iso3": pa.Column(TEXT, pa.Check.str_matches(r"^[A-Z]{3}$"), nullable=True),
            "country_name": pa.Column(TEXT, nullable=True),
            "email_given": pa.Column("bool", nullable=False),
            "participant_key": pa.Column(TEXT, pa.Check.str_matches(HEX64), nullable=True),
            "form_language": pa.Column(TEXT, pa.Check.isin(languages), nullable=False),
            "source_file": pa.Column(TEXT, nullable=False),
        }
    )
    return pa.DataFrameSchema(cols, strict=True, name="follow-up survey responses (clean)")
