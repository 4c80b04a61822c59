"""Reaction and application metrics from the clean survey tables (pure functions).

Every metric is computed together with its evidence: the rows (responses or people) in the
metric's denominator, with whether each is in the numerator (shares and counts) or the
value averaged (means). The metric row is the aggregate of its evidence, so the audit can
recount any number. Evidence is kept as row positions into the frame the metric was
computed on (nothing is copied); `Metrics.evidence` spells it out as a frame.

Definitions are those of resources/metric_registry.yaml (stages reaction and application);
the item denominators are "respondents who answered the item".

`rows` columns: ROW_COLUMNS; `evidence` columns: metric_id, level, <id columns>,
in_numerator, value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib.codebook import is_blank, multi_column
from lib.errors import InputError
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
# respondent_comparison: {level name: participants column}
COMPARISON_CHARACTERISTICS = {"language": "language", "gender": "gender", "certificate": "certificate_issued"}
NO_ROWS = np.array([], dtype=np.int64)


@dataclass(frozen=True)
class Evidence:
    """The rows behind one metric row, as positions into the frame it was computed on.

    rows: ascending positions of the rows in the denominator (for counts and means, the
    rows counted or averaged); in_numerator: per row, whether it is in the numerator (None
    for means); value: per row, the value averaged (means only). `frame` is shared by every
    metric computed on it, not copied."""

    metric_id: str
    level: str
    frame: pd.DataFrame
    ids: tuple[str, ...]
    rows: np.ndarray
    in_numerator: np.ndarray | None = None
    value: np.ndarray | None = None

    def counted(self) -> np.ndarray:
        """Positions of the rows in the numerator of a share."""
        return NO_ROWS if self.in_numerator is None else self.rows[self.in_numerator]

    def to_frame(self) -> pd.DataFrame:
        """One row per evidence row: metric_id, level, <id columns>, in_numerator, value."""
        ev = self.frame[list(self.ids)].iloc[self.rows].reset_index(drop=True)
        ev.insert(0, "level", self.level)
        ev.insert(0, "metric_id", self.metric_id)
        ev["in_numerator"] = (
            pd.array([pd.NA] * len(ev), dtype="boolean")
            if self.in_numerator is None
            else pd.array(self.in_numerator, dtype="boolean")
        )
        ev["value"] = np.nan if self.value is None else np.asarray(self.value, dtype=float)
        return ev


@dataclass(frozen=True)
class Metrics:
    """Metric rows (ROW_COLUMNS) and the evidence of each, one part per (metric_id, level)."""

    rows: pd.DataFrame
    parts: Sequence[Evidence] = ()

    @property
    def evidence(self) -> pd.DataFrame:
        """The evidence of every row as one frame (for inspection and tests; `collect`
        works on the positions)."""
        frames = [p.to_frame() for p in self.parts if len(p.rows)] or [p.to_frame() for p in self.parts[:1]]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    @staticmethod
    def concat(parts: Iterable[Metrics]) -> Metrics:
        parts = list(parts)
        rows = pd.concat([p.rows for p in parts], ignore_index=True)
        return Metrics(rows[ROW_COLUMNS], tuple(e for p in parts for e in p.parts))

    def relabelled(self, metric_id: str) -> tuple[Evidence, ...]:
        """The evidence parts under another metric id (levels kept)."""
        return tuple(replace(p, metric_id=metric_id) for p in self.parts)


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


def _flags(frame: pd.DataFrame, mask) -> np.ndarray:
    """A boolean mask over the rows of `frame` as numpy (missing = False)."""
    return pd.Series(mask, index=frame.index).fillna(False).to_numpy(dtype=bool)


def _shares(frame, metric_id, denominator, numerators, ids) -> Metrics:
    """One share per (level, numerator mask) of `numerators` among the rows where
    `denominator` holds; those rows are found once and shared by every level's evidence."""
    rows = np.flatnonzero(_flags(frame, denominator))
    out, evidence = [], []
    for level, numerator in numerators:
        in_numerator = _flags(frame, numerator)[rows]
        n, k = len(rows), int(in_numerator.sum())
        out.append(_row(metric_id, level, k / n if n else np.nan, float(k), n))
        evidence.append(Evidence(metric_id, level, frame, tuple(ids), rows, in_numerator))
    return Metrics(_rows(out), tuple(evidence))


# ---------------------------------------------------------------- building blocks
def count(frame: pd.DataFrame, metric_id: str, ids: Sequence[str], level: str = "") -> Metrics:
    """Number of rows of `frame`."""
    n = len(frame)
    return Metrics(
        _rows([_row(metric_id, level, float(n), float(n), n)]),
        (Evidence(metric_id, level, frame, tuple(ids), np.arange(n), np.ones(n, bool)),),
    )


def share(frame, metric_id, denominator, numerator, ids, level: str = "") -> Metrics:
    """Rows where `numerator` holds among rows where `denominator` holds (boolean masks)."""
    return _shares(frame, metric_id, denominator, [(level, numerator)], ids)


def option_shares(frame, metric_id, column, options, ids, within=None) -> Metrics:
    """Share of each option of a single-choice item among rows that answered it."""
    answered = frame[column].notna() & ~is_blank(frame[column])
    if within is not None:
        answered &= within
    return _shares(frame, metric_id, answered, ((opt, frame[column] == opt) for opt in options), ids)


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
    return _shares(frame, metric_id, answered, named, ids)


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
    averaged = np.flatnonzero(_flags(frame, rows))
    return Metrics(
        _rows([_row(metric_id, level, vals.mean() if n else np.nan, float(vals.sum()), n)]),
        (Evidence(metric_id, level, frame, tuple(ids), averaged, value=vals.to_numpy(dtype=float)),),
    )


def mean_of_shares(part: Metrics, metric_id: str) -> Metrics:
    """Unweighted mean of the shares of `part` (e.g. per edition) that have a denominator.

    numerator = sum of the shares, denominator = number of shares averaged."""
    used = part.rows[part.rows["denominator"] > 0]
    total, n = float(used["value"].sum()), len(used)
    return Metrics(_rows([_row(metric_id, "", total / n if n else np.nan, total, n)]), part.relabelled(metric_id))


def with_rank(metrics: Metrics, metric_ids: Iterable[str] = RANKED) -> Metrics:
    """rank within each metric: 1 = largest share; ties broken by option code."""
    rows = metrics.rows.copy()
    for mid in metric_ids:
        sel = rows[rows["metric_id"] == mid]
        order = sel.assign(_v=-sel["value"].fillna(-1)).sort_values(["_v", "level"]).index
        rows.loc[order, "rank"] = range(1, len(order) + 1)
    rows["rank"] = rows["rank"].astype("Int64")
    return Metrics(rows, metrics.parts)


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
    respondents = count(df, "survey_respondents", ids)
    response_rate = Metrics(
        _rows([_row("survey_response_rate", "", len(df) / population, float(len(df)), population)]),
        respondents.relabelled("survey_response_rate"),
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
            parts.append(_shares(frame, "respondent_comparison", recorded, having, keys))
    return Metrics.concat(parts)


# ---------------------------------------------------------------- publishing
def evidence_key(frame: pd.DataFrame, ids: Sequence[str]) -> pd.Series:
    """One text key per row: the id columns joined with '/' (e.g. 2020-EN1/17)."""
    parts = [frame[c].astype("string").fillna("") for c in ids]
    key = parts[0]
    for p in parts[1:]:
        key = key + "/" + p
    return key


class _EvidenceKeys:
    """Evidence keys for MetricRows.evidence(presorted=True), built and sorted once per frame.

    The keys of any rows of a frame are then a `take` of its distinct sorted keys at
    increasing positions: distinct and sorted, with no per-row copies and no sort per
    metric row. Positions shared by several metric rows (the denominator of every option
    of an item) give one Arrow array, recorded for each of them without a copy."""

    def __init__(self, ids: Sequence[str]):
        self.ids = list(ids)
        self._frames: dict[int, tuple[pd.DataFrame, pa.Array, np.ndarray]] = {}
        self._shared: dict[int, tuple[np.ndarray, pa.Array]] = {}

    def _sorted(self, frame: pd.DataFrame) -> tuple[pa.Array, np.ndarray]:
        """The frame's distinct keys in code-point order, and each row's position among them."""
        if id(frame) not in self._frames:
            keys = pa.array(evidence_key(frame, self.ids).array)
            keys = keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys
            order = pc.sort_indices(keys)
            ordered = keys.take(order)
            first = np.ones(len(ordered), dtype=bool)
            if len(ordered) > 1:
                changed = pc.not_equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1))
                first[1:] = changed.to_numpy(zero_copy_only=False)
            key_of_row = np.empty(len(ordered), dtype=np.int64)
            key_of_row[order.to_numpy()] = np.cumsum(first) - 1
            self._frames[id(frame)] = (frame, ordered.filter(pa.array(first)), key_of_row)
        return self._frames[id(frame)][1:]

    def _of(self, frame: pd.DataFrame, rows: np.ndarray) -> pa.Array:
        """Distinct sorted keys of the rows of `frame` at positions `rows`."""
        distinct, key_of_row = self._sorted(frame)
        chosen = np.zeros(len(distinct), dtype=bool)
        chosen[key_of_row[rows]] = True
        return distinct.take(pa.array(np.flatnonzero(chosen), type=pa.int64()))

    def _every(self, part: Evidence) -> pa.Array:
        """Keys of all of `part`'s rows: one array per positions array (held while in use)."""
        if id(part.rows) not in self._shared:
            self._shared[id(part.rows)] = (part.rows, self._of(part.frame, part.rows))
        return self._shared[id(part.rows)][1]

    def roles(self, part: Evidence | None, share: bool) -> tuple[pa.Array, pa.Array]:
        """(denominator keys, numerator keys) of a metric row with evidence `part` (None: no
        rows); the numerator is every key, or for a share the keys flagged in_numerator."""
        if part is None:
            empty = pa.array([], type=pa.large_string())
            return empty, empty
        every = self._every(part)
        return every, self._of(part.frame, part.counted()) if share else every


def collect(metrics: Metrics, collector, registry: Mapping[str, dict], ids: Sequence[str], key_type: str) -> None:
    """Add the rows and evidence of `metrics` to a lib.registry.MetricRows collector.

    The unit comes from the registry: counts as counts, means (mean_percent, or a share
    that is a mean of shares, e.g. intention_to_use_mean) as means, the rest as shares with
    their interval (when the registry asks for wilson_fpc) and rank. Evidence: denominator
    = every key behind the row, numerator = the keys counted in it (for means, the keys
    whose answers are summed)."""
    parts = {(p.metric_id, p.level): p for p in metrics.parts}
    if len(parts) < len(metrics.parts):
        raise ValueError("one evidence part per metric row expected")
    with_evidence = any(len(p.rows) for p in metrics.parts)
    keys = _EvidenceKeys(ids)
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
        if not with_evidence:
            continue
        every, counted = keys.roles(parts.get((r.metric_id, r.level)), not is_mean and entry["unit"] != "count")
        collector.evidence(r.metric_id, level, "numerator", counted, key_type, presorted=True)
        if entry["unit"] != "count" and r.metric_id != "survey_response_rate":
            collector.evidence(r.metric_id, level, "denominator", every, key_type, presorted=True)


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
