"""The audit's claims page: a self-contained, responsive HTML page of ``claims.csv``.

Every cell goes through the caller's escape function; the status colours and their
meanings (``STATUS_MEANING``) are the legend of the page.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from lib.claims import CLAIM_COLUMNS, STATUSES

STATUS_COLOURS = {
    "reproduced": "#d9f2d9", "differs": "#f8d0d0",
    "inconsistent_in_publication": "#fde9c4", "not_from_exports": "#e3e8f4",
}


CLAIMS_CSS = """
body{font:15px/1.45 "DejaVu Sans",Arial,sans-serif;color:#1a1a1a;margin:0 auto;padding:1.5em 1.2em;max-width:90em}
h1{font-size:1.5em;color:#0a4a8a;margin:0 0 .6em}
ul.legend{padding-left:1.2em}ul.legend li{margin:.25em 0}
.badge{padding:0 .3em;white-space:nowrap}
table{border-collapse:collapse;width:100%;font-size:.88em}
th,td{border:1px solid #999;padding:4px 6px;vertical-align:top;text-align:left;overflow-wrap:break-word}
th{background:#eef2f7}
td.claim_id{white-space:nowrap}
td.recomputed_exact{min-width:12em;overflow-wrap:anywhere}
td.note{min-width:16em;max-width:40em;overflow-wrap:anywhere}
@media (max-width:760px){
 body{padding:1em .8em}
 table,tbody,tr,td{display:block;width:auto}
 thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
 tr{border:1px solid #999;margin:0 0 .8em;padding:.3em .5em}
 td,td.claim_id{border:0;padding:.15em 0;white-space:normal;overflow-wrap:anywhere}
 td.note,td.recomputed_exact{min-width:0;max-width:none}
 td::before{content:attr(data-label) ": ";font-weight:bold}
}
"""


def render_claims_html(frame: pd.DataFrame, escape: Any, title: str) -> str:
    """A self-contained HTML page of the claims table; every cell goes through `escape`.
    Responsive: a table on a wide screen (the note column wraps), one card per claim on a
    phone (each value labelled with its column), with a viewport meta for mobile browsers."""
    counts = frame["status"].value_counts()
    summary = ", ".join(f"{int(counts.get(s, 0))} {s}" for s in STATUSES)
    def breakable(text: str) -> str:  # escaped text; a line may break after an underscore
        return text.replace("_", "_<wbr>")

    head = "".join(f'<th scope="col">{breakable(escape(c))}</th>' for c in CLAIM_COLUMNS)
    body = []
    for row in frame.itertuples(index=False):
        colour = STATUS_COLOURS.get(row.status, "#ffffff")
        cells = "".join(f'<td class="{c}" data-label="{escape(c)}">{breakable(escape(getattr(row, c)))}</td>'
                        for c in CLAIM_COLUMNS)
        body.append(f'<tr style="background:{colour}">{cells}</tr>')
    legend = "".join(
        f'<li><span class="badge" style="background:{STATUS_COLOURS[s]}">{escape(s)}</span>: {escape(t)}</li>'
        for s, t in STATUS_MEANING.items()
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title><style>{CLAIMS_CSS}</style></head><body>\n"
        f"<h1>{escape(title)}</h1>\n<p>{escape(len(frame))} claims: {escape(summary)}.</p>\n"
        f"<ul class=\"legend\">{legend}</ul>\n<table><thead><tr>{head}</tr></thead><tbody>\n"
        + "\n".join(body) + "\n</tbody></table>\n</body></html>\n"
    )


STATUS_MEANING = {
    "reproduced": "the data gives the published figure at the published rounding",
    "differs": "the data does not give the published figure (the audit fails)",
    "inconsistent_in_publication": "the data agrees with the story's own other figures "
    "or denominator, not with the sentence as printed",
    "not_from_exports": "an interview fact: checked against the interview notes, "
    "not computable from the exports",
}


