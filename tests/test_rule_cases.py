"""Rule boundaries stated one by one: the clean, edge and exception cases a reviewer's slip would break.

Each test lints one fixture file (or a change fixture) from the rule's own fixture directory, the same file
tests/test_fixtures.py checks against its ``# expect:`` comments, and names the behaviour it holds. Mutation
testing (tools/mutation.py) runs a rule's mutants against its fixture directory, its documentation and the
tests here whose names start with ``test_<rule id>_``.
"""

from __future__ import annotations

from pathlib import Path

from linter.changes.history import BaseRequest
from linter.model import Run, Span
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


# PAL000 parse-error

def fixed_in_process(relative: str, tmp_path: Path,
                     unsafe: bool = False) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """The fix case ``relative`` (under tests/fixes/) fixed in the test process, as ``check --fix`` fixes it: the
    text of each file its ``before/`` becomes (changed or not), the text of its ``after/`` files, and the titles
    of the fixes applied (what an editor's code action and SARIF show). Named apart from PAL201's
    ``fix_case``, which returns the changed files only and takes no ``unsafe``."""
    from tests.fix_properties import fix_directory

    source = FIXTURES.parent / "fixes" / relative
    work = copy_expanded(source / "before", tmp_path / "work")
    wanted = copy_expanded(source / "after", tmp_path / "after")
    outcome = fix_directory(work, unsafe)
    fixed = {path.relative_to(work).as_posix(): path.read_text(encoding="utf-8")
             for path in sorted(work.rglob("*")) if path.is_file()}
    fixed.update({Path(path).relative_to(work).as_posix(): text for path, text in outcome.after.items()})
    after = {path.relative_to(wanted).as_posix(): path.read_text(encoding="utf-8")
             for path in sorted(wanted.rglob("*")) if path.is_file()}
    return fixed, after, [applied.fix.title for applied in outcome.applied]


def test_pal000_a_masked_password_read_as_an_alias_is_fixed_by_quoting_it(tmp_path: Path) -> None:
    fixed, after, titles = fixed_in_process("parse-error/masked-password", tmp_path)
    assert fixed == after
    assert titles == ["quote the value"]


def test_pal000_a_value_naming_an_undefined_alias_is_fixed_by_quoting_it(tmp_path: Path) -> None:
    fixed, after, titles = fixed_in_process("parse-error/undefined-alias", tmp_path)
    assert fixed == after
    assert titles == ["quote the value"]


def test_pal000_a_value_starting_with_a_reserved_character_is_fixed_by_quoting_it(tmp_path: Path) -> None:
    fixed, after, titles = fixed_in_process("parse-error/reserved-character", tmp_path)
    assert fixed == after
    assert titles == ["quote the value"]


def test_pal000_an_unquoted_macro_read_as_a_mapping_is_fixed_by_quoting_the_macro(tmp_path: Path) -> None:
    fixed, after, titles = fixed_in_process("parse-error/unquoted-macro-list-item", tmp_path)
    assert fixed == after
    assert titles == ["quote the macro"]


def test_pal000_a_tab_in_indentation_offers_no_fix(tmp_path: Path) -> None:
    run, found, expected = lint_fixture("parse-error/recovered-site", tmp_path)
    assert found == expected
    fixes = {f.location.span.column: f.fix for f in run.active_findings if f.rule_id == "PAL000"}
    assert fixes[1] is None  # the tab: which spaces it stands for is the author's to say
    assert fixes[15] is not None and fixes[15].title == "quote the value"  # the '@' value on the next line


def test_pal000_an_unquoted_macro_before_a_path_is_masked_and_the_rest_of_the_file_linted(tmp_path: Path) -> None:
    run, found, expected = lint_fixture("parse-error/unquoted-macro-before-path.yaml", tmp_path)
    assert found == expected
    assert "PAL301" in rule_ids(found)  # linted past the value
    [finding] = [f for f in run.active_findings if f.rule_id == "PAL000"]
    assert finding.location.yaml_path == 'options["system.uri"]'


def test_pal000_an_unquoted_macro_before_a_path_is_fixed_by_quoting_the_whole_value(tmp_path: Path) -> None:
    fixed, after, titles = fixed_in_process("parse-error/unquoted-macro-before-path", tmp_path)
    assert fixed == after
    assert titles == ["quote the macro"]


def test_pal000_the_fix_of_each_masked_value_quotes_that_value(tmp_path: Path) -> None:
    run, found, expected = lint_fixture("parse-error/two-registries", tmp_path)
    assert found == expected
    findings = [f for f in run.active_findings if f.rule_id == "PAL000"]
    assert len(findings) == 2
    for finding in findings:  # both at column 19, on lines of their own
        assert {r.span.line for r in finding.fix.replacements} == {finding.location.span.line}


# PAL301 plaintext-password: the fix

def _pal301_fixes(relative: str, tmp_path: Path) -> dict[str, object]:
    """The fix of each PAL301 finding of the fixture folder ``relative``, by file name."""
    run, found, expected = lint_fixture(relative, tmp_path)
    assert found == expected
    return {f.location.path.rsplit("/", 1)[-1]: f.fix for f in run.active_findings if f.rule_id == "PAL301"}


def test_pal301_the_fix_replaces_the_password_by_a_macro_named_after_its_registry(tmp_path: Path) -> None:
    fixed, after, titles = fixed_in_process("plaintext-password/unsafe-os-layer", tmp_path, unsafe=True)
    assert fixed == after
    assert titles == ["replace the password with the macro HARBOR_EXAMPLE_COM_PASSWORD"]


def test_pal301_the_fix_is_unsafe_and_says_to_create_the_macro_and_rotate_the_password(tmp_path: Path) -> None:
    fix = _pal301_fixes("plaintext-password/macro-names", tmp_path)["misplaced-registry-credentials.yaml"]
    assert not fix.safe
    assert fix.note == ("create the Palette macro MIRROR_STORE_042_EXAMPLE_NET_PASSWORD (Tenant or Project Settings, "
                        "Macros) holding the password that was in the file; it stays in the file's git history, so "
                        "rotate it")


def test_pal301_the_macro_is_named_after_the_registry_host_as_written(tmp_path: Path) -> None:
    fixes = _pal301_fixes("plaintext-password/macro-names", tmp_path)
    titles = {name: fix.title.removeprefix("replace the password with the macro ") for name, fix in fixes.items()}
    assert titles == {
        # a user-data registryCredentials pasted into a profile: named after its domain
        "misplaced-registry-credentials.yaml": "MIRROR_STORE_042_EXAMPLE_NET_PASSWORD",
        "capital-host.yaml": "HARBOR_EDGE_BOX_PASSWORD",
        "ipv6-registry.yaml": "FD00_10_20_5000_PASSWORD",
        # a macro name cannot start with a digit; a templated registry or none says nothing of the host
        "public-ip-registry.yaml": "REGISTRY_PASSWORD",
        "templated-registry.yaml": "REGISTRY_PASSWORD",
        "no-registry.yaml": "REGISTRY_PASSWORD",
    }


def test_pal301_a_password_in_user_data_has_no_fix(tmp_path: Path) -> None:
    fixes = _pal301_fixes("plaintext-password/site", tmp_path)
    assert fixes and all(fix is None for fix in fixes.values())  # user-data has no macros


# PAL108 provider-image-reference

def test_pal108_the_fix_leaves_the_registry_host_alone_and_none_is_offered_for_user_information(
        tmp_path: Path) -> None:
    from linter.fix.apply import apply_fixes

    run, found, expected = lint_fixture("provider-image-reference", tmp_path)
    assert found == expected
    registries = {}
    for finding in run.active_findings:
        if finding.rule_id == "PAL108" and finding.location.yaml_path == "providerCredentials.registry":
            text = (tmp_path / "fixture" / finding.location.path).read_text(encoding="utf-8")
            line = apply_fixes(text, [finding.fix])[0].splitlines()[finding.location.span.line - 1] \
                if finding.fix is not None else None
            registries[finding.location.path] = line.split("#")[0].strip() if line is not None else None
    assert registries == {
        "scheme-registry.yaml": "registry: harbor.edge.example.com",
        "registry-scheme-twice.yaml": "registry: harbor.edge.example.com",
        "registry-scheme-and-path.yaml": "registry: harbor.edge.example.com",  # its path holds '://' too
        "path-registry.yaml": "registry: harbor.edge.example.com:8443",
        "registry-scheme-only.yaml": None,  # no host to keep
        "registry-user-info.yaml": None,
        "registry-host-in-scheme.yaml": None,  # oci://robot-edge@oci: the user is seen after the scheme
        "registry-not-a-host.yaml": None,
    }


def test_pal108_each_fix_case_becomes_its_after(tmp_path: Path) -> None:
    for case in sorted((FIXTURES.parent / "fixes" / "provider-image-reference").iterdir()):
        fixed, after, titles = fixed_in_process(f"provider-image-reference/{case.name}", tmp_path / case.name)
        assert fixed == after, case.name
        assert titles == ["keep only the host, harbor.example.com"], case.name


def test_pal108_the_fix_of_a_scheme_alone_is_one_deletion(tmp_path: Path) -> None:
    run, found, expected = lint_fixture("provider-image-reference/scheme-registry.yaml", tmp_path)
    assert found == expected
    [finding] = [f for f in run.active_findings if f.rule_id == "PAL108"]
    [deletion] = finding.fix.replacements  # https:// only: no empty edit after the host
    assert (deletion.span.column, deletion.span.end_column, deletion.text) == (13, 21, "")
