"""Change-aware linting against real git repositories: the base revision (merge base, merges, renames, copies,
staged content, pre-commit's variables, no repository at all), deployed versus new files and the configuration
that overrides it, and new/unchanged/fixed findings with --new-only, baselines and SARIF baselineState."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

import pytest

from linter.changes.baseline import (
    Baseline,
    BaselineEntry,
    BaselineError,
    baseline_findings,
    compare,
    dump_baseline,
    locator,
    parse_baseline,
)
from linter.changes.history import BaseRequest
from linter.engine.rule_loader import load_rules
from linter.inputs import read_file
from linter.model import Comparison, Finding, Location, Severity, Span, Suppression
from linter.resources import rules_dir
from linter.yaml.composer import YamlParser
from linter.yaml.source import SourceFile
from tests import helpers
from tests.external_tools import missing
from tests.git_repo import BASE_BRANCH, GitRepo
from tests.helpers import run_paths
from tests.sarif_validation import assert_valid_sarif

CA = """-----BEGIN CERTIFICATE-----
MIIBmDCCAT+gAwIBAgIUcdOi6c9Q4ryB6EWA9HLaKUR7JxUwCgYIKoZIzj0EAwIw
OjEVMBMGA1UECgwMRXhhbXBsZSBDb3JwMSEwHwYDVQQDDBhFeGFtcGxlIEVkZ2Ug
UmVnaXN0cnkgQ0EwHhcNMjUwMTAxMDAwMDAwWhcNNDUwMTAxMDAwMDAwWjA6MRUw
EwYDVQQKDAxFeGFtcGxlIENvcnAxITAfBgNVBAMMGEV4YW1wbGUgRWRnZSBSZWdp
c3RyeSBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABMfZ0zX+hm2FyK1QV4xa
RvBUYE5TDxKQ3XhzRe8lPYNZSMVbIK0pSNdN9OjUEKSF+OWPlcGgJpZGM0uLQBCD
Lq6jIzAhMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgGGMAoGCCqGSM49
BAMCA0cAMEQCIB8HAxDzP/mAcLai8G1J51y3+sU4DNWuwaoA9EryVV9gAiAqspCM
GEOpykvM07YkeK1Rc0iLdOF+cb2JVHgfavnLtA==
-----END CERTIFICATE-----"""
CHANGE_RULES = "PAL105,PAL401,PAL402"


def os_layer(*, certificate: bool = False, user: str = "robot-edge", registry: str = "harbor.example.com",
             image: str = "v1.30.4-v4.5.3", comment: str = "") -> str:
    """OS-layer values; ``certificate`` adds providerCredentials.certificates."""
    certificates = ""
    if certificate:
        certificates = "  certificates: |\n" + "".join(f"    {line}\n" for line in CA.splitlines())
    return (f"{comment}pack:\n  content:\n    images:\n"
            "      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'\n"
            f"providerCredentials:\n  registry: {registry}\n  user: {user}\n"
            "  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'\n"
            f"{certificates}options:\n  system.uri: {registry}/edge/ubuntu-k3s:{image}\n")


#: Comment lines that keep a file similar enough to its old version for git to see a rename or copy (git
#: pairs files that are at least 50% alike) once the certificate's lines are added.
HISTORY = "".join(f"# store fleet OS layer, revision note {n}\n" for n in range(1, 16))


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def palette_lint(*args: str, cwd: Path, env: Optional[dict[str, str]] = None) -> subprocess.CompletedProcess[str]:
    """``palette-lint check`` at the test clock."""
    return helpers.palette_lint("check", "--now", "2026-06-01T12:00:00Z", *args, cwd=cwd, env=env)


def sarif_results(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    log = json.loads(result.stdout)
    assert_valid_sarif(log)
    results: list[dict[str, Any]] = log["runs"][0]["results"]
    return results


def notifications(result: subprocess.CompletedProcess[str]) -> list[str]:
    log = json.loads(result.stdout)
    return [n["message"]["text"] for n in log["runs"][0]["invocations"][0].get("toolExecutionNotifications", [])]


def states(results: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                   r.get("baselineState", "")) for r in results)


@pytest.fixture
def repo(tmp_path: Path, git_env: dict[str, str]) -> GitRepo:
    """main: one deployed OS layer (no certificate) committed; the work tree on a branch ``change``."""
    repository = GitRepo.init(tmp_path / "repo")
    repository.write("profiles/store.yaml", os_layer())
    repository.commit_all("store profile")
    repository.git("checkout", "-q", "-b", "change")
    return repository


def _run(repository: GitRepo, ref: str = BASE_BRANCH, **kwargs: Any):
    return run_paths([repository.path], root=repository.path, base=BaseRequest(ref), **kwargs)


def _ids(run: Any) -> list[tuple[str, str, int]]:
    return sorted((f.rule_id, f.location.path, f.location.span.line) for f in run.active_findings)


# ---- the base revision --------------------------------------------------------------------------------

def test_certificate_added_to_a_deployed_file_fires_with_the_base_version_cited(repo: GitRepo) -> None:
    target = repo.write("profiles/store.yaml", os_layer(certificate=True))
    run = _run(repo)
    assert _ids(run) == [("PAL105", "profiles/store.yaml", line_of(target, "certificates:"))]
    finding = run.active_findings[0]
    assert "new clusters" in finding.help
    related = finding.related[0]
    base = repo.git("rev-parse", BASE_BRANCH).strip()
    assert related.location.display_path == f"{base[:10]}:profiles/store.yaml"
    assert related.location.span.line == line_of(target, "providerCredentials:"), "the base version's block"
    assert f"{BASE_BRANCH} ({base[:10]})" in related.message


def test_the_base_is_the_merge_base_not_the_tip_of_the_target_branch(repo: GitRepo) -> None:
    repo.write("profiles/store.yaml", os_layer(user="robot-store"))
    repo.commit_all("change the user on the branch")
    fork = repo.git("merge-base", "HEAD", BASE_BRANCH).strip()
    repo.git("checkout", "-q", BASE_BRANCH)
    # main moves on after the branch was made, with the same user: compared with main's tip, the branch
    # would change nothing in store.yaml.
    repo.write("profiles/store.yaml", os_layer(user="robot-store"))
    repo.write("profiles/warehouse.yaml", os_layer())
    repo.commit_all("the same user on main, and a profile")
    repo.git("checkout", "-q", "change")
    run = _run(repo)
    assert _ids(run) == [("PAL402", "profiles/store.yaml", 7)]
    assert run.comparison is not None
    assert run.comparison.base == f"{BASE_BRANCH} (merge base {fork[:10]})"


def test_after_merging_the_target_branch_its_changes_are_not_the_branch_s(repo: GitRepo) -> None:
    repo.git("checkout", "-q", BASE_BRANCH)
    repo.write("profiles/store.yaml", os_layer(certificate=True))  # on main, not in this change
    repo.commit_all("certificate on main")
    repo.git("checkout", "-q", "change")
    repo.write("profiles/new-site.yaml", os_layer())
    repo.commit_all("a new site on the branch")
    repo.git("merge", "-q", "--no-edit", BASE_BRANCH)
    run = _run(repo)
    assert [f for f in run.active_findings if f.rule_id in CHANGE_RULES] == []
    assert run.comparison is not None and run.comparison.base.startswith(f"{BASE_BRANCH} (")


def test_a_renamed_file_is_compared_with_its_old_name(repo: GitRepo) -> None:
    repo.write("profiles/store.yaml", os_layer(comment=HISTORY))
    repo.commit_all("notes")
    repo.git("mv", "profiles/store.yaml", "profiles/store-os-layer.yaml")
    target = repo.write("profiles/store-os-layer.yaml", os_layer(certificate=True, comment=HISTORY))
    repo.git("add", "-A")
    run = _run(repo, ref="HEAD")
    assert _ids(run) == [("PAL105", "profiles/store-os-layer.yaml", line_of(target, "certificates:"))]
    assert run.active_findings[0].related[0].location.display_path.endswith(":profiles/store.yaml")


def test_new_files_are_for_new_clusters_and_deployed_ones_are_checked(repo: GitRepo) -> None:
    repo.write("profiles/new-site.yaml", os_layer(certificate=True, user="robot-new", image="v1.31.1-v4.6.1"))
    run = _run(repo)
    assert _ids(run) == []
    repo.write("profiles/store.yaml", os_layer(image="v1.31.1-v4.6.1"))
    run = _run(repo)
    assert _ids(run) == [("PAL401", "profiles/store.yaml", 10)]
    assert run.active_findings[0].severity.label == "note"


def test_an_untracked_new_file_is_new(repo: GitRepo) -> None:
    (repo.path / "profiles" / "scratch.yaml").write_text(os_layer(certificate=True), encoding="utf-8")
    assert _ids(_run(repo)) == []


def test_config_overrides_which_files_are_deployed(repo: GitRepo) -> None:
    repo.write("templates/site.yaml", os_layer())
    repo.write(".palette-lint.yaml", 'new: ["templates/**"]\ndeployed: ["imported/**"]\n')
    repo.commit_all("templates and configuration")
    repo.write("templates/site.yaml", os_layer(certificate=True))  # existed, but only for new clusters
    imported = repo.write("imported/plant.yaml", os_layer(certificate=True))  # new in git, deployed
    run = _run(repo, ref="HEAD")
    certificate_line = line_of(imported, "certificates:")
    # No base version: compared with an empty profile, so everything in it counts as added.
    assert _ids(run) == [("PAL105", "imported/plant.yaml", certificate_line),
                         ("PAL401", "imported/plant.yaml", line_of(imported, "system.uri:")),
                         ("PAL402", "imported/plant.yaml", line_of(imported, "providerCredentials:"))]
    assert all(not f.related for f in run.active_findings), "there is no base version to cite"


def test_a_new_version_copied_from_a_deployed_one_is_compared_with_it(repo: GitRepo) -> None:
    repo.write(".palette-lint.yaml", 'deployed: ["profiles/**"]\n')
    repo.write("profiles/store.yaml", os_layer(comment=HISTORY))
    repo.commit_all("profile versions are files")
    target = repo.write("profiles/store-v2.yaml", os_layer(certificate=True, comment=HISTORY))
    repo.git("add", "-A")  # git finds copies among the files it tracks
    run = _run(repo, ref="HEAD")
    assert _ids(run) == [("PAL105", "profiles/store-v2.yaml", line_of(target, "certificates:"))]
    assert run.active_findings[0].related[0].location.display_path.endswith(":profiles/store.yaml")


def test_staged_content_is_linted_with_staged(repo: GitRepo) -> None:
    repo.write("profiles/store.yaml", os_layer(certificate=True))
    repo.git("add", "profiles/store.yaml")
    # An unstaged edit on top takes the certificate out again, and shifts every line.
    repo.write("profiles/store.yaml", os_layer(comment="# work in progress\n"))
    staged = palette_lint("--staged", "--select", CHANGE_RULES, ".", cwd=repo.path)
    assert staged.returncode == 1, staged.stdout + staged.stderr
    assert "profiles/store.yaml:9:3: error PAL105" in staged.stdout, "lines of the staged text"
    assert "Compared with HEAD (" in staged.stdout
    worktree = palette_lint("--base-ref", "HEAD", "--select", CHANGE_RULES, ".", cwd=repo.path)
    assert worktree.returncode == 0, worktree.stdout
    assert "PAL105" not in worktree.stdout


def test_pre_commit_from_and_to_refs_are_the_base(repo: GitRepo) -> None:
    repo.write("profiles/store.yaml", os_layer(certificate=True))
    head = repo.commit_all("certificate")
    base = repo.git("rev-parse", BASE_BRANCH).strip()
    env = {"PRE_COMMIT": "1", "PRE_COMMIT_FROM_REF": base, "PRE_COMMIT_TO_REF": head}
    result = palette_lint("--select", CHANGE_RULES, "profiles/store.yaml", cwd=repo.path, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error PAL105" in result.stdout
    assert f"Compared with PRE_COMMIT_FROM_REF {base[:10]}: 1 new, 0 unchanged, 0 fixed." in result.stdout
    # The command line wins over the environment.
    flagged = palette_lint("--base-ref", "HEAD", "--select", CHANGE_RULES, "profiles/store.yaml", cwd=repo.path,
                           env=env)
    assert flagged.returncode == 0, flagged.stdout


def test_pre_commit_commit_stage_compares_the_staged_content_with_head(repo: GitRepo) -> None:
    repo.write("profiles/store.yaml", os_layer(certificate=True))
    repo.git("add", "-A")  # what pre-commit leaves in the work tree after stashing unstaged changes
    result = palette_lint("--select", CHANGE_RULES, "profiles/store.yaml", cwd=repo.path, env={"PRE_COMMIT": "1"})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error PAL105" in result.stdout and "Compared with HEAD (" in result.stdout


def test_git_s_hook_environment_with_relative_paths_is_followed(repo: GitRepo) -> None:
    """git exports GIT_DIR (and GIT_INDEX_FILE) to hooks, relative to the work tree's root, where the hook runs;
    palette-lint starts git from the linted file's directory."""
    repo.write("profiles/store.yaml", os_layer(certificate=True))
    repo.git("add", "-A")
    env = {"PRE_COMMIT": "1", "GIT_DIR": ".git", "GIT_INDEX_FILE": ".git/index"}
    result = palette_lint("--select", CHANGE_RULES, "profiles/store.yaml", cwd=repo.path, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error PAL105" in result.stdout


def _pre_commit() -> str:
    found = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    if found is None:
        missing("pre-commit", "it is in the test extra: pip install -e '.[test]'")
    return found


def test_real_pre_commit_lints_what_is_committed_and_what_is_pushed(repo: GitRepo) -> None:
    """pre-commit itself runs palette-lint as a local hook: at commit time it stashes the unstaged edits, so the
    staged certificate is seen (and the commit refused); at push time it passes its from/to refs."""
    pre_commit = _pre_commit()
    repo.git("checkout", "-q", BASE_BRANCH)
    hook = (f"repos:\n  - repo: local\n    hooks:\n      - id: palette-lint\n        name: palette-lint\n"
            f"        entry: '{sys.executable} -m linter check --now 2026-06-01T12:00:00Z'\n"
            "        language: system\n        files: \\.ya?ml$\n        require_serial: true\n"
            "        stages: [pre-commit, pre-push]\n")
    repo.write(".pre-commit-config.yaml", hook)
    repo.commit_all("pre-commit configuration")
    repo.git("checkout", "-q", "-B", "change")
    subprocess.run([pre_commit, "install", "-t", "pre-commit"], cwd=repo.path, check=True, capture_output=True)
    repo.write("profiles/store.yaml", os_layer(certificate=True))
    repo.git("add", "profiles/store.yaml")
    repo.write("profiles/store.yaml", os_layer(comment="# not staged: no certificate here\n"))
    commit = subprocess.run(["git", "commit", "-m", "add the registry CA"], cwd=repo.path, capture_output=True,
                            text=True, timeout=120)
    assert commit.returncode != 0, "the hook must refuse the commit"
    assert "error PAL105" in commit.stdout + commit.stderr, commit.stdout + commit.stderr
    assert "# not staged" in (repo.path / "profiles/store.yaml").read_text(), "pre-commit restored the edit"

    repo.commit_all("a comment")  # through the hook, which passes: the file as staged now has no certificate
    pushed = subprocess.run([pre_commit, "run", "--hook-stage", "pre-push", "--from-ref", BASE_BRANCH,
                             "--to-ref", "HEAD"], cwd=repo.path, capture_output=True, text=True, timeout=120)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr  # the committed file has no certificate
    repo.write("profiles/store.yaml", os_layer(certificate=True))
    repo.git("commit", "-q", "--no-verify", "-am", "the CA after all")
    pushed = subprocess.run([pre_commit, "run", "--hook-stage", "pre-push", "--from-ref", BASE_BRANCH,
                             "--to-ref", "HEAD"], cwd=repo.path, capture_output=True, text=True, timeout=120)
    assert pushed.returncode == 1, pushed.stdout + pushed.stderr
    assert "error PAL105" in pushed.stdout
    base = repo.git("rev-parse", BASE_BRANCH).strip()
    assert f"Compared with PRE_COMMIT_FROM_REF {base[:10]}:" in pushed.stdout


def test_a_bad_pre_commit_ref_is_a_warning_not_a_failure(repo: GitRepo) -> None:
    env = {"PRE_COMMIT": "1", "PRE_COMMIT_FROM_REF": "0" * 40, "PRE_COMMIT_TO_REF": "HEAD"}
    result = palette_lint("-f", "sarif", "profiles/store.yaml", cwd=repo.path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    texts = notifications(result)
    assert len(texts) == 1 and "no such revision" in texts[0] and "change rules" in texts[0], texts


def test_an_unknown_base_ref_is_an_error_with_a_hint(repo: GitRepo) -> None:
    result = palette_lint("--base-ref", "origin/main", "profiles/store.yaml", cwd=repo.path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "palette-lint: error: --base-ref origin/main: no such revision in this repository" in result.stderr
    assert "fetch-depth: 0" in result.stderr


def test_a_shallow_clone_without_the_merge_base_says_so(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("profiles/store.yaml", os_layer(user="robot-store"))
    repo.commit_all("on the branch")
    repo.git("checkout", "-q", BASE_BRANCH)
    repo.write("profiles/other.yaml", os_layer())
    repo.commit_all("on main")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-single-branch", repo.path.as_uri(), str(clone)],
                   check=True, capture_output=True)
    subprocess.run(["git", "checkout", "-q", "change"], cwd=clone, check=True, capture_output=True)
    result = palette_lint("--base-ref", "origin/main", ".", cwd=clone)
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    assert "no common ancestor" in result.stderr and "shallow clone" in result.stderr


def test_no_git_repository_skips_change_rules_once(tmp_path: Path, git_env: dict[str, str]) -> None:
    (tmp_path / "store.yaml").write_text(os_layer(certificate=True), encoding="utf-8")
    (tmp_path / "other.yaml").write_text(os_layer(registry="harbor2.example.com"), encoding="utf-8")
    text = palette_lint(".", cwd=tmp_path)
    assert text.returncode == 0, text.stdout + text.stderr
    skipped = [line for line in text.stderr.splitlines() if "skipped" in line]
    assert skipped == ["palette-lint: note: change rules (PAL105, PAL401, PAL402) skipped: not a git repository, so "
                       "there is no history to compare with"]
    assert "skipped" not in text.stdout
    sarif = palette_lint("-f", "sarif", ".", cwd=tmp_path)
    assert [t for t in notifications(sarif) if "skipped" in t] == [skipped[0].removeprefix("palette-lint: note: ")]
    assert "skipped" not in palette_lint("--quiet", ".", cwd=tmp_path).stderr
    asked = palette_lint("--base-ref", "main", ".", cwd=tmp_path)
    assert asked.returncode == 2 and asked.stdout == ""
    assert "palette-lint: error: --base-ref main: not a git repository" in asked.stderr


def test_without_a_base_ref_in_a_repository_the_run_says_how_to_give_one(repo: GitRepo) -> None:
    result = palette_lint(".", cwd=repo.path)
    assert result.returncode == 0
    assert result.stderr.count("change rules (PAL105, PAL401, PAL402) skipped: no base revision") == 1
    assert "--base-ref" in result.stderr


def test_new_only_needs_a_base(repo: GitRepo) -> None:
    result = palette_lint("--new-only", ".", cwd=repo.path)
    assert result.returncode == 2
    assert "--new-only needs a base revision" in result.stderr


def test_a_file_outside_the_repository_has_no_history(repo: GitRepo, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(os_layer(certificate=True), encoding="utf-8")
    run = run_paths([repo.path, outside], root=repo.path, base=BaseRequest(BASE_BRANCH))
    assert any("outside the git repository" in n.message for n in run.notices)
    assert _ids(run) == []


# ---- new, unchanged and fixed findings ----------------------------------------------------------------

SCHEME = "providerCredentials:\n  registry: https://harbor.example.com\n"  # PAL108: a scheme in the registry


def _debt_repo(repo: GitRepo) -> None:
    """main with two findings: PAL001 in a.yaml (to be fixed) and PAL108 in b.yaml (to be kept)."""
    repo.git("checkout", "-q", BASE_BRANCH)
    repo.write("profiles/a.yaml", "options:\n  system.uri: harbor.example.com/edge/os:v1\n"
               "  system.uri: harbor.example.com/edge/os:v2\n")
    repo.write("profiles/b.yaml", SCHEME + "  user: robot\n  password: '{{.spectro.macro.P}}'\n"
               "options:\n  system.uri: harbor.example.com/edge/os:v1\n")
    repo.commit_all("old findings")
    repo.git("checkout", "-q", "-B", "change")
    # The change fixes a.yaml, shifts b.yaml's finding down (same finding) and adds a new one in c.yaml.
    repo.write("profiles/a.yaml", "options:\n  system.uri: harbor.example.com/edge/os:v2\n")
    repo.write("profiles/b.yaml", "# moved down by a comment\n\n" + (repo.path / "profiles/b.yaml").read_text())
    repo.write("profiles/c.yaml", "options:\n  system.uri: https://harbor.example.com/edge/os:v3\n")
    repo.git("add", "-A")


def test_fix_one_keep_one_add_one_with_a_base(repo: GitRepo) -> None:
    _debt_repo(repo)
    select = ("--select", "PAL001,PAL108")
    sarif = palette_lint("--base-ref", BASE_BRANCH, "-f", "sarif", *select, ".", cwd=repo.path)
    assert sarif.returncode == 1, sarif.stderr
    assert states(sarif_results(sarif)) == [("PAL001", "profiles/a.yaml", "absent"),
                                            ("PAL108", "profiles/b.yaml", "unchanged"),
                                            ("PAL108", "profiles/c.yaml", "new")]
    text = palette_lint("--base-ref", BASE_BRANCH, *select, ".", cwd=repo.path)
    assert text.returncode == 1
    assert "profiles/b.yaml:4:" in text.stdout, "the kept finding, two lines further down"
    assert "profiles/c.yaml:2:" in text.stdout
    assert ": 1 new, 1 unchanged, 1 fixed." in text.stdout

    new_only = palette_lint("--base-ref", BASE_BRANCH, "--new-only", *select, ".", cwd=repo.path)
    assert new_only.returncode == 1
    assert "profiles/c.yaml:2:" in new_only.stdout and "profiles/b.yaml" not in new_only.stdout
    assert "1 unchanged finding is not shown (--new-only)." in new_only.stdout
    results = sarif_results(palette_lint("--base-ref", BASE_BRANCH, "--new-only", "-f", "sarif", *select, ".",
                                         cwd=repo.path))
    kept = [r for r in results if r.get("baselineState") == "unchanged"]
    assert len(kept) == 1 and kept[0]["suppressions"][0]["kind"] == "external"
    assert "--new-only" in kept[0]["suppressions"][0]["justification"]
    # With the new finding fixed too, --new-only passes although the old one is still there.
    repo.write("profiles/c.yaml", "options:\n  system.uri: harbor.example.com/edge/os:v3\n")
    assert palette_lint("--base-ref", BASE_BRANCH, "--new-only", *select, ".", cwd=repo.path).returncode == 0
    assert palette_lint("--base-ref", BASE_BRANCH, *select, ".", cwd=repo.path).returncode == 1


def test_fix_one_keep_one_add_one_with_a_baseline_file(repo: GitRepo) -> None:
    _debt_repo(repo)
    select = ("--select", "PAL001,PAL108")
    repo.git("stash", "-q")
    repo.git("checkout", "-q", BASE_BRANCH)
    written = palette_lint("--write-baseline", "baseline.json", *select, ".", cwd=repo.path)
    assert written.returncode == 0, written.stdout + written.stderr
    assert "wrote 2 findings to baseline.json" in written.stderr
    baseline_text = (repo.path / "baseline.json").read_text(encoding="utf-8")
    data = json.loads(baseline_text)
    assert data["version"] == 1
    assert [(e["rule"], e["path"], e["yamlPath"]) for e in data["findings"]] == [
        ("PAL001", "profiles/a.yaml", 'options["system.uri"]'),
        ("PAL108", "profiles/b.yaml", "providerCredentials.registry")]
    assert all(e["fingerprint"] and e["message"] for e in data["findings"])
    assert palette_lint("--write-baseline", "again.json", *select, ".", cwd=repo.path).returncode == 0
    assert (repo.path / "again.json").read_text(encoding="utf-8") == baseline_text, "deterministic"
    assert palette_lint("--baseline", "baseline.json", *select, ".", cwd=repo.path).returncode == 0

    repo.git("checkout", "-q", "change")
    repo.git("stash", "pop", "-q")
    sarif = palette_lint("--baseline", "baseline.json", "-f", "sarif", *select, ".", cwd=repo.path)
    assert sarif.returncode == 1
    results = sarif_results(sarif)
    assert states(results) == [("PAL001", "profiles/a.yaml", "absent"), ("PAL108", "profiles/b.yaml", "unchanged"),
                               ("PAL108", "profiles/c.yaml", "new")]
    accepted = next(r for r in results if r.get("baselineState") == "unchanged")
    assert accepted["suppressions"] == [{"kind": "external", "justification": "accepted in the baseline baseline.json"}]
    text = palette_lint("--baseline", "baseline.json", *select, ".", cwd=repo.path)
    assert "profiles/b.yaml" not in text.stdout and "profiles/c.yaml:2:" in text.stdout
    assert "Compared with the baseline baseline.json: 1 new, 1 unchanged, 1 fixed." in text.stdout
    # A run over fewer rules or files says nothing about the others: nothing is reported fixed.
    narrow = palette_lint("--baseline", "baseline.json", "-f", "sarif", "--select", "PAL108", "profiles/b.yaml",
                          cwd=repo.path)
    assert states(sarif_results(narrow)) == [("PAL108", "profiles/b.yaml", "unchanged")]


def test_a_baseline_entry_accepts_only_its_own_rule_and_file(tmp_path: Path, git_env: dict[str, str]) -> None:
    """An entry that shows a reviewer PAL108 in legacy/old.yaml, with the fingerprint of a PAL106 finding in
    sites/os.yaml, accepts neither: the PAL106 is reported (exit 1) and the entry is absent (fixed)."""
    (tmp_path / "sites").mkdir()
    (tmp_path / "legacy").mkdir()
    (tmp_path / "sites" / "os.yaml").write_text(os_layer(registry="123456789012.dkr.ecr.us-east-1.amazonaws.com"),
                                                encoding="utf-8")
    (tmp_path / "legacy" / "old.yaml").write_text(os_layer(), encoding="utf-8")
    written = palette_lint("--write-baseline", "all.json", "--select", "PAL106", ".", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    entry = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))["findings"][0]
    assert (entry["rule"], entry["path"]) == ("PAL106", "sites/os.yaml")
    forged = {"version": 1, "findings": [{**entry, "rule": "PAL108", "path": "legacy/old.yaml",
                                          "yamlPath": "providerCredentials.registry"}]}
    (tmp_path / "forged.json").write_text(json.dumps(forged), encoding="utf-8")
    result = palette_lint("--baseline", "forged.json", "-f", "sarif", "--select", "PAL106,PAL108", ".",
                          cwd=tmp_path)
    assert result.returncode == 1
    assert states(sarif_results(result)) == [("PAL106", "sites/os.yaml", "new"),
                                             ("PAL108", "legacy/old.yaml", "absent")]
    honest = palette_lint("--baseline", "all.json", "--select", "PAL106,PAL108", ".", cwd=tmp_path)
    assert honest.returncode == 0, honest.stdout


def test_fingerprints_survive_line_shifts_and_match_the_base_version(repo: GitRepo) -> None:
    _debt_repo(repo)
    run = _run(repo, select=("PAL108",))
    kept = next(f for f in run.findings if f.location.path == "profiles/b.yaml")
    assert kept.baseline_state == "unchanged" and kept.location.span.line == 4
    repo.git("stash", "-q")
    base_run = run_paths([repo.path], root=repo.path, select=("PAL108",))
    before = next(f for f in base_run.findings if f.location.path == "profiles/b.yaml")
    assert before.location.span.line == 2
    assert before.fingerprint == kept.fingerprint


def test_deleting_a_file_fixes_its_findings(repo: GitRepo) -> None:
    _debt_repo(repo)
    repo.git("rm", "-q", "-f", "profiles/b.yaml")
    run = _run(repo, select=("PAL108",))
    assert [(f.location.path, f.baseline_state) for f in run.absent] == [("profiles/b.yaml", "absent")]


@pytest.mark.parametrize("text, problem", [
    ("{not json", "not valid JSON"),
    ('{"version": 7, "findings": []}', "not a palette-lint baseline"),
    ('{"version": 1, "findings": [{"rule": "PAL001"}]}', "findings[0] needs a fingerprint"),
])
def test_a_bad_baseline_file_exits_2(tmp_path: Path, git_env: dict[str, str], text: str, problem: str) -> None:
    (tmp_path / "b.json").write_text(text, encoding="utf-8")
    (tmp_path / "store.yaml").write_text(os_layer(), encoding="utf-8")
    result = palette_lint("--baseline", "b.json", "store.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("palette-lint: error: b.json") and problem in result.stderr, result.stderr
    assert parse_baseline('{"version": 1, "findings": []}', "ok").entries == ()


def test_a_missing_baseline_file_exits_2(tmp_path: Path, git_env: dict[str, str]) -> None:
    (tmp_path / "store.yaml").write_text(os_layer(), encoding="utf-8")
    result = palette_lint("--baseline", "nope.json", "store.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "cannot read the baseline nope.json" in result.stderr


# ---- pairing documents with their base version --------------------------------------------------------

def _profile(*packs: tuple[str, str]) -> Any:
    from linter.inputs import read_file
    from linter.yaml.composer import YamlParser
    from linter.yaml.source import SourceFile

    text = "name: infra\ncloudType: edge-native\npacks:\n" + "".join(
        f"  - name: {name}\n    layer: {layer}\n    values: |\n      options:\n        system.uri: r.example/{name}:1\n"
        if layer == "os" else f"  - name: {name}\n    layer: {layer}\n    values: |\n      cluster: {{}}\n"
        for name, layer in packs)
    return read_file(YamlParser(), SourceFile(text, "p.yaml", "p.yaml"), True)


def test_packs_pair_by_name_then_by_position() -> None:
    from linter.changes.pairs import pair_documents

    before = _profile(("edge-native-byoi", "os"), ("edge-k3s", "k8s"))
    reordered = _profile(("edge-k3s", "k8s"), ("edge-native-byoi", "os"))
    pairs = pair_documents(before, reordered)
    assert pairs[0] == (before.documents[0], reordered.documents[0]), "the profiles themselves"
    by_name = {new.pack.name: old.pack.name for old, new in pairs[1:]}
    assert by_name == {"edge-k3s": "edge-k3s", "edge-native-byoi": "edge-native-byoi"}
    renamed = _profile(("edge-native-byoi-custom", "os"), ("edge-k3s", "k8s"))
    by_position = {new.pack.name: old.pack.name for old, new in pair_documents(before, renamed)[1:]}
    assert by_position == {"edge-native-byoi-custom": "edge-native-byoi", "edge-k3s": "edge-k3s"}
    assert [old for old, _new in pair_documents(None, reordered)] == [None, None, None]


def test_a_base_version_over_the_size_limit_is_not_read(repo: GitRepo) -> None:
    """A 60 MB file at the base and a small one now: the base version is sized by git, never read whole."""
    big = os_layer() + "".join(f"# padding line {n:08d} " + "x" * 980 + "\n" for n in range(60_000))
    repo.write("profiles/store.yaml", big)
    repo.commit_all("a huge revision")
    repo.git("checkout", "-q", "-b", "slim")
    repo.write("profiles/store.yaml", os_layer(user="AWS", registry="123456789012.dkr.ecr.us-east-1.amazonaws.com"))
    # A process of its own runs palette-lint, so that the largest memory of its processes can be read.
    measure = ("import resource, subprocess, sys; "
               "r = subprocess.run([sys.executable, '-m', 'linter', 'check', '--no-cache', '--base-ref', 'change', "
               "'.'], capture_output=True, text=True); "
               "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, 'PAL106' in r.stdout)")
    result = subprocess.run([sys.executable, "-c", measure], cwd=repo.path, capture_output=True, text=True,
                            timeout=120)
    code, largest_kb, found = result.stdout.split()
    assert code == "1" and found == "True", result.stdout + result.stderr
    assert int(largest_kb) < 60_000, f"a process held {largest_kb} KB: the 60 MB base version was read"


RULES_BY_ID = {rule.id: rule for rule in load_rules([rules_dir()])}


def _finding(fingerprint: str, rule_id: str = "PAL106", path: str = "sites/os.yaml", line: int = 3,
            yaml_path: str = "providerCredentials.registry", message: str = "token auth",
            suppression: Optional[Suppression] = None) -> Finding:
    return Finding(rule_id, RULES_BY_ID[rule_id].name, Severity.ERROR, message,
                   Location(path, path, Span(line, 3, line, 9), yaml_path), fingerprint=fingerprint,
                   suppression=suppression)


# ---- baselines in process (linter/changes/baseline.py): the file ---------------------------------------------------

@pytest.mark.parametrize("text, problem", [
    ("{\n  nope", "b.json:2:3: not valid JSON: Expecting property name enclosed in double quotes"),
    ('[1]', 'b.json: not a palette-lint baseline (expected an object with "version": 1); write one with '
            '--write-baseline'),
    ('{"findings": []}', "b.json: not a palette-lint baseline"),
    ('{"version": 1}', 'b.json: "findings" must be a list'),
    ('{"version": 1, "findings": [{"fingerprint": "f", "rule": "PAL1", "path": "a"}, 7]}',
     "b.json: findings[1] needs a fingerprint, a rule and a path (strings)"),
    ('{"version": 1, "findings": [{"fingerprint": "", "rule": "PAL1", "path": "a"}]}', "b.json: findings[0] needs"),
    ('{"version": 1, "findings": [{"fingerprint": "f", "rule": 1, "path": "a"}]}', "b.json: findings[0] needs"),
    ('{"version": 1, "findings": [{"fingerprint": "f", "rule": "PAL1", "path": null}]}', "b.json: findings[0] needs"),
])
def test_a_baseline_that_cannot_be_used_says_where_and_why(text: str, problem: str) -> None:
    with pytest.raises(BaselineError) as raised:
        parse_baseline(text, "b.json")
    assert str(raised.value).startswith(problem)


def test_an_entry_without_a_yaml_path_or_message_reads_as_empty() -> None:
    text = json.dumps({"version": 1, "findings": [
        {"fingerprint": "f1", "rule": "PAL106", "path": "a.yaml", "yamlPath": "x.y", "message": "m"},
        {"fingerprint": "f2", "rule": "PAL108", "path": "b.yaml", "yamlPath": 3, "message": None}]})
    baseline = parse_baseline(text, "b.json")
    assert baseline.source == "b.json"
    assert baseline.entries == (BaselineEntry("f1", "PAL106", "a.yaml", "x.y", "m"),
                                BaselineEntry("f2", "PAL108", "b.yaml", "", ""))
    assert baseline.keys == frozenset({("PAL106", "a.yaml", "f1"), ("PAL108", "b.yaml", "f2")})


def test_a_written_baseline_is_sorted_indented_and_keeps_its_text() -> None:
    written = dump_baseline([_finding("f3", path="b.yaml"), _finding("f2", "PAL108", path="a.yaml", message="é"),
                             _finding("f1", path="a.yaml", yaml_path="z"),
                             _finding("f0", path="a.yaml", yaml_path="z")])
    assert written == """\
{
  "version": 1,
  "tool": "palette-lint",
  "findings": [
    {
      "rule": "PAL106",
      "path": "a.yaml",
      "yamlPath": "z",
      "fingerprint": "f0",
      "message": "token auth"
    },
    {
      "rule": "PAL106",
      "path": "a.yaml",
      "yamlPath": "z",
      "fingerprint": "f1",
      "message": "token auth"
    },
    {
      "rule": "PAL108",
      "path": "a.yaml",
      "yamlPath": "providerCredentials.registry",
      "fingerprint": "f2",
      "message": "é"
    },
    {
      "rule": "PAL106",
      "path": "b.yaml",
      "yamlPath": "providerCredentials.registry",
      "fingerprint": "f3",
      "message": "token auth"
    }
  ]
}
"""
    assert [e.fingerprint for e in parse_baseline(written, "b.json").entries] == ["f0", "f1", "f2", "f3"]


def test_a_baseline_written_now_takes_reported_and_accepted_findings_only() -> None:
    comment = Suppression("inSource", "lab")
    accepted = Suppression("external", "accepted in the baseline b.json")
    findings = [_finding("reported"), _finding("commented", suppression=comment),
                _finding("kept", suppression=accepted)]
    assert [f.fingerprint for f in baseline_findings(findings, Comparison(accepted=frozenset({"kept"})))] == [
        "reported", "kept"]
    assert [f.fingerprint for f in baseline_findings(findings, None)] == ["reported"]


# ---- baselines in process: comparing -------------------------------------------------------------------------------

def _nowhere(path: str, yaml_path: str) -> Optional[Span]:
    return None


def test_findings_are_new_unchanged_or_accepted() -> None:
    """A finding whose fingerprint the base has is unchanged (reported, unless --new-only); one the baseline file
    lists with its rule and path is unchanged and accepted; the others are new. Suppressed findings are marked
    but not counted, and never accepted twice."""
    comment = Suppression("inSource", "lab")
    findings = (_finding("in-base"), _finding("in-file"), _finding("fresh"), _finding("in-file", rule_id="PAL108"),
                _finding("in-base", path="other.yaml", suppression=comment))
    base = (_finding("in-base"),)
    baseline = Baseline("b.json", (BaselineEntry("in-file", "PAL106", "sites/os.yaml", "", ""),))
    marked, fixed, comparison = compare(findings, base_findings=base, base_label="main", baseline=baseline,
                                        new_only=False, rules=RULES_BY_ID, locate=_nowhere)
    assert [(f.fingerprint, f.rule_id, f.baseline_state, f.suppression.justification if f.suppression else None)
            for f in marked] == [
        ("in-base", "PAL106", "unchanged", None),
        ("in-file", "PAL106", "unchanged", "accepted in the baseline b.json"),
        ("fresh", "PAL106", "new", None),
        ("in-file", "PAL108", "new", None),
        ("in-base", "PAL106", "unchanged", "lab")]
    assert marked[1].suppression.kind == "external"
    assert fixed == ()
    assert (comparison.base, comparison.baseline, comparison.new_only, comparison.new, comparison.unchanged,
            comparison.fixed, comparison.accepted) == ("main", "b.json", False, 2, 2, 0, frozenset({"in-file"}))

    marked, _fixed, comparison = compare(findings, base_findings=base, base_label="main", baseline=None,
                                         new_only=True, rules=RULES_BY_ID, locate=_nowhere)
    assert marked[0].suppression.justification == "unchanged since main; --new-only reports new findings only"
    assert [f.baseline_state for f in marked[:2]] == ["unchanged", "new"]
    assert (comparison.baseline, comparison.new_only, comparison.accepted) == ("", True, frozenset({"in-base"}))


def test_fixed_findings_come_from_the_base_and_from_baseline_entries_in_linted_files() -> None:
    """A base finding no longer found is absent (once per fingerprint, and not when it was suppressed there); a
    baseline entry no finding matches is absent when its rule ran and its file was linted, with the entry's
    message or else the rule's summary."""
    base = (_finding("gone", path="z.yaml"), _finding("gone", path="z.yaml"), _finding("still"),
            _finding("hidden", suppression=Suppression("inSource", "lab")), _finding("also-gone", path="y.yaml"))
    entries = (BaselineEntry("gone", "PAL106", "z.yaml", "", "from the entry"),
               BaselineEntry("entry-fixed", "PAL108", "a.yaml", "a.b", ""),
               BaselineEntry("entry-kept", "PAL106", "sites/os.yaml", "", "kept"),
               BaselineEntry("unknown-rule", "PAL777", "a.yaml", "", "x"),
               BaselineEntry("not-linted", "PAL106", "elsewhere.yaml", "", "x"),
               BaselineEntry("entry-also-fixed", "PAL106", "a.yaml", "", "was here"))
    spans = {"a.yaml": Span(2, 1, 2, 5), "z.yaml": Span(9, 1, 9, 2), "sites/os.yaml": Span(9, 1, 9, 2)}
    asked: list[tuple[str, str]] = []

    def locate(path: str, yaml_path: str) -> Optional[Span]:
        asked.append((path, yaml_path))
        return spans.get(path)

    _marked, fixed, comparison = compare((_finding("still"), _finding("entry-kept")), base_findings=base,
                                         base_label="main", baseline=Baseline("b.json", entries), new_only=False,
                                         rules=RULES_BY_ID, locate=locate)
    assert [(f.fingerprint, f.rule_id, f.rule_name, f.location.path, f.location.yaml_path, f.location.span,
             f.message, f.baseline_state) for f in fixed] == [
        ("entry-also-fixed", "PAL106", "token-auth-registry", "a.yaml", "", Span(2, 1, 2, 5), "was here", "absent"),
        ("entry-fixed", "PAL108", RULES_BY_ID["PAL108"].name, "a.yaml", "a.b", Span(2, 1, 2, 5),
         RULES_BY_ID["PAL108"].doc.summary, "absent"),
        ("also-gone", "PAL106", "token-auth-registry", "y.yaml", "providerCredentials.registry", Span(3, 3, 3, 9),
         "token auth", "absent"),
        ("gone", "PAL106", "token-auth-registry", "z.yaml", "providerCredentials.registry", Span(3, 3, 3, 9),
         "token auth", "absent")]
    assert fixed[1].severity == RULES_BY_ID["PAL108"].severity and fixed[1].location.display_path == "a.yaml"
    assert comparison.fixed == 4
    assert ("a.yaml", "a.b") in asked, "an entry is located at its YAML path"
    assert not [path for path, _yaml_path in asked if path in ("z.yaml", "sites/os.yaml")], \
        "an entry a finding matches, or already fixed in the base, is not looked for"


# ---- baselines in process: locating entries ------------------------------------------------------------------------

BASELINE_OS_LAYER = "providerCredentials:\n  registry: h.example.com\n  user: robot\noptions:\n  system.uri: h/os:v1\n"


def test_an_entry_is_located_at_its_yaml_path_in_a_linted_file(tmp_path: Path) -> None:
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "gone.yaml").write_text(BASELINE_OS_LAYER, encoding="utf-8")
    (tmp_path / "sites" / "gone.yaml").unlink()

    def parse(path: str):
        if path == "broken.yaml":
            return None
        return read_file(YamlParser(), SourceFile(BASELINE_OS_LAYER, path, path), True)

    locate = locator(["os.yaml", "broken.yaml"], parse, [str(tmp_path / "sites"), str(tmp_path / "os.yaml")],
                     tmp_path)
    assert locate("os.yaml", "providerCredentials.user") == Span(3, 9, 3, 14)
    assert locate("os.yaml", "providerCredentials.password").line == 1, "the nearest ancestor: the mapping's key"
    assert locate("broken.yaml", "a.b") == Span(1, 1, 1, 2), "a linted file that does not parse: its start"
    profile = ("packs:\n  - name: edge-native-byoi\n    layer: os\n    values: |\n      providerCredentials:\n"
               "        user: robot\n")
    located = locator(["profile.yaml"], lambda path: read_file(YamlParser(), SourceFile(profile, path, path), True),
                      [], tmp_path)
    assert located("profile.yaml", "packs[0].values.providerCredentials.user") == Span(6, 15, 6, 20), \
        "in the embedded document of a pack's values, at its line in the file"
    assert located("profile.yaml", "packs[0].layer").line == 3
    assert locate("sites/gone.yaml", "a") == Span(1, 1, 1, 2), "deleted under a linted folder: its start"
    assert locate("other/gone.yaml", "a") is None, "not under a linted folder: this run says nothing about it"
    (tmp_path / "sites" / "here.yaml").write_text(BASELINE_OS_LAYER, encoding="utf-8")
    assert locate("sites/here.yaml", "a") is None, "a file that exists and was not linted (excluded, say)"
