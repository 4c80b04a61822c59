"""Ground truth: the value every registry metric must take, computed from the generator's
own truth tables (never from the CSVs it writes), and the published-figure checks."""

from __future__ import annotations

from collections import Counter

from .evaluation import Response
from .population import Row
from .sitespec import EDITION_BY_ID
from .survey import Respondent

CERTS = ("completion", "participation", "none")
GENDERS = ("female", "male", "other", "not_recorded")


def count(n: int) -> dict:
    return {"value": int(n), "numerator": None, "denominator": None}


def share(num: int, den: int) -> dict:
    return {"value": num / den, "numerator": int(num), "denominator": int(den)}


def participation(rows: list[Row]) -> tuple[dict, dict]:
    t: dict = {}
    ranks: dict = {}
    n = len(rows)
    t["participants_total"] = count(n)
    for key, fn in (("participants_by_edition", lambda r: r.edition),
                    ("participants_by_language", lambda r: EDITION_BY_ID[r.edition].language),
                    ("participants_by_year", lambda r: str(EDITION_BY_ID[r.edition].year))):
        for level, k in sorted(Counter(fn(r) for r in rows).items()):
            t[f"{key}:{level}"] = count(k)  # fmt: skip
    t["unique_people"] = count(len({r.person.pid for r in rows}))
    by_country = Counter(r.country for r in rows if r.country)
    t["countries_total"] = count(len(by_country))
    for c, k in sorted(by_country.items()):
        t[f"participants_by_country:{c}"] = count(k)
    ranks["participants_by_country"] = sorted(by_country, key=lambda c: (-by_country[c], c))
    t["participants_country_not_recorded"] = count(sum(r.country is None for r in rows))
    genders = Counter(r.gender for r in rows)
    for g in GENDERS:
        t[f"gender_count:{g}"] = count(genders[g])
    recorded = n - genders["not_recorded"]
    for g in GENDERS[:3]:
        t[f"gender_share:{g}"] = share(genders[g], recorded)
    for cert in ("completion", "participation"):
        k = sum(r.issued == cert for r in rows)
        t[f"certificates_{cert}"] = count(k)
        t[f"certificates_{cert}_share"] = share(k, n)
        for ed in sorted({r.edition for r in rows}):
            mine = [r for r in rows if r.edition == ed]
            t[f"certificates_{cert}_by_edition:{ed}"] = share(
                sum(r.issued == cert for r in mine), len(mine))
    pairs = Counter((r.issued, r.eligible) for r in rows)
    for i in CERTS:
        for e in CERTS:
            t[f"certificates_reconciliation:{i}_vs_{e}"] = count(pairs[(i, e)])
    return t, ranks


def reaction(responses: dict[str, list[Response]], editions) -> dict:
    t: dict = {}
    shares = []
    for ed in editions:
        answered = [r for r in responses[ed] if r.intention is not None]
        yes = sum(r.intention == "yes" for r in answered)
        t[f"intention_to_use_by_edition:{ed}"] = share(yes, len(answered))
        shares.append(yes / len(answered))
    t["intention_to_use_mean"] = {"value": sum(shares) / len(shares),
                                  "numerator": sum(shares), "denominator": len(shares)}
    return t


def _single(t, key, people, attr, options) -> None:
    answered = [p for p in people if getattr(p, attr) is not None]
    c = Counter(getattr(p, attr) for p in answered)
    for o in options:
        t[f"{key}:{o}"] = share(c[o], len(answered))


def _multi(t, ranks, key, people, attr, options) -> None:
    answered = [p for p in people if getattr(p, attr) is not None]
    c = Counter(o for p in answered for o in getattr(p, attr))
    for o in options:
        t[f"{key}:{o}"] = share(c[o], len(answered))
    ranks[key] = sorted(options, key=lambda o: (-c[o], o))


def application(resp: list[Respondent], rows: list[Row], options) -> tuple[dict, dict]:
    t: dict = {}
    ranks: dict = {}
    n = len(resp)
    t["survey_respondents"] = count(n)
    t["survey_response_rate"] = share(n, len(rows))
    with_ed = [r for r in resp if r.edition]
    eds = sorted({r.edition for r in rows})
    for ed in eds:
        t[f"respondents_by_edition:{ed}"] = share(sum(r.edition == ed for r in with_ed),
                                                  len(with_ed))  # fmt: skip
    langs = sorted({EDITION_BY_ID[e].language for e in eds})
    for lang in langs:
        k = sum(EDITION_BY_ID[r.edition].language == lang for r in with_ed)
        t[f"respondents_by_edition_language:{lang}"] = share(k, len(with_ed))
    _single(t, "relationship_share", resp, "relationship", options["relationship"])
    _single(t, "career_stage_share", resp, "career_stage", options["career_stage"])
    _single(t, "sector_share", resp, "sector", options["sector"])

    def rate(group):
        answered = [r for r in group if r.applied is not None]
        return share(sum(r.applied == "yes" for r in answered), len(answered))

    t["application_rate"] = rate(resp)
    for attr, key in (("relationship", "application_rate_by_relationship"),
                      ("career_stage", "application_rate_by_career_stage")):
        for o in options[attr]:
            t[f"{key}:{o}"] = rate([r for r in resp if getattr(r, attr) == o])  # fmt: skip
    for lang in langs:
        t[f"application_rate_by_edition_language:{lang}"] = rate(
            [r for r in with_ed if EDITION_BY_ID[r.edition].language == lang])
    answered = [r for r in resp if r.importance is not None]
    t["importance_top2"] = share(
        sum(r.importance in ("very_important", "important") for r in answered), len(answered))
    att = [r.attribution for r in resp if r.applied == "yes" and r.attribution is not None]
    t["attribution_mean"] = {"value": sum(att) / len(att), "numerator": sum(att),
                             "denominator": len(att)}  # fmt: skip
    appliers = [r for r in resp if r.applied == "yes"]
    _multi(t, ranks, "topic_applied_share", appliers, "topics", options["topic"])
    _multi(t, ranks, "challenge_share", resp, "challenges", options["challenge"])
    _multi(t, ranks, "recommendation_share", resp, "recommendations", options["recommendation"])
    _multi(t, ranks, "followup_topic_share", resp, "followup_topics", options["followup_topic"])
    linked = [r for r in resp if r.row is not None]
    t["respondents_linked"] = share(len(linked), n)
    for pop, members in (("respondents", [r.row for r in linked]), ("participants", rows)):
        for char, fn, values in (
            ("language", lambda r: EDITION_BY_ID[r.edition].language, langs),
            ("gender", lambda r: None if r.gender == "not_recorded" else r.gender, GENDERS[:3]),
            ("certificate", lambda r: r.issued, CERTS),
        ):
            vals = [fn(m) for m in members if fn(m) is not None]
            c = Counter(vals)
            for v in values:
                t[f"respondent_comparison:{pop}.{char}={v}"] = share(c[v], len(vals))
    return t, ranks


def check_published(t: dict, ranks: dict) -> None:
    """Every figure of the published Impact Story, at the published rounding."""

    def pct(key):
        return round(100 * t[key]["value"])

    def val(key):
        return t[key]["value"]

    assert val("participants_total") == 1681
    assert val("countries_total") == 124
    top = ranks["participants_by_country"]
    assert top[:3] == ["ECU", "MEX", "IND"], top[:3]
    c = [val(f"participants_by_country:{x}") for x in top[:4]]
    assert c[0] > c[1] > c[2] > c[3], c
    assert [val(f"gender_count:{g}") for g in GENDERS] == [915, 617, 82, 67]
    assert [pct(f"gender_share:{g}") for g in GENDERS[:3]] == [57, 38, 5]
    assert t["gender_share:female"]["denominator"] == 1614
    assert pct("certificates_completion_share") == 28
    assert pct("certificates_participation_share") == 29
    assert pct("intention_to_use_mean") == 97
    assert pct("respondents_by_edition_language:es") == 35
    assert [pct(f"relationship_share:{o}") for o in
            ("professional", "interested", "migrant_entrepreneur")] == [44, 32, 7]
    assert pct("career_stage_share:young_professional") == 40
    assert pct("career_stage_share:student") == 7
    sectors = {k: v["value"] for k, v in t.items() if k.startswith("sector_share:")}
    assert pct("sector_share:corporate") == 2
    assert min(sectors, key=sectors.get) == "sector_share:corporate"
    assert sorted(sectors.values()).count(sectors["sector_share:corporate"]) == 1
    assert pct("application_rate") == 80
    for o in ("professional", "migrant_entrepreneur"):
        assert pct(f"application_rate_by_relationship:{o}") >= 86
    for o in ("interested", "researcher", "other"):
        assert t[f"application_rate_by_relationship:{o}"]["value"] < 0.85
    assert pct("importance_top2") == 81
    assert round(val("attribution_mean")) == 68
    topics = ["barriers", "strategies", "legal", "contributions", "finance"]
    tv = [val(f"topic_applied_share:{o}") for o in topics]
    assert all(a > b for a, b in zip(tv, tv[1:], strict=False)), tv
    assert ranks["challenge_share"][:3] == ["funding", "hierarchy", "time"]
    assert val("challenge_share:no_opportunity") < 0.1
    assert ranks["recommendation_share"][:4] == ["promote_government",
                                                 "practitioner_experiences",
                                                 "recorded_videos", "live_session"]
    assert ranks["followup_topic_share"][:4] == ["climate_migration", "managerial_skills",
                                                 "business_plan_sustainability",
                                                 "local_experiences"]
    rr = val("survey_response_rate")
    assert 0.10 <= rr <= 0.20, rr
