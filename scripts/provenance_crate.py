"""Write the Workflow Run RO-Crate of this run (results/<scope>/provenance/ro-crate-metadata.json).

Lists the workflow (Snakefile, rule files, scripts), the configuration, every input with
sha256 and size, every file under results/ outside results/<scope>/provenance/ with sha256, the
software versions, the git commit and whether the tree was dirty. The only time stamp is
the action's endTime (the newest output's modification time), as the profile asks.
"""

import sys
from pathlib import Path

from lib.preamble import begin

begin(snakemake)

import json
import platform
import shutil
import subprocess
from datetime import UTC, datetime
from importlib import metadata

from lib import audit

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

newest = max((Path(p).stat().st_mtime for p in outputs), default=None)
end_time = None if newest is None else datetime.fromtimestamp(int(newest), UTC).isoformat()
crate = audit.build_crate(
    main_workflow=snakemake.input.snakefile,
    workflow_files=audit.describe_files(root, snakemake.input.workflow),
    config_files=audit.describe_files(root, snakemake.input.config),
    inputs=audit.describe_files(root, snakemake.input.raw),
    outputs=audit.describe_files(root, outputs),
    software=software,
    git={"commit": snakemake.params.git_commit, "dirty": snakemake.params.git_dirty},
    end_time=end_time,
)
Path(snakemake.output.crate).write_text(json.dumps(crate, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"{len(outputs)} outputs, {len(snakemake.input.raw)} inputs described", file=sys.stderr)
