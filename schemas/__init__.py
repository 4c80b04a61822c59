"""pandera schemas of the workflow's data layers.

``schemas.lms``: raw (staging) and clean layers of the Moodle exports.
``schemas.survey``: evaluation and follow-up survey layers (survey stage).
``schemas.text``: the text column type both use.

Rule scripts put the repository root on ``sys.path`` (see ``scripts/lib/__init__.py``)
and declare the schema modules they use as named rule inputs.
"""
