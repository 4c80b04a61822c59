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
"""

import ast
from functools import cache
from pathlib import Path

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


@cache
def project_imports(path: Path, root: Path) -> frozenset[Path]:
    """Project files the import statements of one file run (not transitively). Each file
    is parsed once per process: the workflow computes the closure of every rule's script
    at each start, and the scripts share most of their modules (issue 16: ~200 parses
    -> ~40, ~0.6 s of every Snakemake run, a no-op included)."""
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


def _step_script(call: ast.Call) -> str | None:
    """The script a ``run_step("x.py", ...)`` call runs, else None."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name != "run_step" or not call.args:
        return None
    first = call.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def import_closure(script: Path, root: Path) -> list[str]:
    """Every project file `script` runs through its imports (and the rule scripts it runs
    as steps), transitively, as sorted paths relative to `root` (the script itself left
    out)."""
    root = Path(root).resolve()
    start = Path(script).resolve()
    seen: set[Path] = set()
    todo = [start]
    while todo:
        for dep in project_imports(todo.pop(), root):
            if dep not in seen and dep != start:
                seen.add(dep)
                todo.append(dep)
    return sorted(p.relative_to(root).as_posix() for p in seen)
