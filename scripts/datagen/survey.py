"""The follow-up impact survey of the 2020 editions: one truth table of respondents.

Answers are assigned with exact counts (calibration.py) and then shuffled, so the
published shares hold by construction; the Box 2 quotes sit at pinned response ids.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import calibration as cal
from . import names, texts
from .population import Row
from .sitespec import EDITION_BY_ID, EDITIONS_2020


@dataclass
class Respondent:
    form: str  # en | es
    edition: str | None
    rid: str = ""
    submitted: datetime | None = None
    email: str = ""  # as typed ("" = anonymous)
    row: Row | None = None  # the participant the e-mail links to
    iso3: str | None = None
    country_text: str = ""
    relationship: str | None = None
    career_stage: str | None = None
    sector: str | None = None
    applied: str | None = None
    topics: list[str] | None = None
    importance: str | None = None
    attribution: int | None = None
    example: str = ""
    consent: str | None = None
    challenges: list[str] | None = None
    recommendations: list[str] | None = None
    followup_topics: list[str] | None = None
    pinned: set[str] = field(default_factory=set)


def exact_assign(rng: random.Random, people: list, counts: dict, pins: dict) -> list:
    """Values with exactly `counts` occurrences over `people`; pinned people get their
    pinned value (taken out of the multiset first)."""
    values = [v for v, n in counts.items() for _ in range(n)]
    assert len(values) == len(people), (len(values), len(people))
    for v in pins.values():
        values.remove(v)
    rng.shuffle(values)
    it = iter(values)
    return [pins[id(p)] if id(p) in pins else next(it) for p in people]


def exact_multi(rng: random.Random, people: list, counts: dict) -> list[list[str]]:
    """Multi-select answers: every person picks at least one option, option o is picked
    by exactly counts[o] people."""
    n = len(people)
    assert sum(counts.values()) >= n and max(counts.values()) <= n
    slots = [o for o, k in counts.items() for _ in range(k)]
    rng.shuffle(slots)
    chosen = [{o} for o in slots[:n]]  # one primary option each (never above its count)
    for o, k in counts.items():
        need = k - sum(o in c for c in chosen)
        lacking = [i for i, c in enumerate(chosen) if o not in c]
        for i in rng.sample(lacking, need):
            chosen[i].add(o)
    order = list(counts)
    return [sorted(c, key=order.index) for c in chosen]


def build(seed: int, rows: dict[str, list[Row]], all_emails: set[str]) -> list[Respondent]:
    rng = random.Random(f"{seed}-survey")
    resp: list[Respondent] = []
    for ed, n in cal.SURVEY_EDITION.items():
        own = "es" if ed and EDITION_BY_ID[ed].language == "es" else "en"
        other = cal.SURVEY_OTHER_FORM[ed]
        for i in range(n):
            form = (own if i >= other else ("en" if own == "es" else "es"))
            resp.append(Respondent(form, ed))
    assert len(resp) == cal.SURVEY_SIZE
    start = datetime(2021, 4, 12, 8, 0)
    for r in resp:
        r.submitted = start + timedelta(seconds=rng.randrange(0, 39 * 86400))
    for form, prefix in (("en", "EN"), ("es", "ES")):
        mine = sorted((r for r in resp if r.form == form), key=lambda r: r.submitted)
        for k, r in enumerate(mine, start=1):
            r.rid = f"{prefix}-{k:04d}"
    resp.sort(key=lambda r: r.rid)
    by_id = {r.rid: r for r in resp}
    _pin_quotes(rng, resp, by_id)
    _answers(rng, resp, by_id)
    _emails_and_countries(rng, resp, rows, all_emails)
    _free_text(rng, resp, by_id)
    return resp


def _pin_quotes(rng, resp, by_id) -> None:
    for rid in (*cal.QUOTES, cal.NO_CONSENT_ID):
        r = by_id[rid]
        r.pinned.add("quote" if rid in cal.QUOTES else "no_consent")
        want_es = rid in cal.QUOTES and r.form == "es"
        ok = (r.edition == "2020-ES1") if want_es else (r.edition or "").startswith("2020-EN")
        if not ok:  # swap edition answers with an unpinned respondent of the same form
            donor = next(d for d in resp if d.form == r.form and not d.pinned and d.edition
                         and ((d.edition == "2020-ES1") == want_es))  # fmt: skip
            r.edition, donor.edition = donor.edition, r.edition


def _answers(rng: random.Random, resp, by_id) -> None:
    quoted = [by_id[rid] for rid in cal.QUOTES]
    pins = {id(q): "professional" for q in quoted}
    for r, v in zip(resp, exact_assign(rng, resp, cal.RELATIONSHIP, pins), strict=True):
        r.relationship = v
    for group, (yes, no, noop, skip) in cal.APPLIED_BY_RELATIONSHIP.items():
        members = [r for r in resp if r.relationship == group]
        counts = {"yes": yes, "no": no, "no_opportunity": noop, None: skip}
        pins = {id(q): "yes" for q in quoted if q.relationship == group}
        for r, v in zip(members, exact_assign(rng, members, counts, pins), strict=True):
            r.applied = v
    for r, v in zip(resp, exact_assign(rng, resp, cal.CAREER_STAGE, {}), strict=True):
        r.career_stage = v
    pins = {id(by_id[rid]): spec[0] for rid, spec in cal.QUOTES.items()}
    for r, v in zip(resp, exact_assign(rng, resp, cal.SECTOR, pins), strict=True):
        r.sector = v
    # importance: appliers tend to rate higher (sort by a noisy score, best answers first)
    skipped = set(id(r) for r in rng.sample(resp, cal.IMPORTANCE[None]))
    answering = [r for r in resp if id(r) not in skipped]
    answering.sort(key=lambda r: -((r.applied == "yes") * 1.0 + rng.random() * 1.6))
    scale = [v for v, n in cal.IMPORTANCE.items() if v for _ in range(n)]
    for r, v in zip(answering, scale, strict=True):
        r.importance = v
    appliers = [r for r in resp if r.applied == "yes"]
    _attribution(rng, appliers, [r for r in resp if r.applied in ("no", "no_opportunity")])
    topic_people = _with_pins(rng, appliers, cal.TOPICS_ANSWERED, quoted)
    for r, v in zip(topic_people, exact_multi(rng, topic_people, cal.TOPICS), strict=True):
        r.topics = v
    for n, counts, attr in ((cal.CHALLENGES_ANSWERED, cal.CHALLENGES, "challenges"),
                            (cal.RECOMMENDATIONS_ANSWERED, cal.RECOMMENDATIONS,
                             "recommendations"),
                            (cal.FOLLOWUP_TOPICS_ANSWERED, cal.FOLLOWUP_TOPICS,
                             "followup_topics")):  # fmt: skip
        people = rng.sample(resp, n)
        for r, v in zip(people, exact_multi(rng, people, counts), strict=True):
            setattr(r, attr, v)


def _with_pins(rng, pool, n, must) -> list:
    rest = [r for r in pool if r not in must]
    chosen = [r for r in must if r in pool] + rng.sample(rest, n - sum(r in pool for r in must))
    return sorted(chosen, key=lambda r: r.rid)


def _attribution(rng: random.Random, appliers, non_appliers) -> None:
    quoted = [r for r in appliers if "quote" in r.pinned]
    answering = _with_pins(rng, appliers, cal.ATTRIBUTION_APPLIERS_ANSWERED, quoted)
    grid = (20, 30, 40, 50, 50, 60, 60, 70, 70, 70, 75, 80, 80, 80, 85, 90, 90, 100, 100)
    values = [rng.choice(grid) for _ in answering]
    diff = cal.ATTRIBUTION_SUM - sum(values)
    while diff:
        i = rng.randrange(len(values))
        step = (10 if abs(diff) >= 10 else 5) * (1 if diff > 0 else -1)
        if 0 <= values[i] + step <= 100:
            values[i] += step
            diff -= step
    for r, v in zip(answering, values, strict=True):
        r.attribution = v
    for r in rng.sample(non_appliers, cal.ATTRIBUTION_NON_APPLIERS_ANSWERED):
        r.attribution = rng.choice((0, 0, 10, 10, 20, 30, 50))


def _emails_and_countries(rng, resp, rows, all_emails) -> None:
    # participants who took exactly one 2020 edition can be linked unambiguously
    seen: dict[int, int] = {}
    for ed in EDITIONS_2020:
        for row in rows[ed]:
            seen[row.person.pid] = seen.get(row.person.pid, 0) + 1
    cands = {ed: [row for row in rows[ed] if seen[row.person.pid] == 1] for ed in EDITIONS_2020}
    linkable = [r for r in resp if r.edition and not r.pinned]
    linked = rng.sample(linkable, cal.LINKED_RESPONDENTS)
    used: set[int] = set()
    for r in sorted(linked, key=lambda r: r.rid):
        pool = [row for row in cands[r.edition] if row.person.pid not in used]
        weights = [{"completion": 4, "participation": 2}.get(row.issued, 1) for row in pool]
        row = rng.choices(pool, weights=weights)[0]
        used.add(row.person.pid)
        r.row, r.iso3 = row, row.country
        r.email = names.mess_email(rng, row.person.email, 0.3, 0.1)
    others = [r for r in resp if r.row is None and not r.pinned]
    for r in rng.sample(others, cal.EMAIL_TYPOS):
        r.email = _typo(rng, rng.choice(rows[rng.choice(EDITIONS_2020)]).person.email, all_emails)
    # countries: linked from the LMS, others drawn from the edition's participants
    everyone = [row.country for ed in EDITIONS_2020 for row in rows[ed] if row.country]
    for r in resp:
        if r.row is None and r.iso3 is None:
            pool = [row.country for row in rows[r.edition] if row.country] if r.edition else []
            r.iso3 = rng.choice(pool or everyone)
        text = names.survey_country(r.iso3, r.form) if r.iso3 else None
        if text is None or rng.random() < 0.03:
            r.iso3, r.country_text = None, ""  # left blank
        else:
            r.country_text = text + (" " if rng.random() < 0.05 else "")
    for rid, (_, iso3, text, _) in cal.QUOTES.items():
        r = next(x for x in resp if x.rid == rid)
        r.iso3, r.country_text = iso3, text
    free = [r for r in resp if r.row is None and not r.pinned]
    rng.shuffle(free)
    for lang, text, iso3 in cal.COUNTRY_VARIANTS:  # every hand-typed variant occurs
        r = next(x for x in free if x.form == lang)
        free.remove(r)
        r.iso3, r.country_text = iso3, text

def _typo(rng: random.Random, email: str, all_emails: set[str]) -> str:
    while True:
        local, domain = email.split("@")
        kind = rng.randrange(3)
        if kind == 0 and len(local) > 3:
            i = rng.randrange(len(local) - 1)
            local = local[:i] + local[i + 1] + local[i] + local[i + 2:]
        elif kind == 1:
            domain = {"gmail.com": "gmial.com", "hotmail.com": "hotmal.com"}.get(domain,
                                                                              domain + "m")
        else:
            local = local[:-1]
        typo = f"{local}@{domain}"
        if typo not in all_emails:
            return typo if rng.random() < 0.5 else typo.capitalize()
        email = rng.choice(sorted(all_emails))


def _free_text(rng: random.Random, resp, by_id) -> None:
    dangerous = list(texts.DANGEROUS)
    for r in resp:
        p = 0.62 if r.applied == "yes" else 0.08
        if rng.random() < p:
            r.example = rng.choice(texts.EXAMPLES[r.form])
            r.consent = "yes" if rng.random() < 0.7 else "no"
        else:
            u = rng.random()
            r.consent = "no" if u < 0.1 else ("yes" if u < 0.15 else None)
    carriers = [r for r in resp if r.form == "en" and not r.pinned and r.applied == "yes"]
    for r, text in zip(rng.sample(carriers, len(dangerous)), dangerous, strict=True):
        r.example = text
        r.consent = rng.choice(("yes", "no"))
    for rid, (_, _, _, text) in cal.QUOTES.items():
        by_id[rid].example, by_id[rid].consent = text, "yes"
    r = by_id[cal.NO_CONSENT_ID]
    if not r.example:
        r.example = texts.EXAMPLES["en"][0]
    r.consent = "no"
