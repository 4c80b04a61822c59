"""Checks of the configuration files before Snakemake uses them (called by the Snakefile).

Snakemake reports a YAML syntax error in ``config.yaml`` without its line, ignores a key
that appears twice (the last one wins) and, with ``snakemake.utils.validate``, prints a
jsonschema dump for a misspelt key. These checks stop first, with one message per
problem that names the file, the line and the key, and say what to do:

* :func:`check_yaml_file`: the file is UTF-8, parses as YAML (else file:line:column and
  the parser's reason) and has no key twice in one mapping;
* :func:`check_config`: the merged configuration against ``schemas/config.schema.yaml``;
  an unknown key is named with its place (``privacy.salt_fle``) and the nearest valid key
  (difflib), other problems with jsonschema's reason; each at the file and line that set it.

A problem is a :class:`ConfigError`; the Snakefile turns it into ``SystemExit`` (a message,
no traceback). Defaults are filled in afterwards by Snakemake's own ``validate``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

SCHEMA_NAME = "schemas/config.schema.yaml"
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
KeyPath = tuple[Any, ...]


class ConfigError(Exception):
    """A configuration file cannot be used; the message says where and what to do."""


# ----------------------------------------------------------------------------- YAML


def _compose(path: Path) -> yaml.Node | None:
    """The YAML node tree of ``path`` (ConfigError with file:line:column on a syntax error)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}:{line}: the file is not UTF-8 text (byte 0x{data[err.start]:02X}); nothing was run. "
            "Save it as UTF-8 in your editor, then run again."
        ) from None
    try:
        return yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as err:
        raise ConfigError(_syntax_message(path, text, err)) from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: YAML syntax error: {err}; nothing was run. Correct it, then run again.") from None


OPENED = {  # parser context -> what was opened and not closed (reported where it opens)
    "while parsing a flow sequence": "a list opened with '[' here is not closed",
    "while parsing a flow mapping": "a mapping opened with '{' here is not closed",
    "while scanning a quoted scalar": "a quote opened here is not closed",
}


def _syntax_message(path: Path, text: str, err: yaml.MarkedYAMLError) -> str:
    """file:line:column, the parser's reason, where to look and what to do."""
    mark, ctx = err.problem_mark or err.context_mark, err.context_mark
    if mark is None:
        return f"{path}: YAML syntax error: {err}; nothing was run. Correct it, then run again."
    if ctx is not None and err.context in OPENED:  # an unclosed bracket or quote: where it opens
        found = f"{err.problem} on line {mark.line + 1}, column {mark.column + 1}" if err.problem else ""
        return (
            f"{path}:{ctx.line + 1}:{ctx.column + 1}: YAML syntax error: {OPENED[err.context]}"
            f"{f' ({found})' if found else ''}; nothing was run. Close it, then run again."
        )
    line = mark.line + 1
    reason = err.problem or err.context or "not valid YAML"
    if err.problem and err.context:
        starts = f" that starts on line {ctx.line + 1}, column {ctx.column + 1}" if ctx else ""
        reason = f"{err.problem} ({err.context}{starts})"
    lines = text.splitlines()
    source = lines[mark.line] if mark.line < len(lines) else ""
    indent = source[: len(source) - len(source.lstrip(" \t"))]
    if "\t" in indent:
        hint = f"line {line} is indented with a tab: YAML indents with spaces only"
    elif ctx is not None and ctx.line + 1 < line - 1:
        hint = (
            f"look from line {ctx.line + 1} to line {line}: a quote opened there and closed only "
            "here, a missing ':' or an indentation that does not line up"
        )
    else:
        hint = (
            "look at that line and the one before it: a missing ':' or closing quote or bracket, "
            "an indentation that does not line up"
        )
    return (
        f"{path}:{line}:{mark.column + 1}: YAML syntax error: {reason}; nothing was run. "
        f"{hint[0].upper()}{hint[1:]}; correct it, then run again."
    )


def _walk(node: yaml.Node, path: KeyPath, path_name: Path, lines: dict, problems: list[str]) -> None:
    """Record the line of every key path; report keys given twice in one mapping."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if key is None:
                continue
            if key in seen:
                problems.append(
                    f"{path_name}:{line}: key '{_dotted((*path, key))}' is given twice (first on line "
                    f"{seen[key]}); YAML keeps only the last one, so the first is silently ignored. "
                    "Keep one of them."
                )
            seen[key] = line
            lines.setdefault((*path, key), line)
            _walk(value_node, (*path, key), path_name, lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.setdefault((*path, i), item.start_mark.line + 1)
            _walk(item, (*path, i), path_name, lines, problems)


def key_lines(path: str | Path) -> dict[KeyPath, int]:
    """Line (1-based) of every key path of a YAML file, e.g. ('privacy', 'salt_file') -> 520.

    Raises ConfigError on a file that is not UTF-8, not YAML, or has a key twice.
    """
    path = Path(path)
    node = _compose(path)
    lines: dict[KeyPath, int] = {}
    problems: list[str] = []
    if node is not None:
        if not isinstance(node, yaml.MappingNode):
            raise ConfigError(
                f"{path}:{node.start_mark.line + 1}: the configuration must be a mapping of keys "
                "(key: value lines at the top level); nothing was run."
            )
        _walk(node, (), path, lines, problems)
    if problems:
        raise ConfigError(_join(f"{path} gives a key twice", problems))
    return lines


def check_yaml_file(path: str | Path) -> None:
    """Stop (ConfigError) when ``path`` is not UTF-8, not valid YAML or gives a key twice."""
    key_lines(path)


# ----------------------------------------------------------------------------- schema


def _dotted(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _join(title: str, problems: Sequence[str]) -> str:
    return title + ":\n  - " + "\n  - ".join(problems)


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _allowed_keys(schema: Mapping[str, Any]) -> list[str]:
    return sorted(schema.get("properties", {}))


def _unknown_keys(error) -> list[str]:
    """The keys an additionalProperties error is about (not properties, no pattern matches)."""
    props = error.schema.get("properties", {})
    patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
    return sorted(
        str(k) for k in error.instance if k not in props and not any(p.search(str(k)) for p in patterns)
    )


def _has_path(tree: Any, path: KeyPath) -> bool:
    for part in path:
        if isinstance(tree, Mapping) and part in tree:
            tree = tree[part]
        elif isinstance(tree, list) and isinstance(part, int) and 0 <= part < len(tree):
            tree = tree[part]
        else:
            return False
    return True


class _Locator:
    """Find what set a key path: ``--config`` (applied last), else the last file naming it."""

    def __init__(self, files: Sequence[tuple[Path, dict[KeyPath, int]]], command_line: Mapping | None = None):
        self.files = list(files)
        self.command_line = command_line or {}

    def __call__(self, path: KeyPath) -> str:
        path = tuple(path)
        if path and _has_path(self.command_line, path):
            return "--config (command line)"
        for trimmed in (path[:n] for n in range(len(path), 0, -1)):
            for name, lines in reversed(self.files):
                if trimmed in lines:
                    return f"{name}:{lines[trimmed]}"
        if path:
            return "--config (command line)"
        return str(self.files[0][0]) if self.files else "config"


def schema_problems(config: Mapping[str, Any], schema: Mapping[str, Any], locate=None) -> list[str]:
    """One message per problem of ``config`` against ``schema`` (empty list: valid)."""
    from jsonschema import Draft202012Validator

    locate = locate or (lambda path: "config")
    found: list[tuple[str, str]] = []
    for error in Draft202012Validator(schema).iter_errors(config):
        where = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and error.validator_value is False:
            allowed = _allowed_keys(error.schema)
            place = f"under '{_dotted(where)}'" if where else "at the top level"
            for key in _unknown_keys(error):
                full = _dotted((*where, key))
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = (
                    f"did you mean '{_dotted((*where, close[0]))}'?"
                    if close
                    else f"the keys allowed {place} are: {', '.join(allowed)}"
                )
                found.append((locate((*where, key)), f"unknown key '{full}': {hint}"))
            continue
        if error.validator == "type":  # jsonschema's message repeats the whole value
            message = f"{_short(error.instance)} is not of type {error.validator_value!r}"
        else:
            message = error.message if len(error.message) <= 240 else error.message[:237] + "..."
        found.append((locate(where), f"'{_dotted(where)}': {message}" if where else message))
    return [f"{loc}: {text}" for loc, text in sorted(set(found), key=_order)]


def _order(item: tuple[str, str]) -> tuple:
    loc, text = item
    name, _, line = loc.rpartition(":")
    return (name, int(line), text) if line.isdigit() else (loc, 0, text)


def check_config(
    config: Mapping[str, Any],
    schema_file: str | Path,
    files: Iterable[str | Path] = ("config.yaml",),
    command_line: Mapping[str, Any] | None = None,
) -> None:
    """Stop (ConfigError) when ``config`` does not match the schema.

    ``files`` are the configuration files merged into ``config``, in order (config.yaml,
    then each ``--configfile``) and ``command_line`` what ``--config`` set; they are only
    used to say where a key is set.
    """
    from jsonschema import Draft202012Validator

    schema = yaml.load(Path(schema_file).read_text(encoding="utf-8"), Loader=Loader)
    if Draft202012Validator(schema).is_valid(config):
        return
    located = []  # only now: the line of every key of every file
    for name in files:
        path = Path(name)
        if path.is_file():
            try:
                located.append((path, key_lines(path)))
            except ConfigError:
                continue
    problems = schema_problems(config, schema, _Locator(located, command_line))
    if problems:
        n = len(problems)
        raise ConfigError(
            _join(
                f"The configuration does not match {SCHEMA_NAME} ({n} problem{'s' if n > 1 else ''}); nothing was run",
                problems,
            )
            + f"\n  Correct the key or value at the line named (every key is described in {SCHEMA_NAME} "
            "and in the comments of config.yaml), then run again."
        )
