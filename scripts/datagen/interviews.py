"""Case-study interview notes: the structured facts of the three published stories.

Published with the interviewees' consent; facts restated in the evaluator's own words.
"""

from __future__ import annotations

INTERVIEWS = (
    {
        "slug": "william-ramirez",
        "name": "William Ramírez",
        "consent_to_publish": True,
        "role": "Project manager",
        "organisation": "Local humanitarian NGO",
        "city": "San José",
        "country": "CRI",
        "origin_country": "NIC",
        "headline": "Building entrepreneurship and management skills among migrants",
        "years_in_host_country": 3,
        "edition_language": "es",
        "background": [
            "Business owner from Nicaragua, settled in Costa Rica",
            "Highly skilled professional who moved from business to social work",
            "Works for a humanitarian NGO that helps Nicaraguan migrants and asylum seekers "
            "draft project proposals and business plans",
            "The NGO can add seed funding and mental-health support to business coaching",
            "Sits in a multi-actor working group on capacity building for Nicaraguan migrants",
        ],
        "what_changed": [
            "Gained a formal grounding (international legal framework on migrant and refugee "
            "entrepreneurship) for work he was already doing by intuition",
            "Improved his own business practices",
            "Moved from building entrepreneurship skills towards informing public policy",
            "Took part in the working group thanks to the course's policy focus",
            "Moved technical assistance online during COVID-19 and set up "
            "\"technology classrooms\" for beneficiaries in border and rural areas",
        ],
        "figures": {
            "projects_coordinated": 3,
            "business_plans_supported": 50,
            "business_plans_matured": 10,
            "unhcr_support_months": 3,
        },
        "module_most_useful": None,
        "wishes": [
            "Study the topic further in a formal programme",
            "Learn more about the NGO approach to migration, not covered by the course",
            "More awareness of international frameworks among public officers",
        ],
    },
    {
        "slug": "chayan-chakraborty",
        "name": "Chayan Chakraborty",
        "consent_to_publish": True,
        "role": "Faculty member and PhD scholar",
        "organisation": "Sarsuna Law College",
        "city": "Kolkata",
        "country": "IND",
        "origin_country": None,
        "headline": "Bringing migration issues into law teaching",
        "years_in_host_country": None,
        "edition_language": "en",
        "background": [
            "Teaches international law and jurisprudence at a law college",
            "Doctoral research at WBNUJS on climate change and displacement in India, from a "
            "legal and national-policy angle",
        ],
        "what_changed": [
            "Added a session on the climate change and human migration nexus to his "
            "international law course, scheduled for the academic year starting September 2021",
            "Encouraged his students to take the course; several enrolled",
            "Redefined climate migrants and climate refugees in his research",
            "Analyses Indian migration policy with more confidence and structure",
        ],
        "figures": {
            "new_course_sessions_planned": 1,
            "session_planned_year": 2021,
        },
        "module_most_useful": None,
        "wishes": [
            "Follow-up courses on climate migration",
        ],
    },
    {
        "slug": "eleutherius-michaelides",
        "name": "Eleutherius Michaelides",
        "consent_to_publish": True,
        "role": "Entrepreneur, owner of a start-up",
        "organisation": "Own companies (apparel manufacturing, audiovisual production)",
        "city": "Madrid",
        "country": "ESP",
        "origin_country": None,
        "headline": "Consolidating a family business in a new country",
        "years_in_host_country": 3,
        "edition_language": "es",
        "background": [
            "Runs two companies grown out of family businesses in textiles and audiovisual "
            "production, started by his grandparents in the 1950s",
            "Took part in other programmes, including Erasmus for Young Entrepreneurs",
            "Enrolled to find his way into the Spanish business ecosystem",
        ],
        "what_changed": [
            "Took the steps needed to consolidate and modernise the family business in Spain",
            "His enterprise is now run within a Madrid social cooperative, aligned with the "
            "SDGs and focused on sustainable garment manufacturing",
            "Learned which financial instruments he could use; through the cooperative, which "
            "acts as guarantor, he can reach financial services without a long employment record",
            "Shared course content informally with women in the cooperative and encouraged "
            "them to enrol",
        ],
        "figures": {
            "companies_owned": 2,
            "family_business_since": 1950,
        },
        "module_most_useful": 3,
        "wishes": [
            "Management from an entrepreneurship perspective, such as SWOT analysis",
            "Legal support for entrepreneurs",
        ],
    },
)
