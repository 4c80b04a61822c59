"""Generated Markdown blocks the report includes: Box 1, Box 2, case studies, appendix.

Each function returns Markdown text built only from computed data (metrics, the Box 2
quotes table, interview notes, file hashes); untrusted text goes through
`escape_markdown`. The .qmd pulls these in with ``{{< include _generated/<name>.md >}}``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd

from lib.countries import fold
from lib.report_format import fmt_count, fmt_interval, fmt_value, is_missing, join_words, number_words
from lib.report_markdown import blockquote, bullet_list, clean_text, escape_markdown, pipe_table
from lib.report_vars import LANGUAGE_NAMES, fmt_number, ranked, unanswered_ids

INTERVALS = {
    "none": "none",
    "wilson_fpc": "95% Wilson score interval with finite-population correction "
    "(population: participants of the surveyed editions)",
}
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
    """A country as the reader sees it: an ISO alpha-3 code becomes its UN name
    (`country_name`, lib.countries.UnNames, which raises on a code it cannot name);
    any other text (a name already) is shown as given."""
    text = clean_text(value)
    if _ISO3.match(text):
        text = country_name(text)
    return escape_markdown(text)


_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def box2_quotes(quotes: pd.DataFrame, country_name, document_lang: str = "en") -> str:
    """Box 2: each chosen quote as typed, its translation, then role and country only.
    A quote in another language than the document's (column `language`, a BCP 47 code)
    is marked with it (a div with `lang`: `lang` in HTML, `text(lang:)` in the PDF), so
    screen readers and hyphenation use the quote's language."""
    if quotes.empty:
        return "No respondent quote was selected for this report.\n"
    parts = []
    for q in quotes.itertuples():
        text = escape_markdown(q.text)
        lang = clean_text(getattr(q, "language", "")).lower()
        if _LANG.match(lang) and lang.split("-")[0] != document_lang:
            text = f'::: {{lang="{lang}"}}\n> {text}\n> :::'
        paragraphs = [text]
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


def _value_phrase(row, unit: str) -> str:
    if is_missing(row.value) and not is_missing(row.denominator) and float(row.denominator) == 0:
        return "no value (nothing to count: no responses)"
    suffix = " per cent" if unit in ("share", "mean_percent") else ""
    text = f"{fmt_value(row.value, unit)}{suffix}"
    if unit in ("share", "mean_percent") and not is_missing(row.denominator):
        text += f" ({fmt_number(row.numerator, row.metric_id)} / {fmt_number(row.denominator, row.metric_id)})"
    interval = fmt_interval(row.ci_low, row.ci_high, unit)
    if interval:
        text += f", interval {interval}"
    return text


def _level_label(metric: dict, level: str, country_name) -> str:
    if metric.get("breakdown") == "country":
        return _country(level, country_name)
    return escape_markdown(level)


def appendix_metrics(registry: dict[str, dict], metrics: pd.DataFrame, country_name) -> str:
    """One definition-list entry per registry metric: definition, numerator, denominator,
    interval, rounding and the computed value(s) (all levels, best first), or that nobody
    answered the survey item."""
    out = []
    unanswered = unanswered_ids(metrics)
    for metric_id, metric in registry.items():
        lines = [f"**{escape_markdown(metric['label'])}** (`{metric_id}`)\n\n"]
        body = [escape_markdown(metric["definition"])]
        if metric.get("numerator"):
            body.append(f"*Numerator:* {escape_markdown(metric['numerator'])}. "
                        f"*Denominator:* {escape_markdown(metric['denominator'])}.")
        body.append(f"*Interval:* {escape_markdown(INTERVALS.get(metric['interval'], metric['interval']))}. "
                    f"*Rounding:* {escape_markdown(metric['rounding'])}.")
        rows = metrics[metrics["metric_id"] == metric_id]
        if rows.empty:
            body.append("*Value:* not computed for this scope (its source does not exist here).")
        elif metric_id in unanswered:
            body.append("*Value:* none: no respondent answered this survey item.")
        elif metric.get("breakdown"):
            values = [f"{_level_label(metric, r.level, country_name)} {_value_phrase(r, metric['unit'])}"
                      for r in ranked(metrics, metric_id).itertuples()]
            body.append("*Values:* " + "; ".join(values) + ".")
        else:
            body.append(f"*Value:* {_value_phrase(next(rows.itertuples()), metric['unit'])}.")
        lines.append(":   " + "\n\n    ".join(body) + "\n")
        out.append("".join(lines))
    return "\n".join(out)


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def appendix_inputs(paths: list[str]) -> str:
    """The input files of this report with size and SHA-256, sorted by path."""
    rows = [[f"`{Path(p).as_posix()}`", fmt_count(Path(p).stat().st_size), f"`{sha256_file(p)}`"]
            for p in sorted(set(map(str, paths)))]
    return pipe_table(["File", "Bytes", "SHA-256"], rows, "lrl", widths=[34, 8, 58])


MAP_DISCLAIMER = ("The boundaries and names shown and the designations used on this map do not imply "
                  "official endorsement or acceptance by the United Nations.")
_FIGURE_NOTE_OPEN = ('```{=html}\n<div class="figure-note" style="font-size: 0.88em; margin-bottom: 1.4em;">\n```',
                     "```{=typst}\n#block(width: 100%, below: 1.4em)[#set text(size: 0.88em)\n```")
_FIGURE_NOTE_CLOSE = ("```{=typst}\n]\n```", "```{=html}\n</div>\n```")
_MAP_NOTE_KINDS = {
    "small": "Dots mark participant countries too small to show at this scale (participants): ",
    "not_in_geometry": "Participant countries missing from the base map (participants): ",
    "no_country_code": "Areas shown in grey have no country code of their own in the base map and are not "
                       "counted separately: ",
}


def figure1_note(notes: pd.DataFrame | None, country_name) -> str:
    """The block under Figure 1: participant countries the map draws as dots or cannot draw,
    the areas drawn in grey because the base map gives them no country code (named from the
    map's notes, column `kind` = small / not_in_geometry / no_country_code; without that
    column every row is a participant country drawn as a dot), and the UN map disclaimer,
    which every map carries."""
    paragraphs = []
    if notes is not None and not notes.empty:
        code_col = next((c for c in ("country_iso3", "iso3", "country", "level") if c in notes.columns), None)
        if code_col is None:
            raise ValueError("figure1_notes.csv: expected a column country_iso3 (or iso3, country)")
        count_col = next((c for c in ("participants", "value", "n") if c in notes.columns), None)
        kinds = notes["kind"] if "kind" in notes.columns else pd.Series("small", index=notes.index)
        unknown = sorted(set(kinds) - set(_MAP_NOTE_KINDS))
        if unknown:
            raise ValueError(f"figure1_notes.csv: unknown kind {unknown} (expected one of {sorted(_MAP_NOTE_KINDS)})")
        for kind, opening in _MAP_NOTE_KINDS.items():
            items = []
            for r in notes[kinds == kind].itertuples():
                code = getattr(r, code_col)
                if is_missing(code):
                    label = escape_markdown(getattr(r, "country_name", ""))
                else:
                    label = _country(code, country_name)
                if kind != "no_country_code" and count_col and not is_missing(getattr(r, count_col)):
                    label += f" ({fmt_count(getattr(r, count_col))})"
                items.append(label)
            if items:
                paragraphs.append(opening + join_words(sorted(items, key=fold)) + ".")
    if paragraphs:
        paragraphs[0] = "*Note:* " + paragraphs[0]
    paragraphs.append(MAP_DISCLAIMER)
    # in smaller type than the running text, so that the note reads as part of the figure
    return "\n\n".join([*_FIGURE_NOTE_OPEN, *paragraphs, *_FIGURE_NOTE_CLOSE]) + "\n"


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
                    provenance: list[str], has_followup: bool, country_name, quarantined: int = 0) -> dict:
    """Write `_variables.yml`, the scope flags and every generated block to the paths in `out`
    (keys: variables, scope, box1, box2, case_studies, figure1_note, appendix_metrics,
    appendix_inputs). `quarantined` = rows set aside (on_invalid: quarantine): the report
    says so when it is not zero (flag `has-quarantine`). Returns the variables."""
    import yaml

    from lib.report_vars import build_variables

    editions = config["scopes"][str(config["scope"])]["editions"]
    consenting = [n for n in notes if n.get("consent_to_publish") is True]
    variables = build_variables(metrics, config, labels, country_name, has_followup, len(consenting))
    variables["quarantine"] = quarantine_variables(int(quarantined))
    write_text(out["variables"], yaml.safe_dump(variables, sort_keys=True, allow_unicode=True, width=10_000))
    intention = metrics[metrics["metric_id"] == "intention_to_use_by_edition"]
    flags = {
        "has-followup": bool(has_followup),
        "has-quarantine": int(quarantined) > 0,
        "has-evaluation-gap": bool(intention["value"].isna().any()),  # an edition without evaluation responses
    }
    write_text(out["scope"], yaml.safe_dump(flags, sort_keys=True))
    write_text(out["box1"], box1_table(metrics, editions, {e: config["editions"][e]["language"] for e in editions}))
    write_text(out["box2"], box2_quotes(quotes, country_name) if has_followup
               else "No follow-up survey exists for this scope.\n")
    write_text(out["case_studies"], case_studies(notes, country_name, prose.get("topic", {})))
    write_text(out["figure1_note"], figure1_note(figure1_notes, country_name))
    write_text(out["appendix_metrics"], appendix_metrics(registry, metrics, country_name))
    write_text(out["appendix_inputs"], appendix_inputs(provenance))
    return variables
