"""Write the report's figures: `_variables.yml`, the scope flag and the generated blocks.

Reads only snakemake.input / params / output / log (see workflow/rules/report.smk).
Every number the report prints is formatted here from results/metrics/metrics.csv, the
Box 2 quotes table, the interview notes and the quarantine files (rows set aside with
on_invalid: quarantine); the .qmd holds no figure of its own.
"""

import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w", encoding="utf-8")
sys.path.insert(0, str(Path(snakemake.input.lib_report_vars).resolve().parent.parent))

import pandas as pd
import yaml

from lib.countries import UnNames
from lib.registry import load_registry
from lib.report_blocks import load_interview_notes, quarantined_rows, write_generated
from lib.report_vars import Labels, load_metrics


def read_yaml(path):
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def read_optional_csv(paths, **kwargs):
    """The first file of an optional (possibly empty) input list, or None."""
    return pd.read_csv(paths[0], dtype=str, keep_default_na=False, **kwargs) if len(paths) else None


inp = snakemake.input
prose = read_yaml(inp.labels)
notes = load_interview_notes(inp.interviews)  # validated: a broken note stops with its file and key
quotes = read_optional_csv(inp.quotes)
variables = write_generated(
    dict(snakemake.output.items()),
    metrics=load_metrics(inp.metrics),
    registry=load_registry(inp.registry),
    config=snakemake.params.report_config,
    labels=Labels(prose, read_optional_csv(inp.codebook_options, encoding="utf-8-sig")),
    prose=prose,
    notes=notes,
    quotes=quotes if quotes is not None else pd.DataFrame(),
    figure1_notes=read_optional_csv(inp.figure1_notes),
    provenance=list(inp.provenance),
    has_followup=bool(snakemake.params.has_followup),
    country_name=UnNames(inp.un_m49),
    quarantined=quarantined_rows(inp.quarantine),
)
print(f"report variables: {len(variables['m'])} metrics, followup={snakemake.params.has_followup}, "
      f"{len(notes)} interview notes, {0 if quotes is None else len(quotes)} quotes, "
      f"{variables['quarantine']['count']} rows quarantined", file=sys.stderr)
