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
    Edition("2020-EN1", 2020, "en", "en_us", "2020-03-16", "March 2020"),
    Edition("2020-EN2", 2020, "en", "en_us", "2020-06-01", "June 2020"),
    Edition("2020-ES1", 2020, "es", "es", "2020-07-06", "July 2020"),
    Edition("2020-EN3", 2020, "en", "en_us", "2020-10-05", "October 2020"),
    Edition("2021-EN4", 2021, "en", "en_us", "2021-02-01", "February 2021"),
    Edition("2021-EN5", 2021, "en", "en_us", "2021-09-06", "September 2021"),
    Edition("2021-ES2", 2021, "es", "es", "2021-03-01", "March 2021"),
    Edition("2021-ES3", 2021, "es", "es", "2021-10-04", "October 2021"),
    Edition("2021-FR1", 2021, "fr", "fr", "2021-04-12", "April 2021"),
    Edition("2021-AR1", 2021, "ar", "ar", "2021-05-03", "May 2021"),
    Edition("2021-AR2", 2021, "ar", "ar", "2021-11-01", "November 2021"),
)
EDITION_BY_ID = {e.id: e for e in EDITIONS}
EDITIONS_2020 = tuple(e.id for e in EDITIONS if e.year == 2020)
EDITIONS_2021 = tuple(e.id for e in EDITIONS if e.year == 2021)

# CSV dialect of each site: (delimiter, write a UTF-8 BOM, strftime date format)
DIALECT = {
    "en_us": (",", False, "%m/%d/%y, %H:%M"),
    "es": (";", True, "%d/%m/%y, %H:%M"),
    "fr": (";", True, "%d/%m/%y, %H:%M"),
    "ar": (",", False, "%d/%m/%y, %H:%M"),
}
MISSING_GRADE = "-"

# canonical column order of each LMS source (= order of the header row)
COLUMNS = {
    "participants": (
        "user_id", "username", "first_name", "last_name", "email", "country",
        "preferred_language", "gender", "occupation", "organisation_type", "role",
        "enrolment_status", "time_enrolled",
    ),
    "completion": ("first_name", "last_name", "email", "course_complete", "completion_date"),
    "grades": (
        "first_name", "last_name", "id_number", "institution", "department", "email",
        "module_1", "module_2", "module_3", "module_4", "module_5", "course_total",
        "last_downloaded",
    ),
    "certificates": ("full_name", "email", "certificate", "issued_on", "code"),
}  # fmt: skip

_PARTICIPANT_HEADERS = {
    "en_us": ("User ID", "Username", "First name", "Last name", "Email address", "Country",
              "Preferred language", "Gender", "Occupation", "Organisation type", "Roles",
              "Status", "Time enrolled"),
    "es": ("ID de usuario", "Nombre de usuario", "Nombre", "Apellido(s)",
           "Dirección de correo", "País", "Idioma preferido", "Género", "Ocupación",
           "Tipo de organización", "Roles", "Estado", "Fecha de matriculación"),
    "fr": ("ID utilisateur", "Nom d'utilisateur", "Prénom", "Nom", "Adresse de courriel",
           "Pays", "Langue préférée", "Genre", "Profession", "Type d'organisation", "Rôles",
           "Statut", "Date d'inscription"),
    "ar": ("رقم المستخدم", "اسم المستخدم", "الاسم الأول", "اسم العائلة", "البريد الإلكتروني",
           "الدولة", "اللغة المفضلة", "الجنس", "المهنة", "نوع المنظمة", "الأدوار", "الحالة",
           "تاريخ التسجيل"),
}  # fmt: skip
_COMPLETION_HEADERS = {
    "en_us": ("First name", "Last name", "Email address", "Course complete", "Completion date"),
    "es": ("Nombre", "Apellido(s)", "Dirección de correo", "Curso completado",
           "Fecha de finalización"),
    "fr": ("Prénom", "Nom", "Adresse de courriel", "Cours terminé", "Date d'achèvement"),
    "ar": ("الاسم الأول", "اسم العائلة", "البريد الإلكتروني", "اكتمال المقرر", "تاريخ الإكمال"),
}  # fmt: skip
_GRADE_HEADERS = {
    "en_us": ("First name", "Last name", "ID number", "Institution", "Department",
              "Email address", *(f"Module {i}: Quiz (Real)" for i in range(1, 6)),
              "Course total (Real)", "Last downloaded from this course"),
    "es": ("Nombre", "Apellido(s)", "Número de ID", "Institución", "Departamento",
           "Dirección de correo", *(f"Módulo {i}: Cuestionario (Real)" for i in range(1, 6)),
           "Total del curso (Real)", "Última descarga de este curso"),
    "fr": ("Prénom", "Nom", "Numéro d'identification", "Institution", "Département",
           "Adresse de courriel", *(f"Module {i} : Test (Réel)" for i in range(1, 6)),
           "Total du cours (Réel)", "Dernier téléchargement depuis ce cours"),
    "ar": ("الاسم الأول", "اسم العائلة", "رقم الهوية", "المؤسسة", "القسم", "البريد الإلكتروني",
           *(f"الوحدة {i}: اختبار (حقيقي)" for i in range(1, 6)), "مجموع المقرر (حقيقي)",
           "آخر تنزيل من هذا المقرر"),
}  # fmt: skip
_CERTIFICATE_HEADERS = {
    "en_us": ("Full name", "Email address", "Certificate", "Date issued", "Code"),
    "es": ("Nombre completo", "Dirección de correo", "Certificado", "Fecha de emisión", "Código"),
    "fr": ("Nom complet", "Adresse de courriel", "Certificat", "Date de délivrance", "Code"),
    "ar": ("الاسم الكامل", "البريد الإلكتروني", "الشهادة", "تاريخ الإصدار", "الرمز"),
}  # fmt: skip

HEADERS = {
    site: {
        "participants": _PARTICIPANT_HEADERS[site],
        "completion": _COMPLETION_HEADERS[site],
        "grades": _GRADE_HEADERS[site],
        "certificates": _CERTIFICATE_HEADERS[site],
    }
    for site in DIALECT
}

# localised values the site writes for each canonical code
LABELS = {
    "en_us": {
        "role": {"student": "Student", "teacher": "Teacher",
                 "non_editing_teacher": "Non-editing teacher", "manager": "Manager"},
        "enrolment_status": {"active": "Active", "suspended": "Suspended",
                             "not_current": "Not current"},
        "course_complete": {True: "Completed", False: "Not completed"},
        "certificate": {"completion": "Certificate of completion",
                        "participation": "Certificate of participation"},
    },
    "es": {
        "role": {"student": "Estudiante", "teacher": "Profesor",
                 "non_editing_teacher": "Profesor sin permiso de edición", "manager": "Gestor"},
        "enrolment_status": {"active": "Activo", "suspended": "Suspendido",
                             "not_current": "No actual"},
        "course_complete": {True: "Completado", False: "No completado"},
        "certificate": {"completion": "Certificado de finalización",
                        "participation": "Certificado de participación"},
    },
    "fr": {
        "role": {"student": "Étudiant", "teacher": "Enseignant",
                 "non_editing_teacher": "Enseignant non éditeur", "manager": "Gestionnaire"},
        "enrolment_status": {"active": "Actif", "suspended": "Suspendu",
                             "not_current": "Pas actuel"},
        "course_complete": {True: "Terminé", False: "Non terminé"},
        "certificate": {"completion": "Certificat de réussite",
                        "participation": "Certificat de participation"},
    },
    "ar": {
        "role": {"student": "طالب", "teacher": "معلم",
                 "non_editing_teacher": "معلم بدون صلاحية التحرير", "manager": "مدير"},
        "enrolment_status": {"active": "نشط", "suspended": "معلق", "not_current": "غير حالي"},
        "course_complete": {True: "مكتمل", False: "غير مكتمل"},
        "certificate": {"completion": "شهادة إتمام", "participation": "شهادة مشاركة"},
    },
}  # fmt: skip

# Gender as written in the custom profile field, per site: (label, weight) per harmonised
# code. Dropdown values of the site language dominate; the rest is legacy free text typed
# before the dropdown existed (other languages, initials, odd case and spaces).
GENDER_WRITTEN = {
    "en_us": {
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
