"""A run in which every rule fires: each fixture directory linted with its own configuration (as
tests/test_fixtures.py does, from a copy with its <<PEM name>> placeholders expanded; a change fixture as a git
repository linted against its base branch), the findings merged into one Run, as one palette-lint run over
them would report them."""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from pathlib import Path
from typing import Iterator

from linter.changes.history import BaseRequest
from linter.model import Finding, Rule, Run
from tests.fixture_expansion import copy_expanded
from tests.git_repo import (
    BASE_BRANCH,
    is_change_fixture,
    isolated_environment,
    repository_from_fixture,
)
from tests.helpers import FIXTURES, run_paths


@contextlib.contextmanager
def _isolated_git(home: Path) -> Iterator[None]:
    """This process's environment as tests/git_repo.py's ``git_env`` sets it, for the duration."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(isolated_environment(home))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@functools.lru_cache(maxsize=1)
def every_rule_root() -> Path:
    """Where the expanded copies of the fixture directories are: the run's paths are relative to it."""
    root = Path(tempfile.mkdtemp(prefix="palette-lint-every-rule-"))
    with _isolated_git(root / ".git-home"):
        for directory in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
            target = root / "tests" / "fixtures" / directory.name
            if is_change_fixture(directory):
                repository_from_fixture(copy_expanded(directory, root / ".change" / directory.name), target)
            else:
                copy_expanded(directory, target)
    return root


@functools.lru_cache(maxsize=1)
def every_rule_run() -> Run:
    root = every_rule_root()
    runs = []
    with _isolated_git(root / ".git-home"):
        for directory in sorted((root / "tests" / "fixtures").iterdir()):
            base = BaseRequest(BASE_BRANCH) if (directory / ".git").is_dir() else None
            runs.append(run_paths([directory], root=root, base=base))
    rules: dict[str, Rule] = {}
    for run in runs:
        rules.update({rule.id: rule for rule in run.rules})
    findings = sorted((f for run in runs for f in run.findings), key=Finding.sort_key)
    return Run(findings=tuple(findings), rules=tuple(sorted(rules.values(), key=lambda r: r.id)),
               files_checked=sum(run.files_checked for run in runs),
               notices=tuple(n for run in runs for n in run.notices), tool_version=runs[0].tool_version)
