"""Real temporary git repositories for the change-aware tests, isolated from the machine's git configuration.

``git_env`` (a pytest fixture, registered in conftest.py) gives git a fresh HOME with a known
user and default branch, ignores the system configuration and removes pre-commit's variables, in this
process (for the engine's own git calls) and for the subprocesses the tests start.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from tests.external_tools import missing

BASE_BRANCH = "main"
_GITCONFIG = f"""\
[user]
\tname = palette-lint tests
\temail = tests@palette-lint.invalid
[init]
\tdefaultBranch = {BASE_BRANCH}
[commit]
\tgpgsign = false
[core]
\tautocrlf = false
"""


def isolated_environment(home: Path) -> dict[str, str]:
    """``os.environ`` without git's and pre-commit's variables, with a HOME whose .gitconfig we wrote."""
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text(_GITCONFIG, encoding="utf-8")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), GIT_CONFIG_NOSYSTEM="1",
               GIT_TERMINAL_PROMPT="0")
    return env


@pytest.fixture
def git_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    if shutil.which("git") is None:  # the brief's CI machine has git; a developer machine without it skips
        missing("git", "the change-aware tests need it on PATH")
    env = isolated_environment(tmp_path_factory.mktemp("git-home"))
    for key in list(os.environ):
        if key not in env:
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    yield env


class GitRepo:
    """A work tree in ``path``, driven with the real git command."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def init(cls, path: Path) -> GitRepo:
        path.mkdir(parents=True, exist_ok=True)
        repo = cls(path)
        repo.git("init", "-q")
        repo.git("symbolic-ref", "HEAD", f"refs/heads/{BASE_BRANCH}")  # also on git older than init.defaultBranch
        return repo

    def git(self, *args: str) -> str:
        result = subprocess.run(["git", *args], cwd=self.path, capture_output=True, text=True, timeout=60,
                                check=False)
        assert result.returncode == 0, f"git {' '.join(args)} failed: {result.stderr}"
        return result.stdout

    def write(self, relative: str, text: str) -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def commit_all(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def replace_tree(self, source: Path) -> None:
        """Make the work tree hold exactly the files of ``source`` (everything else but .git is removed)."""
        for item in self.path.iterdir():
            if item.name == ".git":
                continue
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item)
            else:
                item.unlink()
        # Plain copies, not copy2: a copy that kept the source's mtime, landing on the inode just freed by the
        # file it replaces, with the same size, would look unchanged to git's stat check (seen as a flaky test).
        shutil.copytree(source, self.path, dirs_exist_ok=True, copy_function=shutil.copy)


def is_change_fixture(directory: Path) -> bool:
    return (directory / "before").is_dir() and (directory / "after").is_dir()


def repository_from_fixture(directory: Path, target: Path) -> GitRepo:
    """``before/`` committed on the base branch, then ``after/`` in the work tree of a new branch, staged (so
    git sees renames) but not committed: the shape of a change under review."""
    repo = GitRepo.init(target)
    repo.replace_tree(directory / "before")
    repo.commit_all("the deployed profiles")
    repo.git("checkout", "-q", "-b", "change")
    repo.replace_tree(directory / "after")
    repo.git("add", "-A")
    return repo
