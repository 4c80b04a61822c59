"""Country harmonisation: exact lookup only, never fuzzy.

A raw country value is folded (trimmed, case-folded, accents and other combining marks
removed after Unicode NFKD, inner whitespace collapsed) and looked up in

1. ISO 3166-1 from pycountry: alpha-2, alpha-3, ``name``, ``official_name``,
   ``common_name``, plus the gettext translations of the names that pycountry ships
   into each configured language (config.yaml ``languages``; a language pycountry has
   no translation for adds nothing);
2. Moodle's own country names (``get_list_of_countries()``, the language packs'
   ``countries.php``) in English, Spanish, French and Arabic, vendored as
   ``resources/moodle_countries.csv`` (columns ``lang, code, name, version, source``;
   ``code`` is ISO alpha-2; source and licence in ``resources/moodle_countries.md``);
3. the explicit alias table ``resources/country_aliases.csv`` (columns ``alias, iso3,
   note``) for everything else an LMS or a respondent writes (EE.UU., RDC, Holanda...).

A folded key that two ISO entries share is ambiguous and left out of step 1 (the Moodle
table or the alias table must then decide). A Moodle name shared by two codes, a Moodle
name or an alias that contradicts ISO, an alias that contradicts a Moodle name, or two
alias rows that disagree, are errors when the tables are loaded. Values that match nothing are returned with
``unknown=True`` so the caller can report them by file, line and value; blanks are
not unknown, just missing.
"""

from __future__ import annotations

import csv
import gettext
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pycountry

from lib.errors import InputError

NAME_FIELDS = ("name", "official_name", "common_name")
CODE_FIELDS = ("alpha_2", "alpha_3")

class CountryTableError(InputError, ValueError):
    """A country table (``resources/country_aliases.csv``, the Moodle names, UNSD M49) is
    malformed; the message names the file and every bad line. Stops without a traceback."""


# Codes outside ISO 3166-1 that the alias table may point to (user-assigned codes in use).
EXTRA_CODES = {"XKX": "Kosovo"}

# Short English names for the report where ISO's name is a "Name, qualifier" form and
# pycountry has no common_name.
DISPLAY_NAMES = {
    "COD": "Democratic Republic of the Congo",
    "PSE": "Palestine",
    "FSM": "Micronesia",
    "VIR": "US Virgin Islands",
    "VGB": "British Virgin Islands",
    "MAF": "Saint Martin (French part)",
    "SXM": "Sint Maarten",
    "BES": "Bonaire, Sint Eustatius and Saba",
    "SHN": "Saint Helena",
    "MDA": "Moldova",
    "TZA": "Tanzania",
    "IRN": "Iran",
    "LAO": "Laos",
    "SYR": "Syria",
    "RUS": "Russia",
    "VAT": "Holy See",
}

_SPACE = re.compile(r"\s+")


def fold(value: str) -> str:
    """Trim, case-fold, strip combining marks (accents, Arabic diacritics), collapse spaces."""
    value = str(value)
    if value.isascii():  # no ASCII character decomposes or combines: the same, ~4x faster
        return _SPACE.sub(" ", value.casefold().strip())
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", stripped.casefold().strip())


def english_name(iso3: str) -> str:
    if iso3 in EXTRA_CODES:
        return EXTRA_CODES[iso3]
    if iso3 in DISPLAY_NAMES:
        return DISPLAY_NAMES[iso3]
    c = pycountry.countries.get(alpha_3=iso3)
    if c is None:
        raise KeyError(iso3)
    return getattr(c, "common_name", None) or c.name


# UN names for the codes the resolver can return that the UNSD M49 table does not list
# (resources/un_m49.md says why these forms). M49 wins if a later copy lists the code.
UN_NAMES_OUTSIDE_M49 = {
    "TWN": "Taiwan Province of China",
    "XKX": "Kosovo (under Security Council resolution 1244 (1999))",
}
UN_M49_COLUMNS = ["m49", "iso2", "iso3", "name"]
_M49 = re.compile(r"^[0-9]{3}$")
_ALPHA = {"iso2": re.compile(r"^[A-Z]{2}$"), "iso3": re.compile(r"^[A-Z]{3}$")}


def read_un_m49(path: str | Path) -> dict[str, str]:
    """ISO alpha-3 -> English name of the UNSD M49 table (``resources/un_m49.csv``).

    The table is checked as it is read: header ``m49, iso2, iso3, name``; M49 codes of
    three digits; ISO codes of two / three capitals, or both empty (an area with no ISO
    code); a name on every row; no M49 or ISO code twice. Any problem raises CountryTableError (a ValueError)
    naming the file and line.
    """
    problems, names, m49_seen, iso2_seen = [], {}, set(), set()
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != UN_M49_COLUMNS:
            raise CountryTableError(f"{path}: header must be {','.join(UN_M49_COLUMNS)}, not {reader.fieldnames}")
        for lineno, row in enumerate(reader, start=2):
            m49, iso2, iso3, name = (row[c] or "" for c in UN_M49_COLUMNS)
            if not _M49.match(m49) or m49 in m49_seen:
                problems.append(f"line {lineno}: M49 code {m49!r} is not three digits or appears twice")
            if not name.strip() or name != name.strip():
                problems.append(f"line {lineno}: name {name!r} is empty or has outer spaces")
            if (iso2 == "") != (iso3 == ""):
                problems.append(f"line {lineno}: ISO alpha-2 {iso2!r} and alpha-3 {iso3!r}: one without the other")
            for col, code, seen in (("iso2", iso2, iso2_seen), ("iso3", iso3, names)):
                if code and (not _ALPHA[col].match(code) or code in seen):
                    problems.append(f"line {lineno}: {col} {code!r} is malformed or appears twice")
            m49_seen.add(m49)
            iso2_seen.add(iso2)
            if iso3:
                names[iso3] = name
    if problems:
        raise CountryTableError(f"{path}: " + "; ".join(problems))
    return names


class UnNames:
    """The short name UN documents give a country or area, from its ISO alpha-3 code.

    ``UnNames("resources/un_m49.csv")("RUS") == "Russian Federation"``. Names come from
    the vendored UNSD M49 table ("Standard country or area codes for statistical use",
    see ``resources/un_m49.md``); the two codes it does not list take the names in
    ``UN_NAMES_OUTSIDE_M49`` (TWN, XKX). Any other code raises KeyError naming the code
    and the table: the report never prints a bare code or a name that is not the UN's.
    Used for every country a reader sees (report text, Box 2, case studies, Figure 1
    notes); the resolver's ``name_en`` (``english_name``) stays an analyst's label.
    """

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.names = {**UN_NAMES_OUTSIDE_M49, **read_un_m49(path)}

    def __call__(self, iso3: str) -> str:
        try:
            return self.names[iso3]
        except KeyError:
            raise KeyError(
                f"no UN name for country code {iso3!r}: it is neither in {self.path} (UNSD M49) "
                "nor in UN_NAMES_OUTSIDE_M49 (scripts/lib/countries.py)"
            ) from None


def _iso_keys(languages: Iterable[str] = ()) -> dict[str, str]:
    translators = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in languages
        if lang != "en"  # the names themselves
    ]
    seen: dict[str, set[str]] = {}
    for c in pycountry.countries:
        keys = {getattr(c, f) for f in CODE_FIELDS}
        for field in NAME_FIELDS:
            name = getattr(c, field, None)
            if not name:
                continue
            keys.add(name)
            keys.update(t.gettext(name) for t in translators)
        for key in keys:
            seen.setdefault(fold(key), set()).add(c.alpha_3)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1 and k}


# Moodle's country names in en, es, fr and ar (resources/moodle_countries.md).
MOODLE_COUNTRIES = Path(__file__).resolve().parents[2] / "resources" / "moodle_countries.csv"
_ALPHA_2 = re.compile(r"[A-Z]{2}")


def _moodle_keys(moodle_csv: str | Path, iso: dict[str, str]) -> dict[str, str]:
    """Folded Moodle country name -> ISO alpha-3; ValueError if the table is ambiguous.

    A name (after folding) must point to one code in every language and version, and a
    name that ISO already resolves must resolve to the same code.
    """
    found: dict[str, dict[str, list[str]]] = {}
    problems = []
    with open(moodle_csv, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not {"lang", "code", "name"} <= set(reader.fieldnames):
            raise CountryTableError(f"{moodle_csv}: needs the columns lang, code, name, version, source")
        for lineno, row in enumerate(reader, start=2):
            code, name = (row["code"] or "").strip().upper(), row["name"] or ""
            country = pycountry.countries.get(alpha_2=code) if _ALPHA_2.fullmatch(code) else None
            if country is None:
                problems.append(f"line {lineno}: {name!r} has {code!r}, not an ISO alpha-2 code")
                continue
            key = fold(name)
            if not key:
                problems.append(f"line {lineno}: empty name")
                continue
            where = f"line {lineno} ({row['lang']} {name!r})"
            found.setdefault(key, {}).setdefault(country.alpha_3, []).append(where)
    table: dict[str, str] = {}
    for key, codes in found.items():
        if len(codes) > 1:
            shared = "; ".join(f"{iso3} at {', '.join(where)}" for iso3, where in sorted(codes.items()))
            problems.append(f"name {key!r} is ambiguous: {shared}")
            continue
        ((iso3, where),) = codes.items()
        if key in iso and iso[key] != iso3:
            problems.append(f"{where[0]} -> {iso3} contradicts ISO lookup -> {iso[key]}")
            continue
        table[key] = iso3
    if problems:
        raise CountryTableError(f"{moodle_csv}: " + "; ".join(problems))
    return table


class CountryResolver:
    """Resolve raw country values to ISO alpha-3 and an English name."""

    def __init__(self, alias_csv: str | Path, moodle_csv: str | Path = MOODLE_COUNTRIES, languages: Iterable[str] = ()):
        """``languages``: the configured language codes (lib.vocabulary) whose ISO name
        translations are looked up."""
        self.iso = _iso_keys(languages)
        self.moodle = _moodle_keys(moodle_csv, self.iso)
        self.aliases: dict[str, str] = {}
        problems = []
        with open(alias_csv, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames is None or not {"alias", "iso3"} <= set(reader.fieldnames):
                raise CountryTableError(f"{alias_csv}: needs the columns alias, iso3, note")
            for lineno, row in enumerate(reader, start=2):
                alias, iso3 = row["alias"], (row["iso3"] or "").strip().upper()
                key = fold(alias or "")
                if not key:
                    problems.append(f"line {lineno}: empty alias")
                    continue
                if iso3 not in EXTRA_CODES and pycountry.countries.get(alpha_3=iso3) is None:
                    problems.append(f"line {lineno}: alias {alias!r} points to {iso3!r}, not an ISO alpha-3 code")
                    continue
                if key in self.iso and self.iso[key] != iso3:
                    problems.append(
                        f"line {lineno}: alias {alias!r} -> {iso3} contradicts ISO lookup -> {self.iso[key]}"
                    )
                    continue
                if key in self.moodle and self.moodle[key] != iso3:
                    problems.append(
                        f"line {lineno}: alias {alias!r} -> {iso3} contradicts Moodle's country name -> {self.moodle[key]}"
                    )
                    continue
                if key in self.aliases and self.aliases[key] != iso3:
                    problems.append(
                        f"line {lineno}: alias {alias!r} -> {iso3} contradicts an earlier row -> {self.aliases[key]}"
                    )
                    continue
                self.aliases[key] = iso3
        if problems:
            raise CountryTableError(
                f"{alias_csv}: " + "; ".join(problems) + ". Correct or delete these rows: iso3 is the ISO 3166-1 "
                "alpha-3 code (e.g. USA), and an alias must not contradict ISO's or Moodle's name for a country"
            )

    def lookup(self, value) -> str | None:
        """ISO alpha-3 for one value, or None (blank or unknown)."""
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
        key = fold(value)
        if not key:
            return None
        return self.iso.get(key) or self.moodle.get(key) or self.aliases.get(key)

    def resolve(self, values: pd.Series) -> pd.DataFrame:
        """DataFrame (same index) with ``iso3``, ``name_en`` and ``unknown`` (bool).

        Blank or missing -> ``iso3`` and ``name_en`` missing, ``unknown`` False;
        no exact match -> missing, ``unknown`` True.
        """
        cache: dict[object, tuple] = {}
        iso3, names, unknown = [], [], []
        for v in values:
            k = v if isinstance(v, str) else None
            if k not in cache:
                code = self.lookup(v)
                blank = k is None or fold(k) == ""
                cache[k] = (code, english_name(code) if code else None, code is None and not blank)
            c, n, u = cache[k]
            iso3.append(c)
            names.append(n)
            unknown.append(u)
        return pd.DataFrame(
            {
                "iso3": pd.Series(iso3, index=values.index, dtype="string"),
                "name_en": pd.Series(names, index=values.index, dtype="string"),
                "unknown": pd.Series(unknown, index=values.index, dtype="bool"),
            }
        )
