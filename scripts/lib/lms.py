"""Cleaning of the Moodle exports of one edition (pure functions, unit-tested).

The steps, in order (see scripts/clean_lms.py): map site labels to codes; drop staff
(any role that is not a learner role) and test accounts; merge duplicate accounts of
one person (same normalised e-mail); join completion, grades and certificates on the
normalised e-mail; recompute certificate eligibility; harmonise gender and country.
Every step returns what it dropped and why, for ``results/clean/cleaning_log.csv``.

Who is in which Moodle export (checked before joining, :func:`presence_errors`): the
completion report lists only active enrolments of student roles, a default grade export
leaves out suspended learners ("Exclude suspended users"), the certificate reports list
everyone who was awarded one. An active learner missing from the completion or grades
export, a learner whose enrolment is not active missing from a grade export that config
does not say excluded them, or a participants report that lists only active enrolments
while a certificate report names learners it lacks: each stops the run, whatever
``on_invalid`` says (:data:`ALWAYS_STOP`).
"""

from __future__ import annotations

import re

import pandas as pd

from lib.errors import InputError
from lib.pseudonym import normalise_email
from lib.validation import QUARANTINE_COLUMNS, format_problem, quarantine_table, withheld
from lib.vocabulary import MODULES
from lib.vocabulary import is_blank as blank

CERT_RANK = {"completion": 2, "participation": 1, "none": 0}
# checks whose failure means an export is incomplete or filtered: they always stop
ALWAYS_STOP = frozenset({"in_completion_export", "in_grades_export", "participants_not_filtered", "same_user_id"})


def map_labels(values: pd.Series, labels: dict[str, list[str]]) -> pd.Series:
    """Site label -> canonical code, exact after trimming; anything else -> missing."""
    lookup = {label: code for code, labels_ in labels.items() for label in labels_}
    return values.astype("string").str.strip().map(lookup).astype("string")


def learner_mask(roles: pd.Series, role_labels: dict[str, list[str]], learner_roles: list[str]) -> pd.Series:
    """True where every role of the account (comma-separated labels) is a learner role."""
    lookup = {label: code for code, labels_ in role_labels.items() for label in labels_}

    def is_learner(value) -> bool:
        codes = [lookup.get(r.strip()) for r in str(value).split(",") if r.strip()]
        return bool(codes) and all(c in learner_roles for c in codes)

    return roles.map(is_learner).astype(bool)


def account_pattern(pattern: object, key: str) -> re.Pattern:
    """A test-account pattern of config.yaml compiled, or an InputError naming its key."""
    try:
        return re.compile(str(pattern), re.IGNORECASE)
    except re.error as err:
        raise InputError(
            "config.yaml",
            f"not a valid regular expression ({err})",
            where=f"key '{key}'",
            value=pattern,
            todo="write it as a Python regular expression (escape a literal '.', '(', '[' or '+' with a "
            "backslash, e.g. '@example\\.org$') or remove it",
        ) from None


def find_test_accounts(
    usernames: pd.Series, emails: pd.Series, username_patterns: list[str], email_patterns: list[str]
) -> pd.Series:
    """Reason a row is a test account ("test username" / "test e-mail"), else missing."""
    reason = pd.Series(pd.NA, index=usernames.index, dtype="string")
    for patterns, values, why, key in (
        (email_patterns, emails, "test account (e-mail pattern)", "test_email_patterns"),
        (username_patterns, usernames, "test account (username pattern)", "test_username_patterns"),
    ):
        for i, pattern in enumerate(patterns):
            rx = account_pattern(pattern, f"accounts.{key}[{i}]")
            hit = values.astype("string").str.strip().map(lambda v, rx=rx: bool(rx.search(v))).astype(bool)
            reason = reason.mask(hit, why)
    return reason


def harmonise_gender(values: pd.Series, gender_labels: dict[str, list[str]]) -> tuple[pd.Series, pd.Series]:
    """(codes, unknown): exact match after trimming and case folding; blank -> not_recorded."""
    lookup = {label.strip().casefold(): code for code, labels_ in gender_labels.items() for label in labels_}
    folded = values.astype("string").str.strip().map(lambda v: v.casefold() if isinstance(v, str) else v)
    codes = folded.map(lookup).astype("string")
    is_blank = blank(values)
    codes = codes.mask(is_blank, "not_recorded")
    return codes, codes.isna()


def merge_accounts(accounts: pd.DataFrame, attributes: list[str]) -> pd.DataFrame:
    """One row per normalised e-mail (column ``email_norm``).

    Attributes take the first non-blank value with accounts ordered by ``time_enrolled``
    then numeric ``user_id``; ``time_enrolled`` is the earliest; ``accounts_merged``
    counts the accounts; ``_line`` is the first account's line.
    """
    df = accounts.copy()
    uid = df["user_id"] if "user_id" in df.columns else pd.Series(pd.NA, index=df.index)
    df["_uid"] = pd.to_numeric(uid, errors="coerce")
    df = df.sort_values(["email_norm", "time_enrolled", "_uid"], kind="stable")
    for col in attributes:
        text = df[col].astype("string").str.strip()
        df[col] = text.mask(blank(text))
    grouped = df.groupby("email_norm", sort=True)
    out = grouped[attributes].first()  # first non-missing per column
    out["time_enrolled"] = grouped["time_enrolled"].min()
    out["accounts_merged"] = grouped.size().astype("int64")
    out["_line"] = grouped["_line"].first()
    return out.reset_index()


def isin(values: pd.Series, allowed: set[str]) -> pd.Series:
    """``values.isin(allowed)`` through a hash table of Python strings: pandas' isin on an
    Arrow text column builds one pyarrow scalar per allowed value (~1 s per call for
    5,000 accounts, several calls per edition). Missing values are never in ``allowed``."""
    plain = pd.Series(values.to_numpy(dtype=object, na_value=None), index=values.index, dtype=object)
    return plain.isin(allowed) & values.notna()


def unknown_email_errors(frame: pd.DataFrame, known: set[str], *, file: str, source: str) -> list[dict]:
    """Report rows whose e-mail matches no account of the edition (the e-mail itself is
    withheld: the file and line lead the analyst to it)."""
    lines = frame["_line"][~isin(frame["email_norm"], known)]  # the lines alone: no copy of the rows
    return [
        {
            "file": file,
            "line": int(line),
            "column": "email",
            "value": withheld(file, int(line)),
            "check": "email_in_participants",
            "message": f"the {source} export names an e-mail that is not an account of this edition "
            "(participants export)",
        }
        for line in lines.tolist()
    ]


def source_files(frame: pd.DataFrame, source: str, files: dict) -> list[tuple[pd.DataFrame, str]]:
    """(rows, raw file) pairs of a staged table: one pair, or for certificates one per
    certificate activity report (``files['certificates']`` maps type -> file)."""
    path = files[source]
    if not isinstance(path, dict):
        return [(frame, path)]
    return [(frame.loc[frame["certificate"] == kind], file) for kind, file in sorted(path.items())]


def quarantined_rows(staged: dict[str, pd.DataFrame], report: pd.DataFrame, files: dict[str, str]) -> pd.DataFrame:
    """The staged rows named by cleaning problems (on_invalid: quarantine) as ``source,
    line, reason, record`` (lib.validation.quarantine_table: names and e-mails withheld).
    ``report`` holds the problems (file, line, ...); ``files`` maps source -> raw path."""
    parts = [pd.DataFrame(columns=QUARANTINE_COLUMNS)]
    texts = report.assign(_text=[format_problem(r) for r in report.to_dict("records")])
    for source in sorted(files):
        for frame, path in source_files(staged[source], source, files):
            mine = texts[(texts["file"] == path) & texts["line"].notna()]
            if mine.empty:
                continue
            reasons = mine.groupby(mine["line"].astype("int64"), sort=True)["_text"].agg("; ".join)
            bad = frame.loc[frame["_line"].isin(reasons.index)]
            bad = bad.assign(reason=bad["_line"].map(reasons))
            parts.append(quarantine_table(bad, source, file=path))
    out = pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)
    return out.sort_values(["source", "line"], kind="stable").reset_index(drop=True)


def completion_per_person(completion: pd.DataFrame) -> pd.DataFrame:
    """course_complete = any account's 'Course complete' cell holds a date;
    completion_date = the earliest of them."""
    df = completion.assign(_done=completion["completion_date"].notna().astype(bool))
    df = df.assign(_date=df["completion_date"].where(df["_done"]))
    g = df.groupby("email_norm", sort=True)
    return pd.DataFrame({"course_complete": g["_done"].any(), "completion_date": g["_date"].min()})


def grades_per_person(grades: pd.DataFrame) -> pd.DataFrame:
    """The grades of the account with the highest course total (no grade ranks lowest)."""
    df = grades.assign(_t=grades["course_total"].fillna(-1.0))
    df = df.sort_values(["email_norm", "_t", "_line"], ascending=[True, False, True], kind="stable")
    return df.groupby("email_norm", sort=True)[[*MODULES, "course_total"]].first().astype("float64")


def certificate_per_person(certs: pd.DataFrame) -> pd.Series:
    """Best certificate issued per person: completion > participation (``certificate`` is
    the type of the activity whose report listed the row)."""
    rank = certs["certificate"].map(CERT_RANK).astype("int64")
    df = certs.assign(_rank=rank)
    best = df.groupby("email_norm", sort=True)["_rank"].max()
    inverse = {v: k for k, v in CERT_RANK.items()}
    return best.map(inverse).astype("string")


def eligibility(course_complete: pd.Series, course_total: pd.Series, criteria: dict) -> pd.Series:
    """Certificate the configured criteria give: completion, participation or none."""
    comp = criteria["completion"]
    part = criteria["participation"]
    total = course_total.astype("float64")
    done = course_complete.astype(bool) if comp.get("require_course_complete", True) else True
    is_comp = done & (total >= float(comp.get("min_course_total", 0)))
    is_part = total >= float(part.get("min_course_total", 0))
    out = pd.Series("none", index=total.index, dtype="string")
    out = out.mask(is_part.fillna(False).astype(bool), "participation")
    return out.mask(is_comp.fillna(False).astype(bool), "completion")


def log_rows(step: str, source: str, edition: str, rows_in: int, dropped: dict[str, int]) -> list[dict]:
    """Cleaning-log rows of one step: one per reason (one with reason '' if nothing dropped)."""
    dropped = {k: int(v) for k, v in dropped.items() if int(v) > 0}
    rows_out = rows_in - sum(dropped.values())
    base = {"step": step, "source": source, "edition": edition, "rows_in": rows_in, "rows_out": rows_out}
    if not dropped:
        return [{**base, "reason": "", "rows_dropped": 0}]
    return [{**base, "reason": reason, "rows_dropped": n} for reason, n in sorted(dropped.items())]


def _drop(df: pd.DataFrame, reasons: pd.Series) -> tuple[pd.DataFrame, dict[str, int]]:
    """Drop rows with a reason; return the rest and the counts per reason."""
    hit = reasons.notna()
    if not hit.any():  # the usual case: nothing to count
        return df.copy(), {}
    return df.loc[~hit], reasons[hit].value_counts().to_dict()


def _country_errors(raw: pd.DataFrame, resolved: pd.DataFrame, file: str) -> list[dict]:
    bad = raw.loc[resolved["unknown"]]
    return [
        {
            "file": file,
            "line": int(r["_line"]),
            "column": "country",
            "value": r["country"],
            "check": "known_country",
            "message": "unknown country: not an ISO 3166 code or name (en/es/fr/ar) nor in "
            "resources/country_aliases.csv; add an alias row if it is a real country",
        }
        for r in bad.to_dict("records")
    ]


def _gender_errors(raw: pd.DataFrame, unknown: pd.Series, file: str) -> list[dict]:
    return [
        {
            "file": file,
            "line": int(r["_line"]),
            "column": "gender",
            "value": r["gender"],
            "check": "known_gender",
            "message": "unknown gender value: add it to gender_labels in config.yaml",
        }
        for r in raw.loc[unknown].to_dict("records")
    ]


def _status_words(status: str) -> str:
    return {"suspended": "suspended", "not_current": "not current"}.get(status, status)


def presence_errors(
    p: pd.DataFrame,
    staged: dict[str, pd.DataFrame],
    files: dict,
    *,
    edition: str,
    grades_exclude_suspended: bool,
    skip: frozenset = frozenset(),
) -> list[dict]:
    """Learners of the participants export (``p``: learner-role accounts with
    ``email_norm`` and canonical ``enrolment_status``) that the completion or grades
    export lacks, where Moodle would have listed them (see the module docstring).
    Sources in ``skip`` (rows set aside by validation, on_invalid: quarantine: a missing
    learner may be one of them) are not checked."""
    errors = []
    in_comp = set(normalise_email(staged["completion"]["email"]))
    in_grades = set(normalise_email(staged["grades"]["email"]))
    active = p["enrolment_status"] == "active"
    if "completion" in skip:
        in_comp = set(p["email_norm"])
    if "grades" in skip:
        in_grades = set(p["email_norm"])
    for r in p.loc[active & ~isin(p["email_norm"], in_comp)].to_dict("records"):
        errors.append(
            {
                "file": files["participants"],
                "line": int(r["_line"]),
                "column": "email",
                "value": withheld(files["participants"], int(r["_line"])),
                "check": "in_completion_export",
                "message": f"this active learner is absent from the completion report {files['completion']}, "
                "which lists every active enrolment of a student role: it was probably downloaded for one group "
                "only, before the learner enrolled, or from another course; download the course completion report "
                "again for all groups (Reports > Course completion)",
            }
        )
    for r in p.loc[~isin(p["email_norm"], in_grades)].to_dict("records"):
        status = r["enrolment_status"]
        if status == "active":
            why = (
                f"this active learner is absent from the grades export {files['grades']}: it was probably made "
                "for one group only, before the learner enrolled, or from another course; export again "
                "(Grades > Export > Plain text file, all groups)"
            )
        elif grades_exclude_suspended:
            continue  # excluded by the export, as config says: a participant with no grade
        else:
            why = (
                f"this learner's enrolment is {_status_words(status)} and the grades export {files['grades']} "
                "does not list them: it was probably made with 'Exclude suspended users' ticked (Moodle's "
                f"default). Set editions.{edition}.grades_exclude_suspended: true in config.yaml (they then "
                "count as participants with no grade) or export again with the box unticked"
            )
        errors.append(
            {
                "file": files["participants"],
                "line": int(r["_line"]),
                "column": "email",
                "value": withheld(files["participants"], int(r["_line"])),
                "check": "in_grades_export",
                "message": why,
            }
        )
    return errors


def filtered_participants_errors(p_all: pd.DataFrame, certs: pd.DataFrame, files: dict) -> list[dict]:
    """A participants report whose enrolment statuses are all active while a certificate
    report names e-mails it lacks: the report-builder source's default condition
    'Enrolment status = Active' probably dropped the suspended learners."""
    statuses = p_all["enrolment_status"].dropna()
    if len(statuses) == 0 or not (statuses == "active").all():
        return []
    missing = certs.loc[~isin(normalise_email(certs["email"]), set(p_all["email_norm"]))]
    if missing.empty:
        return []
    cert_file = ", ".join(file for part, file in source_files(missing, "certificates", files) if len(part))
    return [
        {
            "file": files["participants"],
            "line": None,
            "column": "enrolment_status",
            "value": None,
            "check": "participants_not_filtered",
            "message": f"every enrolment in this participants report is active, yet {len(missing)} certificate(s) "
            f"in {cert_file} name learners it does not list: the report probably keeps the report builder's "
            "default condition 'Enrolment status = Active', which drops suspended learners. Remove that "
            "condition from the report, download it again and rerun",
        }
    ]


def user_id_errors(p: pd.DataFrame, comp: pd.DataFrame, files: dict) -> list[dict]:
    """Where both the participants and the completion export carry a Moodle user id, the
    completion row's ``ID`` must be an id the participants export gives that e-mail."""
    if "user_id" not in p.columns or "user_id" not in comp.columns:
        return []
    pairs = set(zip(p["email_norm"], p["user_id"].astype("string").str.strip(), strict=True))
    known = set(p["email_norm"])
    errors = []
    for r in comp.to_dict("records"):
        uid = str(r["user_id"]).strip()
        if r["email_norm"] in known and (r["email_norm"], uid) not in pairs:
            errors.append(
                {
                    "file": files["completion"],
                    "line": int(r["_line"]),
                    "column": "user_id",
                    "value": uid,
                    "check": "same_user_id",
                    "message": "the completion report gives this e-mail another Moodle user id than the "
                    "participants export: the two exports are probably from different sites or courses",
                }
            )
    return errors


ATTRIBUTES = ["country_iso3", "country_name", "gender", "occupation", "organisation_type", "enrolment_status"]


def clean_edition(
    staged: dict[str, pd.DataFrame],
    *,
    edition: str,
    edition_cfg: dict,
    site: dict,
    gender_labels: dict,
    accounts_cfg: dict,
    certificates_cfg: dict,
    resolver,
    salt: bytes,
    files: dict[str, str],
    on_invalid: str = "stop",
    quarantined_sources: frozenset = frozenset(),
) -> tuple[pd.DataFrame, list[dict], list[dict]]:
    """Clean one edition: returns (participants without PII, cleaning-log rows, errors).

    ``staged`` holds the staging frames of participants, completion, grades and
    certificates; ``files`` their raw paths (for error messages). With
    ``on_invalid="stop"`` the caller raises on any error; with ``"quarantine"`` the
    rows in error are dropped here and counted in the log.
    """
    from lib.pseudonym import keyed_hash

    labels = site["labels"]
    log: list[dict] = []
    errors: list[dict] = []
    p = staged["participants"].copy()
    p["email_norm"] = normalise_email(p["email"])
    all_accounts = set(p["email_norm"])
    p_all = p.assign(enrolment_status=map_labels(p["enrolment_status"], labels["enrolment_status"]))
    errors += filtered_participants_errors(p_all, staged["certificates"], files)

    n = len(p)
    staff = pd.Series(pd.NA, index=p.index, dtype="string").mask(
        ~learner_mask(p["role"], labels["role"], accounts_cfg.get("learner_roles", ["student"])),
        "staff role (not a learner)",
    )
    p, dropped = _drop(p, staff)
    log += log_rows("drop_staff", "participants", edition, n, dropped)

    n = len(p)
    tests = find_test_accounts(
        p["username"],
        p["email_norm"],
        accounts_cfg.get("test_username_patterns", []),
        accounts_cfg.get("test_email_patterns", []),
    )
    p, dropped = _drop(p, tests)
    log += log_rows("drop_test_accounts", "participants", edition, n, dropped)
    learner_accounts = p.assign(enrolment_status=map_labels(p["enrolment_status"], labels["enrolment_status"]))
    errors += presence_errors(
        learner_accounts,
        staged,
        files,
        edition=edition,
        grades_exclude_suspended=bool(edition_cfg.get("grades_exclude_suspended", False)),
        skip=quarantined_sources,
    )

    resolved = resolver.resolve(p["country"])
    gender, unknown_gender = harmonise_gender(p["gender"], gender_labels)
    errs = _country_errors(p, resolved, files["participants"]) + _gender_errors(
        p, unknown_gender, files["participants"]
    )
    errors += errs
    p = p.assign(
        country_iso3=resolved["iso3"],
        country_name=resolved["name_en"],
        gender=gender.mask(blank(p["gender"])),
        enrolment_status=map_labels(p["enrolment_status"], labels["enrolment_status"]),
    )
    n = len(p)
    reasons = pd.Series(pd.NA, index=p.index, dtype="string")
    if on_invalid == "quarantine":
        reasons = reasons.mask(resolved["unknown"], "quarantined: unknown country")
        reasons = reasons.mask(unknown_gender, "quarantined: unknown gender")
    p, dropped = _drop(p, reasons)
    log += log_rows("harmonise", "participants", edition, n, dropped)

    learners = set(p["email_norm"])
    n = len(p)
    people = merge_accounts(p, ATTRIBUTES)
    people["gender"] = people["gender"].fillna("not_recorded")
    log += log_rows("merge_duplicates", "participants", edition, n, {"duplicate account merged": n - len(people)})

    def joinable(source: str) -> pd.DataFrame:
        df = staged[source].copy()
        df["email_norm"] = normalise_email(df["email"])
        for part, file in source_files(df, source, files):
            what = f"{part['certificate'].iloc[0]} certificate" if source == "certificates" and len(part) else source
            errors.extend(unknown_email_errors(part, all_accounts, file=file, source=what))
        reasons = pd.Series(pd.NA, index=df.index, dtype="string")
        reasons = reasons.mask(~isin(df["email_norm"], all_accounts), "quarantined: e-mail not among accounts")
        reasons = reasons.mask(isin(df["email_norm"], all_accounts - learners), "not a learner (staff, test or quarantined)")
        kept, dropped = _drop(df, reasons)
        dropped["duplicate account merged"] = len(kept) - kept["email_norm"].nunique()
        log.extend(log_rows("join", source, edition, len(df), dropped))
        return kept

    comp = joinable("completion")
    errors.extend(user_id_errors(staged["participants"].assign(email_norm=normalise_email(staged["participants"]["email"])), comp, files))
    comp_p = completion_per_person(comp)
    grades_p = grades_per_person(joinable("grades"))
    certs = joinable("certificates")
    certs_p = certificate_per_person(certs)

    people = people.set_index("email_norm")
    people["course_complete"] = comp_p["course_complete"].reindex(people.index).fillna(False).astype(bool)
    people["completion_date"] = comp_p["completion_date"].reindex(people.index).astype("datetime64[us]")
    for col in [*MODULES, "course_total"]:
        people[col] = grades_p[col].reindex(people.index).astype("float64")
    people["certificate_issued"] = certs_p.reindex(people.index).fillna("none").astype("string")
    people["certificate_eligible"] = eligibility(people["course_complete"], people["course_total"], certificates_cfg)
    people = people.reset_index()
    people["participant_key"] = keyed_hash(people["email_norm"], salt)
    people["edition"] = edition
    people["year"] = int(edition_cfg["year"])
    people["language"] = edition_cfg["language"]
    return people, log, errors


__all__ = [
    "blank",
    "clean_edition",
    "certificate_per_person",
    "completion_per_person",
    "eligibility",
    "grades_per_person",
    "harmonise_gender",
    "learner_mask",
    "log_rows",
    "map_labels",
    "quarantined_rows",
    "merge_accounts",
    "normalise_email",
    "find_test_accounts",
    "unknown_email_errors",
]
