"""Issue 14, class 3: the configuration is checked before anything runs.

Unit tests of scripts/lib/config_check.py (unknown keys with place and nearest key, YAML
syntax errors with file:line:column, keys given twice), of the schema itself (every object
whose keys are fixed refuses unknown keys), and that every configuration the project ships
or the tests use still validates, with Snakemake's `validate` still filling in defaults.
The last tests run the real `snakemake -n` in a temporary copy.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from lib.config_check import ConfigError, check_config, check_yaml_file, key_lines, schema_problems

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "schemas/config.schema.yaml"
SCHEMA = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


def shipped() -> dict:
    return yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))


def merge(base: dict, over: dict) -> dict:
    """Deep merge as Snakemake's update_config does (an override replaces leaves)."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


# ----------------------------------------------------------------------------- the schema


def _object_schemas(node, path=""):
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            yield path or "<root>", node
        for key, value in node.items():
            yield from _object_schemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _object_schemas(value, f"{path}[{i}]")


# maps keyed by ids or codes the analyst chooses (editions, sites, surveys, scopes, role
# codes, language packs) or by canonical column names a site preset may extend
MAPS = {
    "/properties/scopes",
    "/properties/languages",  # keyed by language code (lib.vocabulary)
    "/properties/editions",
    "/properties/sites",
    "/properties/followup_surveys",
    "/properties/evaluation/properties/response_number",
    "/properties/sites/additionalProperties/properties/labels/properties/role",
    *(f"/properties/sites/additionalProperties/properties/headers/properties/{e}"
      for e in ("participants", "completion", "grades", "certificates")),
}  # fmt: skip


def test_every_object_with_fixed_keys_refuses_unknown_keys():
    kinds = {}
    for path, node in _object_schemas(SCHEMA):
        extra = node.get("additionalProperties", "missing")
        kinds[path] = "map" if isinstance(extra, dict) else extra
    assert {p for p, k in kinds.items() if k == "map"} == MAPS
    assert [p for p, k in kinds.items() if k not in ("map", False)] == []
    assert all("properties" not in node for path, node in _object_schemas(SCHEMA) if path in MAPS)


def _configs_the_tests_use() -> dict[str, dict]:
    """config.yaml merged with every override the tests and tools pass to Snakemake."""
    from badinput.cases import CASES

    base = shipped()
    configs = {"config.yaml": base, "--config scope=2021": merge(base, {"scope": "2021"})}
    fixture = yaml.safe_load((ROOT / "tests/fixtures/config_fixture.yaml").read_text(encoding="utf-8"))
    configs["tests/fixtures/config_fixture.yaml"] = merge(base, fixture)
    for opts in ({"performance": {"max_edition_batches": 1}},
                 {"performance": {"max_edition_batches": 1}, "on_invalid": "quarantine",
                  "privacy": {"allow_demo_salt": True}}):  # fmt: skip
        configs[f"test_batches {opts}"] = merge(base, opts)
    for case in CASES:  # as tests/badinput/builder.py passes them
        if case.id == "config_unknown_key_in_override":
            continue  # must not validate: its own test
        nested = {k: v for k, v in case.config.items() if isinstance(v, dict)}
        nested["privacy"] = {"allow_demo_salt": True, **nested.get("privacy", {})}
        flat = {k: v for k, v in case.config.items() if not isinstance(v, dict)}
        configs[f"badinput {case.id}"] = merge(merge(base, nested), flat)
    return configs


def test_shipped_and_test_configs_validate():
    problems = {name: schema_problems(cfg, SCHEMA) for name, cfg in _configs_the_tests_use().items()}
    assert {name: p for name, p in problems.items() if p} == {}
    assert len(problems) > 40


def test_the_benchmark_overlay_validates(tmp_path):
    from datetime import date

    from datagen import scale

    eds = [{"id": f"B{i:03d}", "year": 2021, "language": lang, "site": lang, "start": date(2021, 3, 1)}
           for i, lang in enumerate(["en", "es"])]  # fmt: skip
    scale._overlay(tmp_path, eds)
    overlay = yaml.safe_load((tmp_path / "config_overlay.yaml").read_text(encoding="utf-8"))
    assert overlay["privacy"] == {"allow_demo_salt": True}  # generated data, not the shipped data
    assert schema_problems(merge(shipped(), overlay), SCHEMA) == []


def test_snakemake_validate_still_fills_in_the_defaults():
    from snakemake.utils import validate

    config = shipped()
    del config["privacy"]["allow_demo_salt"], config["performance"]
    assert schema_problems(config, SCHEMA) == []
    validate(config, str(SCHEMA_FILE))
    assert config["privacy"]["allow_demo_salt"] is False
    assert config["performance"] == {"max_edition_batches": 16}
    assert config["editions"]["2020-EN1"]["files"] == {}


# ----------------------------------------------------------------------------- unknown keys


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(tmp_path, config_text: str, extra: dict | None = None, command_line=None) -> str:
    path = _write(tmp_path, "config.yaml", config_text)
    config = merge(yaml.safe_load(config_text), extra or {})
    with pytest.raises(ConfigError) as err:
        check_config(config, SCHEMA_FILE, [path], command_line=command_line)
    return str(err.value)


def _shipped_text() -> str:
    return (ROOT / "config.yaml").read_text(encoding="utf-8")


def _line_of(text: str, line: str) -> int:
    return text.split("\n").index(line) + 1


def test_misspelt_top_level_key_is_named_with_its_line_and_the_nearest_key(tmp_path):
    text = _shipped_text().replace("\non_invalid: stop\n", "\non_invalidd: quarantine\n")
    message = _problems(tmp_path, text)
    line = _line_of(text, "on_invalidd: quarantine")
    assert f"config.yaml:{line}: unknown key 'on_invalidd': did you mean 'on_invalid'?" in message
    assert "(1 problem); nothing was run" in message and "Traceback" not in message


def test_misspelt_nested_key_is_named_with_its_place(tmp_path):
    text = _shipped_text().replace('  salt_file: "resources/demo-salt.txt"', '  salt_fle: "private/salt.txt"')
    message = _problems(tmp_path, text)
    line = _line_of(text, '  salt_fle: "private/salt.txt"')
    assert f"config.yaml:{line}: unknown key 'privacy.salt_fle': did you mean 'privacy.salt_file'?" in message


def test_key_inside_an_id_map_and_a_list_is_placed(tmp_path):
    text = _shipped_text().replace("    start: \"2020-06-01\"\n", "    start: \"2020-06-01\"\n    strat: x\n", 1)
    text = text.replace('  - response_id: "EN-0012"\n', '  - response_id: "EN-0012"\n    translaton: x\n', 1)
    message = _problems(tmp_path, text)
    assert "unknown key 'editions.2020-EN2.strat': did you mean 'editions.2020-EN2.start'?" in message
    assert "unknown key 'quotes[1].translaton': did you mean 'quotes[1].translation'?" in message
    assert f"config.yaml:{_line_of(text, '    strat: x')}:" in message


def test_unknown_key_without_a_near_one_lists_the_allowed_keys(tmp_path):
    text = _shipped_text().replace("  allow_demo_salt: false\n", "  allow_demo_salt: false\n  pepper: x\n")
    message = _problems(tmp_path, text)
    assert "unknown key 'privacy.pepper': the keys allowed under 'privacy' are: allow_demo_salt, salt_file" in message


def test_problem_set_on_the_command_line_or_in_an_override_file_is_placed_there(tmp_path):
    text = _shipped_text()
    path = _write(tmp_path, "config.yaml", text)
    override = _write(tmp_path, "mine.yaml", "certificates:\n  completion:\n    min_course_totl: 50\n")
    config = merge(merge(yaml.safe_load(text), yaml.safe_load(override.read_text())), {"on_invalid": "stopp"})
    with pytest.raises(ConfigError) as err:
        check_config(config, SCHEMA_FILE, [path, override], command_line={"on_invalid": "stopp"})
    message = str(err.value)
    assert (f"{override}:3: unknown key 'certificates.completion.min_course_totl': "
            "did you mean 'certificates.completion.min_course_total'?") in message  # fmt: skip
    assert "--config (command line): 'on_invalid': 'stopp' is not one of ['stop', 'quarantine']" in message
    assert "(2 problems)" in message


def test_wrong_type_names_the_key_without_dumping_the_value(tmp_path):
    text = _shipped_text().replace("  max_edition_batches: 16", "  max_edition_batches: many")
    message = _problems(tmp_path, text)
    line = _line_of(text, "  max_edition_batches: many")
    assert f"config.yaml:{line}: 'performance.max_edition_batches': 'many' is not of type 'integer'" in message


# ----------------------------------------------------------------------------- YAML


def _yaml_error(tmp_path, text: str) -> str:
    path = _write(tmp_path, "config.yaml", text)
    with pytest.raises(ConfigError) as err:
        check_yaml_file(path)
    return str(err.value)


def test_yaml_syntax_error_names_file_line_and_column(tmp_path):
    message = _yaml_error(tmp_path, "scope: '2020'\nprivacy:\n  salt_file: x\n   allow_demo_salt: true\n")
    assert message.startswith(f"{tmp_path / 'config.yaml'}:4:")
    assert "YAML syntax error" in message and "nothing was run" in message


def test_yaml_tab_and_unclosed_bracket(tmp_path):
    assert "config.yaml:3:1: YAML syntax error" in _yaml_error(tmp_path, "a: 1\nb:\n\tc: 2\n")
    assert "indented with a tab" in _yaml_error(tmp_path, "a: 1\nb:\n\tc: 2\n")
    message = _yaml_error(tmp_path, "a: 1\nb: [x, y\nc: 3\nd: 4\n")
    assert "config.yaml:2:4: YAML syntax error: a list opened with '[' here is not closed" in message


def test_yaml_key_twice_and_not_utf8_and_not_a_mapping(tmp_path):
    message = _yaml_error(tmp_path, "a: 1\nb:\n  c: 2\n  c: 3\na: 4\n")
    assert "config.yaml:4: key 'b.c' is given twice (first on line 3)" in message
    assert "config.yaml:5: key 'a' is given twice (first on line 1)" in message
    path = tmp_path / "latin1.yaml"
    path.write_bytes("a: 1\nb: 'Réponse'\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin1.yaml:2: the file is not UTF-8 text \(byte 0xE9\)"):
        check_yaml_file(path)
    assert "must be a mapping" in _yaml_error(tmp_path, "- a\n- b\n")


def test_key_lines_of_the_shipped_config():
    lines = key_lines(ROOT / "config.yaml")
    text = _shipped_text().split("\n")
    assert text[lines[("privacy", "salt_file")] - 1].startswith("  salt_file:")
    assert text[lines[("editions", "2020-EN3", "files", "grades")] - 1].strip().startswith("grades:")


# ----------------------------------------------------------------------------- snakemake -n


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """The workflow and the default data in a temporary copy (no results)."""
    ws = tmp_path_factory.mktemp("config_check") / "repo"
    ws.mkdir()
    for part in ("Snakefile", "config.yaml", "workflow", "scripts", "schemas", "resources", "raw", "published"):
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, ws / part)
    return ws


def dry_run(ws: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "IMPACT_STORY_SALT_FILE"}
    return subprocess.run([SNAKEMAKE, "-n", "--cores", "1", *args], cwd=ws, capture_output=True, text=True, env=env)


@pytest.mark.e2e
def test_dry_run_of_the_shipped_config_goes_on(workspace):
    done = dry_run(workspace)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.e2e
def test_dry_run_stops_on_a_misspelt_key_in_an_override(workspace):
    (workspace / "mine.yaml").write_text(json.dumps({"privacy": {"salt_fle": "private/salt.txt"}}))
    done = dry_run(workspace, "--configfile", "mine.yaml")
    out = done.stdout + done.stderr
    assert done.returncode != 0
    assert "mine.yaml:1: unknown key 'privacy.salt_fle': did you mean 'privacy.salt_file'?" in out
    assert "Traceback" not in out and "File \"" not in out


@pytest.mark.e2e
def test_dry_run_stops_on_a_yaml_error_in_config_yaml_with_its_line(workspace, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(workspace, ws)
    text = (ws / "config.yaml").read_text(encoding="utf-8")
    (ws / "config.yaml").write_text(text.replace("\non_invalid: stop\n", "\non_invalid: [stop\n"), encoding="utf-8")
    done = dry_run(ws)
    out = done.stdout + done.stderr
    line = _line_of(text, "on_invalid: stop")
    assert done.returncode != 0
    assert f"config.yaml:{line}:13: YAML syntax error: a list opened with '[' here is not closed" in out
    assert "Traceback" not in out
