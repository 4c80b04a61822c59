"""Write the figures of both documents: `_variables.yml`, the scope flags, the cover and
the generated blocks of the Impact Story and of the technical annex.

Reads only snakemake.input / params / output / log (see workflow/rules/report.smk).
Every number the documents print is formatted here from results/<scope>/metrics/metrics.csv, the
Box 2 quotes table, the interview notes, the quarantine files (rows set aside with
on_invalid: quarantine), the claims register (the published count of editions) and the
dates of the clean tables (the cover's date of the data); the .qmd files hold no figure
of their own.
"""

import sys

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd
import pyarrow.parquet as pq

from lib.claims import load_claims
from lib.codebook import Codebook
from lib.countries import UnNames
from lib.errors import input_file
from lib.registry import load_level_labels, load_registry, yaml_load
from lib.report_annex import latest_record
from lib.report_blocks import load_interview_notes, quarantined_rows, write_generated
from lib.report_vars import Labels, language_names, load_metrics
from schemas.metrics import check, metrics_schema

loaded()


def read_yaml(path):
    with open(path, encoding="utf-8") as fh:
        return yaml_load(fh)


def read_optional_csv(paths, **kwargs):
    """The first file of an optional (possibly empty) input list, or None."""
    return pd.read_csv(paths[0], dtype=str, keep_default_na=False, **kwargs) if len(paths) else None


def choice_labels(paths):
    """The choices (list_name, option_code, label_en...) of the follow-up XLSForm, or None."""
    return Codebook.read(paths[0], "followup").options if len(paths) else None


def date_columns(path):
    """The date columns of a clean table (pseudonymised: no personal column is read)."""
    table = pq.read_table(path)
    names = [f.name for f in table.schema if str(f.type).startswith(("timestamp", "date"))]
    return table.select(names).to_pandas()


inp = snakemake.input
# the registers and the metrics table, checked against their schemas (schemas/); a broken one
# stops with its message (lib.errors), no traceback
registry, level_labels = load_registry(inp.registry), load_level_labels(inp.registry)
claims = {"claims": load_claims(inp.claims)}
table = pd.read_csv(inp.metrics, keep_default_na=False, na_values=[""])
check(table, metrics_schema(registry, table=True), inp.metrics)
with input_file(inp.labels, "fix the entry (the report's wording, one key per label)"):
    prose = read_yaml(inp.labels)
note_paths = sorted(inp.interviews)
notes = load_interview_notes(note_paths)  # validated: a broken note stops with its file and key
quotes = read_optional_csv(inp.quotes)
variables = write_generated(
    dict(snakemake.output.items()),
    metrics=load_metrics(inp.metrics),
    registry=registry,
    config=snakemake.params.report_config,
    labels=Labels(prose, choice_labels(inp.followup_form), language_names(snakemake.params.report_config)),
    prose=prose,
    notes=notes,
    quotes=quotes if quotes is not None else pd.DataFrame(),
    figure1_notes=read_optional_csv(inp.figure1_notes),
    provenance=list(inp.provenance),
    has_followup=bool(snakemake.params.has_followup),
    country_name=UnNames(inp.un_m49),
    quarantined=quarantined_rows(inp.quarantine),
    quarantine_files=list(inp.quarantine),
    level_labels=level_labels,
    claims=claims,
    latest=latest_record([date_columns(p) for p in inp.dated]),
    # an interview note's file is named after the person: shown only with consent
    withheld_files={p for p, n in zip(note_paths, notes, strict=True) if n.get("consent_to_publish") is not True},
)
print(
    f"report variables: {len(variables['m'])} metrics, followup={snakemake.params.has_followup}, "
    f"{len(notes)} interview notes, {0 if quotes is None else len(quotes)} quotes, "
    f"{variables['quarantine']['count']} rows quarantined",
    file=sys.stderr,
)
