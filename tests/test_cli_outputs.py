"""Several reports in one run (``-f FORMAT[=FILE]``, ``-o``), ``--omit-suppressed``, ``--skip-unknown``, and the
completeness of the help text and the exit-code documentation."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from linter.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, cli
from linter.output import FORMATTERS
from linter.output.targets import ReportTarget, parse_target, plan_targets
from tests.helpers import REPO
from tests.sarif_validation import assert_valid_sarif
from tests.test_cli import CLEAN, DUPLICATE, SELECT, palette_lint


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    (tmp_path / "dup.yaml").write_text(DUPLICATE, encoding="utf-8")
    (tmp_path / "clean.yaml").write_text(CLEAN, encoding="utf-8")
    return tmp_path


# ---- several outputs ----------------------------------------------------------------------------------

def test_text_on_the_terminal_and_sarif_to_a_file(tree: Path) -> None:
    result = palette_lint("check", *SELECT, "-f", "text", "-f", "sarif=out.sarif", ".", cwd=tree)
    assert result.returncode == EXIT_FINDINGS, result.stderr
    assert "dup.yaml:7:3: error PAL001" in result.stdout
    log = json.loads((tree / "out.sarif").read_text(encoding="utf-8"))
    assert_valid_sarif(log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["PAL001"]


def test_every_format_to_its_own_file_in_one_run(tree: Path) -> None:
    args = [arg for name in FORMATTERS for arg in ("--format", f"{name}=report.{name}")]
    result = palette_lint("check", *SELECT, *args, "dup.yaml", cwd=tree)
    assert result.returncode == EXIT_FINDINGS, result.stderr
    assert result.stdout == ""
    reports = {name: (tree / f"report.{name}").read_text(encoding="utf-8") for name in FORMATTERS}
    assert "dup.yaml:7:3: error PAL001" in reports["text"] and "\033[" not in reports["text"]
    assert_valid_sarif(json.loads(reports["sarif"]))
    assert json.loads(reports["json"])["findings"][0]["location"]["line"] == 7
    assert reports["github"].startswith("::error file=dup.yaml,line=7,col=3,")
    assert ET.fromstring(reports["junit"]).get("failures") == "1"
    assert json.loads(reports["gitlab"])[0]["location"] == {"path": "dup.yaml", "lines": {"begin": 7, "end": 7}}


def test_output_takes_the_format_without_a_file(tree: Path) -> None:
    result = palette_lint("check", *SELECT, "-f", "json", "-o", "r.json", "-f", "github=a.txt", "dup.yaml", cwd=tree)
    assert result.returncode == EXIT_FINDINGS, result.stderr
    assert result.stdout == ""
    assert json.loads((tree / "r.json").read_text(encoding="utf-8"))["version"] == 1
    assert (tree / "a.txt").read_text(encoding="utf-8").startswith("::error file=dup.yaml,")


@pytest.mark.parametrize("args, message", [
    (("-f", "text", "-f", "json"), "would go to standard output"),
    (("-f", "sarif=a.out", "-f", "json=a.out"), "would go to the file a.out"),
    (("-o", "x.out", "-f", "sarif=a.out"), "every --format names its own file"),
    (("-f", "xml",), "unknown format 'xml'"),
    (("-f", "sarif=",), "names no file"),
])
def test_conflicting_outputs_are_usage_errors(tree: Path, args: tuple[str, ...], message: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    result = CliRunner().invoke(cli, ["check", *SELECT, *args, "dup.yaml"])
    assert result.exit_code == EXIT_ERROR
    assert message in result.output
    assert "PAL001" not in result.output and not list(tree.glob("*.out")), "nothing is linted or written"


def test_plan_targets() -> None:
    assert plan_targets([], None) == [ReportTarget("text")]
    assert plan_targets([], "r.txt") == [ReportTarget("text", "r.txt")]
    given = [parse_target("sarif=a.sarif", FORMATTERS), parse_target("TEXT", FORMATTERS)]
    assert plan_targets(given, None) == [ReportTarget("sarif", "a.sarif"), ReportTarget("text")]
    assert plan_targets(given, "t.txt") == [ReportTarget("sarif", "a.sarif"), ReportTarget("text", "t.txt")]
    assert parse_target("junit=dir/with=sign.xml", FORMATTERS) == ReportTarget("junit", "dir/with=sign.xml")


def test_unwritable_second_report_exits_2(tree: Path) -> None:
    result = palette_lint("check", *SELECT, "-f", "text", "-f", "sarif=missing/out.sarif", "dup.yaml", cwd=tree)
    assert result.returncode == EXIT_ERROR
    assert "cannot write missing/out.sarif" in result.stderr


# ---- --skip-unknown (the pre-commit hook's mode) ------------------------------------------------------

def test_skip_unknown_skips_named_foreign_files_silently(tree: Path) -> None:
    (tree / "tsconfig.json").write_text('{\n  // comments are not JSON\n  "compilerOptions": {}\n}\n')
    (tree / "workflow.yaml").write_text("name: ci\non: push\n", encoding="utf-8")
    plain = palette_lint("check", "tsconfig.json", "workflow.yaml", cwd=tree)
    assert plain.returncode == EXIT_FINDINGS and "PAL000" in plain.stdout
    assert "palette-lint: warning: workflow.yaml: not a Palette" in plain.stderr
    hook = palette_lint("check", "--skip-unknown", "tsconfig.json", "workflow.yaml", "clean.yaml", cwd=tree)
    assert hook.returncode == EXIT_OK, hook.stdout + hook.stderr
    # Nothing about the foreign files; the one note says change rules were skipped (no git history here).
    assert hook.stdout.splitlines()[-1] == "No problems found in 1 file."
    assert "tsconfig" not in hook.stdout + hook.stderr and "workflow" not in hook.stdout + hook.stderr


def test_skip_unknown_still_reports_broken_palette_files_and_applies_exclude(tree: Path) -> None:
    (tree / "broken.yaml").write_text("#cloud-config\nstylus:\n  site: [unclosed\n", encoding="utf-8")
    (tree / "vendor").mkdir()
    (tree / "vendor" / "dup.yaml").write_text(DUPLICATE, encoding="utf-8")
    (tree / ".palette-lint.yaml").write_text("exclude: ['vendor/**']\n", encoding="utf-8")
    result = palette_lint("check", "--skip-unknown", "broken.yaml", "vendor/dup.yaml", cwd=tree)
    assert result.returncode == EXIT_FINDINGS
    assert "broken.yaml:" in result.stdout and "PAL000" in result.stdout
    assert "vendor" not in result.stdout
    named = palette_lint("check", *SELECT, "vendor/dup.yaml", cwd=tree)
    assert "vendor/dup.yaml:7:3" in named.stdout, "without the flag a named file is linted even if excluded"


# ---- help and exit codes ------------------------------------------------------------------------------

def _commands() -> list[tuple[str, click.Command]]:
    assert isinstance(cli, click.Group)
    return sorted(cli.commands.items())


def test_every_command_and_option_has_help() -> None:
    top = CliRunner().invoke(cli, ["--help"])
    assert top.exit_code == 0
    for name, command in _commands():
        assert command.help and command.help.strip(), f"command {name} has no help"
        assert re.search(rf"^  {re.escape(name)}\s+\S", top.output, re.MULTILINE), f"{name} missing from --help"
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, result.output
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help and param.help.strip(), f"{name} {param.opts[0]} has no help"
                assert param.opts[0] in result.output
            elif isinstance(param, click.Argument):
                assert param.human_readable_name.upper() in result.output


def test_check_help_lists_every_format() -> None:
    result = CliRunner().invoke(cli, ["check", "--help"], terminal_width=200)
    text = " ".join(result.output.split())
    for name in FORMATTERS:
        assert name in text
    assert "FORMAT[=FILE]" in text


def test_exit_codes_are_documented_in_help_readme_and_docs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    usage = (REPO / "docs" / "usage.md").read_text(encoding="utf-8")
    table = readme.split("| exit code | meaning |", 1)[1].split("\n\n", 1)[0] + \
        usage.split("## Exit codes", 1)[1].split("\n#", 1)[0]
    top = " ".join(CliRunner().invoke(cli, ["--help"]).output.split())
    check = " ".join(CliRunner().invoke(cli, ["check", "--help"]).output.split())
    for code in (EXIT_OK, EXIT_FINDINGS, EXIT_ERROR):
        assert re.search(rf"^\| {code} \|", table, re.MULTILINE), f"exit code {code} missing from the README"
        assert f"{code} " in top and f"{code} " in check
    assert (EXIT_OK, EXIT_FINDINGS, EXIT_ERROR) == (0, 1, 2)


@pytest.mark.parametrize("args, expected", [
    (("check", *SELECT, "clean.yaml"), EXIT_OK),
    (("check", *SELECT, "dup.yaml"), EXIT_FINDINGS),
    (("check", "--fail-on", "never", *SELECT, "dup.yaml"), EXIT_OK),
    (("check", "--bogus"), EXIT_ERROR),
    (("check", "nowhere.yaml"), EXIT_ERROR),
    (("rules",), EXIT_OK),
    (("rules", "-f", "nope"), EXIT_ERROR),
    (("rule", "PAL001"), EXIT_OK),
    (("rule", "PAL0"), EXIT_ERROR),
    (("--help",), EXIT_OK),
    (("--version",), EXIT_OK),
    (("no-such-command",), EXIT_ERROR),
])
def test_exit_codes_of_each_command(tree: Path, args: tuple[str, ...], expected: int,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == expected, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
