"""Render the truth tables as the files the LMS and the survey tool would export."""

from __future__ import annotations

import csv
import hashlib
import io
import random
from datetime import UTC, datetime
from pathlib import Path

import yaml

from . import codebook, names
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
    e = EDITION_BY_ID[ed]
    delim, bom, _ = DIALECT[e.site]
    lang = e.language
    header = [codebook.question_label("evaluation", q, lang)
              for q in codebook.question_codes("evaluation")]  # fmt: skip

    def opt(list_name, code):
        return codebook.label(list_name, code, lang) if code else ""

    rows = [[str(r.rid), _fmt_date(r.submitted, e.site), opt("usefulness", r.usefulness),
             opt("relevance", r.relevance), opt("yes_no", r.intention), r.comments]
            for r in responses]  # fmt: skip
    write_csv(out / "evaluation" / f"{ed}.csv", header, rows, delim, bom)


def write_survey(out: Path, respondents: list[Respondent], seed: int, year: str = "2020",
                 edition_label=None) -> None:  # fmt: skip
    rng = random.Random(f"{seed}-survey-render")
    edition_label = edition_label or (lambda code, lang: codebook.label("edition", code, lang))
    for form in ("en", "es"):
        header = [codebook.question_label("followup", q, form)
                  for q in codebook.question_codes("followup")]  # fmt: skip

        def one(list_name, code, form=form):
            return codebook.label(list_name, code, form) if code else ""

        def many(list_name, codes, form=form):
            if not codes:
                return ""
            labels = [codebook.label(list_name, c, form) for c in codes]
            if rng.random() < 0.2:  # order of clicking, not of the list
                rng.shuffle(labels)
            return ";".join(labels)

        rows = []
        for r in respondents:
            if r.form != form:
                continue
            rows.append([
                r.rid, r.submitted.strftime("%Y-%m-%d %H:%M:%S"),
                edition_label(r.edition, form) if r.edition else "", r.email, r.country_text,
                one("relationship", r.relationship), one("career_stage", r.career_stage),
                one("sector", r.sector), one("applied", r.applied), many("topic", r.topics),
                one("importance", r.importance),
                "" if r.attribution is None else str(r.attribution), r.example,
                one("yes_no", r.consent), many("challenge", r.challenges),
                many("recommendation", r.recommendations),
                many("followup_topic", r.followup_topics),
            ])  # fmt: skip
        write_csv(out / "survey" / f"followup-{year}-{form}.csv", header, rows)


def write_codebook(out: Path, edition_options=None) -> None:
    h, rows = codebook.questions_table()
    write_csv(out / "survey" / "codebook-questions.csv", h, rows)
    h, rows = codebook.options_table(edition_options)
    write_csv(out / "survey" / "codebook-options.csv", h, rows)


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
