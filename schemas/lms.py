"""pandera schemas of the LMS (Moodle 4.x) exports: raw layer per site preset, clean layer.

Raw layer: the exports as read by ``lib.io.read_export`` (canonical column names, every
value text, plus ``_line``; certificates also ``certificate``, the type of the activity
the file came from, set from config). The checks depend on the site preset (labels,
language pack, date formats), so schemas are built from the ``site_params`` of
common.smk by :func:`raw_schema`. Every check carries an ``error=`` sentence an analyst
can act on; the validation report adds file, line, column and value.

Dates are read as Moodle's ``userdate()`` writes them (lib.moodle_dates): the export
type's langconfig format with the pack's CLDR month and day names.

Clean layer: ``results/clean/participants.parquet`` as in docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import pandera.pandas as pa

from lib.distinct import read_once
from lib.moodle_dates import parse_userdate
from lib.vocabulary import CERTIFICATE_TYPES, CERTIFICATES, ENROLMENT_STATUSES, GENDERS, LMS_SOURCES, MODULES, is_blank
from schemas.text import TEXT

# Column types as pandera's dtype classes (pa.Int64, pa.Float64, pa.DateTime), not strings:
# pandera resolves "int64", "float64" and "datetime64[us]" through a fallback that imports
# geopandas (~0.05 s of CPU per job, more under load; issue 16); the classes are the same
# pandera types (pa.DateTime is what "datetime64[us]" resolves to).

ROLE_SEPARATOR = ","
EMAIL_PATTERN = r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$"
NUMBER_PATTERN = r"^\s*\d+([.,]\d+)?\s*$"
# mod_customcert codes: 10 random letters and digits (default) or dddd-dddd-dddd
# (codegenerationmethod 1): CC classes/certificate.php, classes/service/certificate_issue_service.php
CODE_PATTERN = r"^\s*([A-Za-z0-9]{10}|\d{4}-\d{4}-\d{4})\s*$"


# --------------------------------------------------------------------------- vectorised checks
def parse_dates(s: pd.Series, date_format: str, language: str) -> pd.Series:
    """Parse text written by Moodle's userdate() (blank -> NaT; unparseable -> NaT)."""
    return parse_userdate(s, date_format, language)


# "no grade" text -> every grade text read so far and its number (lib.distinct.read_once)
_NUMBERS: dict[str, pd.Series] = {}


def _numbers(text: pd.Series, missing: str) -> pd.Series:
    text = text.str.strip()
    text = text.mask(text == missing, "").str.replace(",", ".", regex=False)
    return pd.to_numeric(text.mask(text == "", None), errors="coerce").astype("float64")


def parse_numbers(s: pd.Series, missing: str) -> pd.Series:
    """Grades as float: the site's "no grade" text and blanks -> NaN; decimal comma accepted.
    Each distinct text is read once per process (:data:`_NUMBERS`)."""
    numbers = read_once(s, _NUMBERS, missing, lambda text: _numbers(text, missing))
    if numbers is None:  # nothing but missing values
        return pd.Series(float("nan"), index=s.index, dtype="float64", name=s.name)
    return pd.Series(numbers, index=s.index, dtype="float64", name=s.name)


def split_roles(value: str) -> list[str]:
    return [r.strip() for r in str(value).split(ROLE_SEPARATOR) if r.strip()]


def _required(what: str) -> pa.Check:
    return pa.Check(lambda s: ~is_blank(s), error=f"is empty but the {what} is required")


def _unique_per_file(what: str) -> pa.Check:
    """No value twice in one file (several files validated at once: within each file)."""

    def check(s: pd.Series) -> pd.Series:
        stripped = s.astype("string").str.strip()
        if not isinstance(s.index, pd.MultiIndex):  # one file
            return ~stripped.duplicated(keep=False)
        # several files stacked by lib.validation.stack_files: the file number is level 0
        file = pd.Series(s.index.get_level_values(0), index=s.index)
        return ~pd.DataFrame({"file": file, "value": stripped}).duplicated(keep=False)

    return pa.Check(check, error=f"{what} appears on more than one line")


def _date(date_format: str, language: str, *, optional: bool) -> pa.Check:
    def check(s: pd.Series) -> pd.Series:
        ok = parse_dates(s, date_format, language).notna()
        return ok | is_blank(s) if optional else ok

    return pa.Check(
        check,
        error=f"is not a date in the export's format {date_format!r} with {language!r} month and day names "
        "(the weekday must match the date; dates are never guessed)",
    )


def _labels(labels: dict[str, list[str]], what: str, *, multi: bool = False) -> pa.Check:
    allowed = sorted({label for values in labels.values() for label in values})
    text = ", ".join(allowed)

    def check(s: pd.Series) -> pd.Series:
        stripped = s.astype("string").str.strip()
        if not multi:
            return stripped.isin(allowed)
        return stripped.map(lambda v: bool(split_roles(v)) and all(r in allowed for r in split_roles(v))).astype(bool)

    return pa.Check(check, error=f"is not a {what} label of this site (expected one of: {text})")


def _grade(missing: str, maximum: float) -> pa.Check:
    def check(s: pd.Series) -> pd.Series:
        text = s.astype("string").str.strip()
        is_missing = text == missing
        value = parse_numbers(s, missing)
        well_formed = text.str.match(NUMBER_PATTERN).fillna(False).astype(bool)
        return is_missing | (well_formed & value.between(0, maximum))

    return pa.Check(check, error=f"is not a grade between 0 and {maximum:g} or '{missing}' (no grade)")


# The last second of the year 9999 (UTC): a larger "time stamp" is no date (and no int64 once
# it has more than 19 digits), so it is reported as a problem of its line, not a crash.
LAST_UNIX_TIME = 253_402_300_799


def _unix_time() -> pa.Check:
    def check(s: pd.Series) -> pd.Series:
        text = s.astype("string").str.strip()
        digits = text.str.fullmatch(r"\d{1,12}").fillna(False).astype(bool)
        small = text.where(digits, "0").astype("int64") <= LAST_UNIX_TIME
        return digits & small

    return pa.Check(check, error="is not a Unix time stamp (seconds since 1970, a date before the year 10000)")


def _email() -> pa.Check:
    return pa.Check.str_matches(EMAIL_PATTERN, error="is not an e-mail address")


def _text(*checks: pa.Check, nullable: bool = False) -> pa.Column:
    return pa.Column(TEXT, list(checks), nullable=nullable)


# --------------------------------------------------------------------------- raw layer
def raw_schema(source: str, site: dict) -> pa.DataFrameSchema:
    """Schema of one raw LMS export for a site preset (``site`` = the ``site_params`` dict
    of common.smk: headers, grade_items, labels, language_pack, exports, missing_grade,
    grade_max)."""
    labels = site["labels"]
    lang = site["language_pack"]
    fmt = (site["exports"].get(source) or {}).get("date_format")
    missing = site.get("missing_grade", "-")
    gmax = site.get("grade_max") or {}
    other = _text()
    user_id = _text(
        pa.Check.str_matches(r"^\s*\d+\s*$", error="is not a numeric Moodle user id"),
        _unique_per_file("user id"),
    )
    if source == "participants":
        cols = {
            "username": _text(_required("username")),
            "email": _text(_email()),
            "role": _text(_labels(labels["role"], "role", multi=True)),
            "enrolment_status": _text(_labels(labels["enrolment_status"], "enrolment status")),
            "time_enrolled": _text(_date(fmt, lang, optional=False)),
        }
        if "user_id" in site["headers"][source]:
            cols["user_id"] = user_id
    elif source == "completion":
        cols = {
            "user_id": user_id,
            "email": _text(_email()),
            # 'Course complete': the completion date, or empty when not complete
            "course_complete": _text(_date(fmt, lang, optional=True)),
        }
    elif source == "grades":
        cols = {"email": _text(_email())}
        for m in MODULES:
            cols[m] = _text(_grade(missing, float(gmax.get("module", 20))))
        cols["course_total"] = _text(_grade(missing, float(gmax.get("course_total", 100))))
        cols["last_downloaded"] = _text(_unix_time())
    elif source == "certificates":
        cols = {
            "email": _text(_email()),
            "certificate": _text(
                pa.Check.isin(list(CERTIFICATE_TYPES), error="is not a certificate type of config.yaml")
            ),
            "issued_on": _text(_date(fmt, lang, optional=False)),
            "code": _text(
                pa.Check.str_matches(
                    CODE_PATTERN,
                    error="is not a certificate code of mod_customcert (10 letters and digits, or "
                    "dddd-dddd-dddd): the cell was probably edited, or the file is not a mod_customcert "
                    "report; download the certificate report again",
                ),
                _unique_per_file("certificate code"),
            ),
        }
    else:
        raise ValueError(f"unknown LMS source {source!r}; expected one of {LMS_SOURCES}")
    for canon in site["headers"][source]:
        cols.setdefault(canon, other)
    cols["_line"] = pa.Column(int, pa.Check.ge(2), required=False)
    return pa.DataFrameSchema(cols, strict=True, name=f"raw {source}")


def to_typed(df: pd.DataFrame, source: str, site: dict) -> pd.DataFrame:
    """Staging layer: validated raw text -> typed columns (dates, grades, epoch)."""
    out = df.copy()
    fmt = (site["exports"].get(source) or {}).get("date_format")
    lang = site["language_pack"]
    missing = site.get("missing_grade", "-")
    if source == "completion":  # the 'Course complete' cell: a date, or empty
        out["completion_date"] = parse_dates(out.pop("course_complete"), fmt, lang).astype("datetime64[us]")
    for col in ("time_enrolled", "issued_on"):
        if col in out.columns:
            out[col] = parse_dates(out[col], fmt, lang).astype("datetime64[us]")
    if source == "grades":
        for col in [*MODULES, "course_total"]:
            out[col] = parse_numbers(out[col], missing)
        out["last_downloaded"] = pd.to_numeric(out["last_downloaded"].str.strip()).astype("int64")
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].astype("string")
    out["_line"] = out["_line"].astype("int64")
    return out


# --------------------------------------------------------------------------- plausibility
# Checks across columns and against config, run by stage_lms on each raw file beside the
# schema (lib.validation.validate ``extra_errors``): a row that fails one stops the run or
# is quarantined as on_invalid says, like any row error; an export made before the course
# opened is a file-level problem and always stops.
#
# Course total: Moodle's natural aggregation sums the UNROUNDED module grades, the export
# shows each to 2 decimals (raw/README.md, grades.csv): five roundings of at most 0.005
# and the total's own make the documented 0.03 at most.
TOTAL_TOLERANCE = 0.03
# Dates: the completion, certificate and participants reports carry no export date (only
# the grade export does, in 'Last downloaded from this course'), so "after the export" is
# bounded by config validation.max_days_after_start days after editions.<id>.start.
DEFAULT_MAX_DAYS_AFTER_START = 365
DATE_COLUMNS = {
    # source: (column, what, must be on or after the start)
    "participants": ("time_enrolled", "enrolment date", False),  # enrolment opens before the course
    "completion": ("course_complete", "course completion date", True),
    "certificates": ("issued_on", "certificate issue date", True),
}
EXPORT_WORDS = {
    "participants": "participants report",
    "completion": "course completion report",
    "certificates": "certificate report",
}


def _well_formed_grades(s: pd.Series, missing: str) -> pd.Series:
    text = s.astype("string").str.strip()
    return ((text == missing) | text.str.match(NUMBER_PATTERN)).fillna(False).astype(bool)


def _row_error(df: pd.DataFrame, i, file: str, column: str, check: str, message: str) -> dict:
    """The extra row error of a plausibility check, as lib.validation.validate takes it."""
    return {"file": file, "line": int(df.at[i, "_line"]), "column": column, "value": str(df.at[i, column]),
            "check": check, "message": message}


def course_total_errors(df: pd.DataFrame, *, file: str, missing: str = "-") -> list[dict]:
    """Grade rows whose course total is not the sum of the module grades (beyond
    :data:`TOTAL_TOLERANCE`), or is '-' (no grade) although a module is graded. Rows with
    a malformed grade are left to the schema's own check."""
    cols = [*MODULES, "course_total"]
    ok = pd.concat([_well_formed_grades(df[c], missing) for c in cols], axis=1).all(axis=1)
    modules = pd.concat([parse_numbers(df[m], missing) for m in MODULES], axis=1)
    graded = modules.notna().any(axis=1)
    expected = modules.sum(axis=1, min_count=0)
    total = parse_numbers(df["course_total"], missing)
    off = (total - expected).abs().round(6) > TOTAL_TOLERANCE

    def error(i, message: str) -> dict:
        return _row_error(df, i, file, "course_total", "course_total_is_sum", message)

    errors = [
        error(i, f"the course total is '{missing}' (no grade) although module grades are present "
              f"(their sum is {expected[i]:.2f}): Moodle writes a total whenever a module is graded. The export "
              "was probably edited; export the grades again (Grades > Export > Plain text file)")
        for i in df.index[ok & total.isna() & graded]
    ]
    errors += [
        error(i, f"is not the sum of the module grades ({expected[i]:.2f}): it differs by "
              f"{abs(total[i] - expected[i]):.2f}, more than the {TOTAL_TOLERANCE:g} that Moodle's rounding "
              "explains (the total is the unrounded sum of the modules, each shown to 2 decimals). The file was "
              "probably edited, or the course total aggregates other items or weights; check the gradebook "
              "setup (natural sum of the five module quizzes) and export the grades again")
        for i in df.index[ok & total.notna() & off]
    ]
    return errors


def date_errors(
    df: pd.DataFrame,
    source: str,
    site: dict,
    *,
    file: str,
    edition: str,
    start: str | None,
    max_days_after_start: int = DEFAULT_MAX_DAYS_AFTER_START,
) -> list[dict]:
    """Dates before the course opened (``editions.<edition>.start``; completion and
    certificate dates) or more than ``max_days_after_start`` days after it (every date:
    the stand-in for the export date these reports do not carry). For the grade export,
    whose 'Last downloaded from this course' is the export time: an export made before
    the course opened (file level). Unparseable values are left to the schema."""
    if not start:
        return []
    opened = pd.Timestamp(str(start))
    latest = opened + pd.Timedelta(days=int(max_days_after_start))
    where = f"editions.{edition}.start in config.yaml"
    if source == "grades":
        stamps = pd.to_numeric(df["last_downloaded"].astype("string").str.strip(), errors="coerce").dropna()
        stamps = stamps[(stamps >= 0) & (stamps < 32503680000)]  # before year 3000: a date
        if stamps.empty:
            return []
        made = pd.to_datetime(stamps.min(), unit="s")
        if made.normalize() >= opened:
            return []
        return [
            {
                "file": file,
                "line": None,
                "column": "last_downloaded",
                "value": str(made),
                "check": "exported_after_start",
                "message": f"the grade export was made on {made:%Y-%m-%d} (its 'Last downloaded from this course' "
                f"column), before the course opened on {opened:%Y-%m-%d} ({where}): it is probably the export of "
                "another course or edition, or start is wrong; check both and rerun",
            }
        ]
    if source not in DATE_COLUMNS or DATE_COLUMNS[source][0] not in df.columns:
        return []
    column, what, after_start = DATE_COLUMNS[source]
    fmt = (site["exports"].get(source) or {}).get("date_format")
    dates = parse_dates(df[column], fmt, site["language_pack"])
    early = dates.notna() & (dates.dt.normalize() < opened) if after_start else pd.Series(False, index=df.index)
    late = dates.notna() & (dates > latest)
    errors = [
        _row_error(df, i, file, column, "date_on_or_after_start",
                   f"the {what} {dates[i]:%Y-%m-%d} is before the course opened on {opened:%Y-%m-%d} "
                   f"({where}): the {EXPORT_WORDS[source]} is probably another edition's, or start is wrong; "
                   "download the report from the right course, or correct start")
        for i in df.index[early]
    ]
    errors += [
        _row_error(df, i, file, column, "date_before_export",
                   f"the {what} {dates[i]:%Y-%m-%d} is {(dates[i] - opened).days} days after the course "
                   f"opened on {opened:%Y-%m-%d} ({where}), later than validation.max_days_after_start "
                   f"({int(max_days_after_start)}) allows: the {EXPORT_WORDS[source]} carries no export date, so "
                   "this bound stands for it. A date in the future or this late is probably a typing or clock "
                   "error, or start belongs to another edition; correct the export or start (or raise the bound "
                   "if the course really ran this long)")
        for i in df.index[late]
    ]
    return errors


def plausibility_errors(
    df: pd.DataFrame,
    source: str,
    site: dict,
    *,
    file: str,
    edition: str,
    start: str | None,
    max_days_after_start: int = DEFAULT_MAX_DAYS_AFTER_START,
) -> list[dict]:
    """Every plausibility problem of one raw LMS file (report rows without ``rule``)."""
    errors = []
    if source == "grades" and all(c in df.columns for c in [*MODULES, "course_total"]):
        errors += course_total_errors(df, file=file, missing=site.get("missing_grade", "-"))
    errors += date_errors(
        df, source, site, file=file, edition=edition, start=start, max_days_after_start=max_days_after_start
    )
    return errors


# --------------------------------------------------------------------------- clean layer
def _codes(values, what: str) -> pa.Check:
    return pa.Check.isin(list(values), error=f"is not a {what} code ({', '.join(values)})")


def clean_participants_schema(languages: Iterable[str], grade_max: dict | None = None) -> pa.DataFrameSchema:
    """``results/clean/participants.parquet``: one row per (edition, person), no PII
    (``languages``: the codes of config.yaml's `languages`)."""
    gmax = grade_max or {}
    mod_max = float(gmax.get("module", 20))
    total_max = float(gmax.get("course_total", 100))
    grade = lambda top: pa.Column(  # noqa: E731
        pa.Float64, pa.Check.in_range(0, top, error=f"grade outside 0-{top:g}"), nullable=True
    )
    cols = {
        "participant_key": pa.Column(
            TEXT, pa.Check.str_matches(r"^[0-9a-f]{64}$", error="is not a hex HMAC-SHA256 key")
        ),
        "edition": pa.Column(TEXT),
        "year": pa.Column(pa.Int64, pa.Check.in_range(2000, 2100)),
        "language": pa.Column(TEXT, _codes(list(languages), "language")),
        "country_iso3": pa.Column(
            TEXT, pa.Check.str_matches(r"^[A-Z]{3}$", error="is not an ISO alpha-3 code"), nullable=True
        ),
        "country_name": pa.Column(TEXT, nullable=True),
        "gender": pa.Column(TEXT, _codes(GENDERS, "gender")),
        "occupation": pa.Column(TEXT, nullable=True),
        "organisation_type": pa.Column(TEXT, nullable=True),
        "enrolment_status": pa.Column(TEXT, _codes(ENROLMENT_STATUSES, "enrolment status")),
        "time_enrolled": pa.Column(pa.DateTime),
        "course_complete": pa.Column("bool"),
        "completion_date": pa.Column(pa.DateTime, nullable=True),
        **{m: grade(mod_max) for m in MODULES},
        "course_total": grade(total_max),
        "certificate_issued": pa.Column(TEXT, _codes(CERTIFICATES, "certificate")),
        "certificate_eligible": pa.Column(TEXT, _codes(CERTIFICATES, "certificate")),
        "accounts_merged": pa.Column(pa.Int64, pa.Check.ge(1)),
    }
    return pa.DataFrameSchema(
        cols,
        strict=True,
        ordered=True,
        unique=["edition", "participant_key"],
        name="clean participants",
    )


CLEAN_PARTICIPANT_COLUMNS = list(clean_participants_schema(languages=()).columns)
