"""Benchmark data: N editions, M participants, K survey responses, vectorised.

Same file formats, headers, labels and dialects as the default dataset (plus a few
duplicate, staff and test accounts, blanks and '-' grades), but no published calibration.
Writes <out>/{lms,evaluation,survey}/..., <out>/config_overlay.yaml (pass it to Snakemake
with --configfile so the workflow reads these editions) and the ground truth.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from babel import Locale

from . import codebook, xlsform
from .population import _country_weights_2021
from .sitespec import (
    _COMPLETION,
    CERTIFICATE_FILES,
    COMPLETION_MIN_TOTAL,
    CUSTOMCERT_DATE,
    DIALECT,
    GENDER_WRITTEN,
    HEADERS,
    LABELS,
    LABELSEP,
    LANGCONFIG,
    grades_header,
)
from .sitespec import PARTICIPATION_MIN_TOTAL as PART_MIN
from .writers import moodle_country, write_codebook, write_sha256sums

SITES = ("en", "es", "fr", "ar")
SITE_WEIGHTS = np.array([0.45, 0.3, 0.1, 0.15])
SITE_LANG = {"en": "en", "es": "es", "fr": "fr", "ar": "ar"}
GENDERS = ("female", "male", "other", "blank", "prefer_not")
GENDER_P = np.array([0.55, 0.38, 0.03, 0.03, 0.01])
FIRST = np.array("Ana Luis Maria Jose Sara John Amina Omar Priya Jean Fatima Carlos".split())
LAST = np.array("Garcia Smith Khan Diallo Haddad Perez Kumar Martin Lopez Mensah".split())
CERTS = ("completion", "participation", "none")


def _editions(rng, n):
    site_idx = rng.choice(len(SITES), size=n, p=SITE_WEIGHTS)
    eds = []
    per_lang: dict[str, int] = {}
    for i, s in enumerate(site_idx):
        site = SITES[s]
        lang = SITE_LANG[site]
        per_lang[lang] = per_lang.get(lang, 0) + 1
        year = 2022 + i // 50
        day = pd.Timestamp(f"{year}-01-03") + pd.Timedelta(days=int(7 * (i % 50)))
        eds.append({"id": f"{year}-{lang.upper()}{per_lang[lang]:03d}", "site": site,
                    "language": lang, "year": year, "start": day})  # fmt: skip
    return eds


def _fmt(ts: pd.Series, site: str) -> pd.Series:
    return ts.dt.strftime(DIALECT[site][2])


def _write(df: pd.DataFrame, path: Path, site: str | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    sep, bom = (DIALECT[site][0], DIALECT[site][1]) if site else (",", False)
    df.to_csv(path, sep=sep, index=False, lineterminator="\n",
              encoding="utf-8-sig" if bom else "utf-8")  # fmt: skip


def _write_moodle(df: pd.DataFrame, path: Path, bom: bool) -> None:
    """A Moodle LMS export: ',' always; BOM for the dataformat writer, none for csvlib."""
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8-sig" if bom else "utf-8")


def _userdate(ts: pd.Series, fmt: str, lang: str) -> pd.Series:
    """Moodle's userdate() vectorised: CLDR names, no leading zero on %d and %I."""
    loc = Locale.parse(lang)
    ts = pd.Series(pd.to_datetime(ts)).reset_index(drop=True)
    periods = loc.day_periods["format"]["abbreviated"]
    parts = {
        "A": ts.dt.dayofweek.map({k: str(v) for k, v in loc.days["format"]["wide"].items()}),
        "B": ts.dt.month.map({k: str(v) for k, v in loc.months["format"]["wide"].items()}),
        "b": ts.dt.month.map({k: str(v) for k, v in loc.months["format"]["abbreviated"].items()}),
        "d": ts.dt.day.astype(str), "m": ts.dt.strftime("%m"), "y": ts.dt.strftime("%y"),
        "Y": ts.dt.strftime("%Y"), "H": ts.dt.strftime("%H"), "M": ts.dt.strftime("%M"),
        "I": ((ts.dt.hour % 12).replace(0, 12)).astype(str),
        "p": np.where(ts.dt.hour < 12, str(periods["am"]), str(periods["pm"])),
    }  # fmt: skip
    out = pd.Series("", index=ts.index, dtype=object)
    i = 0
    while i < len(fmt):
        if fmt[i] == "%":
            out = out + pd.Series(parts[fmt[i + 1]], index=ts.index).astype(str)
            i += 2
        else:
            out = out + fmt[i]
            i += 1
    return out


def generate(out: Path, seed: int, n_editions: int, n_participants: int, n_responses: int):
    rng = np.random.default_rng([seed, n_editions, n_participants, n_responses])
    for sub in ("lms", "evaluation", "survey"):
        shutil.rmtree(out / sub, ignore_errors=True)
    eds = _editions(rng, n_editions)
    sizes = np.full(n_editions, n_participants // n_editions)
    sizes[: n_participants % n_editions] += 1
    weights = _country_weights_2021()
    # people: 5 % of participant rows reuse a person of an earlier edition
    pid_next = 0
    cols = {k: [] for k in ("edition", "pid", "country", "gender", "issued", "eligible")}
    intent = []
    for e, size in zip(eds, sizes, strict=True):
        site, lang = e["site"], e["language"]
        new = rng.random(size) >= 0.05 if pid_next else np.ones(size, bool)
        pid = np.empty(size, np.int64)
        pid[new] = pid_next + np.arange(new.sum())
        pid_next += int(new.sum())
        old = np.flatnonzero(~new)
        pid[old] = rng.choice(pid_next - int(new.sum()), size=old.size, replace=False) \
            if old.size else pid[old]  # fmt: skip
        codes, w = zip(*weights[site], strict=True)
        cidx = rng.choice(len(codes), size=size, p=np.array(w) / sum(w))
        country = np.array(codes, dtype=object)[cidx]
        country[rng.random(size) < 0.005] = None
        gcode = rng.choice(len(GENDERS), size=size, p=GENDER_P)
        correct = rng.binomial(12, rng.beta(6, 3, size)[:, None], size=(size, 5)).astype(float)
        correct[rng.random((size, 5)) < rng.choice([0.02, 0.5, 0.95], size, p=[.6, .25, .15])[:, None]] = np.nan  # noqa: E501
        attempted = ~np.isnan(correct)
        total = np.where(attempted.any(1), np.nansum(correct, 1) * 20 / 12, np.nan)
        complete = attempted.all(1) & (rng.random(size) < 0.85)
        tot = np.nan_to_num(total, nan=-1)
        elig = np.where(complete & (tot >= COMPLETION_MIN_TOTAL), 0, np.where(tot >= PART_MIN, 1, 2))
        issued = elig.copy()
        flip = rng.random(size) < 0.01
        issued[flip] = rng.integers(0, 3, flip.sum())
        # ------------------------------------------------------------ accounts
        email = pd.Series(pid).map(lambda p: f"user{p:07d}@example.net")
        mess = rng.random(size)
        shown = email.where(mess >= 0.1, email.str.upper()).where(mess < 0.9, " " + email + " ")
        glab = [_labels(rng, site, GENDERS[g]) for g in range(len(GENDERS))]
        gender = np.empty(size, dtype=object)
        for g in range(len(GENDERS)):
            m = gcode == g
            gender[m] = rng.choice(glab[g], size=m.sum()) if glab[g] else ""
        cname = {c: moodle_country(c, lang) for c in codes}
        enrolled = e["start"] + pd.to_timedelta(rng.integers(-30 * 1440, 14 * 1440, size), "m")
        uid = 1000 + np.arange(size) * 3 + rng.integers(0, 3, size)
        lab = LABELS[site]
        lc = LANGCONFIG[site]
        first, last = FIRST[rng.integers(0, len(FIRST), size)], LAST[rng.integers(0, len(LAST), size)]
        # only learners who earned nothing are suspended (absent from completion and from the
        # default grade export, so their eligibility stays none)
        active = (rng.random(size) < 0.96) | (elig != 2)
        part = pd.DataFrame({
            "username": "u" + pd.Series(pid).astype(str),
            "first_name": first, "last_name": last, "email": shown,
            "country": [cname[c] if c else "" for c in country],
            "gender": gender, "occupation": "", "organisation_type": "",
            "role": lab["role"]["student"],
            "enrolment_status": np.where(active, lab["enrolment_status"]["active"],
                                         lab["enrolment_status"]["suspended"]),
            "time_enrolled": _userdate(pd.Series(enrolled), lc["strftimedaydatetime"], lang),
        })  # fmt: skip
        dup = rng.random(size) < 0.01  # second account: other id, e-mail in capitals, no gender
        d = part[dup].copy()
        d["username"] = d["username"] + "b"
        d["email"] = email[dup].str.upper().values
        d["gender"] = ""
        extra = _staff_and_tests(lab, e, site)
        part_all = pd.concat([part, d, extra], ignore_index=True)
        part_all.columns = HEADERS[site]["participants"]
        base = out / "lms" / e["id"]
        _write_moodle(part_all, base / "participants.csv", True)
        done_at = pd.Series(e["start"] + pd.to_timedelta(rng.integers(20, 80, size), "D"))
        comp_date = _userdate(done_at, lc["strftimedatetimeshort"], lang)
        c = _COMPLETION[site]
        comp = pd.DataFrame({c["id"]: uid, c["name"]: pd.Series(first) + " " + pd.Series(last),
                             c["email"]: shown,
                             c["complete"]: np.where(complete, comp_date, "")})[active]  # fmt: skip
        _write_moodle(comp, base / "completion.csv", False)
        fmt_mod = np.where(np.isnan(correct), "-", np.char.mod("%.2f", np.nan_to_num(correct) * 20 / 12))
        grades = pd.DataFrame({"first_name": first, "last_name": last, "id_number": "",
                               "institution": "", "department": "", "email": shown})  # fmt: skip
        for m in range(5):
            grades[f"module_{m + 1}"] = fmt_mod[:, m]
        grades["course_total"] = np.where(np.isnan(total), "-", np.char.mod("%.2f", np.nan_to_num(total)))
        grades["last_downloaded"] = str(int(e["start"].timestamp()) + 100 * 86400)
        grades.columns = grades_header(site, LABELSEP[site], False)
        _write_moodle(grades[active], base / "grades.csv", False)
        has = issued < 2
        awarded = _userdate(done_at[has].reset_index(drop=True), CUSTOMCERT_DATE, lang)
        certs = pd.DataFrame({
            "full_name": pd.Series(first[has]) + " " + pd.Series(last[has]),
            "email": shown[has].values,
            "issued_on": awarded.values,
            "code": [f"B{e['id'][-4:].replace('-', '')}{i:06d}"[-10:] for i in range(int(has.sum()))],
        })  # fmt: skip
        certs.columns = HEADERS[site]["certificates"]
        kinds = issued[has]
        for k, kind in enumerate(CERTS[:2]):  # issued: 0 completion, 1 participation
            _write_moodle(certs[kinds == k], base / CERTIFICATE_FILES[kind], True)
        intent.append(_evaluation(rng, out, e, size))
        for k, v in (("edition", [e["id"]] * size), ("pid", pid), ("country", country),
                     ("gender", gcode), ("issued", issued), ("eligible", elig)):
            cols[k].append(np.asarray(v, dtype=object))
    table = {k: np.concatenate(v) for k, v in cols.items()}
    resp = _survey(rng, out, eds, n_responses, table)
    write_codebook(out, [(e["id"], tuple(f"{e['id']} ({e['start']:%B %Y})" for _ in codebook.LANGS), "")
                         for e in eds], followup_name="followup-bench")  # fmt: skip
    _overlay(out, eds)
    write_sha256sums(out)
    return {"scope_bench": _truth(eds, table, intent, resp), "survey_size": n_responses,
            "notes": "benchmark data (generate.py --scale); not calibrated to the story",
            "seed": seed}  # fmt: skip


def _labels(rng, site, g):
    key = "prefer_not" if g == "prefer_not" else g
    if g == "blank":
        return []
    return [lab for lab, _ in GENDER_WRITTEN[site][key]]


def _staff_and_tests(lab, e, site):
    when = _userdate(pd.Series([e["start"]]), LANGCONFIG[site]["strftimedaydatetime"], SITE_LANG[site])[0]
    rows = []
    for i, role in enumerate(("teacher", "non_editing_teacher", "manager")):
        rows.append([f"staff{i}", "Staff", "Member", f"staff{i}@unitar.org", "", "", "", "",
                     lab["role"][role], lab["enrolment_status"]["active"], when])  # fmt: skip
    for u, m in (("test.student", "qa@unitar.org"), ("qa", "qa@test.invalid")):
        rows.append([u, "Test", "User", m, "", "", "", "", lab["role"]["student"],
                     lab["enrolment_status"]["active"], when])  # fmt: skip
    return pd.DataFrame(rows, columns=["username", "first_name", "last_name", "email", "country",
                                       "gender", "occupation", "organisation_type", "role",
                                       "enrolment_status", "time_enrolled"])  # fmt: skip


def _evaluation(rng, out, e, size):
    """Moodle feedback anonymous download: Response number + questions; ',' + BOM; no date."""
    n = int(size * 0.45)
    lang = e["language"]
    ans = rng.choice(3, size=n, p=[0.94, 0.04, 0.02])  # yes, no, skipped
    yes_no = np.array([codebook.label("yes_no", "yes", lang), codebook.label("yes_no", "no", lang), ""])
    use = np.array([codebook.label("usefulness", c, lang) for c in ("very", "mostly", "somewhat")])
    df = pd.DataFrame({
        "response_id": np.arange(1, n + 1),
        "usefulness": use[rng.integers(0, 3, n)], "relevance": "",
        "intention_to_use": yes_no[ans], "comments": "",
    })  # fmt: skip
    df.columns = [xlsform.RESPONSE_NUMBER[lang],
                  *(codebook.question_label("evaluation", q, lang)
                    for q in ("usefulness", "relevance", "intention_to_use", "comments"))]  # fmt: skip
    path = out / "evaluation" / f"{e['id']}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8-sig")
    return (e["id"], int((ans == 0).sum()), int((ans < 2).sum()))


SINGLE = {
    "relationship": [0.44, 0.32, 0.11, 0.07, 0.06],
    "career_stage": [0.07, 0.40, 0.33, 0.13, 0.07],
    "applied": [0.80, 0.16, 0.04],
    "importance": [0.47, 0.34, 0.12, 0.05, 0.02],
}


def _survey(rng, out, eds, k, table):
    form = np.where(rng.random(k) < 0.35, "es", "en")
    ed_idx = rng.integers(0, len(eds), k)
    resp = {"form": form, "edition": np.array([e["id"] for e in eds])[ed_idx]}
    resp["edition"][rng.random(k) < 0.03] = None
    for q, p in SINGLE.items():
        codes = [o[0] for o in codebook.OPTIONS[q if q != "career_stage" else "career_stage"]]
        v = np.array(codes, dtype=object)[rng.choice(len(p), size=k, p=p)]
        v[rng.random(k) < 0.02] = None
        resp[q] = v
    applied = resp["applied"] == "yes"
    att = (rng.integers(0, 21, k) * 5).astype(object)
    att[~applied | (rng.random(k) < 0.05)] = None
    resp["attribution"] = att
    topics = [o[0] for o in codebook.OPTIONS["topic"]]
    sel = rng.random((k, len(topics))) < np.array([0.41, 0.68, 0.27, 0.57, 0.49])
    sel[np.arange(k), rng.integers(0, len(topics), k)] = True
    answered = applied & (rng.random(k) >= 0.03)
    resp["topics"] = sel & answered[:, None]
    resp["topics_answered"] = answered
    linked = (rng.random(k) < 0.5) & (resp["edition"] != None)  # noqa: E711
    emails = np.where(linked, [f"user{p:07d}@example.net" for p in rng.choice(table["pid"], k)], "")
    ids = {e["id"] for e in eds}  # a skipped edition answer is None (the array holds 'None')
    start = pd.Timestamp("2030-01-01")
    when = pd.Series(start + pd.to_timedelta(rng.integers(0, 365 * 86400, k), "s"))
    order = np.argsort(when.to_numpy(), kind="stable")  # Kobo lists submissions by _id
    topic_cols = {f"topics_applied/{t}": np.where(resp["topics_answered"], np.where(resp["topics"][:, j], "1", "0"), "")
                  for j, t in enumerate(topics)}  # fmt: skip
    summary = [" ".join(np.array(topics)[row]) for row in resp["topics"]]
    empty = np.full(k, "", dtype=object)
    cols = {"start": empty, "end": empty, "form_language": form,
            "edition": np.array([x if x in ids else "" for x in resp["edition"]], dtype=object),
            "email": emails,
            "country": empty}  # fmt: skip
    for q in ("relationship", "career_stage"):
        cols[q] = np.array([v or "" for v in resp[q]], dtype=object)
    cols["sector"] = empty
    cols["applied"] = np.array([v or "" for v in resp["applied"]], dtype=object)
    cols["topics_applied"] = np.array(summary, dtype=object)
    cols.update(topic_cols)
    cols["importance"] = np.array([v or "" for v in resp["importance"]], dtype=object)
    cols["attribution"] = np.array(["" if a is None else str(a) for a in resp["attribution"]], dtype=object)
    df = pd.DataFrame(cols)
    header = xlsform.kobo_header()
    for h in header:
        if h not in df.columns:
            df[h] = ""
    df = df.iloc[order].reset_index(drop=True)
    df["_id"] = (200_000_000 + np.arange(k)).astype(str)
    df["_uuid"] = [f"00000000-0000-4000-8000-{i:012d}" for i in range(k)]
    df["_submission_time"] = when.iloc[order].dt.strftime("%Y-%m-%dT%H:%M:%S").to_numpy()
    df["_status"] = "submitted_via_web"
    df["__version__"] = xlsform.KOBO_VERSION
    df["_index"] = np.arange(1, k + 1).astype(str)
    path = out / "survey" / "followup-bench.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    df[header].to_csv(path, sep=";", index=False, quoting=csv.QUOTE_ALL, lineterminator="\r\n", encoding="utf-8")
    return resp


def _overlay(out: Path, eds) -> None:
    root = out.resolve()
    overlay = {
        "scope": "bench",
        "scopes": {"bench": {"title": f"benchmark, {len(eds)} editions",
                             "editions": [e["id"] for e in eds], "followup_survey": "bench"}},
        "paths": {s: f"{root}/lms/{{edition}}/{s}.csv"
                  for s in ("participants", "completion", "grades")}
        | {"certificates": {k: f"{root}/lms/{{edition}}/{v}" for k, v in CERTIFICATE_FILES.items()},
           "evaluation": f"{root}/evaluation/{{edition}}.csv"},
        "editions": {e["id"]: {"year": e["year"], "language": e["language"], "site": e["site"],
                               "start": f"{e['start']:%Y-%m-%d}", "grades_exclude_suspended": True,
                               "certificates": {k: f"{root}/lms/{e['id']}/{v}"
                                                for k, v in CERTIFICATE_FILES.items()}}
                     for e in eds},
        "evaluation": {"form": f"{root}/survey/evaluation-xlsform.xlsx"},
        "followup_surveys": {"bench": {
            "editions": [e["id"] for e in eds], "form": f"{root}/survey/followup-bench-xlsform.xlsx",
            "export": f"{root}/survey/followup-bench.csv", "languages": ["en", "es"]}},
        "quotes": [],
        # generated data, not the shipped synthetic data: the demo salt is allowed explicitly
        "privacy": {"allow_demo_salt": True},
    }  # fmt: skip
    (out / "config_overlay.yaml").write_text(yaml.safe_dump(overlay, sort_keys=False, allow_unicode=True))


def _truth(eds, table, intent, resp) -> dict:
    t: dict = {}
    n = len(table["pid"])

    def count(v):
        return {"value": int(v), "numerator": None, "denominator": None}

    def share(a, b):
        return {"value": a / b, "numerator": int(a), "denominator": int(b)}

    t["participants_total"] = count(n)
    ed_arr = table["edition"]
    ids, per_ed = np.unique(ed_arr.astype(str), return_counts=True)
    for i, c in zip(ids, per_ed, strict=True):
        t[f"participants_by_edition:{i}"] = count(c)
    t["unique_people"] = count(len(np.unique(table["pid"].astype(np.int64))))
    has_c = table["country"] != None  # noqa: E711
    cs, cc = np.unique(table["country"][has_c].astype(str), return_counts=True)
    t["countries_total"] = count(len(cs))
    for c, k in zip(cs, cc, strict=True):
        t[f"participants_by_country:{c}"] = count(k)
    t["participants_country_not_recorded"] = count(int((~has_c).sum()))
    g = table["gender"].astype(int)
    counts = {name: int((g == i).sum()) for i, name in enumerate(GENDERS)}
    counts["not_recorded"] = counts.pop("blank") + counts.pop("prefer_not")
    recorded = n - counts["not_recorded"]
    for name, k in counts.items():
        t[f"gender_count:{name}"] = count(k)
        if name != "not_recorded":
            t[f"gender_share:{name}"] = share(k, recorded)
    iss, eli = table["issued"].astype(int), table["eligible"].astype(int)
    for ci, cert in enumerate(CERTS[:2]):
        t[f"certificates_{cert}"] = count(int((iss == ci).sum()))
        t[f"certificates_{cert}_share"] = share(int((iss == ci).sum()), n)
    for a in range(3):
        for b in range(3):
            t[f"certificates_reconciliation:{CERTS[a]}_vs_{CERTS[b]}"] = count(int(((iss == a) & (eli == b)).sum()))
    shares = []
    for ed, yes, answered in intent:
        t[f"intention_to_use_by_edition:{ed}"] = share(yes, answered)
        shares.append(yes / answered)
    t["intention_to_use_mean"] = {"value": sum(shares) / len(shares), "numerator": sum(shares),
                                  "denominator": len(shares)}  # fmt: skip
    k = len(resp["form"])
    t["survey_respondents"] = count(k)
    t["survey_response_rate"] = share(k, n)
    for q in ("relationship", "career_stage"):
        v = resp[q]
        ans = v != None  # noqa: E711
        for o in [x[0] for x in codebook.OPTIONS[q]]:
            t[f"{q}_share:{o}"] = share(int((v == o).sum()), int(ans.sum()))
    ap = resp["applied"]
    t["application_rate"] = share(int((ap == "yes").sum()), int((ap != None).sum()))  # noqa: E711
    imp = resp["importance"]
    t["importance_top2"] = share(int(np.isin(imp, ["very_important", "important"]).sum()),
                                 int((imp != None).sum()))  # noqa: E711  # fmt: skip
    att = np.array([a for a in resp["attribution"] if a is not None], dtype=float)
    t["attribution_mean"] = {"value": float(att.mean()), "numerator": int(att.sum()), "denominator": len(att)}
    ans = resp["topics_answered"]
    for j, o in enumerate(x[0] for x in codebook.OPTIONS["topic"]):
        t[f"topic_applied_share:{o}"] = share(int(resp["topics"][ans, j].sum()), int(ans.sum()))
    return t
