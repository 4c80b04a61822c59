"""The helper modules under scripts/lib import cleanly and without cycles, and files are
hashed in one place (lib.checksums.sha256_file).

Imports are read with ast, function-level ones included (a local import hides a cycle
from the interpreter, not from a reader)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "scripts" / "lib"
MODULES = sorted(p.stem for p in LIB.glob("*.py") if p.stem != "__init__")


def lib_imports(source: str) -> set[str]:
    """lib modules a module's source imports (``from lib import x``, ``from lib.x import
    y``, ``import lib.x``), wherever the import statement stands."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] != "lib":
                continue
            found |= {parts[1]} if len(parts) > 1 else {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("lib.")}
    return found


def graph(sources: dict[str, str]) -> dict[str, set[str]]:
    return {name: lib_imports(text) & set(sources) for name, text in sources.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle as [a, b, ..., a], or [] (depth-first search, sorted order)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return []

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def test_no_import_cycle_between_lib_modules():
    sources = {name: (LIB / f"{name}.py").read_text(encoding="utf-8") for name in MODULES}
    assert find_cycle(graph(sources)) == []


def test_cycle_finder_sees_local_imports():
    sources = {
        "io": "from lib.validation import ValidationFailed\n",
        "validation": "def write():\n    from lib.io import write_csv\n",
        "safe_text": "",
    }
    assert find_cycle(graph(sources)) == ["io", "validation", "io"]
    sources["validation"] = "from lib.safe_text import write_csv\n"
    assert find_cycle(graph(sources)) == []
    assert lib_imports("from lib import io as lib_io, validation\nimport lib.stats\n") == {"io", "validation", "stats"}


@pytest.mark.parametrize("name", MODULES)
def test_every_lib_module_imports(name):
    importlib.import_module(f"lib.{name}")


def test_files_are_hashed_only_through_lib_checksums():
    """hashlib appears in scripts/ only in lib/checksums.py (files) and lib/pseudonym.py
    (keyed hashing of e-mails, no file), and in the data generator, which by design imports
    no workflow code (tests/test_raw_data.py) and writes raw/SHA256SUMS itself."""
    users = sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "scripts").rglob("*.py")
        if "hashlib" in p.read_text(encoding="utf-8")
    )
    assert users == ["scripts/datagen/writers.py", "scripts/lib/checksums.py", "scripts/lib/pseudonym.py"]
