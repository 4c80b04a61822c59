"""Clean the follow-up survey: one table of responses (results/<scope>/clean/followup.parquet).

Country typed by hand -> ISO alpha-3 (exact lookup + alias table; unknown = validation
error); e-mail normalised and keyed with the participants' salt, linked to the clean
participants of the surveyed editions on (participant_key, edition); e-mails dropped.
Unlinked responses stay (participant_key null). A response for an edition the survey does
not cover (config followup_surveys.<survey>.editions) is a validation error; a stop is one
message, without a Python traceback."""

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

from lib.preamble import begin, loaded

begin(snakemake)

import pandas as pd

from lib import io as lib_io
from lib import pseudonym, validation
from lib.codebook import Codebook, followup_problems
from lib.countries import CountryResolver
from lib.vocabulary import languages
from schemas.survey import followup_clean_schema

loaded()

p = snakemake.params
codebook = Codebook.read(snakemake.input.form, "followup", email_question=p.email_question)
df = pd.read_parquet(snakemake.input.staged)
# the respondent's language is a question of the multilingual form (answers are choice
# names whatever the language): it becomes form_language
df = df.rename(columns={p.email_question: "email", p.language_question: "form_language"}).assign(source_file=p.source)

vocabulary = languages(p.vocabulary)
resolver = CountryResolver(snakemake.input.aliases, snakemake.input.moodle_countries, languages=vocabulary.codes)
countries = resolver.resolve(df["country"])
problems = followup_problems(df, countries["unknown"], survey=p.survey, editions=list(p.editions))
validation.report_errors(problems, rule=snakemake.rule, report_path=snakemake.output.report, on_invalid="stop")

salt = pseudonym.read_salt(snakemake.input.salt)  # checked at startup too (common.smk); a SaltError is a message
email = pseudonym.normalise_email(df["email"]).replace("", pd.NA)
keys = pseudonym.keyed_hash(email, salt)
participants = pd.read_parquet(snakemake.input.participants, columns=["participant_key", "edition"])
known = set(participants.loc[participants["edition"].isin(p.editions)].itertuples(index=False, name=None))
linked = pd.Series([(k, e) in known for k, e in zip(keys, df["edition"], strict=True)], index=df.index)
clean = df.assign(
    country_iso3=countries["iso3"],
    country_name=countries["name_en"],
    email_given=email.notna().astype(bool),
    participant_key=keys.where(linked, pd.NA).astype("string"),
    edition_language=df["edition"].map(p.edition_language).astype("string"),
    form_language=df["form_language"].astype("string"),
    source_file=df["source_file"].astype("string"),
).drop(columns=["email", "_line"])
schema = followup_clean_schema(codebook, list(p.editions), vocabulary.codes, language_question=p.language_question)
clean = clean[list(schema.columns)].sort_values("response_id", kind="stable").reset_index(drop=True)
# the clean layer: a failure here is a workflow bug; its error is a message (lib.errors)
validation.validate(
    clean, schema, source_file=snakemake.output.clean, rule=snakemake.rule, report_path=snakemake.output.report
)
lib_io.write_parquet(clean, snakemake.output.clean)

n_ok = len(df)
n_bad = len(pd.read_csv(snakemake.input.quarantine, dtype=str))
log = [
    ["stage_followup", p.source, "", n_ok + n_bad, n_ok, "invalid values (quarantined)", n_bad],
    ["clean_followup", p.source, "", n_ok, n_ok, "", 0],
]
cols = ["step", "source", "edition", "rows_in", "rows_out", "reason", "rows_dropped"]
lib_io.write_csv(pd.DataFrame(log, columns=cols), snakemake.output.cleaning_log)
n_linked = int(clean.participant_key.notna().sum())
print(f"{len(clean)} responses, {int(clean.email_given.sum())} with e-mail, {n_linked} linked", file=sys.stderr)
