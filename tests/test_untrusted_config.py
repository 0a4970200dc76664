"""A configuration is text from the linted repository (on a pull request, from whoever opened it): it never runs
code unless the command line says so, never reaches outside its repository, and a file it wrongly names is never
echoed. ``--isolated`` reads no configuration at all."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.helpers import palette_lint

#: A rule module that, imported, leaves a mark and would make the run exit 0 whatever it found.
HOSTILE_RULE = """\
import atexit, os, pathlib
pathlib.Path(os.environ["MARK"]).write_text("imported")
atexit.register(lambda: os._exit(0))
"""

#: An OS layer with a PAL106 error (a token-auth registry): the run must exit 1.
ECR_VALUES = """\
providerCredentials:
  registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com
  user: AWS
  password: '{{.spectro.macro.ecr_password}}'
options:
  system.uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/edge/ubuntu:k3s-1.29.5-v4.4.3"
"""


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / ".evil").mkdir()
    (root / ".evil" / "x.py").write_text(HOSTILE_RULE, encoding="utf-8")
    (root / "os-layer.yaml").write_text(ECR_VALUES, encoding="utf-8")
    (root / ".palette-lint.yaml").write_text("rule-dirs: [.evil]\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("command", [["check", "."], ["check", "--skip-unknown", "os-layer.yaml"], ["config"],
                                     ["rules"], ["rule", "PAL106"]])
def test_rule_dirs_of_a_found_configuration_are_not_imported(repo: Path, command: list[str]) -> None:
    mark = repo.parent / "mark"
    result = palette_lint(*command, cwd=repo, env={"MARK": str(mark)})
    assert not mark.exists(), "a rule module of the repository was imported without --allow-rule-dirs"
    assert result.returncode == (1 if command[0] == "check" else 0), result.stdout + result.stderr
    assert ("palette-lint: warning: .palette-lint.yaml:1:1: rule-dirs not loaded: their rules are code from the "
            "repository; pass --allow-rule-dirs to run them\n") in result.stderr


def test_allow_rule_dirs_or_a_named_config_imports_them(repo: Path) -> None:
    mark = repo.parent / "mark"
    palette_lint("rules", "--allow-rule-dirs", cwd=repo, env={"MARK": str(mark)})
    assert mark.read_text() == "imported"
    mark.unlink()
    palette_lint("rules", "--config", str(repo / ".palette-lint.yaml"), cwd=repo.parent, env={"MARK": str(mark)})
    assert mark.read_text() == "imported", "a configuration the caller names is trusted"


def test_names_of_rules_not_loaded_are_not_errors(repo: Path) -> None:
    """A configuration may configure the rules of its rule-dirs; when those are not loaded, their names cannot
    be checked, and the built-in rules still run."""
    (repo / ".palette-lint.yaml").write_text("rule-dirs: [.evil]\nrules:\n  USR001: warning\n", encoding="utf-8")
    result = palette_lint("check", ".", cwd=repo, env={"MARK": str(repo.parent / "mark")})
    assert result.returncode == 1 and "PAL106" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("written", ["/tmp", "../outside", "link"])
def test_rule_dirs_outside_the_repository_are_refused(repo: Path, written: str) -> None:
    outside = repo.parent / "outside"
    outside.mkdir()
    (outside / "x.py").write_text(HOSTILE_RULE, encoding="utf-8")
    (repo / "link").symlink_to(outside)
    (repo / ".palette-lint.yaml").write_text(f"rule-dirs: ['{written}']\n", encoding="utf-8")
    mark = repo.parent / "mark"
    for flags in ([], ["--allow-rule-dirs"]):
        result = palette_lint("check", *flags, ".", cwd=repo, env={"MARK": str(mark)})
        assert result.returncode == 2 and not mark.exists()
        assert result.stderr == (f"palette-lint: error: .palette-lint.yaml:1:13: rule-dirs[0]: '{written}' is "
                                 "outside the repository (.): rule modules are loaded from inside it only\n")


@pytest.mark.parametrize("written", ["/OUTSIDE", "../outside.yaml", "link.yaml"])
def test_extends_outside_the_repository_is_refused_and_never_echoed(repo: Path, written: str) -> None:
    outside = repo.parent / "outside.yaml"
    outside.write_text("CANARY_FIRST_LINE: x\n", encoding="utf-8")
    (repo / "link.yaml").symlink_to(outside)
    target = str(outside) if written == "/OUTSIDE" else written
    (repo / ".palette-lint.yaml").write_text(f"extends: '{target}'\n", encoding="utf-8")
    for command in (["check", "."], ["config"], ["rules"]):
        result = palette_lint(*command, cwd=repo)
        assert result.returncode == 2 and "CANARY" not in result.stdout + result.stderr
        assert result.stderr == (f"palette-lint: error: .palette-lint.yaml:1:10: extends: '{target}' is outside "
                                 "the repository (.): a configuration extends files of its own repository only\n")


def test_extends_inside_the_repository_and_beside_a_named_config(repo: Path, tmp_path: Path) -> None:
    (repo / "shared").mkdir()
    (repo / "shared" / "base.yaml").write_text("ignore: [PAL106]\n", encoding="utf-8")
    (repo / ".palette-lint.yaml").write_text("extends: shared/base.yaml\n", encoding="utf-8")
    assert palette_lint("check", ".", cwd=repo).returncode == 0
    elsewhere = tmp_path / "ci"  # outside any repository: a named file may extend files of its own folder
    elsewhere.mkdir()
    (elsewhere / "base.yaml").write_text("ignore: [PAL106]\n", encoding="utf-8")
    (elsewhere / "ci.yaml").write_text("extends: base.yaml\n", encoding="utf-8")
    assert palette_lint("check", "--config", str(elsewhere / "ci.yaml"), ".", cwd=repo).returncode == 0
    (elsewhere / "ci.yaml").write_text("extends: ../repo/shared/base.yaml\n", encoding="utf-8")
    result = palette_lint("check", "--config", str(elsewhere / "ci.yaml"), ".", cwd=repo)
    assert result.returncode == 2 and "is outside the configuration's folder" in result.stderr


def test_a_key_that_is_not_a_setting_name_is_not_echoed(repo: Path) -> None:
    (repo / "notes.yaml").write_text("the admin password is hunter2: yes\n", encoding="utf-8")
    (repo / ".palette-lint.yaml").write_text("extends: notes.yaml\n", encoding="utf-8")
    result = palette_lint("check", ".", cwd=repo)
    assert result.returncode == 2 and "hunter2" not in result.stderr
    assert result.stderr == ("palette-lint: error: notes.yaml:1:1: the configuration: unknown key '(a key that is "
                             "not a setting name)'\n")


def test_isolated_reads_no_configuration(repo: Path) -> None:
    (repo / ".palette-lint.yaml").write_text("ignore: [ALL]\nrule-dirs: [.evil]\n", encoding="utf-8")
    mark = repo.parent / "mark"
    assert palette_lint("check", ".", cwd=repo, env={"MARK": str(mark)}).returncode == 0
    result = palette_lint("check", "--isolated", ".", cwd=repo, env={"MARK": str(mark)})
    assert result.returncode == 1 and "PAL106" in result.stdout and not mark.exists()
    assert result.stderr.count("warning") == 0, "no configuration read: nothing declined"
    both = palette_lint("check", "--isolated", "--config", ".palette-lint.yaml", ".", cwd=repo)
    assert both.returncode == 2 and both.stderr.startswith("palette-lint: error: --isolated reads no configuration")
    shown = palette_lint("config", "--isolated", cwd=repo)
    assert "# no configuration file found: these are the defaults" in shown.stdout
