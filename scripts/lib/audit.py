"""The auditor's path: pure logic behind ``make audit`` and ``make trace``.

Four jobs, each testable on small hand-made inputs:

* checksum verification of ``raw/`` against ``raw/SHA256SUMS`` (missing, extra and
  changed files, each named);
* claim-by-claim comparison of the published claims register
  (``published/claims.yaml``) with the recomputed metrics, at the published rounding;
* row-level evidence: splitting the metrics stage's evidence tables into one CSV per
  metric with pseudonymous keys only;
* the Workflow Run RO-Crate (JSON-LD) describing a run.

Rounding rule: shares are printed as whole per cent, rounded half away from zero,
computed exactly from the integer numerator and denominator when the metrics table
gives them (no binary floating point near the .5 boundary).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from lib.registry import metric_key

# ----------------------------------------------------------------------------- checksums

SHA_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")


class ChecksumError(Exception):
    """raw/ does not match raw/SHA256SUMS; the message names every offending file."""


@dataclass(frozen=True)
class ChecksumProblem:
    kind: str  # missing | extra | changed
    path: str  # relative to the checksum file's directory, '/'-separated
    expected: str = ""
    actual: str = ""

    def describe(self, prefix: str = "") -> str:
        name = f"{prefix}{self.path}"
        if self.kind == "missing":
            return f"{name}: listed in SHA256SUMS but missing from the folder"
        if self.kind == "extra":
            return f"{name}: present in the folder but not listed in SHA256SUMS"
        return (
            f"{name}: content changed (sha256 expected {self.expected}, "
            f"found {self.actual})"
        )


def sha256_file(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_sha256sums(text: str, source: str = "SHA256SUMS") -> dict[str, str]:
    """Parse ``sha256sum`` output ("<hex>  <path>" or "<hex> *<path>") into path -> hex."""
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = SHA_LINE.match(line)
        if not match:
            raise ChecksumError(
                f"{source}, line {number}: expected '<64 hex digits>  <path>', "
                f"found {line!r}"
            )
        path = match.group(2).strip().removeprefix("./")
        if path in sums:
            raise ChecksumError(f"{source}, line {number}: {path} is listed twice")
        sums[path] = match.group(1).lower()
    return sums


def list_files(root: Path, ignore: Iterable[str] = ()) -> list[str]:
    """Every file below ``root`` as a sorted '/'-separated relative path."""
    ignored = set(ignore)
    found = (p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    return sorted(p for p in found if p not in ignored)


def verify_tree(root: Path, sums: Mapping[str, str], ignore: Iterable[str] = ()) -> list[ChecksumProblem]:
    """Compare the files below ``root`` with ``sums``; return the problems, sorted by path."""
    present = set(list_files(root, ignore))
    problems = [ChecksumProblem("missing", p, sums[p]) for p in sums if p not in present]
    problems += [ChecksumProblem("extra", p) for p in present if p not in sums]
    for path in sorted(present & set(sums)):
        actual = sha256_file(root / path)
        if actual != sums[path]:
            problems.append(ChecksumProblem("changed", path, sums[path], actual))
    return sorted(problems, key=lambda p: (p.path, p.kind))


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


class ClaimsError(Exception):
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


REQUIRED = ("id", "section", "paraphrase", "published", "value", "unit", "rounding", "check")


def validate_register(claims: list[Mapping[str, Any]], source: str = "published/claims.yaml") -> None:
    """Stop on a malformed register, naming the claim and the field."""
    seen: set[str] = set()
    for number, claim in enumerate(claims, start=1):
        cid = claim.get("id", f"#{number}")
        for name in REQUIRED:
            if name not in claim:
                raise ClaimsError(f"{source}: claim {cid} has no '{name}'")
        if cid in seen:
            raise ClaimsError(f"{source}: claim id {cid} is used twice")
        seen.add(cid)
        if claim["check"] not in CHECKS:
            raise ClaimsError(f"{source}: claim {cid}: unknown check {claim['check']!r}")
        needs = "source" if claim["check"].startswith("interview") else (
            None if claim["check"].startswith("config") else "metric")
        if needs and needs not in claim:
            raise ClaimsError(f"{source}: claim {cid} (check {claim['check']}) needs '{needs}'")


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


# ----------------------------------------------------------------------------- evidence

HEX64 = re.compile(r"^[0-9a-f]{64}$")
EVIDENCE_BASE = ["metric_id", "level"]
EVIDENCE_TAIL = ["in_numerator", "value"]
KEY_COLUMNS = {"participant_key", "response_id", "edition", "country", "country_iso3", "language"}


class EvidenceError(Exception):
    """An evidence table would leak identifying data or is malformed."""


def evidence_columns(registry_evidence: str) -> list[str]:
    """Registry `evidence` ("participant_key, edition") -> column list."""
    return [c.strip() for c in str(registry_evidence).split(",") if c.strip()]


def normalise_evidence(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (metric, level, unit in the denominator) with an `in_numerator` flag.

    Accepts the survey/LMS layout (`in_numerator` column) or a long layout with a `role`
    column (numerator | denominator) and `key` / `key_type` columns.
    """
    if "in_numerator" in frame.columns:
        return frame.copy()
    if {"role", "key", "key_type"} <= set(frame.columns):
        # a unit listed as numerator only (counts) is in the denominator too
        ids = ["metric_id", "level", "key_type", "key"]
        num = frame[frame["role"] == "numerator"][ids].drop_duplicates().assign(in_numerator=True)
        rows = frame.drop(columns="role").drop_duplicates(ids)
        out = rows.merge(num, on=ids, how="left")
        out["in_numerator"] = out["in_numerator"].fillna(False).astype(bool)
        return out
    raise EvidenceError("evidence table has neither 'in_numerator' nor 'role'/'key' columns")


def metric_evidence(frame: pd.DataFrame, metric_id: str, keys: list[str]) -> pd.DataFrame:
    """The evidence rows of one metric: pseudonymous keys only, sorted, privacy-checked."""
    rows = frame[frame["metric_id"] == metric_id]
    key_cols = [c for c in keys if c in frame.columns]
    if {"key", "key_type"} <= set(frame.columns):
        key_cols += ["key_type", "key"]
    leaked = [c for c in key_cols if c not in KEY_COLUMNS | {"key", "key_type"}]
    if leaked:
        raise EvidenceError(f"{metric_id}: evidence column(s) {leaked} are not pseudonymous keys")
    cols = EVIDENCE_BASE + key_cols + [c for c in EVIDENCE_TAIL if c in frame.columns]
    out = rows[cols].copy()
    out["level"] = out["level"].fillna("").astype(str)
    for col in key_cols:
        text = out[col].astype("string")
        if text.str.contains("@", regex=False).fillna(False).any():
            raise EvidenceError(f"{metric_id}: column {col} holds an e-mail address")
        if col == "participant_key" and not text.dropna().str.fullmatch(HEX64).all():
            raise EvidenceError(f"{metric_id}: participant_key is not a 64-hex pseudonym")
    return out.sort_values(["level", *key_cols], kind="mergesort").reset_index(drop=True)


def recount(evidence: pd.DataFrame) -> pd.DataFrame:
    """Numerator and denominator per level recounted from evidence rows (an auditor's check)."""
    grouped = evidence.assign(n=1, k=evidence["in_numerator"].fillna(False).astype(int))
    return grouped.groupby("level", sort=True)[["k", "n"]].sum().rename(
        columns={"k": "numerator", "n": "denominator"}).reset_index()


# ----------------------------------------------------------------------------- HTML

STATUS_COLOURS = {
    "reproduced": "#d9f2d9", "differs": "#f8d0d0",
    "inconsistent_in_publication": "#fde9c4", "not_from_exports": "#e3e8f4",
}


CLAIMS_CSS = """
body{font:15px/1.45 "DejaVu Sans",Arial,sans-serif;color:#1a1a1a;margin:0 auto;padding:1.5em 1.2em;max-width:90em}
h1{font-size:1.5em;color:#0a4a8a;margin:0 0 .6em}
ul.legend{padding-left:1.2em}ul.legend li{margin:.25em 0}
.badge{padding:0 .3em;white-space:nowrap}
table{border-collapse:collapse;width:100%;font-size:.88em}
th,td{border:1px solid #999;padding:4px 6px;vertical-align:top;text-align:left;overflow-wrap:break-word}
th{background:#eef2f7}
td.claim_id{white-space:nowrap}
td.recomputed_exact{min-width:12em;overflow-wrap:anywhere}
td.note{min-width:16em;max-width:40em;overflow-wrap:anywhere}
@media (max-width:760px){
 body{padding:1em .8em}
 table,tbody,tr,td{display:block;width:auto}
 thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
 tr{border:1px solid #999;margin:0 0 .8em;padding:.3em .5em}
 td,td.claim_id{border:0;padding:.15em 0;white-space:normal;overflow-wrap:anywhere}
 td.note,td.recomputed_exact{min-width:0;max-width:none}
 td::before{content:attr(data-label) ": ";font-weight:bold}
}
"""


def render_claims_html(frame: pd.DataFrame, escape: Any, title: str) -> str:
    """A self-contained HTML page of the claims table; every cell goes through `escape`.
    Responsive: a table on a wide screen (the note column wraps), one card per claim on a
    phone (each value labelled with its column), with a viewport meta for mobile browsers."""
    counts = frame["status"].value_counts()
    summary = ", ".join(f"{int(counts.get(s, 0))} {s}" for s in STATUSES)
    def breakable(text: str) -> str:  # escaped text; a line may break after an underscore
        return text.replace("_", "_<wbr>")

    head = "".join(f'<th scope="col">{breakable(escape(c))}</th>' for c in CLAIM_COLUMNS)
    body = []
    for row in frame.itertuples(index=False):
        colour = STATUS_COLOURS.get(row.status, "#ffffff")
        cells = "".join(f'<td class="{c}" data-label="{escape(c)}">{breakable(escape(getattr(row, c)))}</td>'
                        for c in CLAIM_COLUMNS)
        body.append(f'<tr style="background:{colour}">{cells}</tr>')
    legend = "".join(
        f'<li><span class="badge" style="background:{STATUS_COLOURS[s]}">{escape(s)}</span>: {escape(t)}</li>'
        for s, t in STATUS_MEANING.items()
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title><style>{CLAIMS_CSS}</style></head><body>\n"
        f"<h1>{escape(title)}</h1>\n<p>{escape(len(frame))} claims: {escape(summary)}.</p>\n"
        f"<ul class=\"legend\">{legend}</ul>\n<table><thead><tr>{head}</tr></thead><tbody>\n"
        + "\n".join(body) + "\n</tbody></table>\n</body></html>\n"
    )


STATUS_MEANING = {
    "reproduced": "the data gives the published figure at the published rounding",
    "differs": "the data does not give the published figure (the audit fails)",
    "inconsistent_in_publication": "the data agrees with the story's own other figures "
    "or denominator, not with the sentence as printed",
    "not_from_exports": "an interview fact: checked against the interview notes, "
    "not computable from the exports",
}


# ----------------------------------------------------------------------------- RO-Crate

PROFILES = {
    "https://w3id.org/ro/wfrun/process/0.6": ("Process Run Crate", "0.6"),
    "https://w3id.org/ro/wfrun/workflow/0.6": ("Workflow Run Crate", "0.6"),
    "https://w3id.org/workflowhub/workflow-ro-crate/1.1": ("Workflow RO-Crate", "1.1"),
}
SNAKEMAKE_LANG = "https://w3id.org/workflowhub/workflow-ro-crate#snakemake"


def file_entity(path: str, sha256: str, size: int, **extra: Any) -> dict[str, Any]:
    return {"@id": path, "@type": "File", "name": path, "sha256": sha256,
            "contentSize": str(size), **extra}


def build_crate(
    main_workflow: str,
    workflow_files: list[dict[str, Any]],
    config_files: list[dict[str, Any]],
    inputs: list[dict[str, Any]],
    outputs: list[dict[str, Any]],
    software: Mapping[str, str],
    git: Mapping[str, Any],
    end_time: str | None,
) -> dict[str, Any]:
    """A Workflow Run RO-Crate 0.6 (JSON-LD dict); file dicts carry path, sha256, size.

    Ids are paths relative to the repository root, which is the crate root ("./").
    """
    soft_ids = {name: f"#software-{re.sub(r'[^a-z0-9]+', '-', name.lower())}" for name in software}
    wf = next(f for f in workflow_files if f["path"] == main_workflow)
    workflow = file_entity(
        wf["path"], wf["sha256"], wf["size"],
        **{"@type": ["File", "SoftwareSourceCode", "ComputationalWorkflow"],
           "name": "impact-story-workflow (Snakemake)",
           "programmingLanguage": {"@id": SNAKEMAKE_LANG},
           "hasPart": [{"@id": f["path"]} for f in workflow_files if f["path"] != main_workflow],
           "softwareRequirements": [{"@id": soft_ids[n]} for n in sorted(software)],
           "version": git.get("commit") or "unknown"})
    action = {
        "@id": "#run", "@type": "CreateAction", "name": "Run of impact-story-workflow",
        "instrument": {"@id": main_workflow},
        "object": [{"@id": f["path"]} for f in config_files + inputs],
        "result": [{"@id": f["path"]} for f in outputs],
        "actionStatus": {"@id": "http://schema.org/CompletedActionStatus"},
    }
    if end_time:
        action["endTime"] = end_time
    git_entities = [
        {"@id": "#git-commit", "@type": "PropertyValue", "name": "git_commit",
         "value": git.get("commit") or "unknown"},
        {"@id": "#git-dirty", "@type": "PropertyValue", "name": "git_dirty",
         "value": "unknown" if git.get("dirty") is None else str(bool(git["dirty"])).lower()},
    ]
    parts = workflow_files + config_files + inputs + outputs
    root = {
        "@id": "./", "@type": "Dataset", "name": "impact-story-workflow run",
        "description": "Workflow Run RO-Crate of one run. Entity ids are paths relative "
        "to the repository root; this file is stored at results/<scope>/provenance/.",
        "license": {"@id": "https://spdx.org/licenses/CC-BY-4.0"},
        "conformsTo": [{"@id": uri} for uri in PROFILES],
        "mainEntity": {"@id": main_workflow},
        "hasPart": [{"@id": f["path"]} for f in parts],
        "mentions": [{"@id": "#run"}, {"@id": "#git-commit"}, {"@id": "#git-dirty"}],
    }
    graph: list[dict[str, Any]] = [
        {"@id": "ro-crate-metadata.json", "@type": "CreativeWork", "about": {"@id": "./"},
         "conformsTo": {"@id": "https://w3id.org/ro/crate/1.3"}},
        root,
        *({"@id": u, "@type": "CreativeWork", "name": n, "version": v} for u, (n, v) in PROFILES.items()),
        workflow,
        {"@id": SNAKEMAKE_LANG, "@type": "ComputerLanguage", "name": "Snakemake",
         "identifier": {"@id": "https://doi.org/10.12688/f1000research.29032.2"},
         "url": {"@id": "https://snakemake.readthedocs.io"}, "version": software.get("snakemake", "")},
        action, *git_entities,
        *({"@id": soft_ids[n], "@type": "SoftwareApplication", "name": n, "version": software[n]}
          for n in sorted(software)),
    ]
    graph += [file_entity(f["path"], f["sha256"], f["size"]) for f in workflow_files if f["path"] != main_workflow]
    graph += [file_entity(f["path"], f["sha256"], f["size"], description="workflow configuration")
              for f in config_files]
    graph += [file_entity(f["path"], f["sha256"], f["size"], description="raw input") for f in inputs]
    graph += [file_entity(f["path"], f["sha256"], f["size"], description="output") for f in outputs]
    return {"@context": ["https://w3id.org/ro/crate/1.3/context",
                         "https://w3id.org/ro/terms/workflow-run/context"], "@graph": graph}


def describe_files(root: Path, paths: Iterable[str]) -> list[dict[str, Any]]:
    """path, sha256 and size of files given relative to `root`, sorted by path."""
    return [{"path": p, "sha256": sha256_file(root / p), "size": (root / p).stat().st_size}
            for p in sorted(set(paths))]


# ----------------------------------------------------------------------------- trace

RULE_HEAD = re.compile(r"^(?:rule|checkpoint)\s+(\w+)\s*:", re.MULTILINE)


def parse_rules(text: str, source: str = "") -> list[dict[str, str]]:
    """Split a Snakemake rule file into rules: name, its text block, script path if any."""
    heads = list(RULE_HEAD.finditer(text))
    rules = []
    for i, head in enumerate(heads):
        block = text[head.start(): heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        script = re.search(r"^\s+script:\s*\n?\s*[\"']([^\"']+)[\"']", block, re.MULTILINE)
        output = re.search(r"^\s+output:\s*\n(.*?)(?=^\s{4}\w+:|\Z)", block, re.MULTILINE | re.DOTALL)
        rules.append({"name": head.group(1), "file": source, "block": block,
                      "output": output.group(1) if output else "",
                      "script": script.group(1) if script else ""})
    return rules


def rules_for_stage(rules: list[dict[str, str]], stage: str) -> list[dict[str, str]]:
    """Rules that write the metrics (or evidence) of a registry stage."""
    # outputs are written `results("metrics/...")` (results/<scope>/metrics/...)
    writes_metrics = [r for r in rules if re.search(r"results\W{1,3}metrics/", r["output"])]
    exact = [r for r in writes_metrics if f"evidence/{stage}" in r["output"] or stage in r["name"]]
    return exact or writes_metrics
