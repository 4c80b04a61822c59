"""The bad-input corpus (issue 7): broken exports made from the default data by small mutations.

``mutations`` edits one raw CSV in a workspace and reports the facts a message must name
(file, line, column, value); ``cases`` is the mutation table (one :class:`cases.Case` per
broken export, with the behaviour expected of the workflow); ``builder`` makes a workspace
(a temporary copy of the workflow and raw data), applies a case and runs Snakemake on the
one target that case concerns.
"""
