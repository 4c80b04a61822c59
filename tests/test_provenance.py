"""The Workflow Run RO-Crate built by lib.audit.build_crate, on hand-made file lists."""

from __future__ import annotations

import hashlib

from lib import audit


def _file(path, data: bytes):
    return {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _crate(dirty=True, end_time="2026-01-01T00:00:00+00:00"):
    return audit.build_crate(
        main_workflow="Snakefile",
        workflow_files=[_file("Snakefile", b"rule all"), _file("workflow/rules/audit.smk", b"rule audit")],
        config_files=[_file("config.yaml", b"scope: 2020")],
        inputs=[_file("raw/lms/a.csv", b"x\n"), _file("raw/SHA256SUMS", b"s\n")],
        outputs=[_file("results/audit/claims.csv", b"c\n")],
        software={"python": "3.11.9", "snakemake": "9.27.1", "typst": "0.15.2"},
        git={"commit": "abc123", "dirty": dirty},
        end_time=end_time,
    )


def test_profiles_main_entity_and_action():
    crate = _crate()
    graph = {e["@id"]: e for e in crate["@graph"]}
    root = graph["./"]
    assert {c["@id"] for c in root["conformsTo"]} == {
        "https://w3id.org/ro/wfrun/process/0.6", "https://w3id.org/ro/wfrun/workflow/0.6",
        "https://w3id.org/workflowhub/workflow-ro-crate/1.1"}
    for uri in audit.PROFILES:
        assert graph[uri]["@type"] == "CreativeWork"
    assert root["mainEntity"] == {"@id": "Snakefile"}
    assert "ComputationalWorkflow" in graph["Snakefile"]["@type"]
    action = graph["#run"]
    assert action["instrument"] == {"@id": "Snakefile"}
    assert [o["@id"] for o in action["object"]] == ["config.yaml", "raw/lms/a.csv", "raw/SHA256SUMS"]
    assert [r["@id"] for r in action["result"]] == ["results/audit/claims.csv"]
    assert action["endTime"] == "2026-01-01T00:00:00+00:00" and "startTime" not in action
    # every referenced part is described
    assert {p["@id"] for p in root["hasPart"]} <= set(graph)


def test_files_carry_sha256_and_size():
    graph = {e["@id"]: e for e in _crate()["@graph"]}
    entity = graph["raw/lms/a.csv"]
    assert entity["sha256"] == hashlib.sha256(b"x\n").hexdigest()
    assert entity["contentSize"] == "2"


def test_software_and_git_state():
    graph = {e["@id"]: e for e in _crate(dirty=True)["@graph"]}
    versions = {e["name"]: e["version"] for e in graph.values() if e.get("@type") == "SoftwareApplication"}
    assert versions == {"python": "3.11.9", "snakemake": "9.27.1", "typst": "0.15.2"}
    assert graph["#git-commit"]["value"] == "abc123" and graph["#git-dirty"]["value"] == "true"
    clean = {e["@id"]: e for e in _crate(dirty=False)["@graph"]}
    assert clean["#git-dirty"]["value"] == "false"
    unknown = audit.build_crate("Snakefile", [_file("Snakefile", b"")], [], [], [], {}, {}, None)
    graph = {e["@id"]: e for e in unknown["@graph"]}
    assert graph["#git-dirty"]["value"] == "unknown" and "endTime" not in graph["#run"]


def test_same_inputs_same_bytes():
    import json

    assert json.dumps(_crate(), sort_keys=False) == json.dumps(_crate(), sort_keys=False)
