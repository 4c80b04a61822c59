"""Shared helpers of the impact-story workflow (imported by rule scripts and tests).

Import convention (one for the whole repo): a rule declares every helper module it
uses as a named input (``lib_io="scripts/lib/io.py"``, ``lib_validation=...``) so that a
change to the helper reruns the rule, and its script puts the ``scripts/`` directory on
``sys.path`` before importing::

    sys.path.insert(0, str(Path(snakemake.input.lib_io).resolve().parent.parent))
    from lib import io as lib_io, validation

pandera schemas live in the top-level ``schemas`` package; scripts that use them add the
repository root the same way (``Path(snakemake.input.schema_lms).resolve().parent.parent``).
Tests get both on the path from ``pyproject.toml`` (``pythonpath = [".", "scripts"]``).

Modules: ``errors`` (``InputError``, the one message path for a problem of an input file:
a ``SystemExit``, so it stops a rule script without a traceback; every rule gets it with
``libs()``), ``io`` (read an export with a site's dialect, deterministic Parquet/CSV writers),
``validation`` (pandera lazy validation to a readable report, ``ValidationFailed``),
``countries`` (exact multilingual country lookup + alias table), ``pseudonym`` (keyed
hashing of e-mails), ``registry`` (metric registry and metric rows), ``safe_text``
(CSV formula neutralising, HTML escaping).
"""
