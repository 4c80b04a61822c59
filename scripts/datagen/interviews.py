"""Case-study interview notes: the three published stories, as the evaluator writes them up.

Published with the interviewees' consent. The narrative is the evaluator's own text (not
the published story's sentences); every figure in it is data under `figures` (or
`years_in_host_country`, `module_most_useful`) and is written into the text by the report
through a placeholder such as ``{unhcr_support_months}`` ("three months"). Quotes are the
interviewee's words, each with its language and the interviewee's consent to be quoted;
only Chayan Chakraborty's published story quotes him, so the other two notes hold none.
The keys are documented in raw/README.md (section 5).
"""

from __future__ import annotations

INTERVIEWS = (
    {
        "slug": "william-ramirez",
        "name": "William Ramírez",
        "short_name": "William",
        "consent_to_publish": True,
        "role": "Project manager at a local humanitarian NGO",
        "city": "San José",
        "country": "CRI",
        "origin_country": "NIC",
        "headline": "Building entrepreneurship and management skills among migrants",
        "edition_language": "es",
        "years_in_host_country": 3,
        "module_most_useful": None,
        "figures": {
            "unhcr_support_months": {"value": 3, "unit": "month"},
            "projects_coordinated": {"value": 3, "unit": "entrepreneurship project"},
            "business_plans_supported": {"value": 50, "unit": "business plan"},
            "business_plans_matured": {"value": 10, "unit": "business plan"},
        },
        "narrative": [
            "William ran a business in Nicaragua before settling in Costa Rica "
            "{years_in_host_country} ago. He saw how hard it was for newly arrived asylum-"
            "seekers to find their feet: after {unhcr_support_months} of UNHCR support, many "
            "still could not reach banks or credit. He chose to put his business experience "
            "to work for them and moved into social work. He now works for a humanitarian NGO "
            "that coaches Nicaraguan migrants and asylum-seekers as they draw up project "
            "proposals and business plans, and that can add seed funding and mental-health "
            "support. His aim is for host societies to see asylum-seekers as people with skills "
            "and economic potential rather than as victims.",
            "He used the course, among other resources, to equip himself for this change of "
            "career. It gave him "
            "a formal basis, above all the international legal framework for migrant and "
            "refugee entrepreneurship, for work he had been doing by instinct, and it improved "
            "his own business practice. Its attention to policy widened his aims: besides "
            "building entrepreneurial skills, he now seeks to inform public decisions, and it "
            "was this policy focus that brought him into a multi-actor working group on "
            "capacity-building for Nicaraguan migrants.",
            "He has coordinated {projects_coordinated} and supported some "
            "{business_plans_supported}. The COVID-19 pandemic slowed them down, and "
            "{business_plans_matured:number} have matured so far. The pandemic also moved the NGO’s "
            "technical assistance online, a hard shift for beneficiaries in border and rural "
            "areas with poor connections; the answer was [aulas tecnológicas]{lang=es}, "
            "“technology classrooms” equipped with computers where training could go on.",
            "William would like to study the subject formally, including the NGO approach to "
            "migration that the course did not cover. In his view, many public officers know "
            "too little about the international frameworks, and this holds back efforts to "
            "improve conditions for migrants at the national level.",
        ],
        "quotes": [],
    },
    {
        "slug": "chayan-chakraborty",
        "name": "Chayan Chakraborty",
        "short_name": "Chayan",
        "consent_to_publish": True,
        "role": "Faculty member at Sarsuna Law College and PhD scholar",
        "city": "Kolkata",
        "country": "IND",
        "origin_country": None,
        "headline": "Bringing migration issues into law teaching",
        "edition_language": "en",
        "years_in_host_country": None,
        "module_most_useful": None,
        "figures": {
            "new_course_sessions_planned": {"value": 1, "unit": "new session"},
            "session_planned_year": {"value": 2021, "unit": "calendar year"},
        },
        "narrative": [
            "Chayan teaches international law and jurisprudence at Sarsuna Law College. For "
            "his doctorate at the West Bengal National University of Juridical Sciences he "
            "studies climate change and displacement in India, from the angle of law and "
            "national policy. The course gave him a way to bring his two fields together in the "
            "classroom.",
            "His international law lectures already drew on international environmental law. "
            "After the course he added {new_course_sessions_planned} on the links between "
            "climate change and human migration, planned for the academic year that begins in "
            "September {session_planned_year}. He also urged his students to take the course, "
            "and several have done so; he means to ask them during the year whether they want "
            "to take their work on migration further.",
            "The course opened parts of the migration field he had not studied before. He has "
            "since redefined climate migrants and climate refugees in his research, and he now "
            "analyses India’s migration policies with more confidence, which has also given "
            "his thesis a clearer structure. He valued the course’s design and layout, which "
            "kept him going to the end, and would welcome follow-up courses on climate "
            "migration.",
        ],
        "quotes": [
            {
                "text": "The legal framework for refugees is not only about protection but also "
                "secure livelihood strategies.",
                "language": "en",
                "consent": True,
            },
        ],
    },
    {
        "slug": "eleutherius-michaelides",
        "name": "Eleutherius Michaelides",
        "short_name": "Eleutherius",
        "consent_to_publish": True,
        "role": "Entrepreneur and start-up owner",
        "city": "Madrid",
        "country": "ESP",
        "origin_country": None,
        "headline": "Consolidating a family business in a new country",
        "edition_language": "es",
        "years_in_host_country": 3,
        "module_most_useful": 3,
        "figures": {
            "companies_owned": {"value": 2, "unit": "company"},
            "family_business_since": {"value": 1950, "unit": "decade"},
        },
        "narrative": [
            "Eleutherius works in apparel manufacturing and in audiovisual production (film, "
            "music and photography). His {companies_owned} grew out of family businesses in "
            "textiles and audiovisual work that his grandparents started in the "
            "{family_business_since}. He sees the wish to continue the family’s work and provide "
            "for it as a prime motive for immigrants who start businesses.",
            "He moved to Spain {years_in_host_country} ago and enrolled as one step towards "
            "finding his place in the Spanish business ecosystem, alongside other programmes "
            "such as Erasmus for Young Entrepreneurs. Experienced as he was, he credits the "
            "course with helping him take the steps needed to consolidate his business in a "
            "new country, rebuilding and modernizing the family firm for today’s global market.",
            "His enterprise now operates within a social cooperative in Madrid that is aligned "
            "with the Sustainable Development Goals and specializes in sustainable garment "
            "manufacturing. The course showed him which financial instruments he could use, "
            "and {module_most_useful} was the part that helped him most, although earlier "
            "financial consulting also played a role. With the cooperative as his guarantor, "
            "he can use financial services despite a short employment record in Spain. He has "
            "shared what he learnt, informally, with women in the cooperative and encouraged "
            "them to enrol in a future edition.",
            "Next, he would like to learn about management from an entrepreneur’s point of "
            "view, such as SWOT analysis, and about legal support for entrepreneurs.",
        ],
        "quotes": [],
    },
)
