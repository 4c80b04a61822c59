"""The mutation table: one :class:`Case` per broken export (issue 7).

Every case starts from the default data in ``raw/``, changes one file (or the config) by a
small mutation, names the Snakemake target to build and says what must happen:

``stop``        the target fails, the message (Snakemake output + rule logs) contains every
                string of ``must_say`` (formatted with the mutation's facts: file, line,
                column, value, ...), and none of ``absent`` (outputs built from the bad
                file) exists afterwards;
``pass``        the target is built (the input is acceptable as it is);
``quarantine``  (with ``on_invalid: quarantine``) the target is built, the bad rows are in
                ``quarantine`` (a file under results/<scope>/validation/quarantine/) with their
                line and reason, and ``must_say`` is found in that file.

``base=True`` cases need the clean LMS tables (the follow-up survey is linked to them):
they start from a copy of a full run instead of an empty workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from conftest import RESULTS

from . import mutations as m

EN1 = "raw/lms/2020-EN1"
ES1 = "raw/lms/2020-ES1"
FU = "raw/survey/followup-2020.csv"  # the Kobo export: columns named by question name
FU_FORM = "raw/survey/followup-2020-xlsform.xlsx"
FR_EVAL = "raw/evaluation/2021-FR1.csv"
AR_EVAL = "raw/evaluation/2021-AR1.csv"
A_LEARNER = {"Username": "tnovak"}  # a student of 2020-EN1 (not staff, not a test account)
QUOTED = "EN-0012"  # a consenting respondent quoted in Box 2 (config `quotes`)
UNQUOTED = "EN-0003"


def resp(ws: Path, rid: str) -> dict[str, str]:
    """`where` of the Kobo record of response `rid`."""
    return m.kobo_response(ws, FU, rid)


Q_FR_USEFUL = "Dans quelle mesure le cours vous a-t-il été utile ?"
Q_AR_USEFUL = "ما مدى فائدة الدورة بالنسبة لك؟"


def stage_lms(edition: str) -> str:
    return f"private/staging/lms/{edition}/participants.parquet"


def clean_lms(edition: str) -> str:
    return f"{RESULTS}/clean/editions/{edition}/participants.parquet"


def stage_eval(edition: str) -> str:
    return f"private/staging/evaluation/{edition}.parquet"


# The French and Arabic evaluations are 2021 editions: their staging runs as a step of the
# 2021 scope's evaluation job (stage_clean_metrics_reaction), so those cases run that scope.
SCOPE_2021 = {"scope": "2021"}
RESULTS_2021 = "results/2021"


STAGE_FU = "private/staging/survey/followup-2020.parquet"


CLEAN_FU = f"{RESULTS}/clean/followup.parquet"
BOX2 = f"{RESULTS}/tables/box2_quotes.csv"
HTML = f"{RESULTS}/report/impact_story.html"


# what a stop leaves behind must not include anything built from the bad file
def lms_built(edition: str) -> tuple[str, ...]:
    return (stage_lms(edition), clean_lms(edition))


WHERE = ("{file}:{line}", "column '{column}'", "value '{value}'")  # lib.validation.format_problem


@dataclass(frozen=True)
class Case:
    id: str
    what: str
    file: str
    mutate: Callable[[Path], dict]
    target: str
    expect: str  # stop | pass | quarantine
    must_say: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    config: dict = field(default_factory=dict)
    quarantine: str = ""
    base: bool = False
    decision: str = ""  # for pass cases: why passing is right


def _other_edition_person(ws: Path) -> dict:
    """Completion row for a real person of 2020-EN2 who has no account in 2020-EN1."""
    hdr1, rows1, _, _ = m.read_records(ws / f"{EN1}/participants.csv", ",")
    known = {r[hdr1.index("Email address")].strip().lower() for r in rows1}
    hdr2, rows2, _, _ = m.read_records(ws / "raw/lms/2020-EN2/participants.csv", ",")
    person = next(
        r
        for r in rows2
        if r[hdr2.index("Email address")].strip().lower() not in known and r[hdr2.index("Role")] == "Student"
    )
    email = person[hdr2.index("Email address")]
    facts = m.append_row(
        ws,
        f"{EN1}/completion.csv",
        {
            "ID": "990001",
            "Name": person[hdr2.index("First name")] + " " + person[hdr2.index("Last name")],
            "Email address": email,
            "Course complete": "",
        },
    )
    return {**facts, "column": "email", "value": email}


def _drop_completion_row(ws: Path) -> dict:
    """Remove the first completion record; the message names the participants line."""
    path = ws / f"{EN1}/completion.csv"
    hdr, rows, _, bom = m.read_records(path, ",")
    email = rows[0][hdr.index("Email address")].strip().lower()
    m.write_records(path, hdr, rows[1:], ",", bom)
    phdr, prows, starts, _ = m.read_records(ws / f"{EN1}/participants.csv", ",")
    i = next(i for i, r in enumerate(prows) if r[phdr.index("Email address")].strip().lower() == email)
    return {"file": f"{EN1}/participants.csv", "line": starts[i]}


def _edition_not_in_config(ws: Path) -> dict:
    """The XLSForm knows a 2021 edition; the 2020 survey (config) does not cover it."""
    m.xlsform_append_row(
        ws,
        FU_FORM,
        "choices",
        {
            "list_name": "edition",
            "name": "2021-EN4",
            "label::English (en)": "English edition 4 (February 2021)",
            "label::Español (es)": "Edición en inglés 4 (febrero de 2021)",
        },
        after={"list_name": "edition", "name": "2020-EN3"},
    )
    facts = m.set_cell(ws, FU, "edition", "2021-EN4", where=resp(ws, UNQUOTED))
    return {**facts, "code": "2021-EN4"}


def _multi_disagrees(ws: Path) -> dict:
    """A select_multiple whose 0/1 option columns say another thing than its summary cell."""
    where = resp(ws, UNQUOTED)
    summary = m.cell(ws, FU, "topics_applied", where)
    flip = "finance" if "finance" not in summary.split() else "legal"
    m.set_cell(ws, FU, f"topics_applied/{flip}", "1", where=where)
    return {**m.set_cell(ws, FU, "topics_applied", summary, where=where), "flip": flip}



# ---------------------------------------------------------------- configuration and salt (issue 14)
CONFIG = "config.yaml"
SALT = "private/salt.txt"  # a salt file of the analyst's own (privacy.salt_file)


def _config_line(ws: Path, old: str, new: str) -> dict:
    """Replace the line ``old`` of config.yaml (exactly once) by ``new``; facts: file, line."""
    path = ws / CONFIG
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines.count(old) == 1, f"config.yaml has {lines.count(old)} lines {old!r}"
    i = lines.index(old)
    lines[i] = new
    path.write_text("\n".join(lines), encoding="utf-8")
    return {"file": CONFIG, "line": i + 1}


def _config_key_twice(ws: Path) -> dict:
    """A second `privacy:` block appended to config.yaml (YAML would keep only the last)."""
    path = ws / CONFIG
    text = path.read_text(encoding="utf-8")
    first = text.split("\n").index("privacy:") + 1
    text = text.rstrip("\n") + "\n"
    line = text.count("\n") + 1
    path.write_text(text + 'privacy:\n  salt_file: "resources/demo-salt.txt"\n', encoding="utf-8")
    return {"file": CONFIG, "line": line, "first": first}


def _salt_file(content: bytes):
    def mutate(ws: Path) -> dict:
        (ws / SALT).parent.mkdir(parents=True, exist_ok=True)
        (ws / SALT).write_bytes(content)
        return {"file": SALT}

    return mutate


# ---------------------------------------------------------------- issue 14, classes 4 and 5 (helpers)
GRADES = f"{EN1}/grades.csv"
M1 = "Quiz: Module 1 (Real)"
TOTAL = "Course total (Real)"


def _every_row(rel: str, header: str, value: str):
    """``header`` = ``value`` on every record of ``rel`` (with on_invalid: quarantine every
    record is set aside when the value is invalid)."""

    def mutate(ws: Path) -> dict:
        path = ws / rel
        hdr, rows, _, bom = m.read_records(path, m.delimiter_of(rel))
        for r in rows:
            r[hdr.index(header)] = value
        m.write_records(path, hdr, rows, m.delimiter_of(rel), bom)
        return {"file": rel, "rows": len(rows)}

    return mutate


def _not_the_shipped_data(ws: Path) -> dict:
    """One cell of 2020-EN1's participants changed: the data is no longer the shipped one."""
    return m.set_cell(ws, f"{EN1}/participants.csv", "Occupation", "Teacher", where=A_LEARNER)


def _course_total_off(ws: Path, delta: float = 0.5) -> dict:
    """The course total of the first learner with a total raised by ``delta``."""
    hdr, rows, _, _ = m.read_records(ws / GRADES, ",")
    i = next(i for i, r in enumerate(rows) if r[hdr.index(TOTAL)].strip() not in ("-", ""))
    email = rows[i][hdr.index("Email address")]
    value = f"{float(rows[i][hdr.index(TOTAL)]) + delta:.2f}"
    return m.set_cell(ws, GRADES, TOTAL, value, where={"Email address": email}, column="course_total")


def _completion_date(value: str):
    """The 'Course complete' date of the first learner who completed 2020-EN1 set to ``value``."""

    def mutate(ws: Path) -> dict:
        hdr, rows, _, _ = m.read_records(ws / f"{EN1}/completion.csv", ",")
        i = next(i for i, r in enumerate(rows) if r[hdr.index("Course complete")].strip())
        where = {"ID": rows[i][hdr.index("ID")]}
        return m.set_cell(ws, f"{EN1}/completion.csv", "Course complete", value, where=where, column="course_complete")

    return mutate



CASES: list[Case] = [
    # ---------------------------------------------------------------- file level (always stop)
    Case(
        "missing_required_column",
        "participants export without the 'Email address' column",
        f"{EN1}/participants.csv",
        lambda ws: m.drop_column(ws, f"{EN1}/participants.csv", "Email address", column="email"),
        stage_lms("2020-EN1"),
        "stop",
        (*WHERE[:2], "value 'Email address'", "is missing", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "renamed_header",
        "completion export with 'Course complete' renamed 'Course completed' (not in config)",
        f"{EN1}/completion.csv",
        lambda ws: m.rename_header(
            ws, f"{EN1}/completion.csv", "Course complete", "Course completed", column="course_complete"
        ),
        stage_lms("2020-EN1"),
        "stop",
        (*WHERE, "is missing", "'Course completed'", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "localised_header",
        "English-site participants export with the Spanish header 'Género' instead of 'Gender'",
        f"{EN1}/participants.csv",
        lambda ws: m.rename_header(ws, f"{EN1}/participants.csv", "Gender", "Género", column="gender"),
        stage_lms("2020-EN1"),
        "stop",
        (*WHERE, "is missing", "'Género'", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "wrong_delimiter",
        "Spanish-site completion report saved again with ';' (a spreadsheet's regional setting), config says ','",
        f"{ES1}/completion.csv",
        lambda ws: m.reencode_with_delimiter(ws, f"{ES1}/completion.csv", ";"),
        stage_lms("2020-ES1"),
        "stop",
        ("{file}:1", "column 'email'", "value 'Dirección de correo'", "delimiter is probably not ','", "[stage_lms]"),
        lms_built("2020-ES1"),
    ),
    Case(
        "latin1_encoding",
        "Spanish-site participants export saved as Latin-1",
        f"{ES1}/participants.csv",
        lambda ws: m.transcode(ws, f"{ES1}/participants.csv", "latin-1"),
        stage_lms("2020-ES1"),
        "stop",
        ("{file}:{line}", "cannot be decoded as utf-8", "{value}", "Latin-1", "[stage_lms]"),
        lms_built("2020-ES1"),
    ),
    Case(
        "bom_lms",
        "completion report from 'Download in Excel-compatible format (.csv)', which adds a UTF-8 byte-order mark",
        f"{EN1}/completion.csv",
        lambda ws: m.add_bom(ws, f"{EN1}/completion.csv"),
        "private/staging/lms/2020-EN1/completion.parquet",
        "pass",
        decision="utf-8-sig reads a file with or without BOM: accepted, same data",
    ),
    Case(
        "bom_survey",
        "Kobo export (UTF-8 without BOM) with a UTF-8 byte-order mark",
        FU,
        lambda ws: m.add_bom(ws, FU),
        STAGE_FU,
        "pass",
        decision="a BOM is an encoding signature, not data: Excel and survey tools write it; the export "
        "must read the same with or without it (strict utf-8 would make it part of the first header)",
    ),
    Case(
        "empty_file",
        "completion export of 0 bytes",
        f"{EN1}/completion.csv",
        lambda ws: m.empty_file(ws, f"{EN1}/completion.csv"),
        stage_lms("2020-EN1"),
        "stop",
        ("{file}:1", "empty", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "header_only",
        "participants export with the header line and no records",
        f"{EN1}/participants.csv",
        lambda ws: m.keep_header_only(ws, f"{EN1}/participants.csv"),
        clean_lms("2020-EN1"),
        "stop",
        ("{file}", "no records", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "truncated_last_line",
        "participants export cut short in its last record (5 of 11 fields, no final line break)",
        f"{EN1}/participants.csv",
        lambda ws: m.truncate_last_line(ws, f"{EN1}/participants.csv", 5),
        stage_lms("2020-EN1"),
        "stop",
        ("{file}:{line}", "record has 5 fields but the header has 11", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "unbalanced_quotes",
        "participants export with a quote opened in one cell and never closed",
        f"{EN1}/participants.csv",
        lambda ws: {
            **m.unbalanced_quote(ws, f"{EN1}/participants.csv", "Occupation", where=A_LEARNER),
            "column": "occupation",
        },
        stage_lms("2020-EN1"),
        "stop",
        ("{file}:{line}", "column '{column}'", "{value}", "quote is probably not closed", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "missing_file",
        "edition 2020-EN2 in config, the report of its participation-certificate activity missing",
        "raw/lms/2020-EN2/customcert-participation.csv",
        lambda ws: m.delete_file(ws, "raw/lms/2020-EN2/customcert-participation.csv"),
        stage_lms("2020-EN2"),
        "stop",
        ("Missing input files for rule stage_clean_lms", "{file}"),
        lms_built("2020-EN2"),
    ),
    # ---------------------------------------------------------------- row level, LMS
    Case(
        "duplicate_user_id",
        "two completion records with the same Moodle user id (ID) and different e-mail",
        f"{EN1}/completion.csv",
        lambda ws: m.duplicate_row(
            ws,
            f"{EN1}/completion.csv",
            {"Email address": "someone.else@example.net", "Name": "Someone Else"},
            key="ID",
            column="user_id",
        ),
        stage_lms("2020-EN1"),
        "stop",
        (*WHERE, "{file}:{line2}", "more than one line", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "grade_above_max",
        "module grade 25 where the maximum is 20",
        f"{EN1}/grades.csv",
        lambda ws: m.set_cell(ws, f"{EN1}/grades.csv", "Quiz: Module 1 (Real)", "25.00", column="module_1"),
        stage_lms("2020-EN1"),
        "stop",
        (*WHERE, "between 0 and 20", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "date_wrong_format",
        "enrolment date in the short numeric form where the report writes the long localised one",
        f"{EN1}/participants.csv",
        lambda ws: m.set_cell(
            ws, f"{EN1}/participants.csv", "Time started", "25/03/20, 16:34", where=A_LEARNER, column="time_enrolled"
        ),
        stage_lms("2020-EN1"),
        "stop",
        (*WHERE, "not a date in the export's format", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "unknown_country",
        "participant country 'Atlantis'",
        f"{EN1}/participants.csv",
        lambda ws: m.set_cell(ws, f"{EN1}/participants.csv", "Country", "Atlantis", where=A_LEARNER, column="country"),
        clean_lms("2020-EN1"),
        "stop",
        (*WHERE, "unknown country", "[clean_lms]"),
        (clean_lms("2020-EN1"),),
    ),
    Case(
        "unknown_gender",
        "participant gender 'Alien'",
        f"{EN1}/participants.csv",
        lambda ws: m.set_cell(ws, f"{EN1}/participants.csv", "Gender", "Alien", where=A_LEARNER, column="gender"),
        clean_lms("2020-EN1"),
        "stop",
        (*WHERE, "unknown gender", "[clean_lms]"),
        (clean_lms("2020-EN1"),),
    ),
    Case(
        "completion_not_participant",
        "completion record for a person with no account in the edition (a learner of 2020-EN2)",
        f"{EN1}/completion.csv",
        _other_edition_person,
        clean_lms("2020-EN1"),
        "stop",
        ("{file}:{line}", "column 'email'", "not an account of this edition", "[clean_lms]"),
        (clean_lms("2020-EN1"),),
    ),
    Case(
        "suspended_excluded_not_configured",
        "grades export made with 'Exclude suspended users' ticked (Moodle's default) while config says "
        "the box was unticked",
        f"{EN1}/grades.csv",
        lambda ws: {"file": f"{EN1}/participants.csv"},
        clean_lms("2020-EN1"),
        "stop",
        ("{file}:", "Exclude suspended users", "editions.2020-EN1.grades_exclude_suspended: true", "[clean_lms]"),
        (clean_lms("2020-EN1"),),
        config={"editions": {"2020-EN1": {"grades_exclude_suspended": False}}},
    ),
    Case(
        "active_learner_missing_from_completion",
        "completion report without one active learner (e.g. downloaded for one group)",
        f"{EN1}/completion.csv",
        lambda ws: _drop_completion_row(ws),
        clean_lms("2020-EN1"),
        "stop",
        ("{file}:", "absent from the completion report", "all groups", "[clean_lms]"),
        (clean_lms("2020-EN1"),),
    ),
    # ---------------------------------------------------------------- row level, surveys
    Case(
        "unknown_label_en",
        "follow-up (Kobo XML values): 'Yep' for the applied question",
        FU,
        lambda ws: m.set_cell(ws, FU, "applied", "Yep", where=resp(ws, UNQUOTED)),
        STAGE_FU,
        "stop",
        (*WHERE, "not an option of list 'applied'", "choice name", "[stage_followup]"),
        (STAGE_FU,),
    ),
    Case(
        "unknown_label_es",
        "follow-up answer as a Spanish label ('Sí', a labels export) where Kobo's XML values are expected",
        FU,
        lambda ws: m.set_cell(ws, FU, "applied", "Sí", where=resp(ws, "ES-0002")),
        STAGE_FU,
        "stop",
        (*WHERE, "not an option of list 'applied'", "[stage_followup]"),
        (STAGE_FU,),
    ),
    Case(
        "kobo_multi_disagrees",
        "follow-up select_multiple: a 0/1 option column set to 1 that the summary cell does not name",
        FU,
        _multi_disagrees,
        STAGE_FU,
        "stop",
        ("{file}:{line}", "column 'topics_applied'", "disagree with its summary cell", "[stage_followup]"),
        (STAGE_FU,),
    ),
    Case(
        "xlsform_unknown_type",
        "follow-up XLSForm: type 'select_one aplied' (a list that does not exist)",
        FU_FORM,
        lambda ws: m.xlsform_set_cell(ws, FU_FORM, "survey", "type", "select_one aplied", where={"name": "applied"}),
        STAGE_FU,
        "stop",
        ("{file}, sheet 'survey', row {line}, column {letter} ('type')", "'aplied' is not a list_name"),
        (STAGE_FU,),
    ),
    Case(
        "unknown_label_fr",
        "end-of-course evaluation (French site): 'Assez utile' for usefulness",
        FR_EVAL,
        lambda ws: m.set_cell(ws, FR_EVAL, Q_FR_USEFUL, "Assez utile"),
        stage_eval("2021-FR1"),
        "stop",
        (*WHERE, "not an option of list 'usefulness'", "French", "[stage_evaluation]"),
        (stage_eval("2021-FR1"),),
        config=SCOPE_2021,
    ),
    Case(
        "unknown_label_ar",
        "end-of-course evaluation (Arabic site): an answer not in the codebook for usefulness",
        AR_EVAL,
        lambda ws: m.set_cell(ws, AR_EVAL, Q_AR_USEFUL, "مفيدة نوعا ما"),
        stage_eval("2021-AR1"),
        "stop",
        (*WHERE, "not an option of list 'usefulness'", "Arabic", "[stage_evaluation]"),
        (stage_eval("2021-AR1"),),
        config=SCOPE_2021,
    ),
    Case(
        "attribution_150",
        "follow-up attribution 150 (range 0-100)",
        FU,
        lambda ws: m.set_cell(ws, FU, "attribution", "150", where=resp(ws, UNQUOTED)),
        STAGE_FU,
        "stop",
        ("{file}:{line}", "column 'attribution'", "value '150", "at most 100", "[stage_followup]"),
        (STAGE_FU,),
    ),
    Case(
        "attribution_minus5",
        "follow-up attribution -5 (range 0-100)",
        FU,
        lambda ws: m.set_cell(ws, FU, "attribution", "-5", where=resp(ws, UNQUOTED)),
        STAGE_FU,
        "stop",
        ("{file}:{line}", "column 'attribution'", "value '-5", "at least 0", "[stage_followup]"),
        (STAGE_FU,),
    ),
    Case(
        "survey_edition_unknown_label",
        "follow-up edition answer '2022-EN5' (no such choice)",
        FU,
        lambda ws: m.set_cell(ws, FU, "edition", "2022-EN5", where=resp(ws, UNQUOTED)),
        STAGE_FU,
        "stop",
        (*WHERE, "not an option of list 'edition'", "[stage_followup]"),
        (STAGE_FU,),
    ),
    Case(
        "survey_edition_not_in_config",
        "follow-up response for edition 2021-EN4: in the XLSForm, not an edition of the 2020 survey in config",
        FU,
        _edition_not_in_config,
        CLEAN_FU,
        "stop",
        ("{file}:{line}", "column 'edition'", "2021-EN4", "[clean_followup]"),
        (CLEAN_FU,),
        base=True,
    ),
    Case(
        "survey_unknown_country",
        "follow-up country typed as 'Atlantis'",
        FU,
        lambda ws: m.set_cell(ws, FU, "country", "Atlantis", where=resp(ws, UNQUOTED)),
        CLEAN_FU,
        "stop",
        (*WHERE, "not an ISO 3166", "[clean_followup]"),
        (CLEAN_FU,),
        base=True,
    ),
    Case(
        "invalid_bytes_free_text",
        "follow-up example with the bytes ff fe (not UTF-8) in the text",
        FU,
        lambda ws: m.inject_bytes(ws, FU, "example", b"Caf\xff\xfe", where=resp(ws, UNQUOTED)),
        STAGE_FU,
        "stop",
        ("{file}:{line}", "ff fe", "cannot be decoded as utf-8", "[stage_followup]", "column '{column}'"),
        (STAGE_FU,),
    ),
    # ---------------------------------------------------------------- configuration and salt (issue 14, class 3)
    Case(
        "config_unknown_top_key",
        "config.yaml: top-level key 'on_invalid' misspelt 'on_invalidd' (was silently ignored)",
        CONFIG,
        lambda ws: _config_line(ws, "on_invalid: stop", "on_invalidd: quarantine"),
        stage_lms("2020-EN1"),
        "stop",
        ("config.yaml:{line}", "unknown key 'on_invalidd'", "did you mean 'on_invalid'?", "nothing was run"),
        lms_built("2020-EN1"),
    ),
    Case(
        "config_unknown_nested_key",
        "config.yaml: privacy.salt_file misspelt salt_fle (the run used the demo salt silently)",
        CONFIG,
        lambda ws: _config_line(ws, '  salt_file: "resources/demo-salt.txt"', '  salt_fle: "private/salt.txt"'),
        stage_lms("2020-EN1"),
        "stop",
        ("config.yaml:{line}", "unknown key 'privacy.salt_fle'", "did you mean 'privacy.salt_file'?"),
        lms_built("2020-EN1"),
    ),
    Case(
        "config_unknown_key_in_override",
        "--configfile override: editions.2020-EN1.grades_exclude_suspendd (misspelt)",
        "case_config.yaml",
        lambda ws: {},
        stage_lms("2020-EN1"),
        "stop",
        ("case_config.yaml:1", "unknown key 'editions.2020-EN1.grades_exclude_suspendd'",
         "did you mean 'editions.2020-EN1.grades_exclude_suspended'?"),
        lms_built("2020-EN1"),
        config={"editions": {"2020-EN1": {"grades_exclude_suspendd": False}}},
    ),
    Case(
        "config_yaml_tab",
        "config.yaml: a key indented with a tab (Snakemake's message has no line)",
        CONFIG,
        lambda ws: _config_line(ws, "  allow_demo_salt: false", "\tallow_demo_salt: false"),
        stage_lms("2020-EN1"),
        "stop",
        ("config.yaml:{line}:1", "YAML syntax error", "indented with a tab"),
        lms_built("2020-EN1"),
    ),
    Case(
        "config_yaml_unclosed_bracket",
        "config.yaml: a list with its ']' missing",
        CONFIG,
        lambda ws: _config_line(ws, "  learner_roles: [student]", "  learner_roles: [student"),
        stage_lms("2020-EN1"),
        "stop",
        ("config.yaml:{line}:18", "YAML syntax error", "a list opened with '[' here is not closed"),
        lms_built("2020-EN1"),
    ),
    Case(
        "config_key_twice",
        "config.yaml: a second privacy block (YAML keeps the last one silently)",
        CONFIG,
        _config_key_twice,
        stage_lms("2020-EN1"),
        "stop",
        ("config.yaml:{line}", "key 'privacy' is given twice (first on line {first})"),
        lms_built("2020-EN1"),
    ),
    Case(
        "demo_salt_on_other_data",
        "the committed demo salt with an export that is not the shipped synthetic data",
        f"{EN1}/participants.csv",
        _not_the_shipped_data,
        stage_lms("2020-EN1"),
        "stop",
        ("salt file 'resources/demo-salt.txt' is the public demo salt", "{file} differs from the shipped",
         "secrets.token_hex(32)", "privacy.allow_demo_salt: true"),
        lms_built("2020-EN1"),
        config={"privacy": {"allow_demo_salt": False}},
    ),
    Case(
        "salt_utf16",
        "own salt file written by Windows PowerShell (UTF-16)",
        SALT,
        _salt_file("0123456789abcdef0123456789abcdef\n".encode("utf-16")),
        stage_lms("2020-EN1"),
        "stop",
        ("salt file '{file}'", "UTF-16", "secrets.token_hex(32)"),
        lms_built("2020-EN1"),
        config={"privacy": {"salt_file": SALT}},
    ),
    Case(
        "salt_too_short",
        "own salt file holding a short password",
        SALT,
        _salt_file(b"secret\n"),
        stage_lms("2020-EN1"),
        "stop",
        ("salt file '{file}'", "holds 6 bytes", "at least 16", "secrets.token_hex(32)"),
        lms_built("2020-EN1"),
        config={"privacy": {"salt_file": SALT}},
    ),
    Case(
        "salt_empty",
        "own salt file that is empty",
        SALT,
        _salt_file(b""),
        stage_lms("2020-EN1"),
        "stop",
        ("salt file '{file}' is empty", "secrets.token_hex(32)"),
        lms_built("2020-EN1"),
        config={"privacy": {"salt_file": SALT}},
    ),
    Case(
        "salt_missing",
        "privacy.salt_file names a file that does not exist",
        SALT,
        lambda ws: {"file": SALT},
        stage_lms("2020-EN1"),
        "stop",
        ("salt file '{file}' not found", "secrets.token_hex(32)"),
        lms_built("2020-EN1"),
        config={"privacy": {"salt_file": SALT}},
    ),
    Case(
        "demo_salt_allowed",
        "the demo salt on altered synthetic data with privacy.allow_demo_salt: true",
        f"{EN1}/participants.csv",
        _not_the_shipped_data,
        clean_lms("2020-EN1"),
        "pass",
        config={"privacy": {"allow_demo_salt": True}},
        decision="the analyst opted in explicitly (test or generated data): the run goes on",
    ),
    # ---------------------------------------------------------------- hostile free text (must pass)
    Case(
        "formula_free_text",
        "quoted follow-up example starting with =HYPERLINK(...)",
        FU,
        lambda ws: m.set_cell(
            ws, FU, "example", '=HYPERLINK("http://evil.example/x","Click for details")', where=resp(ws, QUOTED)
        ),
        BOX2,
        "pass",
        base=True,
        decision="free text is kept as typed; the CSV output neutralises it with a leading quote",
    ),
    Case(
        "script_free_text",
        "quoted follow-up example with <script> in it",
        FU,
        lambda ws: m.set_cell(
            ws, FU, "example", "I learned a lot <script>alert('pwned')</script> & shared it", where=resp(ws, QUOTED)
        ),
        HTML,
        "pass",
        base=True,
        decision="free text is kept as typed and shown as text (escaped) in the HTML report",
    ),
    Case(
        "long_free_text",
        "a 100 KB follow-up example",
        FU,
        lambda ws: m.set_cell(ws, FU, "example", ("I applied the course. " * 4700)[:102400], where=resp(ws, UNQUOTED)),
        CLEAN_FU,
        "pass",
        base=True,
        decision="accepted and kept whole: free text is never interpreted, a long answer is not an error "
        "(the report only shows chosen quotes)",
    ),
    # ---------------------------------------------------------------- quarantine (on_invalid: quarantine)
    Case(
        "quarantine_grade_above_max",
        "module grade 25 (max 20), on_invalid: quarantine",
        f"{EN1}/grades.csv",
        lambda ws: m.set_cell(ws, f"{EN1}/grades.csv", "Quiz: Module 1 (Real)", "25.00", column="module_1"),
        clean_lms("2020-EN1"),
        "quarantine",
        ("grades", "{line}", "between 0 and 20"),
        config={"on_invalid": "quarantine"},
        quarantine=f"{RESULTS}/validation/quarantine/lms/2020-EN1/staging.csv",
    ),
    Case(
        "quarantine_unknown_country",
        "participant country 'Atlantis', on_invalid: quarantine",
        f"{EN1}/participants.csv",
        lambda ws: m.set_cell(ws, f"{EN1}/participants.csv", "Country", "Atlantis", where=A_LEARNER, column="country"),
        clean_lms("2020-EN1"),
        "quarantine",
        ("{line}", "unknown country", "Atlantis"),
        config={"on_invalid": "quarantine"},
        quarantine=f"{RESULTS}/validation/quarantine/lms/2020-EN1/clean.csv",
    ),
    Case(
        "quarantine_attribution_150",
        "follow-up attribution 150, on_invalid: quarantine",
        FU,
        lambda ws: m.set_cell(ws, FU, "attribution", "150", where=resp(ws, UNQUOTED)),
        CLEAN_FU,
        "quarantine",
        ("{line}", "at most 100"),
        config={"on_invalid": "quarantine"},
        quarantine=f"{RESULTS}/validation/quarantine/survey/followup-2020.csv",
        base=True,
    ),
    Case(
        "quarantine_unknown_label_fr",
        "French evaluation answer not in the codebook, on_invalid: quarantine",
        FR_EVAL,
        lambda ws: m.set_cell(ws, FR_EVAL, Q_FR_USEFUL, "Assez utile"),
        stage_eval("2021-FR1"),
        "quarantine",
        ("{line}", "Assez utile", "French"),
        config={**SCOPE_2021, "on_invalid": "quarantine"},
        quarantine=f"{RESULTS_2021}/validation/quarantine/survey/evaluation-2021-FR1.csv",
    ),
    Case(
        "quarantine_missing_column_still_stops",
        "missing required column with on_invalid: quarantine (file-level: always stops)",
        f"{EN1}/participants.csv",
        lambda ws: m.drop_column(ws, f"{EN1}/participants.csv", "Email address", column="email"),
        stage_lms("2020-EN1"),
        "stop",
        (*WHERE[:2], "value 'Email address'", "is missing", "[stage_lms]"),
        lms_built("2020-EN1"),
        config={"on_invalid": "quarantine"},
    ),
    # ---------------------------------------------------------------- issue 14: quarantine limit, plausibility
    Case(
        "quarantine_every_grade_row",
        "every grade row out of range (module 1 = 25), on_invalid: quarantine: the edition would have no grades",
        GRADES,
        _every_row(GRADES, M1, "25.00"),
        clean_lms("2020-EN1"),
        "stop",
        (
            "{file}: {rows} records read, {rows} set aside",
            "every record was set aside",
            f"{RESULTS}/validation/quarantine/lms/2020-EN1/staging.failed.csv",
            "validation.max_quarantined_share",
        ),
        lms_built("2020-EN1"),
        config={"on_invalid": "quarantine"},
    ),
    Case(
        "quarantine_every_evaluation_response",
        "every answer to usefulness in the French evaluation export not in the codebook, on_invalid: quarantine",
        FR_EVAL,
        _every_row(FR_EVAL, Q_FR_USEFUL, "Assez utile"),
        stage_eval("2021-FR1"),
        "stop",
        (
            "{file}: {rows} records read, {rows} set aside",
            "every record was set aside",
            f"{RESULTS_2021}/validation/quarantine/survey/evaluation-2021-FR1.failed.csv",
        ),
        (stage_eval("2021-FR1"),),
        config={**SCOPE_2021, "on_invalid": "quarantine"},
    ),
    Case(
        "quarantine_every_participant_country",
        "every participant's country 'Atlantis', on_invalid: quarantine: set aside while cleaning, the edition "
        "would have no participants",
        f"{EN1}/participants.csv",
        _every_row(f"{EN1}/participants.csv", "Country", "Atlantis"),
        clean_lms("2020-EN1"),
        "stop",
        (
            "{file}: ",
            "staff and test accounts left out",
            "every record was set aside",
            f"{RESULTS}/validation/quarantine/lms/2020-EN1/clean.failed.csv",
            "validation.max_quarantined_share",
        ),
        (clean_lms("2020-EN1"),),
        config={"on_invalid": "quarantine"},
    ),
    Case(
        "quarantine_share_exceeded",
        "one grade row out of range with on_invalid: quarantine and validation.max_quarantined_share 0.001",
        GRADES,
        lambda ws: m.set_cell(ws, GRADES, M1, "25.00", column="module_1"),
        clean_lms("2020-EN1"),
        "stop",
        ("{file}:", "1 set aside", "more than validation.max_quarantined_share (0.001)", "staging.failed.csv"),
        lms_built("2020-EN1"),
        config={"on_invalid": "quarantine", "validation": {"max_quarantined_share": 0.001}},
    ),
    Case(
        "course_total_off",
        "a course total 0.5 above the sum of its module grades (Moodle's rounding explains 0.03 at most)",
        GRADES,
        _course_total_off,
        stage_lms("2020-EN1"),
        "stop",
        (*WHERE, "not the sum of the module grades", "differs by 0.50", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "quarantine_course_total_off",
        "a course total 0.5 above the sum of its module grades, on_invalid: quarantine",
        GRADES,
        _course_total_off,
        clean_lms("2020-EN1"),
        "quarantine",
        ("grades", "{line}", "not the sum of the module grades"),
        config={"on_invalid": "quarantine"},
        quarantine=f"{RESULTS}/validation/quarantine/lms/2020-EN1/staging.csv",
    ),
    Case(
        "malformed_certificate_code",
        "a certificate code 'ABC-123' (mod_customcert writes 10 letters and digits, or dddd-dddd-dddd)",
        f"{EN1}/customcert-completion.csv",
        lambda ws: m.set_cell(ws, f"{EN1}/customcert-completion.csv", "Code", "ABC-123", nth=3, column="code"),
        stage_lms("2020-EN1"),
        "stop",
        (*WHERE, "not a certificate code of mod_customcert", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "completion_date_in_future",
        "a course completion date in 2030 (the completion report carries no export date)",
        f"{EN1}/completion.csv",
        _completion_date("5/05/30, 21:21"),
        stage_lms("2020-EN1"),
        "stop",
        (*WHERE, "after the course opened on 2020-03-16", "validation.max_days_after_start", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "completion_date_before_start",
        "a course completion date a week before the edition opened (editions.2020-EN1.start 2020-03-16)",
        f"{EN1}/completion.csv",
        _completion_date("9/03/20, 10:00"),
        stage_lms("2020-EN1"),
        "stop",
        (*WHERE, "before the course opened on 2020-03-16", "editions.2020-EN1.start", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
]

# ---------------------------------------------------------------- issue 14: raw input never shown, right diagnoses
CASES += [
    Case(
        "header_line_missing",
        "participants export whose header line was deleted: the first line is a learner's record (with an e-mail)",
        f"{EN1}/participants.csv",
        lambda ws: m.drop_header_line(ws, f"{EN1}/participants.csv"),
        stage_lms("2020-EN1"),
        "stop",
        (
            "{file}:1",
            "value '(withheld: personal data, see line 1 of {file})'",
            "holds none of the expected headers",
            "[stage_lms]",
        ),
        lms_built("2020-EN1"),
    ),
    Case(
        "header_line_missing_grades",
        "grades export (read with its own headers) whose header line was deleted",
        f"{EN1}/grades.csv",
        lambda ws: m.drop_header_line(ws, f"{EN1}/grades.csv"),
        stage_lms("2020-EN1"),
        "stop",
        ("{file}:1", "withheld: personal data, see line 1 of {file}", "holds none of the expected headers"),
        lms_built("2020-EN1"),
    ),
    Case(
        "quote_open_to_end",
        "participants export cut short inside the quoted last cell of its last record: the quote runs to the end",
        f"{EN1}/participants.csv",
        lambda ws: m.cut_inside_last_quoted_cell(ws, f"{EN1}/participants.csv", 12, column="time_enrolled"),
        stage_lms("2020-EN1"),
        "stop",
        (*WHERE, "quote is probably not closed", "the rest of the file reads as one cell", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "quote_open_in_name",
        "participants export with a quote opened in a learner's last name and never closed",
        f"{EN1}/participants.csv",
        lambda ws: {
            **m.unbalanced_quote(ws, f"{EN1}/participants.csv", "Last name", where=A_LEARNER),
            "column": "last_name",
        },
        stage_lms("2020-EN1"),
        "stop",
        ("{file}:{line}", "column '{column}'", "value '(withheld: personal data, see line {line} of {file})'",
         "quote is probably not closed", "[stage_lms]"),  # fmt: skip
        lms_built("2020-EN1"),
    ),
    Case(
        "long_free_text_200k",
        "a 200 KB follow-up example (over Python csv's 128 KB field limit)",
        FU,
        lambda ws: m.set_cell(ws, FU, "example", ("I applied the course. " * 9400)[:204800], where=resp(ws, UNQUOTED)),
        CLEAN_FU,
        "pass",
        base=True,
        decision="long free text is documented as accepted: a 200 KB answer is read whole, not taken for a quote "
        "left open (lib.io.MAX_FIELD_CHARS bounds one cell at 16 Mi characters)",
    ),
    Case(
        "bom_invalid_byte_at_line_start",
        "participants export (UTF-8 with BOM) with a Latin-1 byte at the very start of a record",
        f"{EN1}/participants.csv",
        lambda ws: m.inject_at_line_start(ws, f"{EN1}/participants.csv", b"\xe9", where=A_LEARNER, column="username"),
        stage_lms("2020-EN1"),
        "stop",
        ("{file}:{line}", "column '{column}'", "bytes {value} at byte offset {offset} ", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "utf16_export",
        "Kobo follow-up export re-saved as UTF-16 ('Unicode Text')",
        FU,
        lambda ws: m.transcode(ws, FU, "utf-16"),
        STAGE_FU,
        "stop",
        ("{file}:1", "the file is UTF-16 text", "CSV UTF-8", "[stage_followup]"),
        (STAGE_FU,),
    ),
]

# ----------------------------------------------------------------------------- issue 14, class 2
# Files an analyst edits by hand (and numbers out of range in an export): one message naming
# the file, never a traceback (lib.errors.InputError; tests/test_input_errors.py walks every
# rule script, these run the workflow itself).
NOTE = "raw/interviews/william-ramirez.yaml"
REGISTRY = "resources/metric_registry.yaml"
ALIASES = "resources/country_aliases.csv"


def _append_text(ws: Path, rel: str, text: str) -> dict:
    path = ws / rel
    before = path.read_text(encoding="utf-8")
    path.write_text(before + text, encoding="utf-8")
    return {"file": rel, "line": before.count("\n") + 1, "value": text.strip()}


CASES += [
    Case(
        "last_downloaded_beyond_year_9999",
        "grade export: 'Last downloaded' time stamp of 20 digits (no date, no 64-bit integer)",
        f"{EN1}/grades.csv",
        lambda ws: m.set_cell(
            ws, f"{EN1}/grades.csv", "Last downloaded from this course", "9" * 20, column="last_downloaded"
        ),
        stage_lms("2020-EN1"),
        "stop",
        (*WHERE, "is not a Unix time stamp", "[stage_lms]"),
        lms_built("2020-EN1"),
    ),
    Case(
        "followup_no_responses",
        "follow-up survey export with its header line only (no responses at all)",
        FU,
        lambda ws: m.keep_header_only(ws, FU),
        STAGE_FU,
        "stop",
        ("{file}:1", "no responses", "[stage_followup]"),
        (STAGE_FU,),
    ),
    Case(
        "alias_invalid_iso",
        "country alias table: a row whose iso3 is not an ISO alpha-3 code",
        ALIASES,
        lambda ws: _append_text(ws, ALIASES, "Atlantis,ATL,lost continent\n"),
        clean_lms("2020-EN1"),
        "stop",
        ("{file}: line {line}: alias 'Atlantis' points to 'ATL', not an ISO alpha-3 code", "Correct or delete"),
        (clean_lms("2020-EN1"),),
    ),
    Case(
        "account_pattern_invalid_regex",
        "config accounts.test_email_patterns: an invalid regular expression",
        "config.yaml",
        lambda ws: {},
        clean_lms("2020-EN1"),
        "stop",
        ("accounts.test_email_patterns[0]", "'@example.(org'", "not a valid regular expression"),
        (clean_lms("2020-EN1"),),
        config={"accounts": {"test_email_patterns": ["@example.(org"]}},
    ),
    Case(
        "registry_yaml_syntax",
        "metric registry: a line that breaks the YAML",
        REGISTRY,
        lambda ws: _append_text(ws, REGISTRY, "  - id: [not closed\n"),
        f"{RESULTS}/metrics/metrics.csv",
        "stop",
        ("{file}: not readable as YAML", "line {line}"),
        (f"{RESULTS}/metrics/metrics.csv", stage_lms("2020-EN1")),
    ),
    Case(
        "interview_note_yaml_syntax",
        "interview note: a bracket left open (YAML syntax error)",
        NOTE,
        lambda ws: _append_text(ws, NOTE, "headline: [not closed\n"),
        f"{RESULTS}/report/generated/_variables.yml",
        "stop",
        ("{file}: not readable as YAML", "line {line}"),
        (f"{RESULTS}/report/generated/_variables.yml",),
        base=True,
    ),
]

BY_ID = {c.id: c for c in CASES}
assert len(BY_ID) == len(CASES), "case ids must be unique"
