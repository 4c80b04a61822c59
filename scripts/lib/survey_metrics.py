"""Reaction and application metrics from the clean survey tables (pure functions).

Every metric is computed together with its evidence through the one metric API
(``lib.metrics``: :class:`~lib.metrics.Metrics`, :class:`~lib.metrics.Evidence` and its
blocks, published by :func:`lib.metrics.publish` as the registry says). This module adds
the survey's own blocks (single- and multi-choice items, rates within groups) and the
reaction and application metric sets.

Definitions are those of resources/metric_registry.yaml (stages reaction and application);
the item denominators are "respondents who answered the item".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd

from lib.codebook import is_blank, multi_column
from lib.errors import InputError
from lib.metrics import Metrics, count, mean, mean_of_shares, share, share_of_population, shares
from lib.stats import wilson_fpc

TOP_TWO_IMPORTANCE = ("very_important", "important")
APPLICATION_OPTION_QUESTIONS = (
    "edition",
    "relationship",
    "career_stage",
    "sector",
    "topics_applied",
    "challenges",
    "recommendations",
    "followup_topics",
)
# respondent_comparison: {level name: participants column}
COMPARISON_CHARACTERISTICS = {"language": "language", "gender": "gender", "certificate": "certificate_issued"}


# ---------------------------------------------------------------- survey blocks
def option_shares(frame, metric_id, column, options, ids, within=None) -> Metrics:
    """Share of each option of a single-choice item among rows that answered it."""
    answered = frame[column].notna() & ~is_blank(frame[column])
    if within is not None:
        answered &= within
    return shares(frame, metric_id, answered, ((opt, frame[column] == opt) for opt in options), ids)


def multi_answered(frame: pd.DataFrame, question: str, options: Sequence[str]) -> pd.Series:
    """True where a multi-select item was answered (any option column not NA)."""
    cols = [multi_column(question, o) for o in options]
    return frame[cols].notna().any(axis=1)


def multi_option_shares(frame, metric_id, question, options, ids, within=None) -> Metrics:
    """Share of rows naming each option of a multi-select item among rows that answered it."""
    answered = multi_answered(frame, question, options)
    if within is not None:
        answered &= within
    named = ((o, frame[multi_column(question, o)].fillna(False)) for o in options)
    return shares(frame, metric_id, answered, named, ids)


def rate(frame, metric_id, column, yes, ids, within=None, level: str = "") -> Metrics:
    """Share of rows answering one of `yes` among rows that answered `column`."""
    answered = frame[column].notna() & ~is_blank(frame[column])
    if within is not None:
        answered &= within
    return share(frame, metric_id, answered, frame[column].isin(list(yes)), ids, level=level)


def rate_by_group(frame, metric_id, column, yes, group_column, groups, ids) -> Metrics:
    """`rate` within each group of `group_column` (level = group code)."""
    return Metrics.concat(
        rate(frame, metric_id, column, yes, ids, within=frame[group_column] == g, level=g) for g in groups
    )


def with_wilson(metrics: Metrics, metric_ids: Iterable[str], population: int) -> Metrics:
    """ci_low / ci_high = 95 % Wilson interval with finite-population correction (N =
    `population`, the participants of the surveyed editions) for the given metrics."""
    rows = metrics.rows.copy()
    sel = rows["metric_id"].isin(list(metric_ids))
    bounds = [
        wilson_fpc(int(k), int(n), population)
        for k, n in zip(rows.loc[sel, "numerator"], rows.loc[sel, "denominator"], strict=True)
    ]
    rows.loc[sel, "ci_low"] = [b[0] for b in bounds]
    rows.loc[sel, "ci_high"] = [b[1] for b in bounds]
    return Metrics(rows, metrics.parts)


# ---------------------------------------------------------------- reaction
def reaction_metrics(evaluation: pd.DataFrame, editions: Sequence[str]) -> Metrics:
    """intention_to_use_by_edition (share of yes among answers) and its unweighted mean
    over the editions that have evaluation answers."""
    ids = ["edition", "response_id"]
    by_edition = Metrics.concat(
        rate(
            evaluation,
            "intention_to_use_by_edition",
            "intention_to_use",
            ["yes"],
            ids,
            within=evaluation["edition"] == e,
            level=e,
        )
        for e in editions
    )
    return Metrics.concat([by_edition, mean_of_shares(by_edition, "intention_to_use_mean")])


# ---------------------------------------------------------------- application
def application_metrics(
    followup: pd.DataFrame,
    options: Mapping[str, Sequence[str]],
    edition_language: Mapping[str, str],
    population: int,
) -> Metrics:
    """Every application-stage metric except respondent_comparison.

    followup: clean follow-up responses (one row each; single items as codes, multi items
    as `<question>__<option>` booleans, `participant_key` null when not linked).
    options: option codes per question (`edition`, `relationship`, `career_stage`, `sector`,
    `topics_applied`, `challenges`, `recommendations`, `followup_topics`).
    edition_language: course language of each surveyed edition.
    population: participants of the surveyed editions (N).
    """
    ids = ["response_id"]
    df = followup.assign(edition_language=followup["edition"].map(dict(edition_language)))
    languages = sorted(set(edition_language.values()))
    applier = df["applied"] == "yes"
    parts = [
        count(df, "survey_respondents", ids),
        share_of_population(df, "survey_response_rate", population, ids),
        option_shares(df, "respondents_by_edition", "edition", options["edition"], ids),
        option_shares(df, "respondents_by_edition_language", "edition_language", languages, ids),
        option_shares(df, "relationship_share", "relationship", options["relationship"], ids),
        option_shares(df, "career_stage_share", "career_stage", options["career_stage"], ids),
        option_shares(df, "sector_share", "sector", options["sector"], ids),
        rate(df, "application_rate", "applied", ["yes"], ids),
        rate_by_group(
            df, "application_rate_by_relationship", "applied", ["yes"], "relationship", options["relationship"], ids
        ),
        rate_by_group(
            df, "application_rate_by_career_stage", "applied", ["yes"], "career_stage", options["career_stage"], ids
        ),
        rate_by_group(
            df, "application_rate_by_edition_language", "applied", ["yes"], "edition_language", languages, ids
        ),
        rate(df, "importance_top2", "importance", TOP_TWO_IMPORTANCE, ids),
        mean(df, "attribution_mean", "attribution", ids, within=applier),
        multi_option_shares(
            df, "topic_applied_share", "topics_applied", options["topics_applied"], ids, within=applier
        ),
        multi_option_shares(df, "challenge_share", "challenges", options["challenges"], ids),
        multi_option_shares(df, "recommendation_share", "recommendations", options["recommendations"], ids),
        multi_option_shares(df, "followup_topic_share", "followup_topics", options["followup_topics"], ids),
        share(df, "respondents_linked", pd.Series(True, index=df.index), df["participant_key"].notna(), ids),
    ]
    return Metrics.concat(parts)


def respondent_comparison(
    followup: pd.DataFrame,
    participants: pd.DataFrame,
    characteristics: Mapping[str, str] | None = None,
    not_recorded: Mapping[str, Sequence[str]] | None = None,
) -> Metrics:
    """Linked respondents vs all participants of the surveyed editions.

    A linked respondent is the participant record (participant_key, edition) their answer
    matched; each record counts once. For each characteristic (level
    `<population>.<characteristic>=<value>`), the share of the population with the value
    among those with the characteristic recorded (`not_recorded` values are left out of
    the denominator, e.g. gender not_recorded).

    characteristics: {level name: participants column}, default language, gender,
    certificate (certificate issued).
    """
    characteristics = characteristics or COMPARISON_CHARACTERISTICS
    not_recorded = not_recorded if not_recorded is not None else {"gender": ["not_recorded"]}
    keys = ["participant_key", "edition"]
    linked = followup.loc[followup["participant_key"].notna(), keys].drop_duplicates()
    # the participants of the linked keys first: the merge then hashes a few rows, not all
    candidates = participants[participants["participant_key"].isin(linked["participant_key"])]
    respondents = candidates.merge(linked, on=keys, how="inner")
    parts = []
    for population, frame in (("respondents", respondents), ("participants", participants)):
        for name, column in characteristics.items():
            skip = list(not_recorded.get(name, []))
            recorded = frame[column].notna() & ~frame[column].isin(skip)
            values = sorted(set(participants[column].dropna().unique()) - set(skip))
            having = ((f"{population}.{name}={v}", frame[column] == v) for v in values)
            parts.append(shares(frame, "respondent_comparison", recorded, having, keys))
    return Metrics.concat(parts)


# ---------------------------------------------------------------- Box 2
QUOTE_COLUMNS = ["response_id", "role", "country", "language", "text", "translation"]


class QuoteError(InputError, ValueError):
    """A quote chosen in config.yaml cannot be published."""


def box2_quotes(
    followup: pd.DataFrame, chosen: Sequence[Mapping], roles: Mapping[str, str], country_name: Callable[[str], str]
) -> pd.DataFrame:
    """The Box 2 examples chosen in config `quotes`, in the configured order.

    Each is shown with the role of the respondent's sector (codebook role_en) and the
    country only, named by `country_name` from `country_iso3` (the UN name:
    lib.countries.UnNames); `text` is the example in its original language (the
    form language), `translation` the analyst's English rendering when given. A chosen id
    that does not exist, did not consent (consent_quote != yes) or gave no example stops
    with a message naming every such id.
    """
    by_id = followup.set_index("response_id")
    problems, rows = [], []
    for q in chosen:
        rid = str(q["response_id"])
        if rid not in by_id.index:
            problems.append(f"{rid}: no follow-up response has this id")
            continue
        r = by_id.loc[rid]
        if r.get("consent_quote") != "yes":
            answer = "no answer" if pd.isna(r.get("consent_quote")) else f"answered {r.get('consent_quote')!r}"
            problems.append(f"{rid}: the respondent did not consent to be quoted ({answer})")
            continue
        if pd.isna(r.get("example")) or not str(r["example"]).strip():
            problems.append(f"{rid}: the response has no example of application to quote")
            continue
        rows.append(
            {
                "response_id": rid,
                "role": roles.get(r["sector"], "") if pd.notna(r["sector"]) else "",
                "country": country_name(r["country_iso3"]) if pd.notna(r["country_iso3"]) else "",
                "language": r["form_language"],
                "text": str(r["example"]).strip(),
                "translation": q.get("translation") or "",
            }
        )
    if problems:
        raise QuoteError(
            "config.yaml `quotes` names responses that cannot be published in Box 2 "
            "(only respondents who consented may be quoted):\n  - " + "\n  - ".join(problems)
        )
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS).astype("string")
