"""End-of-course evaluation (Moodle feedback activity, anonymous), one table per edition."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import calibration as cal
from . import texts
from .sitespec import EDITION_BY_ID, EDITIONS_2020


@dataclass
class Response:
    edition: str
    rid: int
    submitted: datetime
    usefulness: str | None
    relevance: str | None
    intention: str | None  # yes | no | None (skipped)
    comments: str


def build(seed: int, participants: dict[str, int]) -> dict[str, list[Response]]:
    rng = random.Random(f"{seed}-evaluation")
    out = {}
    for ed, e in EDITION_BY_ID.items():
        if ed in EDITIONS_2020:
            answered, yes, blank = cal.INTENTION_2020[ed]
        else:
            answered = round(participants[ed] * rng.uniform(0.42, 0.6))
            yes = round(answered * rng.uniform(0.93, 0.99))
            blank = rng.randrange(2, 7)
        intentions = ["yes"] * yes + ["no"] * (answered - yes) + [None] * blank
        rng.shuffle(intentions)
        start = datetime.fromisoformat(e.start)
        times = sorted(start + timedelta(seconds=rng.randrange(20 * 86400, 80 * 86400))
                       for _ in intentions)  # fmt: skip
        base = rng.randrange(100, 4000)
        lang = e.language
        dangerous = list(texts.DANGEROUS) if ed in ("2020-EN1", "2021-EN4") else []
        rows = []
        for k, (when, intent) in enumerate(zip(times, intentions, strict=True)):
            good = intent == "yes"
            use = rng.choices(("very", "mostly", "somewhat", "not", None),
                              (60, 28, 8, 1, 2) if good else (15, 30, 35, 15, 5))[0]
            rel = rng.choices(("very", "mostly", "somewhat", "not", None),
                              (50, 32, 12, 3, 3) if good else (10, 30, 35, 20, 5))[0]
            comment = rng.choice(texts.COMMENTS[lang]) if rng.random() < 0.3 else ""
            if dangerous and k % 37 == 5:
                comment = dangerous.pop()
            rows.append(Response(ed, base + 3 * k + rng.randrange(3), when, use, rel, intent,
                                 comment))  # fmt: skip
        out[ed] = rows
    return out
