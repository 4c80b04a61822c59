"""The survey design: questions and option lists with labels in en / es / fr / ar.

Written as XLSForms by xlsform.py (raw/survey/followup-2020-xlsform.xlsx, the Kobo form,
and raw/survey/evaluation-xlsform.xlsx, the feedback activity's questions); the feedback
downloads use the labels as column headers and answers in the edition language, the Kobo
export uses the question and choice names. The `id` and `datetime` rows are the tools'
own (Moodle's response number, Kobo's metadata): they are not questions of the forms.
"""

from __future__ import annotations

LANGS = ("en", "es", "fr", "ar")

# (instrument, code, type, list_name, required, min, max, {lang: label})
QUESTIONS = (
    ("evaluation", "response_id", "id", "", "yes", "", "",
     ("Response number", "Número de respuesta", "Numéro de réponse", "رقم الاستجابة")),
    ("evaluation", "submitted", "datetime", "", "yes", "", "",
     ("Submitted on", "Enviado el", "Envoyé le", "تاريخ الإرسال")),
    ("evaluation", "usefulness", "single", "usefulness", "no", "", "",
     ("How useful was the course for you?", "¿Qué tan útil le resultó el curso?",
      "Dans quelle mesure le cours vous a-t-il été utile ?", "ما مدى فائدة الدورة بالنسبة لك؟")),
    ("evaluation", "relevance", "single", "relevance", "no", "", "",
     ("How relevant is the course content to your job?",
      "¿Qué tan pertinente es el contenido del curso para su trabajo?",
      "Dans quelle mesure le contenu du cours est-il pertinent pour votre travail ?",
      "ما مدى ارتباط محتوى الدورة بعملك؟")),
    ("evaluation", "intention_to_use", "single", "yes_no", "no", "", "",
     ("Do you intend to use the knowledge acquired in this course in your job?",
      "¿Tiene la intención de utilizar en su trabajo los conocimientos adquiridos en este curso?",
      "Avez-vous l'intention d'utiliser dans votre travail les connaissances acquises dans ce "
      "cours ?",
      "هل تنوي استخدام المعارف التي اكتسبتها في هذه الدورة في عملك؟")),
    ("evaluation", "comments", "text", "", "no", "", "",
     ("Comments and suggestions", "Comentarios y sugerencias", "Commentaires et suggestions",
      "تعليقات واقتراحات")),
    ("followup", "response_id", "id", "", "yes", "", "",
     ("Response ID", "ID de respuesta", "ID de réponse", "معرّف الاستجابة")),
    ("followup", "submitted", "datetime", "", "yes", "", "",
     ("Submitted at", "Fecha de envío", "Date d'envoi", "وقت الإرسال")),
    ("followup", "edition", "single", "edition", "no", "", "",
     ("Which edition of the course did you attend?", "¿En qué edición del curso participó?",
      "À quelle édition du cours avez-vous participé ?", "في أي نسخة من الدورة شاركت؟")),
    ("followup", "email", "email", "", "no", "", "",
     ("E-mail address you used to register for the course (optional)",
      "Correo electrónico con el que se inscribió en el curso (opcional)",
      "Adresse électronique utilisée pour l'inscription au cours (facultatif)",
      "البريد الإلكتروني الذي استخدمته للتسجيل في الدورة (اختياري)")),
    ("followup", "country", "text", "", "no", "", "",
     ("Country where you live and work", "País donde vive y trabaja",
      "Pays où vous vivez et travaillez", "البلد الذي تعيش وتعمل فيه")),
    ("followup", "relationship", "single", "relationship", "no", "", "",
     ("Which best describes your relationship to the course topic?",
      "¿Qué describe mejor su relación con el tema del curso?",
      "Qu'est-ce qui décrit le mieux votre lien avec le thème du cours ?",
      "ما الذي يصف علاقتك بموضوع الدورة على أفضل وجه؟")),
    ("followup", "career_stage", "single", "career_stage", "no", "", "",
     ("What is your career stage?", "¿En qué etapa de su carrera profesional se encuentra?",
      "À quelle étape de votre carrière vous trouvez-vous ?", "ما هي مرحلتك المهنية؟")),
    ("followup", "sector", "single", "sector", "no", "", "",
     ("In which sector do you work?", "¿En qué sector trabaja?",
      "Dans quel secteur travaillez-vous ?", "في أي قطاع تعمل؟")),
    ("followup", "applied", "single", "applied", "no", "", "",
     ("Have you applied the knowledge and skills acquired in the course?",
      "¿Ha aplicado los conocimientos y las habilidades adquiridos en el curso?",
      "Avez-vous appliqué les connaissances et compétences acquises pendant le cours ?",
      "هل طبّقت المعارف والمهارات التي اكتسبتها في الدورة؟")),
    ("followup", "topics_applied", "multi", "topic", "no", "", "",
     ("Which course topics have you applied? (select all that apply)",
      "¿Qué temas del curso ha aplicado? (seleccione todos los que correspondan)",
      "Quels thèmes du cours avez-vous appliqués ? (plusieurs choix possibles)",
      "ما موضوعات الدورة التي طبّقتها؟ (اختر كل ما ينطبق)")),
    ("followup", "importance", "single", "importance", "no", "", "",
     ("How important has the course been for your job or academic success?",
      "¿Qué importancia ha tenido el curso para su éxito laboral o académico?",
      "Quelle importance le cours a-t-il eue pour votre réussite professionnelle ou "
      "universitaire ?",
      "ما مدى أهمية الدورة لنجاحك المهني أو الأكاديمي؟")),
    ("followup", "attribution", "number", "", "no", "0", "100",
     ("What share (0-100 %) of the change in how you work do you attribute to the course?",
      "¿Qué porcentaje (0-100 %) del cambio en su forma de trabajar atribuye al curso?",
      "Quelle part (0-100 %) du changement dans votre façon de travailler attribuez-vous au "
      "cours ?",
      "ما النسبة (0-100٪) من التغيير في طريقة عملك التي تعزوها إلى الدورة؟")),
    ("followup", "example", "text", "", "no", "", "",
     ("Please give an example of how you applied what you learned",
      "Dé un ejemplo de cómo aplicó lo aprendido",
      "Donnez un exemple de la manière dont vous avez appliqué ce que vous avez appris",
      "يرجى ذكر مثال على كيفية تطبيقك لما تعلّمته")),
    ("followup", "consent_quote", "single", "yes_no", "no", "", "",
     ("May we quote your example (anonymously, with your role and country)?",
      "¿Podemos citar su ejemplo (de forma anónima, con su función y país)?",
      "Pouvons-nous citer votre exemple (anonymement, avec votre fonction et votre pays) ?",
      "هل تسمح لنا باقتباس مثالك (دون ذكر اسمك، مع ذكر وظيفتك وبلدك)؟")),
    ("followup", "challenges", "multi", "challenge", "no", "", "",
     ("What challenges have you faced in applying what you learned? (select all that apply)",
      "¿Qué dificultades ha encontrado para aplicar lo aprendido? (seleccione todas las que "
      "correspondan)",
      "Quelles difficultés avez-vous rencontrées pour appliquer ce que vous avez appris ? "
      "(plusieurs choix possibles)",
      "ما التحديات التي واجهتها في تطبيق ما تعلّمته؟ (اختر كل ما ينطبق)")),
    ("followup", "recommendations", "multi", "recommendation", "no", "", "",
     ("What would you recommend for future editions? (select all that apply)",
      "¿Qué recomendaría para futuras ediciones? (seleccione todas las que correspondan)",
      "Que recommanderiez-vous pour les prochaines éditions ? (plusieurs choix possibles)",
      "ما الذي توصي به للنسخ القادمة؟ (اختر كل ما ينطبق)")),
    ("followup", "followup_topics", "multi", "followup_topic", "no", "", "",
     ("Which topics would you like a follow-up course to cover? (select all that apply)",
      "¿Qué temas le gustaría que abordara un curso de seguimiento? (seleccione todos los que "
      "correspondan)",
      "Quels thèmes aimeriez-vous voir traités dans un cours de suivi ? (plusieurs choix "
      "possibles)",
      "ما الموضوعات التي تودّ أن تتناولها دورة متابعة؟ (اختر كل ما ينطبق)")),
)  # fmt: skip

_OTHER = ("Other", "Otro", "Autre", "أخرى")

# list_name -> ((code, (en, es, fr, ar), role_en), ...)
OPTIONS = {
    "usefulness": (
        ("very", ("Very useful", "Muy útil", "Très utile", "مفيدة جدًا"), ""),
        ("mostly", ("Mostly useful", "Bastante útil", "Plutôt utile", "مفيدة إلى حد كبير"), ""),
        ("somewhat", ("Somewhat useful", "Algo útil", "Moyennement utile", "مفيدة إلى حد ما"), ""),
        ("not", ("Not useful", "Nada útil", "Pas utile", "غير مفيدة"), ""),
    ),
    "relevance": (
        ("very", ("Very relevant", "Muy pertinente", "Très pertinent", "وثيق الصلة جدًا"), ""),
        ("mostly", ("Mostly relevant", "Bastante pertinente", "Plutôt pertinent",
                    "وثيق الصلة إلى حد كبير"), ""),
        ("somewhat", ("Somewhat relevant", "Algo pertinente", "Moyennement pertinent",
                      "وثيق الصلة إلى حد ما"), ""),
        ("not", ("Not relevant", "Nada pertinente", "Pas pertinent", "غير ذي صلة"), ""),
    ),
    "yes_no": (
        ("yes", ("Yes", "Sí", "Oui", "نعم"), ""),
        ("no", ("No", "No", "Non", "لا"), ""),
    ),
    "edition": (
        ("2020-EN1", ("English edition 1 (March 2020)", "Edición en inglés 1 (marzo de 2020)",
                      "Édition anglaise 1 (mars 2020)", "النسخة الإنجليزية 1 (مارس 2020)"), ""),
        ("2020-EN2", ("English edition 2 (June 2020)", "Edición en inglés 2 (junio de 2020)",
                      "Édition anglaise 2 (juin 2020)", "النسخة الإنجليزية 2 (يونيو 2020)"), ""),
        ("2020-ES1", ("Spanish edition (July 2020)", "Edición en español (julio de 2020)",
                      "Édition espagnole (juillet 2020)", "النسخة الإسبانية (يوليو 2020)"), ""),
        ("2020-EN3", ("English edition 3 (October 2020)",
                      "Edición en inglés 3 (octubre de 2020)",
                      "Édition anglaise 3 (octobre 2020)",
                      "النسخة الإنجليزية 3 (أكتوبر 2020)"), ""),
    ),
    "relationship": (
        ("professional", ("I work on entrepreneurship and/or migrant and refugee issues",
                          "Trabajo en temas de emprendimiento y/o de personas migrantes y "
                          "refugiadas",
                          "Je travaille sur l'entrepreneuriat et/ou les questions de migrants "
                          "et de réfugiés",
                          "أعمل في مجال ريادة الأعمال و/أو قضايا المهاجرين واللاجئين"), ""),
        ("interested", ("I am interested in migration and/or entrepreneurship",
                        "Me interesan la migración y/o el emprendimiento",
                        "Je m'intéresse à la migration et/ou à l'entrepreneuriat",
                        "أهتم بالهجرة و/أو ريادة الأعمال"), ""),
        ("researcher", ("I am an academic or researcher", "Soy académico/a o investigador/a",
                        "Je suis universitaire ou chercheur/chercheuse", "أنا أكاديمي أو باحث"),
         ""),
        ("migrant_entrepreneur", ("I am a migrant or refugee entrepreneur, or interested in "
                                  "entrepreneurship",
                                  "Soy una persona emprendedora migrante o refugiada, o me "
                                  "interesa emprender",
                                  "Je suis un entrepreneur migrant ou réfugié, ou je "
                                  "m'intéresse à l'entrepreneuriat",
                                  "أنا رائد أعمال مهاجر أو لاجئ، أو مهتم بريادة الأعمال"), ""),
        ("other", _OTHER, ""),
    ),
    "career_stage": (
        ("student", ("Student", "Estudiante", "Étudiant(e)", "طالب"), ""),
        ("young_professional", ("Young professional (less than 5 years of experience)",
                                "Joven profesional (menos de 5 años de experiencia)",
                                "Jeune professionnel(le) (moins de 5 ans d'expérience)",
                                "مهني شاب (أقل من 5 سنوات من الخبرة)"), ""),
        ("mid_career", ("Mid-career professional (5 to 15 years)",
                        "Profesional a mitad de carrera (de 5 a 15 años)",
                        "Professionnel(le) en milieu de carrière (5 à 15 ans)",
                        "مهني في منتصف المسار (من 5 إلى 15 سنة)"), ""),
        ("senior", ("Senior professional (more than 15 years)",
                    "Profesional sénior (más de 15 años)",
                    "Professionnel(le) confirmé(e) (plus de 15 ans)",
                    "مهني ذو خبرة طويلة (أكثر من 15 سنة)"), ""),
        ("other", _OTHER, ""),
    ),
    "sector": (
        ("government", ("Government", "Gobierno", "Administration publique", "القطاع الحكومي"),
         "Government officer"),
        ("international_organization", ("International organization",
                                        "Organización internacional",
                                        "Organisation internationale", "منظمة دولية"),
         "Officer in an international organization"),
        ("ngo", ("Non-governmental organization (NGO)", "Organización no gubernamental (ONG)",
                 "Organisation non gouvernementale (ONG)", "منظمة غير حكومية"), "NGO officer"),
        ("academia", ("Academia or research", "Academia o investigación",
                      "Université ou recherche", "الأوساط الأكاديمية أو البحثية"),
         "Researcher or lecturer"),
        ("independent_consultant", ("Independent consultant", "Consultor/a independiente",
                                    "Consultant(e) indépendant(e)", "مستشار مستقل"),
         "Independent consultant"),
        ("entrepreneur", ("Own business (entrepreneur)", "Empresa propia (emprendedor/a)",
                          "Entreprise personnelle (entrepreneur)", "مشروع خاص (رائد أعمال)"),
         "Entrepreneur"),
        ("corporate", ("Private company (corporate sector)",
                       "Empresa privada (sector corporativo)",
                       "Entreprise privée (secteur des entreprises)",
                       "شركة خاصة (قطاع الشركات)"), "Private-sector employee"),
        ("other", _OTHER, "Professional"),
    ),
    "applied": (
        ("yes", ("Yes", "Sí", "Oui", "نعم"), ""),
        ("no", ("No", "No", "Non", "لا"), ""),
        ("no_opportunity", ("Not yet, I have not had the opportunity",
                            "Todavía no, no he tenido la oportunidad",
                            "Pas encore, je n'en ai pas eu l'occasion",
                            "ليس بعد، لم تتح لي الفرصة"), ""),
    ),
    "topic": (
        ("contributions", ("Contributions of migrants and refugees to host countries and "
                           "countries of origin",
                           "Contribuciones de las personas migrantes y refugiadas a los "
                           "países de acogida y de origen",
                           "Contributions des migrants et des réfugiés aux pays d'accueil et "
                           "d'origine",
                           "مساهمات المهاجرين واللاجئين في البلدان المضيفة وبلدان المنشأ"), ""),
        ("barriers", ("Barriers and challenges of migrant and refugee entrepreneurship",
                      "Barreras y desafíos del emprendimiento de personas migrantes y "
                      "refugiadas",
                      "Obstacles et défis de l'entrepreneuriat des migrants et des réfugiés",
                      "عوائق ريادة الأعمال لدى المهاجرين واللاجئين وتحدياتها"), ""),
        ("finance", ("Improving access to finance", "Mejorar el acceso a la financiación",
                     "Améliorer l'accès au financement", "تحسين الوصول إلى التمويل"), ""),
        ("strategies", ("Strategies on migrant and refugee entrepreneurship",
                        "Estrategias de emprendimiento de personas migrantes y refugiadas",
                        "Stratégies en matière d'entrepreneuriat des migrants et des réfugiés",
                        "استراتيجيات ريادة الأعمال لدى المهاجرين واللاجئين"), ""),
        ("legal", ("Legal and regulatory framework", "Marco jurídico y normativo",
                   "Cadre juridique et réglementaire", "الإطار القانوني والتنظيمي"), ""),
    ),
    "importance": (
        ("very_important", ("Very important", "Muy importante", "Très important",
                            "مهمة جدًا"), ""),
        ("important", ("Important", "Importante", "Important", "مهمة"), ""),
        ("moderately_important", ("Moderately important", "Moderadamente importante",
                                  "Moyennement important", "مهمة إلى حد ما"), ""),
        ("slightly_important", ("Slightly important", "Poco importante", "Peu important",
                                "قليلة الأهمية"), ""),
        ("not_important", ("Not important", "Nada importante", "Pas important", "غير مهمة"), ""),
    ),
    "challenge": (
        ("funding", ("Lack of funding, or difficult access to funds",
                     "Falta de financiación o difícil acceso a fondos",
                     "Manque de financement ou accès difficile aux fonds",
                     "نقص التمويل أو صعوبة الحصول عليه"), ""),
        ("hierarchy", ("Structural hierarchies in my workplace",
                       "Jerarquías estructurales en mi lugar de trabajo",
                       "Hiérarchies structurelles sur mon lieu de travail",
                       "التسلسل الهرمي في مكان عملي"), ""),
        ("time", ("Lack of time", "Falta de tiempo", "Manque de temps", "ضيق الوقت"), ""),
        ("no_opportunity", ("No opportunity to apply what I learned",
                            "No he tenido oportunidad de aplicar lo aprendido",
                            "Pas d'occasion d'appliquer ce que j'ai appris",
                            "لم تتح لي فرصة تطبيق ما تعلّمته"), ""),
        ("other", _OTHER, ""),
    ),
    "recommendation": (
        ("promote_government", ("Promote the course in government institutions",
                                "Promover el curso en las instituciones públicas",
                                "Promouvoir le cours auprès des institutions publiques",
                                "الترويج للدورة في المؤسسات الحكومية"), ""),
        ("practitioner_experiences", ("Include more experiences from practitioners (NGOs, "
                                      "independent consultants)",
                                      "Incluir más experiencias de profesionales en la "
                                      "práctica (ONG, consultores independientes)",
                                      "Inclure davantage d'expériences de praticiens (ONG, "
                                      "consultants indépendants)",
                                      "إدراج مزيد من تجارب الممارسين (المنظمات غير الحكومية، "
                                      "الاستشاريون المستقلون)"), ""),
        ("recorded_videos", ("Recorded videos from experts",
                             "Videos grabados de personas expertas",
                             "Vidéos enregistrées d'experts", "مقاطع فيديو مسجلة للخبراء"), ""),
        ("live_session", ("At least one live or interactive session at the end of the course",
                          "Al menos una sesión en vivo o interactiva al final del curso",
                          "Au moins une session en direct ou interactive à la fin du cours",
                          "جلسة مباشرة أو تفاعلية واحدة على الأقل في نهاية الدورة"), ""),
        ("other", _OTHER, ""),
    ),
    "followup_topic": (
        ("climate_migration", ("Climate change and migration", "Cambio climático y migración",
                               "Changement climatique et migration", "تغير المناخ والهجرة"),
         ""),
        ("managerial_skills", ("Managerial skills for migrant entrepreneurs",
                               "Habilidades de gestión para personas emprendedoras migrantes",
                               "Compétences managériales pour les entrepreneurs migrants",
                               "المهارات الإدارية لرواد الأعمال المهاجرين"), ""),
        ("business_plan_sustainability", ("Sustainability of business plans",
                                          "Sostenibilidad de los planes de negocio",
                                          "Viabilité des plans d'affaires",
                                          "استدامة خطط الأعمال"), ""),
        ("local_experiences", ("Local experiences and good practices",
                               "Experiencias locales y buenas prácticas",
                               "Expériences locales et bonnes pratiques",
                               "التجارب المحلية والممارسات الجيدة"), ""),
        ("other", _OTHER, ""),
    ),
}  # fmt: skip


def label(list_name: str, code: str, lang: str) -> str:
    for c, labels, _ in OPTIONS[list_name]:
        if c == code:
            return labels[LANGS.index(lang)]
    raise KeyError((list_name, code))


def question_label(instrument: str, code: str, lang: str) -> str:
    for q in QUESTIONS:
        if q[0] == instrument and q[1] == code:
            return q[7][LANGS.index(lang)]
    raise KeyError((instrument, code))


def question_codes(instrument: str) -> list[str]:
    return [q[1] for q in QUESTIONS if q[0] == instrument]
