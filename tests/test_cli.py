"""The command line: exit codes, options, output files and the rule-doc commands.

Most runs use ``--select PAL000,PAL001`` (parse errors and duplicate keys) so the expected findings do not
change as rules are added."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter import __version__
from linter.cli import cli
from linter.yaml.composer import YamlParser
from tests.helpers import REPO, palette_lint
from tests.sarif_validation import assert_valid_sarif

SELECT = ("--select", "PAL000,PAL001")

DUPLICATE = """\
options:
  system.registry: registry.example.com
  system.repo: edge/ubuntu
providerCredentials:
  registry: registry.example.com
  user: edge
  user: admin
"""
CLEAN = """\
options:
  system.registry: registry.example.com
  system.repo: edge/ubuntu
"""


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    (tmp_path / "dup.yaml").write_text(DUPLICATE, encoding="utf-8")
    (tmp_path / "clean.yaml").write_text(CLEAN, encoding="utf-8")
    return tmp_path


def _write_config(directory: Path, text: str) -> Path:
    path = directory / ".palette-lint.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# ---- exit codes ---------------------------------------------------------------------------------------

def test_clean_file_exits_0(tree: Path) -> None:
    result = palette_lint("check", *SELECT, "clean.yaml", cwd=tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems found in 1 file." in result.stdout


def test_findings_exit_1(tree: Path) -> None:
    result = palette_lint("check", *SELECT, "dup.yaml", "clean.yaml", cwd=tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "dup.yaml:7:3: error PAL001 duplicate key 'user'" in result.stdout
    assert "error PAL001 duplicate key 'user'" in result.stdout and "\n    help: " in result.stdout
    assert result.stderr == ""


def test_directory_walk_finds_the_duplicate(tree: Path) -> None:
    result = palette_lint("check", *SELECT, ".", cwd=tree)
    assert result.returncode == 1
    assert "dup.yaml:7:3:" in result.stdout
    assert "in 2 files" in result.stdout


def test_unknown_option_exits_2(tree: Path) -> None:
    result = palette_lint("check", "--no-such-option", "dup.yaml", cwd=tree)
    assert result.returncode == 2
    assert "no such option" in result.stderr.lower()


def test_unknown_format_exits_2(tree: Path) -> None:
    result = palette_lint("check", "--format", "xml", "dup.yaml", cwd=tree)
    assert result.returncode == 2
    assert "xml" in result.stderr


def test_unknown_select_rule_exits_2(tree: Path) -> None:
    result = palette_lint("check", "--select", "PAL0,NOPE123", "dup.yaml", cwd=tree)
    assert result.returncode == 2
    assert "unknown rule selector 'NOPE123'" in result.stderr
    assert result.stdout == ""


def test_unknown_ignore_rule_exits_2(tree: Path) -> None:
    result = palette_lint("check", "--ignore", "no-such-rule", "dup.yaml", cwd=tree)
    assert result.returncode == 2
    assert "no-such-rule" in result.stderr


def test_missing_path_exits_2_with_one_line(tree: Path) -> None:
    result = palette_lint("check", *SELECT, "nowhere.yaml", "dup.yaml", cwd=tree)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["palette-lint: error: nowhere.yaml: no such file or directory"]


def test_bad_config_yaml_exits_2(tree: Path) -> None:
    _write_config(tree, "select: [PAL001\n")
    result = palette_lint("check", "dup.yaml", cwd=tree)
    assert result.returncode == 2
    assert result.stderr.startswith("palette-lint: error: ")
    assert ".palette-lint.yaml:" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_config_with_unknown_key_exits_2(tree: Path) -> None:
    _write_config(tree, "select: [PAL001]\nfail_on: warning\n")
    result = palette_lint("check", "dup.yaml", cwd=tree)
    assert result.returncode == 2
    assert "unknown key 'fail_on'" in result.stderr
    assert ".palette-lint.yaml:2:1:" in result.stderr


def test_missing_config_file_exits_2(tree: Path) -> None:
    result = palette_lint("check", "--config", "nope.yaml", "dup.yaml", cwd=tree)
    assert result.returncode == 2
    assert "configuration file not found: nope.yaml" in result.stderr


def test_explicit_config_file_is_used(tree: Path) -> None:
    (tree / "conf.yaml").write_text("rules:\n  PAL001: off\n", encoding="utf-8")
    result = palette_lint("check", "--config", "conf.yaml", *SELECT, "dup.yaml", cwd=tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PAL001" not in result.stdout


def test_bad_now_exits_2(tree: Path) -> None:
    result = palette_lint("check", "--now", "yesterday", "dup.yaml", cwd=tree)
    assert result.returncode == 2
    assert "ISO 8601" in result.stderr


# ---- --fail-on ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("severity, fail_on, expected", [
    ("error", None, 1),
    ("error", "never", 0),
    ("error", "note", 1),
    ("warning", None, 0),
    ("warning", "error", 0),
    ("warning", "warning", 1),
    ("warning", "note", 1),
    ("warning", "never", 0),
    ("note", None, 0),
    ("note", "warning", 0),
    ("note", "note", 1),
])
def test_fail_on_thresholds(tree: Path, severity: str, fail_on: str | None, expected: int) -> None:
    _write_config(tree, f"rules:\n  duplicate-key: {severity}\n")
    args = ("--fail-on", fail_on) if fail_on else ()
    result = palette_lint("check", *SELECT, *args, "dup.yaml", cwd=tree)
    assert result.returncode == expected, result.stdout + result.stderr
    assert f"dup.yaml:7:3: {severity} PAL001" in result.stdout, "the finding is reported whatever the threshold"


def test_fail_on_from_config_and_cli_overrides_it(tree: Path) -> None:
    _write_config(tree, "fail-on: never\n")
    assert palette_lint("check", *SELECT, "dup.yaml", cwd=tree).returncode == 0
    assert palette_lint("check", *SELECT, "--fail-on", "error", "dup.yaml", cwd=tree).returncode == 1


# ---- output -------------------------------------------------------------------------------------------

def test_output_file_is_written_and_stdout_is_empty(tree: Path) -> None:
    result = palette_lint("check", *SELECT, "--output", "report.txt", "dup.yaml", cwd=tree)
    assert result.returncode == 1
    assert result.stdout == ""
    text = (tree / "report.txt").read_text(encoding="utf-8")
    assert "dup.yaml:7:3: error PAL001" in text
    assert "\033[" not in text, "no colour codes in a file"


def test_output_sarif_file(tree: Path) -> None:
    result = palette_lint("check", *SELECT, "--format", "sarif", "-o", "out.sarif", ".", cwd=tree)
    assert result.returncode == 1
    assert result.stdout == ""
    log = json.loads((tree / "out.sarif").read_text(encoding="utf-8"))
    assert_valid_sarif(log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["PAL001"]


def test_output_to_unwritable_place_exits_2(tree: Path) -> None:
    result = palette_lint("check", *SELECT, "--output", str(tree / "missing-dir" / "r.txt"), "dup.yaml", cwd=tree)
    assert result.returncode == 2
    assert "cannot write" in result.stderr


def test_format_sarif_on_stdout(tree: Path) -> None:
    result = palette_lint("check", *SELECT, "--format", "sarif", "dup.yaml", "clean.yaml", cwd=tree)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    assert_valid_sarif(log)
    results = log["runs"][0]["results"]
    assert len(results) == 1
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "dup.yaml", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 7 and location["region"]["startColumn"] == 3


def test_clean_sarif_has_empty_results(tree: Path) -> None:
    result = palette_lint("check", *SELECT, "-f", "sarif", "clean.yaml", cwd=tree)
    assert result.returncode == 0
    log = json.loads(result.stdout)
    assert_valid_sarif(log)
    assert log["runs"][0]["results"] == []


# ---- rule documentation -------------------------------------------------------------------------------

def test_rules_lists_the_catalogue() -> None:
    result = CliRunner().invoke(cli, ["rules"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("PAL000  parse-error") for line in lines)
    assert any(line.startswith("PAL001  duplicate-key") for line in lines)
    ids = [line.split()[0] for line in lines]
    assert ids == sorted(ids)


def test_rule_prints_its_documentation() -> None:
    result = CliRunner().invoke(cli, ["rule", "PAL001"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# PAL001 duplicate-key")
    assert "Default severity: error." in result.output
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in result.output


def test_rule_by_name_and_lower_case_id() -> None:
    by_name = CliRunner().invoke(cli, ["rule", "duplicate-key"])
    by_id = CliRunner().invoke(cli, ["rule", "pal001"])
    assert by_name.exit_code == by_id.exit_code == 0
    assert by_name.output == by_id.output


def test_unknown_rule_exits_2() -> None:
    result = palette_lint("rule", "NOPE", cwd=REPO)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "no rule 'NOPE'" in result.stderr


def test_rule_prefix_is_not_a_rule() -> None:
    result = palette_lint("rule", "PAL0", cwd=REPO)
    assert result.returncode == 2


# ---- the entry points ---------------------------------------------------------------------------------

def test_python_m_linter_version() -> None:
    result = palette_lint("--version", cwd=REPO)
    assert result.returncode == 0
    assert result.stdout.strip() == f"palette-lint, version {__version__}"


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("check", "rules", "rule"):
        assert f"  {command} " in result.output


def test_no_command_is_a_usage_error() -> None:
    result = palette_lint("frobnicate", cwd=REPO)
    assert result.returncode == 2
    assert result.stderr.startswith("palette-lint: error: no such command 'frobnicate'")


def test_c_parser_is_in_use() -> None:
    assert YamlParser().uses_c_parser is True
