"""What the Moodle 4.x export layouts need beyond reading a table (pure functions).

- Grade export headers: every grade item column is ``<activity type><labelsep><item>
  (<display type>)`` (``grade/export/lib.php``); the label separator differs between core
  English (``': '``), the packs (``':'``, French a non-breaking space) and real files, so
  every separator the site preset lists is accepted.

The formula guard (a ``'`` newer Moodle writers put before a cell starting with ``= + - @``)
is removed while reading: ``lib.io.read_export(..., formula_guard=True)``.
"""

from __future__ import annotations

import pandas as pd

from lib.validation import ValidationFailed, found_headers


def grade_header_options(site: dict) -> dict[str, list[str]]:
    """Canonical grade column -> the headers accepted for it (fixed columns: one; grade
    items: one per label separator of the preset)."""
    fixed = {canon: [header] for canon, header in site["headers"]["grades"].items()}
    items = site["grade_items"]
    seps = items.get("labelsep") or [": "]
    seps = [seps] if isinstance(seps, str) else list(seps)
    graded = {
        canon: [f"{items['activity_type']}{sep}{name} ({items['display_type']})" for sep in seps]
        for canon, name in items["items"].items()
    }
    order = [c for c in fixed if c not in ("course_total", "last_downloaded")]
    out = {c: fixed[c] for c in order} | graded
    out |= {c: fixed[c] for c in ("course_total", "last_downloaded") if c in fixed}
    return out


def known_header(options: dict[str, list[str]]):
    """A test of one header cell: is it a header the export can have (lib.io.read_export
    ``known_headers``: a first line with none of them may be a data row)?"""
    accepted = {h.strip() for headers in options.values() for h in headers}
    return accepted.__contains__


def select_columns(frame: pd.DataFrame, options: dict[str, list[str]], *, source: str, delimiter: str) -> pd.DataFrame:
    """The canonical columns of a frame read with its own headers: for each canonical
    column the first accepted header present. A missing column stops, naming what was
    looked for and what the file has (as lib.io.read_export does)."""
    header = [c for c in frame.columns if c != "_line"]
    present = {h.strip(): h for h in header}
    chosen, missing = {}, []
    for canon, accepted in options.items():
        hit = next((present[h.strip()] for h in accepted if h.strip() in present), None)
        if hit is None:
            missing.append((canon, accepted))
        else:
            chosen[canon] = hit
    if missing:
        hint = ""
        if len(header) == 1:
            hint = f" Only one column was found: the delimiter is probably not '{delimiter}'."
        found = found_headers(header, source, 1)
        raise ValidationFailed(
            pd.DataFrame(
                [
                    {
                        "file": source,
                        "line": 1,
                        "column": canon,
                        "value": accepted[0],
                        "check": "column_in_file",
                        "message": f"header '{accepted[0]}' (canonical column '{canon}'"
                        + (f"; also accepted: {', '.join(repr(a) for a in accepted[1:])}" if accepted[1:] else "")
                        + f") is missing; headers found: {found}.{hint}",
                        "rule": "",
                    }
                    for canon, accepted in missing
                ]
            )
        )
    out = pd.DataFrame({canon: frame[h] for canon, h in chosen.items()}, index=frame.index)
    out["_line"] = frame["_line"]
    used = set(chosen.values())
    out.attrs = dict(frame.attrs)
    out.attrs["unmapped_headers"] = [h for h in header if h not in used]
    return out
