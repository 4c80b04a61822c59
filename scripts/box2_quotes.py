"""Box 2: the examples of application chosen in config.yaml `quotes` (by response id),
from consenting respondents only, shown as role and country (its UN name) with the
original text and the analyst's translation. A chosen id that did not consent or does
not exist stops the workflow with a clear message."""

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib import io as lib_io
from lib.codebook import Codebook
from lib.countries import UnNames
from lib.survey_metrics import box2_quotes

loaded()

codebook = Codebook.read(snakemake.input.form, "followup")
followup = pd.read_parquet(snakemake.input.followup)
quotes = box2_quotes(followup, snakemake.params.quotes, codebook.roles(), UnNames(snakemake.input.un_m49))
lib_io.write_csv(quotes, snakemake.output.quotes)
print(quotes.to_string(), file=sys.stderr)
