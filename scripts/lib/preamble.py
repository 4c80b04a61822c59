"""The preamble of every rule script (one way for all)::

    from lib.preamble import begin

    log = begin(snakemake)

Snakemake puts the directory of a `script:` on ``sys.path``, so ``lib`` (scripts/lib/)
is importable from a rule script as is. `begin` then sends the script's stderr to the
rule's log and puts the repository root on ``sys.path`` for the ``schemas`` package
(found from this file's own location, so no rule has to name a path for it).

A script stops on a problem an analyst can fix with ``raise SystemExit("<file>:<line>:
what is wrong ... what to do")``: Python writes the message, without a traceback, to
stderr (the log) and exits 1.
"""

import sys
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parents[2]


def begin(snakemake) -> TextIO:
    """Redirect stderr to the rule's (first) log file and make ``schemas`` importable;
    returns the log, open for writing (e.g. for a subprocess's output)."""
    log = open(snakemake.log[0], "w", encoding="utf-8")  # stays open: it is stderr until the exit
    sys.stderr = log
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return log
