"""The report's variables (`_variables.yml`): every figure the prose shows, computed here.

`metric_variables` turns each row of results/metrics/metrics.csv into
``m.<metric_id>[.<level>].{value, start, numerator, denominator, ci}`` (formatted as
published; `start` is the value spelled out to open a sentence, "Eighty");
`build_variables` adds the scope and course facts from config.yaml and short generated
phrases (ranked lists with their per cents) under ``text.*``. Generated sentences follow UN
editorial style: no sentence opens with a numeral, labels read in mid-sentence keep
capitals only for proper nouns. The .qmd only ever writes
``{{< var m.gender_share.female.value >}}``: no figure is typed by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

import pandas as pd

from lib.registry import METRIC_COLUMNS
from lib.report_format import (
    MissingValue,
    fmt_count,
    fmt_interval,
    fmt_value,
    is_missing,
    join_words,
    number_words,
    sentence_start,
)
from lib.report_markdown import clean_text, escape_markdown
from lib.vocabulary import languages

# breakdown dimensions whose levels are language codes: named by config.yaml `languages`
LANGUAGE_DIMENSIONS = ("language", "edition_language", "form_language")


def language_names(config: Mapping) -> dict[str, str]:
    """{code: English name} of the configured languages (config.yaml `languages`)."""
    return languages(config["languages"]).names()


def load_metrics(path) -> pd.DataFrame:
    """metrics.csv with `level` as text ("" when the metric has no breakdown)."""
    frame = pd.read_csv(path, dtype={"metric_id": str, "level": str, "unit": str}, keep_default_na=False,
                        na_values={c: [""] for c in ("value", "numerator", "denominator", "ci_low", "ci_high", "rank")})
    missing = [c for c in METRIC_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: metrics table lacks column(s) {', '.join(missing)}")
    return frame[METRIC_COLUMNS]


def level_key(level: str) -> str:
    """A level as a variable key: dots and other separators become underscores."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", str(level))


def fmt_number(value: object, what: str) -> str:
    """Numerator / denominator: a count with separators, or two decimals if not whole."""
    if is_missing(value):
        return ""
    number = float(value)
    return fmt_count(number, what) if number.is_integer() else f"{number:,.2f}"


def metric_entry(row: pd.Series) -> dict[str, str]:
    """Formatted value, numerator, denominator and interval of one metric row; `start` is
    the value as the first word of a sentence, spelled out ("Eighty" per cent of ...), since
    UN style never opens a sentence with a numeral."""
    what = row["metric_id"] + (f":{row['level']}" if row["level"] else "")
    if is_missing(row["value"]):
        raise MissingValue(f"metric {what} has no value in metrics.csv")
    value = fmt_value(row["value"], row["unit"], what)
    return {
        "value": value,
        "start": sentence_start(value),
        "numerator": fmt_number(row["numerator"], what),
        "denominator": fmt_number(row["denominator"], what),
        "ci": fmt_interval(row["ci_low"], row["ci_high"], row["unit"]),
    }


def unanswered_ids(metrics: pd.DataFrame) -> set[str]:
    """Metrics of a survey item that nobody answered: every row has no value over a
    denominator of zero (an analyst's form may not have the item). Any other missing
    value is not in this set, so it still stops the report."""
    values = pd.to_numeric(metrics["value"], errors="coerce")
    zero_base = pd.to_numeric(metrics["denominator"], errors="coerce").eq(0) & values.isna()
    per_metric = zero_base.groupby(metrics["metric_id"]).all()
    return set(per_metric.index[per_metric])


def has_answers(metrics: pd.DataFrame, metric_id: str) -> bool:
    """False when the metric is not in metrics.csv or nobody answered its survey item."""
    return bool((metrics["metric_id"] == metric_id).any()) and metric_id not in unanswered_ids(metrics)


def metric_variables(metrics: pd.DataFrame) -> dict:
    """``{metric_id: entry}`` or ``{metric_id: {level_key: entry}}`` for every row.
    Metrics of an item nobody answered (`unanswered_ids`) get no entry: the prose says so
    in a sentence, and a ``{{< var >}}`` that still names one stops the render."""
    out: dict = {}
    metrics = metrics[~metrics["metric_id"].isin(unanswered_ids(metrics))]
    for _, row in metrics.sort_values(["metric_id", "level"]).iterrows():
        if row["level"] and is_missing(row["value"]) and row["denominator"] == 0:
            continue  # a share of nothing (e.g. an edition without evaluation responses): no value to show
        if row["level"]:
            out.setdefault(row["metric_id"], {})[level_key(row["level"])] = metric_entry(row)
        else:
            out[row["metric_id"]] = metric_entry(row)
    return out


def _ascending_nan_last(x) -> tuple:
    """Sort key of one value: ascending, a missing value after every other."""
    return (True, 0) if pd.isna(x) else (False, x)


def ranked(metrics: pd.DataFrame, metric_id: str) -> pd.DataFrame:
    """Levels of a breakdown metric, best first: by `rank` if given (missing last), then by
    value (largest first, missing last), then by level; ties keep the table's order.
    (One stable sort of a few rows in Python: the report and the annex call this for
    every breakdown, and pandas' column assignments and multi-key sort cost ~2 ms a call.)"""
    rows = metrics[metrics["metric_id"] == metric_id]
    if rows.empty:
        raise KeyError(f"metric {metric_id} is not in metrics.csv")
    rank = pd.to_numeric(rows["rank"], errors="coerce").tolist()
    value = (-pd.to_numeric(rows["value"], errors="coerce")).tolist()
    keys = [
        (_ascending_nan_last(r), _ascending_nan_last(v), _ascending_nan_last(level))
        for r, v, level in zip(rank, value, rows["level"].tolist(), strict=True)
    ]
    return rows.iloc[sorted(range(len(keys)), key=keys.__getitem__)]


# First words a label keeps capitalized in mid-sentence (proper adjectives and names);
# `Labels` adds the names of the configured languages.
PROPER_WORDS = frozenset({"African", "American", "Arab", "Asian", "European", "Internet"})


def mid_sentence(label: str, proper_words: frozenset[str] = PROPER_WORDS) -> str:
    """A label as it reads inside a sentence: "Legal support" -> "legal support", while
    proper nouns keep their capital ("NGO officers", "Spanish speakers", "United Nations
    agencies": an acronym, a proper adjective, or a name of several capitalized words)."""
    words = label.split(" ")
    first = words[0]
    if not first[:1].isupper() or any(ch.isupper() for ch in first[1:]) or first in proper_words:
        return label
    if len(words) > 1 and words[1][:1].isupper():
        return label
    return first[:1].lower() + label[1:]


class Labels:
    """Prose labels of answer codes: labels.yml, then the codebook's English label, then the
    code; as they read in mid-sentence (`mid_sentence`). Language codes are named by
    `languages` ({code: English name}, config.yaml `languages`)."""

    def __init__(self, prose: dict, codebook: pd.DataFrame | None = None, languages: Mapping[str, str] | None = None):
        self.prose = prose or {}
        self.languages = dict(languages or {})
        self.proper_words = PROPER_WORDS | {name.split(" ")[0] for name in self.languages.values()}
        self.codebook = {}
        if codebook is not None and not codebook.empty:
            for _, r in codebook.iterrows():
                self.codebook[(r["list_name"], r["option_code"])] = r.get("label_en", "")

    def language(self, code: str) -> str:
        """A language code by its English name (the code itself if it has none)."""
        return escape_markdown(self.languages.get(code, code))

    def get(self, dimension: str, code: str) -> str:
        label = self.prose.get(dimension, {}).get(code) or self.codebook.get((dimension, code))
        if not label and dimension in LANGUAGE_DIMENSIONS:
            return self.language(code)
        return escape_markdown(mid_sentence(clean_text(label) or str(code).replace("_", " "), self.proper_words))


def share_phrase(metrics: pd.DataFrame, metric_id: str, labels: Labels, dimension: str,
                 n: int | None = None, other_last: bool = True) -> str:
    """"a (44 per cent), b (32 per cent) and c (7 per cent)" for the best `n` levels."""
    rows = ranked(metrics, metric_id)
    if other_last:
        rows = pd.concat([rows[rows["level"] != "other"], rows[rows["level"] == "other"]])
    rows = rows.head(n) if n else rows
    return join_words([f"{labels.get(dimension, r.level)} ({fmt_value(r.value, r.unit)} per cent)"
                       for r in rows.itertuples()])


def course_variables(config: dict) -> dict:
    """Facts about all editions and about the scope, from config.yaml."""
    editions = config["editions"]
    scope = config["scopes"][str(config["scope"])]
    names = language_names(config)
    by_lang: dict[str, int] = {}
    by_year: dict[int, int] = {}
    for e in editions.values():
        by_lang[e["language"]] = by_lang.get(e["language"], 0) + 1
        by_year[e["year"]] = by_year.get(e["year"], 0) + 1
    scope_langs: dict[str, int] = {}
    for ed in scope["editions"]:
        lang = editions[ed]["language"]
        scope_langs[lang] = scope_langs.get(lang, 0) + 1
    sentence, phrase = scope_sentence(scope["editions"], editions, names)
    first = min(date.fromisoformat(str(e["start"])) for e in editions.values())
    lang_order = sorted(by_lang, key=lambda k: (-by_lang[k], k))
    return {
        "course": {
            "editions_total": number_words(len(editions)),
            "languages_total": number_words(len(by_lang)),
            "by_language": join_words([f"{number_words(by_lang[k])} in {names[k]}" for k in lang_order]),
            "by_year": join_words([f"{number_words(by_year[y])} in {y}" for y in sorted(by_year)]),
            "launched": first.strftime("%B %Y"),
        },
        "scope": {
            "id": str(config["scope"]),
            "title": escape_markdown(scope["title"]),
            "editions_count": number_words(len(scope["editions"])),
            "editions": join_words(list(scope["editions"])),
            "by_language": join_words([f"{number_words(n)} in {names[k]}"
                                       for k, n in sorted(scope_langs.items(), key=lambda kv: (-kv[1], kv[0]))]),
            "sentence": sentence,
            "phrase": phrase,
        },
    }


def scope_sentence(scope_editions: list[str], editions: dict, names: Mapping[str, str]) -> tuple[str, str]:
    """The sentence saying which editions the story covers, each named once with its
    language (`names`: {code: English name}), and a short phrase naming them ("the four
    editions of 2020")."""
    years = join_words([str(y) for y in sorted({editions[e]["year"] for e in scope_editions})])
    if len(scope_editions) == 1:
        ed = scope_editions[0]
        lang = names[editions[ed]["language"]]
        name = escape_markdown(ed)
        return f"This story covers edition {name}, taught in {lang} in {years}.", f"edition {name}"
    by_lang: dict[str, list[str]] = {}
    for ed in scope_editions:
        by_lang.setdefault(editions[ed]["language"], []).append(escape_markdown(ed))
    order = sorted(by_lang, key=lambda k: (-len(by_lang[k]), k))
    count = number_words(len(scope_editions))
    if len(order) == 1:
        lang = names[order[0]]
        return (f"This story covers the {count} editions of {years}, all taught in {lang}: "
                f"{join_words(by_lang[order[0]])}.", f"the {count} editions of {years}")
    groups = join_words([f"{number_words(len(by_lang[k]))} in {names[k]} "
                         f"({join_words(by_lang[k])})" for k in order])
    return f"This story covers the {count} editions of {years}: {groups}.", f"the {count} editions of {years}"


def participation_text(metrics: pd.DataFrame, country_name) -> dict:
    """Phrases of the participation section: the top countries, the range of intention to use."""
    top = ranked(metrics, "participants_by_country").head(3)
    text = {"countries_top": join_words([escape_markdown(country_name(c)) for c in top["level"]])}
    every = metrics[metrics["metric_id"] == "intention_to_use_by_edition"]
    intention = every[every["value"].notna()]
    silent = sorted(every.loc[every["value"].isna(), "level"])
    text["intention_note"] = (
        f"{'Editions' if len(silent) > 1 else 'Edition'} {join_words([escape_markdown(e) for e in silent])} "
        f"had no evaluation responses and {'are' if len(silent) > 1 else 'is'} left out of this mean."
        if silent
        else "Every edition had evaluation responses."
    )
    if not intention.empty:
        shares = sorted((fmt_value(v, "share") for v in intention["value"]), key=int)
        text["intention_range"] = (f"{shares[0]} per cent" if shares[0] == shares[-1]
                                   else f"from {shares[0]} to {shares[-1]} per cent")
    return text


# How a sentence names the question behind a share metric when nobody answered it.
ITEM_QUESTIONS = {
    "relationship_share": "how they relate to the course's subject",
    "career_stage_share": "their career stage",
    "sector_share": "their sector of work",
    "challenge_share": "the challenges they met when applying what they learnt",
    "recommendation_share": "recommendations for future editions",
    "followup_topic_share": "topics for follow-up courses",
}


def no_answers(metric_id: str) -> str:
    """The sentence the report prints instead of the figures of an item nobody answered."""
    return f"No respondent answered the survey question on {ITEM_QUESTIONS[metric_id]}."


def ranked_with_other(metrics: pd.DataFrame, metric_id: str, labels: Labels, dimension: str,
                      other: str, n: int | None = None) -> str:
    """"a (44 per cent), b (32 per cent) and c (7 per cent); 6 per cent <other>": the named
    answers best first, then the catch-all "other" as a clause of its own (a list item
    "other respondents (6 per cent)" reads badly)."""
    rows = ranked(metrics, metric_id)
    named = rows[rows["level"] != "other"]
    text = join_words([f"{labels.get(dimension, r.level)} ({fmt_value(r.value, r.unit)} per cent)"
                       for r in (named.head(n) if n else named).itertuples()])
    rest = rows[rows["level"] == "other"]
    if rest.empty or is_missing(rest["value"].iloc[0]) or not text:
        return text or share_phrase(metrics, metric_id, labels, dimension, n=n)
    return f"{text}; {fmt_value(rest['value'].iloc[0], 'share')} per cent {other}"


def item_sentences(metrics: pd.DataFrame, labels: Labels) -> dict:
    """One sentence per survey item of the application sections: its figures, or that the
    item had no answers (never an empty list or a missing per cent)."""
    def phrase(metric_id, dimension, other, n=None):
        return ranked_with_other(metrics, metric_id, labels, dimension, other, n=n)

    builders = {
        "relationship_share": lambda: ("Asked how they relate to the course’s subject, respondents described "
                                       "themselves as "
                                       f"{phrase('relationship_share', 'relationship', 'gave another answer')}."),
        "career_stage_share": lambda: ("By career stage, they were "
                                       f"{phrase('career_stage_share', 'career_stage', 'were at another stage')}."),
        "sector_share": lambda: sector_sentence(metrics, labels),
        "challenge_share": lambda: challenge_sentence(metrics, labels),
        "recommendation_share": lambda: ("For future editions, respondents recommended "
                                         f"{phrase('recommendation_share', 'recommendation', 'made other suggestions')}."),
        "followup_topic_share": lambda: ("As topics for follow-up courses, respondents proposed "
                                         f"{phrase('followup_topic_share', 'followup_topic', 'named other topics')}."),
    }
    text = {f"{metric_id.removesuffix('_share')}_sentence": build() if has_answers(metrics, metric_id)
            else no_answers(metric_id) for metric_id, build in builders.items()}
    top = ranked(metrics, "recommendation_share") if has_answers(metrics, "recommendation_share") else None
    top = None if top is None else top[top["level"] != "other"].head(1)
    text["recommendation_top_sentence"] = (
        f"The recommendation made most often was {labels.get('recommendation', top['level'].iloc[0])} "
        f"({fmt_value(top['value'].iloc[0], 'share')} per cent)."
        if top is not None and not top.empty else no_answers("recommendation_share"))
    return text


def sector_sentence(metrics: pd.DataFrame, labels: Labels) -> str:
    """The three largest sectors and the smallest named one (the catch-all "other" aside)."""
    sectors = ranked(metrics, "sector_share")
    named = sectors[(sectors["level"] != "other") & pd.to_numeric(sectors["value"], errors="coerce").notna()]
    top = join_words([f"{labels.get('sector', r.level)} ({fmt_value(r.value, r.unit)} per cent)"
                      for r in named.head(3).itertuples()])
    text = f"The sectors most represented were {top}"
    if len(named) <= 3:
        return text + "."
    smallest = named.iloc[-1]
    return (f"{text}, while {labels.get('sector', smallest['level'])} was the smallest group at "
            f"{fmt_value(smallest['value'], 'share')} per cent.")


def challenge_sentence(metrics: pd.DataFrame, labels: Labels) -> str:
    """The three obstacles named most often, and how many had no opportunity to apply."""
    rows = ranked(metrics, "challenge_share")
    named = rows[~rows["level"].isin(["other", "no_opportunity"])]
    top = join_words([f"{labels.get('challenge', r.level)} ({fmt_value(r.value, r.unit)} per cent)"
                      for r in named.head(3).itertuples()])
    text = f"The obstacles cited most often were {top}"
    row = rows[rows["level"] == "no_opportunity"]
    if row.empty or is_missing(row["value"].iloc[0]):
        return text + "."
    return (f"{text}, and {fmt_value(row['value'].iloc[0], 'share')} per cent said they had had no "
            "opportunity to apply what they learnt.")


def application_text(metrics: pd.DataFrame, labels: Labels) -> dict:
    """Phrases of the application sections (only when the follow-up survey exists)."""
    text = {
        "respondent_languages": join_words(
            [f"{fmt_value(r.value, r.unit)} per cent had taken {'an edition' if i == 0 else 'one'} taught in "
             f"{labels.get('edition_language', r.level)}"
             for i, r in enumerate(ranked(metrics, "respondents_by_edition_language").itertuples())]),
        "topics_ranked": share_phrase(metrics, "topic_applied_share", labels, "topic", other_last=False),
        **item_sentences(metrics, labels),
    }
    topics = ranked(metrics, "topic_applied_share")
    text["topic_last"] = labels.get("topic", topics.iloc[-1]["level"])

    overall = float(metrics.loc[metrics["metric_id"] == "application_rate", "value"].iloc[0])
    groups = ranked(metrics, "application_rate_by_relationship")
    groups = groups[groups["level"] != "other"]
    above = groups[pd.to_numeric(groups["value"]) > overall]
    text["application_groups_above"] = join_words(
        [f"{labels.get('relationship', r.level)} ({fmt_value(r.value, r.unit)} per cent)" for r in above.itertuples()]
    ) or "none of the groups"
    lowest = groups.iloc[-1]
    text["application_group_lowest"] = (f"{labels.get('relationship', lowest['level'])} "
                                        f"({fmt_value(lowest['value'], 'share')} per cent)")
    text["application_groups_sentence"] = (
        (f"Respondents above the overall rate were {text['application_groups_above']}"
         if not above.empty else "No group was above the overall rate")
        + f", and the lowest rate was among {text['application_group_lowest']}.")
    return text


def build_variables(metrics: pd.DataFrame, config: dict, labels: Labels, country_name,
                    has_followup: bool, case_count: int) -> dict:
    """Everything `_variables.yml` holds, as nested dicts of strings."""
    variables = course_variables(config)
    variables["m"] = metric_variables(metrics)
    text = participation_text(metrics, country_name)
    if has_followup:
        text.update(application_text(metrics, labels))
    text["case_count"] = number_words(case_count)
    variables["text"] = text
    variables.update(alt_text_variables(metrics, labels, country_name, has_followup))
    return variables


# ----------------------------------------------------------------------------- alt text

def _count_phrase(metrics: pd.DataFrame, metric_id: str) -> str:
    row = metrics[(metrics["metric_id"] == metric_id) & (metrics["level"] == "")]
    return fmt_count(row["value"].iloc[0], metric_id) if not row.empty else ""


def alt_text_variables(metrics: pd.DataFrame, labels: Labels, country_name, has_followup: bool) -> dict:
    """``alt.*``: the alt text of each figure, stating what it shows (its finding), from
    the computed metrics, never typed; each starts with a word (no sentence opens with a
    numeral). Keys: map, and with the follow-up survey profile, groups, topics."""
    top = ranked(metrics, "participants_by_country").head(3)
    leaders = join_words([f"{escape_markdown(country_name(r.level))} ({fmt_count(r.value, r.metric_id)})"
                          for r in top.itertuples()])
    alt = {"map": (f"World map of participants by country of residence. {leaders} had the most participants; "
                   f"in all, the {_count_phrase(metrics, 'participants_total')} participants came from "
                   f"{_count_phrase(metrics, 'countries_total')} countries.")}
    if not has_followup:
        return {"alt": alt}

    def leading(metric_id: str, dimension: str, n: int) -> str:
        if not has_answers(metrics, metric_id):
            return no_answers(metric_id)
        return share_phrase(metrics, metric_id, labels, dimension, n=n)

    alt["profile"] = ("Career stage and sector of work of the survey respondents. The largest career stages were "
                      f"{leading('career_stage_share', 'career_stage', 2)}; the largest sectors were "
                      f"{leading('sector_share', 'sector', 3)}.")
    groups = ranked(metrics, "application_rate_by_relationship")
    groups = groups[(groups["level"] != "other") & pd.to_numeric(groups["value"], errors="coerce").notna()]
    overall = metrics.loc[metrics["metric_id"] == "application_rate", "value"]
    if len(groups) and len(overall):
        first, last = groups.iloc[0], groups.iloc[-1]
        alt["groups"] = (
            "Share of respondents who applied knowledge from the course, by relationship to the topic, with "
            f"confidence intervals. It was highest among {labels.get('relationship', first['level'])} "
            f"({fmt_value(first['value'], 'share')} per cent) and lowest among "
            f"{labels.get('relationship', last['level'])} ({fmt_value(last['value'], 'share')} per cent), "
            f"against {fmt_value(overall.iloc[0], 'share')} per cent of all respondents.")
    topics = ranked(metrics, "topic_applied_share")
    topics = topics[pd.to_numeric(topics["value"], errors="coerce").notna()]
    if len(topics):
        first, last = topics.iloc[0], topics.iloc[-1]
        alt["topics"] = (
            "Course topics that respondents applied, as a share of those who applied knowledge. "
            f"The topic named most often was {labels.get('topic', first['level'])} "
            f"({fmt_value(first['value'], 'share')} per cent), the least often "
            f"{labels.get('topic', last['level'])} ({fmt_value(last['value'], 'share')} per cent).")
    return {"alt": alt}
