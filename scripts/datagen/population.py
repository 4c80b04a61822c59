"""The generator's own truth tables for the LMS side.

`Row` = one participant of one edition (the unit every participation metric counts),
`Person` = one human being (one normalised e-mail), `Account` = one line of the
participants export (learner, duplicate, staff or test account). Rows carry the truth
(country, harmonised gender, grades, completion, certificates); accounts carry how the
LMS shows them.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from . import calibration as cal
from . import names
from .sitespec import (
    COMPLETION_MIN_TOTAL,
    EDITION_BY_ID,
    EDITIONS_2020,
    EDITIONS_2021,
    GENDER_WRITTEN,
    PARTICIPATION_MIN_TOTAL,
    QUESTIONS_PER_QUIZ,
    TEST_EMAIL_PATTERNS,
    TEST_USERNAME_PATTERNS,
)


@dataclass
class Person:
    pid: int
    first: str
    last: str
    latin_first: str
    latin_last: str
    email: str  # normalised (trimmed, lower case)
    occupation: str
    organisation_type: str  # canonical code, localised when written
    pref_lang: str


@dataclass
class Row:
    edition: str
    person: Person | None = None
    country: str | None = None  # ISO3
    gender: str = ""  # female | male | other | not_recorded
    gender_written: str = ""  # the label as the LMS shows it ("" = blank)
    correct: list[int | None] = field(default_factory=lambda: [None] * 5)
    complete: bool = False
    eligible: str = "none"
    issued: str = "none"
    status: str = "active"
    enrolled: datetime | None = None
    completed_on: datetime | None = None
    issued_on: datetime | None = None

    @property
    def total(self) -> float | None:
        """Course total out of 100 (None = no grade at all)."""
        done = [c for c in self.correct if c is not None]
        return sum(done) * 20 / QUESTIONS_PER_QUIZ if done else None


@dataclass
class Account:
    edition: str
    kind: str  # learner | duplicate | staff | test
    role: str  # student | teacher | non_editing_teacher | manager
    user_id: int
    username: str
    first: str
    last: str
    email: str  # as written (case and spaces messed up on some rows)
    country: str | None
    pref_lang: str
    gender_written: str
    occupation: str
    organisation_type: str
    status: str
    enrolled: datetime
    row: Row | None = None  # learner and duplicate accounts
    complete: bool = False
    completed_on: datetime | None = None
    correct: list[int | None] = field(default_factory=lambda: [None] * 5)
    certificate: str = "none"
    issued_on: datetime | None = None


OCCUPATIONS = (
    "programme_officer", "project_manager", "student", "researcher", "lecturer",
    "consultant", "entrepreneur", "lawyer", "social_worker", "public_servant",
    "economist", "volunteer",
)  # fmt: skip
ORG_TYPES = (
    "government", "ngo", "international_organization", "academia", "private_sector",
    "self_employed", "other",
)  # fmt: skip


def _weighted(rng: random.Random, pairs):
    labels, weights = zip(*pairs, strict=True)
    return rng.choices(labels, weights=weights)[0]


def country_multiset_2020() -> list[str]:
    """The 2020 country of every participant row with a country (exact published ranks)."""
    tokens = cal.COUNTRIES_2020.split()
    counts = {tokens[i]: int(tokens[i + 1]) for i in range(0, len(tokens), 2)}
    target = sum(cal.PARTICIPANTS_2020.values()) - sum(cal.BLANK_COUNTRY_2020.values())
    counts[cal.COUNTRY_ABSORB] += target - sum(counts.values())
    return [c for c, n in counts.items() for _ in range(n)]


def _grades_for(rng: random.Random, eligible: str, complete_variant: bool) -> list[int | None]:
    """Quiz results (correct answers of 12 per module) that put a learner in a category."""
    q = QUESTIONS_PER_QUIZ
    need36, need18 = int(COMPLETION_MIN_TOTAL * q / 20), int(PARTICIPATION_MIN_TOTAL * q / 20)
    if eligible == "completion":
        if rng.random() < 0.03:  # exactly on the threshold (course total 60.00)
            return _spread(rng, need36, 5)
        while True:
            res = [min(q, max(4, round(rng.gauss(9.6, 1.8)))) for _ in range(5)]
            if sum(res) >= need36:
                return res
    if eligible == "participation":
        if complete_variant:  # all five done, total in [30, 60)
            if rng.random() < 0.05:
                return _spread(rng, need18, 5)  # exactly 30.00
            return _spread(rng, rng.randrange(need18, need36), 5)
        if rng.random() < 0.2:  # high total but course not complete (evaluation missing)
            return _spread(rng, rng.randrange(need36, 5 * q + 1), 5)
        k = rng.randrange(2, 5)  # some modules only
        res: list[int | None] = [None] * 5
        for m, v in zip(sorted(rng.sample(range(5), k)),
                        _spread(rng, rng.randrange(need18, min(k * q, need36 + 10) + 1), k),
                        strict=True):  # fmt: skip
            res[m] = v
        return res
    # none
    if rng.random() < 0.6:
        return [None] * 5
    k = rng.randrange(1, 4)
    res = [None] * 5
    for m, v in zip(range(k), _spread(rng, rng.randrange(0, min(need18, k * q + 1)), k), strict=True):
        res[m] = v
    return res


def _spread(rng: random.Random, total: int, k: int) -> list[int]:
    """k quiz results (0..12 each) summing to total."""
    q = QUESTIONS_PER_QUIZ
    assert 0 <= total <= k * q
    res = [total // k] * k
    for i in range(total % k):
        res[i] += 1
    for _ in range(3 * k):  # shuffle mass between modules, keeping the sum
        a, b = rng.randrange(k), rng.randrange(k)
        d = rng.randrange(0, 3)
        if res[a] - d >= 0 and res[b] + d <= q:
            res[a] -= d
            res[b] += d
    return res


def _eligibility(total: float | None, complete: bool) -> str:
    t = total if total is not None else -1.0
    if complete and t >= COMPLETION_MIN_TOTAL:
        return "completion"
    return "participation" if t >= PARTICIPATION_MIN_TOTAL else "none"


class Builder:
    """Builds rows, people and accounts for every edition from one seeded generator."""

    def __init__(self, seed: int):
        self.rng = random.Random(f"{seed}-lms")
        self.taken_emails: set[str] = set()
        self.persons: list[Person] = []
        self.rows: dict[str, list[Row]] = {}
        self.accounts: dict[str, list[Account]] = {}
        self.site_accounts: dict[tuple[str, int], tuple[int, str]] = {}
        self.next_uid = {"en": 1042, "es": 317, "fr": 88, "ar": 153}
        self.usernames: dict[str, set[str]] = {s: set() for s in self.next_uid}

    # ------------------------------------------------------------ people
    def new_person(self, country: str | None, gender: str, edition: str) -> Person:
        rng = self.rng
        ed = EDITION_BY_ID[edition]
        fallback = {"es": "MEX", "fr": "SEN", "ar": "EGY"}.get(ed.language)
        arabic_script = ed.site == "ar" and rng.random() < 0.6
        first, last, lf, ll = names.pick_name(rng, country or fallback, gender, arabic_script)
        email = names.make_email(rng, lf, ll, country, self.taken_emails)
        pref = ed.language if rng.random() < 0.9 else rng.choice(("en", "es", "fr", "ar", "pt"))
        person = Person(len(self.persons) + 1, first, last, lf, ll, email,
                        rng.choice(OCCUPATIONS), rng.choice(ORG_TYPES), pref)  # fmt: skip
        self.persons.append(person)
        return person

    # ------------------------------------------------------------ 2020 (calibrated)
    def build_2020(self) -> None:
        rng = self.rng
        countries = country_multiset_2020()
        # Spanish-speaking countries go preferentially to the Spanish edition
        keyed = sorted(countries, key=lambda c: -(rng.random() + (1.2 if c in
                                                  cal.SPANISH_SPEAKING else 0)))  # fmt: skip
        n_es = cal.PARTICIPANTS_2020["2020-ES1"] - cal.BLANK_COUNTRY_2020["2020-ES1"]
        pool = {"2020-ES1": keyed[:n_es]}
        rest = keyed[n_es:]
        rng.shuffle(rest)
        for ed in ("2020-EN1", "2020-EN2", "2020-EN3"):
            n = cal.PARTICIPANTS_2020[ed] - cal.BLANK_COUNTRY_2020[ed]
            pool[ed], rest = rest[:n], rest[n:]
        assert not rest
        genders = [g for g, n in cal.GENDER_2020.items() for _ in range(n)]
        rng.shuffle(genders)
        for ed in EDITIONS_2020:
            rows = [Row(ed, country=c) for c in pool[ed]]
            rows += [Row(ed, country=None) for _ in range(cal.BLANK_COUNTRY_2020[ed])]
            rng.shuffle(rows)
            for r in rows:
                self._set_gender(r, genders.pop())
            self.rows[ed] = rows
            self._certificates_calibrated(ed)
        self._assign_people(EDITIONS_2020, cal.REPEATERS_2020, previous=())

    def _set_gender(self, row: Row, g: str) -> None:
        site = EDITION_BY_ID[row.edition].site
        if g == "blank":
            row.gender, row.gender_written = "not_recorded", ""
        elif g == "prefer_not":
            row.gender = "not_recorded"
            row.gender_written = _weighted(self.rng, GENDER_WRITTEN[site]["prefer_not"])
        else:
            row.gender = g
            row.gender_written = _weighted(self.rng, GENDER_WRITTEN[site][g])

    def _certificates_calibrated(self, ed: str) -> None:
        cells = dict(cal.RECONCILIATION_2020[ed])
        cells[("none", "none")] = len(self.rows[ed]) - sum(cells.values())
        plan = [pair for pair, n in sorted(cells.items()) for _ in range(n)]
        self.rng.shuffle(plan)
        for row, (issued, eligible) in zip(self.rows[ed], plan, strict=True):
            self._grade_row(row, eligible)
            row.issued = issued

    def _grade_row(self, row: Row, eligible: str) -> None:
        rng = self.rng
        complete_variant = eligible == "completion" or (eligible == "participation"
                                                        and rng.random() < 0.25)  # fmt: skip
        row.correct = _grades_for(rng, eligible, complete_variant)
        row.complete = complete_variant
        row.eligible = _eligibility(row.total, row.complete)
        assert row.eligible == eligible, (row, eligible)

    # ------------------------------------------------------------ 2021 (plausible)
    def build_2021(self) -> None:
        rng = self.rng
        weights = _country_weights_2021()
        for ed in EDITIONS_2021:
            site = EDITION_BY_ID[ed].site
            cw = weights[site]
            rows = []
            for _ in range(cal.PARTICIPANTS_2021[ed]):
                c = None if rng.random() < 0.006 else _weighted(rng, cw)
                r = Row(ed, country=c)
                g = _weighted(rng, (("female", 55), ("male", 38), ("other", 3),
                                    ("blank", 3), ("prefer_not", 1)))  # fmt: skip
                self._set_gender(r, g)
                rows.append(r)
            p_comp, p_part = rng.uniform(0.22, 0.34), rng.uniform(0.22, 0.32)
            for r in rows:
                u = rng.random()
                eligible = ("completion" if u < p_comp else "participation"
                            if u < p_comp + p_part else "none")  # fmt: skip
                self._grade_row(r, eligible)
                v = rng.random()  # issued follows eligibility, with a few exceptions
                if v < 0.008:
                    r.issued = "none"
                elif v < 0.02 and eligible != "completion":
                    r.issued = "completion" if eligible == "participation" else "participation"
                else:
                    r.issued = eligible
            self.rows[ed] = rows
        self._assign_people(EDITIONS_2021, cal.REPEATERS_WITHIN_2021, previous=EDITIONS_2020,
                            n_from_previous=cal.REPEATERS_FROM_2020)  # fmt: skip

    # ------------------------------------------------------------ people <-> rows
    def _assign_people(self, editions, n_repeat: int, previous, n_from_previous: int = 0):
        """Give every row a person; some rows share a person with a row of another edition
        (same country and gender), i.e. people who took two editions."""
        rng = self.rng
        order = {e: i for i, e in enumerate(editions)}
        # rows of an earlier scope whose person comes back
        if previous:
            prev = [r for e in previous for r in self.rows[e] if r.country]
            by_key: dict[tuple, list[Row]] = {}
            for r in prev:
                by_key.setdefault((r.country, r.gender), []).append(r)
            cands = [r for e in editions for r in self.rows[e] if r.country]
            rng.shuffle(cands)
            used_prev: set[int] = set()
            done = 0
            for r in cands:
                opts = [p for p in by_key.get((r.country, r.gender), ())
                        if p.person.pid not in used_prev]  # fmt: skip
                if opts and done < n_from_previous:
                    p = rng.choice(opts)
                    used_prev.add(p.person.pid)
                    r.person = p.person
                    done += 1
            assert done == n_from_previous
        # pairs within this scope
        free = [r for e in editions for r in self.rows[e] if r.country and r.person is None]
        rng.shuffle(free)
        first_of: dict[tuple, list[Row]] = {}
        pairs = 0
        for r in free:
            key = (r.country, r.gender)
            partner = next((p for p in first_of.get(key, ())
                            if p.edition != r.edition and p.person is None), None)  # fmt: skip
            if partner is not None and pairs < n_repeat:
                a, b = sorted((partner, r), key=lambda x: order[x.edition])
                a.person = self.new_person(a.country, a.gender, a.edition)
                b.person = a.person
                pairs += 1
            else:
                first_of.setdefault(key, []).append(r)
        assert pairs == n_repeat
        for e in editions:
            for r in self.rows[e]:
                if r.person is None:
                    r.person = self.new_person(r.country, r.gender, e)

    # ------------------------------------------------------------ accounts
    def build_accounts(self) -> None:
        staff = self._staff_people()
        for ed in EDITION_BY_ID:
            self.accounts[ed] = self._edition_accounts(ed, staff)

    def _uid(self, site: str, pid: int | None, username_hint: str) -> tuple[int, str]:
        """One Moodle account per (site, person): people who take two editions on the same
        site keep their user id and username."""
        if pid is not None and (site, pid) in self.site_accounts:
            return self.site_accounts[(site, pid)]
        self.next_uid[site] += self.rng.randrange(1, 9)
        if _is_test_username(username_hint):
            username_hint = f"u{username_hint}"
        uname = username_hint
        k = 1
        while uname in self.usernames[site] or _is_test_username(uname):
            k += 1
            uname = f"{username_hint}{k}"
        self.usernames[site].add(uname)
        acc = (self.next_uid[site], uname)
        if pid is not None:
            self.site_accounts[(site, pid)] = acc
        return acc

    def _edition_accounts(self, ed: str, staff) -> list[Account]:
        rng = self.rng
        e = EDITION_BY_ID[ed]
        start = datetime.fromisoformat(e.start)
        out: list[Account] = []
        rows = self.rows[ed]
        n_dup = cal.DUPLICATE_ACCOUNTS[ed]
        dup_rows = set(id(r) for r in rng.sample(rows, n_dup))
        for r in rows:
            p = r.person
            r.enrolled = start + timedelta(minutes=rng.randrange(-36 * 1440, 14 * 1440))
            r.status = _weighted(rng, (("active", 93), ("suspended", 3), ("not_current", 4)))
            if r.eligible != "none":
                # Moodle's completion report and default grade export leave out enrolments
                # that are not active: only learners who earned nothing were suspended, so
                # the published eligibility does not depend on the exports' choices
                r.status = "active"
            _set_dates(rng, r, start)
            hint = names.ascii_fold(p.latin_first)[:1] + names.ascii_fold(p.latin_last)[:12]
            uid, uname = self._uid(e.site, p.pid, hint or "user")
            main = Account(ed, "learner", "student", uid, uname, p.first, p.last,
                           names.mess_email(rng, p.email, 0.25, 0.06), r.country,
                           p.pref_lang, r.gender_written, p.occupation, p.organisation_type,
                           r.status, r.enrolled, row=r, complete=r.complete,
                           completed_on=r.completed_on, correct=list(r.correct),
                           certificate=r.issued, issued_on=r.issued_on)  # fmt: skip
            out.append(main)
            if id(r) in dup_rows:
                out.append(self._duplicate(main, r, start, sum(a.kind == "duplicate"
                                                               for a in out)))
        for person, role in staff[e.site]:
            uid, uname = self._uid(e.site, person.pid, names.ascii_fold(person.latin_last))
            out.append(Account(ed, "staff", role, uid, uname, person.first, person.last,
                               person.email, None, e.language, "", person.occupation,
                               "international_organization", "active",
                               start - timedelta(days=rng.randrange(20, 60),
                                                 minutes=rng.randrange(1440))))  # fmt: skip
        out.extend(self._test_accounts(ed, start))
        return out

    def _duplicate(self, main: Account, r: Row, start: datetime, k: int) -> Account:
        """A second account of the same person: same e-mail up to case and spaces, other
        user id and username; it never holds better results than the main account."""
        rng = self.rng
        # the duplicate may be the older account; the first duplicate of every edition is
        # older and lacks gender, the second lacks country (so the merge rule matters)
        earlier = k == 0 or rng.random() < 0.4
        when = r.enrolled + timedelta(days=rng.randrange(1, 20)) * (-1 if earlier else 1)
        gender, country = main.gender_written, main.country
        if k == 0 or rng.random() < 0.5:
            gender = ""  # the second account lacks the profile field
        if k == 1 or rng.random() < 0.4:
            country = None
        uid, uname = self._uid(EDITION_BY_ID[r.edition].site, None,
                               names.ascii_fold(r.person.latin_first) +
                               str(rng.randrange(10, 99)))  # fmt: skip
        email = names.mess_email(rng, r.person.email, 0.0, 0.0)
        while email.strip().lower() != r.person.email or email == main.email:
            email = names.mess_email(rng, r.person.email, 0.9, 0.5)
        dup = Account(r.edition, "duplicate", "student", uid, uname, main.first, main.last,
                      email, country, main.pref_lang, gender, main.occupation,
                      main.organisation_type, "active", when, row=r)  # fmt: skip
        total = r.total
        if total is not None and rng.random() < 0.5:  # a lower attempt on the other account
            done = [i for i, c in enumerate(r.correct) if c is not None]
            i = done[0]
            dup.correct[i] = max(0, (r.correct[i] or 0) - rng.randrange(1, 4))
            if sum(c or 0 for c in dup.correct) >= sum(c or 0 for c in r.correct):
                dup.correct = [None] * 5
        if r.issued == "completion" and rng.random() < 0.5:
            dup.certificate = "participation"  # best issued must win when merging
            dup.issued_on = (r.issued_on or start) - timedelta(days=3)
        return dup

    def _staff_people(self):
        rng = self.rng
        out = {}
        for site, country in (("en", "USA"), ("es", "ESP"), ("fr", "FRA"), ("ar", "JOR")):
            people = []
            for role in ("teacher", "teacher", "non_editing_teacher", "non_editing_teacher",
                         "manager"):  # fmt: skip
                g = rng.choice(("female", "male"))
                first, last, lf, ll = names.pick_name(rng, country, g, False)
                email = f"{names.ascii_fold(lf)}.{names.ascii_fold(ll.split()[0])}@unitar.org"
                if role == "non_editing_teacher":
                    email = email.replace("@unitar.org", "@unctad.org")
                self.taken_emails.add(email)
                people.append((Person(-(len(self.taken_emails)), first, last, lf, ll, email,
                                      "lecturer", "international_organization", "en"), role))
            out[site] = people
        return out

    def _test_accounts(self, ed: str, start: datetime) -> list[Account]:
        rng = self.rng
        site = EDITION_BY_ID[ed].site
        tag = ed[-3:].lower()
        specs = [  # (username, email): some match by username only, some by e-mail only
            (f"test.student.{tag}", f"elearning.qa.{tag}@unitar.org"),
            (f"demo-{tag}", f"demo.{tag}@example.org"),
            (f"qa_{tag}", f"QA.{tag}@test.invalid "),
        ]
        if ed in ("2020-EN1", "2021-ES2"):
            specs.append(("guest", "guest@example.com"))
        out = []
        for uname, email in specs:
            self.next_uid[site] += 1
            acc = Account(ed, "test", "student", self.next_uid[site], uname, "Test", "User",
                          email, None, "en", "", "", "", "active",
                          start - timedelta(days=rng.randrange(3, 10)))  # fmt: skip
            acc.correct = [rng.randrange(0, 13) for _ in range(5)]
            acc.complete = rng.random() < 0.5
            if acc.complete:
                acc.completed_on = start + timedelta(days=2)
                acc.certificate = "completion"  # certificate template tried out on a test user
                acc.issued_on = start + timedelta(days=2, hours=1)
            out.append(acc)
        assert all(_is_test_account(a.username, a.email) for a in out)
        return out


def _is_test_username(username: str) -> bool:
    return any(re.search(p, username.strip(), re.I) for p in TEST_USERNAME_PATTERNS)


def _is_test_account(username: str, email: str) -> bool:
    return _is_test_username(username) or any(
        re.search(p, email.strip(), re.I) for p in TEST_EMAIL_PATTERNS
    )


def _set_dates(rng: random.Random, r: Row, start: datetime) -> None:
    if r.complete:
        r.completed_on = start + timedelta(days=rng.randrange(18, 75), minutes=rng.randrange(1440))
    if r.issued != "none":
        base = r.completed_on or start + timedelta(days=rng.randrange(60, 75))
        late = r.issued != r.eligible  # manual awards come weeks later
        r.issued_on = base + timedelta(days=rng.randrange(25, 60) if late else rng.randrange(0, 6),
                                       minutes=rng.randrange(1440))  # fmt: skip


def _country_weights_2021():
    spec = {
        "en": "IND 60 NGA 40 KEN 35 PHL 30 USA 30 PAK 25 UGA 22 GHA 18 GBR 15 BGD 15 ETH 12 "
        "ZAF 12 CAN 10 TUR 10 EGY 8 JOR 8 LBN 6 ZWE 8 RWA 6 NPL 8 LKA 6 IDN 6 MYS 5 DEU 5 "
        "ITA 5 AUS 4 TZA 6 ZMB 4 SSD 4 SOM 4 AFG 4 MEX 8 COL 6 ECU 6 BRA 4 MLT 1 SGP 2",
        "es": "MEX 80 COL 70 ECU 65 PER 55 VEN 30 ARG 30 CHL 28 ESP 30 GTM 22 BOL 18 CRI 16 "
        "HND 14 SLV 12 DOM 12 PRY 8 URY 8 PAN 8 NIC 6 CUB 4 USA 6 BRA 3 GNQ 2",
        "fr": "SEN 30 CIV 28 CMR 28 COD 25 MLI 18 BFA 18 NER 12 TCD 10 MAR 20 TUN 15 DZA 10 "
        "FRA 25 BEL 12 CHE 6 CAN 10 HTI 12 BEN 10 TGO 10 GIN 8 MDG 6 BDI 5 RWA 4 LUX 1",
        "ar": "EGY 40 JOR 40 LBN 25 SYR 20 IRQ 25 YEM 18 PSE 15 SAU 12 ARE 10 QAT 5 KWT 5 "
        "OMN 5 MAR 20 TUN 15 DZA 12 LBY 10 SDN 18 SOM 5 MRT 3 DJI 2 TUR 6 DEU 3 SWE 2",
    }
    out = {}
    for site, text in spec.items():
        tok = text.split()
        out[site] = tuple((tok[i], int(tok[i + 1])) for i in range(0, len(tok), 2))
    return out


def as_date(d: datetime | date) -> date:
    return d.date() if isinstance(d, datetime) else d


def check_accounts(rows: dict[str, list[Row]], accounts: dict[str, list[Account]]) -> None:
    """The accounts of every learner, merged by the documented rules, give back the row:
    attributes = first non-blank by (time enrolled, user id); completion = any account;
    grades = account with the highest course total; certificate = best issued."""
    rank = {"completion": 2, "participation": 1, "none": 0}
    for ed, accs in accounts.items():
        by_row: dict[int, list[Account]] = {}
        for a in accs:
            if a.row is not None:
                by_row.setdefault(id(a.row), []).append(a)
        assert len(by_row) == len(rows[ed])
        for r in rows[ed]:
            mine = sorted(by_row[id(r)], key=lambda a: (a.enrolled, a.user_id))
            assert len({a.email.strip().lower() for a in mine}) == 1
            first = next((a.gender_written for a in mine if a.gender_written.strip()), "")
            assert first == r.gender_written, (first, r.gender_written)
            assert next((a.country for a in mine if a.country), None) == r.country
            assert any(a.complete for a in mine) == r.complete
            best = max(mine, key=lambda a: -1 if _total(a.correct) is None else _total(a.correct))
            assert best.correct == r.correct
            assert max(rank[a.certificate] for a in mine) == rank[r.issued]


def _total(correct):
    done = [c for c in correct if c is not None]
    return sum(done) if done else None
