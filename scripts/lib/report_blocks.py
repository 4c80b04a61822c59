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

from lib.countries import fold
from lib.errors import InputError
from lib.report_format import (
    fmt_count,
    fmt_value,
    is_missing,
    join_words,
    number_words,
    round_half_up,
    sentence_number,
)
from lib.report_markdown import blockquote, clean_text, escape_markdown, pipe_table
from lib.report_vars import fmt_number, language_names, mid_sentence

_ISO3 = re.compile(r"^[A-Z]{3}$")


def _row(metrics: pd.DataFrame, metric_id: str, level: str = "") -> pd.Series:
    rows = metrics[(metrics["metric_id"] == metric_id) & (metrics["level"] == level)]
    if rows.empty:
        raise KeyError(f"metrics.csv has no row {metric_id}{':' + level if level else ''} (needed by the report)")
    return rows.iloc[0]


def box1_table(metrics: pd.DataFrame, editions: list[str], edition_languages: dict[str, str]) -> str:
    """Certificates per edition and in total (Box 1), from the by-edition metrics;
    `edition_languages`: each edition's language by name."""
    rows = []
    for ed in editions:
        comp = _row(metrics, "certificates_completion_by_edition", ed)
        part = _row(metrics, "certificates_participation_by_edition", ed)
        rows.append([escape_markdown(ed), escape_markdown(edition_languages[ed]),
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


# ---------------------------------------------------------------- interview notes
NOTE_KEYS = {  # key: (required, what it holds) -- raw/README.md section 5 documents them
    "slug": "the file name without .yaml",
    "name": "the interviewee's full name",
    "short_name": "the name the narrative uses after the first mention",
    "consent_to_publish": "true or false",
    "role": "the byline role, e.g. 'Project manager at a local humanitarian NGO'",
    "city": "city of residence",
    "country": "ISO 3166 alpha-3 code of the country of residence",
    "origin_country": "ISO3 code or null",
    "headline": "the case study's title",
    "edition_language": "language code of the edition taken (en, es, fr, ar)",
    "years_in_host_country": "a whole number of years or null",
    "module_most_useful": "a module number 1-5 or null",
    "figures": "a mapping of figure names to {value, unit}",
    "narrative": "a list of paragraphs",
    "quotes": "a list of {text, language, consent, translation}",
}
SPECIAL_UNITS = ("calendar year", "decade")
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)(?::(number))?\}")
_LANG_SPAN = re.compile(r"\[([^\[\]{}]+)\]\{lang=([a-z]{2,3})\}")
_TOKEN = re.compile(f"{_PLACEHOLDER.pattern}|{_LANG_SPAN.pattern}")
_SENTENCE_END = re.compile(r"(^|[.!?][”’\"')]*)\s*$")


class InterviewNoteError(InputError, ValueError):
    """An interview note breaks its format; the message names the file and the key."""


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def validate_note(note: object, source: str) -> dict:
    """Check one parsed note (raw/interviews/<slug>.yaml); raise InterviewNoteError naming
    `source` and the key for the first problem found. A note without consent needs only
    `name` and `consent_to_publish`: nothing else of it is read."""
    def fail(key: str, problem: str) -> None:
        raise InterviewNoteError(f"{source}, key '{key}': {problem}")

    def text(key: str, value: object, optional: bool = False) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str) or not value.strip():
            fail(key, f"expected {NOTE_KEYS.get(key.split('.')[0].split('[')[0], 'text')}, got {value!r}")

    if not isinstance(note, dict):
        raise InterviewNoteError(f"{source}: expected a mapping of keys (see raw/README.md), got {type(note).__name__}")
    if not isinstance(note.get("consent_to_publish"), bool):
        fail("consent_to_publish", f"expected true or false, got {note.get('consent_to_publish')!r}")
    text("name", note.get("name"))
    if note["consent_to_publish"] is not True:
        return note
    unknown = sorted(set(note) - set(NOTE_KEYS))
    if unknown:
        fail(unknown[0], f"unknown key (expected one of {', '.join(NOTE_KEYS)})")
    missing = [k for k in NOTE_KEYS if k not in note]
    if missing:
        fail(missing[0], f"missing ({NOTE_KEYS[missing[0]]})")
    for key in ("slug", "short_name", "role", "city", "headline", "edition_language"):
        text(key, note[key])
    for key in ("country", "origin_country"):
        value = note[key]
        if not (value is None and key == "origin_country") and not (isinstance(value, str) and _ISO3.match(value)):
            fail(key, f"expected {NOTE_KEYS[key]}, got {value!r}")
    if note["slug"] != Path(source).stem:
        fail("slug", f"'{note['slug']}' is not the file name '{Path(source).stem}'")
    years, module = note["years_in_host_country"], note["module_most_useful"]
    if years is not None and not (isinstance(years, int) and not isinstance(years, bool) and years >= 0):
        fail("years_in_host_country", f"expected {NOTE_KEYS['years_in_host_country']}, got {years!r}")
    if module is not None and not (isinstance(module, int) and not isinstance(module, bool) and 1 <= module <= 5):
        fail("module_most_useful", f"expected {NOTE_KEYS['module_most_useful']}, got {module!r}")
    figures = note["figures"]
    if not isinstance(figures, dict):
        fail("figures", f"expected {NOTE_KEYS['figures']}, got {figures!r}")
    for name, fig in figures.items():
        key = f"figures.{name}"
        if not isinstance(fig, dict) or set(fig) - {"value", "unit", "plural"}:
            fail(key, f"expected a mapping with value and unit (optional: plural), got {fig!r}")
        if not _is_number(fig.get("value")):
            fail(f"{key}.value", f"expected a number, got {fig.get('value')!r}")
        text(f"{key}.unit", fig.get("unit"))
        if fig["unit"] == "decade" and (fig["value"] % 10 or not float(fig["value"]).is_integer()):
            fail(f"{key}.value", f"a decade is given by its first year (e.g. 1950), got {fig['value']!r}")
        if fig["unit"] in SPECIAL_UNITS and not float(fig["value"]).is_integer():
            fail(f"{key}.value", f"expected a whole year, got {fig['value']!r}")
    known = set(figures) | {"years_in_host_country", "module_most_useful"}
    narrative = note["narrative"]
    if not isinstance(narrative, list) or not narrative:
        fail("narrative", f"expected {NOTE_KEYS['narrative']}, got {narrative!r}")
    for i, paragraph in enumerate(narrative):
        key = f"narrative[{i}]"
        text(key, paragraph)
        for m in _PLACEHOLDER.finditer(paragraph):
            if m.group(1) not in known:
                fail(key, f"placeholder {m.group(0)} names no figure of this note "
                          f"(known: {', '.join(sorted(known))})")
            if m.group(1) in ("years_in_host_country", "module_most_useful") and note[m.group(1)] is None:
                fail(key, f"placeholder {m.group(0)} names {m.group(1)}, which is null in this note")
        stray = re.search(r"[{}]|\]\{", _TOKEN.sub("", paragraph))
        if stray:
            fail(key, "a brace outside a placeholder such as {figure_name} or a foreign term "
                      "written [term]{lang=es}")
    quotes = note["quotes"]
    if not isinstance(quotes, list):
        fail("quotes", f"expected {NOTE_KEYS['quotes']}, got {quotes!r}")
    for i, quote in enumerate(quotes):
        key = f"quotes[{i}]"
        if not isinstance(quote, dict) or set(quote) - {"text", "language", "consent", "translation"}:
            fail(key, f"expected a mapping of text, language, consent and translation, got {quote!r}")
        text(f"{key}.text", quote.get("text"))
        text(f"{key}.language", quote.get("language"))
        if not isinstance(quote.get("consent"), bool):
            fail(f"{key}.consent", f"expected true or false (may the words be quoted?), got {quote.get('consent')!r}")
        if quote["language"] != "en":
            text(f"{key}.translation", quote.get("translation"))
    return note


def load_interview_notes(paths) -> list[dict]:
    """Read and validate every interview note (sorted by path)."""
    import yaml

    notes = []
    for path in sorted(Path(p).as_posix() for p in paths):
        try:
            with open(path, encoding="utf-8") as fh:
                note = yaml.safe_load(fh)
        except yaml.YAMLError as err:
            raise InterviewNoteError(f"{path}: not readable as YAML ({err})") from err
        notes.append(validate_note(note, path))
    return notes


def plural(unit: str, n: int, explicit: str | None = None) -> str:
    """A unit with its count: "month" -> "months", "company" -> "companies"."""
    if n == 1:
        return unit
    if explicit:
        return explicit
    if re.search(r"[^aeiou]y$", unit):
        return unit[:-1] + "ies"
    return unit + ("es" if re.search(r"(s|x|ch|sh)$", unit) else "s")


def _module_name(number: int, prose: dict) -> str:
    order = prose.get("module_order") or []
    label = prose.get("topic", {}).get(order[number - 1]) if number <= len(order) else None
    return f"module {number} ({mid_sentence(label)})" if label else f"module {number}"


def figure_text(note: dict, name: str, number_only: bool, initial: bool, prose: dict) -> str:
    """A placeholder's text: the figure with its unit ("three months", "the 1950s" is
    written "the {x}" -> "1950s", "2021"), spelled out in full when it opens a sentence."""
    if name == "years_in_host_country":
        fig = {"value": note[name], "unit": "year"}
    elif name == "module_most_useful":
        text = _module_name(int(note[name]), prose)
        return text[:1].upper() + text[1:] if initial else text
    else:
        fig = note["figures"][name]
    value, unit = fig["value"], fig["unit"]
    if unit == "calendar year":
        return str(int(value))
    if unit == "decade":
        return f"{int(value)}s"
    count = round_half_up(value, name)
    number = sentence_number(count) if initial else (number_words(count) if float(value).is_integer()
                                                      else f"{float(value):,}")
    return number if number_only else f"{number} {plural(unit, count, fig.get('plural'))}"


def _escape_segment(text: str) -> str:
    """escape_markdown for a piece of an already cleaned paragraph (spaces kept at its ends)."""
    core = text.strip()
    if not core:
        return text
    return text[:len(text) - len(text.lstrip())] + escape_markdown(core) + text[len(text.rstrip()):]


def narrative_paragraph(note: dict, paragraph: str, prose: dict) -> str:
    """One narrative paragraph as Markdown: text escaped, placeholders filled (spelled out in
    full when one opens a sentence), foreign terms in italics and marked with their language
    (a Pandoc span: `lang` in HTML)."""
    paragraph = clean_text(paragraph)
    out, pos = [], 0
    for m in _TOKEN.finditer(paragraph):
        before = paragraph[:m.start()]
        out.append(_escape_segment(paragraph[pos:m.start()]))
        if m.group(1):
            initial = bool(_SENTENCE_END.search(before))
            out.append(escape_markdown(figure_text(note, m.group(1), m.group(2) == "number", initial, prose)))
        else:
            out.append(f"*[{escape_markdown(m.group(3))}]{{lang={m.group(4)}}}*")  # foreign terms in italics
        pos = m.end()
    out.append(_escape_segment(paragraph[pos:]))
    return "".join(out)


def _quote(note: dict, quote: dict) -> str:
    """A consented quote as a block quote; a non-English one in a div marked with its
    language (Pandoc writes `lang` in HTML and `text(lang:)` in Typst), then its translation."""
    words = f"“{escape_markdown(quote['text'])}”"
    paragraphs = [f"::: {{lang={quote['language']}}}\n> {words}\n> :::" if quote["language"] != "en" else words]
    if quote["language"] != "en":
        paragraphs.append(f"*Translation:* {escape_markdown(quote['translation'])}")
    paragraphs.append(f"— {escape_markdown(note['name'])}")
    return blockquote(paragraphs)


def case_study(note: dict, country_name, prose: dict, languages: dict[str, str] | None = None) -> str:
    """One interview note with consent as a case study: the headline, a byline (name, role,
    place, language of the edition taken, named by `languages` {code: English name}), the
    narrative and at most one consented quote."""
    country = _country(note["country"], country_name)
    byline = [f"**{escape_markdown(note['name'])}**", escape_markdown(note["role"]),
              f"{escape_markdown(note['city'])}, {country}"]
    lang = note.get("edition_language")
    if lang:
        byline.append(f"Course taken in {escape_markdown((languages or {}).get(lang, lang))}")
    parts = [f"### {escape_markdown(note['headline'])}\n", "*" + " · ".join(byline) + "*\n"]
    parts += [narrative_paragraph(note, p, prose) + "\n" for p in note["narrative"]]
    quote = next((q for q in note.get("quotes") or [] if q.get("consent") is True), None)
    if quote:
        parts.append(_quote(note, quote))
    return "\n".join(parts) + "\n"


def case_studies(notes: list[dict], country_name, prose: dict, languages: dict[str, str] | None = None) -> str:
    """All published case studies, by name; a sentence for notes withheld without consent."""
    published = sorted((n for n in notes if n.get("consent_to_publish") is True), key=lambda n: n["name"])
    text = "".join(case_study(n, country_name, prose, languages) for n in published)
    withheld = len(notes) - len(published)
    if withheld:
        text += (f"{sentence_number(withheld)} further interview "
                 f"note{'s were' if withheld > 1 else ' was'} left out: the interviewee did not consent to publication.\n")
    return text or "No interview note was available for this report.\n"


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
    """`quarantine.*` variables: the count as the sentence starts, spelled out ("One row was",
    "Three rows were"): UN style never opens a sentence with a numeral."""
    rows = "One row was" if n == 1 else f"{sentence_number(n)} rows were"
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
    names = language_names(config)
    write_text(out["box1"], box1_table(metrics, editions, {e: names[config["editions"][e]["language"]] for e in editions}))
    write_text(out["box2"], box2_quotes(quotes, country_name) if has_followup
               else "No follow-up survey exists for this scope.\n")
    write_text(out["case_studies"], case_studies(notes, country_name, prose, names))
    write_text(out["figure1_note"], figure1_note(figure1_notes, country_name))
    write_annex(out, metrics=metrics, registry=registry, level_labels=level_labels, labels=labels,
                country_name=country_name, provenance=provenance, quarantine=list(quarantine_files),
                write_text=write_text, editions=list(editions), withheld=set(withheld_files))
    return variables
