"""Worker processes and the result cache change how fast a run is, never what it reports: the reports of a
run in one process, in two, from a cold cache and from a warm one are byte for byte the same. The cache is
invalidated by what results depend on (a file's content, the configuration, the clock for certificate
checks) and a cache that cannot be written is no error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from linter.engine.workers import batched
from tests import helpers
from tests.certs import catalogue
from tests.helpers import REPO

NOW = "2026-06-01T12:00:00Z"


def palette_lint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``palette-lint check`` at the test clock, which must lint (exit 0 or 1)."""
    result = helpers.palette_lint("check", "--now", NOW, *args, cwd=cwd, timeout=180)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result


@pytest.fixture()
def sites(tmp_path: Path) -> Path:
    """Twelve copies of the example sites: 36 directories, each a cluster or a file of its own."""
    root = tmp_path / "fleet"
    for number in range(12):
        shutil.copytree(REPO / "examples", root / f"region-{number:02d}", ignore=shutil.ignore_patterns("*.md"))
    return root


def _reports(cwd: Path, *args: str) -> tuple[str, str, str]:
    sarif, report = cwd.parent / "out.sarif", cwd.parent / "out.json"
    text = palette_lint(cwd, "-f", "text", "-f", f"sarif={sarif}", "-f", f"json={report}", *args).stdout
    return text, sarif.read_text(encoding="utf-8"), report.read_text(encoding="utf-8")


def test_workers_and_cache_report_exactly_what_one_process_reports(sites: Path) -> None:
    serial = _reports(sites, "--no-cache", "--jobs", "1")
    assert "PAL104" in serial[0] and "Found " in serial[0]
    assert _reports(sites, "--no-cache", "--jobs", "2") == serial
    assert _reports(sites, "--jobs", "2") == serial  # cold cache, written by the workers
    assert list((sites / ".palette-lint-cache").rglob("*.json"))
    assert _reports(sites, "--jobs", "1") == serial  # warm cache
    assert _reports(sites) == serial  # the default: as many workers as cores


def test_a_changed_file_is_linted_again(sites: Path) -> None:
    before = palette_lint(sites).stdout
    target = sites / "region-03" / "clean-site" / "infra-profile.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("edge-puller", "AWS"), encoding="utf-8")
    after = palette_lint(sites).stdout
    assert "region-03/clean-site/infra-profile.yaml" not in before
    assert "region-03/clean-site/infra-profile.yaml" in after and "PAL106" in after
    assert after == palette_lint(sites, "--no-cache").stdout


def test_a_changed_configuration_is_applied(sites: Path) -> None:
    assert "error PAL104" in palette_lint(sites).stdout
    (sites / ".palette-lint.yaml").write_text("rules:\n  PAL104: warning\n", encoding="utf-8")
    changed = palette_lint(sites).stdout
    assert "error PAL104" not in changed and "warning PAL104" in changed


def test_a_certificate_result_is_reused_only_under_the_same_clock(tmp_path: Path) -> None:
    leaf = catalogue()["leaf"]  # valid around the test clock, expired by 2040
    body = "\n".join("    " + line for line in leaf.splitlines())
    (tmp_path / "os-layer.yaml").write_text(
        "pack:\n  content:\n    images:\n      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'\n"
        "providerCredentials:\n  registry: harbor.edge.example.com\n  user: robot\n"
        "  password: '{{.spectro.macro.P}}'\n  certificates: |\n" + body + "\n"
        "options:\n  system.uri: harbor.edge.example.com/edge/os:v1\n", encoding="utf-8")
    assert "PAL202" not in palette_lint(tmp_path, "--select", "PAL202").stdout
    later = subprocess.run([sys.executable, "-m", "linter", "check", "--select", "PAL202", "--now",
                            "2040-01-01T00:00:00Z"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "PAL202" in later.stdout, later.stdout


def test_an_unwritable_cache_is_no_error(sites: Path) -> None:
    cache = sites / ".palette-lint-cache"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        if os.access(cache, os.W_OK):  # running as root: permissions do not stop us; use a file in its way
            cache.chmod(0o700)
            cache.rmdir()
            cache.write_text("not a directory", encoding="utf-8")
        result = palette_lint(sites)
        assert "error" not in result.stderr and "Found " in result.stdout
        assert result.stdout == palette_lint(sites, "--no-cache").stdout
    finally:
        if cache.is_dir():
            cache.chmod(0o700)


def test_a_damaged_cache_entry_is_recomputed(sites: Path) -> None:
    expected = palette_lint(sites).stdout
    for entry in (sites / ".palette-lint-cache").rglob("*.json"):
        entry.write_text(json.dumps({"findings": "not a list"}), encoding="utf-8")
    assert palette_lint(sites).stdout == expected


def test_batches_keep_units_whole_in_order_and_balanced() -> None:
    units = [[f"u{i}-f{j}" for j in range(size)] for i, size in enumerate([5, 1, 1, 7, 2, 2, 2, 3, 1])]
    batches = batched(units, 4)  # type: ignore[arg-type]
    assert [unit for batch in batches for unit in batch] == units
    assert 3 <= len(batches) <= 5
    assert max(sum(len(u) for u in batch) for batch in batches) <= 9


# ---- the pre-commit hook takes the same path: the cache and workers serve it too ----------------------------

#: A user rule that records the process it runs in, so a test can see which processes linted.
_PID_RULE = '''"""Record the process that checks each document."""
import os
from linter.api import ALL_DOCUMENT_KINDS, rule

@rule(id="PAL990", name="record-process", kinds=ALL_DOCUMENT_KINDS, severity="note")
def check(doc, ctx):
    with open(os.environ["PID_LOG"], "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()}\\n")
    return iter(())
'''


def _staged_fleet(root: Path, sites: Path) -> list[str]:
    """``sites`` committed in a git repository at ``root``, then every user-data changed and staged: the
    files a pre-commit hook is given."""
    from tests.git_repo import GitRepo

    repo = GitRepo.init(root)
    shutil.copytree(sites, root, dirs_exist_ok=True)
    repo.commit_all("deployed")
    staged = sorted(p.relative_to(root).as_posix() for p in root.rglob("user-data"))
    for name in staged:
        with open(root / name, "a", encoding="utf-8") as handle:
            handle.write("\n")
    repo.git("add", "-A")
    return staged


def _hook(cwd: Path, files: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    """palette-lint as .pre-commit-hooks.yaml runs it, under pre-commit's environment."""
    result = helpers.palette_lint("check", "--skip-unknown", "--now", NOW, *args, *files, cwd=cwd,
                                  env={"PRE_COMMIT": "1"}, timeout=180)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result


def test_the_hook_reads_the_result_cache(sites: Path, tmp_path: Path, git_env: dict[str, str]) -> None:
    repo = tmp_path / "repo"
    files = _staged_fleet(repo, sites)
    first = _hook(repo, files)
    assert "Compared with" in first.stdout and "PAL" in first.stdout
    entries = list((repo / ".palette-lint-cache").rglob("*.json"))
    assert entries, "the hook's run wrote no cache entry"
    for entry in entries:  # mark what the cache holds, so a run that reads it shows the mark
        data = json.loads(entry.read_text(encoding="utf-8"))
        for finding in data["findings"]:
            finding["message"] = "read from the cache"
        entry.write_text(json.dumps(data), encoding="utf-8")
    second = _hook(repo, files)
    assert "read from the cache" in second.stdout
    assert "read from the cache" not in _hook(repo, files, "--no-cache").stdout


def test_the_hook_lints_in_worker_processes(sites: Path, tmp_path: Path, git_env: dict[str, str]) -> None:
    repo = tmp_path / "repo"
    files = _staged_fleet(repo, sites)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "record_process.py").write_text(_PID_RULE, encoding="utf-8")
    config = tmp_path / "palette-lint.yaml"
    config.write_text(f"rule-dirs: [{rules}]\n", encoding="utf-8")
    log = tmp_path / "pids.log"
    os.environ["PID_LOG"] = str(log)
    try:
        serial = _hook(repo, files, "--no-cache", "--config", str(config), "--jobs", "1").stdout
        one = set(log.read_text(encoding="utf-8").split())
        log.unlink()
        parallel = _hook(repo, files, "--no-cache", "--config", str(config), "--jobs", "2").stdout
        two = set(log.read_text(encoding="utf-8").split())
    finally:
        del os.environ["PID_LOG"]
    assert parallel == serial
    assert len(one) == 1 and len(two) == 2 and not one & two, (one, two)
