"""Synthetic people: names plausible for a country, e-mails, usernames, country names.

All names are invented combinations of common given names and surnames; e-mail local
parts carry random digits so that no address is meant to belong to a real person.
"""

from __future__ import annotations

import gettext
import random
import re
import unicodedata
from functools import cache

import pycountry

# ---------------------------------------------------------------- name pools
# region -> (female given names, male given names, surnames); Arabic pools are
# (latin, arabic script) pairs so an Arabic site can show either.
POOLS = {
    "hispanic": (
        "María Ana Lucía Carmen Gabriela Daniela Valeria Sofía Paola Andrea Fernanda Rosa "
        "Ximena Natalia Carolina Verónica Patricia Mónica Adriana Lorena Elena Isabel",
        "José Luis Carlos Juan Jorge Miguel Andrés Diego Fernando Ricardo Javier Pablo "
        "Alejandro Raúl Eduardo Sergio Mauricio Óscar Héctor Santiago Manuel Rodrigo",
        "García Rodríguez López Martínez Hernández González Pérez Sánchez Ramírez Torres "
        "Flores Rivera Gómez Díaz Reyes Morales Cruz Ortiz Castillo Vargas Jiménez Romero "
        "Mendoza Guzmán Chávez Salazar Herrera Aguilar Medina Castro Vega Paredes Zambrano "
        "Cevallos Andrade Quispe Mamani Ibarra Núñez Espinoza Villacís Carrillo Benítez",
    ),
    "anglo": (
        "Emily Sarah Jessica Laura Hannah Rachel Megan Olivia Grace Chloe Anna Kate Lisa",
        "James John Michael David Daniel Thomas Matthew Andrew Ryan Peter Mark Simon Paul",
        "Smith Johnson Brown Taylor Wilson Davies Evans Thomas Walker Wright Robinson "
        "Thompson White Hughes Edwards Green Hall Wood Harris Clarke Martin Cooper",
    ),
    "south_asian": (
        "Priya Ananya Divya Kavya Pooja Neha Sneha Aisha Fatima Nusrat Farhana Ayesha Sana",
        "Rahul Arjun Vikram Rohan Amit Sanjay Rajesh Imran Tanvir Ashraf Bilal Hamza Kiran",
        "Sharma Patel Singh Kumar Gupta Das Chatterjee Banerjee Iyer Nair Reddy Rao Khan "
        "Hossain Rahman Ahmed Chowdhury Qureshi Malik Shrestha Perera Fernando Bhattarai",
    ),
    "east_africa": (
        "Grace Faith Mercy Joy Esther Wanjiru Achieng Amina Halima Aster Tigist Nakato",
        "Joseph Peter Samuel Brian Kevin Dennis Abdi Mohamed Tesfaye Dawit Okello Mugisha",
        "Otieno Mwangi Kamau Odhiambo Wanjala Mutua Njoroge Kiptoo Hassan Abdullahi Tadesse "
        "Bekele Mengistu Nsubuga Kato Mukasa Habimana Niyonzima Banda Phiri Moyo Ncube",
    ),
    "west_africa": (
        "Blessing Chioma Ngozi Adaeze Funmilayo Aminata Fatou Akosua Abena Esi Comfort",
        "Chinedu Emeka Oluwaseun Tunde Kwame Kofi Yaw Mamadou Ibrahim Moussa Abdoulaye",
        "Okafor Adeyemi Okonkwo Balogun Eze Nwosu Mensah Owusu Boateng Asante Diallo "
        "Traoré Coulibaly Keita Konaté Sow Ndiaye Bangura Kamara Sesay Johnson",
    ),
    "francophone": (
        "Marie Sophie Camille Claire Julie Aurélie Mariam Aïcha Fatoumata Clarisse Josiane",
        "Jean Pierre François Olivier Nicolas Luc Serge Patrice Didier Moussa Cheikh Alain",
        "Martin Bernard Dubois Moreau Laurent Lefebvre Mercier Ndiaye Diop Mbaye Fall Kaboré "
        "Ouédraogo Sawadogo Tshibangu Kabila Mbuyi Ilunga Nkurunziza Mugabo Kouassi Yao",
    ),
    "european": (
        "Anna Maria Elena Giulia Laura Katarzyna Ana Eva Sara Ingrid Hanna Sofia Irene",
        "Marco Luca Jan Piotr Lukas Stefan Nikos Dimitris Andreas Tomas Johan Lars Paulo",
        "Rossi Bianchi Müller Schmidt Kowalski Nowak Papadopoulos Silva Santos Costa Jansen "
        "De Vries Andersson Nielsen Novak Horvat Popescu Ionescu Petrov Ivanova Kovács",
    ),
    "east_asian": (
        "Mei Li Yuki Ji-woo Min-ji Thi Linh Siti Nur Maria Ana Kim Hoa",
        "Wei Hiroshi Min-jun Jun Minh Tuan Budi Agus Juan Mark Somchai Kenji Arief",
        "Wang Zhang Chen Tanaka Sato Kim Lee Park Nguyen Tran Le Pham Santos Reyes Cruz "
        "Wijaya Santoso Tan Lim Wong Chua",
    ),
}
ARABIC_POOL = (
    (("Fatima", "فاطمة"), ("Amira", "أميرة"), ("Layla", "ليلى"), ("Nour", "نور"),
     ("Rania", "رانيا"), ("Salma", "سلمى"), ("Hiba", "هبة"), ("Mariam", "مريم"),
     ("Yasmin", "ياسمين"), ("Dina", "دينا"), ("Huda", "هدى"), ("Reem", "ريم")),
    (("Ahmed", "أحمد"), ("Mohamed", "محمد"), ("Omar", "عمر"), ("Khaled", "خالد"),
     ("Youssef", "يوسف"), ("Ali", "علي"), ("Hassan", "حسن"), ("Karim", "كريم"),
     ("Tarek", "طارق"), ("Samir", "سمير"), ("Bilal", "بلال"), ("Ziad", "زياد")),
    (("Haddad", "حداد"), ("Khalil", "خليل"), ("Mansour", "منصور"), ("Nasser", "ناصر"),
     ("Saleh", "صالح"), ("Hamdan", "حمدان"), ("Aziz", "عزيز"), ("Darwish", "درويش"),
     ("Farouk", "فاروق"), ("Ibrahim", "إبراهيم"), ("Jaber", "جابر"), ("Qasim", "قاسم"),
     ("Rashid", "راشد"), ("Suleiman", "سليمان"), ("Yacoub", "يعقوب"), ("Zaki", "زكي"),
     ("Al-Masri", "المصري"), ("Al-Tamimi", "التميمي"), ("Bakr", "بكر"), ("Obeid", "عبيد")),
)  # fmt: skip

REGION_OF = {}
for _region, _codes in {
    "hispanic": "ECU MEX COL PER ESP GTM ARG CHL VEN BOL CRI DOM HND SLV PRY URY PAN NIC CUB "
    "PRI GNQ",
    "anglo": "USA GBR CAN AUS NZL IRL JAM TTO BRB BHS GUY BLZ MLT",
    "south_asian": "IND PAK BGD NPL LKA AFG BTN MDV MUS FJI",
    "east_africa": "KEN UGA ETH TZA RWA SSD SOM ZWE ZMB MWI ZAF BWA NAM LSO MOZ ERI SDN",
    "west_africa": "NGA GHA SLE LBR GMB",
    "francophone": "FRA BEL CHE SEN CIV CMR MLI NER BFA TCD COD COG HTI BEN TGO GIN MDG BDI "
    "GAB CAF LUX MRT DJI",
    "european": "ITA DEU NLD PRT POL GRC SWE NOR DNK FIN AUT UKR RUS ROU BGR SRB HRV ISL "
    "MDA ARM GEO AZE KAZ UZB KGZ ALB BIH MKD CZE SVK HUN EST LVA LTU SVN CYP BRA TUR",
    "east_asian": "CHN JPN KOR THA VNM MMR PHL IDN MYS SGP KHM LAO TLS MNG",
    "arabic": "EGY JOR LBN SYR IRQ YEM PSE SAU ARE QAT KWT OMN BHR MAR TUN DZA LBY IRN ISR",
}.items():
    for _c in _codes.split():
        REGION_OF[_c] = _region

DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "hotmail.com", "yahoo.com", "outlook.com")
LOCAL_DOMAINS = {
    "ECU": ("hotmail.es", "yahoo.es"), "MEX": ("hotmail.com", "prodigy.net.mx"),
    "ESP": ("hotmail.es", "telefonica.net"), "IND": ("rediffmail.com", "yahoo.co.in"),
    "GBR": ("btinternet.com",), "FRA": ("orange.fr", "laposte.net"),
}  # fmt: skip


def ascii_fold(text: str) -> str:
    """'Ramírez-Núñez' -> 'ramireznunez' (for e-mail local parts and usernames)."""
    norm = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z]", "", "".join(c for c in norm if not unicodedata.combining(c)).lower())


def pick_name(rng: random.Random, country: str | None, gender: str, arabic_script: bool):
    """Return (first, last, latin_first, latin_last) for a person of the country."""
    region = REGION_OF.get(country or "", "anglo")
    if region == "arabic":
        fem, mal, sur = ARABIC_POOL
        given = rng.choice(fem if gender == "female" else mal if gender == "male" else fem + mal)
        family = rng.choice(sur)
        if arabic_script:
            return given[1], family[1], given[0], family[0]
        return given[0], family[0], given[0], family[0]
    fem, mal, sur = (p.split() for p in POOLS[region])
    if gender == "female":
        first = rng.choice(fem)
    elif gender == "male":
        first = rng.choice(mal)
    else:
        first = rng.choice(fem + mal)
    last = rng.choice(sur)
    if region == "hispanic" and rng.random() < 0.55:
        last = f"{last} {rng.choice(sur)}"  # two surnames
    return first, last, first, last


def make_email(rng: random.Random, latin_first: str, latin_last: str, country: str | None,
               taken: set[str]) -> str:
    """A unique lower-case address (uniqueness over everything generated)."""
    first, last = ascii_fold(latin_first), ascii_fold(latin_last.split()[0])
    domains = DOMAINS + LOCAL_DOMAINS.get(country or "", ())
    while True:
        style = rng.randrange(4)
        digits = str(rng.randrange(10, 9999))
        local = (f"{first}.{last}{digits}", f"{first[0]}{last}{digits}",
                 f"{first}{last[:3]}{digits}", f"{last}.{first}{digits}")[style]
        email = f"{local}@{rng.choice(domains)}"
        if email not in taken:
            taken.add(email)
            return email


def mess_email(rng: random.Random, email: str, p_case: float, p_space: float) -> str:
    """Mixed case and stray spaces, as typed into the registration form."""
    local, domain = email.split("@")
    if rng.random() < p_case:
        style = rng.randrange(3)
        if style == 0:
            local = ".".join(part.capitalize() for part in local.split("."))
        elif style == 1:
            local, domain = local.upper(), domain.upper()
        else:
            domain = domain.capitalize()
    email = f"{local}@{domain}"
    if rng.random() < p_space:
        email = rng.choice((" ", "  ", "")) + email + rng.choice((" ", "  ", ""))
        if email == email.strip():
            email += " "
    return email


# ---------------------------------------------------------------- countries
@cache
def _translator(lang: str):
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])


def country_name(iso3: str, lang: str) -> str:
    """The name Moodle shows in a site of that language: pycountry `name`, translated."""
    name = pycountry.countries.get(alpha_3=iso3).name
    return name if lang == "en" else _translator(lang).gettext(name)


def survey_country(iso3: str, lang: str) -> str | None:
    """The country as a respondent would type it in a form of that language, or None when
    only an official long form (with a comma) exists: such respondents leave it blank."""
    country = pycountry.countries.get(alpha_3=iso3)
    if lang == "en":
        name = getattr(country, "common_name", None) or country.name
    else:
        name = _translator(lang).gettext(country.name)
    return None if "," in name else name
