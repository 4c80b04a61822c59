"""Render the truth tables as the files the LMS and the survey tool would export."""

from __future__ import annotations

import csv
import hashlib
import io
import random
from datetime import UTC, datetime
from pathlib import Path

import yaml

from . import codebook, names, xlsform
from .evaluation import Response
from .population import Account
from .sitespec import DIALECT, EDITION_BY_ID, HEADERS, LABELS, MISSING_GRADE
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


def write_csv(path: Path, header, rows, delimiter=",", bom=False) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
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


def write_lms(out: Path, ed: str, accounts: list[Account], seed: int) -> None:
    e = EDITION_BY_ID[ed]
    site, lang = e.site, e.language
    delim, bom, _ = DIALECT[site]
    lab = LABELS[site]
    rng = random.Random(f"{seed}-{ed}-render")
    li = _LANG_INDEX[lang]
    d = out / "lms" / ed

    part = []
    for a in sorted(accounts, key=lambda a: a.user_id):
        country = names.country_name(a.country, lang) if a.country else ""
        occ = OCCUPATION_LABELS[a.occupation][li] if a.occupation else ""
        org = ORG_TYPE_LABELS[a.organisation_type][li] if a.organisation_type else ""
        part.append([str(a.user_id), a.username, a.first, a.last, a.email, country, a.pref_lang,
                     a.gender_written, occ, org, lab["role"][a.role],
                     lab["enrolment_status"][a.status], _fmt_date(a.enrolled, site)])  # fmt: skip
    write_csv(d / "participants.csv", HEADERS[site]["participants"], part, delim, bom)

    by_name = sorted(accounts, key=lambda a: (names.ascii_fold(a.last), a.user_id))
    comp = [[a.first, a.last, a.email, lab["course_complete"][a.complete],
             _fmt_date(a.completed_on if a.complete else None, site)] for a in by_name]
    write_csv(d / "completion.csv", HEADERS[site]["completion"], comp, delim, bom)

    end = datetime.fromisoformat(e.start).replace(tzinfo=UTC)
    downloaded = str(int(end.timestamp()) + 100 * 86400 + 36000)
    grades = []
    for a in by_name:
        if a.role != "student":
            continue
        inst = ""
        if a.row is not None and rng.random() < 0.15:
            inst = ORG_TYPE_LABELS[a.organisation_type][li]
            if rng.random() < 0.3:
                inst += ", " + ("Dept. of Migration" if li == 0 else "Dpto. de Migración")
        grades.append([a.first, a.last, "", inst, "", a.email,
                       *(_fmt_grade(c) for c in a.correct), _fmt_total(a.correct),
                       downloaded])  # fmt: skip
    write_csv(d / "grades.csv", HEADERS[site]["grades"], grades, delim, bom)

    certs = [a for a in accounts if a.certificate != "none"]
    certs.sort(key=lambda a: (a.issued_on, a.user_id))
    rows = []
    for a in certs:
        code = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10))
        rows.append([f"{a.first} {a.last}", a.email, lab["certificate"][a.certificate],
                     _fmt_date(a.issued_on, site), code])  # fmt: skip
    assert len({r[4] for r in rows}) == len(rows)
    write_csv(d / "certificates.csv", HEADERS[site]["certificates"], rows, delim, bom)


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
    xlsform.write_feedback_csv(out / "evaluation" / f"{ed}.csv", header, rows)


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
            digest = hashlib.sha256(p.read_bytes()).hexdigest()
            lines.append(f"{digest}  {p.relative_to(out).as_posix()}\n")
    (out / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")
