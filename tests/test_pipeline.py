"""The pipeline from files to a run (``linter/engine/pipeline.py``), in the test process: what a run reports
about its files (notes and warnings, counts, thresholds), that the result cache and worker processes never
change what it reports, and how files become units. The CLI's own tests run it in a subprocess; these state
the same behaviour where a mutation of the engine can be seen."""

from __future__ import annotations

import datetime as dt
import gc
import shutil
import subprocess
from pathlib import Path
from typing import Any, Optional

import pytest

from linter import __version__
from linter.changes.history import BaseRequest
from linter.config.load import Config
from linter.config.resolver import ConfigChoice, ConfigResolver
from linter.engine.discover import Candidate, printable_path
from linter.engine.pipeline import Engine, group_units
from linter.engine.request import RunRequest
from linter.engine.rule_loader import load_rules
from linter.engine.units import FileInput
from linter.model import Finding, Notice, Run, Severity
from linter.resources import rules_dir
from linter.validation.store import SchemaStore
from linter.yaml.composer import YamlParser
from tests.fixture_expansion import copy_expanded
from tests.git_repo import BASE_BRANCH, GitRepo
from tests.helpers import FIXED_NOW, FIXTURES, REPO

ECR_VALUES = """\
providerCredentials:
  registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com
  user: AWS
  password: '{{.spectro.macro.ecr_password}}'
options:
  system.uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/edge/ubuntu:k3s-1.29.5-v4.4.3"
"""
SCHEME_VALUES = "providerCredentials:\n  registry: https://harbor.example.com\n"  # PAL108 at 2:13
CHANGE_RULES = "change rules (PAL105, PAL401, PAL402) skipped: "


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_rules((rules_dir(),)))


def lint(engine: Engine, *paths: Path, root: Path, **options: Any) -> Run:
    """Lint ``paths`` as ``palette-lint check`` does, each file under its own folder's configuration, at the
    test clock unless ``now`` is given."""
    resolver = ConfigResolver(ConfigChoice(None, False, False), YamlParser(), SchemaStore())
    options.setdefault("now", FIXED_NOW)
    request = RunRequest(paths=tuple(str(p) for p in paths), config=resolver.run_config(paths[0]),
                         config_for=resolver.governing, root=root, **options)
    return engine.run(request)


def reported(run: Run) -> list[Any]:
    """Everything a report shows of a run's findings and notices."""
    findings = [(f.rule_id, f.location.path, f.location.span, f.severity, f.message, f.help, f.fingerprint,
                 f.suppression, f.baseline_state,
                 tuple((r.location.path, r.location.span, r.message) for r in f.related))
                for f in run.findings]
    return [*findings, *((n.message, n.path, n.level) for n in run.notices), run.files_checked]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---- what a run says about its files --------------------------------------------------------------------


def test_a_directory_given_with_no_palette_file_is_named_once_in_a_warning(engine: Engine, tmp_path: Path) -> None:
    _write(tmp_path / "docs" / "notes.txt", "not a profile\n")
    _write(tmp_path / "site" / "os.yaml", ECR_VALUES)
    docs = tmp_path / "docs"
    run = lint(engine, docs, tmp_path / "site", docs, root=tmp_path)
    warnings = [n for n in run.notices if n.level == "warning"]
    assert [(n.message, n.path) for n in warnings] == [
        ("no Palette file found here (profiles, OS-layer values and user-data are read from their content)",
         printable_path(str(docs)))]
    assert run.files_checked == 1


def test_a_directory_whose_palette_files_are_linted_gets_no_warning(engine: Engine, tmp_path: Path) -> None:
    _write(tmp_path / "site" / "os.yaml", ECR_VALUES)
    _write(tmp_path / "site" / "notes.txt", "not a profile\n")
    run = lint(engine, tmp_path / "site", root=tmp_path)
    assert not [n for n in run.notices if n.level == "warning"]
    assert [f.rule_id for f in run.findings] == ["PAL106"]


def test_a_named_file_that_is_not_palette_has_its_own_warning_only(engine: Engine, tmp_path: Path) -> None:
    notes = _write(tmp_path / "notes.yaml", "title: not a profile\n")
    run = lint(engine, notes, root=tmp_path)
    assert len(run.notices) == 1 and "not a Palette" in run.notices[0].message
    assert "no Palette file found here" not in run.notices[0].message
    assert run.files_checked == 0


def test_change_rules_without_a_base_are_skipped_with_why_outside_git(engine: Engine, tmp_path: Path) -> None:
    _write(tmp_path / "os.yaml", ECR_VALUES)
    run = lint(engine, tmp_path, root=tmp_path)
    assert [n.message for n in run.notices] == [
        CHANGE_RULES + "not a git repository, so there is no history to compare with"]
    assert run.notices[0].level == "note" and run.notices[0].path == ""


def test_change_rules_without_a_base_are_skipped_with_why_in_git(engine: Engine, tmp_path: Path) -> None:
    _write(tmp_path / "os.yaml", ECR_VALUES)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    run = lint(engine, tmp_path, root=tmp_path)
    assert [n.message for n in run.notices] == [
        CHANGE_RULES + "no base revision to compare with: give --base-ref REF (in CI, the target branch) or run "
        "under pre-commit"]


def test_no_change_rule_note_when_no_file_is_of_their_kind(engine: Engine, tmp_path: Path) -> None:
    user_data = _write(tmp_path / "user-data", "#cloud-config\nstylus:\n  site:\n    name: s1\n")
    assert lint(engine, user_data, root=tmp_path).notices == ()


def test_no_change_rule_note_when_no_change_rule_runs(engine: Engine, tmp_path: Path) -> None:
    _write(tmp_path / "os.yaml", ECR_VALUES)
    run = lint(engine, tmp_path, root=tmp_path, select=("PAL106",))
    assert run.notices == () and [r.id for r in run.rules] == ["PAL106", "PAL900", "PAL901", "PAL999"]


@pytest.mark.parametrize("outside", [1, 2])
def test_files_outside_the_repository_are_counted_in_one_note(engine: Engine, tmp_path: Path, outside: int,
                                                              git_env: dict[str, str]) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.write("os.yaml", ECR_VALUES)
    repo.git("add", "-A")
    repo.git("commit", "-qm", "base")
    others = [_write(tmp_path / "elsewhere" / f"os-{n}.yaml", ECR_VALUES) for n in range(outside)]
    run = lint(engine, repo.path, *others, root=repo.path, base=BaseRequest(BASE_BRANCH))
    notes = [n.message for n in run.notices if "outside the git repository" in n.message]
    if outside == 1:
        expected = (f"1 linted file is outside the git repository {repo.path}: no history, so change rules skip "
                    "it and their findings count as new")
    else:
        expected = (f"2 linted files are outside the git repository {repo.path}: no history, so change rules "
                    "skip them and their findings count as new")
    assert notes == [expected]
    assert sorted(f.baseline_state for f in run.findings) == ["new"] * outside + ["unchanged"]


def test_no_outside_note_when_every_file_is_in_the_repository(engine: Engine, tmp_path: Path,
                                                             git_env: dict[str, str]) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.write("os.yaml", ECR_VALUES)
    repo.git("add", "-A")
    repo.git("commit", "-qm", "base")
    run = lint(engine, repo.path, root=repo.path, base=BaseRequest(BASE_BRANCH))
    assert run.notices == ()
    assert run.comparison is not None and run.comparison.unchanged == 1 and run.comparison.new == 0


# ---- the run's counts, order and thresholds -------------------------------------------------------------


def test_a_run_holds_its_rules_files_and_findings_in_order(engine: Engine, tmp_path: Path) -> None:
    site = tmp_path / "examples"
    shutil.copytree(REPO / "examples", site)
    run = lint(engine, site, root=tmp_path, fail_on=Severity.WARNING)
    assert run.tool_version == __version__
    assert run.fail_on == Severity.WARNING and run.fail_on_by_path == {}
    assert [r.id for r in run.rules] == sorted(r.id for r in engine.catalogue)
    assert list(run.findings) == sorted(run.findings, key=Finding.sort_key)
    assert len(run.findings) == 8 and run.files_checked == 8
    linted = sorted(str(p.relative_to(tmp_path)) for p in site.rglob("*") if p.is_file() and p.suffix != ".md")
    assert sorted(run.absolute_paths) == linted
    assert all(run.absolute_paths[path] == str(tmp_path / path) for path in linted)


def test_fail_on_by_path_names_only_files_whose_folder_sets_another_threshold(engine: Engine,
                                                                             tmp_path: Path) -> None:
    for folder in ("a", "b", "c"):
        _write(tmp_path / folder / "os.yaml", ECR_VALUES)
    _write(tmp_path / "a" / ".palette-lint.yaml", "fail-on: never\n")
    _write(tmp_path / "b" / ".palette-lint.yaml", "fail-on: error\n")
    run = lint(engine, tmp_path, root=tmp_path, fail_on=Severity.ERROR)
    assert run.fail_on_by_path == {"a/.palette-lint.yaml": None, "a/os.yaml": None}


def test_a_folder_configuration_excludes_files_of_its_folder_only(engine: Engine, tmp_path: Path) -> None:
    for folder in ("a", "b"):
        _write(tmp_path / folder / "os.yaml", ECR_VALUES)
    _write(tmp_path / "a" / ".palette-lint.yaml", "exclude: [os.yaml]\n")
    run = lint(engine, tmp_path, root=tmp_path)
    assert [f.location.path for f in run.findings] == ["b/os.yaml"]


def test_the_run_leaves_garbage_collection_as_it_found_it(engine: Engine, tmp_path: Path) -> None:
    _write(tmp_path / "os.yaml", ECR_VALUES)
    assert gc.isenabled()
    lint(engine, tmp_path, root=tmp_path)
    assert gc.isenabled()
    gc.disable()
    try:
        lint(engine, tmp_path, root=tmp_path)
        assert not gc.isenabled()
    finally:
        gc.enable()


# ---- the result cache and workers change nothing --------------------------------------------------------


@pytest.fixture()
def fleet(tmp_path: Path) -> Path:
    """Three copies of the example sites, and a certificate that expires within the cache's life."""
    root = tmp_path / "fleet"
    for number in range(3):
        shutil.copytree(REPO / "examples", root / f"region-{number}", ignore=shutil.ignore_patterns("*.md"))
    copy_expanded(FIXTURES / "certificate-expired", root / "certificates")
    return root


def _cold_and_warm(engine: Engine, *paths: Path, root: Path, **options: Any) -> tuple[Run, Run]:
    """A run without the result cache, then one with it (kept in ``root``)."""
    cold = lint(engine, *paths, root=root, **options)
    warm = lint(engine, *paths, root=root, cache_root=root, **options)
    return cold, warm


def test_a_warm_cache_and_workers_report_what_a_cold_run_reports(engine: Engine, fleet: Path) -> None:
    cold, written = _cold_and_warm(engine, fleet, root=fleet)
    assert list((fleet / ".palette-lint-cache").rglob("*.json")), "the cache was not written"
    assert reported(written) == reported(cold)
    read = lint(engine, fleet, root=fleet, cache_root=fleet)
    assert reported(read) == reported(cold)
    assert reported(lint(engine, fleet, root=fleet, cache_root=fleet, jobs=2)) == reported(cold)


CHANGES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "a rule turned off": ("", "rules:\n  PAL106: off\n", {}),
    "a rule's severity": ("", "rules:\n  PAL301: error\n", {}),
    "a rule's options": ("", "rules:\n  certificate-expires-soon: {days: 4000}\n", {}),
    "a per-file ignore": ("", "per-file-ignores:\n  'region-1/**': [PAL102]\n", {}),
    "clusters": ("", "clusters:\n  - files: [region-0/override-site/os-layer.yaml, region-0/clean-site/user-data]\n",
                 {}),
    "select on the command line": ("", "", {"select": ("PAL1",)}),
    "the fixed clock": ("", "", {"now": FIXED_NOW + dt.timedelta(days=3650)}),
    "unknown files skipped": ("", "", {"skip_unknown": True}),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_cached_result_is_used_only_for_the_same_rules_configuration_and_clock(engine: Engine, fleet: Path,
                                                                                 change: str) -> None:
    before, after, options = CHANGES[change]
    # A file named on its own that is not a Palette file: a warning, unless unknown files are skipped.
    paths = [*sorted(fleet.iterdir()), _write(fleet / "notes.yaml", "title: not a profile\n")]
    _write(fleet / ".palette-lint.yaml", before)
    unchanged = lint(engine, *paths, root=fleet, cache_root=fleet)  # fills the cache
    _write(fleet / ".palette-lint.yaml", after)
    cold, warm = _cold_and_warm(engine, *paths, root=fleet, **options)
    assert reported(warm) == reported(cold)
    assert reported(cold) != reported(unchanged), "the change changes nothing"


def test_an_unusable_cache_folder_is_a_warning_and_the_run_goes_on(engine: Engine, fleet: Path) -> None:
    _write(fleet / ".palette-lint-cache", "a file where the cache folder goes\n")
    cold, warm = _cold_and_warm(engine, fleet, root=fleet)
    assert warm.findings == cold.findings
    assert [n for n in warm.notices if n not in cold.notices] == [Notice(
        ".palette-lint-cache/ not used: .palette-lint-cache is a symbolic link or not a folder; remove it, or run "
        "with --no-cache", level="warning")]


SECRET = "qz-secret-host-password-71"
QUOTING = """\
pack:
  content:
    images:
      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
providerCredentials:
  registry: https://%s.example.com
  user: robot-edge
  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
options:
  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
""" % SECRET
HOLDING = ECR_VALUES.replace("'{{.spectro.macro.ecr_password}}'", SECRET)  # a password in plain text


def _cached_texts(root: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (root / ".palette-lint-cache").rglob("*.json"))


def test_a_cached_result_is_kept_redacted_with_every_secret_of_the_run(engine: Engine, tmp_path: Path) -> None:
    """One file's password quoted in another file's finding is hidden in the output and in the cache, even when
    the quoting file's result was first cached by a run in which the value was no secret."""
    quoting = _write(tmp_path / "quoting" / "os.yaml", QUOTING)
    holding = _write(tmp_path / "holding" / "os.yaml", HOLDING)
    alone = lint(engine, quoting.parent, root=tmp_path, cache_root=tmp_path)
    assert SECRET in str(reported(alone)) and SECRET in _cached_texts(tmp_path), "not a secret in this run"
    cold, warm = _cold_and_warm(engine, quoting.parent, holding.parent, root=tmp_path)
    assert SECRET not in str(reported(cold)) and reported(warm) == reported(cold)
    assert "PAL108" in str(reported(cold)) and "PAL301" in str(reported(cold))
    assert SECRET not in _cached_texts(tmp_path), "the cached result was not stored again, redacted"
    again = lint(engine, quoting.parent, holding.parent, root=tmp_path, cache_root=tmp_path)
    assert reported(again) == reported(cold)


def test_a_cached_result_hiding_a_value_that_is_no_longer_secret_is_linted_again(engine: Engine,
                                                                                  tmp_path: Path) -> None:
    quoting = _write(tmp_path / "quoting" / "os.yaml", QUOTING)
    holding = _write(tmp_path / "holding" / "os.yaml", HOLDING)
    lint(engine, quoting.parent, holding.parent, root=tmp_path, cache_root=tmp_path)
    holding.write_text(ECR_VALUES, encoding="utf-8")  # the password is a macro now: the value is no secret
    cold, warm = _cold_and_warm(engine, quoting.parent, holding.parent, root=tmp_path)
    assert SECRET in str(reported(cold)) and reported(warm) == reported(cold)
    assert reported(lint(engine, quoting.parent, holding.parent, root=tmp_path, cache_root=tmp_path)) == \
        reported(cold)


# ---- units ----------------------------------------------------------------------------------------------


def _inputs(root: Path, *relative: str) -> list[FileInput]:
    return [FileInput(Candidate(str(root / path), path, explicit=False), path) for path in relative]


def _units(files: list[FileInput], files_read: Optional[dict[str, list[str]]] = None,
           config: Optional[Config] = None) -> list[list[str]]:
    return [[file.path for file in unit]
            for unit in group_units(files, {f.path: config or Config() for f in files}, files_read)]


def test_units_are_the_files_of_one_folder_in_the_order_given(tmp_path: Path) -> None:
    files = _inputs(tmp_path, "b/os.yaml", "a/user-data", "b/user-data", "a/os.yaml", "os.yaml")
    assert _units(files) == [["b/os.yaml", "b/user-data"], ["a/user-data", "a/os.yaml"], ["os.yaml"]]


def test_units_follow_declared_clusters_and_configurations(tmp_path: Path) -> None:
    config_file = _write(tmp_path / ".palette-lint.yaml", "clusters:\n  - files: [a/os.yaml, b/user-data]\n")
    config = ConfigResolver(ConfigChoice(None, False, False), YamlParser(), SchemaStore()).governing(config_file)
    files = _inputs(tmp_path, "a/os.yaml", "a/user-data", "b/user-data")
    assert _units(files, config=config) == [["a/os.yaml", "b/user-data"], ["a/user-data"]]
    other = {"a/os.yaml": config, "a/user-data": config, "b/user-data": Config()}
    assert [[f.path for f in unit] for unit in group_units(files, other)] == [["a/os.yaml"], ["a/user-data"],
                                                                              ["b/user-data"]]


def test_a_file_that_reads_others_is_in_one_unit_with_them(tmp_path: Path) -> None:
    files = _inputs(tmp_path, "tf/main.tf", "values/os.yaml", "other/os.yaml", "more/os.yaml", "tf/extra.tf")
    absolute = {f.path: f.candidate.absolute for f in files}
    reads = {absolute["tf/main.tf"]: [absolute["values/os.yaml"], str(tmp_path / "not-in-the-run.yaml")],
             absolute["more/os.yaml"]: [absolute["values/os.yaml"]],
             absolute["other/os.yaml"]: [absolute["other/os.yaml"]]}
    assert _units(files, reads) == [["tf/main.tf", "values/os.yaml", "more/os.yaml", "tf/extra.tf"],
                                    ["other/os.yaml"]]
    assert _units(files, {absolute["values/os.yaml"]: [absolute["tf/main.tf"]]}) == [
        ["tf/main.tf", "values/os.yaml", "tf/extra.tf"], ["other/os.yaml"], ["more/os.yaml"]]


def test_a_terraform_file_is_linted_with_the_values_file_it_reads_in_another_folder(engine: Engine,
                                                                                     tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "token-auth-registry" / "terraform-file-values", tmp_path / "module")
    run = lint(engine, tmp_path / "module", root=tmp_path, select=("PAL106",))
    assert [(f.rule_id, f.location.path, f.location.span.line) for f in run.findings] == [
        ("PAL106", "module/os/edge.yaml", 6)]
    assert run.notices == () and run.files_checked == 2
