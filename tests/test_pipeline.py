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
from types import SimpleNamespace
from typing import Any, Optional

import pytest

from linter import __version__
from linter.changes.baseline import dump_baseline, parse_baseline
from linter.changes.history import BaseRequest
from linter.config.load import Config
from linter.config.resolver import ConfigChoice, ConfigResolver
from linter.engine import pipeline, result_cache
from linter.engine.discover import Candidate, printable_path
from linter.engine.pipeline import Engine, group_units
from linter.engine.request import RunError, RunRequest
from linter.engine.result_cache import ResultCache
from linter.engine.rule_loader import load_rules
from linter.engine.units import FileInput, UnitJob, UnitLinter
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
    assert run.absent == ()  # a file outside the repository has no base version, not one that cannot be read


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


# ---- what a unit's job holds: its rules, options, clock and cache key ------------------------------------


def _config(tmp_path: Path, text: str, folder: str = "") -> Config:
    """The configuration ``text`` as the file ``folder/.palette-lint.yaml`` under ``tmp_path``."""
    config_file = _write(tmp_path / folder / ".palette-lint.yaml", text)
    return ConfigResolver(ConfigChoice(None, False, False), YamlParser(), SchemaStore()).governing(config_file)


def _job(engine: Engine, tmp_path: Path, config: Optional[Config] = None, root: Optional[Path] = None,
         label: Optional[str] = None, code: str = "code", cache: bool = True, **options: Any) -> UnitJob:
    request = RunRequest(paths=(str(tmp_path),), **options)
    history = SimpleNamespace(label=label) if label is not None else None  # all a job reads of the history
    result_cache = ResultCache.open(tmp_path)[0] if cache else None
    return engine._job(request, config or Config(root=tmp_path), root or tmp_path, history,  # type: ignore[arg-type]
                       result_cache, code)


def test_a_job_runs_the_rules_its_configuration_enables_with_their_options(engine: Engine, tmp_path: Path) -> None:
    soon = next(rule for rule in engine.catalogue if rule.name == "certificate-expires-soon")
    config = _config(tmp_path, f"rules:\n  PAL106: off\n  {soon.id}: {{days: 4000}}\n")
    job = _job(engine, tmp_path, config)
    assert "PAL106" not in {rule.id for rule in job.rules} and "PAL108" in {rule.id for rule in job.rules}
    assert job.options[soon.id]["days"] == 4000
    assert _job(engine, tmp_path, file_seconds=7.5).file_seconds == 7.5


def test_a_job_on_the_real_clock_keeps_results_for_the_hour_and_on_a_fixed_one_for_that_instant(
        engine: Engine, tmp_path: Path) -> None:
    real = _job(engine, tmp_path)
    assert real.now.tzinfo is not None and real.now.utcoffset() == dt.timedelta(0)
    assert real.clock == real.now.strftime("%Y-%m-%dT%H") and len(real.clock) == 13 and not real.fixed_clock
    fixed = _job(engine, tmp_path, now=FIXED_NOW)
    assert (fixed.now, fixed.clock, fixed.fixed_clock) == (FIXED_NOW, FIXED_NOW.isoformat(), True)


def test_a_job_without_a_base_revision_has_no_base_label(engine: Engine, tmp_path: Path) -> None:
    assert _job(engine, tmp_path).base_label == ""
    assert _job(engine, tmp_path, label="main (0123abc)").base_label == "main (0123abc)"


def test_each_thing_a_unit_result_depends_on_is_part_of_its_cache_key(engine: Engine, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    base = _job(engine, tmp_path).run_key
    assert base and _job(engine, tmp_path).run_key == base
    clusters = _config(tmp_path, "clusters:\n  - files: [a/*]\n", "a")
    ruled = _config(tmp_path, "rules:\n  PAL106: off\n", "b")
    assert clusters.clusters and ruled.rules
    keys = {
        "the code": _job(engine, tmp_path, code="other code").run_key,
        "the root": _job(engine, tmp_path, root=tmp_path / "sub").run_key,
        "unknown files skipped": _job(engine, tmp_path, skip_unknown=True).run_key,
        "Markdown read": _job(engine, tmp_path, markdown=True).run_key,
        "the rules selected": _job(engine, tmp_path, select=("PAL1",)).run_key,
        "the rules configured": _job(engine, tmp_path, Config(root=tmp_path, rules=ruled.rules)).run_key,
        "the clusters declared": _job(engine, tmp_path, Config(root=tmp_path, clusters=clusters.clusters)).run_key,
        "the configuration file": _job(engine, tmp_path, Config(path=tmp_path / "a.yaml", root=tmp_path)).run_key,
        "the configuration's folder": _job(engine, tmp_path, Config(root=tmp_path / "a")).run_key,
        "the base revision": _job(engine, tmp_path, label="main (0123abc)").run_key,
    }
    assert len({base, *keys.values()}) == len(keys) + 1, keys
    monkeypatch.setattr(pipeline, "__version__", "0.0.0-other")
    assert _job(engine, tmp_path).run_key not in (base, *keys.values())


def test_the_code_of_the_linter_and_its_rules_is_part_of_the_cache_key(engine: Engine, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    request = RunRequest(paths=(str(tmp_path),), cache_root=tmp_path)
    keys = []
    for code in ("one build", "another build"):
        monkeypatch.setattr(pipeline, "code_fingerprint", lambda _paths, code=code: code)
        keys.append(engine._jobs(request, {"": Config(root=tmp_path)}, tmp_path, None, [])[""].run_key)
    assert keys[0] != keys[1]


# ---- what the result cache spares, keeps and refuses ------------------------------------------------------


@pytest.fixture()
def fresh(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The units linted rather than read from the cache, as the paths of their files, in the order linted."""
    linted: list[list[str]] = []
    original = UnitLinter._lint

    def counting(self: UnitLinter, unit: Any, reads: Any) -> Any:
        linted.append([file.path for file in unit])
        return original(self, unit, reads)

    monkeypatch.setattr(UnitLinter, "_lint", counting)
    return linted


def test_a_warm_run_lints_no_unit_again(engine: Engine, tmp_path: Path, fresh: list[list[str]]) -> None:
    for folder in ("a", "b"):
        _write(tmp_path / folder / "os.yaml", ECR_VALUES)
    cold = lint(engine, tmp_path, root=tmp_path, cache_root=tmp_path, jobs=1)
    assert fresh == [["a/os.yaml"], ["b/os.yaml"]]
    fresh.clear()
    for _round in range(2):  # and a third run still finds what the second one used
        assert reported(lint(engine, tmp_path, root=tmp_path, cache_root=tmp_path, jobs=1)) == reported(cold)
        assert fresh == []


def test_a_unit_first_linted_beside_cached_ones_is_cached_too(engine: Engine, tmp_path: Path,
                                                             fresh: list[list[str]]) -> None:
    a = _write(tmp_path / "a" / "os.yaml", ECR_VALUES).parent
    b = _write(tmp_path / "b" / "os.yaml", ECR_VALUES).parent
    lint(engine, a, root=tmp_path, cache_root=tmp_path, jobs=1)
    lint(engine, a, b, root=tmp_path, cache_root=tmp_path, jobs=1)
    assert fresh == [["a/os.yaml"], ["b/os.yaml"]]
    lint(engine, a, b, root=tmp_path, cache_root=tmp_path, jobs=1)
    assert fresh == [["a/os.yaml"], ["b/os.yaml"]]


ESCAPED = ECR_VALUES.replace("'{{.spectro.macro.ecr_password}}'", '"Hunter\\x2D22-plain-text"')  # "Hunter-22-..."


def test_a_unit_whose_secret_cannot_be_placed_is_not_cached_and_the_next_one_is(engine: Engine, tmp_path: Path,
                                                                                fresh: list[list[str]]) -> None:
    """A password written with an escape is not in the file's text as it is read: the unit that holds it is
    linted every time (its cached result could not be redacted again), the units after it are cached."""
    _write(tmp_path / "a" / "os.yaml", ESCAPED)
    _write(tmp_path / "b" / "os.yaml", ECR_VALUES)
    first = lint(engine, tmp_path, root=tmp_path, cache_root=tmp_path, jobs=1)
    assert "Hunter-22-plain-text" not in str(reported(first)) and "PAL301" in str(reported(first))
    fresh.clear()
    assert reported(lint(engine, tmp_path, root=tmp_path, cache_root=tmp_path, jobs=1)) == reported(first)
    assert fresh == [["a/os.yaml"]]


def test_a_result_cut_short_by_the_time_budget_is_not_cached(engine: Engine, tmp_path: Path) -> None:
    _write(tmp_path / "os.yaml", ECR_VALUES)
    hurried = lint(engine, tmp_path, root=tmp_path, cache_root=tmp_path, jobs=1, file_seconds=1e-6)
    assert [f.rule_id for f in hurried.findings] == ["PAL000"]
    patient = lint(engine, tmp_path, root=tmp_path, cache_root=tmp_path, jobs=1)
    assert [f.rule_id for f in patient.findings] == ["PAL106"]


def test_a_cached_result_records_only_the_secrets_it_hides(engine: Engine, tmp_path: Path,
                                                          fresh: list[list[str]]) -> None:
    """A unit stored in a run that knew another unit's password, which it does not quote, is still read from
    the cache in a run that does not know that password."""
    clean = _write(tmp_path / "clean" / "os.yaml", ECR_VALUES).parent
    holding = _write(tmp_path / "holding" / "os.yaml", HOLDING).parent
    lint(engine, clean, holding, root=tmp_path, cache_root=tmp_path, jobs=1)
    fresh.clear()
    lint(engine, clean, root=tmp_path, cache_root=tmp_path, jobs=1)
    assert fresh == []


def test_a_cached_result_stored_again_redacted_is_read_from_the_cache_next_time(engine: Engine, tmp_path: Path,
                                                                               fresh: list[list[str]]) -> None:
    quoting = _write(tmp_path / "quoting" / "os.yaml", QUOTING).parent
    holding = _write(tmp_path / "holding" / "os.yaml", HOLDING).parent
    lint(engine, quoting, root=tmp_path, cache_root=tmp_path, jobs=1)  # stored: the value is no secret here
    both = lint(engine, quoting, holding, root=tmp_path, cache_root=tmp_path, jobs=1)  # stored again, redacted
    fresh.clear()
    assert reported(lint(engine, quoting, holding, root=tmp_path, cache_root=tmp_path, jobs=1)) == reported(both)
    assert fresh == []


# ---- configurations of several folders in one run -------------------------------------------------------


def test_each_folder_is_linted_under_its_own_configuration(engine: Engine, tmp_path: Path) -> None:
    for folder in ("a", "b", "c"):
        _write(tmp_path / folder / "os.yaml", ECR_VALUES)
    _write(tmp_path / "a" / ".palette-lint.yaml", "rules:\n  PAL106: off\n")
    _write(tmp_path / "b" / ".palette-lint.yaml", "rules:\n  PAL106: warning\n")
    run = lint(engine, tmp_path, root=tmp_path)
    assert [(f.location.path, f.rule_id, f.severity) for f in run.findings] == [
        ("b/os.yaml", "PAL106", Severity.WARNING), ("c/os.yaml", "PAL106", Severity.ERROR)]


# ---- baselines and base revisions -------------------------------------------------------------------------

MOVED = "# the registry moved down a line\n" + ECR_VALUES.replace("user: AWS", "user: robot-edge").replace(
    "123456789012.dkr.ecr.us-east-1.amazonaws.com", "harbor.example.com")  # PAL106 fixed


def test_a_baseline_accepts_what_it_lists_and_places_what_was_fixed(engine: Engine, tmp_path: Path) -> None:
    for folder in ("kept", "fixed", "broken", "deleted"):
        _write(tmp_path / folder / "os.yaml", ECR_VALUES)
    first = lint(engine, tmp_path, root=tmp_path)
    baseline = parse_baseline(dump_baseline(first.findings), "baseline.json")
    _write(tmp_path / "fixed" / "os.yaml", MOVED)
    _write(tmp_path / "broken" / "os.yaml", "options: [\n")
    (tmp_path / "deleted" / "os.yaml").unlink()
    _write(tmp_path / "added" / "os.yaml", ECR_VALUES)
    run = lint(engine, tmp_path, root=tmp_path, baseline=baseline)
    by_path = {f.location.path: f for f in run.findings if f.rule_id == "PAL106"}
    assert sorted(by_path) == ["added/os.yaml", "kept/os.yaml"]
    assert by_path["kept/os.yaml"].suppression is not None and by_path["kept/os.yaml"].baseline_state == "unchanged"
    assert by_path["added/os.yaml"].suppression is None and by_path["added/os.yaml"].baseline_state == "new"
    assert run.comparison is not None
    assert (run.comparison.base, run.comparison.baseline, run.comparison.new, run.comparison.unchanged,
            run.comparison.fixed) == ("", "baseline.json", 1, 1, 3)
    assert [(f.location.path, f.location.span.line, f.location.span.column) for f in run.absent] == [
        ("broken/os.yaml", 1, 1), ("deleted/os.yaml", 1, 1), ("fixed/os.yaml", 3, 13)]


def test_a_run_without_base_or_baseline_compares_nothing(engine: Engine, tmp_path: Path) -> None:
    _write(tmp_path / "os.yaml", ECR_VALUES)
    run = lint(engine, tmp_path, root=tmp_path)
    assert run.comparison is None and run.absent == ()
    assert {f.baseline_state for f in run.findings} == {""}


def _repository(tmp_path: Path, files: dict[str, str]) -> GitRepo:
    repo = GitRepo.init(tmp_path / "repo")
    for relative, text in files.items():
        repo.write(relative, text)
    repo.commit_all("base")
    repo.git("checkout", "-qb", "topic")
    return repo


@pytest.mark.parametrize("new_only", [False, True])
def test_findings_of_the_base_revision_are_unchanged_and_accepted_only_with_new_only(
        engine: Engine, tmp_path: Path, git_env: dict[str, str], new_only: bool) -> None:
    repo = _repository(tmp_path, {"a/os.yaml": ECR_VALUES, "b/os.yaml": ECR_VALUES, "c/os.yaml": ECR_VALUES})
    repo.write("b/os.yaml", MOVED)
    repo.write("c/os.yaml", ECR_VALUES.replace("us-east-1", "eu-west-1"))
    repo.commit_all("topic")
    run = lint(engine, repo.path, root=repo.path, base=BaseRequest(BASE_BRANCH), new_only=new_only)
    states = {f.location.path: (f.baseline_state, f.suppression is not None) for f in run.findings
              if f.rule_id == "PAL106"}
    assert states == {"a/os.yaml": ("unchanged", new_only), "c/os.yaml": ("new", False)}
    assert [(f.location.path, f.rule_id) for f in run.absent] == [("b/os.yaml", "PAL106"), ("c/os.yaml", "PAL106")]
    assert run.comparison is not None and run.comparison.new_only is new_only
    assert run.comparison.base.startswith(BASE_BRANCH + " (")


def test_files_outside_the_repository_get_no_note_when_no_change_rule_runs(engine: Engine, tmp_path: Path,
                                                                           git_env: dict[str, str]) -> None:
    repo = _repository(tmp_path, {"os.yaml": ECR_VALUES})
    elsewhere = _write(tmp_path / "elsewhere" / "os.yaml", ECR_VALUES)
    run = lint(engine, repo.path, elsewhere, root=repo.path, base=BaseRequest(BASE_BRANCH), select=("PAL106",))
    assert run.notices == ()


def test_a_base_revision_that_cannot_be_used_is_a_notice_of_the_run(engine: Engine, tmp_path: Path,
                                                                    git_env: dict[str, str]) -> None:
    repo = _repository(tmp_path, {"os.yaml": ECR_VALUES})
    run = lint(engine, repo.path, root=repo.path, base=BaseRequest("no-such-branch", required=False))
    assert any("no-such-branch" in n.message and n.level == "warning" for n in run.notices), run.notices


def test_staged_content_is_linted_and_an_editor_buffer_wins_over_it(engine: Engine, tmp_path: Path,
                                                                    git_env: dict[str, str]) -> None:
    repo = _repository(tmp_path, {"os.yaml": MOVED})
    repo.write("os.yaml", ECR_VALUES)
    repo.git("add", "os.yaml")
    repo.write("os.yaml", MOVED)  # the working tree is clean again; the index is not
    staged = BaseRequest(BASE_BRANCH, staged=True)
    run = lint(engine, repo.path, root=repo.path, base=staged)
    assert [(f.rule_id, f.location.span.line) for f in run.findings if f.rule_id == "PAL106"] == [("PAL106", 2)]
    buffer = {str(repo.path / "os.yaml"): ("\n\n" + ECR_VALUES).encode()}
    run = lint(engine, repo.path, root=repo.path, base=staged, overlay=buffer)
    assert [(f.rule_id, f.location.span.line) for f in run.findings if f.rule_id == "PAL106"] == [("PAL106", 4)]


def test_an_editor_buffer_is_linted_instead_of_the_file_and_a_new_buffer_named_too(engine: Engine,
                                                                                    tmp_path: Path) -> None:
    on_disk = _write(tmp_path / "os.yaml", MOVED)
    unsaved = tmp_path / "new" / "os.yaml"
    run = lint(engine, tmp_path, unsaved, root=tmp_path, overlay={str(on_disk): ECR_VALUES.encode(),
                                                                  str(unsaved): ECR_VALUES.encode()})
    assert [(f.location.path, f.rule_id) for f in run.findings if f.rule_id == "PAL106"] == [
        ("new/os.yaml", "PAL106"), ("os.yaml", "PAL106")]


def test_a_markdown_file_deleted_since_the_base_has_its_findings_fixed_when_markdown_is_read(
        engine: Engine, tmp_path: Path, git_env: dict[str, str]) -> None:
    guide = "# Edge site\n\n```yaml\n" + ECR_VALUES + "```\n"
    repo = _repository(tmp_path, {"docs/guide.md": guide, "os.yaml": MOVED})
    repo.git("rm", "-q", "docs/guide.md")
    repo.commit_all("topic")
    run = lint(engine, repo.path, root=repo.path, base=BaseRequest(BASE_BRANCH), markdown=True)
    assert [(f.location.path, f.rule_id) for f in run.absent] == [("docs/guide.md", "PAL106")]
    assert run.findings == () or all(f.location.path != "docs/guide.md" for f in run.findings)
    assert lint(engine, repo.path, root=repo.path, base=BaseRequest(BASE_BRANCH)).absent == ()


# ---- what the run tells on its way ---------------------------------------------------------------------


def test_progress_is_told_the_files_done_of_all(engine: Engine, tmp_path: Path) -> None:
    for folder in ("a", "b", "c"):
        _write(tmp_path / folder / "os.yaml", ECR_VALUES)
    told: list[tuple[int, int]] = []
    request = RunRequest(paths=(str(tmp_path),), root=tmp_path, now=FIXED_NOW, jobs=1)
    engine.run(request, progress=lambda done, total: told.append((done, total)))
    assert told[-1] == (3, 3) and all(total == 3 for _done, total in told)


def test_a_link_out_of_the_repository_is_a_notice_of_the_run(engine: Engine, tmp_path: Path) -> None:
    outside = _write(tmp_path / "outside.yaml", ECR_VALUES)
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "os.yaml").symlink_to(outside)
    run = lint(engine, tmp_path / "repo", root=tmp_path / "repo")
    assert [n.message for n in run.notices if "symbolic link" in n.message] == [
        "a symbolic link to a file outside the repository: not followed"]


def test_a_folder_configuration_that_cannot_be_used_stops_the_run_with_its_message(engine: Engine,
                                                                                    tmp_path: Path) -> None:
    _write(tmp_path / "os.yaml", ECR_VALUES)
    _write(tmp_path / "site" / "os.yaml", ECR_VALUES)
    _write(tmp_path / "site" / ".palette-lint.yaml", "selct: [PAL1]\n")
    with pytest.raises(RunError) as raised:
        lint(engine, tmp_path, root=tmp_path)
    [message] = raised.value.messages
    assert "site/.palette-lint.yaml" in message and "selct" in message


def test_without_a_root_the_run_takes_the_repository_of_the_working_directory(
        engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    _write(tmp_path / "site" / "os.yaml", ECR_VALUES)
    monkeypatch.chdir(tmp_path / "site")
    run = engine.run(RunRequest(paths=(str(tmp_path / "site"),), now=FIXED_NOW))
    assert {f.location.path for f in run.findings} == {"site/os.yaml"}


def test_clusters_declared_by_a_folder_configuration_match_paths_from_that_folder(tmp_path: Path) -> None:
    config = _config(tmp_path, "clusters:\n  - files: [east/os.yaml, shared/user-data]\n", "fleet")
    files = _inputs(tmp_path, "fleet/east/os.yaml", "fleet/east/user-data", "fleet/shared/user-data")
    assert _units(files, config=config) == [["fleet/east/os.yaml", "fleet/shared/user-data"],
                                            ["fleet/east/user-data"]]


BIG = ECR_VALUES + "# padding\n" * 450_000  # over the 4 MiB a file may have


def test_a_version_over_the_size_limit_in_the_index_or_the_base_is_not_read(engine: Engine, tmp_path: Path,
                                                                           git_env: dict[str, str]) -> None:
    repo = _repository(tmp_path, {"os.yaml": BIG})
    repo.write("os.yaml", ECR_VALUES)
    run = lint(engine, repo.path, root=repo.path, base=BaseRequest(BASE_BRANCH))
    assert [(f.rule_id, f.message) for f in run.absent] == [
        ("PAL000", "file is 4,500,236 bytes, over the 4,194,304-byte limit")]  # the base version, now fixed
    assert {f.rule_id for f in run.findings} == {"PAL106"}  # and no change rule: nothing to compare with
    repo.write("os.yaml", BIG)
    repo.git("add", "os.yaml")
    repo.write("os.yaml", ECR_VALUES)
    run = lint(engine, repo.path, root=repo.path, base=BaseRequest(BASE_BRANCH, staged=True))
    assert [(f.rule_id, f.message) for f in run.findings] == [
        ("PAL000", "file is 4,500,236 bytes, over the 4,194,304-byte limit")]


def test_change_rules_skip_a_file_whose_base_version_does_not_parse(engine: Engine, tmp_path: Path,
                                                                   git_env: dict[str, str]) -> None:
    """Not "everything was added": the base version cannot be compared with, so the change rules say nothing."""
    repo = _repository(tmp_path, {"os.yaml": "options: [\n"})
    repo.write("os.yaml", ECR_VALUES)
    run = lint(engine, repo.path, root=repo.path, base=BaseRequest(BASE_BRANCH))
    assert sorted({f.rule_id for f in run.findings}) == ["PAL106"]


NAMED_PACK = """\
resource "spectrocloud_cluster_profile" "edge" {
  name  = "edge-addons"
  cloud = "edge-native"
  type  = "add-on"
  pack {
    name   = "%s"
    tag    = "1.0.0"
    values = var.addon_values
  }
}
""" % SECRET


def test_a_cached_result_keeps_its_base_findings_and_notices_redacted_with_the_run_secrets(
        engine: Engine, tmp_path: Path, git_env: dict[str, str]) -> None:
    """Another unit's password quoted in a base revision's finding or in a notice (a pack named like it) is not
    kept in the cache."""
    repo = _repository(tmp_path, {"quoting/os.yaml": QUOTING, "holding/os.yaml": HOLDING,
                                  "addons/main.tf": NAMED_PACK})
    run = lint(engine, repo.path, root=repo.path, base=BaseRequest(BASE_BRANCH), cache_root=repo.path, jobs=1)
    assert any("its values are" in n.message for n in run.notices)
    assert SECRET not in str(reported(run)) + str(run.notices)
    assert _cached_texts(repo.path) and SECRET not in _cached_texts(repo.path)


def test_entries_a_run_used_are_kept_when_the_cache_is_pruned(engine: Engine, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              fresh: list[list[str]]) -> None:
    monkeypatch.setattr(result_cache, "SPARE_ENTRIES", 0)
    for folder in ("a", "b", "c"):
        _write(tmp_path / folder / "os.yaml", ECR_VALUES)
    lint(engine, tmp_path, root=tmp_path, cache_root=tmp_path, jobs=1)
    lint(engine, tmp_path, root=tmp_path, cache_root=tmp_path, jobs=1)  # reads all three, prunes none of them
    fresh.clear()
    lint(engine, tmp_path, root=tmp_path, cache_root=tmp_path, jobs=1)
    assert fresh == []


def test_a_walk_reads_markdown_only_when_asked(engine: Engine, tmp_path: Path) -> None:
    _write(tmp_path / "docs" / "guide.md", "# Edge site\n\n```yaml\n" + ECR_VALUES + "```\n")
    asked = lint(engine, tmp_path, root=tmp_path, markdown=True)
    assert [(f.location.path, f.rule_id) for f in asked.findings] == [("docs/guide.md", "PAL106")]
    assert lint(engine, tmp_path, root=tmp_path).findings == ()
