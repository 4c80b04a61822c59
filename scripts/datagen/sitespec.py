"""What the generator knows about the LMS sites and editions (it plays the role of Moodle).

Deliberately hard-coded: the generator never reads the workflow's config.yaml, so that the
raw files are an independent construction. tests/test_raw_data.py checks that every header
and label written here equals what config.yaml declares.
"""

from __future__ import annotations

from dataclasses import dataclass

SEED = 20200316  # launch date of the first edition; the one seed of the default dataset


@dataclass(frozen=True)
class Edition:
    id: str
    year: int
    language: str
    site: str
    start: str  # ISO date
    month_label: str  # for the survey's edition option labels


EDITIONS: tuple[Edition, ...] = (
    Edition("2020-EN1", 2020, "en", "en", "2020-03-16", "March 2020"),
    Edition("2020-EN2", 2020, "en", "en", "2020-06-01", "June 2020"),
    Edition("2020-ES1", 2020, "es", "es", "2020-07-06", "July 2020"),
    Edition("2020-EN3", 2020, "en", "en", "2020-10-05", "October 2020"),
    Edition("2021-EN4", 2021, "en", "en", "2021-02-01", "February 2021"),
    Edition("2021-EN5", 2021, "en", "en", "2021-09-06", "September 2021"),
    Edition("2021-ES2", 2021, "es", "es", "2021-03-01", "March 2021"),
    Edition("2021-ES3", 2021, "es", "es", "2021-10-04", "October 2021"),
    Edition("2021-FR1", 2021, "fr", "fr", "2021-04-12", "April 2021"),
    Edition("2021-AR1", 2021, "ar", "ar", "2021-05-03", "May 2021"),
    Edition("2021-AR2", 2021, "ar", "ar", "2021-11-01", "November 2021"),
)
EDITION_BY_ID = {e.id: e for e in EDITIONS}
EDITIONS_2020 = tuple(e.id for e in EDITIONS if e.year == 2020)
EDITIONS_2021 = tuple(e.id for e in EDITIONS if e.year == 2021)

# CSV dialect of each site's evaluation export: (delimiter, write a UTF-8 BOM, strftime
# date format); the LMS exports follow Moodle's writers (below)
DIALECT = {
    "en": (",", False, "%m/%d/%y, %H:%M"),
    "es": (";", True, "%d/%m/%y, %H:%M"),
    "fr": (";", True, "%d/%m/%y, %H:%M"),
    "ar": (",", False, "%d/%m/%y, %H:%M"),
}
MISSING_GRADE = "-"

# ----------------------------------------------------------------------------- Moodle 4.x
# What the four LMS exports look like (the generator plays Moodle; it imports no workflow
# code). Strings of the language packs (projectestac/moodle-langpacks, branch upstream_45:
# LP <lang>/<file>.php); the participants report's column titles are the analyst's choice.
LANGCONFIG = {  # LP <lang>/langconfig.php
    "en": {"strftimedatetimeshort": "%d/%m/%y, %H:%M",
           "strftimedaydatetime": "%A, %d %B %Y, %I:%M %p"},
    "es": {"strftimedatetimeshort": "%d/%m/%Y %H:%M",
           "strftimedaydatetime": "%A, %d de %B de %Y, %H:%M"},
    "fr": {"strftimedatetimeshort": "%d %b %y, %H:%M",
           "strftimedaydatetime": "%A %d %B %Y, %H:%M"},
    "ar": {"strftimedatetimeshort": "%d/%m/%y\u060c %H:%M",
           "strftimedaydatetime": "%A\u060c %d %B %Y\u060c %I:%M %p"},
}  # fmt: skip
CUSTOMCERT_DATE = "%Y-%m-%d %H:%M"  # mod_customcert classes/report_table.php (4.1+ branches)
# label separator between activity type and item in grade export headers: core en ': ',
# the packs store it trimmed (es, ar ':'), fr a non-breaking space (LP <lang>/langconfig.php)
LABELSEP = {"en": ": ", "es": ":", "fr": "\u00a0", "ar": ":"}
# editions whose grade export was made with "Exclude suspended users" unticked: the file has
# a "Suspended" column and lists suspended learners; every other edition used the default
GRADES_WITH_SUSPENDED = ("2020-EN2", "2021-AR1")

# Offices download some tables as spreadsheets ("Download table data as" Microsoft Excel
# (.xlsx) / OpenDocument (.ods); grade export "Excel spreadsheet" / "OpenDocument
# spreadsheet"): these editions' four LMS exports are .xlsx / .ods, the others CSV.
# config.yaml names their files (editions.<id>.files, editions.<id>.certificates).
SPREADSHEET_EDITIONS = {"2020-EN3": "xlsx", "2021-FR1": "ods"}
# sheet titles: grade/export/xls|ods name the sheet get_string('grades'); the dataformat
# downloads name it after the report (cut to 31 characters by the writers)
SHEET_TITLES = {"participants": "Course participants", "completion": "Course completion",
                "grades": "Grades", "certificates": "customcert-report"}  # fmt: skip

# canonical column order of each LMS source (= order of the header row)
COLUMNS = {
    "participants": (
        "username", "first_name", "last_name", "email", "country", "gender", "occupation",
        "organisation_type", "role", "enrolment_status", "time_enrolled",
    ),
    "completion": ("user_id", "full_name", "email"),  # then criteria, then course_complete
    "grades": ("first_name", "last_name", "id_number", "institution", "department", "email"),
    "certificates": ("full_name", "email", "issued_on", "code"),
}  # fmt: skip

# report builder "Course participants" custom report: column titles as the analyst named
# them (default titles of core user fields, custom headings elsewhere; es: 'Rol' because
# the default role heading 'Nombre' would collide with the first-name column)
_PARTICIPANT_HEADERS = {
    "en": ("Username", "First name", "Last name", "Email address", "Country", "Gender",
           "Occupation", "Organisation type", "Role", "Status", "Time started"),
    "es": ("Nombre de usuario", "Nombre", "Apellido(s)", "Dirección de correo", "País",
           "Género", "Ocupación", "Tipo de organización", "Rol", "Estado", "Fecha de inicio"),
    "fr": ("Nom d'utilisateur", "Prénom", "Nom", "Adresse de courriel", "Pays", "Genre",
           "Profession", "Type d'organisation", "Rôle", "Statut", "Date de début"),
    "ar": ("اسم المستخدم", "الاسم الأول", "اسم العائلة", "البريد الإلكتروني", "الدولة",
           "الجنس", "المهنة", "نوع المنظمة", "الدور", "الحالة", "تاريخ البدء"),
}  # fmt: skip
# course completion report (report/completion/index.php): ID, Name, identity fields, per
# activity criterion '<activity>' and '<activity> - <completiondate>', 'Course complete'
# (LP <lang>/report_completion.php, LP <lang>/completion.php)
_COMPLETION = {
    "en": {"id": "ID", "name": "Name", "email": "Email address", "date": "Completion date",
           "complete": "Course complete", "y": "Completed", "n": "Not completed"},
    "es": {"id": "ID", "name": "Nombre", "email": "Dirección de correo",
           "date": "Fecha de finalización", "complete": "Curso finalizado", "y": "Finalizado",
           "n": "No finalizado"},
    "fr": {"id": "ID", "name": "Nom", "email": "Adresse de courriel",
           "date": "Date d\u2019achèvement", "complete": "Cours terminé", "y": "Terminé",
           "n": "Pas terminé"},
    "ar": {"id": "المُعرَّف", "name": "الاسم", "email": "البريد الإلكتروني",
           "date": "تاريخ الإتمام", "complete": "اكتمل المساق", "y": "اكتمل", "n": "لم يكتمل"},
}  # fmt: skip
# graded activities of the course (quizzes) and the end-of-course evaluation, as named in
# each language's course; quiz module name from LP <lang>/quiz.php
ACTIVITY_TYPE = {"en": "Quiz", "es": "Cuestionario", "fr": "Test", "ar": "إختبار"}
MODULE_ITEMS = {
    "en": tuple(f"Module {i}" for i in range(1, 6)),
    "es": tuple(f"Módulo {i}" for i in range(1, 6)),
    "fr": tuple(f"Module {i}" for i in range(1, 6)),
    "ar": tuple(f"الوحدة {i}" for i in range(1, 6)),
}
EVALUATION_ACTIVITY = {"en": "End-of-course evaluation", "es": "Evaluación final del curso",
                       "fr": "Évaluation de fin de cours", "ar": "تقييم نهاية المساق"}  # fmt: skip
# grade export "Plain text file" (grade/export/txt): profile fields, [Suspended], items
# '<type><labelsep><item> (<display>)', 'Course total (<display>)', timeexported
# (LP <lang>/grades.php, LP <lang>/gradeexport_txt.php, LP <lang>/moodle.php)
_GRADES = {
    "en": {"profile": ("First name", "Last name", "ID number", "Institution", "Department",
                       "Email address"),
           "real": "Real", "total": "Course total", "exported": "Last downloaded from this course",
           "suspended": "Suspended", "yes": "Yes"},
    "es": {"profile": ("Nombre", "Apellido(s)", "Número de ID", "Institución", "Departamento",
                       "Dirección de correo"),
           "real": "Real", "total": "Total del curso", "exported": "Última descarga de este curso",
           "suspended": "Suspendido", "yes": "Sí"},
    "fr": {"profile": ("Prénom", "Nom", "Numéro d'identification", "Institution", "Département",
                       "Adresse de courriel"),
           "real": "Brut", "total": "Total du cours",
           "exported": "Dernier téléchargement depuis ce cours", "suspended": "Suspendu",
           "yes": "Oui"},
    "ar": {"profile": ("الاسم الأول", "اسم العائلة", "رقم الهوية", "المؤسسة", "القسم",
                       "البريد الإلكتروني"),
           "real": "حقيقي", "total": "إجمالي المقرر", "exported": "آخر ما تم تنزيله من هذا المساق",
           "suspended": "موقوف", "yes": "نعم"},
}  # fmt: skip
# mod_customcert report (classes/report_table.php; LP <lang>/customcert.php, moodle.php); the
# ar pack's full-name heading carries a stray mark, kept as Moodle writes it
_CERTIFICATE_HEADERS = {
    "en": ("Full name", "Email address", "Awarded on", "Code"),
    "es": ("Nombre completo", "Dirección de correo", "Fecha de emisión", "Código"),
    "fr": ("Nom complet", "Adresse de courriel", "Attribué le", "Code de contrôle"),
    "ar": ("\u064bالاسم كاملا", "البريد الإلكتروني", "منحت في", "الكود"),
}  # fmt: skip
CERTIFICATE_FILES = {"completion": "customcert-completion.csv",
                     "participation": "customcert-participation.csv"}  # fmt: skip


def grade_item_header(site: str, item: str, labelsep: str) -> str:
    return f"{ACTIVITY_TYPE[site]}{labelsep}{item} ({_GRADES[site]['real']})"


def completion_header(site: str) -> tuple[str, ...]:
    c = _COMPLETION[site]
    activities = (*MODULE_ITEMS[site], EVALUATION_ACTIVITY[site])
    crit = tuple(h for a in activities for h in (a, f"{a} - {c['date']}"))
    return (c["id"], c["name"], c["email"], *crit, c["complete"])


def grades_header(site: str, labelsep: str, with_suspended: bool) -> tuple[str, ...]:
    g = _GRADES[site]
    return (*g["profile"], *((g["suspended"],) if with_suspended else ()),
            *(grade_item_header(site, i, labelsep) for i in MODULE_ITEMS[site]),
            f"{g['total']} ({g['real']})", g["exported"])  # fmt: skip


HEADERS = {
    site: {
        "participants": _PARTICIPANT_HEADERS[site],
        "completion": completion_header(site),
        "grades": grades_header(site, LABELSEP[site], False),
        "certificates": _CERTIFICATE_HEADERS[site],
    }
    for site in DIALECT
}
COMPLETION_STATES = {site: (_COMPLETION[site]["n"], _COMPLETION[site]["y"]) for site in DIALECT}
GRADES_SUSPENDED_YES = {site: _GRADES[site]["yes"] for site in DIALECT}

# localised values the site writes for each canonical code (report builder enrolment
# status: Active / Suspended / Not current; es 'No activo')
LABELS = {
    "en": {
        "role": {"student": "Student", "teacher": "Teacher",
                 "non_editing_teacher": "Non-editing teacher", "manager": "Manager"},
        "enrolment_status": {"active": "Active", "suspended": "Suspended",
                             "not_current": "Not current"},
    },
    "es": {
        "role": {"student": "Estudiante", "teacher": "Profesor",
                 "non_editing_teacher": "Profesor sin permiso de edición", "manager": "Gestor"},
        "enrolment_status": {"active": "Activo", "suspended": "Suspendido",
                             "not_current": "No activo"},
    },
    "fr": {
        "role": {"student": "Étudiant", "teacher": "Enseignant",
                 "non_editing_teacher": "Enseignant non éditeur", "manager": "Gestionnaire"},
        "enrolment_status": {"active": "Actif", "suspended": "Suspendu",
                             "not_current": "Pas actuel"},
    },
    "ar": {
        "role": {"student": "طالب", "teacher": "معلم",
                 "non_editing_teacher": "معلم بدون صلاحية التحرير", "manager": "مدير"},
        "enrolment_status": {"active": "نشط", "suspended": "معلق", "not_current": "غير حالي"},
    },
}  # fmt: skip

# Gender as written in the custom profile field, per site: (label, weight) per harmonised
# code. Dropdown values of the site language dominate; the rest is legacy free text typed
# before the dropdown existed (other languages, initials, odd case and spaces).
GENDER_WRITTEN = {
    "en": {
        "female": (("Female", 88), ("F", 4), ("Woman", 3), ("female", 1), ("Femme", 1),
                   ("Mujer", 2), ("أنثى", 1)),
        "male": (("Male", 90), ("M", 5), ("Man", 3), ("Hombre", 1), ("MALE", 1)),
        "other": (("Other", 70), ("Non-binary", 30)),
        "prefer_not": (("Prefer not to say", 1),),
    },
    "es": {
        "female": (("Femenino", 86), ("Mujer", 8), ("F", 3), ("Female", 2), ("femenino ", 1)),
        "male": (("Masculino", 88), ("Hombre", 7), ("M", 3), ("Male", 2)),
        "other": (("Otro", 75), ("No binario", 25)),
        "prefer_not": (("Prefiero no decirlo", 1),),
    },
    "fr": {
        "female": (("Féminin", 85), ("Femme", 10), ("F", 5)),
        "male": (("Masculin", 85), ("Homme", 10), ("M", 5)),
        "other": (("Autre", 70), ("Non binaire", 30)),
        "prefer_not": (("Je préfère ne pas répondre", 1),),
    },
    "ar": {
        "female": (("أنثى", 85), ("انثى", 10), ("Female", 5)),
        "male": (("ذكر", 92), ("Male", 8)),
        "other": (("آخر", 1),),
        "prefer_not": (("أفضل عدم القول", 1),),
    },
}  # fmt: skip

# Test-account patterns the workflow is configured with (used here only to assert that
# no learner account accidentally matches them, and that every test account does).
TEST_USERNAME_PATTERNS = ("^test[._-]?", "^demo[._-]", "^guest$")
TEST_EMAIL_PATTERNS = (r"@example\.(org|com)$", r"@test\.invalid$")

# certificate criteria (UNITAR awarding rules of this course)
COMPLETION_MIN_TOTAL = 60.0
PARTICIPATION_MIN_TOTAL = 30.0
MODULE_MAX = 20
QUESTIONS_PER_QUIZ = 12  # a quiz of 12 questions scaled to 20 points: steps of 5/3

# Preferred-language codes Moodle writes (language pack code, lower case)
LANG_CODES = ("en", "es", "fr", "ar", "pt")
