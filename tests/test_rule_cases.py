"""Rule boundaries stated one by one: the clean, edge and exception cases a reviewer's slip would break.

Each test lints one fixture file (or a change fixture) from the rule's own fixture directory, the same file
tests/test_fixtures.py checks against its ``# expect:`` comments, and names the behaviour it holds. Mutation
testing (tools/mutation.py) runs a rule's mutants against its fixture directory, its documentation and the
tests here whose names start with ``test_<rule id>_``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_pal105_a_new_deployed_file_with_no_earlier_version_has_every_certificate_added(tmp_path: Path) -> None:
    found = lint_change("tls-certificate-on-existing-cluster", tmp_path)
    assert [f for f in found if f[0] == "imported/depot-east.yaml" and f[2] == "PAL105"] == [
        ("imported/depot-east.yaml", 28, "PAL105")]  # the mirror's list; providerCredentials' is empty


# PAL401 os-layer-repave

def test_pal401_removing_an_option_system_uri_is_templated_from_is_a_repave(tmp_path: Path) -> None:
    found = lint_change("os-layer-repave", tmp_path)
    assert ("removed-option/byoos-values.yaml", 5, "PAL401") in found


# Fixes, applied in the test process as `check --fix` applies them (tests/test_fixes.py runs the CLI, which
# mutation testing cannot see)

#: A fix as a test sees it: the rule id and line of its finding, its title, and whether it is safe.
FixSeen = tuple[str, int, str, bool]


def fix_fixture(relative: str, tmp_path: Path, unsafe: bool = False) -> tuple[list[str], list[FixSeen]]:
    """Lint the fixture file ``relative`` (under tests/fixtures/) alone and apply its fixes in memory, as
    ``check --fix`` does (``unsafe``: with ``--unsafe-fixes``): the fixed file's lines, and the fixes applied or
    left over."""
    from msgspec.structs import replace

    from linter.fix.loop import fix_until_stable
    from tests.fix_properties import engine, request_for

    source = FIXTURES / relative
    copy = copy_expanded(source.parent, tmp_path / "fixture")
    target = copy / source.name
    outcome = fix_until_stable(engine().run, replace(request_for(copy), paths=(str(target),)), unsafe)
    text = outcome.after.get(str(target), target.read_text(encoding="utf-8"))
    seen = [(a.finding.rule_id, a.finding.location.span.line, a.fix.title, a.fix.safe) for a in outcome.applied]
    seen += [(f.rule_id, f.location.span.line, f.fix.title, f.fix.safe) for f in outcome.run.active_findings
             if f.fix is not None]
    return text.split("\n"), seen


# PAL002 ambiguous-credential-value

def test_pal002_a_number_is_fixed_safely_by_quoting_it(tmp_path: Path) -> None:
    lines, seen = fix_fixture("ambiguous-credential-value/byoos-values.yaml", tmp_path)
    assert lines[7] == "  user: '0700123'  # expect: PAL002@9"
    assert ("PAL002", 8, "quote the value", True) in seen


def test_pal002_a_boolean_is_fixed_safely_by_quoting_it(tmp_path: Path) -> None:
    lines, seen = fix_fixture("ambiguous-credential-value/site-user-data-mirror.yaml", tmp_path)
    assert lines[9] == "        username: 'true'  # expect: PAL002@19"
    assert ("PAL002", 10, "quote the value", True) in seen


def test_pal002_a_yaml_1_1_boolean_in_a_packs_values_is_fixed_safely_by_quoting_it(tmp_path: Path) -> None:
    lines, seen = fix_fixture("ambiguous-credential-value/profile.yaml", tmp_path)
    assert lines[18] == "        user: 'yes'  # expect: PAL002@15"
    assert ("PAL002", 19, "quote the value", True) in seen


def test_pal002_a_masked_password_is_quoted_and_a_note_after_the_key_is_left_alone(tmp_path: Path) -> None:
    lines, seen = fix_fixture("ambiguous-credential-value/site-user-data-masked.yaml", tmp_path)
    assert lines[8] == "    password: '####'"
    assert ("PAL002", 9, "quote the value", True) in seen
    assert lines[18] == "        password: # set by the site's installer"  # words: a comment, not a masked value
    assert not [fix for fix in seen if fix[:2] == ("PAL002", 19)]


def test_pal002_a_value_cut_short_by_a_comment_is_quoted_whole_only_by_an_unsafe_fix(tmp_path: Path) -> None:
    lines, seen = fix_fixture("ambiguous-credential-value/site-user-data-masked.yaml", tmp_path)
    assert lines[14] == "        password: Tr0ub4dor #3"
    assert ("PAL002", 15, "quote the whole value, ' #' and what follows included", False) in seen
    lines, _seen = fix_fixture("ambiguous-credential-value/site-user-data-masked.yaml", tmp_path / "unsafe", True)
    assert lines[14] == "        password: 'Tr0ub4dor #3'"


def test_pal002_an_empty_password_gets_no_fix(tmp_path: Path) -> None:
    lines, seen = fix_fixture("ambiguous-credential-value/byoos-values-empty-password.yaml", tmp_path, True)
    assert lines[10] == "  password:"
    assert not [fix for fix in seen if fix[:2] == ("PAL002", 11)]


# PAL303 malformed-macro

def test_pal303_a_missing_closing_brace_is_repaired_by_a_safe_fix(tmp_path: Path) -> None:
    lines, seen = fix_fixture("malformed-macro/byoos-values.yaml", tmp_path)
    assert lines[10] == "  system.registry: '{{.spectro.macro.OS_REGISTRY}}'  # expect: PAL303@20"
    assert ("PAL303", 11, "repair the macro's braces", True) in seen


def test_pal303_a_macro_never_closed_or_never_opened_gets_both_its_braces(tmp_path: Path) -> None:
    lines, seen = fix_fixture("malformed-macro/byoos-values-braces.yaml", tmp_path)
    assert lines[9] == "  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'  # expect: PAL303@13, PAL301@13"
    assert lines[11] == "  system.registry: '{{.spectro.macro.OS_REGISTRY}}'  # expect: PAL303@20"
    assert {("PAL303", 10), ("PAL303", 12)} <= {fix[:2] for fix in seen}


def test_pal303_a_brace_apart_from_its_macro_is_reported_but_not_moved(tmp_path: Path) -> None:
    lines, seen = fix_fixture("malformed-macro/byoos-values-braces.yaml", tmp_path)
    assert lines[7] == "  registry: '{ {.spectro.macro.REGISTRY_HOST}}'  # expect: PAL303@13, PAL108@13"
    assert lines[8] == "  user: '{{.spectro.var.registry_user} }'  # expect: PAL303@9"
    assert not [fix for fix in seen if fix[0] == "PAL303" and fix[1] in (8, 9)]


def test_pal303_a_macro_in_a_packs_images_is_repaired_inside_the_values(tmp_path: Path) -> None:
    lines, seen = fix_fixture("malformed-macro/profile-addon.yaml", tmp_path)
    assert lines[19] == "        controller: '{{.spectro.macro.EDGE_REGISTRY}}/ingress-nginx/controller:v1.11.2'" \
                        "  # expect: PAL303@21"
    assert ("PAL303", 20, "repair the macro's braces", True) in seen


def test_pal303_braces_are_not_repaired_when_the_macro_is_wrong_otherwise_too(tmp_path: Path) -> None:
    lines, seen = fix_fixture("malformed-macro/byoos-values-scope-and-brace.yaml", tmp_path)
    assert lines[9] == "  password: '{{.spectro.macros.REGISTRY_PASSWORD}'  # expect: PAL303@13, PAL301@13"
    assert not [fix for fix in seen if fix[0] == "PAL303"]
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
# PAL203 certificate-expires-soon

def _pal203_lines(run: Run, file: str) -> list[int]:
    return sorted(f.location.span.line for f in run.active_findings
                  if f.rule_id == "PAL203" and f.location.path.endswith(file))


def test_pal203_a_certificate_expiring_at_the_run_instant_expires_in_0_days(tmp_path: Path) -> None:
    run, found, expected = lint_fixture("certificate-expires-soon/renewal-due.yaml", tmp_path)
    assert found == expected
    messages = sorted(f.message for f in run.active_findings if f.rule_id == "PAL203")
    assert messages[0].endswith("expires in 0 days, on 2026-06-01")
    assert messages[1].endswith("expires in 1 day, on 2026-06-02")


def test_pal203_the_days_option_narrows_the_window(tmp_path: Path) -> None:
    run = _lint_with_config("certificate-expires-soon", "rules:\n  certificate-expires-soon: {days: 5}\n", tmp_path)
    assert _pal203_lines(run, "byoos-values.yaml") == []  # 10 days left: outside a 5-day window
    assert _pal203_lines(run, "renewal-due.yaml") == [13, 33]


def test_pal203_a_certificate_valid_through_the_last_instant_of_the_window_is_not_reported(tmp_path: Path) -> None:
    # notAfter is inclusive (RFC 5280): a certificate whose notAfter is the window's end is valid all through it
    run = _lint_with_config("certificate-expires-soon", "rules:\n  certificate-expires-soon: {days: 10}\n", tmp_path)
    assert _pal203_lines(run, "byoos-values.yaml") == []


def test_pal203_a_window_of_0_days_reports_nothing_not_even_at_the_run_instant(tmp_path: Path) -> None:
    run = _lint_with_config("certificate-expires-soon", "rules:\n  certificate-expires-soon: {days: 0}\n", tmp_path)
    assert not [f for f in run.active_findings if f.rule_id in ("PAL203", "PAL999")]


# PAL201 certificate-unparseable

FIXES_DIR = FIXTURES.parent / "fixes"


def fix_case(relative: str, tmp_path: Path, unsafe: bool = False) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """The fix case ``tests/fixes/<relative>/`` fixed in this process as ``check --fix`` (``--unsafe-fixes``) fixes
    it, checking the properties every fix keeps (tests/fix_properties.py): the titles of the fixes applied (as an
    editor and SARIF show them), the text of each file of ``before/`` once fixed (changed or not), and the text
    of each file of ``after/``, by path relative to the folder."""
    from tests.fix_properties import check_properties

    work = copy_expanded(FIXES_DIR / relative / "before", tmp_path / "work").resolve()
    expected = copy_expanded(FIXES_DIR / relative / "after", tmp_path / "expected")
    outcome = check_properties(work, unsafe=unsafe)
    fixed = {path.relative_to(work).as_posix(): path.read_text(encoding="utf-8")
             for path in sorted(work.rglob("*")) if path.is_file()}
    fixed.update({Path(path).resolve().relative_to(work).as_posix(): text for path, text in outcome.after.items()})
    wanted = {path.relative_to(expected).as_posix(): path.read_text(encoding="utf-8")
              for path in sorted(expected.rglob("*")) if path.is_file()}
    return [applied.fix.title for applied in outcome.applied], fixed, wanted


def test_pal201_a_folded_certificate_is_fixed_by_making_its_block_scalar_literal(tmp_path: Path) -> None:
    titles, fixed, wanted = fix_case("certificate-unparseable/folded", tmp_path)
    assert titles == ["write the certificates as a literal block scalar ('|')"]
    assert fixed == wanted


def test_pal201_a_folded_bundle_is_fixed_once_for_all_its_certificates(tmp_path: Path) -> None:
    titles, fixed, wanted = fix_case("certificate-unparseable/folded-bundle-in-packs-list", tmp_path)
    assert titles == ["write the certificates as a literal block scalar ('|')"]
    assert fixed == wanted


def test_pal201_a_folded_certificate_whose_end_line_is_more_indented_is_fixed_too(tmp_path: Path) -> None:
    # folding keeps the line break before the more indented END line, so the folded text also reads as an END
    # without a BEGIN; the literal block scalar is a complete certificate all the same
    titles, fixed, wanted = fix_case("certificate-unparseable/folded-end-line-indented", tmp_path)
    assert titles == ["write the certificates as a literal block scalar ('|')"]
    assert fixed == wanted


def test_pal201_a_text_with_several_findings_carries_its_one_fix_on_the_first(tmp_path: Path) -> None:
    run, found, expected = lint_fixture("certificate-unparseable/folded-end-line-indented.yaml", tmp_path)
    assert found == expected
    assert {f.message: f.fix is not None for f in run.active_findings if f.rule_id == "PAL201"} == {
        "certificate on one line (line breaks folded away)": True,
        "'-----END' line without a '-----BEGIN' line before it": False,
    }


def test_pal201_the_fix_goes_on_the_first_finding_whatever_folding_made_of_the_block(tmp_path: Path) -> None:
    # a title line above a more indented BEGIN line: folded, the block reads as an empty one, not a one-line one
    titles, fixed, wanted = fix_case("certificate-unparseable/folded-titled", tmp_path)
    assert titles == ["write the certificates as a literal block scalar ('|')"]
    assert fixed == wanted


def test_pal201_no_fix_is_offered_when_a_literal_block_would_still_not_load(tmp_path: Path) -> None:
    run, found, expected = lint_fixture("certificate-unparseable/folded-not-fixable.yaml", tmp_path)
    assert found == expected
    assert [f.fix for f in run.active_findings if f.rule_id == "PAL201"] == [None, None]


def test_pal201_a_public_key_outside_a_certificate_field_is_not_reported(tmp_path: Path) -> None:
    run, found, expected = lint_fixture("certificate-unparseable/signing-key.yaml", tmp_path)
    assert found == expected == set()


# PAL003 os-layer-schema

def _pal003_fixes(relative: str, tmp_path: Path) -> dict[str, object]:
    """The fix title of each PAL003 finding of a fixture file (None for a finding without a fix), by YAML path."""
    run, found, expected = lint_fixture(relative, tmp_path)
    assert found == expected
    return {f.location.yaml_path: f.fix.title if f.fix else None for f in run.active_findings if f.rule_id == "PAL003"}


def test_pal003_a_misspelled_credentials_key_is_fixed_by_renaming_it(tmp_path: Path) -> None:
    titles, fixed, wanted = fix_case("os-layer-schema/username", tmp_path)
    assert titles == ["rename the key to 'user'"]
    assert fixed == wanted


def test_pal003_only_keys_with_one_clear_counterpart_get_a_rename_fix(tmp_path: Path) -> None:
    assert _pal003_fixes("os-layer-schema/byoos-values.yaml", tmp_path) == {
        "providerCredentials.url": "rename the key to 'registry'",
        "providerCredentials.username": "rename the key to 'user'",
        "providerCredentials.insecure": None,  # no such flag: the help says what to do instead
        "options.system": None,
    }


def test_pal003_a_key_whose_counterpart_is_already_there_is_not_renamed(tmp_path: Path) -> None:
    assert _pal003_fixes("os-layer-schema/user-given-twice.yaml", tmp_path) == {
        "providerCredentials.username": None,  # renaming it would make a second 'user'
        "providerCredentials.email": None,  # no key it stands for
    }


# PAL000 parse-error


def test_pal000_a_masked_password_read_as_an_alias_is_fixed_by_quoting_it(tmp_path: Path) -> None:
    titles, fixed, after = fix_case("parse-error/masked-password", tmp_path)
    assert fixed == after
    assert titles == ["quote the value"]


def test_pal000_a_value_naming_an_undefined_alias_is_fixed_by_quoting_it(tmp_path: Path) -> None:
    titles, fixed, after = fix_case("parse-error/undefined-alias", tmp_path)
    assert fixed == after
    assert titles == ["quote the value"]


def test_pal000_a_value_starting_with_a_reserved_character_is_fixed_by_quoting_it(tmp_path: Path) -> None:
    titles, fixed, after = fix_case("parse-error/reserved-character", tmp_path)
    assert fixed == after
    assert titles == ["quote the value"]


def test_pal000_an_unquoted_macro_read_as_a_mapping_is_fixed_by_quoting_the_macro(tmp_path: Path) -> None:
    titles, fixed, after = fix_case("parse-error/unquoted-macro-list-item", tmp_path)
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
    titles, fixed, after = fix_case("parse-error/unquoted-macro-before-path", tmp_path)
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
    titles, fixed, after = fix_case("plaintext-password/unsafe-os-layer", tmp_path, unsafe=True)
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
        titles, fixed, after = fix_case(f"provider-image-reference/{case.name}", tmp_path / case.name)
        assert fixed == after, case.name
        assert titles == ["keep only the host, harbor.example.com"], case.name


def test_pal108_the_fix_of_a_scheme_alone_is_one_deletion(tmp_path: Path) -> None:
    run, found, expected = lint_fixture("provider-image-reference/scheme-registry.yaml", tmp_path)
    assert found == expected
    [finding] = [f for f in run.active_findings if f.rule_id == "PAL108"]
    [deletion] = finding.fix.replacements  # https:// only: no empty edit after the host
    assert (deletion.span.column, deletion.span.end_column, deletion.text) == (13, 21, "")


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_pal002_values_are_read_on_their_own_lines_whatever_the_line_breaks(tmp_path: Path, newline: str) -> None:
    """A lone carriage return breaks a line for YAML as a line feed does: the values after it are checked on the
    line YAML reads them from (the rule failed with an IndexError on such a file)."""
    text = newline.join(["pack:", "  content: {}", "providerCredentials:", "  registry: harbor.example.com",
                         "  user: 1234", "  password: Tr0ub4dor #3", "options:",
                         "  system.uri: harbor.example.com/edge/os:v1", ""])
    (tmp_path / "os.yaml").write_bytes(text.encode())
    run = run_paths([tmp_path / "os.yaml"], root=tmp_path)
    found = sorted((f.location.span.line, f.location.span.column, f.message) for f in run.findings
                   if f.rule_id in ("PAL002", "PAL999"))
    assert found == [(5, 9, "user is read as a number, not as the text written"),
                     (6, 13, "password is cut short at ' #' (the rest is a comment)")]
