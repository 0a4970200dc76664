"""The pre-commit hooks, run for real: ``pre-commit try-repo`` installs this repository's HEAD commit as a hook
repository (in a virtual environment it builds) and runs both hooks in a temporary consumer repository on the
files staged there: once with clean files staged, once with a problem staged."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

CLEAN_USER_DATA = """\
#cloud-config
stylus:
  site:
    paletteEndpoint: api.spectrocloud.com
    projectName: edge-stores
    name: store-0042
install:
  poweroff: true
"""
TOKEN_OS_LAYER = """\
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com
  user: AWS
  password: '{{.spectro.macro.ECR_TOKEN}}'
options:
  system.uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
"""
# Files pre-commit passes because of their names, that are not Palette configuration.
FOREIGN = {
    "tsconfig.json": '{\n  // comments: not JSON, and not ours\n  "compilerOptions": {}\n}\n',
    ".github/workflows/ci.yaml": "name: ci\non: push\njobs: {}\n",
}


def _git(*args: str, cwd: Path) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _consumer(directory: Path) -> Path:
    directory.mkdir()
    _git("init", "-q", cwd=directory)
    (directory / "sites" / "store").mkdir(parents=True)
    (directory / "sites" / "store" / "user-data").write_text(CLEAN_USER_DATA, encoding="utf-8")
    for name, text in FOREIGN.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text, encoding="utf-8")
    _git("add", "sites/store/user-data", *FOREIGN, cwd=directory)
    return directory


def _try_repo(consumer: Path, hook_repo: tuple[Path, str], env: dict[str, str]) -> subprocess.Popen[str]:
    """Start running every hook of the manifest on the files staged in ``consumer``."""
    path, commit = hook_repo
    return subprocess.Popen([sys.executable, "-m", "pre_commit", "try-repo", str(path), "--ref", commit,
                             "--color", "never", "--verbose"], cwd=consumer, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)


def _sections(process: subprocess.Popen[str]) -> dict[str, str]:
    """Each hook's report (its status line and output) by hook id; the exit code under ``exit`` and the
    whole output under ``all``."""
    output, _ = process.communicate(timeout=900)
    assert "Traceback" not in output, output
    sections: dict[str, str] = {"exit": str(process.returncode), "all": output}
    for block in re.split(r"\n(?=\S[^\n]*\.{3,}(?:Passed|Failed|Skipped)\n)", output):
        hook = re.search(r"^- hook id: (\S+)$", block, re.MULTILINE)
        if hook:
            sections[hook.group(1)] = block
    return sections


# try-repo clones the hook repository into a fresh store on every call (it ignores PRE_COMMIT_HOME) and builds
# the hook's environment there, several seconds a call: so one call per scenario, both running at once, each
# running both hooks.
@pytest.fixture(scope="module")
def commits(hook_repo: tuple[Path, str], pre_commit_env: dict[str, str],
            tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    clean = _consumer(tmp_path_factory.mktemp("clean") / "consumer")
    failing = _consumer(tmp_path_factory.mktemp("failing") / "consumer")
    (failing / "sites" / "store" / "os-layer.yaml").write_text(TOKEN_OS_LAYER, encoding="utf-8")
    _git("add", "sites/store/os-layer.yaml", cwd=failing)
    (failing / "unstaged.yaml").write_text(TOKEN_OS_LAYER, encoding="utf-8")
    running = {"clean": _try_repo(clean, hook_repo, pre_commit_env),
               "failing": _try_repo(failing, hook_repo, pre_commit_env)}
    return {name: _sections(process) for name, process in running.items()}


@pytest.fixture()
def clean_commit(commits: dict[str, dict[str, str]]) -> dict[str, str]:
    return commits["clean"]


@pytest.fixture()
def failing_commit(commits: dict[str, dict[str, str]]) -> dict[str, str]:
    return commits["failing"]


def test_manifest_is_valid(pre_commit_env: dict[str, str], hook_repo: tuple[Path, str]) -> None:
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"],
                            cwd=REPO, capture_output=True, text=True, timeout=120, env=pre_commit_env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hooks_pass_on_clean_staged_files(clean_commit: dict[str, str]) -> None:
    assert clean_commit["exit"] == "0", clean_commit["all"]
    staged = clean_commit["palette-lint"]
    assert re.search(r"^palette-lint\.+Passed$", staged, re.MULTILINE), staged
    # The hook saw the extension-less user-data and skipped the foreign files without a word.
    assert "No problems found in 1 file." in staged, staged
    assert "tsconfig" not in staged and "ci.yaml" not in staged
    assert re.search(r"^palette-lint \(whole repository\)\.+Passed$", clean_commit["palette-lint-repo"],
                     re.MULTILINE), clean_commit["all"]


def test_staged_hook_fails_on_a_staged_problem(failing_commit: dict[str, str]) -> None:
    assert failing_commit["exit"] == "1", failing_commit["all"]
    staged = failing_commit["palette-lint"]
    assert re.search(r"^palette-lint\.+Failed$", staged, re.MULTILINE), staged
    assert "- exit code: 1" in staged
    assert re.search(r"^sites/store/os-layer\.yaml:6:13: error PAL106 providerCredentials uses token authentication "
                     r"\(AWS ECR\)\n    help: ", staged, re.MULTILINE), staged
    assert "unstaged.yaml" not in staged, "only staged files are linted"
    assert "in 2 files." in staged


def test_repository_hook_lints_unstaged_files_too(failing_commit: dict[str, str]) -> None:
    whole = failing_commit["palette-lint-repo"]
    assert "- exit code: 1" in whole, failing_commit["all"]
    assert re.search(r"^unstaged\.yaml:6:13: error PAL106 ", whole, re.MULTILINE), whole
    assert re.search(r"^sites/store/os-layer\.yaml:6:13: error PAL106 ", whole, re.MULTILINE), whole
