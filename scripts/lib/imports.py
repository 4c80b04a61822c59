"""The project modules a Python file imports, directly or through other project modules.

Snakemake reruns a rule when its `script:` changes, not when a module the script imports
changes. The workflow therefore makes the import closure of each rule's script an input
of the rule (`declare_script_imports` in workflow/rules/common.smk), computed here from the
source (ast, nothing is imported or executed).

Project packages are `lib` (scripts/lib/) and `schemas` (schemas/). Importing a module of
a package also runs the package's ``__init__.py``, so that file is part of the closure
too. Every import statement counts, including those inside functions (a lazy import is
still a dependency of the code path that takes it) and relative ones; names that are not
files (a class imported from a module, a third-party package) are ignored.

A script that runs other rule scripts as steps of one job (``lib.steps.run_step("x.py",
...)``) depends on those scripts and on their closures too: a call of ``run_step`` whose
first argument is a string names a file under scripts/.

Parsing every module at each start of Snakemake cost ~0.2 s of every run, a no-op
included (issue 16). `ImportGraph` keeps each file's direct project imports between runs
in a JSON file (under `.snakemake/`), keyed by the file's content and by the set of
project Python files (a new or removed module can change what an import statement names):
what it returns is what parsing would return, a file that changed is parsed again.
"""

import ast
import json
import os
from functools import cache
from pathlib import Path

from lib.checksums import sha256_file

# top-level package name -> its directory, relative to the repository root
PACKAGES = {"lib": Path("scripts/lib"), "schemas": Path("schemas")}
# where the scripts named by lib.steps.run_step calls are
STEP_SCRIPTS = Path("scripts")


def _package_of(path: Path, root: Path) -> tuple[str, ...] | None:
    """Dotted package parts of the directory holding `path`, if it is a project package."""
    try:
        rel = path.resolve().parent.relative_to(root.resolve())
    except ValueError:  # outside the repository
        return None
    for name, directory in PACKAGES.items():
        if rel == directory or rel.is_relative_to(directory):
            return (name, *rel.relative_to(directory).parts)
    return None


def _module_files(dotted: tuple[str, ...], root: Path) -> list[Path]:
    """Files run by importing `dotted` (package ``__init__.py`` files, then the module),
    following the dotted parts as far as they name files; [] outside the project."""
    if not dotted or dotted[0] not in PACKAGES:
        return []
    directory = root / PACKAGES[dotted[0]]
    files = [directory / "__init__.py"]
    for part in dotted[1:]:
        if (directory / part / "__init__.py").is_file():
            directory = directory / part
            files.append(directory / "__init__.py")
        elif (directory / f"{part}.py").is_file():
            files.append(directory / f"{part}.py")
            break
        else:  # an attribute of the module or package (a function, a class)
            break
    return [f for f in files if f.is_file()]


def parse_imports(path: Path, root: Path) -> frozenset[Path]:
    """Project files the import statements of one file run (not transitively), parsed
    from the file as it is now."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    package = _package_of(Path(path), root)
    found: set[Path] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.update(_module_files(tuple(alias.name.split(".")), root))
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x, from ..pkg.mod import y
                if package is None or node.level > len(package):
                    continue
                base = package[: len(package) - node.level + 1]
            else:
                base = ()
            module = base + (tuple(node.module.split(".")) if node.module else ())
            found.update(_module_files(module, root))
            for alias in node.names:  # `from pkg import mod` imports the module pkg/mod.py
                found.update(_module_files((*module, alias.name), root))
        elif isinstance(node, ast.Call) and _step_script(node):
            step = root / STEP_SCRIPTS / _step_script(node)
            if step.is_file():
                found.add(step)
    return frozenset(f.resolve() for f in found)


# Each file parsed once per process: the workflow computes the closure of every rule's
# script at each start, and the scripts share most of their modules (issue 16: ~200
# parses -> ~40).
project_imports = cache(parse_imports)


def _step_script(call: ast.Call) -> str | None:
    """The script a ``run_step("x.py", ...)`` call runs, else None."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name != "run_step" or not call.args:
        return None
    first = call.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


# bumped when what a cache entry holds (or how imports are found) changes
CACHE_VERSION = 2


def _project_files(root: Path) -> list[str]:
    """Every Python file an import or a step call could name (scripts/ and the project
    packages, recursively), as sorted paths relative to `root`."""
    found = []
    for top in {STEP_SCRIPTS, *PACKAGES.values()}:
        for folder, dirs, files in os.walk(root / top):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            rel = Path(folder).relative_to(root)
            found += [(rel / f).as_posix() for f in files if f.endswith(".py")]
    return sorted(set(found))


class ImportGraph:
    """Direct project imports of each file, read from `cache_file` when the file's
    content and the set of project files are those the entry was computed from, parsed
    otherwise; `save()` writes the entries back (atomically: another Snakemake process,
    e.g. a cluster job, may read it at the same time). Without a cache file, or with one
    that cannot be read or written, every file is parsed as before."""

    def __init__(self, root: Path, cache_file: Path | None = None):
        self.root = Path(root).resolve()
        self.cache_file = Path(cache_file) if cache_file else None
        self.tree = _project_files(self.root)
        self.entries: dict[str, list] = {}
        self.changed = False
        self.memo: dict[Path, frozenset[Path]] = {}  # this process: each file once
        if self.cache_file is not None:
            try:
                stored = json.loads(self.cache_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                stored = {}
            if (
                isinstance(stored, dict)
                and stored.get("version") == CACHE_VERSION
                and stored.get("tree") == self.tree
                and isinstance(stored.get("files"), dict)
            ):
                self.entries = stored["files"]

    def imports(self, path: Path) -> frozenset[Path]:
        """What `parse_imports(path, root)` returns, from the cache when it holds it."""
        if path in self.memo:
            return self.memo[path]
        rel = Path(path).resolve().relative_to(self.root).as_posix()
        digest = sha256_file(self.root / rel)
        entry = self.entries.get(rel)
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == digest:
            found = frozenset(self.root / dep for dep in entry[1])
        else:
            found = parse_imports(self.root / rel, self.root)
            deps = sorted(p.relative_to(self.root).as_posix() for p in found)
            self.entries[rel] = [digest, deps]
            self.changed = True
        self.memo[path] = found
        return found

    def save(self) -> None:
        if self.cache_file is None or not self.changed:
            return
        payload = {"version": CACHE_VERSION, "tree": self.tree, "files": self.entries}
        tmp = self.cache_file.with_name(f"{self.cache_file.name}.{os.getpid()}.tmp")
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(payload, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.cache_file)
        except OSError:  # a read-only checkout: parse again next time
            tmp.unlink(missing_ok=True)
            return
        self.changed = False


def import_closure(script: Path, root: Path, graph: ImportGraph | None = None) -> list[str]:
    """Every project file `script` runs through its imports (and the rule scripts it runs
    as steps), transitively, as sorted paths relative to `root` (the script itself left
    out). `graph` (an ImportGraph of the same root) saves parsing files parsed before."""
    root = Path(root).resolve()
    direct = graph.imports if graph is not None else lambda p: project_imports(p, root)
    start = Path(script).resolve()
    seen: set[Path] = set()
    todo = [start]
    while todo:
        for dep in direct(todo.pop()):
            if dep not in seen and dep != start:
                seen.add(dep)
                todo.append(dep)
    return sorted(p.relative_to(root).as_posix() for p in seen)
