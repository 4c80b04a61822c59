"""Codebook mapping: headers and answer labels in en / es / fr / ar, multi-select splitting."""

import pandas as pd
import pytest

from lib.codebook import Codebook, CodebookError, normalise_label

QUESTIONS = pd.DataFrame(
    [
        # instrument, code, type, list, required, min, max, en, es, fr, ar
        [
            "followup",
            "response_id",
            "id",
            "",
            "yes",
            "",
            "",
            "Response ID",
            "ID de respuesta",
            "ID de réponse",
            "معرف الرد",
        ],
        [
            "followup",
            "applied",
            "single",
            "applied",
            "yes",
            "",
            "",
            "Have you applied knowledge from the course?",
            "¿Ha aplicado los conocimientos del curso?",
            "Avez-vous appliqué les connaissances du cours ?",
            "هل طبقت المعارف المكتسبة من الدورة؟",
        ],
        ["followup", "challenges", "multi", "challenge", "no", "", "", "Challenges", "Desafíos", "Défis", "التحديات"],
        [
            "followup",
            "attribution",
            "number",
            "",
            "no",
            "0",
            "100",
            "Attribution (%)",
            "Atribución (%)",
            "Attribution (%)",
            "نسبة الإسناد (%)",
        ],
        [
            "evaluation",
            "usefulness",
            "single",
            "usefulness",
            "yes",
            "",
            "",
            "Usefulness",
            "Utilidad",
            "Utilité",
            "الفائدة",
        ],
    ],
    columns=[
        "instrument",
        "question_code",
        "type",
        "list_name",
        "required",
        "min",
        "max",
        "label_en",
        "label_es",
        "label_fr",
        "label_ar",
    ],
)
OPTIONS = pd.DataFrame(
    [
        ["applied", "yes", "1", "Yes", "Sí", "Oui", "نعم", ""],
        ["applied", "no", "2", "No", "No", "Non", "لا", ""],
        [
            "applied",
            "no_opportunity",
            "3",
            "Not yet, no opportunity",
            "Aún no, sin oportunidad",
            "Pas encore, pas d'occasion",
            "ليس بعد، لا توجد فرصة",
            "",
        ],
        ["challenge", "funding", "1", "Lack of funding", "Falta de fondos", "Manque de fonds", "نقص التمويل", ""],
        ["challenge", "time", "2", "Lack of time", "Falta de tiempo", "Manque de temps", "ضيق الوقت", ""],
        [
            "challenge",
            "hierarchy",
            "3",
            "Workplace hierarchy",
            "Jerarquías laborales",
            "Hiérarchie au travail",
            "التسلسل الهرمي",
            "",
        ],
        ["usefulness", "very", "1", "Very useful", "Muy útil", "Très utile", "مفيد جدا", ""],
        ["usefulness", "not", "2", "Not useful", "Nada útil", "Pas utile", "غير مفيد", ""],
    ],
    columns=["list_name", "option_code", "order", "label_en", "label_es", "label_fr", "label_ar", "role_en"],
)
LANG_ANSWERS = {
    "en": ["Yes", "No", "Not yet, no opportunity"],
    "es": ["Sí", "No", "Aún no, sin oportunidad"],
    "fr": ["Oui", "Non", "Pas encore, pas d'occasion"],
    "ar": ["نعم", "لا", "ليس بعد، لا توجد فرصة"],
}


@pytest.fixture
def cb():
    return Codebook.from_frames(QUESTIONS, OPTIONS)


def test_normalise_label():
    assert normalise_label("  Very   useful ") == "very useful"
    # NFC: "é" as e + combining accent equals the precomposed letter
    assert normalise_label("Utilit\u0065\u0301") == normalise_label("Utilit\u00e9")
    assert normalise_label(None) == ""


@pytest.mark.parametrize("language", ["en", "es", "fr", "ar"])
def test_headers_in_every_language(cb, language):
    headers = list(QUESTIONS.loc[QUESTIONS.instrument == "followup", f"label_{language}"])
    mapping, issues = cb.map_headers(headers, "followup", language)
    assert issues.empty
    assert list(mapping.values()) == ["response_id", "applied", "challenges", "attribution"]


def test_unknown_and_missing_headers(cb):
    mapping, issues = cb.map_headers(
        ["ID de respuesta", "Desafíos", "Favorite color", "Atribución (%)"], "followup", "es"
    )
    assert mapping == {"ID de respuesta": "response_id", "Desafíos": "challenges", "Atribución (%)": "attribution"}
    unknown = issues[issues.check == "known_question"].iloc[0]
    assert unknown.line == 1 and unknown.column == "Favorite color"
    assert "Spanish" in unknown.message and "language es" in unknown.message
    missing = issues[issues.check == "question_present"]
    assert list(missing.column) == ["¿Ha aplicado los conocimientos del curso?"]


def test_english_header_in_spanish_form_is_unknown(cb):
    _, issues = cb.map_headers(["Response ID"], "followup", "es")
    assert "Response ID" in set(issues.column)


@pytest.mark.parametrize("language", ["en", "es", "fr", "ar"])
def test_single_labels_in_every_language(cb, language):
    yes, no, noop = LANG_ANSWERS[language]
    values = pd.Series([yes, f" {no} ", "", None, noop.upper() if language != "ar" else noop])
    codes, issues = cb.map_single(values, pd.Series([2, 3, 4, 5, 6]), "applied", language, "col")
    assert issues.empty
    assert codes.tolist()[:2] == ["yes", "no"]
    assert codes.isna().tolist()[2:4] == [True, True]
    assert codes.iloc[4] == "no_opportunity"


def test_unknown_label_is_reported_with_line_column_language(cb):
    codes, issues = cb.map_single(
        pd.Series(["Sí", "Yes"]), pd.Series([2, 7]), "applied", "es", "¿Ha aplicado los conocimientos del curso?"
    )
    assert codes.tolist()[0] == "yes" and pd.isna(codes.iloc[1])
    row = issues.iloc[0]
    assert (row.line, row.value, row.check) == (7, "Yes", "known_label")
    assert row.column == "¿Ha aplicado los conocimientos del curso?"
    assert "Spanish" in row.message and "'applied'" in row.message


def test_split_multi(cb):
    values = pd.Series(["Lack of funding;Lack of time", "", "workplace hierarchy; ", "Lack of time;Lack of time", None])
    out, issues = cb.split_multi(values, pd.Series([2, 3, 4, 5, 6]), "challenges", "challenge", "en", "Challenges", ";")
    assert issues.empty
    assert list(out.columns) == ["challenges__funding", "challenges__time", "challenges__hierarchy"]
    assert out.iloc[0].tolist() == [True, True, False]
    assert out.iloc[1].isna().all() and out.iloc[4].isna().all()  # skipped item -> NA
    assert out.iloc[2].tolist() == [False, False, True]
    assert out.iloc[3].tolist() == [False, True, False]
    assert str(out.dtypes.iloc[0]) == "boolean"


@pytest.mark.parametrize(
    "language,cell",
    [
        ("es", "Falta de fondos;Jerarquías laborales"),
        ("fr", "Manque de fonds;Hiérarchie au travail"),
        ("ar", "نقص التمويل;التسلسل الهرمي"),
    ],
)
def test_split_multi_other_languages(cb, language, cell):
    out, issues = cb.split_multi(pd.Series([cell]), pd.Series([2]), "challenges", "challenge", language, "x", ";")
    assert issues.empty
    assert out.iloc[0].tolist() == [True, False, True]


def test_split_multi_unknown_piece(cb):
    out, issues = cb.split_multi(
        pd.Series(["Falta de fondos;Falta de sueño"]), pd.Series([9]), "challenges", "challenge", "es", "Desafíos", ";"
    )
    assert issues.iloc[0].value == "Falta de sueño" and issues.iloc[0].line == 9
    assert out.iloc[0, 0]


def test_separator_inside_a_label_is_refused(cb):
    with pytest.raises(CodebookError, match="separator"):
        cb.split_multi(pd.Series(["a"]), pd.Series([2]), "challenges", "challenge", "fr", "x", " ")


def test_option_codes_roles_and_bad_codebooks(cb):
    assert cb.option_codes("challenge") == ["funding", "time", "hierarchy"]
    dup = pd.concat([OPTIONS, OPTIONS.iloc[[0]].assign(option_code="yes2")])
    with pytest.raises(CodebookError, match="used twice"):
        Codebook.from_frames(QUESTIONS, dup)
    with pytest.raises(CodebookError, match="no options"):
        Codebook.from_frames(QUESTIONS, OPTIONS[OPTIONS.list_name != "challenge"])
    with pytest.raises(CodebookError, match="language"):
        cb.option_map("applied", "de")


def test_followup_problems_name_an_edition_the_survey_does_not_cover():
    from lib.codebook import followup_problems

    df = pd.DataFrame(
        {
            "response_id": ["EN-1", "EN-2", "ES-1"],
            "edition": ["2020-EN1", "2021-EN4", pd.NA],
            "country": ["Mexico", "Atlantis", "Perú"],
            "source_file": ["raw/en.csv", "raw/en.csv", "raw/es.csv"],
            "_line": [2, 3, 2],
        }
    )
    problems = followup_problems(df, pd.Series([False, True, False]), survey="2020", editions=["2020-EN1", "2020-ES1"])
    assert [(p["file"], p["line"], p["column"], p["value"], p["check"]) for p in problems] == [
        ("raw/en.csv", 3, "country", "Atlantis", "known_country"),
        ("raw/en.csv", 3, "edition", "2021-EN4", "edition_in_survey"),
    ]
    assert "followup_surveys.2020.editions lists 2020-EN1, 2020-ES1" in problems[1]["message"]
