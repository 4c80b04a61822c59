"""Helper modules are rule inputs found, not declared: lib.imports.import_closure computes
the project modules a script imports (directly or through other project modules), and
the workflow adds them to the inputs of the script's rule (common.smk
`declare_script_imports`), so that editing a module reruns exactly the rules whose scripts
use it: Snakemake tracks a `script:` file itself but not what it imports (field notes
sec. 1). Also: the one preamble of every rule script (lib.preamble.begin)."""

import ast
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lib import imports
from lib.imports import ImportGraph, import_closure

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = ROOT / ".venv" / "bin" / "snakemake"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def tiny(tmp_path) -> Path:
    """A hand-made project: scripts/lib with five modules, schemas with two."""
    write(
        tmp_path,
        {
            "scripts/lib/__init__.py": '"""package docstring, no imports"""\n',
            # a: absolute import of a module, a lazy one inside a function, a schema
            "scripts/lib/a.py": """
                import pandas as pd
                from lib.b import helper
                from schemas.s import SCHEMA

                def later():
                    import lib.c as c
                    return c
            """,
            # b: relative import (from . import d), and back to a (a cycle)
            "scripts/lib/b.py": """
                from . import d
                from .a import later

                def helper():
                    return d
            """,
            "scripts/lib/c.py": "X = 1\n",
            "scripts/lib/d.py": "import json\n",
            "scripts/lib/unused.py": "from lib import a\n",
            "schemas/__init__.py": "",
            "schemas/s.py": "import pandera\nSCHEMA = None\n",
            "schemas/other.py": "",
            # the script: `from lib import a, NAME` (a module and a non-module name)
            "scripts/rule_script.py": """
                import sys
                from lib import a, NOT_A_MODULE
            """,
            "scripts/no_project_imports.py": "import pandas\nimport lib_not_ours\n",
            "scripts/schemas_only.py": "from schemas import s\n",
        },
    )
    return tmp_path


def test_closure_follows_absolute_relative_lazy_and_cyclic_imports(tiny):
    # by hand: rule_script -> lib/__init__, a; a -> b, schemas/__init__, s, c (lazy);
    # b -> d (relative), a (cycle, already seen). unused.py and schemas/other.py are not reached.
    assert import_closure(tiny / "scripts/rule_script.py", tiny) == [
        "schemas/__init__.py",
        "schemas/s.py",
        "scripts/lib/__init__.py",
        "scripts/lib/a.py",
        "scripts/lib/b.py",
        "scripts/lib/c.py",
        "scripts/lib/d.py",
    ]


def test_closure_of_a_module_leaves_the_module_itself_out(tiny):
    assert import_closure(tiny / "scripts/lib/b.py", tiny) == [
        "schemas/__init__.py",
        "schemas/s.py",
        "scripts/lib/__init__.py",
        "scripts/lib/a.py",
        "scripts/lib/c.py",
        "scripts/lib/d.py",
    ]


def test_closure_ignores_third_party_and_lookalike_names(tiny):
    assert import_closure(tiny / "scripts/no_project_imports.py", tiny) == []
    assert import_closure(tiny / "scripts/schemas_only.py", tiny) == ["schemas/__init__.py", "schemas/s.py"]


def closures_with(graph_root: Path, cache_file: Path) -> dict[str, list[str]]:
    graph = ImportGraph(graph_root, cache_file)
    found = {
        name: import_closure(graph_root / name, graph_root, graph)
        for name in ("scripts/rule_script.py", "scripts/schemas_only.py", "scripts/no_project_imports.py")
    }
    graph.save()
    return found


def test_cached_closures_equal_parsed_ones_and_skip_the_parse(tiny, tmp_path, monkeypatch):
    cache_file = tmp_path / "state" / "import_closures.json"
    parsed = {name: import_closure(tiny / name, tiny) for name in closures_with(tiny, cache_file)}
    assert closures_with(tiny, cache_file) == parsed  # written by the first graph...
    assert cache_file.is_file()

    def no_parse(path, root):
        raise AssertionError(f"{path} parsed although cached")

    monkeypatch.setattr(imports, "parse_imports", no_parse)
    assert closures_with(tiny, cache_file) == parsed  # ...read by the next, nothing parsed


def test_cache_follows_a_changed_file_and_a_new_module(tiny, tmp_path):
    cache_file = tmp_path / "import_closures.json"
    closures_with(tiny, cache_file)
    # b stops importing d: the closure of rule_script loses d (b's content changed)
    (tiny / "scripts/lib/b.py").write_text("from .a import later\n", encoding="utf-8")
    assert "scripts/lib/d.py" not in closures_with(tiny, cache_file)["scripts/rule_script.py"]
    # rule_script's `from lib import NOT_A_MODULE` now names a file: rule_script.py itself
    # is unchanged, the set of project files is not
    (tiny / "scripts/lib/NOT_A_MODULE.py").write_text("", encoding="utf-8")
    assert "scripts/lib/NOT_A_MODULE.py" in closures_with(tiny, cache_file)["scripts/rule_script.py"]


@pytest.mark.parametrize("content", ["{not json", '{"version": 1, "tree": "x", "files": []}', "[]"])
def test_a_broken_or_stale_cache_is_parsed_again(tiny, tmp_path, content):
    cache_file = tmp_path / "import_closures.json"
    cache_file.write_text(content, encoding="utf-8")
    parsed = {name: import_closure(tiny / name, tiny) for name in closures_with(tiny, tmp_path / "fresh.json")}
    assert closures_with(tiny, cache_file) == parsed
    assert json.loads(cache_file.read_text(encoding="utf-8"))["version"] == imports.CACHE_VERSION


def test_closure_on_the_real_tree_goes_through_modules():
    # lib/lms.py imports lib.pseudonym: a script importing only lib.lms depends on both
    closure = import_closure(ROOT / "scripts/clean_lms.py", ROOT)
    assert {"scripts/lib/__init__.py", "scripts/lib/lms.py", "scripts/lib/pseudonym.py"} <= set(closure)
    assert "scripts/lib/imports.py" not in closure  # the workflow's own helper, no script's


def rule_scripts() -> dict[str, Path]:
    """rule name -> its script, read from the rule files (independently of Snakemake)."""
    scripts = {}
    for smk in sorted((ROOT / "workflow" / "rules").glob("*.smk")):
        for rule, body in re.findall(r"^\s*rule (\w+):\n(.*?)(?=^\s*rule \w+:|\Z)", smk.read_text(), re.M | re.S):
            m = re.search(r'script:\s*\n\s*"([^"]+)"', body)
            if m:
                scripts[rule] = (smk.parent / m.group(1)).resolve()
    return scripts


@pytest.fixture(scope="module")
def rule_inputs() -> dict[str, set[str]]:
    """rule name -> the inputs of its jobs, as Snakemake resolves them (dry run)."""
    done = subprocess.run([str(SNAKEMAKE), "-n", "--forceall", "--cores", "1", "all", "audit"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    inputs: dict[str, set[str]] = {}
    for rule, line in re.findall(r"^rule (\w+):\n\s+input: (.*)$", done.stdout, re.M):
        inputs.setdefault(rule, set()).update(p.strip() for p in line.split(","))
    return inputs


def test_every_rule_has_exactly_its_scripts_imports_as_inputs(rule_inputs):
    scripts = rule_scripts()
    assert len(scripts) >= 13  # 13 scripted rules since jobs run several scripts as steps (lib.steps)
    assert set(scripts) <= set(rule_inputs), "every scripted rule runs in `all audit`"
    wrong = {}
    for rule, script in scripts.items():
        # helper modules, and the rule scripts a job runs as steps (lib.steps.run_step)
        modules = {p for p in rule_inputs[rule] if p.endswith(".py") and p.startswith(("scripts/", "schemas/"))}
        if rule == "provenance_crate":  # records every workflow file, so lists them all
            modules &= set(import_closure(script, ROOT))
        if modules != set(import_closure(script, ROOT)):
            wrong[rule] = sorted(modules ^ set(import_closure(script, ROOT)))
    assert wrong == {}, f"rule inputs differ from the script's import closure: {wrong}"


def test_no_rule_file_declares_helper_modules_by_hand():
    for smk in sorted((ROOT / "workflow" / "rules").glob("*.smk")):
        text = smk.read_text()
        for declared in ('"scripts/lib/', '"schemas/', "libs(", "_LIB"):
            assert declared not in text, f"{smk.name}: {declared}"


def test_preamble_logs_stderr_puts_schemas_on_the_path_and_keeps_systemexit_plain(tmp_path):
    log = tmp_path / "rule.log"
    script = tmp_path / "rule_script.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys
            from types import SimpleNamespace
            snakemake = SimpleNamespace(log=[{str(log)!r}])
            import gc
            from lib.preamble import begin, loaded
            handle = begin(snakemake)
            assert sys.stderr is handle
            assert not gc.isenabled()  # while the libraries load
            import schemas.lms
            loaded()
            assert gc.isenabled() and gc.get_freeze_count() > 0
            print("a line for the log", file=sys.stderr)
            raise SystemExit("raw/x.csv:3: what is wrong; what to do")
            """
        ),
        encoding="utf-8",
    )
    # only scripts/ on the path, as Snakemake sets it: the repository root comes from begin()
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path,
                          env={"PYTHONPATH": str(ROOT / "scripts")})
    assert done.returncode == 1
    assert done.stderr == ""
    assert log.read_text(encoding="utf-8") == "a line for the log\nraw/x.csv:3: what is wrong; what to do\n"


def test_every_rule_script_starts_with_the_one_preamble():
    for rule, script in rule_scripts().items():
        text = script.read_text(encoding="utf-8")
        assert "from lib.preamble import begin, loaded\n" in text and "begin(snakemake)\n" in text, rule
        # loaded() right after the script's last top-level import (the collector is off
        # until then: a script without it would run its whole work with it off)
        body = ast.parse(text).body
        last_import = max(i for i, node in enumerate(body) if isinstance(node, (ast.Import, ast.ImportFrom)))
        after = body[last_import + 1]
        assert isinstance(after, ast.Expr) and ast.unparse(after) == "loaded()", rule
        assert "snakemake.log[0]" not in text and "sys.path.insert" not in text, rule
