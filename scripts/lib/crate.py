"""The Workflow Run RO-Crate of a run, built and written with the ``rocrate`` library.

The crate describes the run as a Workflow Run Crate 0.6 (with the Process Run Crate 0.6
and Workflow RO-Crate 1.1 profiles): the Snakefile as the main ``ComputationalWorkflow``
(language Snakemake, its rule files, scripts and schemas as parts), the configuration
and raw inputs as the ``object`` of the ``CreateAction`` ``#run``, every output as its
``result``, each file with ``sha256`` and ``contentSize``, the software versions and the
git state. Entity ids are paths relative to the repository root (the crate's root "./");
the metadata file itself is stored under results/provenance/.

Byte-stable: the one date, the root's ``datePublished`` (which ``rocrate`` would set to
the current time), is pinned by the caller (the commit's date), the action carries no
start or end time, and entities are added in sorted order, so the same inputs, outputs,
software and commit give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rocrate.model import ContextEntity, SoftwareApplication
from rocrate.rocrate import ROCrate

RUN_PROFILES = {  # the Workflow RO-Crate profile is added by rocrate's add_workflow
    "https://w3id.org/ro/wfrun/process/0.6": ("Process Run Crate", "0.6"),
    "https://w3id.org/ro/wfrun/workflow/0.6": ("Workflow Run Crate", "0.6"),
}
WORKFLOW_RUN_CONTEXT = "https://w3id.org/ro/terms/workflow-run/context"
LICENSE = "https://spdx.org/licenses/CC-BY-4.0"
DESCRIPTION = (
    "Workflow Run RO-Crate of one run. Entity ids are paths relative to the repository "
    "root; this file is stored at results/<scope>/provenance/."
)


def _file_properties(f: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": f["path"], "sha256": f["sha256"], "contentSize": str(f["size"]), **extra}


def build_crate(
    main_workflow: str,
    workflow_files: list[dict[str, Any]],
    config_files: list[dict[str, Any]],
    inputs: list[dict[str, Any]],
    outputs: list[dict[str, Any]],
    software: Mapping[str, str],
    git: Mapping[str, Any],
    date_published: str,
) -> ROCrate:
    """The crate of a run; file dicts carry path, sha256 and size (lib.checksums.describe_files).

    ``date_published`` (ISO 8601) is the crate's only date; ``git`` holds ``commit`` and
    ``dirty`` (None when unknown).
    """
    crate = ROCrate()
    crate.metadata.extra_contexts.append(WORKFLOW_RUN_CONTEXT)
    crate.root_dataset["datePublished"] = date_published
    crate.name = "impact-story-workflow run"
    crate.description = DESCRIPTION
    crate.license = {"@id": LICENSE}
    for uri, (name, version) in RUN_PROFILES.items():
        profile = crate.add(ContextEntity(crate, uri, properties={
            "@type": ["CreativeWork", "Profile"], "name": name, "version": version}))
        crate.root_dataset.append_to("conformsTo", profile)

    soft_ids = {name: f"#software-{re.sub(r'[^a-z0-9]+', '-', name.lower())}" for name in software}
    wf = next(f for f in workflow_files if f["path"] == main_workflow)
    workflow = crate.add_workflow(
        dest_path=main_workflow, main=True, lang="snakemake", lang_version=software.get("snakemake"),
        properties=_file_properties(
            wf,
            name="impact-story-workflow (Snakemake)",
            hasPart=[{"@id": f["path"]} for f in workflow_files if f["path"] != main_workflow],
            softwareRequirements=[{"@id": soft_ids[n]} for n in sorted(software)],
            version=git.get("commit") or "unknown",
        ),
    )
    for f in workflow_files:
        if f["path"] != main_workflow:
            crate.add_file(dest_path=f["path"], properties=_file_properties(f))
    files = {
        "workflow configuration": config_files,
        "raw input": inputs,
        "output": outputs,
    }
    added = {what: [crate.add_file(dest_path=f["path"], properties=_file_properties(f, description=what))
                    for f in group] for what, group in files.items()}
    run = crate.add_action(
        workflow, identifier="#run",
        object=added["workflow configuration"] + added["raw input"], result=added["output"],
        properties={"name": "Run of impact-story-workflow",
                    "actionStatus": {"@id": "http://schema.org/CompletedActionStatus"}},
    )
    dirty = git.get("dirty")
    states = [
        crate.add(ContextEntity(crate, "#git-commit", properties={
            "@type": "PropertyValue", "name": "git_commit", "value": git.get("commit") or "unknown"})),
        crate.add(ContextEntity(crate, "#git-dirty", properties={
            "@type": "PropertyValue", "name": "git_dirty",
            "value": "unknown" if dirty is None else str(bool(dirty)).lower()})),
    ]
    for name in sorted(software):
        crate.add(SoftwareApplication(crate, soft_ids[name], properties={"name": name, "version": software[name]}))
    crate.root_dataset["mentions"] = [run, *states]
    return crate


def write_crate(crate: ROCrate, directory: Path | str) -> Path:
    """Write the crate's ro-crate-metadata.json into ``directory`` (rocrate's own writer:
    sorted keys, 4-space indent); the data files are not copied."""
    crate.metadata.write(Path(directory))
    return Path(directory) / crate.metadata.id


def graph(crate: ROCrate) -> dict[str, dict[str, Any]]:
    """The crate's JSON-LD entities by @id (what ro-crate-metadata.json holds)."""
    return {e["@id"]: e for e in crate.metadata.generate()["@graph"]}
