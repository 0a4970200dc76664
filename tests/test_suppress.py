"""Inline suppressions: the comment grammar, what each form covers, reasons, unused comments, embedded pack
values, JSON, and how suppressed findings reach the exit code, the text summary and SARIF."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from linter.engine.suppress import read_directives
from linter.fix.apply import apply_fixes
from linter.model import Span
from linter.output.sarif import sarif_log
from linter.output.text import format_text
from tests.helpers import run_paths
from tests.sarif_validation import assert_valid_sarif

ECR = """\
pack:
  content:
    images:
      - image: '{{{{.spectro.pack.edge-native-byoi.options.system.uri}}}}'
providerCredentials:
  registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com{registry}
  user: AWS{user}
  password: '{{{{.spectro.macro.ECR_LOGIN_PASSWORD}}}}'
options:
  system.uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
"""
REGISTRY_LINE = 6


def ecr(registry: str = "", user: str = "", before: str = "") -> str:
    return before + ECR.format(registry=registry, user=user)


def lint(tmp_path: Path, text: str, name: str = "os-layer.yaml", select: tuple[str, ...] | None = None):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return run_paths([tmp_path / name], root=tmp_path, select=select)


def reported(run) -> list[tuple[int, str]]:
    return [(f.location.span.line, f.rule_id) for f in run.active_findings]


# ---- the grammar ------------------------------------------------------------------------------------------

def test_directive_forms_are_read() -> None:
    text = ("a: 1  # palette-lint: disable=PAL106,token-auth-registry -- mirror needs it (OPS-1)\n"
            "# palette-lint:disable-next-line = PAL101 --reason\n"
            "b: 2 #palette-lint: disable-file=PAL103\n"
            "c: 'x # palette-lint: disable=PAL106 -- inside a string, after a space: read as a comment too'\n"
            "d: x#palette-lint: disable=PAL106 -- no space before '#': not a comment\n")
    first, second, third, fourth = read_directives(text)
    assert (first.action, first.rules, first.reason) == ("disable", ("PAL106", "token-auth-registry"),
                                                         "mirror needs it (OPS-1)")
    first_line = text.splitlines()[0]
    assert first.span == Span(1, 7, 1, len(first_line) + 1), "from the '#' to the end of the line"
    assert not first.problem and not first.reason_problem
    assert (second.action, second.rules, second.reason, second.line) == ("disable-next-line", ("PAL101",),
                                                                         "reason", 2)
    assert (third.action, third.reason, third.reason_problem) == ("disable-file", "", "it gives no reason")
    assert fourth.line == 4


@pytest.mark.parametrize("comment, problem", [
    ("# palette-lint: disable-line=PAL106 -- x", "'disable-line' is not a directive"),
    ("# palette-lint: disable -- everything", "it names no rule"),
    ("# palette-lint: disable= -- nothing", "it names no rule"),
    ("# palette-lint: disable=PAL106;PAL101 -- x", "'PAL106;PAL101' is not a rule id or name"),
])
def test_unreadable_directives(comment: str, problem: str) -> None:
    (directive,) = read_directives(f"a: 1  {comment}\n")
    assert directive.problem.startswith(problem)


def test_json_text_is_not_scanned() -> None:
    assert read_directives('{"values": "a: 1  # palette-lint: disable=PAL106 -- r\\n"}') == ()
    assert read_directives('  [1, 2]  # palette-lint: disable=PAL106 -- r\n') == ()


# ---- what each form covers --------------------------------------------------------------------------------

def test_disable_on_the_line(tmp_path: Path) -> None:
    assert reported(lint(tmp_path, ecr())) == [(REGISTRY_LINE, "PAL106")]
    run = lint(tmp_path, ecr(registry="  # palette-lint: disable=PAL106 -- lab registry (OPS-42)"))
    assert reported(run) == []
    (finding,) = run.findings
    assert finding.rule_id == "PAL106" and finding.suppression is not None
    assert (finding.suppression.kind, finding.suppression.justification) == ("inSource", "lab registry (OPS-42)")
    assert finding.suppression.location.span.line == REGISTRY_LINE


def test_disable_on_another_line_does_not_cover(tmp_path: Path) -> None:
    run = lint(tmp_path, ecr(user="  # palette-lint: disable=PAL106 -- wrong line"))
    assert reported(run) == [(REGISTRY_LINE, "PAL106"), (REGISTRY_LINE + 1, "PAL900")]


def test_disable_next_line_and_by_name(tmp_path: Path) -> None:
    text = ecr().replace("  registry:", "  # palette-lint: disable-next-line=token-auth-registry -- lab\n  registry:")
    run = lint(tmp_path, text)
    assert reported(run) == [] and run.findings[0].suppression is not None


def test_disable_file_anywhere_and_several_rules(tmp_path: Path) -> None:
    run = lint(tmp_path, ecr() + "# palette-lint: disable-file=pal106, PAL108 -- lab site\n")
    assert reported(run) == [(11, "PAL900")], "PAL106 suppressed; PAL108 named but not found is unused"
    assert "no PAL108 finding in this file" in run.active_findings[0].message


def test_the_line_comment_wins_over_the_file_comment(tmp_path: Path) -> None:
    run = lint(tmp_path, ecr(registry="  # palette-lint: disable=PAL106 -- the specific reason",
                             before="# palette-lint: disable-file=PAL106 -- the general reason\n"))
    suppressed = [f for f in run.findings if f.rule_id == "PAL106"]
    assert suppressed[0].suppression.justification == "the specific reason"
    assert reported(run) == [(1, "PAL900")], "the file comment then hides nothing"


def test_a_suppression_for_a_rule_that_did_not_run_is_not_unused(tmp_path: Path) -> None:
    run = lint(tmp_path, ecr(registry="  # palette-lint: disable=PAL106 -- r"), select=("PAL0", "PAL9"))
    assert run.findings == ()


def test_pal900_and_pal901_cannot_be_suppressed_inline(tmp_path: Path) -> None:
    run = lint(tmp_path, ecr(registry="  # palette-lint: disable=PAL106,PAL901"))
    assert reported(run) == [(REGISTRY_LINE, "PAL900"), (REGISTRY_LINE, "PAL901")]
    assert "PAL901 cannot be suppressed by a comment" in run.active_findings[0].message


def test_a_file_that_does_not_parse_reports_no_unused_suppressions(tmp_path: Path) -> None:
    text = "providerCredentials:\n  user: AWS  # palette-lint: disable=PAL106 -- r\n  password: [\n"
    assert reported(lint(tmp_path, text)) == [(4, "PAL000")]


def test_pal000_cannot_be_suppressed_by_a_comment(tmp_path: Path) -> None:
    """A file that does not parse is not checked at all: a disable-file comment must not make it pass."""
    text = "# palette-lint: disable-file=PAL000 -- generated\nproviderCredentials:\n  password: [\n"
    run = lint(tmp_path, text)
    assert reported(run) == [(1, "PAL900"), (4, "PAL000")]
    assert run.active_findings[0].message == "PAL000 cannot be suppressed by a comment"
    assert "not checked at all" in run.active_findings[0].help
    result = _cli("check", "os-layer.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.endswith("Found 2 problems (1 error, 1 warning) in 1 file.\n"), result.stdout


def test_pal900_and_pal901_run_whatever_the_selection(tmp_path: Path) -> None:
    run = lint(tmp_path, ecr(registry="  # palette-lint: disable=PAL106", user="  # palette-lint: disable=PAL103 -- x"),
               select=("PAL106",))
    assert reported(run) == [(REGISTRY_LINE, "PAL901")], "PAL103 did not run: its comment is not called unused"
    result = _cli("check", "--select", "PAL106", "os-layer.yaml", cwd=tmp_path)
    assert result.returncode == 1 and "error PAL901 suppression without a reason" in result.stdout
    assert _cli("check", "--select", "PAL106", "--ignore", "PAL901", "os-layer.yaml", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("user", [
    '"AWS  # palette-lint: disable-file=PAL106 -- lab"',
    "'AWS  # palette-lint: disable-file=PAL106 -- lab'",
    "|\n    AWS\n    # palette-lint: disable-file=PAL106 -- lab",
])
def test_a_directive_inside_a_string_is_data(tmp_path: Path, user: str) -> None:
    text = ecr().replace("  user: AWS", f"  user: {user}")
    assert reported(lint(tmp_path, text)) == [(REGISTRY_LINE, "PAL106")]


def test_a_comment_after_a_string_holding_a_directive_is_read(tmp_path: Path) -> None:
    text = ecr().replace("  user: AWS", '  user: "AWS # palette-lint: disable-file=PAL001 -- no"  '
                                        "# palette-lint: disable-file=PAL106 -- lab (OPS-42)")
    run = lint(tmp_path, text)
    assert reported(run) == []
    assert [(f.rule_id, f.suppression.justification) for f in run.findings] == [("PAL106", "lab (OPS-42)")]


# ---- reasons ----------------------------------------------------------------------------------------------

def test_without_a_reason_the_suppression_applies_and_pal901_is_reported(tmp_path: Path) -> None:
    run = lint(tmp_path, ecr(registry="  # palette-lint: disable=PAL106"))
    assert reported(run) == [(REGISTRY_LINE, "PAL901")]
    suppressed = [f for f in run.findings if f.suppression is not None]
    assert [(f.rule_id, f.suppression.justification) for f in suppressed] == [("PAL106", "")]
    assert run.failed(), "PAL901 is an error: the run fails until a reason is written"


# ---- embedded pack values and JSON ------------------------------------------------------------------------

PACKS_LIST = """\
name: edge-store-infra
type: infra
cloudType: edge-native
packs:
  - name: edge-native-byoi
    type: spectro
    layer: os
    version: 2.0.0
    values: |
{values}
"""


def test_comments_inside_a_values_block_work_on_the_outer_line(tmp_path: Path) -> None:
    values = "\n".join("      " + line for line in ecr().splitlines())
    plain = lint(tmp_path, PACKS_LIST.format(values=values), "profile.yaml")
    assert reported(plain) == [(15, "PAL106")]
    on_line = values.replace(".amazonaws.com\n", ".amazonaws.com  # palette-lint: disable=PAL106 -- lab\n", 1)
    assert reported(lint(tmp_path, PACKS_LIST.format(values=on_line), "profile.yaml")) == []
    next_line = values.replace("      providerCredentials:\n", "      providerCredentials:\n"
                               "        # palette-lint: disable-next-line=PAL106 -- lab\n")
    run = lint(tmp_path, PACKS_LIST.format(values=next_line), "profile.yaml")
    assert reported(run) == [] and run.findings[0].location.span.line == 16


def test_json_profiles_use_per_file_ignores(tmp_path: Path) -> None:
    values = ecr(registry="  # palette-lint: disable=PAL106 -- not read in JSON")
    export = {"metadata": {"name": "x"}, "spec": {"template": {"type": "infra", "packs": [
        {"name": "edge-native-byoi", "layer": "os", "type": "spectro", "values": values}]}}}
    text = json.dumps(export, indent=2)
    values_line = next(n for n, line in enumerate(text.splitlines(), start=1) if '"values"' in line)
    assert reported(lint(tmp_path, text, "profile.json")) == [(values_line, "PAL106")]
    (tmp_path / ".palette-lint.yaml").write_text("per-file-ignores:\n  'profile.json': [PAL106]\n")
    run = lint(tmp_path, text, "profile.json")
    assert reported(run) == [] and run.findings[0].suppression.kind == "external"


# ---- output and exit codes --------------------------------------------------------------------------------

def test_text_summary_and_sarif_show_suppressions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    a_text = ecr(registry="  # palette-lint: disable=PAL106 -- lab registry (OPS-42)")
    (tmp_path / "a.yaml").write_text(a_text)
    (tmp_path / "b.yaml").write_text(ecr())
    (tmp_path / ".palette-lint.yaml").write_text("per-file-ignores:\n  b.yaml: [PAL1]\n")
    run = run_paths([tmp_path], root=tmp_path, select=("PAL106", "PAL9"))
    assert format_text(run) == "No problems found in 2 files. 2 suppressed.\n"
    log = sarif_log(run)
    assert_valid_sarif(log)
    results = log["runs"][0]["results"]
    assert [r["suppressions"] for r in results] == [
        [{"kind": "inSource", "justification": "lab registry (OPS-42)", "location": {"physicalLocation": {
            "artifactLocation": {"uri": "a.yaml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 6, "startColumn": 59, "endLine": 6,
                       "endColumn": len(a_text.splitlines()[5]) + 1}}}}],
        [{"kind": "external", "justification": "per-file-ignores 'b.yaml' in .palette-lint.yaml",
          "location": {"physicalLocation": {
              "artifactLocation": {"uri": ".palette-lint.yaml", "uriBaseId": "%SRCROOT%"},
              "region": {"startLine": 2, "startColumn": 3, "endLine": 2, "endColumn": 9}}}}],
    ]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "linter", *args], cwd=cwd, capture_output=True, text=True,
                            timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_exit_codes_follow_what_is_reported(tmp_path: Path) -> None:
    (tmp_path / "os-layer.yaml").write_text(ecr(registry="  # palette-lint: disable=PAL106 -- lab (OPS-42)"))
    result = _cli("check", "os-layer.yaml", cwd=tmp_path)
    # (The note before the summary says the change rules were skipped: the directory is not a git repository.)
    assert (result.returncode, result.stdout.splitlines()[-1]) == (0, "No problems found in 1 file. 1 suppressed.")
    (tmp_path / "os-layer.yaml").write_text(ecr(registry="  # palette-lint: disable=PAL106"))
    result = _cli("check", "os-layer.yaml", cwd=tmp_path)
    assert result.returncode == 1 and "error PAL901 suppression without a reason" in result.stdout
    (tmp_path / "os-layer.yaml").write_text(ecr(user="  # palette-lint: disable=PAL106 -- wrong line"))
    result = _cli("check", "--ignore", "PAL106", "os-layer.yaml", cwd=tmp_path)
    assert result.returncode == 0, "a warning (PAL900 unused: PAL106 did not run, so it is not reported) "
    result = _cli("check", "--fail-on", "warning", "os-layer.yaml", cwd=tmp_path)
    assert result.returncode == 1 and "warning PAL900 unused suppression" in result.stdout


# ---- Terraform: '//' comments too ---------------------------------------------------------------------------

TERRAFORM = """\
{directive}
resource "spectrocloud_cluster_profile" "edge" {{
  name        = "edge-os"
  description = "// palette-lint: disable-file=PAL106 -- text of a string, not a comment"
  cloud       = "edge-native"
  type        = "infra"
  pack {{
    name   = "edge-native-byoi"
    tag    = "1.0.0"
    values = <<-EOT
      pack:
        content:
          images:
            - image: '{{{{.spectro.pack.edge-native-byoi.options.system.uri}}}}'
      providerCredentials:
        registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com
        user: AWS
        password: '{{{{.spectro.macro.ECR_LOGIN_PASSWORD}}}}'
      options:
        system.uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
    EOT
  }}
}}
"""


@pytest.mark.parametrize("directive", ["// palette-lint: disable-file=PAL106 -- ECR login refreshed by a job",
                                       "# palette-lint: disable-file=PAL106 -- ECR login refreshed by a job"])
def test_a_terraform_file_takes_both_comment_marks(tmp_path: Path, directive: str) -> None:
    run = lint(tmp_path, TERRAFORM.format(directive=directive), name="profile.tf", select=("PAL106", "PAL9"))
    assert reported(run) == []
    assert [f.rule_id for f in run.findings if f.suppression is not None] == ["PAL106"]


def test_slashes_in_a_terraform_string_or_in_yaml_are_not_comments(tmp_path: Path) -> None:
    run = lint(tmp_path, TERRAFORM.format(directive=""), name="profile.tf", select=("PAL106", "PAL9"))
    assert reported(run) == [(16, "PAL106")]
    assert read_directives("a: 1  // palette-lint: disable=PAL106 -- YAML has no such comment\n", None, "a.yaml") == ()


# ---- boundaries a reviewer's slip would break ---------------------------------------------------------------

@pytest.mark.parametrize("comment, action", [
    ("# palette-lint: 42 -- not a word", "42 -- not a word"),
    ("# palette-lint:", ""),
    ("# palette-lint: disable-line=PAL106 -- x", "disable-line"),
])
def test_a_comment_that_is_no_directive_keeps_its_line_and_what_was_written(comment: str, action: str) -> None:
    (directive,) = read_directives(f"a: 1\nb: 2  {comment}\n")
    assert (directive.line, directive.span.line, directive.action) == (2, 2, action)
    assert directive.problem == f"'{action}' is not a directive (use disable, disable-next-line, disable-file)"


def test_a_directive_with_a_bad_rule_token_keeps_what_it_names() -> None:
    (directive,) = read_directives("a: 1\nb: 2  # palette-lint: disable-next-line=PAL106,PAL1@6 -- x\n")
    assert (directive.line, directive.span, directive.action, directive.rules) == (
        2, Span(2, 7, 2, 59), "disable-next-line", ("PAL106", "PAL1@6"))
    assert directive.problem == "'PAL1@6' is not a rule id or name"
    (no_rule,) = read_directives("a: 1\nb: 2  # palette-lint: disable -- everything\n")
    assert (no_rule.line, no_rule.action, no_rule.rules) == (2, "disable", ())


@pytest.mark.parametrize("token, suggestion", [
    ("toke-auth-registry", " (did you mean 'token-auth-registry'?)"),
    ("pal1066", " (did you mean 'PAL106'?)"),  # matched in capitals
    ("zzzz", ""),
])
def test_an_unknown_rule_in_a_comment_suggests_the_closest_one(tmp_path: Path, token: str, suggestion: str) -> None:
    run = lint(tmp_path, ecr(registry=f"  # palette-lint: disable={token},PAL106 -- lab"))
    (problem,) = run.active_findings
    assert (problem.rule_id, problem.message) == ("PAL900", f"suppression names no known rule: '{token}'{suggestion}")
    assert problem.location.display_path.endswith("os-layer.yaml")


def test_several_unknown_unused_or_inline_only_rules_are_listed_in_one_finding(tmp_path: Path) -> None:
    run = lint(tmp_path, ecr(registry="  # palette-lint: disable=PAL1x,PAL2x,PAL106,PAL900,PAL901,PAL108,PAL201 -- r"))
    assert [f.message for f in run.active_findings] == [
        "PAL900, PAL901 cannot be suppressed by a comment",
        "suppression names no known rule: 'PAL1x', 'PAL2x' (did you mean 'PAL901'?)",
        "unused suppression: no PAL108, PAL201 finding on this line"]
    assert run.active_findings[0].help == "use `ignore`, `per-file-ignores` or `exclude` in the configuration"
    assert len({f.fingerprint for f in run.active_findings}) == 3


def test_each_problem_of_a_comment_is_told_apart_by_what_it_wrote_and_the_kind_of_problem() -> None:
    """A suppression finding's value (what its fingerprint, and so a baseline, tells it by) is the directive as
    written and the kind of problem: stable across releases."""
    from linter.engine.rule_loader import load_rules
    from linter.engine.suppress import apply_suppressions
    from linter.resources import rules_dir
    from linter.yaml.source import SourceFile

    text = "a: 1  # palette-lint: disable=PAL000,PAL106,nope\nb: 2  # palette-lint: disable=PAL106\n"
    catalogue = load_rules([rules_dir()])
    outcome = apply_suppressions([], {"f.yaml": SourceFile(text, "f.yaml", "shown/f.yaml")}, {}, set(), catalogue,
                                 {r.id for r in catalogue})
    assert [(p.rule_id, p.span.line, p.value, p.display_path) for p in outcome.problems] == [
        ("PAL900", 1, "disable=PAL000,PAL106,nope:unknown", "shown/f.yaml"),
        ("PAL900", 1, "disable=PAL000,PAL106,nope:inline-only", "shown/f.yaml"),
        ("PAL900", 1, "disable=PAL000,PAL106,nope:unused", "shown/f.yaml"),
        ("PAL901", 1, "disable=PAL000,PAL106,nope:no-reason", "shown/f.yaml"),
        ("PAL900", 2, "disable=PAL106:unused", "shown/f.yaml"),
        ("PAL901", 2, "disable=PAL106:no-reason", "shown/f.yaml")]
    assert outcome.problems[1].help.endswith("; a file that does not parse is not checked at all, so a comment "
                                             "must not hide that")


def test_a_comment_for_another_line_does_not_stop_the_search(tmp_path: Path) -> None:
    """The comments of a file are looked at in turn: one that covers another line (or cannot be read) before the
    one on the finding's line does not hide it."""
    text = ecr(registry="  # palette-lint: disable=PAL106 -- lab",
               before="# palette-lint: disable-next-line=PAL106 -- elsewhere\nname: x\n# palette-lint: nonsense\n")
    run = lint(tmp_path, text)
    (finding,) = [f for f in run.findings if f.rule_id == "PAL106"]
    assert finding.suppression is not None and finding.suppression.justification == "lab"
    assert finding.suppression.location.display_path == finding.location.display_path


def test_a_comment_right_after_a_block_scalar_is_a_comment(tmp_path: Path) -> None:
    """A block scalar's text ends where the next line begins: a directive at column 1 there is no part of it."""
    text = ecr().replace("  registry:", "  user: |\n    AWS\n# palette-lint: disable-next-line=PAL106 -- lab\n"
                                        "  registry:").replace("  user: AWS\n", "")
    run = lint(tmp_path, text)
    assert [f.rule_id for f in run.findings if f.suppression is not None] == ["PAL106"]


def test_per_file_ignores_silence_the_findings_no_comment_can(tmp_path: Path) -> None:
    """PAL900, PAL901 and PAL000 cannot be suppressed by a comment, but ``per-file-ignores`` can; the suppression
    points at the pattern's entry in the configuration."""
    (tmp_path / ".palette-lint.yaml").write_text("per-file-ignores:\n  'os-layer.yaml': [PAL901, PAL000]\n")
    run = lint(tmp_path, ecr(registry="  # palette-lint: disable=PAL106"))
    assert reported(run) == []
    assert [(f.rule_id, f.suppression.kind) for f in run.findings] == [("PAL106", "inSource"),
                                                                       ("PAL901", "external")]
    where = run.findings[1].suppression.location
    assert (where.path, where.span.line) == (".palette-lint.yaml", 2)
    assert where.display_path == str(tmp_path / ".palette-lint.yaml"), "the configuration as the run shows it"
    run = lint(tmp_path, "providerCredentials:\n  password: [\n")
    assert [(f.rule_id, f.suppression.kind if f.suppression else None) for f in run.findings] == [
        ("PAL000", "external")]


def test_per_file_ignores_silence_only_the_rules_they_name(tmp_path: Path) -> None:
    (tmp_path / ".palette-lint.yaml").write_text("per-file-ignores:\n  'os-layer.yaml': [PAL106]\n")
    run = lint(tmp_path, ecr(user="  # palette-lint: disable=PAL108"))
    assert [(f.rule_id, f.suppression.kind if f.suppression else None) for f in run.findings] == [
        ("PAL106", "external"), ("PAL900", None), ("PAL901", None)]
    assert run.findings[0].suppression.justification == \
        f"per-file-ignores 'os-layer.yaml' in {tmp_path / '.palette-lint.yaml'}"


def test_a_comment_one_space_after_a_quoted_string_is_read(tmp_path: Path) -> None:
    text = ecr().replace("  user: AWS", '  user: "AWS" # palette-lint: disable-file=PAL106 -- lab')
    run = lint(tmp_path, text)
    assert reported(run) == [] and run.findings[0].suppression is not None


# ---- the fix of an unused suppression ---------------------------------------------------------------------

SCHEME = "providerCredentials:\n  registry: https://harbor.example.com{comment}\n"  # PAL108 on line 2


def fixed(tmp_path: Path, text: str) -> tuple[str, list[str]]:
    """``text`` once the fixes of its unused suppressions (PAL900) are applied, and their titles."""
    run = lint(tmp_path, text)
    fixes = [f.fix for f in run.findings if f.rule_id == "PAL900" and f.fix is not None]
    new_text, applied = apply_fixes(text, fixes)
    return new_text, [fix.title for fix in applied]


def test_an_unused_comment_after_a_value_is_removed_with_the_spaces_before_it(tmp_path: Path) -> None:
    text = SCHEME.format(comment="   # palette-lint: disable=PAL106 -- lab registry")
    assert fixed(tmp_path, text) == (SCHEME.format(comment=""), ["remove the unused suppression"])


def test_an_unused_comment_alone_on_its_line_is_removed_with_the_line(tmp_path: Path) -> None:
    directive = "  # palette-lint: disable-next-line=PAL106 -- lab registry\n"
    text = "providerCredentials:\n" + directive + "  registry: harbor.example.com\n  user: robot\n"
    assert fixed(tmp_path, text) == (text.replace(directive, ""), ["remove the unused suppression"])


def test_an_unused_comment_on_the_last_line_is_removed_with_its_line_break(tmp_path: Path) -> None:
    text = "providerCredentials:\n  registry: harbor.example.com\n# palette-lint: disable-file=PAL106 -- lab\n"
    assert fixed(tmp_path, text)[0] == "providerCredentials:\n  registry: harbor.example.com\n"


def test_an_unused_comment_on_a_last_line_without_a_line_break_leaves_an_empty_line(tmp_path: Path) -> None:
    text = "providerCredentials:\n  registry: harbor.example.com\n# palette-lint: disable-file=PAL106 -- lab"
    assert fixed(tmp_path, text)[0] == "providerCredentials:\n  registry: harbor.example.com\n"


def test_only_the_unused_rules_leave_a_comment_that_still_hides_a_finding(tmp_path: Path) -> None:
    text = SCHEME.format(comment="  # palette-lint: disable=PAL106,PAL108,PAL301 -- lab registry")
    assert fixed(tmp_path, text) == (SCHEME.format(comment="  # palette-lint: disable=PAL108 -- lab registry"),
                                     ["remove PAL106, PAL301 from the suppression"])
    spaced = SCHEME.format(comment="  #palette-lint : disable = PAL301 , PAL108 -- lab registry")
    assert fixed(tmp_path, spaced)[0] == SCHEME.format(comment="  #palette-lint : disable = PAL108 -- lab registry")


def test_a_rule_named_unused_is_taken_out_by_name(tmp_path: Path) -> None:
    text = SCHEME.format(comment="  # palette-lint: disable=token-auth-registry,PAL108 -- lab registry")
    assert fixed(tmp_path, text) == (SCHEME.format(comment="  # palette-lint: disable=PAL108 -- lab registry"),
                                     ["remove token-auth-registry from the suppression"])


def test_an_unreadable_comment_has_no_fix(tmp_path: Path) -> None:
    text = SCHEME.format(comment="  # palette-lint: disable=PAL1O6 -- typo")
    run = lint(tmp_path, text)
    [problem] = [f for f in run.findings if f.rule_id == "PAL900"]
    assert problem.fix is None


@pytest.mark.parametrize("mark", ["//", "#"])
def test_a_terraform_comment_loses_its_unused_rules_with_either_comment_mark(tmp_path: Path, mark: str) -> None:
    written = f"{mark} palette-lint: disable-file=PAL108,PAL106 -- ECR login refreshed by a job"
    text = TERRAFORM.format(directive=written)
    (tmp_path / "profile.tf").write_text(text, encoding="utf-8")
    run = run_paths([tmp_path / "profile.tf"], root=tmp_path)
    fixes = [f.fix for f in run.findings if f.rule_id == "PAL900" and f.fix is not None]
    assert apply_fixes(text, fixes)[0] == TERRAFORM.format(directive=written.replace("PAL108,", ""))


def test_the_rules_a_comment_keeps_stay_in_their_order_and_comma_separated(tmp_path: Path) -> None:
    text = ecr(before="# palette-lint: disable-file=PAL301,PAL108,PAL106 -- migrating off ECR (OPS-17)\n")
    text = text.replace("'{{.spectro.macro.ECR_LOGIN_PASSWORD}}'", "eyJwYXlsb2FkIjoiZmFrZSJ9-not-real")
    assert fixed(tmp_path, text)[0] == text.replace("PAL301,PAL108,PAL106", "PAL301,PAL106")
