"""Batches of editions: the unit of work of the per-edition jobs (stage_clean_lms: the
stage_lms and clean_lms steps) and of the stage_evaluation steps (one per batch, in the
job stage_clean_metrics_reaction).

Each job pays ~0.8 s of interpreter start and imports however small its edition
(docs/benchmarks.md), so a portfolio of 200 editions in 600 one-edition jobs spends most
of its time starting Python. Editions of one LMS site (same export dialect and headers)
are therefore grouped into batches: with at most ``max_batches`` editions in scope every
edition is its own batch, named after it (touching one edition's export reruns only that
edition's jobs); with more, consecutive editions of a site share a batch named
``<first>--<last>`` and about ``max_batches`` jobs run per stage.
"""

from __future__ import annotations

import math


def edition_batches(editions: list[str], site_of: dict[str, str], max_batches: int) -> dict[str, list[str]]:
    """Batch name -> its editions, in scope order (a batch holds editions of one site,
    consecutive in the scope's list of that site's editions)."""
    if max_batches < 1:
        raise ValueError(f"max_batches must be at least 1, not {max_batches}")
    per_site = [[e for e in editions if site_of[e] == s] for s in dict.fromkeys(site_of[e] for e in editions)]
    size = max(1, math.ceil(len(editions) / max_batches))
    # each site's last batch may be partly filled: grow the size until the count fits
    while sum(math.ceil(len(mine) / size) for mine in per_site) > max(max_batches, len(per_site)):
        size += 1
    batches: dict[str, list[str]] = {}
    for mine in per_site:
        for start in range(0, len(mine), size):
            chunk = mine[start : start + size]
            batches[chunk[0] if len(chunk) == 1 else f"{chunk[0]}--{chunk[-1]}"] = chunk
    position = {e: i for i, e in enumerate(editions)}
    return dict(sorted(batches.items(), key=lambda item: position[item[1][0]]))

