"""The default raw dataset: contract with config.yaml, every documented quirk present,
ground truth equal to the published figures, determinism and checksums.

Reads the CSVs with the csv module and the XLSForms with openpyxl only (no workflow code).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import pycountry
import pytest
import yaml

from lib import io as lib_io
from lib.report_blocks import validate_note

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
TRUTH = ROOT / "tests" / "data" / "ground_truth.json"
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
REGISTRY = yaml.safe_load((ROOT / "resources" / "metric_registry.yaml").read_text("utf-8"))
EDITIONS = CONFIG["editions"]
SOURCES = ("participants", "completion", "grades", "certificates")


MOODLE = CONFIG["moodle_exports"]


def site_of(ed):
    return CONFIG["sites"][EDITIONS[ed]["site"]]


SPREADSHEET = (".xlsx", ".ods")


def read(path: Path, delimiter=",", encoding="utf-8-sig"):
    """Header and rows as text; a spreadsheet (.xlsx / .ods) through lib.io's cell reader."""
    if path.suffix in SPREADSHEET:
        df = lib_io.read_export(path, delimiter=",", encoding="utf-8", header_map=None, source=str(path))
        header = list(df.columns.drop(lib_io.LINE_COLUMN))
        return header, df[header].fillna("").astype(str).values.tolist()
    with path.open(encoding=encoding, newline="") as f:
        rows = list(csv.reader(f, delimiter=delimiter))
    return rows[0], rows[1:]


def lms_files(ed, source):
    """(certificate type or None, path) of the files of an export (one per certificate
    activity); an edition's `files` in config.yaml names exports saved elsewhere or as
    spreadsheets."""
    if source == "certificates":
        return [(kind, ROOT / path) for kind, path in sorted(EDITIONS[ed]["certificates"].items())]
    path = (EDITIONS[ed].get("files") or {}).get(source)
    return [(None, ROOT / path if path else RAW / "lms" / ed / f"{source}.csv")]


def header_map(ed, source):
    """Header written -> canonical column (grade items: every accepted label separator)."""
    site = site_of(ed)
    inv = {v: k for k, v in site["headers"][source].items()}
    if source == "grades":
        gi = site["grade_items"]
        for canon, item in gi["items"].items():
            for sep in gi["labelsep"]:
                inv[f"{gi['activity_type']}{sep}{item} ({gi['display_type']})"] = canon
    return inv


def lms(ed, source):
    """Rows of an LMS export as dicts keyed by canonical column (other columns by header);
    certificates: the rows of every activity report with ``certificate`` = its type."""
    inv = header_map(ed, source)
    out = []
    for kind, path in lms_files(ed, source):
        header, rows = read(path, MOODLE[source]["delimiter"])
        keys = [inv.get(h, h) for h in header]
        for r in rows:
            row = dict(zip(keys, r, strict=True))
            if kind:
                row["certificate"] = kind
            out.append(row)
    return out


def status_of(ed):
    """Normalised e-mail -> canonical enrolment statuses of the participants export."""
    labels = labels_of(site_of(ed), "enrolment_status")
    out = defaultdict(set)
    for r in lms(ed, "participants"):
        out[norm(r["email"])].add(labels[r["enrolment_status"]])
    return out


def labels_of(site, field):
    return {lab: code for code, labs in site["labels"][field].items() for lab in labs}


def norm(email):
    return email.strip().lower()


def is_test(username, email):
    acc = CONFIG["accounts"]
    return any(re.search(p, username.strip(), re.I) for p in acc["test_username_patterns"]) or any(
        re.search(p, email.strip(), re.I) for p in acc["test_email_patterns"]
    )


def learners(ed):
    roles = labels_of(site_of(ed), "role")
    return [r for r in lms(ed, "participants")
            if roles[r["role"]] == "student" and not is_test(r["username"], r["email"])]  # fmt: skip


@pytest.fixture(scope="module")
def truth():
    return json.loads(TRUTH.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ contract with config
@pytest.mark.parametrize("ed", sorted(EDITIONS))
def test_lms_headers_equal_config(ed):
    site = site_of(ed)
    (_, part), (_, comp), (_, grades) = (lms_files(ed, s)[0] for s in ("participants", "completion", "grades"))
    assert read(part)[0] == list(site["headers"]["participants"].values())
    for _, path in lms_files(ed, "certificates"):
        assert read(path)[0] == list(site["headers"]["certificates"].values())
    # completion report: ID, Name, e-mail, then the criteria (accepted, ignored), Course complete
    header = read(comp)[0]
    h = site["headers"]["completion"]
    assert header[:3] == [h["user_id"], h["full_name"], h["email"]] and header[-1] == h["course_complete"]
    assert len(header) > 4
    # grade export: fixed columns and one column per grade item
    canon = [header_map(ed, "grades").get(x) for x in read(grades)[0]]
    assert set(site["headers"]["grades"]) | set(site["grade_items"]["items"]) <= set(canon)


@pytest.mark.parametrize("ed", sorted(EDITIONS))
def test_lms_labels_among_config(ed):
    site = site_of(ed)
    for field in ("role", "enrolment_status"):
        used = {r[field] for r in lms(ed, "participants")}
        if field == "role":
            used = {x.strip() for v in used for x in v.split(",")}
        assert used <= set(labels_of(site, field)), (ed, field, used)
    gender = {lab.strip().casefold() for labs in CONFIG["gender_labels"].values() for lab in labs}
    used = {r["gender"].strip().casefold() for r in lms(ed, "participants")} - {""}
    assert used <= gender, used - gender


@pytest.mark.parametrize("ed", sorted(EDITIONS))
def test_writers_bom_and_delimiter(ed):
    # dataformat writer (participants, customcert): ',' + BOM whatever the language;
    # csvlib (completion, grades): ',' and no BOM
    for source in ("participants", "completion", "grades", "certificates"):
        for _, path in lms_files(ed, source):
            data = path.read_bytes()
            if path.suffix in SPREADSHEET:  # a spreadsheet download: its real type, not a CSV
                assert lib_io.file_type(data, str(path)) == path.suffix[1:], path
                continue
            assert data.startswith(b"\xef\xbb\xbf") == (source in ("participants", "certificates")), path
            assert "," in data.decode("utf-8-sig").splitlines()[0]
    # the feedback download is Moodle's dataformat CSV: ',' and a BOM whatever the site
    data = (RAW / "evaluation" / f"{ed}.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b";" not in data.split(b"\n")[0]


@pytest.mark.parametrize("ed", sorted(EDITIONS))
def test_dates_are_moodle_userdates(ed):
    from lib.moodle_dates import parse_userdate

    site = site_of(ed)
    lang = site["language_pack"]
    lc = site["langconfig"]
    checks = [
        ([r["time_enrolled"] for r in lms(ed, "participants")], lc["strftimedaydatetime"]),
        ([r["course_complete"] for r in lms(ed, "completion") if r["course_complete"]], lc["strftimedatetimeshort"]),
        ([r["issued_on"] for r in lms(ed, "certificates")], MOODLE["certificates"]["dates"]),
    ]
    for values, fmt in checks:
        import pandas as pd

        parsed = parse_userdate(pd.Series(values), fmt, lang)
        assert parsed.notna().all(), (ed, fmt, [v for v, p in zip(values, parsed, strict=True) if pd.isna(p)][:3])
        assert any(d.day < 10 for d in parsed)  # the day's leading zero is dropped ...
    assert not any(re.search(r"-0\d ", v) for v in checks[2][0])  # ... e.g. 2020-04-8 09:00


# ------------------------------------------------------------------ LMS quirks
@pytest.mark.parametrize("ed", sorted(EDITIONS))
def test_grades_dash_ranges_and_totals(ed):
    rows = lms(ed, "grades")
    assert any(r["course_total"] == "-" for r in rows)
    assert any(r["module_3"] == "-" and r["course_total"] != "-" for r in rows)
    assert len({r["last_downloaded"] for r in rows}) == 1
    assert rows[0]["last_downloaded"].isdigit()
    for r in rows:
        mods = [float(r[f"module_{i}"]) for i in range(1, 6) if r[f"module_{i}"] != "-"]
        assert all(0 <= m <= 20 for m in mods)
        if r["course_total"] == "-":
            assert not mods
        else:
            assert abs(float(r["course_total"]) - sum(mods)) < 0.03  # unrounded sum
            assert 0 <= float(r["course_total"]) <= 100


def test_emails_mixed_case_and_spaces():
    emails = [r["email"] for ed in EDITIONS for r in lms(ed, "participants")]
    assert sum(e != e.strip() for e in emails) >= 20
    assert sum(e.strip() != e.strip().lower() for e in emails) >= 100


@pytest.mark.parametrize("ed", sorted(EDITIONS))
def test_duplicate_accounts_in_one_edition(ed):
    by_email = defaultdict(list)
    for r in learners(ed):
        by_email[norm(r["email"])].append(r)
    dups = [rs for rs in by_email.values() if len(rs) > 1]
    assert dups
    for rs in dups:
        assert len({r["username"] for r in rs}) == len(rs)
        assert len({r["email"] for r in rs}) == len(rs)  # differ in case / spaces only
    assert any(not r["gender"] or not r["country"] for rs in dups for r in rs)


def test_people_in_two_editions():
    seen = Counter(e for ed in EDITIONS for e in {norm(r["email"]) for r in learners(ed)})
    assert sum(n >= 2 for n in seen.values()) >= 20


@pytest.mark.parametrize("ed", sorted(EDITIONS))
def test_staff_and_test_accounts(ed):
    site = site_of(ed)
    roles = labels_of(site, "role")
    rows = lms(ed, "participants")
    used = {roles[r["role"]] for r in rows}
    assert used == {"student", "teacher", "manager"}
    assert {r["role"] for r in rows} >= set(site["labels"]["role"]["teacher"])
    tests = [r for r in rows if is_test(r["username"], r["email"])]
    assert len(tests) >= 3 and all(roles[r["role"]] == "student" for r in tests)
    acc = CONFIG["accounts"]
    by_name = [any(re.search(p, r["username"], re.I) for p in acc["test_username_patterns"])
               for r in tests]  # fmt: skip
    by_mail = [any(re.search(p, r["email"].strip(), re.I) for p in acc["test_email_patterns"])
               for r in tests]  # fmt: skip
    assert any(a and not b for a, b in zip(by_name, by_mail, strict=True))
    assert any(b and not a for a, b in zip(by_name, by_mail, strict=True))


def test_gender_labels_variety():
    used = Counter(r["gender"] for ed in EDITIONS for r in lms(ed, "participants"))
    for label in ("F", "Femme", "Mujer", "أنثى", "Prefer not to say", "Prefiero no decirlo", ""):
        assert used[label] > 0, label
    assert any(g != g.strip() or (g and g not in sum(CONFIG["gender_labels"].values(), []))
               for g in used)  # legacy case / space variants  # fmt: skip


def _moodle_countries(lang):
    """Moodle's country names of a language (resources/moodle_countries.csv, vendored lists)."""
    with (ROOT / "resources" / "moodle_countries.csv").open(encoding="utf-8", newline="") as f:
        return {r["name"] for r in csv.DictReader(f) if r["lang"] == lang}


@pytest.mark.parametrize("ed", sorted(EDITIONS))
def test_country_names_are_moodles_in_site_language(ed):
    names = _moodle_countries(site_of(ed)["language_pack"])
    values = [r["country"] for r in learners(ed)]
    unknown = {v for v in values if v and v not in names}
    assert not unknown, unknown
    if EDITIONS[ed]["year"] == 2020:
        assert "" in values


def test_es_site_writes_spanish_country_names():
    values = {r["country"] for r in lms("2020-ES1", "participants")}
    assert {"México", "Perú", "España"} <= values


def test_formula_guard_on_some_participant_cells():
    cells = [v for ed in EDITIONS for r in lms(ed, "participants") for v in r.values()]
    assert any(v.startswith("'-") for v in cells)
    assert not any(v[:1] and v[:1] in "=+-@" and v != "-" for v in cells)  # every such cell is guarded


@pytest.mark.parametrize("ed", sorted(EDITIONS))
def test_who_is_in_which_export(ed):
    """Completion: active student enrolments only; grades: suspended learners absent when
    the edition's config says the export excluded them (else a 'Suspended' column lists
    them); certificates: listed whatever the status."""
    status = status_of(ed)
    inactive = {e for e, s in status.items() if s != {"active"} and "active" not in s}
    assert inactive
    comp = {norm(r["email"]) for r in lms(ed, "completion")}
    assert not comp & inactive
    grades_path = lms_files(ed, "grades")[0][1]
    grades = {norm(r["email"]) for r in lms(ed, "grades")}
    excluded = EDITIONS[ed]["grades_exclude_suspended"]

    header = read(grades_path)[0]
    if excluded:
        assert not grades & inactive
        assert len(header) == 6 + 5 + 2  # profile fields, items, total, time exported
    else:
        assert inactive <= grades and len(header) == 6 + 1 + 5 + 2

    certs = {norm(r["email"]) for r in lms(ed, "certificates")}
    assert certs <= set(status)


def test_some_suspended_learner_holds_a_certificate():
    found = 0
    for ed in EDITIONS:
        status = status_of(ed)
        found += sum("active" not in status[norm(r["email"])] for r in lms(ed, "certificates"))
    assert found > 0


@pytest.mark.parametrize("ed", sorted(EDITIONS))
def test_certificate_codes(ed):
    codes = [r["code"] for r in lms(ed, "certificates")]
    assert all(re.fullmatch(r"[A-Za-z0-9]{10}|\d{4}-\d{4}-\d{4}", c) for c in codes)
    assert len(set(codes)) == len(codes)


def test_certificates_manual_awards_and_missing():
    """Recompute eligibility from grades + completion (per account, learners only) and
    compare with the certificates issued: both kinds of mismatch occur."""
    crit = CONFIG["certificates"]
    mismatch = Counter()
    for ed in CONFIG["scopes"]["2020"]["editions"]:
        ok = {norm(r["email"]) for r in learners(ed)}
        complete = {norm(r["email"]) for r in lms(ed, "completion") if r["course_complete"]}
        total = defaultdict(lambda: -1.0)
        for r in lms(ed, "grades"):
            if r["course_total"] != "-":
                total[norm(r["email"])] = max(total[norm(r["email"])], float(r["course_total"]))
        issued = defaultdict(lambda: "none")
        for r in lms(ed, "certificates"):
            c = r["certificate"]
            if issued[norm(r["email"])] != "completion":
                issued[norm(r["email"])] = c
        for e in ok:
            t = total[e]
            if e in complete and t >= crit["completion"]["min_course_total"]:
                elig = "completion"
            elif t >= crit["participation"]["min_course_total"]:
                elig = "participation"
            else:
                elig = "none"
            mismatch[(issued[e], elig)] += 1
    assert mismatch[("completion", "participation")] + mismatch[("participation", "none")] > 0
    assert mismatch[("none", "completion")] + mismatch[("none", "participation")] > 0


def test_csv_recount_matches_truth(truth):
    """Participants and certificates counted straight from the CSVs equal the truth."""
    t = truth["scope_2020"]
    for ed in CONFIG["scopes"]["2020"]["editions"]:
        people = {norm(r["email"]) for r in learners(ed)}
        assert len(people) == t[f"participants_by_edition:{ed}"]["value"]
        best = {}
        for r in lms(ed, "certificates"):
            e = norm(r["email"])
            if e in people and best.get(e) != "completion":
                best[e] = r["certificate"]
        c = Counter(best.values())
        assert c["completion"] == t[f"certificates_completion_by_edition:{ed}"]["numerator"]
        assert c["participation"] == t[f"certificates_participation_by_edition:{ed}"]["numerator"]


# ------------------------------------------------------------------ evaluation
@pytest.mark.parametrize("ed", sorted(EDITIONS))
def test_evaluation_headers_and_answers(ed, truth):
    lang = EDITIONS[ed]["language"]
    qs = [q for q in codebook_questions() if q["instrument"] == "evaluation"]
    header, rows = read(RAW / "evaluation" / f"{ed}.csv", ",")
    # feedback "Show responses" anonymous download: Response number, then the questions
    assert header == [CONFIG["evaluation"]["response_number"][lang], *(q[f"label_{lang}"] for q in qs)]
    yes_no = {o[f"label_{lang}"]: o["option_code"] for o in codebook_options("evaluation")
              if o["list_name"] == "yes_no"}  # fmt: skip
    col = 1 + [q["question_code"] for q in qs].index("intention_to_use")
    answers = [yes_no[r[col]] for r in rows if r[col]]
    assert len(answers) < len(rows)  # some blanks
    scope = "scope_2020" if EDITIONS[ed]["year"] == 2020 else "scope_2021"
    key = truth[scope][f"intention_to_use_by_edition:{ed}"]
    assert (answers.count("yes"), len(answers)) == (key["numerator"], key["denominator"])
    assert all(r[0].isdigit() for r in rows) and len({r[0] for r in rows}) == len(rows)


# ------------------------------------------------------------------ survey
FOLLOWUP = CONFIG["followup_surveys"]["2020"]
XLSFORM_TYPES = {"select_one": "single", "select_multiple": "multi", "integer": "number", "text": "text"}


def xlsform(path: Path) -> dict[str, list[dict]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    sheets = {}
    for ws in book.worksheets:
        rows = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        sheets[ws.title] = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    book.close()
    return sheets


def _labels(row):
    out = {}
    for k, v in row.items():
        m = re.fullmatch(r"label::.* \((\w+)\)", k)
        if m:
            out[f"label_{m.group(1)}"] = v
    return out


def codebook_questions():
    qs = []
    for inst, path in (("evaluation", CONFIG["evaluation"]["form"]), ("followup", FOLLOWUP["form"])):
        for row in xlsform(ROOT / path)["survey"]:
            kind, _, list_name = row["type"].partition(" ")
            if kind in XLSFORM_TYPES:
                qs.append({"instrument": inst, "question_code": row["name"], "type": XLSFORM_TYPES[kind],
                           "list_name": list_name, "constraint": row.get("constraint", ""), **_labels(row)})  # fmt: skip
    return qs


def codebook_options(instrument=None):
    opts = {}
    forms = {"evaluation": CONFIG["evaluation"]["form"], "followup": FOLLOWUP["form"]}
    for path in [forms[instrument]] if instrument else forms.values():
        for row in xlsform(ROOT / path)["choices"]:
            opts[(row["list_name"], row["name"])] = {"list_name": row["list_name"], "option_code": row["name"],
                                                     "role_en": row.get("role_en", ""), **_labels(row)}  # fmt: skip
    return list(opts.values())


def survey():
    """The Kobo export as dicts by header, with the workflow's response id added."""
    path = ROOT / FOLLOWUP["export"]
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")  # no BOM, CRLF
    header, rows = read(path, ";", "utf-8")
    first = data.split(b"\r\n")[0].decode()
    assert first == ";".join(f'"{h}"' for h in header)  # every field quoted
    for meta in ("_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
                 "_submitted_by", "__version__", "_tags", "_index", "start", "end"):  # fmt: skip
        assert meta in header, meta
    out = [dict(zip(header, r, strict=True)) for r in rows]
    seen = Counter()
    for r in sorted(out, key=lambda r: (r["form_language"], r["_submission_time"], int(r["_id"]))):
        seen[r["form_language"]] += 1
        r["response_id"] = f"{r['form_language'].upper()}-{seen[r['form_language']]:04d}"
    return out


def test_xlsforms_complete():
    opts = codebook_options()
    assert all(re.search("[\u0600-\u06ff]", o["label_ar"]) for o in opts if "label_ar" in o)
    roles = {o["option_code"]: o["role_en"] for o in opts if o["list_name"] == "sector"}
    assert roles["government"] == "Government officer"
    assert roles["international_organization"] == "Officer in an international organization"
    assert all(roles.values())
    lists = {o["list_name"] for o in opts}
    for q in codebook_questions():
        if q["type"] in ("single", "multi"):
            assert q["list_name"] in lists
        if q["type"] == "multi":
            assert not any(" " in o["option_code"] for o in opts if o["list_name"] == q["list_name"])
    follow = xlsform(ROOT / FOLLOWUP["form"])
    assert {f"label_{lang}" for lang in FOLLOWUP["languages"]} <= set(_labels(follow["survey"][0]))
    assert follow["settings"][0]["default_language"] == "English (en)"


def test_survey_answers_are_choice_names():
    opts = codebook_options()
    qs = {q["question_code"]: q for q in codebook_questions() if q["instrument"] == "followup"}
    valid = defaultdict(set)
    for o in opts:
        valid[o["list_name"]].add(o["option_code"])
    for r in survey():
        datetime.strptime(r["_submission_time"], "%Y-%m-%dT%H:%M:%S")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", r["start"])
        for code, q in qs.items():
            v = r[code]
            if q["type"] == "multi":
                cells = [r[f"{code}/{o}"] for o in sorted(valid[q["list_name"]])]
                if not v:
                    assert cells == [""] * len(cells)  # unanswered: every option column empty
                    continue
                assert set(v.split(" ")) <= valid[q["list_name"]], (code, v)
                assert {o for o in valid[q["list_name"]] if r[f"{code}/{o}"] == "1"} == set(v.split(" "))
                assert set(cells) <= {"0", "1"}
            elif not v:
                continue
            elif q["type"] == "single":
                assert v in valid[q["list_name"]], (code, v)
            elif q["type"] == "number":
                assert 0 <= int(v) <= 100 and int(v) % 5 == 0


def test_survey_quirks():
    allr = survey()
    assert {r["form_language"] for r in allr} == {"en", "es"} and len(allr) == 240  # one multilingual form
    assert [r["_index"] for r in allr] == [str(i) for i in range(1, len(allr) + 1)]
    assert [int(r["_id"]) for r in allr] == sorted(int(r["_id"]) for r in allr)
    countries = {r["country"] for r in allr}
    for v in ("EEUU", "EE.UU.", "USA", "Equateur", "Congo (RDC)", "RDC", "DRC", "Holanda",
              "UK", "Venezuela", "Bolivia", "Iran"):  # fmt: skip
        assert v in countries, v
    assert any(c.startswith("Perú") and c != c.rstrip() for c in countries)
    assert any(c.strip() == "México" and c != c.lstrip() for c in countries)
    assert "" in countries
    assert any(" " in r["topics_applied"] for r in allr)
    assert sum(not r["email"] for r in allr) > 50 and sum(bool(r["email"]) for r in allr) > 50
    lms_emails = {norm(r["email"]) for ed in EDITIONS for r in lms(ed, "participants")}
    given = [norm(r["email"]) for r in allr if r["email"]]
    assert 0 < sum(e not in lms_emails for e in given) < 20  # typos that match nobody
    assert any(r["email"] != r["email"].strip() or r["email"] != r["email"].lower()
               for r in allr)  # fmt: skip
    text = [r["example"] for r in allr]
    for needle in ("<script>alert(1)</script>", "<b>bold</b>", '=HYPERLINK("http://x","y")'):
        assert any(needle in t for t in text), needle
    for prefix in ("=", "+", "-", "@"):
        assert any(t.startswith(prefix) for t in text), prefix
    assert any("\n" in t for t in text) and any('"' in t for t in text)
    assert any("," in t for t in text)
    # item non-response: denominators differ per item
    blanks = {q: sum(not r[q] for r in allr) for q in ("edition", "relationship", "career_stage", "sector", "applied")}
    assert len(set(blanks.values())) > 1 and min(blanks.values()) > 0


def test_box2_quotes_pinned(truth):
    rows = {r["response_id"]: r for r in survey()}
    wanted = {"ES-0007": ("government", "He mejorado la entrevista"),
              "EN-0012": ("international_organization", "I have transferred the knowledge"),
              "ES-0023": ("independent_consultant", "Asesoré a una organización"),
              "ES-0031": ("ngo", "Elaboramos un modelo de gestión")}  # fmt: skip
    for rid, (sec, start) in wanted.items():
        r = rows[rid]
        assert r["example"].startswith(start) and r["consent_quote"] == "yes"
        assert r["sector"] == sec
    assert rows["ES-0007"]["country"] == "México"
    assert rows["EN-0012"]["country"] in ("Congo (RDC)", "DRC")
    assert rows["ES-0023"]["country"] == "Colombia"
    assert rows["ES-0031"]["country"] == "Ecuador"
    for q in CONFIG["quotes"]:
        assert q["response_id"] in rows
    refused = [rid for rid, r in rows.items() if r["example"] and r["consent_quote"] == "no"]
    assert "EN-0005" in refused
    for rid, t in truth["quotes"].items():
        assert rows[rid]["example"] == t["example"] and rows[rid]["consent_quote"] == t["consent_quote"]


# ------------------------------------------------------------------ interviews
def test_interviews_structured():
    keys = ["slug", "name", "short_name", "consent_to_publish", "role", "city", "country",
            "origin_country", "headline", "edition_language", "years_in_host_country",
            "module_most_useful", "figures", "narrative", "quotes"]  # fmt: skip
    notes = {}
    for slug in ("william-ramirez", "chayan-chakraborty", "eleutherius-michaelides"):
        path = RAW / "interviews" / f"{slug}.yaml"
        note = yaml.safe_load(path.read_text("utf-8"))
        assert sorted(note) == sorted(keys) and note["slug"] == slug
        assert note["consent_to_publish"] is True
        assert pycountry.countries.get(alpha_3=note["country"])
        validate_note(note, f"raw/interviews/{slug}.yaml")  # the report's own check
        text = " ".join(note["narrative"])
        untyped = re.sub(r"\{[a-z_]+(:number)?\}|COVID-19", "", text)  # a name with digits aside
        assert not re.search(r"\d", untyped), (slug, "a figure typed in the narrative")
        for name in note["figures"]:  # every figure is written into the narrative
            assert re.search(r"\{" + name + r"(:number)?\}", text), (slug, name)
        notes[slug] = note
    values = {slug: {k: f["value"] for k, f in n["figures"].items()} for slug, n in notes.items()}
    assert values["william-ramirez"] == {
        "projects_coordinated": 3,
        "business_plans_supported": 50,
        "business_plans_matured": 10,
        "unhcr_support_months": 3,
    }
    assert notes["william-ramirez"]["figures"]["unhcr_support_months"]["unit"] == "month"
    assert values["chayan-chakraborty"]["session_planned_year"] == 2021
    assert values["eleutherius-michaelides"] == {"companies_owned": 2, "family_business_since": 1950}
    assert notes["eleutherius-michaelides"]["figures"]["family_business_since"]["unit"] == "decade"
    assert notes["eleutherius-michaelides"]["module_most_useful"] == 3
    assert [q["consent"] for q in notes["chayan-chakraborty"]["quotes"]] == [True]
    assert "[aulas tecnológicas]{lang=es}" in " ".join(notes["william-ramirez"]["narrative"])


# ------------------------------------------------------------------ ground truth
def test_truth_covers_every_registry_metric(truth):
    ids = [m["id"] for m in REGISTRY["metrics"]]
    for scope, stages in (("scope_2020", None), ("scope_2021", ("participation", "reaction"))):
        keys = {k.split(":")[0] for k in truth[scope]}
        for m in REGISTRY["metrics"]:
            if stages is None or m["stage"] in stages:
                assert m["id"] in keys, (scope, m["id"])
        for k, v in truth[scope].items():
            assert k.split(":")[0] in ids
            assert set(v) == {"value", "numerator", "denominator"}
            if v["denominator"] is not None and k.split(":")[0] not in ("intention_to_use_mean", "attribution_mean"):
                assert v["value"] == v["numerator"] / v["denominator"]


def test_truth_reproduces_published_figures(truth):
    t = truth["scope_2020"]

    def pct(k):
        return round(100 * t[k]["value"])

    assert t["participants_total"]["value"] == 1681
    assert t["countries_total"]["value"] == 124
    assert truth["ranks"]["scope_2020"]["participants_by_country"][:3] == ["ECU", "MEX", "IND"]
    assert [t[f"gender_count:{g}"]["value"] for g in ("female", "male", "other", "not_recorded")] == [915, 617, 82, 67]
    assert [pct(f"gender_share:{g}") for g in ("female", "male", "other")] == [57, 38, 5]
    assert t["gender_share:female"]["denominator"] == 1614
    assert (pct("certificates_completion_share"), pct("certificates_participation_share")) \
        == (28, 29)  # fmt: skip
    assert pct("intention_to_use_mean") == 97
    assert len({t[f"intention_to_use_by_edition:{e}"]["value"]
                for e in CONFIG["scopes"]["2020"]["editions"]}) == 4  # fmt: skip
    assert pct("respondents_by_edition_language:es") == 35
    assert [pct(f"relationship_share:{o}") for o in ("professional", "interested", "migrant_entrepreneur")] == [
        44,
        32,
        7,
    ]
    assert pct("career_stage_share:young_professional") == 40
    assert pct("career_stage_share:student") == 7
    sectors = {k: v["value"] for k, v in t.items() if k.startswith("sector_share:")}
    assert pct("sector_share:corporate") == 2
    assert sorted(sectors.values())[0] < sorted(sectors.values())[1]
    assert min(sectors, key=sectors.get) == "sector_share:corporate"
    assert pct("application_rate") == 80
    assert pct("application_rate_by_relationship:professional") > 85
    assert pct("application_rate_by_relationship:migrant_entrepreneur") > 85
    assert pct("importance_top2") == 81
    assert round(t["attribution_mean"]["value"]) == 68
    order = ["barriers", "strategies", "legal", "contributions", "finance"]
    assert truth["ranks"]["scope_2020"]["topic_applied_share"] == order
    assert truth["ranks"]["scope_2020"]["challenge_share"][:3] == ["funding", "hierarchy", "time"]
    assert t["challenge_share:no_opportunity"]["value"] < 0.1
    assert truth["ranks"]["scope_2020"]["recommendation_share"][:4] == [
        "promote_government",
        "practitioner_experiences",
        "recorded_videos",
        "live_session",
    ]
    assert truth["ranks"]["scope_2020"]["followup_topic_share"][:4] == [
        "climate_migration",
        "managerial_skills",
        "business_plan_sustainability",
        "local_experiences",
    ]
    assert 0.10 <= t["survey_response_rate"]["value"] <= 0.20
    assert truth["survey_size"] == t["survey_respondents"]["value"]


def test_truth_2021_plausible(truth):
    t = truth["scope_2021"]
    for ed in CONFIG["scopes"]["2021"]["editions"]:
        assert 250 <= t[f"participants_by_edition:{ed}"]["value"] <= 600
    assert {k.split(":")[1] for k in t if k.startswith("participants_by_language:")} == {"en", "es", "fr", "ar"}


# ------------------------------------------------------------------ files
def test_sha256sums_list_every_file():
    listed = {}
    for line in (RAW / "SHA256SUMS").read_text("utf-8").splitlines():
        digest, path = line.split("  ", 1)
        listed[path] = digest
    files = {p.relative_to(RAW).as_posix() for p in RAW.rglob("*")
             if p.is_file() and p.name not in ("SHA256SUMS", "README.md")}  # fmt: skip
    assert set(listed) == files
    for path, digest in listed.items():
        assert hashlib.sha256((RAW / path).read_bytes()).hexdigest() == digest, path


def test_raw_is_small():
    size = sum(p.stat().st_size for p in RAW.rglob("*") if p.is_file())
    assert size < 5_000_000


def test_readme_documents_every_file_and_column():
    readme = (RAW / "README.md").read_text("utf-8")
    for pattern in ("lms/<edition>/participants.csv", "lms/<edition>/completion.csv",
                    "lms/<edition>/grades.csv", "lms/<edition>/customcert-completion.csv",
                    "lms/<edition>/customcert-participation.csv",
                    "evaluation/<edition>.csv", "survey/followup-2020.csv",
                    "survey/followup-2020-xlsform.xlsx", "survey/evaluation-xlsform.xlsx",
                    "interviews/<slug>.yaml", "SHA256SUMS"):  # fmt: skip
        assert pattern in readme, pattern
    for site in CONFIG["sites"].values():
        for source in SOURCES:
            for header in site["headers"][source].values():
                assert header in readme, header
        assert site["grade_items"]["activity_type"] in readme
    for q in codebook_questions():
        assert f"`{q['question_code']}`" in readme


def test_generator_is_deterministic(tmp_path):
    out, truth_path = tmp_path / "raw", tmp_path / "truth.json"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "datagen" / "generate.py"),
                    "--out", str(out), "--truth", str(truth_path)], check=True,
                   cwd=tmp_path)  # fmt: skip
    assert truth_path.read_bytes() == TRUTH.read_bytes()
    mine = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    theirs = {p.relative_to(RAW).as_posix() for p in RAW.rglob("*")
              if p.is_file() and p.name != "README.md"}  # fmt: skip
    assert mine == theirs
    for rel in sorted(mine):
        assert (out / rel).read_bytes() == (RAW / rel).read_bytes(), rel


def test_generator_imports_no_workflow_code():
    for p in (ROOT / "scripts" / "datagen").glob("*.py"):
        src = p.read_text("utf-8")
        assert not re.search(r"^\s*(from|import)\s+(lib|schemas|scripts\.lib)\b", src, re.M), p
        assert "safe_load" not in src and "snakemake" not in src, p  # reads no config
