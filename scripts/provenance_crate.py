"""Write the Workflow Run RO-Crate of this run (results/<scope>/provenance/ro-crate-metadata.json).

Lists the workflow (Snakefile, rule files, scripts), the configuration, every input with
sha256 and size, every file under results/ outside results/<scope>/provenance/ with sha256, the
software versions, the git commit and whether the tree was dirty. Written with the
`rocrate` library (lib.crate); its one date, datePublished, is the commit's date (a
param), so two runs of the same commit give the same bytes.
"""

import sys
from pathlib import Path

from lib.preamble import begin, loaded

begin(snakemake)

import platform
import shutil
import subprocess
from importlib import metadata

from lib.checksums import describe_files
from lib.crate import build_crate, write_crate

loaded()

root = Path(".")
results = Path(snakemake.params.results_dir)
skip = Path(snakemake.params.provenance_dir)
outputs = sorted(p.as_posix() for p in results.rglob("*") if p.is_file() and skip not in p.parents)

software = {"python": platform.python_version()}
for dist in snakemake.params.packages:
    software[dist] = metadata.version(dist)
try:
    import pypandoc

    software["pandoc"] = pypandoc.get_pandoc_version()
except (ImportError, OSError) as exc:
    print(f"pandoc version unknown: {exc}", file=sys.stderr)
if shutil.which("quarto"):
    software["quarto"] = subprocess.run(["quarto", "--version"], capture_output=True, text=True).stdout.strip()

crate = build_crate(
    main_workflow=snakemake.input.snakefile,
    workflow_files=describe_files(root, snakemake.input.workflow),
    config_files=describe_files(root, snakemake.input.config),
    inputs=describe_files(root, snakemake.input.raw),
    outputs=describe_files(root, outputs),
    software=software,
    git={"commit": snakemake.params.git_commit, "dirty": snakemake.params.git_dirty},
    date_published=snakemake.params.date_published,
)
written = write_crate(crate, Path(snakemake.output.crate).parent)
if written != Path(snakemake.output.crate):
    raise SystemExit(f"{written}: the crate's metadata file is not the rule's output {snakemake.output.crate}")
print(f"{len(outputs)} outputs, {len(snakemake.input.raw)} inputs described", file=sys.stderr)
