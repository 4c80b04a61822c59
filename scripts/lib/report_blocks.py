"""Generated Markdown blocks the report includes: Box 1, Box 2, case studies, Figure 1 note.

Each function returns Markdown text built only from computed data (metrics, the Box 2
quotes table, interview notes); untrusted text goes through `escape_markdown`. The .qmd
pulls these in with ``{{< include _generated/<name>.md >}}``. The technical annex's blocks,
the "About these figures" variables and the cover are in `lib.report_annex`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from lib.report_format import fmt_count, fmt_value, is_missing, join_words, number_words
from lib.report_markdown import blockquote, bullet_list, clean_text, escape_markdown, pipe_table
from lib.report_vars import LANGUAGE_NAMES, fmt_number

_ISO3 = re.compile(r"^[A-Z]{3}$")


def _row(metrics: pd.DataFrame, metric_id: str, level: str = "") -> pd.Series:
    rows = metrics[(metrics["metric_id"] == metric_id) & (metrics["level"] == level)]
    if rows.empty:
        raise KeyError(f"metrics.csv has no row {metric_id}{':' + level if level else ''} (needed by the report)")
    return rows.iloc[0]


def box1_table(metrics: pd.DataFrame, editions: list[str], edition_languages: dict[str, str]) -> str:
    """Certificates per edition and in total (Box 1), from the by-edition metrics."""
    rows = []
    for ed in editions:
        comp = _row(metrics, "certificates_completion_by_edition", ed)
        part = _row(metrics, "certificates_participation_by_edition", ed)
        rows.append([escape_markdown(ed), LANGUAGE_NAMES.get(edition_languages[ed], edition_languages[ed]),
                     fmt_count(_row(metrics, "participants_by_edition", ed)["value"]),
                     fmt_number(comp["numerator"], ed), fmt_value(comp["value"], "share"),
                     fmt_number(part["numerator"], ed), fmt_value(part["value"], "share")])
    rows.append(["**Total**", "",
                 f"**{fmt_count(_row(metrics, 'participants_total')['value'])}**",
                 f"**{fmt_count(_row(metrics, 'certificates_completion')['value'])}**",
                 f"**{fmt_value(_row(metrics, 'certificates_completion_share')['value'], 'share')}**",
                 f"**{fmt_count(_row(metrics, 'certificates_participation')['value'])}**",
                 f"**{fmt_value(_row(metrics, 'certificates_participation_share')['value'], 'share')}**"])
    headers = ["Edition", "Language", "Participants", "Completion", "Completion (%)",
               "Participation", "Participation (%)"]
    return pipe_table(headers, rows, "llrrrrr")


def _country(value: object, country_name) -> str:
    text = clean_text(value)
    if _ISO3.match(text):
        try:
            text = country_name(text)
        except KeyError:
            pass
    return escape_markdown(text)


def box2_quotes(quotes: pd.DataFrame, country_name) -> str:
    """Box 2: each chosen quote as typed, its translation, then role and country only."""
    if quotes.empty:
        return "No respondent quote was selected for this report.\n"
    parts = []
    for q in quotes.itertuples():
        paragraphs = [escape_markdown(q.text)]
        translation = "" if is_missing(getattr(q, "translation", "")) else clean_text(q.translation)
        if translation:
            paragraphs.append(f"*Translation:* {escape_markdown(translation)}")
        paragraphs.append(f"— {escape_markdown(q.role)}, {_country(q.country, country_name)}")
        parts.append(blockquote(paragraphs))
    return "\n".join(parts)


def _sentence(text: object) -> str:
    """A note's fragment as a sentence: capital first letter, closing full stop."""
    text = clean_text(text)
    if text and text[-1] not in ".!?":
        text += "."
    return text[:1].upper() + text[1:]


def _module_phrase(value: object, topic_labels: dict[str, str]) -> str:
    text = clean_text(value)
    if text.isdigit():
        return f"module {text}"
    return escape_markdown(topic_labels.get(text, text.replace("_", " ")))


def _figure(name: str, value: object) -> str:
    """An interview figure as text: years (names ending in _year or _since) stay plain."""
    if str(name).endswith(("_year", "_since")):
        return str(int(value))
    return fmt_count(value)


def case_study(note: dict, country_name, topic_labels: dict[str, str]) -> str:
    """One interview note as a case study (only notes with consent_to_publish)."""
    name, country = escape_markdown(note["name"]), _country(note["country"], country_name)
    lines = [f"### {name}: {escape_markdown(note['headline'])}\n",
             f"*{escape_markdown(note['role'])}, {escape_markdown(note['organisation'])}. "
             f"{escape_markdown(note['city'])}, {country}.*\n"]
    origin, years = note.get("origin_country"), note.get("years_in_host_country")
    if origin and not is_missing(years):
        lines.append(f"{name} comes from {_country(origin, country_name)} and has lived in {country} for "
                     f"{number_words(int(years))} years. ")
    lang = note.get("edition_language")
    if lang:
        lines.append(f"{name} took an edition of the course taught in {LANGUAGE_NAMES.get(lang, escape_markdown(lang))}.\n")
    background = [_sentence(p) for p in note.get("background") or []]
    if background:
        lines.append(" ".join(escape_markdown(p) for p in background) + "\n")
    if note.get("what_changed"):
        lines.append("**What changed after the course**\n")
        lines.append(bullet_list([escape_markdown(p) for p in note["what_changed"]]))
    if note.get("figures"):
        facts = [f"{escape_markdown(str(k).replace('_', ' ').capitalize())}: {_figure(k, v)}"
                 for k, v in sorted(note["figures"].items())]
        lines.append("**In figures:** " + "; ".join(facts) + ".\n")
    if note.get("module_most_useful") not in (None, ""):
        lines.append(f"**Most useful part of the course:** "
                     f"{_module_phrase(note['module_most_useful'], topic_labels)}.\n")
    if note.get("wishes"):
        lines.append("**Would like to learn next:** "
                     + join_words([escape_markdown(w) for w in note["wishes"]]) + ".\n")
    return "\n".join(lines) + "\n"


def case_studies(notes: list[dict], country_name, topic_labels: dict[str, str]) -> str:
    """All published case studies, by name; a sentence for notes withheld without consent."""
    published = sorted((n for n in notes if n.get("consent_to_publish") is True), key=lambda n: n["name"])
    text = "".join(case_study(n, country_name, topic_labels) for n in published)
    withheld = len(notes) - len(published)
    if withheld:
        text += (f"{number_words(withheld).capitalize()} further interview "
                 f"note{'s were' if withheld > 1 else ' was'} left out: the interviewee did not consent to publication.\n")
    return text or "No interview note was available for this report.\n"


def figure1_note(notes: pd.DataFrame, country_name) -> str:
    """Sentence under Figure 1 naming participant countries the map cannot draw."""
    if notes is None or notes.empty:
        return ""
    code_col = next((c for c in ("country_iso3", "iso3", "country", "level") if c in notes.columns), None)
    if code_col is None:
        raise ValueError("figure1_notes.csv: expected a column country_iso3 (or iso3, country)")
    count_col = next((c for c in ("participants", "value", "n") if c in notes.columns), None)
    items = []
    for r in notes.sort_values(code_col).itertuples():
        label = _country(getattr(r, code_col), country_name)
        if count_col and not is_missing(getattr(r, count_col)):
            label += f" ({fmt_count(getattr(r, count_col))})"
        items.append(label)
    return ("Participant countries too small to show at this scale (participants): "
            + join_words(items) + ".\n")


def quarantined_rows(paths: list[str]) -> int:
    """Rows set aside (config on_invalid: quarantine) in the quarantine files of the run:
    one row per quarantined record in each (source, line, reason, record)."""
    return sum(len(pd.read_csv(p, dtype=str, keep_default_na=False)) for p in sorted(set(map(str, paths))))


def quarantine_variables(n: int) -> dict:
    """`quarantine.*` variables: the count as the sentence starts ("One row was", "3 rows were")."""
    rows = "One row was" if n == 1 else f"{fmt_count(n)} rows were"
    return {"count": fmt_count(n), "rows": rows}


def write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 text with LF line ends (byte-identical on every platform)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def write_generated(out: dict, *, metrics: pd.DataFrame, registry: dict, config: dict, labels,
                    prose: dict, notes: list[dict], quotes: pd.DataFrame, figure1_notes: pd.DataFrame | None,
                    provenance: list[str], has_followup: bool, country_name, quarantined: int = 0,
                    quarantine_files: list[str] = (), level_labels: dict | None = None,
                    claims: dict | None = None, latest=None, withheld_files: set[str] = frozenset()) -> dict:
    """Write `_variables.yml`, the scope flags, the cover and every generated block to the
    paths in `out` (keys: variables, scope, cover, box1, box2, case_studies, figure1_note and
    the technical annex's annex_metrics, annex_reference, annex_inputs, annex_quarantine,
    annex_comparison). `quarantined` = rows set aside (on_invalid: quarantine), listed by
    file from `quarantine_files`: the report says so when it is not zero (flag
    `has-quarantine`). `level_labels`: the registry's names of level codes; `claims`: the
    claims register (the published count of editions); `latest`: the date of the latest
    record (the cover); `withheld_files`: input files listed without their name (interview
    notes without consent to publish). Returns the variables."""
    import yaml

    from lib.report_annex import LevelNamer, about_variables, cover_metadata, write_annex
    from lib.report_vars import build_variables

    editions = config["scopes"][str(config["scope"])]["editions"]
    consenting = [n for n in notes if n.get("consent_to_publish") is True]
    variables = build_variables(metrics, config, labels, country_name, has_followup, len(consenting))
    variables["quarantine"] = quarantine_variables(int(quarantined))
    variables["about"] = about_variables(metrics, config, claims, LevelNamer(level_labels, labels, country_name))
    write_text(out["variables"], yaml.safe_dump(variables, sort_keys=True, allow_unicode=True, width=10_000))
    intention = metrics[metrics["metric_id"] == "intention_to_use_by_edition"]
    flags = {
        "has-followup": bool(has_followup),
        "has-quarantine": int(quarantined) > 0,
        "has-evaluation-gap": bool(intention["value"].isna().any()),  # an edition without evaluation responses
    }
    write_text(out["scope"], yaml.safe_dump(flags, sort_keys=True))
    write_text(out["cover"], yaml.safe_dump(cover_metadata(config, latest, has_followup), sort_keys=True,
                                            allow_unicode=True, width=10_000))
    write_text(out["box1"], box1_table(metrics, editions, {e: config["editions"][e]["language"] for e in editions}))
    write_text(out["box2"], box2_quotes(quotes, country_name) if has_followup
               else "No follow-up survey exists for this scope.\n")
    write_text(out["case_studies"], case_studies(notes, country_name, prose.get("topic", {})))
    write_text(out["figure1_note"], figure1_note(figure1_notes, country_name))
    write_annex(out, metrics=metrics, registry=registry, level_labels=level_labels, labels=labels,
                country_name=country_name, provenance=provenance, quarantine=list(quarantine_files),
                write_text=write_text, editions=list(editions), withheld=set(withheld_files))
    return variables
