"""Cleaning of the LMS exports on small hand-made frames (lib/lms.py)."""

import json
import math

import pandas as pd
import pytest

from lib import lms
from lib.countries import CountryResolver
from lib.pseudonym import keyed_hash
from lib.validation import report_errors

SALT = b"unit-test-salt-0123456789"
GENDER = {
    "female": ["Female", "F", "Woman", "Femenino", "Mujer", "Féminin", "Femme", "أنثى", "انثى"],
    "male": ["Male", "M", "Man", "Masculino", "Hombre", "Masculin", "Homme", "ذكر"],
    "other": ["Other", "Non-binary", "Otro", "No binario", "Autre", "Non binaire", "آخر"],
    "not_recorded": ["Prefer not to say", "Prefiero no decirlo", "Je préfère ne pas répondre", "أفضل عدم القول"],
}
ES_LABELS = {
    "role": {
        "student": ["Estudiante"],
        "teacher": ["Profesor", "Profesor sin permiso de edición"],
        "manager": ["Gestor"],
    },
    "enrolment_status": {"active": ["Activo"], "suspended": ["Suspendido"], "not_current": ["No activo"]},
}
AR_ROLES = {"student": ["طالب"], "teacher": ["معلم", "معلم بدون صلاحية التحرير"], "manager": ["مدير"]}
CRITERIA = {
    "completion": {"require_course_complete": True, "min_course_total": 60},
    "participation": {"min_course_total": 30},
}


def test_map_labels_spanish_and_french():
    s = pd.Series([" Activo", "Suspendido", "No activo", "Active"])
    assert lms.map_labels(s, ES_LABELS["enrolment_status"]).tolist()[:3] == ["active", "suspended", "not_current"]
    assert pd.isna(lms.map_labels(s, ES_LABELS["enrolment_status"])[3])  # English label on a Spanish site
    fr = {"completed": ["Terminé"], "not_completed": ["Non terminé"]}
    assert lms.map_labels(pd.Series(["Terminé", "Non terminé"]), fr).tolist() == ["completed", "not_completed"]


def test_learner_mask_arabic_and_multi_roles():
    roles = pd.Series(["طالب", "معلم", "طالب, معلم بدون صلاحية التحرير", ""])
    assert lms.learner_mask(roles, AR_ROLES, ["student"]).tolist() == [True, False, False, False]


def test_find_test_accounts():
    users = pd.Series(["test.user", "ana", "demo-x", "guest", "guestbook", "tester"])
    emails = pd.Series(["t@x.org", "ana@example.org", "d@x.org", "g@x.org", "g2@x.org", "z@test.invalid"])
    got = lms.find_test_accounts(
        users, emails, ["^test[._-]?", "^demo[._-]", "^guest$"], ["@example\\.(org|com)$", "@test\\.invalid$"]
    )
    assert got.tolist()[:4] == [
        "test account (username pattern)",
        "test account (e-mail pattern)",
        "test account (username pattern)",
        "test account (username pattern)",
    ]
    assert pd.isna(got[4])
    assert got[5] == "test account (username pattern)"  # ^test matches 'tester' too: both patterns


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Mujer", "female"),
        ("  femme ", "female"),
        ("أنثى", "female"),
        ("انثى", "female"),
        ("HOMBRE", "male"),
        ("Masculin", "male"),
        ("ذكر", "male"),
        ("No binario", "other"),
        ("Non binaire", "other"),
        ("آخر", "other"),
        ("Prefiero no decirlo", "not_recorded"),
        ("أفضل عدم القول", "not_recorded"),
        ("", "not_recorded"),
        ("  ", "not_recorded"),
    ],
)
def test_gender_harmonisation_in_four_languages(raw, code):
    codes, unknown = lms.harmonise_gender(pd.Series([raw]), GENDER)
    assert codes[0] == code and not unknown[0]


def test_unknown_gender_is_flagged():
    codes, unknown = lms.harmonise_gender(pd.Series(["Mujer", "Fem."]), GENDER)
    assert unknown.tolist() == [False, True] and pd.isna(codes[1])


def accounts():
    return pd.DataFrame(
        {
            "user_id": ["30", "4", "12"],
            "email_norm": ["ana@x.org", "ana@x.org", "bo@x.org"],
            "time_enrolled": pd.to_datetime(["2020-03-02", "2020-03-02", "2020-03-05"]),
            "country_iso3": [None, "ECU", "MEX"],
            "occupation": ["Officer", "", "Student"],
            "_line": [5, 2, 3],
        }
    )


def test_merge_accounts_first_non_blank_by_time_then_user_id():
    merged = lms.merge_accounts(accounts(), ["country_iso3", "occupation"]).set_index("email_norm")
    # same time: user 4 comes before user 30 (numeric, not text order)
    assert merged.loc["ana@x.org", "country_iso3"] == "ECU"
    assert merged.loc["ana@x.org", "occupation"] == "Officer"  # user 4's is blank
    assert merged.loc["ana@x.org", "accounts_merged"] == 2
    assert merged.loc["ana@x.org", "_line"] == 2
    assert merged.loc["bo@x.org", "accounts_merged"] == 1


def test_completion_grades_certificates_per_person():
    comp = pd.DataFrame(  # 'Course complete': a date (completed) or empty
        {"email_norm": ["a", "a", "b"], "completion_date": pd.to_datetime(["2020-05-01", None, None])}
    )
    per = lms.completion_per_person(comp)
    assert per.loc["a", "course_complete"] and not per.loc["b", "course_complete"]
    assert per.loc["a", "completion_date"] == pd.Timestamp("2020-05-01")  # date of the completed account
    grades = pd.DataFrame(
        {
            "email_norm": ["a", "a", "b"],
            "_line": [2, 3, 4],
            **{m: [1.0, 2.0, None] for m in lms.MODULES},
            "course_total": [25.0, 70.0, None],
        }
    )
    g = lms.grades_per_person(grades)
    assert g.loc["a", "course_total"] == 70 and g.loc["a", "module_1"] == 2
    assert math.isnan(g.loc["b", "course_total"])
    best = lms.certificate_per_person(
        pd.DataFrame({"email_norm": ["a", "a", "b"], "certificate": ["participation", "completion", "participation"]})
    )
    assert best.to_dict() == {"a": "completion", "b": "participation"}


def test_eligibility_from_criteria():
    done = pd.Series([True, True, False, False, True, False])
    total = pd.Series([60.0, 59.9, 80.0, 30.0, float("nan"), 29.0])
    assert lms.eligibility(done, total, CRITERIA).tolist() == [
        "completion",
        "participation",
        "participation",
        "participation",
        "none",
        "none",
    ]
    relaxed = {
        "completion": {"require_course_complete": False, "min_course_total": 60},
        "participation": {"min_course_total": 30},
    }
    assert lms.eligibility(done, total, relaxed)[2] == "completion"


def test_log_rows_add_up():
    rows = lms.log_rows("join", "grades", "E", 10, {"b": 2, "a": 1, "zero": 0})
    assert [(r["reason"], r["rows_dropped"], r["rows_out"]) for r in rows] == [("a", 1, 7), ("b", 2, 7)]
    assert lms.log_rows("x", "s", "E", 4, {})[0]["rows_out"] == 4


def es_edition():
    site = {"labels": ES_LABELS}
    p = pd.DataFrame(  # report-builder participants (typed staging layer)
        {
            "username": ["luis", "maria", "maria2", "demo.x", "prof"],
            "email": ["luis@c.ec", "maria@c.mx", " MARIA@c.mx", "d@c.org", "p@u.org"],
            "country": ["Ecuador", "", "México", "Chile", "Suiza"],
            "gender": ["Masculino", "", "Mujer", "Mujer", "Hombre"],
            "occupation": ["A", "B", "C", "", "D"],
            "organisation_type": ["G", "", "U", "", "IO"],
            "role": ["Estudiante", "Estudiante", "Estudiante", "Estudiante", "Profesor"],
            "enrolment_status": ["Activo", "Suspendido", "Activo", "Activo", "Activo"],
            "time_enrolled": pd.to_datetime(["2020-07-06", "2020-07-01", "2020-07-08", "2020-07-01", "2020-07-01"]),
            "_line": [2, 3, 4, 5, 6],
        }
    )
    comp = pd.DataFrame(  # completion report: ID, Name, e-mail, 'Course complete' (date or empty)
        {
            "user_id": ["10", "11", "12", "14"],
            "email": ["luis@c.ec", "maria@c.mx", "MARIA@c.mx", "p@u.org"],
            "completion_date": pd.to_datetime(["2020-08-01", None, "2020-08-03", None]),
            "_line": [2, 3, 4, 5],
        }
    )
    grades = pd.DataFrame(
        {
            "email": ["luis@c.ec", "maria@c.mx"],
            "_line": [2, 3],
            **{m: [18.0, 12.0] for m in lms.MODULES},
            "course_total": [90.5, 60.0],
        }
    )
    certs = pd.DataFrame({"email": ["luis@c.ec"], "certificate": ["completion"], "_line": [2]})
    staged = {"participants": p, "completion": comp, "grades": grades, "certificates": certs}
    return staged, site


FILES = {
    "participants": "raw/participants.csv",
    "completion": "raw/completion.csv",
    "grades": "raw/grades.csv",
    "certificates": {"completion": "raw/cert-completion.csv", "participation": "raw/cert-participation.csv"},
}


def clean(staged, site, on_invalid="stop", exclude_suspended=True):
    return lms.clean_edition(
        staged,
        edition="2020-ES1",
        edition_cfg={"year": 2020, "language": "es", "grades_exclude_suspended": exclude_suspended},
        site=site,
        gender_labels=GENDER,
        accounts_cfg={
            "learner_roles": ["student"],
            "test_username_patterns": ["^demo[._-]"],
            "test_email_patterns": [],
        },
        certificates_cfg=CRITERIA,
        resolver=CountryResolver("resources/country_aliases.csv"),
        salt=SALT,
        files=FILES,
        on_invalid=on_invalid,
    )


def test_clean_edition_end_to_end_on_a_small_spanish_edition():
    staged, site = es_edition()
    people, log, errors = clean(staged, site)
    assert errors == []
    people = people.set_index("participant_key")
    maria = people.loc[keyed_hash("maria@c.mx", SALT)]
    # maria's two accounts merged: first by time enrolled is user 11 (blank country, Suspendido)
    assert maria["accounts_merged"] == 2
    assert maria["country_iso3"] == "MEX" and maria["country_name"] == "Mexico"
    assert maria["gender"] == "female" and maria["enrolment_status"] == "suspended"
    assert maria["course_complete"] and maria["certificate_issued"] == "none"
    assert maria["certificate_eligible"] == "completion"  # completed + 60: eligible, not issued
    luis = people.loc[keyed_hash("luis@c.ec", SALT)]
    assert luis["certificate_issued"] == "completion" and luis["country_iso3"] == "ECU"
    assert len(people) == 2
    steps = {(r["step"], r["source"], r["reason"]): r for r in log}
    assert steps[("drop_staff", "participants", "staff role (not a learner)")]["rows_dropped"] == 1
    assert steps[("drop_test_accounts", "participants", "test account (username pattern)")]["rows_dropped"] == 1
    assert steps[("merge_duplicates", "participants", "duplicate account merged")]["rows_out"] == 2
    join = steps[("join", "completion", "not a learner (staff, test or quarantined)")]
    assert join["rows_in"] == 4 and join["rows_dropped"] == 1 and join["rows_out"] == 2


def test_unknown_country_and_email_are_errors_naming_file_line_value():
    staged, site = es_edition()
    staged["participants"].loc[0, "country"] = "Narnia"
    staged["grades"] = pd.concat([staged["grades"], staged["grades"].iloc[[0]].assign(email="x@y.org", _line=9)])
    _, _, errors = clean(staged, site)
    assert {(e["file"], e["line"], e["column"], e["value"]) for e in errors} == {
        ("raw/participants.csv", 2, "country", "Narnia"),
        ("raw/grades.csv", 9, "email", "(withheld: personal data, see line 9 of raw/grades.csv)"),
    }
    assert not any("x@y.org" in str(v) for e in errors for v in e.values())  # the e-mail is in no field
    assert any("country_aliases.csv" in e["message"] for e in errors)


def test_quarantine_drops_the_rows_in_error_and_logs_them():
    staged, site = es_edition()
    staged["participants"].loc[0, "country"] = "Narnia"
    people, log, errors = clean(staged, site, on_invalid="quarantine")
    assert len(errors) == 1 and len(people) == 1
    harm = [r for r in log if r["step"] == "harmonise"]
    assert harm[0]["reason"] == "quarantined: unknown country" and harm[0]["rows_dropped"] == 1


def test_quarantined_rows_keep_line_reason_and_record_without_personal_data():
    staged, site = es_edition()
    staged["participants"].loc[0, "country"] = "Narnia"
    staged["grades"] = pd.concat([staged["grades"], staged["grades"].iloc[[0]].assign(email="x@y.org", _line=9)])
    _, _, errors = clean(staged, site, on_invalid="quarantine")
    report = report_errors(errors, rule="clean_lms", on_invalid="quarantine")
    table = lms.quarantined_rows(staged, report, FILES)
    assert table[["source", "line"]].values.tolist() == [["grades", 9], ["participants", 2]]
    grades, person = (json.loads(r) for r in table["record"])
    assert person["country"] == "Narnia" and person["occupation"] == "A"
    assert person["email"] == person["username"] == "(withheld: personal data, see line 2 of raw/participants.csv)"
    assert grades["email"] == "(withheld: personal data, see line 9 of raw/grades.csv)" and grades["module_1"] == 18.0
    assert "unknown country" in table["reason"][1] and "raw/participants.csv:2" in table["reason"][1]
    text = table.to_csv()
    assert "luis" not in text and "x@y.org" not in text


def test_no_problem_no_quarantined_row():
    staged, site = es_edition()
    table = lms.quarantined_rows(staged, report_errors([], rule="clean_lms"), FILES)
    assert table.empty and list(table.columns) == ["source", "line", "reason", "record"]


def test_isin_matches_pandas_isin_on_text_columns_and_never_matches_missing():
    values = pd.Series(["a@x.org", None, "b@x.org", "c@x.org"], dtype="string")
    got = lms.isin(values, {"a@x.org", "c@x.org"})
    assert got.tolist() == [True, False, False, True] and got.index.equals(values.index)
    assert lms.isin(values, set()).tolist() == [False] * 4


# ------------------------------------------------------------------ who is in which export
# Moodle: the completion report lists active enrolments of student roles only
# (report/completion/index.php); a grade export made with the default "Exclude suspended
# users" leaves suspended learners out (grade/export/grade_export_form.php); the
# mod_customcert reports list every certificate awarded (classes/report_table.php).


def test_active_learner_missing_from_completion_or_grades_stops_with_the_cause():
    staged, site = es_edition()
    staged["completion"] = staged["completion"].iloc[1:]  # luis (active) not in the completion report
    staged["grades"] = staged["grades"].iloc[1:]  # nor in the grades export
    _, _, errors = clean(staged, site, on_invalid="quarantine")
    got = {(e["check"], e["file"], e["line"]) for e in errors}
    assert got == {
        ("in_completion_export", "raw/participants.csv", 2),
        ("in_grades_export", "raw/participants.csv", 2),
    }
    assert all(e["check"] in lms.ALWAYS_STOP for e in errors)  # stops even with quarantine
    comp = next(e for e in errors if e["check"] == "in_completion_export")
    assert "raw/completion.csv" in comp["message"] and "all groups" in comp["message"]
    assert comp["value"].startswith("(withheld")


def suspended_only_edition():
    """maria's one account is suspended: absent from completion and from a default grades export."""
    staged, site = es_edition()
    p = staged["participants"]
    staged["participants"] = p[p["username"] != "maria2"].reset_index(drop=True)
    staged["completion"] = staged["completion"][staged["completion"]["user_id"] != "11"]
    staged["completion"] = staged["completion"][staged["completion"]["user_id"] != "12"]
    staged["grades"] = staged["grades"][staged["grades"]["email"] != "maria@c.mx"]
    return staged, site


def test_suspended_learner_absent_from_grades_stops_unless_config_says_excluded():
    staged, site = suspended_only_edition()
    _, _, errors = clean(staged, site, exclude_suspended=False)
    assert [(e["check"], e["line"]) for e in errors] == [("in_grades_export", 3)]
    msg = errors[0]["message"]
    assert "Exclude suspended users" in msg and "editions.2020-ES1.grades_exclude_suspended: true" in msg
    assert "suspended" in msg


def test_suspended_learner_excluded_by_config_counts_as_participant_with_no_grade():
    staged, site = suspended_only_edition()
    people, _, errors = clean(staged, site, exclude_suspended=True)
    assert errors == []
    maria = people.set_index("participant_key").loc[keyed_hash("maria@c.mx", SALT)]
    assert maria["enrolment_status"] == "suspended" and math.isnan(maria["course_total"])
    assert not maria["course_complete"] and maria["certificate_eligible"] == "none"
    assert len(people) == 2


def test_participants_all_active_while_certificates_list_others_is_flagged():
    staged, site = suspended_only_edition()
    # the report builder's default condition 'Enrolment status = Active' dropped maria
    p = staged["participants"]
    staged["participants"] = p[p["username"] != "maria"].reset_index(drop=True)
    staged["certificates"] = pd.DataFrame(
        {"email": ["luis@c.ec", "maria@c.mx"], "certificate": ["completion", "participation"], "_line": [2, 2]}
    )
    _, _, errors = clean(staged, site)
    flagged = [e for e in errors if e["check"] == "participants_not_filtered"]
    assert len(flagged) == 1 and flagged[0]["file"] == "raw/participants.csv"
    assert "Enrolment status = Active" in flagged[0]["message"]
    assert "raw/cert-participation.csv" in flagged[0]["message"]
    assert "participants_not_filtered" in lms.ALWAYS_STOP
    # the unknown e-mail is reported against the participation certificate's own file
    unknown = [e for e in errors if e["check"] == "email_in_participants"]
    assert [(e["file"], e["line"]) for e in unknown] == [("raw/cert-participation.csv", 2)]


def test_certificate_type_comes_from_the_activity_file():
    staged, site = es_edition()
    staged["certificates"] = pd.DataFrame(
        {"email": ["luis@c.ec", "MARIA@c.mx"], "certificate": ["participation", "completion"], "_line": [2, 2]}
    )
    people, _, errors = clean(staged, site)
    assert errors == []
    issued = people.set_index("participant_key")["certificate_issued"]
    assert issued[keyed_hash("luis@c.ec", SALT)] == "participation"
    assert issued[keyed_hash("maria@c.mx", SALT)] == "completion"


def test_user_ids_of_participants_and_completion_must_agree():
    staged, site = es_edition()
    staged["participants"] = staged["participants"].assign(user_id=["10", "11", "12", "13", "14"])
    assert clean(staged, site)[2] == []  # the same ids: no problem
    staged["completion"] = staged["completion"].assign(user_id=["10", "11", "99", "14"])
    _, _, errors = clean(staged, site)
    assert [(e["check"], e["file"], e["line"], e["value"]) for e in errors] == [
        ("same_user_id", "raw/completion.csv", 4, "99")
    ]
