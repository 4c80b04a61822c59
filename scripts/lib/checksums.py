"""File checksums: the one sha256 helper of the repository, and raw/SHA256SUMS checks.

``sha256_file`` is the only place a file is hashed (``hashlib.file_digest``, Python
3.11): the audit, the RO-Crate, ``make trace``, the technical annex, the world map's
geometry check and the data generator's SHA256SUMS all go through it.

``verify_tree`` compares a folder with a ``sha256sum`` list and names every missing,
extra and changed file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lib.errors import InputError

SHA_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")


def sha256_file(path: Path | str) -> str:
    """Hex sha256 of a file's bytes, read in blocks."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def describe_files(root: Path, paths: Iterable[str]) -> list[dict[str, Any]]:
    """path, sha256 and size of files given relative to `root`, sorted by path."""
    return [{"path": p, "sha256": sha256_file(root / p), "size": (root / p).stat().st_size}
            for p in sorted(set(paths))]


class ChecksumError(InputError):
    """raw/ does not match raw/SHA256SUMS; the message names every offending file."""


@dataclass(frozen=True)
class ChecksumProblem:
    kind: str  # missing | extra | changed
    path: str  # relative to the checksum file's directory, '/'-separated
    expected: str = ""
    actual: str = ""

    def describe(self, prefix: str = "") -> str:
        name = f"{prefix}{self.path}"
        if self.kind == "missing":
            return f"{name}: listed in SHA256SUMS but missing from the folder"
        if self.kind == "extra":
            return f"{name}: present in the folder but not listed in SHA256SUMS"
        return (
            f"{name}: content changed (sha256 expected {self.expected}, "
            f"found {self.actual})"
        )


def parse_sha256sums(text: str, source: str = "SHA256SUMS") -> dict[str, str]:
    """Parse ``sha256sum`` output ("<hex>  <path>" or "<hex> *<path>") into path -> hex."""
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = SHA_LINE.match(line)
        if not match:
            raise ChecksumError(
                f"{source}, line {number}: expected '<64 hex digits>  <path>', "
                f"found {line!r}"
            )
        path = match.group(2).strip().removeprefix("./")
        if path in sums:
            raise ChecksumError(f"{source}, line {number}: {path} is listed twice")
        sums[path] = match.group(1).lower()
    return sums


def list_files(root: Path, ignore: Iterable[str] = ()) -> list[str]:
    """Every file below ``root`` as a sorted '/'-separated relative path."""
    ignored = set(ignore)
    found = (p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    return sorted(p for p in found if p not in ignored)


def verify_tree(root: Path, sums: Mapping[str, str], ignore: Iterable[str] = ()) -> list[ChecksumProblem]:
    """Compare the files below ``root`` with ``sums``; return the problems, sorted by path."""
    present = set(list_files(root, ignore))
    problems = [ChecksumProblem("missing", p, sums[p]) for p in sums if p not in present]
    problems += [ChecksumProblem("extra", p) for p in present if p not in sums]
    for path in sorted(present & set(sums)):
        actual = sha256_file(root / path)
        if actual != sums[path]:
            problems.append(ChecksumProblem("changed", path, sums[path], actual))
    return sorted(problems, key=lambda p: (p.path, p.kind))
