"""The Workflow Run RO-Crate built by lib.crate (with the `rocrate` library) on hand-made
file lists, written and read back with `rocrate`."""

from __future__ import annotations

import hashlib

from rocrate.rocrate import ROCrate

from lib import crate as lib_crate

DATE = "2026-01-01T00:00:00+00:00"


def _file(path, data: bytes):
    return {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _crate(dirty=True, date=DATE):
    return lib_crate.build_crate(
        main_workflow="Snakefile",
        workflow_files=[_file("Snakefile", b"rule all"), _file("workflow/rules/audit.smk", b"rule audit")],
        config_files=[_file("config.yaml", b"scope: 2020")],
        inputs=[_file("raw/lms/a.csv", b"x\n"), _file("raw/SHA256SUMS", b"s\n")],
        outputs=[_file("results/audit/claims.csv", b"c\n")],
        software={"python": "3.11.9", "snakemake": "9.27.1", "typst": "0.15.2"},
        git={"commit": "abc123", "dirty": dirty},
        date_published=date,
    )


def test_profiles_main_entity_and_action():
    graph = lib_crate.graph(_crate())
    root = graph["./"]
    assert {c["@id"] for c in root["conformsTo"]} == {
        "https://w3id.org/ro/wfrun/process/0.6", "https://w3id.org/ro/wfrun/workflow/0.6",
        "https://w3id.org/workflowhub/workflow-ro-crate/1.1"}
    for profile in root["conformsTo"]:
        assert "CreativeWork" in graph[profile["@id"]]["@type"]
    assert graph["ro-crate-metadata.json"]["conformsTo"] == {"@id": "https://w3id.org/ro/crate/1.3"}
    assert root["mainEntity"] == {"@id": "Snakefile"}
    assert "ComputationalWorkflow" in graph["Snakefile"]["@type"]
    assert graph["Snakefile"]["hasPart"] == [{"@id": "workflow/rules/audit.smk"}]
    language = graph["Snakefile"]["programmingLanguage"]["@id"]
    assert graph[language]["name"] == "Snakemake" and graph[language]["version"] == "9.27.1"
    action = graph["#run"]
    assert action["@type"] == "CreateAction" and action["instrument"] == {"@id": "Snakefile"}
    assert [o["@id"] for o in action["object"]] == ["config.yaml", "raw/lms/a.csv", "raw/SHA256SUMS"]
    assert [r["@id"] for r in action["result"]] == ["results/audit/claims.csv"]
    # the one date is the pinned datePublished: no run time stamps
    assert root["datePublished"] == DATE
    assert "endTime" not in action and "startTime" not in action
    # every referenced part is described
    assert {p["@id"] for p in root["hasPart"]} <= set(graph)


def test_files_carry_sha256_and_size():
    graph = lib_crate.graph(_crate())
    entity = graph["raw/lms/a.csv"]
    assert entity["sha256"] == hashlib.sha256(b"x\n").hexdigest()
    assert entity["contentSize"] == "2"
    assert entity["description"] == "raw input"


def test_software_and_git_state():
    graph = lib_crate.graph(_crate(dirty=True))
    versions = {e["name"]: e["version"] for e in graph.values() if e.get("@type") == "SoftwareApplication"}
    assert versions == {"python": "3.11.9", "snakemake": "9.27.1", "typst": "0.15.2"}
    assert graph["#git-commit"]["value"] == "abc123" and graph["#git-dirty"]["value"] == "true"
    assert graph["Snakefile"]["version"] == "abc123"
    clean = lib_crate.graph(_crate(dirty=False))
    assert clean["#git-dirty"]["value"] == "false"
    unknown = lib_crate.graph(lib_crate.build_crate("Snakefile", [_file("Snakefile", b"")], [], [], [], {}, {}, DATE))
    assert unknown["#git-dirty"]["value"] == "unknown" and unknown["#git-commit"]["value"] == "unknown"


def test_written_crate_reads_back_with_rocrate(tmp_path):
    path = lib_crate.write_crate(_crate(), tmp_path)
    assert path == tmp_path / "ro-crate-metadata.json"
    crate = ROCrate(tmp_path)
    assert crate.version == "1.3"
    assert crate.mainEntity.id == "Snakefile" and crate.mainEntity.lang.name == "Snakemake"
    assert crate.datePublished.isoformat() == DATE
    assert sorted(e.id for e in crate.data_entities) == sorted([
        "Snakefile", "workflow/rules/audit.smk", "config.yaml", "raw/lms/a.csv", "raw/SHA256SUMS",
        "results/audit/claims.csv"])
    run = crate.get("#run")
    assert [o.id for o in run["object"]] == ["config.yaml", "raw/lms/a.csv", "raw/SHA256SUMS"]
    assert [r.id for r in run["result"]] == ["results/audit/claims.csv"]
    assert crate.get("raw/lms/a.csv")["sha256"] == hashlib.sha256(b"x\n").hexdigest()


def test_same_inputs_same_bytes(tmp_path):
    first = lib_crate.write_crate(_crate(), tmp_path / "a").read_bytes()
    second = lib_crate.write_crate(_crate(), tmp_path / "b").read_bytes()
    assert first == second
    # the date is the caller's: a later date changes the bytes, nothing else does
    third = lib_crate.write_crate(_crate(date="2026-02-01T00:00:00+00:00"), tmp_path / "c").read_bytes()
    assert third != first and third.replace(b"2026-02-01", b"2026-01-01") == first
