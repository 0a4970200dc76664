"""``palette-lint config`` (the effective configuration) and ``palette-lint schema`` (the JSON Schemas for
editors), with their help and every exit code. The printed schemas are checked on the bundled examples by an
independent validator, check-jsonschema, run as a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from linter.cli import cli
from linter.validation.store import SCHEMA_NAMES, SchemaStore, schema_path
from tests.external_tools import missing
from tests.helpers import REPO, palette_lint

EXAMPLES = REPO / "examples"


# ---- palette-lint config ----------------------------------------------------------------------------------

@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "base.yaml").write_text("ignore: [PAL107]\nrules:\n  PAL103: {severity: error}\n")
    (tmp_path / "sites").mkdir()
    (tmp_path / ".palette-lint.yaml").write_text(
        "extends: shared/base.yaml\n"
        "select: [PAL0, PAL1]\n"
        "rules:\n"
        "  PAL103: warning\n"
        "per-file-ignores:\n"
        "  'legacy/**': [PAL106]\n")
    return tmp_path


def test_config_prints_yaml_with_origins(project: Path) -> None:
    result = palette_lint("config", "sites", cwd=project)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "#   .palette-lint.yaml" in lines
    assert "#   shared/base.yaml  (extended by .palette-lint.yaml)" in lines
    assert 'select: ["PAL0", "PAL1"]  # .palette-lint.yaml:2:1' in lines
    assert 'ignore: ["PAL107"]  # shared/base.yaml:1:1' in lines
    assert '  "PAL103": {"severity": "warning"}  # .palette-lint.yaml:4:3 over shared/base.yaml:3:3' in lines
    assert '  "legacy/**": ["PAL106"]  # .palette-lint.yaml:6:3' in lines
    assert 'clusters: []  # default' in lines
    assert 'fail-on: "error"  # default' in lines
    assert lines[-1] == ("# rules enabled: PAL000, PAL001, PAL002, PAL003, PAL004, PAL005, PAL006, PAL101, PAL102, "
                         "PAL103, PAL104, PAL105, PAL106, PAL108, PAL900, PAL901, PAL999")


def test_config_yaml_is_itself_a_configuration_with_the_same_effect(project: Path) -> None:
    printed = palette_lint("config", cwd=project).stdout
    flat = project / "flat.yaml"
    flat.write_text(printed)
    again = palette_lint("config", "--config", "flat.yaml", "-f", "json", cwd=project)
    original = palette_lint("config", "-f", "json", cwd=project)
    assert again.returncode == original.returncode == 0, again.stderr
    assert json.loads(again.stdout)["settings"] == json.loads(original.stdout)["settings"]
    assert json.loads(again.stdout)["enabled-rules"] == json.loads(original.stdout)["enabled-rules"]


def test_config_json(project: Path) -> None:
    result = palette_lint("config", "--format", "json", cwd=project)
    assert result.returncode == 0
    shown = json.loads(result.stdout)
    assert shown["files"] == [{"path": ".palette-lint.yaml", "form": "yaml"},
                              {"path": "shared/base.yaml", "form": "yaml"}]
    assert shown["root"] == str(project.resolve())
    assert shown["settings"]["rules"] == {"PAL103": {"severity": "warning"}}
    assert shown["origins"]["ignore"] == "shared/base.yaml:1:1"
    assert shown["origins"]["per-file-ignores[\"legacy/**\"]"] == ".palette-lint.yaml:6:3"
    assert not SchemaStore().validate("config", shown["settings"]), "the settings are a valid configuration"
    assert "PAL107" not in shown["enabled-rules"] and "PAL106" in shown["enabled-rules"]


def test_config_without_a_file_prints_the_defaults(tmp_path: Path) -> None:
    result = palette_lint("config", "-f", "json", cwd=tmp_path)
    assert result.returncode == 0
    shown = json.loads(result.stdout)
    assert shown["files"] == [] and shown["settings"]["select"] == ["ALL"]
    assert set(shown["origins"].values()) == {"default"}
    text = palette_lint("config", cwd=tmp_path).stdout
    assert "# no configuration file found: these are the defaults" in text


def test_config_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.palette-lint]\nignore = ["PAL107"]\n')
    result = palette_lint("config", cwd=tmp_path)
    assert "#   pyproject.toml  [tool.palette-lint]" in result.stdout
    assert 'ignore: ["PAL107"]  # pyproject.toml:5:1' in result.stdout


@pytest.mark.parametrize("config_text, args, message", [
    ("select: [PAL0\n", (), ".palette-lint.yaml:2:1: invalid YAML"),
    ("select: PAL0\n", (), ".palette-lint.yaml:1:9: select: expected a list, found a string"),
    ("ignore: [PAL1O6]\n", (), ".palette-lint.yaml:1:10: ignore[0]: unknown rule selector 'PAL1O6'"),
    ("extends: nowhere.yaml\n", (), ".palette-lint.yaml:1:10: extends: file not found: 'nowhere.yaml'"),
    ("rule-dirs: [missing]\n", (), ".palette-lint.yaml:1:13: rule-dirs[0]: directory not found: 'missing'"),
    ("", ("--config", "missing.yaml"), "configuration file not found: missing.yaml"),
])
def test_config_errors_exit_2(tmp_path: Path, config_text: str, args: tuple[str, ...], message: str) -> None:
    (tmp_path / ".palette-lint.yaml").write_text(config_text)
    result = palette_lint("config", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"palette-lint: error: {message}"), result.stderr
    assert len(result.stderr.splitlines()) == 1
    # check refuses the same configuration with the same message.
    checked = palette_lint("check", *args, cwd=tmp_path)
    assert (checked.returncode, checked.stderr) == (2, result.stderr)


def test_config_bad_format_is_a_usage_error(tmp_path: Path) -> None:
    result = palette_lint("config", "--format", "toml", cwd=tmp_path)
    assert result.returncode == 2 and "'toml' is not one of 'yaml', 'json'" in result.stderr


# ---- palette-lint schema ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_prints_the_file_the_linter_validates_with(name: str) -> None:
    result = CliRunner().invoke(cli, ["schema", name])
    assert result.exit_code == 0
    assert result.output == schema_path(name).read_text(encoding="utf-8")
    schema = json.loads(result.output)
    assert schema["$id"].endswith(f"/{name}.json") and schema["title"] and schema["description"]


def test_unknown_schema_exits_2() -> None:
    result = palette_lint("schema", "cluster", cwd=REPO)
    assert result.returncode == 2 and result.stdout == ""
    assert "'cluster' is not one of 'os-layer', 'user-data', 'profile', 'config'" in result.stderr


#: Keywords of JSON Schema draft 2020-12 that draft-07 also has, with the same meaning. yaml-language-server
#: (the VS Code YAML extension) implements draft-07, so a schema that keeps to these works there in full.
#: ``$defs`` is only a place to keep subschemas (``$ref`` reaches it by JSON pointer in every draft).
DRAFT7_COMPATIBLE = {
    "$schema", "$id", "$ref", "$defs", "$comment", "title", "description", "default", "examples", "type", "enum",
    "const", "properties", "patternProperties", "additionalProperties", "required", "propertyNames",
    "minProperties", "maxProperties", "items", "minItems", "maxItems", "uniqueItems", "contains", "minLength",
    "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "readOnly", "writeOnly", "deprecated",
}
_SUBSCHEMA_MAPS = {"properties", "patternProperties", "$defs"}


def _keywords(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            found.add(key)
            if key in _SUBSCHEMA_MAPS and isinstance(value, dict):
                for subschema in value.values():
                    found |= _keywords(subschema)
            elif key not in ("enum", "const", "default", "examples", "required") and not key.startswith("x-"):
                found |= _keywords(value)
    elif isinstance(schema, list):
        for item in schema:
            found |= _keywords(item)
    return found


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schemas_keep_to_keywords_editors_understand(name: str) -> None:
    used = {k for k in _keywords(json.loads(schema_path(name).read_text())) if not k.startswith("x-")}
    assert used <= DRAFT7_COMPATIBLE, f"{name}.json uses {sorted(used - DRAFT7_COMPATIBLE)}"


def _check_jsonschema() -> str:
    found = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which(
        "check-jsonschema")
    if found is None:
        missing("check-jsonschema", "it is in the test extra: pip install -e '.[test]'")
    return found


#: Every bundled example, by the schema it must satisfy (user-data files have no extension: YAML).
EXAMPLES_BY_SCHEMA = {
    "os-layer": ["override-site/os-layer.yaml"],
    "user-data": ["clean-site/user-data", "override-site/user-data", "trouble-site/user-data"],
    "profile": ["clean-site/infra-profile.yaml", "trouble-site/warehouse-profile.json"],
}


#: Bundled examples no schema applies to as they are, with the reason.
EXAMPLES_WITHOUT_SCHEMA = {
    "depot-terraform/profiles.tf": "HCL: palette-lint reads the pack values out of it; check-jsonschema cannot",
    "depot-terraform/k3s-values.yaml": "a k3s pack's values, which palette-lint has no schema for",
}


def test_every_example_is_covered() -> None:
    listed = {path for paths in EXAMPLES_BY_SCHEMA.values() for path in paths}
    present = {p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*")
               if p.is_file() and p.name != "README.md"}
    assert listed | set(EXAMPLES_WITHOUT_SCHEMA) == present and not listed & set(EXAMPLES_WITHOUT_SCHEMA)


@pytest.mark.parametrize("name", sorted(EXAMPLES_BY_SCHEMA))
def test_check_jsonschema_accepts_the_examples_with_the_printed_schema(name: str, tmp_path: Path) -> None:
    tool = _check_jsonschema()
    printed = palette_lint("schema", name, cwd=tmp_path)
    assert printed.returncode == 0
    schema_file = tmp_path / f"{name}.json"
    schema_file.write_text(printed.stdout)
    meta = subprocess.run([tool, "--check-metaschema", str(schema_file)], capture_output=True, text=True,
                          timeout=120)
    assert meta.returncode == 0, meta.stdout + meta.stderr
    files = [str(EXAMPLES / path) for path in EXAMPLES_BY_SCHEMA[name]]
    result = subprocess.run([tool, "--default-filetype", "yaml", "--schemafile", str(schema_file), *files],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_check_jsonschema_rejects_what_the_schema_forbids(tmp_path: Path) -> None:
    """The check above can fail: the same command refuses a broken OS layer and a broken configuration."""
    tool = _check_jsonschema()
    (tmp_path / "os-layer.json").write_text(palette_lint("schema", "os-layer", cwd=tmp_path).stdout)
    (tmp_path / "config.json").write_text(palette_lint("schema", "config", cwd=tmp_path).stdout)
    (tmp_path / "values.yaml").write_text("providerCredentials:\n  registry: r.example.com\n  username: edge\n")
    (tmp_path / ".palette-lint.yaml").write_text("fail-on: loud\n")
    for schema, instance in (("os-layer.json", "values.yaml"), ("config.json", ".palette-lint.yaml")):
        result = subprocess.run([tool, "--default-filetype", "yaml", "--schemafile", str(tmp_path / schema),
                                 str(tmp_path / instance)], capture_output=True, text=True, timeout=120)
        assert result.returncode == 1, result.stdout + result.stderr


def test_check_jsonschema_accepts_the_printed_config_for_the_config_schema(project: Path) -> None:
    tool = _check_jsonschema()
    (project / "config.schema.json").write_text(palette_lint("schema", "config", cwd=project).stdout)
    (project / "effective.yaml").write_text(palette_lint("config", cwd=project).stdout)
    for instance in (".palette-lint.yaml", "shared/base.yaml", "effective.yaml"):
        result = subprocess.run([tool, "--schemafile", str(project / "config.schema.json"), str(project / instance)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, instance + result.stdout + result.stderr


# ---- help -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command, expected", [
    ([], ["check", "config", "rule", "rules", "schema", "Exit codes"]),
    (["config"], ["[PATH]", "--config", "--format", "yaml", "json", "extends", "Exit codes: 0", "2"]),
    (["schema"], ["os-layer", "user-data", "profile", "config", "yaml-language-server", "Exit codes: 0", "2"]),
    (["rules"], ["--config", "--format", "rule-dirs", "Exit codes"]),
    (["rule"], ["RULE_ID", "--config", "Exit codes"]),
    (["check"], ["--config", "pyproject.toml"]),
])
def test_help_is_complete(command: list[str], expected: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    for text in expected:
        assert text in result.output, f"{text!r} missing from `palette-lint {' '.join(command)} --help`"
