"""Verify raw/ against raw/SHA256SUMS before anything else of the audit runs.

Any file listed but missing, present but not listed, or whose bytes changed stops the
audit with one line per file. On success writes the checked list (path, sha256, size).
"""

import sys
from pathlib import Path

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib.checksums import ChecksumError, describe_files, parse_sha256sums, verify_tree

loaded()

sums_path = Path(snakemake.input.sums)
root = sums_path.parent
prefix = root.as_posix().rstrip("/") + "/"
sums = parse_sha256sums(sums_path.read_text(encoding="utf-8"), source=sums_path.as_posix())
# documentation beside the exports (README.md) may be left out of the list
ignore = [sums_path.name, *(name for name in snakemake.params.ignore if name not in sums)]
problems = verify_tree(root, sums, ignore=ignore)
if problems:
    lines = [p.describe(prefix) for p in problems]
    message = (
        f"The raw files do not match {sums_path.as_posix()} ({len(problems)} problem(s)); "
        "the audit stops before computing anything:\n  " + "\n  ".join(lines)
    )
    raise ChecksumError(message)  # an InputError: printed once, to the log, without a traceback

rows = describe_files(root, sums)
table = pd.DataFrame(
    [{"path": prefix + r["path"], "sha256": r["sha256"], "size": r["size"], "status": "ok"} for r in rows]
)
table.to_csv(snakemake.output.checked, index=False, lineterminator="\n")
print(f"{len(table)} raw files match {sums_path.as_posix()}", file=sys.stderr)
