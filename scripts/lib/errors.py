"""One message path for problems an analyst can fix in a file they edit or export.

:class:`InputError` is raised for a problem of an input file (an export, the XLSForm,
an interview note, the country alias table, the account patterns, the metric registry,
the claims register): the message names the file, where in it (line, key, sheet/row),
the value when it is not personal, what is wrong and what to do. It subclasses
:class:`SystemExit`, so a rule script that lets it propagate stops with the message alone
and exit status 1, never with a Python traceback (Python prints a ``SystemExit``'s
message to stderr, which Snakemake sends to the rule's log). It is also an
:class:`Exception`, so ``except Exception`` (and tests with ``pytest.raises``) still see it.

The classes that carried their own wording before (``ValidationFailed``,
``CodebookError``, ``InterviewNoteError``, ``ClaimsError``, ...) derive from it and keep
their messages; new code builds the message with :func:`format_message`::

    raise InputError("raw/interviews/x.yaml", "missing (a list of paragraphs)",
                     where="key 'narrative'", todo="add the key (see raw/README.md)")
    # raw/interviews/x.yaml, key 'narrative': missing (a list of paragraphs); add the key ...

Loaders that are not ours to change (or whose errors are plain ``ValueError`` /
``KeyError`` / YAML errors) are wrapped where a rule script calls them, with
:func:`input_file`: an error raised inside the block becomes an ``InputError`` naming the
file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

# ``value=PERSONAL`` (or ``value=None``): the value is withheld; the message says where it is.
PERSONAL = None
_NOT_GIVEN = object()


def format_message(file, problem: str, *, where=None, value=_NOT_GIVEN, todo: str | None = None) -> str:
    """``file:line`` or ``file, <where>``, then ``value '...'`` (or withheld), then the
    problem and what to do: ``raw/x.csv:12, value '9e99': too large for a date; fix it``."""
    head = str(file)
    if isinstance(where, int) and not isinstance(where, bool):
        head += f":{where}"
    elif where:
        head += f", {where}"
    if value is None:
        at = f"line {where} of {file}" if isinstance(where, int) else str(file)
        head += f", value (withheld: personal data, see {at})"
    elif value is not _NOT_GIVEN:
        head += f", value {_shown(value)}"
    message = f"{head}: {problem}"
    if todo:
        message += f"; {todo}" if not problem.rstrip().endswith((".", "!", "?")) else f" {todo}"
    return message


def _shown(value) -> str:
    text = str(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return "'" + text.replace("\n", "\\n") + "'"


class InputError(SystemExit, Exception):
    """A problem of an input file the analyst can fix; printed without a traceback.

    ``InputError(file, problem, where=..., value=..., todo=...)`` formats the message with
    :func:`format_message`; ``InputError(message)`` takes a message that already names the
    file (the older classes that derive from this one).
    """

    def __init__(self, file, problem: str | None = None, *, where=None, value=_NOT_GIVEN, todo: str | None = None):
        if problem is None:
            message = str(file)
            self.file = None
        else:
            message = format_message(file, problem, where=where, value=value, todo=todo)
            self.file = str(file)
        super().__init__(message)  # SystemExit: .code is what Python prints on exit
        self.where, self.todo = where, todo

    def __str__(self) -> str:
        return str(self.code)


# What a loader of a hand-edited file raises when the file breaks its format; anything else
# (an ImportError, a MemoryError, ...) is a fault of the workflow and keeps its traceback.
LOAD_ERRORS: tuple[type[BaseException], ...] = (ValueError, KeyError, TypeError, AttributeError, IndexError, OSError)


def _load_errors() -> tuple[type[BaseException], ...]:
    extra: list[type[BaseException]] = []
    try:
        import yaml

        extra.append(yaml.YAMLError)
    except ImportError:  # pragma: no cover - yaml is a dependency
        pass
    try:
        import jsonschema

        extra += [jsonschema.ValidationError, jsonschema.SchemaError]
    except ImportError:  # pragma: no cover
        pass
    return LOAD_ERRORS + tuple(extra)


def describe(err: BaseException) -> str:
    """What a loader's exception says about the file, in words an analyst can act on."""
    text = (str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)).strip()
    if isinstance(err, KeyError):
        return f"the key {text!r} is missing" if text else "a required key is missing"
    if isinstance(err, AttributeError | TypeError | IndexError):
        return f"does not have the expected structure (a list of entries, each a mapping of fields): {text}"
    if type(err).__module__.startswith("yaml"):
        return f"not readable as YAML: {text}"
    return text or f"cannot be read ({type(err).__name__})"


@contextmanager
def input_file(path, todo: str | None = None) -> Iterator[None]:
    """Turn a loader's error for ``path`` into an :class:`InputError` naming the file.

    ``with input_file(inp.registry, "fix the entry and run again"): load_registry(...)``.
    An ``InputError`` raised inside passes unchanged; a message that already starts with the
    file's name is not prefixed with it again.
    """
    try:
        yield
    except InputError:
        raise
    except _load_errors() as err:
        text = describe(err)
        if text.startswith(str(path)):
            raise InputError(text + (f"; {todo}" if todo else "")) from None
        raise InputError(path, text, todo=todo) from None
