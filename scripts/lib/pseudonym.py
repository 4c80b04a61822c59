"""Pseudonymisation: participants are keyed by HMAC-SHA256(salt, normalised e-mail).

The salt file is chosen by the Snakefile (the environment variable
``IMPACT_STORY_SALT_FILE`` wins over ``config['privacy']['salt_file']``, see
:func:`salt_path`) and passed to rules as an input, so changing the salt reruns the
chain. The salt itself is never written to ``results/``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

SALT_ENV = "IMPACT_STORY_SALT_FILE"
MIN_SALT_BYTES = 16


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

    Raises ``ValueError`` for a missing file or a salt shorter than 16 bytes.
    """
    p = Path(path)
    if not p.is_file():
        raise ValueError(
            f"salt file {str(p)!r} not found: set privacy.salt_file in config.yaml or "
            f"the environment variable {SALT_ENV}"
        )
    salt = p.read_bytes().rstrip()
    if len(salt) < MIN_SALT_BYTES:
        raise ValueError(f"salt file {str(p)!r} holds {len(salt)} bytes; use at least {MIN_SALT_BYTES} random bytes")
    return salt


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
