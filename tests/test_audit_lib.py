"""Unit tests of the audit's helper modules (lib.checksums, lib.claims, lib.claims_page,
lib.evidence) on small hand-made inputs."""

from __future__ import annotations

import hashlib
from fractions import Fraction

import pandas as pd
import pytest

from lib import checksums, claims, claims_page, evidence

# ----------------------------------------------------------------------------- checksums


def _tree(tmp_path, files: dict[str, bytes]):
    for rel, data in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    lines = [f"{hashlib.sha256(d).hexdigest()}  {rel}" for rel, d in sorted(files.items())]
    (tmp_path / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    return checksums.parse_sha256sums((tmp_path / "SHA256SUMS").read_text())


def test_verify_tree_clean(tmp_path):
    sums = _tree(tmp_path, {"lms/a.csv": b"x,y\n1,2\n", "b.yaml": b"k: 1\n"})
    assert checksums.verify_tree(tmp_path, sums, ignore=["SHA256SUMS"]) == []


def test_verify_tree_missing_extra_changed(tmp_path):
    sums = _tree(tmp_path, {"lms/a.csv": b"x,y\n1,2\n", "b.yaml": b"k: 1\n", "c.csv": b"z\n"})
    (tmp_path / "lms/a.csv").write_bytes(b"x,y\n1,3\n")  # one byte changed
    (tmp_path / "c.csv").unlink()
    (tmp_path / "lms/new.csv").write_bytes(b"new\n")
    problems = checksums.verify_tree(tmp_path, sums, ignore=["SHA256SUMS"])
    assert [(p.kind, p.path) for p in problems] == [
        ("missing", "c.csv"), ("changed", "lms/a.csv"), ("extra", "lms/new.csv")]
    changed = problems[1].describe("raw/")
    assert changed.startswith("raw/lms/a.csv: content changed")
    assert hashlib.sha256(b"x,y\n1,3\n").hexdigest() in changed


def test_parse_sha256sums_binary_marker_and_bad_line():
    hexd = "a" * 64
    assert checksums.parse_sha256sums(f"{hexd} *./x.csv\n") == {"x.csv": hexd}
    with pytest.raises(checksums.ChecksumError, match="line 2"):
        checksums.parse_sha256sums(f"{hexd}  x.csv\nnot a checksum line\n")
    with pytest.raises(checksums.ChecksumError, match="listed twice"):
        checksums.parse_sha256sums(f"{hexd}  x.csv\n{hexd}  x.csv\n")


# ----------------------------------------------------------------------------- rounding


def test_round_half_up_is_exact_at_the_boundary():
    # 57/200 = 28.5 per cent: half-up gives 29 (float 0.285*100 = 28.499999...)
    row = {"value": 0.285, "numerator": 57, "denominator": 200, "unit": "share"}
    assert claims.exact_value(row) == Fraction(57, 2)
    assert claims.round_half_up(claims.exact_value(row)) == 29
    assert claims.round_half_up(Fraction(1, 2)) == 1
    assert claims.round_half_up(Fraction(5, 2)) == 3  # not banker's 2
    assert claims.round_half_up(Fraction(2499, 100)) == 25


def test_exact_value_mean_and_count():
    assert claims.exact_value({"value": 68.2, "numerator": 682, "denominator": 10, "unit": "mean_percent"}) == Fraction(682, 10)
    assert claims.exact_value({"value": 0.97, "numerator": 3.88, "denominator": 4, "unit": "share"}) == 97
    assert claims.describe_exact({"value": 1681.0, "unit": "count"}) == "1,681"
    assert claims.describe_exact({"value": 0.5669, "numerator": 915.0, "denominator": 1614,
                                 "unit": "share"}) == "915/1614 = 56.6914 per cent"


# ----------------------------------------------------------------------------- claims

METRICS = pd.DataFrame(
    [
        ("participants_total", None, 1681, 1681, 1681, "count", None),
        ("gender_share", "female", 915 / 1614, 915, 1614, "share", None),
        ("gender_share", "male", 617 / 1614, 617, 1614, "share", None),
        ("participants_by_country", "ECU", 150, 150, 150, "count", 1),
        ("participants_by_country", "MEX", 120, 120, 120, "count", 2),
        ("participants_by_country", "IND", 120, 120, 120, "count", 3),
        ("participants_by_country", "USA", 10, 10, 10, "count", 4),
        ("sector_share", "corporate", 0.02, 2, 100, "share", None),
        ("sector_share", "ngo", 0.30, 30, 100, "share", None),
        ("sector_share", "other", 0.01, 1, 100, "share", None),
        ("application_rate_by_relationship", "professional", 0.86, 86, 100, "share", None),
        ("application_rate_by_relationship", "other", 0.85, 85, 100, "share", None),
    ],
    columns=["metric_id", "level", "value", "numerator", "denominator", "unit", "rank"],
)

EDITIONS = {
    "2020-EN1": {"year": 2020, "language": "en"}, "2020-ES1": {"year": 2020, "language": "es"},
    "2021-EN4": {"year": 2021, "language": "en"},
}


def _ctx(metrics=METRICS, interviews=None):
    return claims.Context(metrics=claims.index_metrics(metrics), editions=EDITIONS,
                         survey_forms=["en", "es"], interviews=interviews or {})


def _claim(**kw):
    base = {"id": "X", "section": "s", "paraphrase": "p", "unit": "u", "rounding": "integer"}
    return base | kw


def test_equal_count_reproduced_and_differs():
    ok = claims.evaluate_claims([_claim(check="equal", metric="participants_total", published="1,681", value=1681)], _ctx())[0]
    assert (ok.status, ok.recomputed_value, ok.metric_id) == ("reproduced", "1,681", "participants_total")
    bad = claims.evaluate_claims([_claim(check="equal", metric="participants_total", published="1,680", value=1680)], _ctx())[0]
    assert bad.status == "differs"


def test_share_with_context_denominator_is_inconsistent_and_shows_both():
    claim = _claim(check="equal", metric="gender_share:female", published="57 per cent", value=57,
                   rounding="whole_percent",
                   story_check={"context_denominator": {"metric": "participants_total", "printed": "1,681",
                                                        "what": "participants"}})
    res = claims.evaluate_claims([claim], _ctx())[0]
    assert res.status == "inconsistent_in_publication"
    assert res.recomputed_value == "57 per cent"
    assert "1,614" in res.note and "54 per cent" in res.note  # 915/1681 = 54.4 %
    # an edited metric that no longer gives 57 % over 1,614 is a plain difference
    edited = METRICS.copy()
    edited.loc[1, ["value", "numerator"]] = [960 / 1614, 960]
    assert claims.evaluate_claims([claim], _ctx(edited))[0].status == "differs"


def test_share_that_holds_over_both_denominators_is_reproduced():
    claim = _claim(check="equal", metric="gender_share:male", published="38 per cent", value=38,
                   rounding="whole_percent", story_check={"context_denominator": {
                       "metric": "participants_total", "printed": "1,681", "what": "participants"}})
    # 617/1614 = 38.2 %, 617/1681 = 36.7 % -> inconsistent; with 1,630 total it would hold
    metrics = METRICS.copy()
    metrics.loc[0, "value"] = 1630  # 617/1630 = 37.9 % -> 38
    assert claims.evaluate_claims([claim], _ctx(metrics))[0].status == "reproduced"


def test_order_top_set_smallest_above():
    order = _claim(check="order", metric="participants_by_country", published="E, M, I", value=["ECU", "MEX", "IND"])
    assert claims.evaluate_claims([order], _ctx())[0].recomputed_value == "ECU > MEX > IND"
    swapped = _claim(check="order", metric="participants_by_country", published="E, I, M", value=["ECU", "IND", "MEX"])
    assert claims.evaluate_claims([swapped], _ctx())[0].status == "differs"
    top_set = _claim(check="top_set", metric="participants_by_country", published="-", value=["IND", "ECU", "MEX"])
    assert claims.evaluate_claims([top_set], _ctx())[0].status == "reproduced"
    smallest = _claim(check="smallest", metric="sector_share", published="smallest", value="corporate", exclude=["other"])
    assert claims.evaluate_claims([smallest], _ctx())[0].status == "reproduced"
    with_other = _claim(check="smallest", metric="sector_share", published="smallest", value="corporate")
    assert claims.evaluate_claims([with_other], _ctx())[0].status == "differs"
    above = _claim(check="above", metric="application_rate_by_relationship:professional", published=">85", value=85)
    assert claims.evaluate_claims([above], _ctx())[0].status == "reproduced"
    at = _claim(check="above", metric="application_rate_by_relationship:other", published=">85", value=85)
    assert claims.evaluate_claims([at], _ctx())[0].status == "differs"  # 85 is not above 85


def test_story_sums_flag_ten_iterations():
    register = [
        _claim(id="T", check="config_editions", where={}, published="ten", value=2,
               story_check={"sum_of_claims": [["E", "S"]]}),
        _claim(id="E", check="config_editions", where={"language": "en"}, published="2", value=2),
        _claim(id="S", check="config_editions", where={"language": "es"}, published="1", value=1),
    ]
    total, en, es = claims.evaluate_claims(register, _ctx())
    assert (en.status, es.status) == ("reproduced", "reproduced")
    assert total.status == "inconsistent_in_publication"  # 2 printed, 2 + 1 = 3, data 3
    assert "2 + 1 = 3" in total.note and "the data gives 3" in total.note
    register[0]["value"] = 3
    assert claims.evaluate_claims(register, _ctx())[0].status == "reproduced"


def test_min_items_and_config_forms():
    claim = _claim(check="config_forms", published="(English)", value=["en"],
                   story_check={"min_items": {"count": 2, "because": "multilingual"}})
    assert claims.evaluate_claims([claim], _ctx())[0].status == "inconsistent_in_publication"


def test_interview_claims():
    notes = {"raw/interviews/w.yaml": {"facts": {"projects": 3}}}
    ok = _claim(check="interview", source="raw/interviews/w.yaml", field="facts.projects", published="three", value=3)
    assert claims.evaluate_claims([ok], _ctx(interviews=notes))[0].status == "not_from_exports"
    wrong = dict(ok, value=4)
    assert claims.evaluate_claims([wrong], _ctx(interviews=notes))[0].status == "differs"
    missing = dict(ok, field="facts.nothing")
    res = claims.evaluate_claims([missing], _ctx(interviews=notes))[0]
    assert (res.status, res.recomputed_value) == ("differs", "(field missing)")
    count = _claim(check="interview_count", source="raw/interviews/", published="one", value=1)
    assert claims.evaluate_claims([count], _ctx(interviews=notes))[0].status == "not_from_exports"


def test_unknown_metric_key_stops():
    with pytest.raises(claims.ClaimsError, match="gender_share:unknown"):
        claims.evaluate_claims([_claim(check="equal", metric="gender_share:unknown", published="1", value=1)], _ctx())


def test_validate_register():
    good = _claim(published="1", value=1, check="equal", metric="participants_total")
    claims.validate_register([good])
    with pytest.raises(claims.ClaimsError, match=r"claim 'X' \(entry 2\), key 'id': already used by entry 1"):
        claims.validate_register([good, good])
    with pytest.raises(claims.ClaimsError, match=r"claim 'X' \(entry 1\): lacks 'metric' \(for check 'equal'\)"):
        claims.validate_register([{k: v for k, v in good.items() if k != "metric"}])


def test_load_claims_names_file_claim_and_key_without_traceback(tmp_path):
    """published/claims.yaml loads; a broken entry is refused with the file, the claim and
    the key (schemas/claims.schema.yaml), a YAML syntax error with the file and line."""
    assert len(claims.load_claims("published/claims.yaml")) > 40
    bad = tmp_path / "claims.yaml"
    bad.write_text(
        "claims:\n"
        "  - {id: P01, section: s, paraphrase: p, published: '1', value: 1, unit: u, rounding: integer,\n"
        "     check: equal, metric: participants_total}\n"
        "  - {id: P02, section: s, paraphrase: p, published: '1', value: 1, unit: u, rounding: rounded,\n"
        "     check: equals, metric: participants_total, colour: red}\n",
        encoding="utf-8",
    )
    with pytest.raises(claims.ClaimsError) as err:
        claims.load_claims(bad)
    message = str(err.value)
    assert message.startswith(f"{bad}: 3 problem(s)")
    assert "claim 'P02' (entry 2), key 'rounding': 'rounded' is not one of" in message
    assert "claim 'P02' (entry 2), key 'check': 'equals' is not one of" in message
    assert "claim 'P02' (entry 2): unknown key(s) 'colour'" in message
    assert "P01" not in message
    bad.write_text("claims:\n  - id: P01\n   section: s\n", encoding="utf-8")
    with pytest.raises(claims.ClaimsError, match=rf"^{bad}:3: not valid YAML"):
        claims.load_claims(bad)


# ----------------------------------------------------------------------------- evidence

KEY_A, KEY_B = "a" * 64, "b" * 64


def test_metric_evidence_and_recount():
    ev = pd.DataFrame({
        "metric_id": ["gender_share"] * 3 + ["application_rate"],
        "level": ["female", "female", "male", None],
        "participant_key": [KEY_B, KEY_A, KEY_A, None],
        "edition": ["2020-EN1"] * 4,
        "in_numerator": [True, False, True, True],
        "value": [float("nan")] * 4,
    })
    out = evidence.metric_evidence(ev, "gender_share", ["participant_key", "edition"])
    assert list(out.columns) == ["metric_id", "level", "participant_key", "edition", "in_numerator", "value"]
    assert list(out["participant_key"]) == [KEY_A, KEY_B, KEY_A]  # sorted by level then key
    counts = evidence.recount(out)
    assert counts.to_dict("records") == [
        {"level": "female", "numerator": 1, "denominator": 2},
        {"level": "male", "numerator": 1, "denominator": 1},
    ]


def test_metric_evidence_refuses_emails_and_unknown_columns():
    ev = pd.DataFrame({"metric_id": ["m"], "level": [""], "response_id": ["jane@doe.org"], "in_numerator": [True]})
    with pytest.raises(evidence.EvidenceError, match="e-mail"):
        evidence.metric_evidence(ev, "m", ["response_id"])
    ev = pd.DataFrame({"metric_id": ["m"], "level": [""], "email": ["x"], "in_numerator": [True]})
    with pytest.raises(evidence.EvidenceError, match="not pseudonymous"):
        evidence.metric_evidence(ev, "m", ["email"])
    ev = pd.DataFrame({"metric_id": ["m"], "level": [""], "participant_key": ["abc"], "in_numerator": [True]})
    with pytest.raises(evidence.EvidenceError, match="64-hex"):
        evidence.metric_evidence(ev, "m", ["participant_key"])


def test_normalise_long_layout():
    long = pd.DataFrame({
        "metric_id": ["m"] * 3, "level": ["x"] * 3, "role": ["denominator", "denominator", "numerator"],
        "key": ["R1", "R2", "R2"], "key_type": ["response_id"] * 3,
    })
    out = evidence.normalise_evidence(long).sort_values("key")
    assert list(out["in_numerator"]) == [False, True]
    counts = pd.DataFrame({"metric_id": ["c"] * 2, "level": [""] * 2, "role": ["numerator"] * 2,
                           "key": ["R1", "R2"], "key_type": ["response_id"] * 2})
    out = evidence.normalise_evidence(counts)
    assert len(out) == 2 and out["in_numerator"].all()


# ----------------------------------------------------------------------------- html


def test_html_escapes_cells():
    frame = pd.DataFrame([{c: "<b>x</b>" for c in claims.CLAIM_COLUMNS} | {"status": "differs"}])
    html = claims_page.render_claims_html(frame, lambda v: str(v).replace("<", "&lt;").replace(">", "&gt;"), "T")
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "1 differs" in html


# ----------------------------------------------------------------------------- sha256 helper


def test_sha256_file_and_describe_files(tmp_path):
    big = bytes(range(256)) * 5000  # 1.28 MB: more than one read block
    (tmp_path / "d").mkdir()
    (tmp_path / "d/big.bin").write_bytes(big)
    (tmp_path / "empty").write_bytes(b"")
    assert checksums.sha256_file(tmp_path / "d/big.bin") == hashlib.sha256(big).hexdigest()
    assert checksums.sha256_file(str(tmp_path / "empty")) == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    described = checksums.describe_files(tmp_path, ["empty", "d/big.bin", "empty"])
    assert [(f["path"], f["size"]) for f in described] == [("d/big.bin", len(big)), ("empty", 0)]
