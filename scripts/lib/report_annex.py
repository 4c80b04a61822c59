"""The technical annex's generated blocks, the Impact Story's "About these figures"
variables and the cover of both documents.

The Impact Story speaks to readers: its "About these figures" page says in plain words
where the figures come from, who answered the survey compared with all participants, what
a confidence interval means and why the report counts more editions than the published
story (`about_variables`). Everything an auditor needs goes to the technical annex
(``technical_annex.qmd``): each metric's definition in plain words (the registry's
``reader`` text), numerator, denominator, value, interval and rounding, levels under
their labels, rows set aside, the respondent comparison, the input files with their
SHA-256, and a reference table from each metric to its identifier in the metrics table
and the audit. Identifiers and file paths appear only in the annex's reference tables.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd

from lib.checksums import sha256_file
from lib.report_format import fmt_count, fmt_interval, fmt_value, is_missing, join_words, number_words
from lib.report_markdown import escape_markdown, pipe_table
from lib.report_vars import Labels, fmt_number, language_names, ranked, unanswered_ids
from lib.vocabulary import METRIC_STAGES

STAGES = {stage: titles[0] for stage, titles in METRIC_STAGES.items()}  # headings of the annex
CI_LEVEL = 95  # per cent: the level of every interval lib.stats computes
INTERVALS = {
    "none": "none",
    "wilson_fpc": f"{CI_LEVEL} per cent confidence interval (Wilson score method with a finite-population "
    "correction)",
}
# the column heading of a breakdown's levels
DIMENSIONS = {"edition": "Edition", "language": "Language", "year": "Year", "country": "Country",
              "gender": "Gender", "status": "Certificate issued and certificate due", "group": "Group",
              "relationship": "Relationship to the topic", "career_stage": "Career stage", "sector": "Sector",
              "topic": "Course topic", "challenge": "Challenge", "recommendation": "Recommendation",
              "followup_topic": "Topic for a follow-up course"}
# breakdowns listed in their own order (editions, years) rather than largest first
NATURAL_ORDER = ("edition", "year")
# count breakdowns with short level names, listed in a sentence rather than a table
INLINE_COUNTS = ("edition", "year", "language", "country", "gender")
# breakdown dimensions whose level codes are named by labels.yml / the codebook
SURVEY_DIMENSIONS = ("relationship", "career_stage", "sector", "topic", "challenge", "recommendation",
                     "followup_topic")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class LevelNamer:
    """Reader-facing names of a metric's levels: countries by name, languages by name,
    survey answer codes by labels.yml / codebook, other codes by the registry's
    ``level_labels``; editions and years as they are."""

    def __init__(self, level_labels: dict, labels: Labels, country_name, edition_order: list[str] = ()):
        self.level_labels = level_labels or {}
        self.labels = labels
        self.country_name = country_name
        self.edition_order = {e: i for i, e in enumerate(edition_order)}  # editions as the scope lists them

    def code(self, dimension: str, code: str) -> str:
        """A code by the registry's `level_labels` of its dimension (else the code in words)."""
        name = self.level_labels.get(dimension, {}).get(code)
        return escape_markdown(name if name else str(code).replace("_", " "))

    def language(self, code: str) -> str:
        return self.labels.language(code)

    def name(self, dimension: str | None, level: str) -> str:
        level = str(level)
        if dimension == "country":
            try:
                return escape_markdown(self.country_name(level))
            except KeyError:
                return escape_markdown(level)
        if dimension == "language":
            return self.language(level)
        if dimension == "gender":
            return _capital(self.code("gender", level))
        if dimension == "status" and "_vs_" in level:
            issued, eligible = level.split("_vs_", 1)
            return (f"Issued {self.code('certificate', issued)}; "
                    f"eligible for {self.code('certificate', eligible)}")
        if dimension == "group" and "." in level and "=" in level:
            population, rest = level.split(".", 1)
            characteristic, value = rest.split("=", 1)
            return (f"{_capital(self.code('population', population))}: "
                    f"{self.code('characteristic', characteristic)}, {self.value(characteristic, value)}")
        if dimension in SURVEY_DIMENSIONS:
            return _capital(self.labels.get(dimension, level))
        return escape_markdown(level)

    def value(self, characteristic: str, value: str) -> str:
        """A respondent comparison value (edition language, gender, certificate) by name."""
        if characteristic == "language":
            return self.language(value)
        return self.code(characteristic, value)


# ------------------------------------------------------------------ metric definitions


def _unit_suffix(unit: str) -> str:
    return " per cent" if unit in ("share", "mean_percent") else ""


def _value_text(row, unit: str) -> str:
    """"28 per cent (470 of 1,681)", "1,681", or why there is no value."""
    if is_missing(row.value):
        if not is_missing(row.denominator) and float(row.denominator) == 0:
            return "no value (nothing to count: no responses)"
        return "no value"
    text = f"{fmt_value(row.value, unit)}{_unit_suffix(unit)}"
    if unit == "share" and not is_missing(row.denominator):
        text += f" ({fmt_number(row.numerator, row.metric_id)} of {fmt_number(row.denominator, row.metric_id)})"
    elif unit == "mean_percent" and not is_missing(row.denominator):
        text += f" (over {fmt_number(row.denominator, row.metric_id)} answers)"
    return text


def _interval_text(row, unit: str) -> str:
    interval = fmt_interval(row.ci_low, row.ci_high, unit)
    return f"{interval}{_unit_suffix(unit)}" if interval else ""


def _levels_block(metric: dict, rows: pd.DataFrame, namer: LevelNamer) -> str:
    """The values of a breakdown metric: counts by edition, year, language, country or
    gender in a sentence, others in a table (value, counted out of what, interval), largest
    first (editions and years in their order)."""
    unit, dimension = metric["unit"], metric["breakdown"]
    if dimension in NATURAL_ORDER:
        # by the scope's order, then by level; ties keep their order (a stable sort in
        # Python: a few rows, where pandas' assign + multi-key sort costs ~1 ms a call)
        order = namer.edition_order
        keys = [(order.get(e, len(order)), e) for e in rows["level"].tolist()]
        rows = rows.iloc[sorted(range(len(keys)), key=keys.__getitem__)]
    if unit in ("count", "rank") and dimension in INLINE_COUNTS:
        items = [f"{namer.name(dimension, r.level)} {_value_text(r, unit)}" for r in rows.itertuples()]
        order = "" if dimension in NATURAL_ORDER else " (largest first)"
        return f"**Values**{order}: " + "; ".join(items) + ".\n"
    with_interval = metric["interval"] != "none"
    headers = [DIMENSIONS.get(dimension, "Level"), "Value"] + (["Interval"] if with_interval else [])
    table = [[namer.name(dimension, r.level), _value_text(r, unit)]
             + ([_interval_text(r, unit)] if with_interval else []) for r in rows.itertuples()]
    widths = [46, 30, 24] if with_interval else [60, 40]
    return pipe_table(headers, table, "lr" + ("r" if with_interval else ""), widths=widths)


def metric_entry(metric_id: str, metric: dict, metrics: pd.DataFrame, namer: LevelNamer,
                 unanswered: set[str]) -> str:
    """One metric of the annex: its name, plain-words definition, what is counted out of
    what, how it is rounded, its interval and its value(s)."""
    lines = [f"#### {escape_markdown(metric['label'])}\n",
             escape_markdown(metric.get("reader") or metric["definition"]) + "\n"]
    facts = []
    if metric.get("numerator"):
        facts.append(f"**Counted:** {escape_markdown(metric['numerator'])}.")
        facts.append(f"**Out of:** {escape_markdown(metric['denominator'])}.")
    facts.append(f"**Rounding:** {escape_markdown(metric['rounding'])}.")
    facts.append(f"**Interval:** {escape_markdown(INTERVALS.get(metric['interval'], metric['interval']))}.")
    rows = metrics[metrics["metric_id"] == metric_id]
    block = ""
    if rows.empty:
        facts.append("**Value:** not computed for the editions covered (their data has no such source).")
    elif metric_id in unanswered:
        facts.append("**Value:** none: no respondent answered this survey question.")
    elif metric.get("breakdown") == "group":
        facts.append("**Values:** in the table under \"Who answered the survey\" above.")
    elif metric.get("breakdown"):
        block = _levels_block(metric, ranked(metrics, metric_id), namer)
    else:
        row = next(rows.itertuples())
        value = f"**Value:** {_value_text(row, metric['unit'])}"
        interval = _interval_text(row, metric["unit"])
        facts.append(value + (f", interval {interval}." if interval else "."))
    lines.append(" ".join(facts) + "\n")
    if block:
        lines.append(block)
    return "\n".join(lines) + "\n"


def annex_metrics(registry: dict[str, dict], metrics: pd.DataFrame, namer: LevelNamer) -> str:
    """Every registry metric, grouped by source, in registry order."""
    unanswered = unanswered_ids(metrics)
    # each metric's rows, found once (not one scan of the whole table per metric)
    positions = metrics.groupby("metric_id", sort=False).indices
    none = metrics.iloc[:0]
    out = []
    for stage, title in STAGES.items():
        entries = [(mid, m) for mid, m in registry.items() if m["stage"] == stage]
        if not entries:
            continue
        out.append(f"### {escape_markdown(title)}\n\n")
        out += [metric_entry(mid, m, metrics.iloc[positions[mid]] if mid in positions else none, namer, unanswered)
                for mid, m in entries]
    return "".join(out)


def annex_reference(registry: dict[str, dict]) -> str:
    """For auditors: each metric's name beside its identifier in the metrics table, the
    claims register and the audit's evidence files."""
    rows = [[escape_markdown(m["label"]), escape_markdown(STAGES[m["stage"]].split(":")[0]), f"`{mid}`"]
            for mid, m in registry.items()]
    return pipe_table(["Figure", "Source", "Reference"], rows, "lll", widths=[52, 14, 34])


# ------------------------------------------------------------------ inputs, rows set aside


WITHHELD_NAME = "(file name withheld: the interviewee did not consent to publication)"


def annex_inputs(paths: list[str], withheld: set[str] = frozenset()) -> str:
    """The input files of the figures with size and SHA-256, sorted by path. The name of a
    file in `withheld` (an interview note without consent: its name is the person's) is
    not shown; its folder, size and checksum are."""
    withheld = {Path(p).as_posix() for p in withheld}

    def name(p: str) -> str:
        path = Path(p).as_posix()
        return f"`{Path(p).parent.as_posix()}/` {WITHHELD_NAME}" if path in withheld else f"`{path}`"

    rows = [[name(p), fmt_count(Path(p).stat().st_size), f"`{sha256_file(p)}`"]
            for p in sorted(set(map(str, paths)))]
    return pipe_table(["File", "Bytes", "SHA-256"], rows, "lrl", widths=[34, 8, 58])


def quarantine_counts(paths: list[str]) -> list[tuple[str, int]]:
    """(file, rows set aside) for each quarantine file of the run, sorted by path."""
    return [(Path(p).as_posix(), len(pd.read_csv(p, dtype=str, keep_default_na=False)))
            for p in sorted(set(map(str, paths)))]


def annex_quarantine(counts: list[tuple[str, int]]) -> str:
    """Rows set aside (config ``on_invalid: quarantine``): a sentence, and the files that
    hold any, with their counts."""
    total = sum(n for _, n in counts)
    if total == 0:
        return ("No row was set aside: every row of every export met the data contract, so every "
                "record counts in the figures.\n")
    rows = [[f"`{path}`", fmt_count(n)] for path, n in counts if n]
    head = ("One row was set aside because it" if total == 1 else f"{fmt_count(total)} rows were set aside "
            "because they") + (
        " broke the data contract (an unknown answer, a value out of range, an e-mail address that matches "
        "no account), and count in no figure. Each file below lists its rows with the line of the export "
        "and the reason.\n\n")
    return head + pipe_table(["File", "Rows set aside"], rows, "lr", widths=[80, 20])


# ------------------------------------------------------------------ respondents vs participants


def comparison_rows(metrics: pd.DataFrame) -> dict[tuple[str, str], dict[str, pd.Series]]:
    """(characteristic, value) -> {population: metric row} of the respondent comparison."""
    rows = metrics[metrics["metric_id"] == "respondent_comparison"]
    out: dict[tuple[str, str], dict[str, pd.Series]] = {}
    for _, r in rows.iterrows():
        level = str(r["level"])
        if "." not in level or "=" not in level:
            continue
        population, rest = level.split(".", 1)
        characteristic, value = rest.split("=", 1)
        out.setdefault((characteristic, value), {})[population] = r
    return out


def _share_cell(row: pd.Series | None) -> str:
    if row is None or is_missing(row["value"]):
        return ""
    return (f"{fmt_value(row['value'], 'share')} ({fmt_number(row['numerator'], 'comparison')} of "
            f"{fmt_number(row['denominator'], 'comparison')})")


def annex_comparison(metrics: pd.DataFrame, namer: LevelNamer) -> str:
    """Linked respondents beside all participants of the surveyed editions, as a table."""
    pairs = comparison_rows(metrics)
    if not pairs:
        return "No follow-up survey answer could be compared with the course records for these editions.\n"
    order = {"language": 0, "gender": 1, "certificate": 2}
    keys = sorted(pairs, key=lambda k: (order.get(k[0], 9), k[0], k[1]))
    rows = [[_capital(namer.code("characteristic", c)), _capital(namer.value(c, v)),
             _share_cell(pairs[(c, v)].get("respondents")), _share_cell(pairs[(c, v)].get("participants"))]
            for c, v in keys]
    return pipe_table(["Characteristic", "Value", "Linked respondents (%)", "All participants (%)"], rows,
                      "llrr", widths=[20, 30, 25, 25])


def _pair(pairs: dict, characteristic: str, value: str) -> tuple[str, str] | None:
    entry = pairs.get((characteristic, value), {})
    resp, part = entry.get("respondents"), entry.get("participants")
    if resp is None or part is None or is_missing(resp["value"]) or is_missing(part["value"]):
        return None
    return fmt_value(resp["value"], "share"), fmt_value(part["value"], "share")


def comparison_sentence(metrics: pd.DataFrame, namer: LevelNamer) -> str:
    """Who the linked respondents are next to all participants, in one or two sentences:
    certificate of completion, women, and the edition language that differs most."""
    pairs = comparison_rows(metrics)
    linked = metrics[metrics["metric_id"] == "respondents_linked"]
    if not pairs or linked.empty or is_missing(linked["value"].iloc[0]):
        return ("No respondent could be matched to a course record, so respondents cannot be compared "
                "with all participants.")
    share_linked = fmt_value(linked["value"].iloc[0], "share")
    parts = []
    cert = _pair(pairs, "certificate", "completion")
    if cert:
        parts.append(f"{cert[0]} per cent had earned a certificate of completion, against {cert[1]} per cent "
                     "of all participants")
    women = _pair(pairs, "gender", "female")
    if women:
        parts.append(f"{women[0]} per cent were women, against {women[1]} per cent")
    languages = [(float(p["respondents"]["value"]) - float(p["participants"]["value"]), v)
                 for (c, v), p in pairs.items()
                 if c == "language" and "respondents" in p and "participants" in p
                 and not is_missing(p["respondents"]["value"]) and not is_missing(p["participants"]["value"])]
    if languages:
        value = max(languages)[1]  # the edition language most over-represented among respondents
        lang = _pair(pairs, "language", value)
        parts.append(f"{lang[0]} per cent had taken an edition taught in {namer.language(value)}, "
                     f"against {lang[1]} per cent")
    text = (f"The survey answers of {share_linked} per cent of respondents could be matched, through the "
            "e-mail address they gave, to their course record.")
    if parts:
        text += " Of these respondents, " + "; ".join(parts[:-1]) + ("; and " if len(parts) > 1 else "") \
            + parts[-1] + "."
    if cert and int(cert[0]) > int(cert[1]):
        text += (" Respondents were thus more often people who had completed the course, and the survey "
                 "figures describe them rather than every participant.")
    else:
        text += " The survey figures describe the respondents, who may differ from participants as a whole."
    return text


# ------------------------------------------------------------------ About these figures


def published_editions(claims: dict | None) -> tuple[int, str] | None:
    """The published story's count of all editions and its wording (claims register: the
    claim checked against the configured editions with no filter), or None."""
    for claim in (claims or {}).get("claims", []):
        if claim.get("check") == "config_editions" and not claim.get("where"):
            return int(claim["value"]), str(claim.get("published", ""))
    return None


def editions_note(config: dict, claims: dict | None) -> str:
    """How many editions the records count, by language, and why the published story
    says otherwise when it does."""
    editions = config["editions"]
    names = language_names(config)
    by_lang: dict[str, int] = {}
    for e in editions.values():
        by_lang[e["language"]] = by_lang.get(e["language"], 0) + 1
    order = sorted(by_lang, key=lambda k: (-by_lang[k], k))
    counted = number_words(len(editions))
    text = (f"The course records list {counted} editions: "
            + join_words([f"{number_words(by_lang[k])} in {names[k]}" for k in order]) + ".")
    published = published_editions(claims)
    if published and published[0] != len(editions):
        text += (f" The published Impact Story says the course ran {number_words(published[0])} times, "
                 f"although its own counts by language add up to {counted}; this report follows the records.")
    return text


def about_variables(metrics: pd.DataFrame, config: dict, claims: dict | None, namer: LevelNamer) -> dict:
    """`about.*`: the figures and sentences of the Impact Story's "About these figures"."""
    return {
        "ci_level": str(CI_LEVEL),
        "comparison": comparison_sentence(metrics, namer),
        "editions_note": editions_note(config, claims),
    }


# ------------------------------------------------------------------ cover


def _month(day: date) -> str:
    return day.strftime("%B %Y")


def _day(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def latest_record(frames: list[pd.DataFrame]) -> date | None:
    """The latest date in any date column of the given tables (None when there is none)."""
    latest = None
    for frame in frames:
        for column in frame.columns:
            values = pd.to_datetime(frame[column], errors="coerce").dropna()
            if not values.empty:
                day = values.max().date()
                latest = day if latest is None or day > latest else latest
    return latest


def cover_metadata(config: dict, latest: date | None, has_followup: bool) -> dict:
    """The cover of both documents (Pandoc metadata, `_generated/cover.yml`): publishers,
    partners, the period of the data, the date and the credits. The date is the report's
    own (config `report.date`, YYYY-MM-DD) or, by default, the month of the latest record
    in the data: never the clock, so a rerun gives the same bytes."""
    report = config.get("report") or {}
    cover = report.get("cover") or {}
    scope = config["scopes"][str(config["scope"])]
    starts = sorted(date.fromisoformat(str(config["editions"][e]["start"])) for e in scope["editions"])
    first, last = starts[0], starts[-1]
    if first.year == last.year:
        period = (first.strftime("%B") + (f" to {last.strftime('%B')}" if last.month != first.month else "")
                  + f" {first.year}")
    else:
        period = f"{_month(first)} to {_month(last)}"
    data = f"Data: {number_words(len(scope['editions']))} course editions launched {period}"
    if latest is not None:
        data += (f"; records and survey answers up to {_month(latest)}" if has_followup
                 else f"; records up to {_month(latest)}")
    setting = str(report.get("date", "data"))
    if setting == "data":
        when = _month(latest) if latest is not None else _month(last)
    else:
        when = _day(datetime.strptime(setting, "%Y-%m-%d").date())
    # `date` (the HTML title block, Quarto) carries both; the Typst cover sets them apart
    meta = {"cover-data": escape_markdown(data), "cover-date": escape_markdown(when),
            "date": escape_markdown(f"{when}. {data}")}
    for key in ("organizations", "partners", "credits"):
        if cover.get(key):
            meta[f"cover-{key}"] = escape_markdown(cover[key])
    authors = [cover[k] for k in ("organizations", "partners") if cover.get(k)]
    if authors:
        meta["author"] = [escape_markdown(a) for a in authors]
    if cover.get("credits"):
        meta["abstract-title"] = "Credits"
        meta["abstract"] = escape_markdown(cover["credits"])
    return meta


# ------------------------------------------------------------------ writing


def write_annex(out: dict, *, metrics: pd.DataFrame, registry: dict, level_labels: dict, labels: Labels,
                country_name, provenance: list[str], quarantine: list[str], write_text,
                editions: list[str] = (), withheld: set[str] = frozenset()) -> None:
    """Write the annex blocks to the paths in `out` (keys annex_metrics, annex_reference,
    annex_inputs, annex_quarantine, annex_comparison); `editions` in the scope's order;
    `withheld`: input files whose name is not shown (interview notes without consent)."""
    namer = LevelNamer(level_labels, labels, country_name, editions)
    write_text(out["annex_metrics"], annex_metrics(registry, metrics, namer))
    write_text(out["annex_reference"], annex_reference(registry))
    write_text(out["annex_inputs"], annex_inputs(provenance, withheld))
    write_text(out["annex_quarantine"], annex_quarantine(quarantine_counts(quarantine)))
    write_text(out["annex_comparison"], annex_comparison(metrics, namer))
