"""Reaction and application metrics from the clean survey tables (pure functions).

Every metric is computed together with its evidence: one row per response (or person) in
the metric's denominator, with `in_numerator` (shares and counts) or `value` (means). The
metric row is the aggregate of its evidence, so the audit can recount any number.

Definitions are those of resources/metric_registry.yaml (stages reaction and application);
the item denominators are "respondents who answered the item".

`rows` columns: ROW_COLUMNS; `evidence` columns: metric_id, level, <id columns>,
in_numerator, value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from lib.codebook import is_blank, multi_column
from lib.stats import wilson_fpc

ROW_COLUMNS = ["metric_id", "level", "value", "numerator", "denominator", "rank", "ci_low", "ci_high"]
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
RANKED = ("topic_applied_share", "challenge_share", "recommendation_share", "followup_topic_share")


@dataclass(frozen=True)
class Metrics:
    rows: pd.DataFrame
    evidence: pd.DataFrame

    @staticmethod
    def concat(parts: Iterable[Metrics]) -> Metrics:
        parts = list(parts)
        rows = pd.concat([p.rows for p in parts], ignore_index=True)
        filled = [p.evidence for p in parts if len(p.evidence)] or [parts[0].evidence]
        evidence = pd.concat(filled, ignore_index=True)
        return Metrics(rows[ROW_COLUMNS], evidence)


def _row(metric_id, level, value, numerator, denominator) -> dict:
    return dict(
        metric_id=metric_id,
        level=level,
        value=value,
        numerator=numerator,
        denominator=denominator,
        rank=pd.NA,
        ci_low=np.nan,
        ci_high=np.nan,
    )


def _rows(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=ROW_COLUMNS)
    out["rank"] = out["rank"].astype("Int64")
    return out.astype({"value": float, "numerator": float, "denominator": "int64", "ci_low": float, "ci_high": float})


def _evidence(frame, metric_id, level, ids, in_numerator=None, value=None) -> pd.DataFrame:
    ev = frame[list(ids)].copy()
    ev.insert(0, "level", level)
    ev.insert(0, "metric_id", metric_id)
    ev["in_numerator"] = (
        pd.array([pd.NA] * len(ev), dtype="boolean")
        if in_numerator is None
        else pd.array(np.asarray(in_numerator, dtype=bool), dtype="boolean")
    )
    ev["value"] = np.nan if value is None else np.asarray(value, dtype=float)
    return ev.reset_index(drop=True)


# ---------------------------------------------------------------- building blocks
def count(frame: pd.DataFrame, metric_id: str, ids: Sequence[str], level: str = "") -> Metrics:
    """Number of rows of `frame`."""
    return Metrics(
        _rows([_row(metric_id, level, float(len(frame)), float(len(frame)), len(frame))]),
        _evidence(frame, metric_id, level, ids, in_numerator=np.ones(len(frame), bool)),
    )


def share(frame, metric_id, denominator, numerator, ids, level: str = "") -> Metrics:
    """Rows where `numerator` holds among rows where `denominator` holds (boolean masks)."""
    den = pd.Series(denominator, index=frame.index).fillna(False).astype(bool)
    num = pd.Series(numerator, index=frame.index).fillna(False).astype(bool) & den
    n, k = int(den.sum()), int(num.sum())
    value = k / n if n else np.nan
    return Metrics(
        _rows([_row(metric_id, level, value, float(k), n)]),
        _evidence(frame[den], metric_id, level, ids, in_numerator=num[den]),
    )


def option_shares(frame, metric_id, column, options, ids, within=None) -> Metrics:
    """Share of each option of a single-choice item among rows that answered it."""
    answered = frame[column].notna() & ~is_blank(frame[column])
    if within is not None:
        answered &= within
    return Metrics.concat(share(frame, metric_id, answered, frame[column] == opt, ids, level=opt) for opt in options)


def multi_answered(frame: pd.DataFrame, question: str, options: Sequence[str]) -> pd.Series:
    """True where a multi-select item was answered (any option column not NA)."""
    cols = [multi_column(question, o) for o in options]
    return frame[cols].notna().any(axis=1)


def multi_option_shares(frame, metric_id, question, options, ids, within=None) -> Metrics:
    """Share of rows naming each option of a multi-select item among rows that answered it."""
    answered = multi_answered(frame, question, options)
    if within is not None:
        answered &= within
    return Metrics.concat(
        share(frame, metric_id, answered, frame[multi_column(question, o)].fillna(False), ids, level=o) for o in options
    )


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


def mean(frame, metric_id, column, ids, within=None, level: str = "") -> Metrics:
    """Mean of a numeric column among rows within `within` that answered it."""
    values = pd.to_numeric(frame[column], errors="coerce")
    rows = values.notna() if within is None else values.notna() & within.fillna(False)
    vals = values[rows].astype(float)
    n = len(vals)
    return Metrics(
        _rows([_row(metric_id, level, vals.mean() if n else np.nan, float(vals.sum()), n)]),
        _evidence(frame[rows], metric_id, level, ids, value=vals),
    )


def mean_of_shares(part: Metrics, metric_id: str) -> Metrics:
    """Unweighted mean of the shares of `part` (e.g. per edition) that have a denominator.

    numerator = sum of the shares, denominator = number of shares averaged."""
    used = part.rows[part.rows["denominator"] > 0]
    total, n = float(used["value"].sum()), len(used)
    evidence = part.evidence.assign(metric_id=metric_id)
    return Metrics(_rows([_row(metric_id, "", total / n if n else np.nan, total, n)]), evidence)


def with_rank(metrics: Metrics, metric_ids: Iterable[str] = RANKED) -> Metrics:
    """rank within each metric: 1 = largest share; ties broken by option code."""
    rows = metrics.rows.copy()
    for mid in metric_ids:
        sel = rows[rows["metric_id"] == mid]
        order = sel.assign(_v=-sel["value"].fillna(-1)).sort_values(["_v", "level"]).index
        rows.loc[order, "rank"] = range(1, len(order) + 1)
    rows["rank"] = rows["rank"].astype("Int64")
    return Metrics(rows, metrics.evidence)


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
    return Metrics(rows, metrics.evidence)


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
    respondents = count(df, "survey_respondents", ids)
    response_rate = Metrics(
        _rows([_row("survey_response_rate", "", len(df) / population, float(len(df)), population)]),
        respondents.evidence.assign(metric_id="survey_response_rate"),
    )
    parts = [
        respondents,
        response_rate,
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
    return with_rank(Metrics.concat(parts))


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
    characteristics = characteristics or {
        "language": "language",
        "gender": "gender",
        "certificate": "certificate_issued",
    }
    not_recorded = not_recorded if not_recorded is not None else {"gender": ["not_recorded"]}
    keys = ["participant_key", "edition"]
    linked = followup.loc[followup["participant_key"].notna(), keys].drop_duplicates()
    respondents = participants.merge(linked, on=keys, how="inner")
    parts = []
    for population, frame in (("respondents", respondents), ("participants", participants)):
        for name, column in characteristics.items():
            skip = list(not_recorded.get(name, []))
            recorded = frame[column].notna() & ~frame[column].isin(skip)
            values = sorted(set(participants[column].dropna()) - set(skip))
            parts += [
                share(
                    frame, "respondent_comparison", recorded, frame[column] == v, keys, level=f"{population}.{name}={v}"
                )
                for v in values
            ]
    return Metrics.concat(parts)


# ---------------------------------------------------------------- publishing
def evidence_key(evidence: pd.DataFrame, ids: Sequence[str]) -> pd.Series:
    """One text key per evidence row: the id columns joined with '/' (e.g. 2020-EN1/17)."""
    parts = [evidence[c].astype("string").fillna("") for c in ids]
    key = parts[0]
    for p in parts[1:]:
        key = key + "/" + p
    return key


def collect(metrics: Metrics, collector, registry: Mapping[str, dict], ids: Sequence[str], key_type: str) -> None:
    """Add the rows and evidence of `metrics` to a lib.registry.MetricRows collector.

    The unit comes from the registry: counts as counts, means (mean_percent, or a share
    that is a mean of shares, e.g. intention_to_use_mean) as means, the rest as shares with
    their interval (when the registry asks for wilson_fpc) and rank. Evidence: denominator
    = every key behind the row, numerator = the keys counted in it (for means, the keys
    whose answers are summed)."""
    ev = metrics.evidence if len(metrics.evidence) else None
    if ev is not None:
        # keys as one Arrow text array and the numerator flags as numpy: each row's evidence
        # is then a `take` of positions, with no per-row frame copies
        keys = pa.array(evidence_key(ev, ids).array)
        keys = keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys
        in_numerator = ev["in_numerator"].fillna(False).to_numpy(dtype=bool)
    # row positions per (metric, level), found once: a boolean filter per row is quadratic
    groups = ev.groupby(["metric_id", "level"], sort=False).indices if ev is not None else {}
    none = np.array([], dtype=np.int64)
    for r in metrics.rows.itertuples(index=False):
        entry = registry[r.metric_id]
        level = None if r.level == "" else r.level
        is_mean = entry["unit"] == "mean_percent" or (entry["unit"] == "share" and r.metric_id.endswith("_mean"))
        rank = None if pd.isna(r.rank) else int(r.rank)
        if entry["unit"] == "count":
            collector.count(r.metric_id, int(r.value), level=level, rank=rank)
        elif is_mean:
            collector.mean(r.metric_id, r.numerator, r.denominator, level=level)
        else:
            ci = (r.ci_low, r.ci_high) if entry.get("interval") == "wilson_fpc" else None
            collector.share(r.metric_id, int(r.numerator), int(r.denominator), level=level, ci=ci, rank=rank)
        if ev is None:
            continue
        rows_at = groups.get((r.metric_id, r.level), none)
        counted = rows_at if is_mean or entry["unit"] == "count" else rows_at[in_numerator[rows_at]]
        collector.evidence(r.metric_id, level, "numerator", keys.take(pa.array(counted, pa.int64())), key_type)
        if entry["unit"] != "count" and r.metric_id != "survey_response_rate":
            collector.evidence(r.metric_id, level, "denominator", keys.take(pa.array(rows_at, pa.int64())), key_type)


# ---------------------------------------------------------------- Box 2
QUOTE_COLUMNS = ["response_id", "role", "country", "language", "text", "translation"]


class QuoteError(ValueError):
    """A quote chosen in config.yaml cannot be published."""


def box2_quotes(followup: pd.DataFrame, chosen: Sequence[Mapping], roles: Mapping[str, str]) -> pd.DataFrame:
    """The Box 2 examples chosen in config `quotes`, in the configured order.

    Each is shown with the role of the respondent's sector (codebook role_en) and the
    country's English name only; `text` is the example in its original language (the
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
                "country": r["country_name"] if pd.notna(r["country_name"]) else "",
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
