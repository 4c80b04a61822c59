"""The claims register checked claim by claim: ``make audit``'s comparison rules.

Each claim of ``published/claims.yaml`` names a check (``equal``, ``above``, ``order``,
``top_set``, ``smallest``, ``largest``, ``config_editions``, ``config_forms``,
``interview``, ``interview_count``) and what it is checked against (a metric key of
``metrics.csv``, the edition register, the follow-up forms or an interview note);
``evaluate_claims`` gives one :class:`ClaimResult` per claim with a status in
``STATUSES``.

Rounding rule: shares are printed as whole per cent, rounded half away from zero,
computed exactly from the integer numerator and denominator when the metrics table
gives them (no binary floating point near the .5 boundary).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from lib.errors import InputError
from lib.registry import RegisterError, check_register, metric_key, read_register

# ----------------------------------------------------------------------------- metrics

STATUSES = ("reproduced", "differs", "inconsistent_in_publication", "not_from_exports")
CLAIM_COLUMNS = [
    "claim_id", "section", "metric_id", "published_value", "recomputed_value",
    "recomputed_exact", "status", "note",
]


def index_metrics(metrics: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """metrics.csv rows keyed by ``metric_id`` or ``metric_id:level``."""
    rows: dict[str, dict[str, Any]] = {}
    for row in metrics.to_dict("records"):
        rows[metric_key(row["metric_id"], row.get("level"))] = row
    return rows


def _is_int(value: Any) -> bool:
    try:
        return value is not None and not pd.isna(value) and float(value) == int(float(value))
    except (TypeError, ValueError):
        return False


def exact_value(row: Mapping[str, Any]) -> Fraction:
    """The metric as an exact fraction, in per cent for shares and mean_percent."""
    num, den, unit = row.get("numerator"), row.get("denominator"), row.get("unit")
    if unit in ("share", "mean_percent") and _is_int(num) and _is_int(den) and float(den) > 0:
        frac = Fraction(int(float(num)), int(float(den)))
        return frac * 100 if unit == "share" else frac
    value = Fraction(str(row["value"]))
    return value * 100 if unit == "share" else value


def round_half_up(value: Fraction) -> int:
    """Round half away from zero, exactly (Fraction -> Decimal at 50 digits)."""
    quotient = Decimal(value.numerator) / Decimal(value.denominator)
    return int(quotient.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def format_integer(value: int) -> str:
    return f"{value:,}"


def format_percent(value: int) -> str:
    return f"{value} per cent"


def describe_exact(row: Mapping[str, Any]) -> str:
    unit = row.get("unit")
    if unit == "count":
        return format_integer(int(float(row["value"])))
    num, den = row.get("numerator"), row.get("denominator")
    frac = exact_value(row)
    shown = f"{float(frac):.4f}".rstrip("0").rstrip(".")
    suffix = " per cent" if unit in ("share", "mean_percent") else ""
    if _is_int(num) and _is_int(den):
        return f"{int(float(num))}/{int(float(den))} = {shown}{suffix}"
    if num is not None and not pd.isna(num):
        return f"{num}/{den} = {shown}{suffix}"
    return f"{shown}{suffix}"


# ----------------------------------------------------------------------------- claims


class ClaimsError(InputError):
    """The claims register is malformed, or names a metric the metrics table lacks."""


@dataclass
class ClaimResult:
    claim_id: str
    section: str
    metric_id: str
    published_value: str
    recomputed_value: str
    recomputed_exact: str
    status: str
    note: str = ""
    reasons: list[str] = field(default_factory=list)

    def as_row(self) -> dict[str, str]:
        return {c: getattr(self, c) for c in CLAIM_COLUMNS}


@dataclass
class Context:
    """Everything a claim may be checked against."""

    metrics: dict[str, dict[str, Any]]
    editions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    survey_forms: list[str] = field(default_factory=list)
    interviews: Mapping[str, Any] = field(default_factory=dict)  # path -> parsed YAML
    claims: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def _row(ctx: Context, key: str) -> dict[str, Any]:
    if key not in ctx.metrics:
        raise ClaimsError(f"metric key {key!r} is not in the metrics table")
    return ctx.metrics[key]


def _levels(ctx: Context, metric_id: str, exclude: Iterable[str] = ()) -> list[dict[str, Any]]:
    skip = set(exclude)
    rows = [
        r for k, r in ctx.metrics.items()
        if k.startswith(metric_id + ":") and str(r.get("level")) not in skip
    ]
    if not rows:
        raise ClaimsError(f"metric {metric_id!r} has no levels in the metrics table")
    return rows


def ranked_levels(rows: list[dict[str, Any]]) -> list[str]:
    """Levels ordered by the metrics table's rank, else by value (desc) then level."""
    def sort_key(r: dict[str, Any]) -> tuple:
        rank = r.get("rank")
        has_rank = rank is not None and not pd.isna(rank)
        return (0 if has_rank else 1, float(rank) if has_rank else -float(exact_value(r)), str(r["level"]))
    return [str(r["level"]) for r in sorted(rows, key=sort_key)]


def _published_number(claim: Mapping[str, Any]) -> Fraction:
    return Fraction(str(claim["value"]))


def _format_rounded(claim: Mapping[str, Any], exact: Fraction) -> tuple[str, bool]:
    rounded = round_half_up(exact)
    text = format_percent(rounded) if claim["rounding"] == "whole_percent" else format_integer(rounded)
    return text, Fraction(rounded) == _published_number(claim)


def check_equal(claim: Mapping[str, Any], ctx: Context) -> ClaimResult:
    row = _row(ctx, claim["metric"])
    text, ok = _format_rounded(claim, exact_value(row))
    result = _result(claim, claim["metric"], text, describe_exact(row), ok)
    context_den = claim.get("story_check", {}).get("context_denominator")
    if ok and context_den:
        # the text prints the share beside another total: does it hold over that total too?
        total = _row(ctx, context_den["metric"])
        alt = exact_value(dict(row, denominator=total["value"]))
        alt_text, alt_ok = _format_rounded(claim, alt)
        if not alt_ok:
            num, den = int(float(row["numerator"])), int(float(row["denominator"]))
            result.status = "inconsistent_in_publication"
            result.reasons.append(
                f"reproduced over {format_integer(den)} ({num}/{den}), but the text sets it "
                f"beside {context_den['printed']} {context_den['what']}, over which it would be "
                f"{alt_text} ({num}/{int(float(total['value']))})"
            )
    return result


def check_above(claim: Mapping[str, Any], ctx: Context) -> ClaimResult:
    row = _row(ctx, claim["metric"])
    exact = exact_value(row)
    ok = exact > _published_number(claim)
    text = f"{format_percent(round_half_up(exact))} ({'above' if ok else 'not above'} {claim['value']})"
    return _result(claim, claim["metric"], text, describe_exact(row), ok)


def check_order(claim: Mapping[str, Any], ctx: Context) -> ClaimResult:
    order = ranked_levels(_levels(ctx, claim["metric"], claim.get("exclude", ())))
    expected = [str(v) for v in claim["value"]]
    got = order[: len(expected)]
    ok = set(got) == set(expected) if claim["check"] == "top_set" else got == expected
    return _result(claim, claim["metric"], " > ".join(got), " > ".join(order), ok)


def check_extreme(claim: Mapping[str, Any], ctx: Context) -> ClaimResult:
    rows = _levels(ctx, claim["metric"], claim.get("exclude", ()))
    values = {str(r["level"]): exact_value(r) for r in rows}
    target = min(values.values()) if claim["check"] == "smallest" else max(values.values())
    winners = sorted(level for level, v in values.items() if v == target)
    exact = "; ".join(f"{k} {float(v):.1f}" for k, v in sorted(values.items(), key=lambda kv: kv[1]))
    result = _result(claim, claim["metric"], " = ".join(winners), exact, str(claim["value"]) in winners)
    if len(winners) > 1 and result.status == "reproduced":
        result.reasons.append(f"tied with {', '.join(w for w in winners if w != claim['value'])}")
    return result


def check_config_editions(claim: Mapping[str, Any], ctx: Context) -> ClaimResult:
    where = claim.get("where", {})
    hits = sorted(e for e, attrs in ctx.editions.items()
                  if all(str(attrs.get(k)) == str(v) for k, v in where.items()))
    ok = len(hits) == int(claim["value"])
    return _result(claim, "config:editions", str(len(hits)), ", ".join(hits), ok)


def check_config_forms(claim: Mapping[str, Any], ctx: Context) -> ClaimResult:
    forms = sorted(ctx.survey_forms)
    ok = forms == sorted(str(v) for v in claim["value"])
    return _result(claim, "config:followup_surveys.forms", ", ".join(forms), ", ".join(forms), ok)


def lookup_path(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if isinstance(data, list):
            data = data[int(part)]
        elif isinstance(data, Mapping) and part in data:
            data = data[part]
        else:
            raise KeyError(dotted)
    return data


def check_interview(claim: Mapping[str, Any], ctx: Context) -> ClaimResult:
    source = claim["source"]
    if claim["check"] == "interview_count":
        found = len(ctx.interviews)
        ok = found == int(claim["value"])
        text, exact = str(found), ", ".join(sorted(ctx.interviews))
    else:
        if source not in ctx.interviews:
            raise ClaimsError(f"claim {claim['id']}: interview file {source} is not an input")
        try:
            found = lookup_path(ctx.interviews[source], claim["field"])
        except (KeyError, IndexError, ValueError):
            found = None
        ok = found is not None and str(found) == str(claim["value"])
        text = "(field missing)" if found is None else str(found)
        exact = f"{source}: {claim['field']} = {text}"
    result = _result(claim, "", text, exact, ok)
    if ok:
        result.status = "not_from_exports"
    return result


CHECKS = {
    "equal": check_equal,
    "above": check_above,
    "order": check_order,
    "top_set": check_order,
    "smallest": check_extreme,
    "largest": check_extreme,
    "config_editions": check_config_editions,
    "config_forms": check_config_forms,
    "interview": check_interview,
    "interview_count": check_interview,
}


def _result(claim: Mapping[str, Any], key: str, text: str, exact: str, ok: bool) -> ClaimResult:
    return ClaimResult(
        claim_id=claim["id"], section=claim.get("section", ""), metric_id=key,
        published_value=str(claim["published"]), recomputed_value=text,
        recomputed_exact=exact, status="reproduced" if ok else "differs",
    )


def story_sums(claim: Mapping[str, Any], ctx: Context) -> list[str]:
    """The story's own arithmetic: sums of other claims' published values vs this one."""
    problems = []
    for group in claim.get("story_check", {}).get("sum_of_claims", []):
        parts = [ctx.claims[c]["value"] for c in group]
        total = sum(int(p) for p in parts)
        if total != int(claim["value"]):
            problems.append(f"the story's own figures give {' + '.join(map(str, parts))} = {total}")
    minimum = claim.get("story_check", {}).get("min_items")
    if minimum and len(claim["value"]) < int(minimum["count"]):
        named = ", ".join(map(str, claim["value"]))
        problems.append(f"{minimum['because']} but names only {len(claim['value'])} ({named})")
    return problems


def evaluate_claim(claim: Mapping[str, Any], ctx: Context) -> ClaimResult:
    if claim["check"] not in CHECKS:
        raise ClaimsError(f"claim {claim['id']}: unknown check {claim['check']!r}")
    result = CHECKS[claim["check"]](claim, ctx)
    internal = story_sums(claim, ctx)
    if internal:
        result.reasons = internal + result.reasons
        if result.status == "differs" and claim.get("story_check"):
            # the data agrees with the story's own arithmetic, not with the printed figure
            result.status = "inconsistent_in_publication"
            result.reasons.append(f"the data gives {result.recomputed_value}")
        elif result.status == "reproduced":
            result.status = "inconsistent_in_publication"
    notes = [claim.get("denominator", "")] + result.reasons
    result.note = "; ".join(n.strip() for n in notes if n and n.strip())
    return result


def evaluate_claims(claims: list[Mapping[str, Any]], ctx: Context) -> list[ClaimResult]:
    ctx.claims = {c["id"]: c for c in claims}
    return [evaluate_claim(c, ctx) for c in claims]


def validate_register(claims: list[Mapping[str, Any]], source: str = "published/claims.yaml") -> None:
    """Stop on a malformed register (schemas/claims.schema.yaml), naming the claim and the key."""
    try:
        check_register({"claims": claims}, source, "claims.schema.yaml", "claims", "claim")
    except RegisterError as err:
        raise ClaimsError(str(err)) from None


def load_claims(path: str | Path) -> list[dict[str, Any]]:
    """The claims of the register at `path`, checked (:class:`ClaimsError` names what is wrong)."""
    try:
        return read_register(path, "claims.schema.yaml", "claims", "claim")["claims"]
    except RegisterError as err:
        raise ClaimsError(str(err)) from None


def index_with_units(metrics: pd.DataFrame, units: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """index_metrics, filling a missing or empty `unit` from the registry."""
    rows = index_metrics(metrics)
    for row in rows.values():
        unit = row.get("unit")
        if unit is None or (isinstance(unit, float) and pd.isna(unit)) or unit == "":
            row["unit"] = units.get(str(row["metric_id"]), "")
    return rows


def claims_frame(results: list[ClaimResult]) -> pd.DataFrame:
    return pd.DataFrame([r.as_row() for r in results], columns=CLAIM_COLUMNS)

