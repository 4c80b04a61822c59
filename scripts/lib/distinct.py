"""Read each distinct text of a column once per process.

A staging job reads the same date and grade columns several times (plausibility checks,
schema check, typed table) and exports repeat their texts (dates at minute resolution,
grades): :func:`read_once` reads only the texts not read before, and remembers the
results in a table the caller keeps (one per reading: format and language, "no grade"
text), so every reading of a column after the first is a lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import numpy as np
import pandas as pd

LIMIT = 200_000  # texts remembered per reading; beyond that the table starts afresh


def read_once(
    values: pd.Series, memory: dict[Hashable, pd.Series], key: Hashable, read: Callable[[pd.Series], pd.Series]
) -> np.ndarray | None:
    """What `read` gives for each cell of `values` (missing cells: NaN), `read` being called
    only on the distinct texts that ``memory[key]`` does not hold yet; None when no reading
    is remembered and `values` holds no text."""
    text = values.astype("string").to_numpy(dtype=object, na_value=None)
    present = pd.unique(text[pd.notna(text)])
    known = memory.get(key)
    if known is not None and len(known) + len(present) > LIMIT:
        known = None
    new = present if known is None else present[~pd.Index(present).isin(known.index)]
    if len(new):
        got = read(pd.Series(new, dtype="string"))
        got = pd.Series(got.to_numpy(), index=pd.Index(new, dtype=object))
        known = got if known is None else pd.concat([known, got])
        memory[key] = known
    return None if known is None else known.reindex(text).to_numpy()
