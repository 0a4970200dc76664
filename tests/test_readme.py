"""The README's examples, run as a reader would run them once the placeholders are filled in: the install,
the commands of "Use", the configuration and the suppression comment of "Configure", the pre-commit entry
(with pre-commit itself), the workflow's action inputs, and the output it quotes. The quick start is what
``.ci/run`` runs; the documented rule example of docs/writing-rules.md loads and fires."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml  # ruamel's is the project's parser; PyYAML comes with pre-commit, and reads a workflow plainly

from tests.helpers import REPO, palette_lint

README = (REPO / "README.md").read_text(encoding="utf-8")


def _block(language: str, starting: str, text: str = README) -> str:
    """The fenced block of ``language`` whose first line starts with ``starting``."""
    for found in re.finditer(rf"```{language}\n(.*?)```", text, re.S):
        if found.group(1).startswith(starting):
            return found.group(1)
    raise AssertionError(f"no ```{language} block starting with {starting!r}")


def test_the_readme_stays_short() -> None:
    assert len(README.splitlines()) <= 250


def test_the_install_commands_work_as_written(tmp_path: Path) -> None:
    """The user install, with the clone address replaced by this checkout and HOME by a scratch directory."""
    commands = _block("sh", "git clone").replace("https://github.com/YOUR-ORG/palette-lint.git", str(REPO))
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)
    env = {**os.environ, "HOME": str(home), "PATH": f"{home / '.local' / 'bin'}:{os.environ['PATH']}",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", commands], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    cloned = (tmp_path / "palette-lint" / "linter" / "__init__.py").read_text(encoding="utf-8")
    version = re.search(r'__version__ = "(.+)"', cloned).group(1)
    assert result.stdout.strip().endswith(f"version {version}"), result.stdout
    installed = home / ".local" / "share" / "palette-lint"
    listed = subprocess.run([str(installed / "bin" / "pip"), "list", "--format=freeze"], capture_output=True,
                            text=True, timeout=120).stdout
    assert "palette-lint==" in listed and "pytest==" not in listed, "a user install brings no test tools"


def test_the_use_commands_work_on_the_examples(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    (work / "profiles").mkdir(parents=True)
    shutil.copytree(REPO / "examples" / "trouble-site", work / "sites" / "trouble-site")
    shutil.copy(REPO / "examples" / "clean-site" / "infra-profile.yaml", work / "profiles")
    lines = [line.split("#", 1)[0].strip() for line in _block("sh", "palette-lint check").splitlines()]
    offline = [line for line in lines if not line.startswith("palette-lint verify")]  # verify goes online:
    assert len(offline) == 6 and len(lines) == 7  # tests/test_verify.py runs it against local registries
    for line in offline:
        args = line.split()[1:]
        result = palette_lint(*args, cwd=work)
        assert result.returncode in (0, 1), f"{line}: {result.stdout}{result.stderr}"
        if "--diff" in args:  # nothing there to fix: an empty diff, and the count on standard error
            assert "would fix 0 problems" in result.stderr, result.stderr
            continue
        assert result.stdout, line
    assert (work / "palette-lint.sarif").is_file()


def test_the_quoted_output_is_what_the_examples_give() -> None:
    quoted = _block("text", "$ palette-lint check examples/")
    result = palette_lint("check", "--no-cache", "examples/", cwd=REPO)
    for line in quoted.splitlines()[1:]:
        if line != "...":
            assert line in result.stdout.splitlines(), line


def test_the_configuration_and_the_suppression_load_and_apply(tmp_path: Path) -> None:
    (tmp_path / ".palette-lint.yaml").write_text(_block("yaml", "# .palette-lint.yaml"), encoding="utf-8")
    shown = palette_lint("config", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    comment = _block("yaml", "  registry: 123456789012")
    (tmp_path / "os.yaml").write_text(
        "pack:\n  content:\n    images:\n      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'\n"
        f"providerCredentials:\n{comment}  user: robot\n  password: '{{{{.spectro.macro.P}}}}'\n"
        "options:\n  system.uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/edge/os:v1\n", encoding="utf-8")
    result = palette_lint("check", "os.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "No problems found in 1 file. 1 suppressed.\n"


def test_the_workflow_uses_the_actions_inputs() -> None:
    workflow = yaml.safe_load(_block("yaml", "# .github/workflows/palette-lint.yml"))
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["palette-lint"]["steps"]
    ours = next(step for step in steps if step.get("uses", "").startswith("YOUR-ORG/palette-lint@"))
    assert set(ours["with"]) <= set(action["inputs"])


def test_the_pre_commit_entry_works_once_filled_in(tmp_path: Path, hook_repo: tuple[Path, str],
                                                  pre_commit_env: dict[str, str]) -> None:
    path, commit = hook_repo
    entry = _block("yaml", "repos:").replace("https://github.com/YOUR-ORG/palette-lint", str(path))
    entry = entry.replace("rev: v0.2.0", f"rev: {commit}")
    consumer = tmp_path / "consumer"
    consumer.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=consumer, check=True, env=pre_commit_env)
    (consumer / ".pre-commit-config.yaml").write_text(entry, encoding="utf-8")
    shutil.copytree(REPO / "examples" / "trouble-site", consumer / "trouble-site")
    subprocess.run(["git", "add", "-A"], cwd=consumer, check=True, env=pre_commit_env)
    result = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--color", "never"], cwd=consumer,
                            env=pre_commit_env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error PAL106 providerCredentials uses token authentication (AWS ECR)" in result.stdout, result.stdout


RULE_DOC = (REPO / "docs" / "writing-rules.md").read_text(encoding="utf-8")


@pytest.fixture()
def documented_rule(tmp_path: Path) -> Path:
    """The rule of docs/writing-rules.md, in the layout that page gives."""
    module = re.search(r"```python\n(# palette-rules/company_registry\.py\n.*?\n)```\n\n- A rule", RULE_DOC, re.S)
    assert module, "the rule module of docs/writing-rules.md"
    (tmp_path / "palette-rules").mkdir()
    (tmp_path / "palette-rules" / "company_registry.py").write_text(module.group(1), encoding="utf-8")
    (tmp_path / ".palette-lint.yaml").write_text(_block("yaml", "# .palette-lint.yaml", RULE_DOC), encoding="utf-8")
    return tmp_path


def test_the_documented_rule_loads_and_fires(documented_rule: Path) -> None:
    (documented_rule / "os.yaml").write_text("options:\n  system.registry: docker.io\n", encoding="utf-8")
    result = palette_lint("check", "--allow-rule-dirs", "--select", "company-registry", "os.yaml",
                          cwd=documented_rule)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith(
        "os.yaml:2:20: error PAL950 provider images come from docker.io, not registry.acme.example\n"
        "    help: edge sites reach only the company registry; set system.registry to registry.acme.example\n")
    shown = palette_lint("rule", "PAL950", "--allow-rule-dirs", cwd=documented_rule)
    assert shown.returncode == 0 and "Edge sites reach only the company registry." in shown.stdout
