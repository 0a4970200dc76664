from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.external_tools import missing
from tests.git_repo import git_env  # noqa: F401  (a fixture every test module may use)
from tests.helpers import REPO


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regenerate", action="store_true", default=False,
        help="rewrite golden outputs and docs/rules.md from the current code (review the diff!)",
    )


@pytest.fixture
def regenerate(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regenerate"))


@pytest.fixture(scope="session")
def hook_repo() -> tuple[Path, str]:
    """This repository and its HEAD commit (try-repo clones a committed ref)."""
    found = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=60)
    if found.returncode != 0:
        missing("a git checkout of palette-lint", "pre-commit installs hooks from a git repository")
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        missing("pre-commit", "pip install -e '.[test]'")
    return REPO, found.stdout.strip()


@pytest.fixture(scope="session")
def pre_commit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """pre-commit isolated from the user's own: no inherited PRE_COMMIT_* or GIT_* settings, its own home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    env["NO_COLOR"] = "1"
    return env


@pytest.fixture(autouse=True)
def _certificates_read_afresh() -> None:
    """Each test reads its certificates itself: the run-wide memo of linter.certs.certificate would otherwise
    carry one test's reading into the next (and hide the reading code from mutation testing, whose mutants run
    in processes forked after the memo was filled)."""
    from linter.certs.certificate import read_certificate

    read_certificate.cache_clear()
