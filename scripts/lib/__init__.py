"""Shared helpers of the impact-story workflow (imported by rule scripts and tests).

Import convention (one for the whole repo): a rule script starts with the preamble of
``lib.preamble`` and then imports what it needs::

    from lib.preamble import begin

    begin(snakemake)  # stderr -> the rule's log; the repository root on sys.path

    from lib import io as lib_io, validation
    from schemas.lms import raw_schema

Snakemake puts ``scripts/`` on ``sys.path`` for a rule script; pandera schemas live in the
top-level ``schemas`` package. No rule lists these modules: the workflow computes each
script's imports (``lib.imports.import_closure``) and makes them inputs of its rule, so
a change to a helper reruns the rules that use it. Tests get both packages on the path
from ``pyproject.toml`` (``pythonpath = [".", "scripts"]``).

Modules: ``errors`` (``InputError``, the one message path for a problem of an input file:
a ``SystemExit``, so it stops a rule script without a traceback), ``io`` (read an export with a site's dialect, deterministic Parquet/CSV writers),
``validation`` (pandera lazy validation to a readable report, ``ValidationFailed``),
``countries`` (exact multilingual country lookup + alias table), ``pseudonym`` (keyed
hashing of e-mails), ``registry`` (metric registry and metric rows), ``metrics`` (the
one metric API every stage computes through: kinds, blocks, publish), ``safe_text``
(CSV formula neutralising, the CSV writer, HTML escaping); the audit's ``checksums`` (the
one sha256 helper), ``claims``, ``claims_page``, ``evidence``, ``crate`` and ``lineage``;
``steps`` (rule scripts that always run one after the other run as steps of one job).
No module imports one that imports it back (tests/test_lib_imports.py).
"""
