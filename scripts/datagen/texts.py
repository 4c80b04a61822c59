"""Free-text answers (survey examples, evaluation comments) per language.

Ordinary answers plus the awkward ones every real export has: commas, double quotes,
line breaks inside a cell, HTML, and cells a spreadsheet would run as a formula.
"""

from __future__ import annotations

EXAMPLES = {
    "en": (
        "I used the module on barriers to redesign our intake interviews with refugee "
        "entrepreneurs.",
        "We added a session on access to finance to our livelihoods training.",
        "Shared the course materials with colleagues in the municipal employment office.",
        "I drafted a policy brief on business registration for migrants, based on module 5.",
        "Our NGO now maps the legal requirements before supporting a business plan.",
        "I mentor two refugee-led start-ups, using the strategies from module 4.",
        "Used the contributions data in a presentation to local authorities.",
        "I included migrant entrepreneurship in my master's thesis.",
        "We built a referral list of microfinance institutions that accept refugees.",
        "Helped a women's cooperative, mostly migrants, to formalise their business.",
        "Advised the ministry, together with IOM, on a one-stop shop for migrant businesses.",
        'Organised a "business clinic" for asylum seekers in our city.',
        "Trained volunteers, teachers and social workers on the legal framework.\n"
        "Next year we want to do the same in two more regions.",
        "I use the course's case studies in my lectures on international law.",
    ),
    "es": (
        "Apliqué el módulo de barreras para mejorar la atención a emprendedores venezolanos.",
        "Incorporamos un taller de acceso a financiamiento en nuestro programa de medios de "
        "vida.",
        "Compartí los materiales del curso con mis colegas del municipio.",
        "Elaboré una propuesta de ordenanza para facilitar el registro de negocios de "
        "personas migrantes.",
        "En la ONG revisamos el marco legal antes de acompañar cada plan de negocio.",
        "Acompaño a tres emprendimientos de mujeres refugiadas con las estrategias del "
        "módulo 4.",
        "Utilicé los datos sobre contribuciones de los migrantes en un informe para el "
        "gobierno local.",
        "Incluí el emprendimiento migrante en mi tesis de maestría.",
        'Creamos una "ventanilla única" para orientar a personas refugiadas que quieren '
        "emprender.",
        "Capacitamos a funcionarios, docentes y voluntarios sobre el marco normativo.\n"
        "El próximo año lo replicaremos en otras provincias.",
        "Asesoré a una cooperativa de ahorro y crédito, que ahora atiende a migrantes.",
    ),
}

# answers with characters that are dangerous in HTML or spreadsheets (each must appear)
DANGEROUS = (
    "<script>alert(1)</script>",
    "I now use <b>bold</b> ideas from module 2, in every training.",
    '=HYPERLINK("http://x","y")',
    "+ better planning, more partners",
    "-5 years of work in the field, and the course still taught me something",
    "@team: we applied the legal module in our casework",
)

COMMENTS = {
    "en": (
        "Very well structured, thank you!",
        "The module on finance was a bit short.",
        "Please add more case studies from Africa, Asia and Latin America.",
        'The "legal framework" module was the most useful for me.',
        "Great course, but the quizzes had some ambiguous questions.\nThanks to the team.",
        "I would like a live session with the experts at the end.",
        "Excellent content; I will recommend it to my colleagues.",
        "Videos did not load well on my connection, maybe offer downloadable PDFs?",
    ),
    "es": (
        "Muy bien estructurado, ¡gracias!",
        "El módulo de financiamiento fue un poco corto.",
        "Sería bueno incluir más casos de América Latina, especialmente de Centroamérica.",
        'El módulo sobre "marco jurídico" fue el más útil para mí.',
        "Excelente curso, pero algunas preguntas del cuestionario eran ambiguas.\nGracias.",
        "Me gustaría una sesión en vivo con los expertos al final.",
        "Lo recomendaré a mis colegas; contenido muy completo.",
    ),
    "fr": (
        "Très bien structuré, merci !",
        "Le module sur le financement était un peu court.",
        "Ajoutez des études de cas d'Afrique de l'Ouest, s'il vous plaît.",
        "Le module « cadre juridique » m'a été le plus utile.",
        "Excellent cours ; quelques questions du test étaient ambiguës.\nMerci à l'équipe.",
        "J'aimerais une session en direct avec les experts à la fin.",
    ),
    "ar": (
        "دورة منظمة جدًا، شكرًا لكم!",
        "كانت وحدة التمويل قصيرة بعض الشيء.",
        "أرجو إضافة دراسات حالة من المنطقة العربية، مثل الأردن ولبنان.",
        "كانت وحدة \"الإطار القانوني\" الأكثر فائدة لي.",
        "دورة ممتازة، لكن بعض أسئلة الاختبار كانت غامضة.\nشكرًا للفريق.",
        "أتمنى جلسة مباشرة مع الخبراء في نهاية الدورة.",
    ),
}
