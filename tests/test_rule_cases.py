"""Rule boundaries stated one by one: the clean, edge and exception cases a reviewer's slip would break.

Each test lints one fixture file (or a change fixture) from the rule's own fixture directory, the same file
tests/test_fixtures.py checks against its ``# expect:`` comments, and names the behaviour it holds. Mutation
testing (tools/mutation.py) runs a rule's mutants against its fixture directory, its documentation and the
tests here whose names start with ``test_<rule id>_``.
"""

from __future__ import annotations

from pathlib import Path

from linter.changes.history import BaseRequest
from linter.fix.apply import apply_fixes
from linter.model import Finding, Run, Span
from tests.fixture_expansion import copy_expanded
from tests.git_repo import BASE_BRANCH, repository_from_fixture
from tests.helpers import FIXTURES, expectations, run_paths

Found = set[tuple[str, int, str, int]]


def lint_fixture(relative: str, tmp_path: Path) -> tuple[Run, Found, Found]:
    """Lint the fixture file or folder ``relative`` (under tests/fixtures/) alone: the run, what it reported and
    what the files' expectations say, each as (file name, line, rule id, column)."""
    source = FIXTURES / relative
    folder = source if source.is_dir() else source.parent
    copy = copy_expanded(folder, tmp_path / "fixture")
    target = copy if source.is_dir() else copy / source.name
    run = run_paths([target], root=copy)
    found = {(f.location.path, f.location.span.line, f.rule_id, f.location.span.column) for f in run.active_findings}
    files = sorted(p for p in target.rglob("*") if p.is_file()) if target.is_dir() else [target]
    expected = {(path.relative_to(copy).as_posix(), line, rule_id, column or 0) for path in files
                for (line, rule_id, column) in expectations(path)}
    return run, found, expected


def lint_change(relative: str, tmp_path: Path) -> set[tuple[str, int, str]]:
    """Lint the change fixture directory ``relative`` (its ``before/`` at the base, ``after/`` staged): what it
    reported as (path, line, rule id)."""
    copy = copy_expanded(FIXTURES / relative, tmp_path / "fixture")
    repo = repository_from_fixture(copy, tmp_path / "repo")
    run = run_paths([repo.path], root=repo.path, base=BaseRequest(BASE_BRANCH))
    return {(f.location.path, f.location.span.line, f.rule_id) for f in run.active_findings}


def rule_ids(found: Found) -> set[str]:
    return {rule_id for _path, _line, rule_id, _column in found}


# PAL004 user-data-schema

def test_pal004_a_missing_header_is_marked_on_the_first_character_of_the_file(tmp_path: Path) -> None:
    run, found, expected = lint_fixture("user-data-schema/header/user-data.indented", tmp_path)
    assert found == expected
    [finding] = [f for f in run.active_findings if f.rule_id == "PAL004"]
    assert finding.location.span == Span(1, 1, 1, 2)


# PAL301 plaintext-password

def _lint_with_config(relative: str, config: str, tmp_path: Path) -> Run:
    """Lint the fixture folder ``relative`` with ``config`` as its .palette-lint.yaml."""
    copy = copy_expanded(FIXTURES / relative, tmp_path / "fixture")
    (copy / ".palette-lint.yaml").write_text(config, encoding="utf-8")
    return run_paths([copy], root=copy)


def test_pal301_user_data_severity_off_reports_no_password_in_user_data(tmp_path: Path) -> None:
    run = _lint_with_config("plaintext-password/site", "rules:\n  plaintext-password: {user-data-severity: 'off'}\n",
                            tmp_path)
    assert not [f for f in run.active_findings if f.rule_id in ("PAL301", "PAL999")]  # and the rule did not fail


def test_pal301_user_data_severity_sets_the_level_of_user_data_findings(tmp_path: Path) -> None:
    run = _lint_with_config("plaintext-password/site", "rules:\n  plaintext-password: {user-data-severity: note}\n",
                            tmp_path)
    levels = {f.severity.name.lower() for f in run.active_findings if f.rule_id == "PAL301"}
    assert levels == {"note"}


# PAL106 token-auth-registry

def test_pal106_google_artifact_registry_with_macro_user_and_password_is_token_auth(tmp_path: Path) -> None:
    _run, found, expected = lint_fixture("token-auth-registry/gar-macro-credentials.yaml", tmp_path)
    assert ("gar-macro-credentials.yaml", 8, "PAL106", 13) in found
    assert found == expected


# PAL102 external-registry-ignores-provider-credentials

def test_pal102_an_agent_mode_os_layer_is_skipped(tmp_path: Path) -> None:
    _run, found, expected = lint_fixture("external-registry-ignores-provider-credentials/agent-mode", tmp_path)
    assert "PAL102" not in rule_ids(found)
    assert found == expected


# PAL202 certificate-expired

def test_pal202_a_certificate_is_not_expired_at_its_exact_not_after_instant(tmp_path: Path) -> None:
    _run, found, expected = lint_fixture("certificate-expired/expires-at-the-clock.yaml", tmp_path)
    assert "PAL202" not in rule_ids(found)
    assert found == expected


# PAL105 tls-certificate-on-existing-cluster

def test_pal105_trailing_spaces_removed_from_certificate_lines_are_no_change(tmp_path: Path) -> None:
    found = lint_change("tls-certificate-on-existing-cluster", tmp_path)
    assert not [f for f in found if f[0].startswith("trailing-spaces/")]


# PAL401 os-layer-repave

def test_pal401_removing_an_option_system_uri_is_templated_from_is_a_repave(tmp_path: Path) -> None:
    found = lint_change("os-layer-repave", tmp_path)
    assert ("removed-option/byoos-values.yaml", 5, "PAL401") in found


def test_pal401_options_templated_from_each_other_are_followed_once_round_the_cycle(tmp_path: Path) -> None:
    found = lint_change("os-layer-repave", tmp_path)  # ends: options naming each other are no endless loop
    assert [f for f in found if f[0].startswith("option-cycle/")] == [("option-cycle/byoos-values.yaml", 8, "PAL401")]


# PAL005 misplaced-provider-credentials

def _pal005_findings(relative: str, tmp_path: Path) -> dict[str, Finding]:
    """The PAL005 findings of one fixture file, by YAML path, after checking its expectations."""
    run, found, expected = lint_fixture(relative, tmp_path)
    assert found == expected
    return {f.location.yaml_path: f for f in run.active_findings if f.rule_id == "PAL005"}


def test_pal005_credentials_under_pack_are_moved_to_the_root_by_an_unsafe_fix(tmp_path: Path) -> None:
    [finding] = _pal005_findings("misplaced-provider-credentials/byoos-under-pack.yaml", tmp_path).values()
    fix = finding.fix
    assert fix is not None and not fix.safe  # moving them changes what the profile does: unsafe
    assert fix.title == "move providerCredentials to the root of the OS layer values"
    assert fix.paths == ("pack.providerCredentials", "providerCredentials")  # the data it changes
    text = (tmp_path / "fixture" / "byoos-under-pack.yaml").read_text(encoding="utf-8")
    fixed, applied = apply_fixes(text, [fix])
    assert applied == [fix]
    assert fixed == (
        "# OS layer values: the credentials were indented one level too deep when pasted.\n"
        "pack:\n"
        "  content:\n"
        "    images:\n"
        "      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'\n"
        "options:\n"
        "  system.uri: harbor.edge.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3\n"
        "providerCredentials:  # expect: PAL005@3\n"
        "  registry: harbor.edge.example.com\n"
        "  user: robot-edge\n"
        "  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'\n")


def test_pal005_credentials_nested_deep_in_the_os_layer_have_a_fix_too(tmp_path: Path) -> None:
    findings = _pal005_findings("misplaced-provider-credentials/byoos-nested.yaml", tmp_path)
    assert findings["stages.boot[0].providerCredentials"].fix is not None
    assert findings["options.providerCredentials"].fix is not None


def test_pal005_flat_option_keys_have_no_fix(tmp_path: Path) -> None:
    findings = _pal005_findings("misplaced-provider-credentials/byoos-under-options.yaml", tmp_path)
    assert len(findings) == 3 and all(f.fix is None for f in findings.values())  # no mapping to move


def test_pal005_credentials_outside_the_os_layer_have_no_fix(tmp_path: Path) -> None:
    findings = _pal005_findings("misplaced-provider-credentials/profile.yaml", tmp_path)
    assert set(findings) == {"packs[0].providerCredentials", "packs[1].values.providerCredentials"}
    assert all(f.fix is None for f in findings.values())  # which OS layer they belong to is not known


# PAL107 provider-credentials-need-byoos

def test_pal107_an_os_layer_in_a_markdown_fence_cites_no_pack_entry(tmp_path: Path) -> None:
    run = _lint_with_config("provider-credentials-need-byoos/markdown", "markdown: true\n", tmp_path)
    [finding] = [f for f in run.active_findings if f.rule_id == "PAL107"]
    assert (finding.location.path, finding.location.span.line) == ("notes.md", 10)
    assert finding.related == ()  # a fence is no pack of a profile: there is no pack entry to point at
