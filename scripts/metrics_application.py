"""Application metrics (follow-up survey): respondents, profile, application rate overall
and per group, importance, attribution, topics, challenges, recommendations, follow-up
topics, linking and the respondent comparison; survey shares with a 95 % Wilson interval
with finite-population correction over the participants of the surveyed editions."""

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib import io as lib_io
from lib import metrics as m
from lib import survey_metrics as sm
from lib.codebook import Codebook
from lib.errors import InputError
from lib.registry import MetricRows, load_registry

loaded()

p = snakemake.params
registry = load_registry(snakemake.input.registry)  # a RegisterError stops with its message
codebook = Codebook.read(snakemake.input.form, "followup")
followup = pd.read_parquet(snakemake.input.followup)
if followup.empty:  # every share would be 0/0: stop with the reason instead of a report without findings
    raise InputError(
        p.export,
        "no follow-up response is left to compute the application findings from (see "
        "the cleaning log under results/<scope>/clean/ and the quarantine files under "
        "results/<scope>/validation/quarantine/ for where they went)",
        todo="check that the export is the survey's full download (KoboToolbox: Data > Downloads, "
        "'XML values and headers', all submissions) and run again",
    )
# only the columns the respondent comparison reads (the table has ~20 at 1,000,000 rows)
columns = ["participant_key", "edition", *sm.COMPARISON_CHARACTERISTICS.values()]
participants = pd.read_parquet(snakemake.input.participants, columns=columns)
participants = participants[participants["edition"].isin(p.editions)]
population = len(participants)

questions = codebook.questions_for("followup").set_index("question_code")["list_name"]
options = {q: codebook.option_codes(questions[q]) for q in sm.APPLICATION_OPTION_QUESTIONS}
options["edition"] = [e for e in options["edition"] if e in p.editions]
metrics = m.Metrics.concat(
    [
        sm.application_metrics(followup, options, p.edition_language, population),
        sm.respondent_comparison(followup, participants),
    ]
)
wilson = [i for i, e in registry.items() if e["stage"] == "application" and e["interval"] == "wilson_fpc"]
metrics = sm.with_wilson(m.with_rank(metrics, m.ranked(registry, "application")), wilson, population)

rows = MetricRows(registry, stage="application")
m.publish(metrics, rows)
lib_io.write_csv(rows.frame(), snakemake.output.metrics)
rows.write_evidence(snakemake.output.evidence)  # in row groups: the text of one at a time
print(f"population N = {population}; {len(followup)} responses", file=sys.stderr)
