"""Render the truth tables as the files the LMS and the survey tool would export."""

from __future__ import annotations

import csv
import hashlib
import io
import random
import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pycountry
import yaml
from babel import Locale

from . import codebook, names, xlsform
from .evaluation import Response
from .population import Account
from .sitespec import (
    CERTIFICATE_FILES,
    COMPLETION_STATES,
    CUSTOMCERT_DATE,
    DIALECT,
    EDITION_BY_ID,
    GRADES_SUSPENDED_YES,
    GRADES_WITH_SUSPENDED,
    HEADERS,
    LABELS,
    LABELSEP,
    LANGCONFIG,
    MISSING_GRADE,
    SHEET_TITLES,
    SPREADSHEET_EDITIONS,
    grades_header,
)
from .spreadsheets import write_ods, write_xlsx
from .survey import Respondent

ORG_TYPE_LABELS = {  # free-ish profile field: what people picked or typed, per site language
    "government": ("Government", "Gobierno", "Administration publique", "حكومة"),
    "ngo": ("NGO", "ONG", "ONG", "منظمة غير حكومية"),
    "international_organization": ("International organization", "Organismo internacional",
                                   "Organisation internationale", "منظمة دولية"),
    "academia": ("University / research", "Universidad / investigación",
                 "Université / recherche", "جامعة / بحث"),
    "private_sector": ("Private sector", "Sector privado", "Secteur privé", "القطاع الخاص"),
    "self_employed": ("Self-employed", "Independiente", "Indépendant", "عمل حر"),
    "other": ("Other", "Otro", "Autre", "أخرى"),
}  # fmt: skip
OCCUPATION_LABELS = {
    "programme_officer": ("Programme officer", "Oficial de programa", "Chargé(e) de programme",
                          "موظف برامج"),
    "project_manager": ("Project manager", "Gerente de proyectos", "Chef de projet",
                        "مدير مشروع"),
    "student": ("Student", "Estudiante", "Étudiant(e)", "طالب"),
    "researcher": ("Researcher", "Investigador/a", "Chercheur/chercheuse", "باحث"),
    "lecturer": ("Lecturer", "Docente universitario", "Enseignant(e)-chercheur(se)", "محاضر"),
    "consultant": ("Consultant", "Consultor/a", "Consultant(e)", "مستشار"),
    "entrepreneur": ("Entrepreneur", "Emprendedor/a", "Entrepreneur(e)", "رائد أعمال"),
    "lawyer": ("Lawyer", "Abogado/a", "Avocat(e)", "محامٍ"),
    "social_worker": ("Social worker", "Trabajador/a social", "Travailleur/euse social(e)",
                      "أخصائي اجتماعي"),
    "public_servant": ("Civil servant, ministry of labour", "Funcionario/a público/a",
                       "Fonctionnaire", "موظف حكومي"),
    "economist": ("Economist", "Economista", "Économiste", "خبير اقتصادي"),
    "volunteer": ("Volunteer", "Voluntario/a", "Bénévole", "متطوع"),
}  # fmt: skip
_LANG_INDEX = {"en": 0, "es": 1, "fr": 2, "ar": 3}


def write_csv(path: Path, header, rows, delimiter=",", bom=False, fputcsv=False) -> None:
    """fputcsv=True: PHP's fputcsv, which Moodle's writers use (csvlib csv_export_writer,
    lib/csvlib.class.php; dataformat csv through OpenSpout, lib/openspout/src/Writer/CSV/
    Writer.php): it also quotes every cell holding a space or a tab; else quotes only
    where needed (Python's csv module)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    if fputcsv:
        for row in [header, *rows]:
            cells = []
            for v in row:
                v = str(v)
                if any(ch in v for ch in (delimiter, '"', "\n", "\r", " ", "\t")):
                    v = '"' + v.replace('"', '""') + '"'
                cells.append(v)
            buf.write(delimiter.join(cells) + "\n")
    else:
        w.writerow(header)
        w.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))


def _fmt_date(d: datetime | None, site: str) -> str:
    return d.strftime(DIALECT[site][2]) if d else ""


def _fmt_grade(correct: int | None) -> str:
    return MISSING_GRADE if correct is None else f"{correct * 20 / 12:.2f}"


def _fmt_total(correct: list[int | None]) -> str:
    done = [c for c in correct if c is not None]
    return MISSING_GRADE if not done else f"{sum(done) * 20 / 12:.2f}"


def userdate(d: datetime | None, fmt: str, lang: str) -> str:
    """What Moodle's userdate() writes: CLDR month/day names and AM/PM of the language,
    the leading zero of %d and %I dropped (lib/moodlelib.php)."""
    if d is None:
        return ""
    loc = Locale.parse(lang)
    h12 = d.hour % 12 or 12
    period = loc.day_periods["format"]["abbreviated"]["am" if d.hour < 12 else "pm"]
    values = {"A": loc.days["format"]["wide"][d.weekday()], "B": loc.months["format"]["wide"][d.month],
              "b": loc.months["format"]["abbreviated"][d.month], "d": str(d.day),
              "m": f"{d.month:02d}", "y": f"{d.year % 100:02d}", "Y": str(d.year),
              "H": f"{d.hour:02d}", "I": str(h12), "M": f"{d.minute:02d}", "p": str(period)}  # fmt: skip
    return re.sub(r"%([A-Za-z])", lambda m: values[m.group(1)], fmt)


@lru_cache(maxsize=1)
def _moodle_countries() -> dict[tuple[str, str], str]:
    """(lang, alpha-2) -> Moodle's country name in the newest pack version vendored in
    resources/moodle_countries.csv (Moodle's own lists, LP <lang>/countries.php)."""
    path = Path(__file__).resolve().parents[2] / "resources" / "moodle_countries.csv"
    best: dict[tuple[str, str], tuple[tuple[int, ...], str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            version = tuple(int(x) for x in row["version"].split("."))
            key = (row["lang"], row["code"])
            if key not in best or version > best[key][0]:
                best[key] = (version, row["name"])
    return {k: v[1] for k, v in best.items()}


def moodle_country(iso3: str, lang: str) -> str:
    alpha2 = pycountry.countries.get(alpha_3=iso3).alpha_2
    return _moodle_countries()[(lang, alpha2)]


def formula_guard(value: str) -> str:
    """Newer Moodle dataformat writers put a ' before a cell starting with = + - @
    (lib/classes/dataformat; a lone '-' is kept)."""
    return "'" + value if value[:1] and value[:1] in "=+-@" and value != "-" else value


def write_lms(out: Path, ed: str, accounts: list[Account], seed: int) -> None:
    e = EDITION_BY_ID[ed]
    site, lang = e.site, e.language
    lab = LABELS[site]
    lc = LANGCONFIG[site]
    rng = random.Random(f"{seed}-{ed}-render")
    li = _LANG_INDEX[lang]
    d = out / "lms" / ed
    students = [a for a in accounts if a.role == "student"]
    kind = SPREADSHEET_EDITIONS.get(ed)

    def emit(name: str, source: str, header, rows, *csv_args, **csv_kwargs) -> None:
        """CSV as the Moodle screen writes it, or the same table as .xlsx / .ods (grade
        exports: grades as numbers, the export timestamp as text, grade_export_xls.php)."""
        if kind is None:
            write_csv(d / name, header, rows, *csv_args, **csv_kwargs)
            return
        if source == "grades":
            rows = [[_grade_cell(v) for v in row[:-1]] + [row[-1]] for row in rows]
        writer = write_xlsx if kind == "xlsx" else write_ods
        writer(d / f"{Path(name).stem}.{kind}", header, rows, sheet=SHEET_TITLES[source])

    # participants: report builder custom report, dataformat CSV (',' + BOM whatever the
    # language); dates in strftimedaydatetime, country = Moodle's name in the site language
    part = []
    for a in sorted(accounts, key=lambda a: a.user_id):
        country = moodle_country(a.country, lang) if a.country else ""
        occ = OCCUPATION_LABELS[a.occupation][li] if a.occupation else ""
        org = ORG_TYPE_LABELS[a.organisation_type][li] if a.organisation_type else ""
        if org and rng.random() < 0.03:
            org = "- " + org  # typed as a list item in the free-text profile field
        part.append([a.username, a.first, a.last, a.email, country, a.gender_written, occ,
                     org, lab["role"][a.role], lab["enrolment_status"][a.status],
                     userdate(a.enrolled, lc["strftimedaydatetime"], lang)])  # fmt: skip
    part = [[formula_guard(v) for v in row] for row in part]
    emit("participants.csv", "participants", HEADERS[site]["participants"], part, ",", True, fputcsv=True)

    # course completion report (csvlib, 'Download in spreadsheet format'): only active
    # enrolments of student roles; 'Course complete' holds the date or nothing
    by_name = sorted(students, key=lambda a: (names.ascii_fold(a.last), a.user_id))
    not_done, done = COMPLETION_STATES[site]
    short = lc["strftimedatetimeshort"]
    comp = []
    for a in by_name:
        if a.status != "active":
            continue
        crit = []
        for c in a.correct:
            took = c is not None or a.complete
            when = (a.completed_on or e_start(e)) if took else None
            crit += [done if took else not_done, userdate(when, short, lang) if took else ""]
        crit += [done if a.complete else not_done,
                 userdate(a.completed_on, short, lang) if a.complete else ""]  # fmt: skip
        comp.append([str(a.user_id), f"{a.first} {a.last}", a.email, *crit,
                     userdate(a.completed_on if a.complete else None, short, lang)])  # fmt: skip
    emit("completion.csv", "completion", HEADERS[site]["completion"], comp, ",", False, fputcsv=True)

    # grade export, plain text file: 'Exclude suspended users' ticked by default
    end = datetime.fromisoformat(e.start).replace(tzinfo=UTC)
    downloaded = str(int(end.timestamp()) + 100 * 86400 + 36000)
    with_suspended = ed in GRADES_WITH_SUSPENDED
    labelsep = LABELSEP[site] if not (site == "en" and e.year == 2021) else ":"
    grades = []
    for a in by_name:
        if a.status != "active" and not with_suspended:
            continue
        inst = ""
        if a.row is not None and rng.random() < 0.15:
            inst = ORG_TYPE_LABELS[a.organisation_type][li]
            if rng.random() < 0.3:
                inst += ", " + ("Dept. of Migration" if li == 0 else "Dpto. de Migración")
        flag = ([GRADES_SUSPENDED_YES[site] if a.status != "active" else ""]
                if with_suspended else [])  # fmt: skip
        grades.append([a.first, a.last, "", inst, "", a.email, *flag,
                       *(_fmt_grade(c) for c in a.correct), _fmt_total(a.correct),
                       downloaded])  # fmt: skip
    emit("grades.csv", "grades", grades_header(site, labelsep, with_suspended), grades, ",", False,
         fputcsv=True)  # fmt: skip

    # mod_customcert: one report per certificate activity (no column names the activity);
    # it does not filter by enrolment status
    for cert, name in CERTIFICATE_FILES.items():
        mine = sorted((a for a in accounts if a.certificate == cert),
                      key=lambda a: (a.issued_on, a.user_id))  # fmt: skip
        rows = []
        for a in mine:
            code = "".join(rng.choice(CODE_CHARS) for _ in range(10))
            rows.append([f"{a.first} {a.last}", a.email, userdate(a.issued_on, CUSTOMCERT_DATE, lang),
                         code])  # fmt: skip
        assert len({r[3] for r in rows}) == len(rows)
        rows = [[formula_guard(v) for v in row] for row in rows]
        emit(name, "certificates", HEADERS[site]["certificates"], rows, ",", True, fputcsv=True)


CODE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_GRADE_NUMBER = re.compile(r"^\d+\.\d+$")


def _grade_cell(value: str):
    """A grade-export spreadsheet cell: a grade as a number, other cells as text."""
    return float(value) if _GRADE_NUMBER.match(value) else value


def e_start(e) -> datetime:
    return datetime.fromisoformat(e.start)


def write_evaluation(out: Path, ed: str, responses: list[Response]) -> None:
    """Moodle feedback "Show responses", anonymous download (adownload), dataformat CSV:
    `Response number` then the questions by their text in the edition language; choice
    answers as option text; no date column (mod/feedback/classes/responses_anon_table.php)."""
    lang = EDITION_BY_ID[ed].language
    questions = [q for q in codebook.question_codes("evaluation") if q not in ("response_id", "submitted")]
    header = [xlsform.RESPONSE_NUMBER[lang],
              *(codebook.question_label("evaluation", q, lang) for q in questions)]  # fmt: skip

    def opt(list_name, code):
        return codebook.label(list_name, code, lang) if code else ""

    rows = [[str(r.rid), opt("usefulness", r.usefulness), opt("relevance", r.relevance),
             opt("yes_no", r.intention), r.comments] for r in responses]  # fmt: skip
    # Moodle dataformat CSV (feedback "Show responses" download): ',', UTF-8 BOM, PHP fputcsv
    write_csv(out / "evaluation" / f"{ed}.csv", header, rows, ",", True, fputcsv=True)


_DEVICE_OFFSET = {"en": (1, 2, 3, -5, 5, 0), "es": (-5, -6, -3, 2)}  # respondents' time zones


def write_survey(out: Path, respondents: list[Respondent], seed: int, year: str = "2020") -> None:
    """The Kobo data export of the follow-up survey, "XML values and headers", CSV: every
    respondent of the multilingual form in one file, in submission order (Kobo `_id`)."""
    rng = random.Random(f"{seed}-survey-render")
    ordered = sorted(respondents, key=lambda r: (r.submitted, r.rid))
    # the workflow numbers responses per language by submission time: EN-0012 is the
    # twelfth English response (the generator's ids were made the same way)
    seen: dict[str, int] = {}
    for r in ordered:
        seen[r.form] = seen.get(r.form, 0) + 1
        assert r.rid == f"{r.form.upper()}-{seen[r.form]:04d}", r.rid
    kobo_id = 118_203_441
    rows = []
    for index, r in enumerate(ordered, start=1):
        kobo_id += rng.randrange(3, 400)  # other forms of the server take ids in between
        start, end = xlsform.device_times(rng, r.submitted, rng.choice(_DEVICE_OFFSET[r.form]))
        rows.append([
            start, end, r.form, r.edition or "", r.email, r.country_text,
            r.relationship or "", r.career_stage or "", r.sector or "", r.applied or "",
            *xlsform.kobo_multi("topic", r.topics), r.importance or "",
            "" if r.attribution is None else str(r.attribution), r.example, r.consent or "",
            *xlsform.kobo_multi("challenge", r.challenges),
            *xlsform.kobo_multi("recommendation", r.recommendations),
            *xlsform.kobo_multi("followup_topic", r.followup_topics),
            *xlsform.kobo_meta(rng, index, kobo_id, r.submitted),
        ])  # fmt: skip
    header = xlsform.kobo_header()
    assert all(len(row) == len(header) for row in rows)
    xlsform.write_kobo_csv(out / "survey" / f"followup-{year}.csv", header, rows)


def write_codebook(out: Path, edition_options=None, followup_name: str = "followup-2020") -> None:
    """The XLSForms: the follow-up survey's Kobo form and the evaluation's questions."""
    xlsform.write_xlsforms(out, edition_options, followup_name)


def write_interviews(out: Path, interviews) -> None:
    d = out / "interviews"
    d.mkdir(parents=True, exist_ok=True)
    for note in interviews:
        text = yaml.safe_dump(note, sort_keys=False, allow_unicode=True, width=88)
        (d / f"{note['slug']}.yaml").write_text(text, encoding="utf-8")


def write_sha256sums(out: Path) -> None:
    lines = []
    for p in sorted(out.rglob("*")):
        if p.is_file() and p.name not in ("SHA256SUMS", "README.md"):  # README: documentation
            # the generator imports no workflow code (tests/test_raw_data.py): its own digest
            with p.open("rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
            lines.append(f"{digest}  {p.relative_to(out).as_posix()}\n")
    (out / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")
