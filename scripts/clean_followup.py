"""Clean the follow-up survey: all forms in one table (results/clean/followup.parquet).

Country typed by hand -> ISO alpha-3 (exact lookup + alias table; unknown = validation
error); e-mail normalised and keyed with the participants' salt, linked to the clean
participants of the surveyed editions on (participant_key, edition); e-mails dropped.
Unlinked responses stay (participant_key null)."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snakemake.script import snakemake

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115
sys.path.insert(0, str(Path(snakemake.input.lib_codebook).resolve().parent.parent))
sys.path.insert(0, str(Path(snakemake.input.schema_survey).resolve().parent.parent))

import pandas as pd

from lib import io as lib_io
from lib import pseudonym, validation
from lib.codebook import Codebook, row_problems
from lib.countries import CountryResolver
from schemas.survey import followup_clean_schema

p = snakemake.params
codebook = Codebook.read(snakemake.input.questions, snakemake.input.options)
forms = []
for form, staged in zip(p.forms, snakemake.input.staged, strict=True):
    frame = pd.read_parquet(staged)
    forms.append(frame.assign(form_language=p.languages[form], source_file=p.sources[form]))
df = pd.concat(forms, ignore_index=True)

countries = CountryResolver(snakemake.input.aliases).resolve(df["country"])
problems = row_problems(
    df,
    df["response_id"].duplicated(keep=False),
    "response_id",
    "unique_response_id",
    lambda r: f"response id {r!r} is used by more than one response (in the forms together)",
) + row_problems(
    df,
    countries["unknown"],
    "country",
    "known_country",
    lambda v: (
        f"country {v!r} is not an ISO 3166 name or code in English, Spanish, French or Arabic, nor in "
        "resources/country_aliases.csv: add an alias row (alias, iso3, note) if it is a real country"
    ),
)
validation.report_errors(problems, rule=snakemake.rule, report_path=snakemake.output.report, on_invalid="stop")

salt = pseudonym.read_salt(snakemake.input.salt)
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
schema = followup_clean_schema(codebook, list(p.editions))
clean = clean[list(schema.columns)].sort_values("response_id", kind="stable").reset_index(drop=True)
schema.validate(clean, lazy=True)
lib_io.write_parquet(clean, snakemake.output.clean)

log = []
for form, quarantine in zip(p.forms, snakemake.input.quarantine, strict=True):
    n_ok = int((df["source_file"] == p.sources[form]).sum())
    n_bad = len(pd.read_csv(quarantine, dtype=str))
    log.append(["stage_followup", p.sources[form], "", n_ok + n_bad, n_ok, "invalid values (quarantined)", n_bad])
    log.append(["clean_followup", p.sources[form], "", n_ok, n_ok, "", 0])
cols = ["step", "source", "edition", "rows_in", "rows_out", "reason", "rows_dropped"]
lib_io.write_csv(pd.DataFrame(log, columns=cols), snakemake.output.cleaning_log)
print(
    f"{len(clean)} responses, {int(clean.email_given.sum())} with e-mail, {int(clean.participant_key.notna().sum())} linked",
    file=sys.stderr,
)
