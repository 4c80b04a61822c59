"""Every project module a rule script imports (directly or through another project module)
is declared as an input of its rule, so that editing the module reruns the rule: Snakemake
tracks a `script:` file itself but not what it imports (field notes sec. 1)."""

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = ROOT / ".venv" / "bin" / "snakemake"


def project_imports(path: Path) -> set[str]:
    """Project modules (scripts/lib/*.py, schemas/*.py) imported by a file, as repo paths."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "lib" and len(parts) > 1:
                candidate = ROOT / "scripts" / "lib" / f"{parts[1]}.py"
            elif parts[0] == "schemas" and len(parts) > 1:
                candidate = ROOT / "schemas" / f"{parts[1]}.py"
            else:
                continue
            if candidate.is_file():
                found.add(candidate.relative_to(ROOT).as_posix())
    return found


def closure(path: Path) -> set[str]:
    todo, seen = [path], set()
    while todo:
        for dep in project_imports(todo.pop()):
            if dep not in seen:
                seen.add(dep)
                todo.append(ROOT / dep)
    return seen


def rule_scripts() -> dict[str, Path]:
    scripts = {}
    for smk in sorted((ROOT / "workflow" / "rules").glob("*.smk")):
        for rule, body in re.findall(r"^\s*rule (\w+):\n(.*?)(?=^\s*rule \w+:|\Z)", smk.read_text(), re.M | re.S):
            m = re.search(r'script:\s*\n\s*"([^"]+)"', body)
            if m:
                scripts[rule] = (smk.parent / m.group(1)).resolve()
    return scripts


@pytest.fixture(scope="module")
def rule_inputs() -> dict[str, set[str]]:
    done = subprocess.run([str(SNAKEMAKE), "-n", "--forceall", "--cores", "1", "all", "audit"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    inputs: dict[str, set[str]] = {}
    for rule, line in re.findall(r"^rule (\w+):\n\s+input: (.*)$", done.stdout, re.M):
        inputs.setdefault(rule, set()).update(p.strip() for p in line.split(","))
    return inputs


def test_every_imported_project_module_is_a_rule_input(rule_inputs):
    scripts = rule_scripts()
    assert len(scripts) >= 20
    missing = {}
    for rule, inputs in rule_inputs.items():
        if rule not in scripts:
            continue
        undeclared = sorted(closure(scripts[rule]) - inputs)
        if undeclared:
            missing[rule] = undeclared
    assert missing == {}, f"imported but not declared as rule inputs: {missing}"


def test_closure_follows_imports_between_project_modules(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("from lib import io as lib_io\nfrom lib.lms import clean_edition\n")
    deps = closure(script)
    assert {"scripts/lib/io.py", "scripts/lib/lms.py"} <= deps
    assert "scripts/lib/pseudonym.py" in deps  # lib/lms.py imports lib.pseudonym
