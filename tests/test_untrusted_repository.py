"""A repository is data: its links do not lead palette-lint out of it, its result cache folder cannot make
palette-lint write or delete outside it, and a worker that dies ends the run with a message, not a hang."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from linter.engine import result_cache
from linter.engine.result_cache import ResultCache, UnitResult
from tests.helpers import palette_lint

OS_VALUES = """\
providerCredentials:
  registry: harbor.example.com
  user: robot-edge
  password: {password}
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
"""
CANARY = "CANARY-QzOutsideW-password"


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "os.yaml").write_text(OS_VALUES.format(password="'{{.spectro.macro.PW}}'"), encoding="utf-8")
    return root


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.yaml").write_text(OS_VALUES.format(password=CANARY) + f"{CANARY}-key: x\n", encoding="utf-8")
    return folder


# ---- links out of the repository ---------------------------------------------------------------------------

@pytest.mark.parametrize("named", [False, True])
def test_a_link_out_of_the_repository_is_not_followed(repo: Path, outside: Path, named: bool) -> None:
    (repo / "linked.yaml").symlink_to(outside / "secret.yaml")
    (repo / "inside.yaml").symlink_to(repo / "os.yaml")  # a link inside the repository is followed
    result = palette_lint("check", *(["linked.yaml", "inside.yaml"] if named else ["."]), cwd=repo)
    assert "CANARY" not in result.stdout + result.stderr
    assert ("palette-lint: warning: linked.yaml: a symbolic link to a file outside the repository: not "
            "followed\n") in result.stderr
    assert result.stdout == f"No problems found in {1 if named else 2} files.\n".replace("1 files", "1 file")


def test_a_terraform_file_read_out_of_the_repository_is_not_read(repo: Path, outside: Path) -> None:
    (repo / "profile.tf").write_text(
        'resource "spectrocloud_cluster_profile" "store" {\n  name = "store"\n  pack {\n'
        f'    name   = "edge-native-byoi"\n    values = file("{outside / "secret.yaml"}")\n  }}\n}}\n',
        encoding="utf-8")
    result = palette_lint("check", ".", cwd=repo)
    assert "CANARY" not in result.stdout + result.stderr
    assert "not linted" in result.stderr, result.stderr


# ---- the result cache stays inside its folder ----------------------------------------------------------------

@pytest.mark.parametrize("linked", [".palette-lint-cache", f".palette-lint-cache/{result_cache.FORMAT}"])
def test_a_linked_cache_folder_is_not_used(repo: Path, outside: Path, linked: str) -> None:
    target = outside / "cache"
    target.mkdir()
    (repo / linked).parent.mkdir(parents=True, exist_ok=True)
    (repo / linked).symlink_to(target)
    result = palette_lint("check", ".", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"palette-lint: warning: .palette-lint-cache/ not used: {linked} is a symbolic link" in result.stderr
    assert list(target.iterdir()) == [], "nothing written through the link"


def test_a_dangling_gitignore_link_creates_nothing(repo: Path, outside: Path) -> None:
    (repo / ".palette-lint-cache").mkdir()
    (repo / ".palette-lint-cache" / ".gitignore").symlink_to(outside / "created-by-the-cache")
    assert palette_lint("check", ".", cwd=repo).returncode == 0
    assert not (outside / "created-by-the-cache").exists()
    assert list((repo / ".palette-lint-cache" / result_cache.FORMAT).rglob("*.json")), "the cache still works"


def test_pruning_removes_only_entries_the_cache_wrote(tmp_path: Path, outside: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(result_cache, "SPARE_ENTRIES", 0)
    cache, why_not = ResultCache.open(tmp_path)
    assert cache is not None and not why_not
    keys = [f"{n:02x}" * 32 for n in range(3)]
    for key in keys:
        cache.put(key, UnitResult(findings=()))
    victims = outside / "victims"
    victims.mkdir()
    for key in keys:
        (victims / f"{key}.json").write_text("{}", encoding="utf-8")
    (cache.directory / "ff").symlink_to(victims)  # a shard folder that leads out
    (cache.directory / "00" / "notes.txt").write_text("kept", encoding="utf-8")  # not an entry's name
    (cache.directory / "01" / f"{'ee' * 32}.json").symlink_to(victims / f"{keys[0]}.json")  # an entry link
    fresh = ResultCache(cache.directory)
    fresh.used.add(keys[2])
    fresh.prune()
    assert sorted(p.name for p in victims.iterdir()) == sorted(f"{key}.json" for key in keys)
    assert (cache.directory / "00" / "notes.txt").exists()
    assert [p.name for p in cache.directory.rglob("*.json") if not p.is_symlink()] == [f"{keys[2]}.json"]


def test_a_linked_entry_is_not_read(tmp_path: Path, outside: Path) -> None:
    cache, _ = ResultCache.open(tmp_path)
    assert cache is not None
    key = "ab" * 32
    (outside / "entry.json").write_bytes(b'{"findings": []}')
    (cache.directory / "ab").mkdir(parents=True)
    (cache.directory / "ab" / f"{key}.json").symlink_to(outside / "entry.json")
    assert cache.get(key, "", "") is None


# ---- workers --------------------------------------------------------------------------------------------------

KILLER_RULE = '''"""Kills the process it runs in when that is a worker (a test rule)."""
import os
import signal
from linter.api import ALL_DOCUMENT_KINDS, rule

@rule(id="PAL991", name="kill-worker", kinds=ALL_DOCUMENT_KINDS, severity="note")
def check(doc, ctx):
    if os.getpid() != int(os.environ["PARENT_PID"]):
        os.kill(os.getpid(), signal.SIGKILL)
    return iter(())
'''


@pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes are forked (Linux)")
def test_a_dead_worker_ends_the_run_with_exit_2(repo: Path, tmp_path: Path) -> None:
    for number in range(4):
        (repo / f"site-{number}").mkdir()
        (repo / f"site-{number}" / "os.yaml").write_text((repo / "os.yaml").read_text(), encoding="utf-8")
    (repo / "rules").mkdir()
    (repo / "rules" / "kill_worker.py").write_text(KILLER_RULE, encoding="utf-8")
    (repo / ".palette-lint.yaml").write_text("rule-dirs: [rules]\n", encoding="utf-8")
    wrapper = tmp_path / "run.py"  # the parent's pid is known only once it runs: set it there
    wrapper.write_text("import os, sys\nos.environ['PARENT_PID'] = str(os.getpid())\n"
                       "sys.argv[0] = 'palette-lint'\nfrom linter.cli import main\nmain()\n", encoding="utf-8")
    import sys

    result = subprocess.run([sys.executable, str(wrapper), "check", "--allow-rule-dirs", "--no-cache", "--jobs", "2",
                             "."], cwd=repo, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("palette-lint: error: a worker process ended unexpectedly"), result.stderr
    assert "Traceback" not in result.stderr
