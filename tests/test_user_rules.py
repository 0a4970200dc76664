"""A user's rule, written by the test into a temporary directory and named by the configuration's
``rule-dirs``, loads exactly like a built-in rule: it fires with a position, takes its severity and options
from the configuration, carries its docstring into SARIF and into ``palette-lint rule``, and can be
suppressed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import palette_lint
from tests.sarif_validation import assert_valid_sarif

USER_RULE = '''\
"""Provider images must come from the company registry.

## What it does
Reports an OS layer whose `options.system.registry` is not the configured `registry`.

## Why is this bad?
Sites only reach the company registry.

## Example
```yaml
options:
  system.registry: docker.io
```

## Use instead
```yaml
options:
  system.registry: registry.acme.example
```

## Source
inference: the company's network policy.
"""

from __future__ import annotations

from linter.api import OS_LAYER, Issue, rule


@rule(id="PAL950", name="company-registry", kinds={OS_LAYER}, severity="error",
      options={"registry": "registry.acme.example"}, tags=("policy",))
def check(doc, ctx):
    wanted = ctx.option("registry")
    found = doc.get(("options", "system.registry"))
    if isinstance(found, str) and found != wanted:
        yield Issue(f"provider images come from {found}, not {wanted}: sites reach only the company registry; "
                    f"set system.registry to {wanted}", at=("options", "system.registry"))
'''

VALUES = """\
options:
  system.registry: docker.io
  system.repo: edge/ubuntu
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "company_registry.py").write_text(USER_RULE, encoding="utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "os-layer.yaml").write_text(VALUES, encoding="utf-8")
    (tmp_path / ".palette-lint.yaml").write_text(
        "rule-dirs: [policy]\nrules:\n  company-registry: {severity: warning, registry: docker.io}\n",
        encoding="utf-8")
    return tmp_path


def test_user_rule_fires_with_configured_severity_and_options(project: Path) -> None:
    result = palette_lint("check", "--select", "PAL950", "site", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr  # a warning: below the default fail-on
    assert result.stdout == "No problems found in 1 file.\n", "the option makes docker.io the wanted registry"
    (project / ".palette-lint.yaml").write_text("rule-dirs: [policy]\n", encoding="utf-8")
    result = palette_lint("check", "--select", "PAL950", "site", cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith(
        "site/os-layer.yaml:2:20: error PAL950 provider images come from docker.io, not registry.acme.example")
    assert result.stdout.splitlines()[0].endswith("sites reach only the company registry; set system.registry to "
                                                  "registry.acme.example")  # no help: the whole message on one line


def test_user_rule_metadata_in_sarif(project: Path) -> None:
    result = palette_lint("check", "-f", "sarif", "--select", "company-registry", "site", cwd=project)
    log = json.loads(result.stdout)
    assert_valid_sarif(log)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    descriptor = rules["PAL950"]
    assert descriptor["name"] == "company-registry"
    assert descriptor["shortDescription"]["text"] == "Provider images must come from the company registry."
    assert "## Why is this bad?\nSites only reach the company registry." in descriptor["help"]["markdown"]
    assert descriptor["defaultConfiguration"]["level"] == "error"
    assert "policy" in descriptor["properties"]["tags"]
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == []  # the configured option: docker.io is wanted


def test_user_rule_documentation_and_listing(project: Path) -> None:
    shown = palette_lint("rule", "PAL950", cwd=project / "site")  # the configuration is found by walking up
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("# PAL950 company-registry\n")
    assert "Default severity: error. Scope: document. Applies to: os-layer." in shown.stdout
    assert "## Use instead" in shown.stdout
    listed = palette_lint("rules", cwd=project)
    assert any(line.startswith("PAL950  company-registry") for line in listed.stdout.splitlines())
    elsewhere = palette_lint("rule", "PAL950", "--config", str(project / ".palette-lint.yaml"), cwd=Path("/"))
    assert elsewhere.returncode == 0 and elsewhere.stdout == shown.stdout
    # Without the configuration, the rule does not exist.
    bare = palette_lint("rule", "PAL950", cwd=project.parent)
    assert bare.returncode == 2 and "no rule 'PAL950'" in bare.stderr


def test_user_rule_can_be_suppressed_like_a_builtin(project: Path) -> None:
    (project / ".palette-lint.yaml").write_text("rule-dirs: [policy]\n", encoding="utf-8")
    (project / "site" / "os-layer.yaml").write_text(
        VALUES.replace("docker.io", "docker.io  # palette-lint: disable=company-registry -- lab site"),
        encoding="utf-8")
    result = palette_lint("check", "site", cwd=project)
    assert result.returncode == 0, result.stdout
    assert result.stdout.endswith("1 suppressed.\n")


def test_user_rule_directory_errors_exit_2(project: Path) -> None:
    (project / ".palette-lint.yaml").write_text("rule-dirs: [policy, missing]\n", encoding="utf-8")
    result = palette_lint("check", "site", cwd=project)
    assert result.returncode == 2
    assert result.stderr == ("palette-lint: error: .palette-lint.yaml:1:21: rule-dirs[1]: directory not found: "
                             "'missing' (a path relative to this file)\n")
    (project / ".palette-lint.yaml").write_text("rule-dirs: [policy]\n", encoding="utf-8")
    (project / "policy" / "broken.py").write_text("def oops(:\n", encoding="utf-8")
    result = palette_lint("check", "site", cwd=project)
    assert result.returncode == 2
    assert "broken.py: cannot load rule module: SyntaxError" in result.stderr
