"""Pseudonymisation: participants are keyed by HMAC-SHA256(salt, normalised e-mail).

The salt file is chosen by the Snakefile (the environment variable
``IMPACT_STORY_SALT_FILE`` wins over ``config['privacy']['salt_file']``, see
:func:`salt_path`) and passed to rules as an input, so changing the salt reruns the
chain. The salt itself is never written to ``results/``.

The salt file is checked before anything runs (:func:`check_salt`, called by
workflow/rules/common.smk): it must be text of at least 16 bytes, and the committed demo
salt is refused unless every export whose e-mails it would key is a file of the shipped
synthetic data (listed, unchanged, in ``raw/SHA256SUMS``) or ``privacy.allow_demo_salt``
is true. A problem is a :class:`SaltError` whose message names the salt file (never its
content) and says what to do.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from lib.checksums import parse_sha256sums, sha256_file
from lib.errors import InputError

SALT_ENV = "IMPACT_STORY_SALT_FILE"
MIN_SALT_BYTES = 16
# sha256 of the committed demo salt (resources/demo-salt.txt, trailing newline removed):
# recognized by its content, wherever it is copied
DEMO_SALT_SHA256 = "9a814f16503bb7eafb873c3f72eec69d101430f87a9ae06ff7fe6065bbb6b150"
# sha256 of raw/SHA256SUMS as `make data` writes it for the shipped synthetic data; a list
# written for other exports (e.g. with `sha256sum` for the audit) is not this one.
# tests/test_lib_pseudonym.py fails when raw/ is regenerated without updating it.
SHIPPED_SUMS_SHA256 = "6a82c7b329be50c773f728b99b02031d3bef4ec9525e8efabb768077e6703e5f"
SHIPPED_SUMS = "raw/SHA256SUMS"
MAKE_SALT = (
    "\n  Make a private salt once: mkdir -p private && "
    """python3 -c "import secrets; print(secrets.token_hex(32))" > private/salt.txt"""
    "\n  then set privacy.salt_file: private/salt.txt in config.yaml (or the environment "
    f"variable {SALT_ENV}). Keep it out of git, back it up, and use the same salt for every "
    "run: another salt gives every participant another key (README, 'Privacy: the salt')."
)


class SaltError(InputError, ValueError):
    """The salt file is missing, of the wrong form, or the demo salt on other data (a
    message without a traceback: lib.errors)."""


def normalise_email(s):
    """Trim and lower-case an e-mail (a str, or a pandas Series element-wise).

    Missing values stay missing; a blank string becomes ``""``.
    """
    import pandas as pd  # here, not at module level: the Snakefile imports salt_path

    if isinstance(s, pd.Series):
        return s.astype("string").str.strip().str.lower()
    if s is None or (not isinstance(s, str) and pd.isna(s)):
        return s
    return str(s).strip().lower()


def salt_path(config_path: str, environ: Mapping[str, str] | None = None) -> str:
    """The salt file to use: ``$IMPACT_STORY_SALT_FILE`` if set and non-empty, else the config path."""
    env = os.environ if environ is None else environ
    chosen = env.get(SALT_ENV, "").strip()
    return chosen or config_path


def read_salt(path: str | os.PathLike) -> bytes:
    """Read the salt bytes from ``path`` (trailing whitespace / newline removed).

    Raises :class:`SaltError` (a ``ValueError``) for a missing or unreadable file, a file
    that is not text (binary, UTF-16) or a salt shorter than 16 bytes. The message names
    the file, never its content.
    """
    p = Path(path)
    where = f"salt file {str(p)!r}"
    if not p.exists():
        raise SaltError(
            f"{where} not found (privacy.salt_file in config.yaml, or the environment "
            f"variable {SALT_ENV}); nothing was run.{MAKE_SALT}"
        )
    if not p.is_file():
        raise SaltError(f"{where} is not a file (a directory?); name the salt file itself.{MAKE_SALT}")
    try:
        data = p.read_bytes()
    except OSError as err:
        raise SaltError(f"{where} cannot be read ({err.strerror}): give the user who runs the workflow read access") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SaltError(
            f"{where} is UTF-16 text (as Windows PowerShell's '>' writes it), not UTF-8; "
            f"write the salt in a UTF-8 file (the command below, run in bash).{MAKE_SALT}"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        raise SaltError(
            f"{where} is not text (binary bytes: a spreadsheet, an image, raw random bytes?); "
            f"a salt is one line of UTF-8 text such as 64 hex digits.{MAKE_SALT}"
        )
    salt = data.rstrip()
    if not salt:
        raise SaltError(f"{where} is empty; nothing was run.{MAKE_SALT}")
    if len(salt) < MIN_SALT_BYTES:
        raise SaltError(
            f"{where} holds {len(salt)} bytes; use at least {MIN_SALT_BYTES} random bytes "
            f"(the command below writes 64 hex digits).{MAKE_SALT}"
        )
    return salt


def is_demo_salt(salt: bytes) -> bool:
    """True when ``salt`` is the committed demo salt (by content, wherever the file is)."""
    return hashlib.sha256(salt).hexdigest() == DEMO_SALT_SHA256


def not_shipped_data(exports: Iterable[str | os.PathLike], sums_file: str | os.PathLike = SHIPPED_SUMS) -> list[str]:
    """Why ``exports`` are not files of the shipped synthetic data (empty list: they are).

    The shipped data is what ``raw/SHA256SUMS`` lists when that list is the one `make data`
    writes (its own sha256 is :data:`SHIPPED_SUMS_SHA256`): each export that exists must
    be listed there, below ``raw/``, with the same sha256. Exports that do not exist are
    skipped (nothing is keyed from them; Snakemake names them when a rule needs them).
    """
    sums_path = Path(sums_file)
    if not sums_path.is_file():
        return [f"{sums_path.as_posix()} is missing"]
    if sha256_file(sums_path) != SHIPPED_SUMS_SHA256:
        return [f"{sums_path.as_posix()} is not the checksum list shipped with the synthetic data"]
    listed = parse_sha256sums(sums_path.read_text(encoding="utf-8"), source=sums_path.as_posix())
    root = sums_path.resolve().parent
    problems = []
    for export in sorted({str(e) for e in exports}):
        path = Path(export)
        if not path.is_file():
            continue
        try:
            rel = path.resolve().relative_to(root).as_posix()
        except ValueError:
            problems.append(f"{export} is not a file of the shipped synthetic data (it is outside {root.name}/)")
            continue
        if rel not in listed:
            problems.append(f"{export} is not listed in {sums_path.as_posix()}")
        elif sha256_file(path) != listed[rel]:
            problems.append(f"{export} differs from the shipped synthetic data ({sums_path.as_posix()})")
    return problems


def check_salt(
    path: str | os.PathLike,
    exports: Iterable[str | os.PathLike],
    *,
    allow_demo: bool = False,
    sums_file: str | os.PathLike = SHIPPED_SUMS,
) -> None:
    """Stop (:class:`SaltError`) on a salt file of the wrong form, or on the demo salt used
    for ``exports`` (the files whose e-mails it keys) that are not the shipped synthetic
    data, unless ``allow_demo`` (``privacy.allow_demo_salt: true``)."""
    salt = read_salt(path)
    if allow_demo or not is_demo_salt(salt):
        return
    problems = not_shipped_data(exports, sums_file)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise SaltError(
            f"salt file {str(path)!r} is the public demo salt of the repository, and the exports "
            f"are not the shipped synthetic data: {problems[0]}{more}. With this salt anyone who "
            "has the repository can recompute every pseudonymous key from a list of e-mail "
            f"addresses, so nothing was run.{MAKE_SALT}"
            "\n  Only for test or generated data: privacy.allow_demo_salt: true in config.yaml."
        )


def keyed_hash(values, salt: bytes):
    """Hex HMAC-SHA256 of each value under ``salt``.

    ``values`` may be a str (returns a str), a pandas Series (returns a Series with the
    same index; missing stays missing) or any iterable of str (returns a list). Values
    are hashed as given: normalise e-mails first with :func:`normalise_email`.
    """
    import pandas as pd  # here, not at module level: the Snakefile imports salt_path

    if not isinstance(salt, bytes | bytearray) or not salt:
        raise ValueError("salt must be non-empty bytes")

    def one(v):
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return pd.NA
        return hmac.new(salt, str(v).encode("utf-8"), hashlib.sha256).hexdigest()

    if isinstance(values, str):
        return one(values)
    if isinstance(values, pd.Series):
        return pd.Series([one(v) for v in values], index=values.index, dtype="string")
    if isinstance(values, Iterable):
        return [one(v) for v in values]
    raise TypeError(f"cannot hash a {type(values).__name__}")
