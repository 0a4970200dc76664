"""Each file is linted under the configuration that governs its own folder: the nearest one in its folder or
above, up to the repository root. A configuration in ``a/`` never reaches a file of ``sites/``, whatever the
order of the paths on the command line."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.helpers import palette_lint

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
    for folder in ("a", "sites"):
        (root / folder).mkdir(parents=True)
        (root / folder / "os.yaml").write_text(ECR_VALUES, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _findings(result: subprocess.CompletedProcess[str]) -> list[str]:
    return sorted(line.split(":")[0] for line in result.stdout.splitlines() if " PAL106 " in line)


@pytest.mark.parametrize("order", [("a/os.yaml", "sites/os.yaml"), ("sites/os.yaml", "a/os.yaml"), (".",)])
def test_a_folder_configuration_governs_only_its_folder(repo: Path, order: tuple[str, ...]) -> None:
    (repo / "a" / ".palette-lint.yaml").write_text("ignore: [ALL]\nfail-on: never\n", encoding="utf-8")
    result = palette_lint("check", *order, cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert _findings(result) == ["sites/os.yaml"]


def test_fail_on_is_each_files_own(repo: Path) -> None:
    (repo / "a" / ".palette-lint.yaml").write_text("fail-on: never\n", encoding="utf-8")
    only_a = palette_lint("check", "a", cwd=repo)
    assert only_a.returncode == 0 and _findings(only_a) == ["a/os.yaml"], "reported, but not failing"
    both = palette_lint("check", "a", "sites", cwd=repo)
    assert both.returncode == 1 and _findings(both) == ["a/os.yaml", "sites/os.yaml"]
    assert palette_lint("check", "--fail-on", "error", "a", cwd=repo).returncode == 1, "--fail-on wins"


def test_nested_configurations_the_deepest_wins(repo: Path) -> None:
    (repo / ".palette-lint.yaml").write_text("exclude: [sites]\n", encoding="utf-8")
    (repo / "a" / ".palette-lint.yaml").write_text("rules:\n  PAL106: warning\n", encoding="utf-8")
    result = palette_lint("check", ".", cwd=repo)
    assert result.returncode == 0, "a/ says warning; sites/ is excluded by the root configuration"
    assert "a/os.yaml:2:13: warning PAL106" in result.stdout and "sites/" not in result.stdout
    (repo / "sites" / ".palette-lint.yaml").write_text("select: [PAL1]\n", encoding="utf-8")
    assert "sites/os.yaml" not in palette_lint("check", ".", cwd=repo).stdout, "excluded from above"
    named = palette_lint("check", "--config", ".palette-lint.yaml", ".", cwd=repo)
    assert "a/os.yaml" in named.stdout and "error PAL106" in named.stdout, "--config governs every file"


def test_a_configuration_above_the_repository_is_not_read(tmp_path: Path, repo: Path) -> None:
    (tmp_path / ".palette-lint.yaml").write_text("ignore: [ALL]\n", encoding="utf-8")
    assert palette_lint("check", ".", cwd=repo).returncode == 1


def test_a_nested_configuration_is_checked_and_its_rule_dirs_are_not_loaded(repo: Path) -> None:
    (repo / "a" / ".palette-lint.yaml").write_text("rules:\n  PAL1O6: warning\n", encoding="utf-8")
    result = palette_lint("check", "sites", "a", cwd=repo)
    assert result.returncode == 2
    assert result.stderr == ("palette-lint: error: a/.palette-lint.yaml:2:3: rules.PAL1O6: unknown rule 'PAL1O6' "
                             "(did you mean 'PAL106'?): rules are keyed by a rule id (PAL106) or name "
                             "(token-auth-registry)\n")
    (repo / "a" / "rules").mkdir()
    (repo / "a" / ".palette-lint.yaml").write_text("rule-dirs: [rules]\n", encoding="utf-8")
    result = palette_lint("check", "--allow-rule-dirs", "sites", "a", cwd=repo)
    assert result.returncode == 1
    assert ("palette-lint: warning: a/.palette-lint.yaml:1:1: rule-dirs not loaded: rule-dirs are read from the "
            "run's configuration only (the first path's, or --config)\n") in result.stderr
