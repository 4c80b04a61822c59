"""The codes every part of the workflow agrees on, declared once.

Languages are configuration: `config.yaml` `languages` lists each language a site, an
edition or a survey may use, by ISO 639-1 code, with its English name (as the report
writes it), its Moodle language pack and its XLSForm label suffix (the `<Name> (<code>)`
of a `label::<Name> (<code>)` column; the codebook matches the code in brackets). An
analyst adds a language there; every consumer reads it through :func:`languages`.

The other vocabularies are fixed by the code that computes from them (the metric
registry, the clean tables' contract in docs/architecture.md): they are declared below
and imported, never typed again. What counts as a blank cell is decided here too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only annotations: the Snakefile imports this module at every start
    import pandas as pd

# --------------------------------------------------------------------------- fixed
LMS_SOURCES = ("participants", "completion", "grades", "certificates")
MODULES = tuple(f"module_{i}" for i in range(1, 6))  # grade items of the five module quizzes
GENDERS = ("female", "male", "other", "not_recorded")
RECORDED_GENDERS = ("female", "male", "other")  # shares are computed over these
CERTIFICATE_TYPES = ("completion", "participation")  # one mod_customcert activity each
CERTIFICATES = (*CERTIFICATE_TYPES, "none")  # certificate issued / eligible
ENROLMENT_STATUSES = ("active", "suspended", "not_current")
# metric stages (the registry's `stage`): id -> (heading in the technical annex, heading in
# docs/metrics.md). A new stage is a line here plus its registry entries, its module and
# its rule (docs/architecture.md, "Adding a stage").
METRIC_STAGES = {
    "participation": ("Participation: the learning platform's records", "Participation (LMS exports)"),
    "reaction": ("Reaction: the evaluation at the end of each edition", "Reaction (end-of-course evaluation)"),
    "application": ("Application: the follow-up survey", "Application (follow-up survey)"),
}


def is_blank(series: pd.Series) -> pd.Series:
    """True where a cell is missing or only white space (a skipped item, no value)."""
    return series.isna() | (series.astype("string").str.strip() == "")


# --------------------------------------------------------------------------- languages
@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, as config.yaml and the XLSForm columns write it
    name: str  # English name, as the report writes it ("Spanish")
    moodle_pack: str  # Moodle language pack (lang/<pack>/), e.g. es or pt_br
    xlsform_label: str  # label column suffix: label::<xlsform_label>, e.g. "Español (es)"

    @property
    def label_column(self) -> str:
        """Header of this language's label column in an XLSForm (Kobo's form)."""
        return f"label::{self.xlsform_label}"


class Languages(Mapping[str, Language]):
    """The configured languages in config order: ``languages(config)["es"].name``."""

    def __init__(self, entries: Mapping[str, Language]):
        self._entries = dict(entries)

    def __getitem__(self, code: str) -> Language:
        try:
            return self._entries[code]
        except KeyError:
            raise KeyError(
                f"language {code!r} is not declared under `languages` in config.yaml "
                f"(declared: {', '.join(self._entries)})"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def names(self) -> dict[str, str]:
        """{code: English name}."""
        return {code: lang.name for code, lang in self._entries.items()}

    def name(self, code: str) -> str:
        return self[code].name


def languages(section: Mapping) -> Languages:
    """The languages of config.yaml's `languages` section ({code: {name, moodle_pack,
    xlsform_label}}; moodle_pack defaults to the code, xlsform_label to `<name> (<code>)`)."""
    out = {}
    for code, entry in section.items():
        entry = entry or {}
        name = entry.get("name") or code
        out[str(code)] = Language(
            code=str(code),
            name=str(name),
            moodle_pack=str(entry.get("moodle_pack") or code),
            xlsform_label=str(entry.get("xlsform_label") or f"{name} ({code})"),
        )
    return Languages(out)


def config_problems(config: Mapping) -> list[str]:
    """Uses of a language that `languages` does not declare (editions, follow-up
    surveys, evaluation response-number headers, site language packs)."""
    langs = languages(config.get("languages") or {})
    packs = {lang.moodle_pack for lang in langs.values()}
    declared = ", ".join(langs)
    problems = []
    for ed, entry in sorted((config.get("editions") or {}).items()):
        if entry.get("language") not in langs:
            problems.append(f"edition {ed!r} has language {entry.get('language')!r}")
    for survey, entry in sorted((config.get("followup_surveys") or {}).items()):
        problems += [
            f"follow-up survey {survey!r} lists language {code!r}"
            for code in entry.get("languages") or []
            if code not in langs
        ]
    for code in (config.get("evaluation") or {}).get("response_number") or {}:
        if code not in langs:
            problems.append(f"evaluation.response_number has an entry for language {code!r}")
    for site, entry in sorted((config.get("sites") or {}).items()):
        if entry.get("language_pack") not in packs:
            problems.append(
                f"site {site!r} has language_pack {entry.get('language_pack')!r}, "
                "the moodle_pack of no declared language"
            )
    return [f"config: {p}, which is not declared under `languages` (declared: {declared})" for p in problems]
