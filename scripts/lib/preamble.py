"""The preamble of every rule script (one way for all)::

    from lib.preamble import begin, loaded

    log = begin(snakemake)
    import pandas as pd  # ... the script's imports
    loaded()

Snakemake puts the directory of a `script:` on ``sys.path``, so ``lib`` (scripts/lib/)
is importable from a rule script as is. `begin` then sends the script's stderr to the
rule's log and puts the repository root on ``sys.path`` for the ``schemas`` package
(found from this file's own location, so no rule has to name a path for it).

`begin` also turns Python's garbage collector off while the script imports its
libraries, and `loaded` (called right after the imports) moves everything loaded so far
out of the collector's reach (``gc.freeze``) and turns it back on. pandas, pyarrow,
pandera and matplotlib leave ~10^5 long-lived objects that every collection, and the
last one at exit, would walk again for nothing: ~0.3 s of CPU per job, a third of what a
small job costs (issue 16, docs/benchmarks.md). Nothing is kept alive that would
otherwise be freed: modules live until the process ends anyway.

A script stops on a problem an analyst can fix with ``raise SystemExit("<file>:<line>:
what is wrong ... what to do")``: Python writes the message, without a traceback, to
stderr (the log) and exits 1.
"""

import atexit
import gc
import sys
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parents[2]
# at the exit, the objects left need no last collection (registered once per process,
# however many steps of a job call begin())
atexit.register(gc.freeze)


def begin(snakemake) -> TextIO:
    """Redirect stderr to the rule's (first) log file and make ``schemas`` importable;
    returns the log, open for writing (e.g. for a subprocess's output)."""
    gc.disable()  # until loaded()
    log = open(snakemake.log[0], "w", encoding="utf-8")  # stays open: it is stderr until the exit
    sys.stderr = log
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return log


def loaded() -> None:
    """After the script's imports: what they loaded is frozen out of the garbage
    collector's work (``gc.freeze``), which is turned back on for the script's own work."""
    gc.freeze()
    gc.enable()
