"""The GitHub Action (action.yml): its shape, its inputs, and its lint and fail steps run with bash the way the
runner runs them (inputs and contexts substituted into the steps' ``env``), against the bundled examples."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.helpers import REPO
from tests.sarif_validation import assert_valid_sarif

ACTION = YAML(typ="safe").load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _step(name_part: str) -> dict[str, Any]:
    return next(step for step in STEPS if name_part in step.get("name", ""))


def _expand(text: str, context: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        assert match.group(1) in context, f"expression {match.group(1)!r} is not substituted by this test"
        return context[match.group(1)]

    return _EXPRESSION.sub(value, str(text))


def _run_step(step: dict[str, Any], context: dict[str, str], cwd: Path, extra_env: dict[str, str]
              ) -> subprocess.CompletedProcess[str]:
    assert step["shell"] == "bash"
    env = {**os.environ, **extra_env}
    env.update({key: _expand(value, context) for key, value in step.get("env", {}).items()})
    env.pop("CI", None)
    # GitHub runs a bash step as `bash --noprofile --norc -eo pipefail {0}`.
    script = cwd / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_action_is_composite_and_uploads_with_codeql_action() -> None:
    assert ACTION["runs"]["using"] == "composite"
    uses = [step.get("uses", "") for step in STEPS]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    upload = next(step for step in STEPS if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert "always()" in upload["if"], "findings make palette-lint exit 1; the SARIF must still be uploaded"
    install = _step("Install")
    assert "${{ github.action_path }}" in install["env"].values(), "install from the action's own checkout"


def test_scripts_take_inputs_only_through_env() -> None:
    for step in STEPS:
        if "run" in step:
            assert "${{" not in step["run"], f"{step['name']}: an expression inside a script can inject shell"


def test_every_input_is_used_and_documented() -> None:
    text = (REPO / "action.yml").read_text(encoding="utf-8")
    readme = (REPO / "docs" / "integrations.md").read_text(encoding="utf-8")
    used = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert used == set(ACTION["inputs"]), (used, set(ACTION["inputs"]))
    for name, spec in ACTION["inputs"].items():
        assert spec["description"].strip()
        assert f"`{name}`" in readme, f"input {name} is not documented in docs/integrations.md"


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    shutil.copytree(REPO / "examples", root / "examples")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def _context(workspace: Path, **inputs: str) -> dict[str, str]:
    context = {f"inputs.{name}": str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    context.update({f"inputs.{name.replace('_', '-')}": value for name, value in inputs.items()})
    context["runner.temp"] = str(workspace.parent / "runner-temp")
    context["github.action_path"] = str(REPO)
    return context


def _lint(workspace: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    context = _context(workspace, **inputs)
    output_file = workspace.parent / "github-output"
    output_file.write_text("", encoding="utf-8")
    step = dict(_step("Run palette-lint"))
    # The test's own palette-lint stands in for the one the install step puts into runner.temp.
    step["env"] = {**step["env"], "PALETTE_LINT": str(Path(sys.executable).parent / "palette-lint")}
    result = _run_step(step, context, workspace, {"GITHUB_OUTPUT": str(output_file)})
    outputs = dict(line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines())
    return result, outputs


def test_lint_step_prints_text_writes_sarif_and_records_the_exit_code(workspace: Path) -> None:
    result, outputs = _lint(workspace, paths="examples/trouble-site examples/clean-site")
    assert result.returncode == 0, "the lint step itself succeeds, so the upload step runs" + result.stderr
    assert outputs == {"exit-code": "1", "sarif-written": "true"}
    assert re.search(r"^examples/trouble-site/warehouse-profile\.json:\d+:\d+: error PAL106 ", result.stdout,
                     re.MULTILINE), result.stdout
    log = json.loads((workspace / "palette-lint.sarif").read_text(encoding="utf-8"))
    assert_valid_sarif(log)
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"PAL106"}


def test_lint_step_passes_args_and_a_custom_sarif_path(workspace: Path) -> None:
    result, outputs = _lint(workspace, paths="examples", args="--fail-on never --select PAL106",
                            sarif_file="reports/out.sarif")
    assert outputs.get("exit-code") == "2", "the reports directory does not exist: a write error is exit 2"
    (workspace / "reports").mkdir()
    result, outputs = _lint(workspace, paths="examples", args="--fail-on never --select PAL106",
                            sarif_file="reports/out.sarif")
    assert outputs == {"exit-code": "0", "sarif-written": "true"}, result.stderr
    log = json.loads((workspace / "reports" / "out.sarif").read_text(encoding="utf-8"))
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"PAL106"}


def test_lint_step_does_not_expand_shell_in_inputs(workspace: Path) -> None:
    result, outputs = _lint(workspace, paths="examples/clean-site $(touch pwned) ;touch pwned2")
    assert not (workspace / "pwned").exists() and not (workspace / "pwned2").exists()
    assert outputs["exit-code"] == "2", result.stdout + result.stderr  # the odd words are missing paths


@pytest.mark.parametrize("status, expected", [("1", 1), ("2", 2), ("", 2)])
def test_fail_step_exits_with_palette_lints_code(workspace: Path, status: str, expected: int) -> None:
    step = _step("Fail when")
    context = _context(workspace)
    context["steps.lint.outputs.exit-code"] = status
    result = _run_step(step, context, workspace, {})
    assert result.returncode == expected, result.stdout + result.stderr
