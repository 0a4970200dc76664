"""The JSON, GitHub annotation, JUnit and GitLab Code Quality formats: each parsed back the way its consumer
reads it, over the examples, a run where every rule fires and hand-built runs with awkward text."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from linter.engine.rule_loader import load_rules
from linter.model import (
    Finding,
    Location,
    Notice,
    RelatedLocation,
    Run,
    Severity,
    Span,
    Suppression,
)
from linter.output import FORMATTERS, render
from linter.output.github import escape_data, escape_property
from linter.output.json_report import FORMAT_NAME, FORMAT_VERSION
from linter.output.severity import is_security_rule
from linter.resources import rules_dir
from tests.every_rule import every_rule_run

CATALOGUE = {rule.id: rule for rule in load_rules([rules_dir()])}
AWKWARD = "100% wrong:\r\nsee a,b: c\n<tag> & \"quotes\" \x07 bell\x1b[31m"


def _finding(rule_id: str = "PAL001", severity: Severity = Severity.ERROR, message: str = "m",
             path: str = "profiles/edge.yaml", line: int = 3, suppression: Suppression | None = None,
             related: tuple[RelatedLocation, ...] = (), fingerprint: str = "f") -> Finding:
    rule = CATALOGUE[rule_id]
    location = Location(path, path, Span(line, 5, line + 1, 2), "a.b")
    return Finding(rule.id, rule.name, severity, message, location, related, fingerprint, suppression)


def _run(*findings: Finding, notices: tuple[Notice, ...] = ()) -> Run:
    used = {f.rule_id for f in findings} | {"PAL001"}
    return Run(findings=findings, rules=tuple(CATALOGUE[i] for i in sorted(used)), files_checked=2,
               notices=notices, tool_version="9.9.9")


# ---- json ---------------------------------------------------------------------------------------------

def test_json_is_versioned_and_carries_suppressions_with_their_reason() -> None:
    related = RelatedLocation(Location("sites/a/user-data", "sites/a/user-data", Span(4, 3, 4, 9), "stylus"),
                              "the user-data sets it here")
    run = _run(_finding(message=AWKWARD, related=(related,), fingerprint="f1"),
               _finding(severity=Severity.WARNING, line=9, fingerprint="f2",
                        suppression=Suppression("inSource", "accepted: migrating in Q3")),
               notices=(Notice("no such file or directory", path="gone.yaml", level="error"),))
    report = json.loads(render("json", run))
    assert report["format"] == FORMAT_NAME and report["version"] == FORMAT_VERSION == 1
    assert report["tool"] == {"name": "palette-lint", "version": "9.9.9"}
    assert report["summary"] == {"files": 2, "errors": 1, "warnings": 0, "notes": 0, "suppressed": 1,
                                 "fail_on": "error", "failed": True}
    first, second = report["findings"]
    assert first["message"] == AWKWARD and first["suppression"] is None
    assert first["location"] == {"path": "profiles/edge.yaml", "display_path": "profiles/edge.yaml", "line": 3,
                                 "column": 5, "end_line": 4, "end_column": 2, "yaml_path": "a.b"}
    assert first["related"] == [{"message": "the user-data sets it here", "location": {
        "path": "sites/a/user-data", "display_path": "sites/a/user-data", "line": 4, "column": 3, "end_line": 4,
        "end_column": 9, "yaml_path": "stylus"}}]
    assert second["suppression"] == {"kind": "inSource", "reason": "accepted: migrating in Q3"}
    assert report["notices"] == [{"level": "error", "path": "gone.yaml", "message": "no such file or directory"}]
    assert [r["id"] for r in report["rules"]] == ["PAL001"]


def test_json_of_every_rule_run_matches_the_run() -> None:
    run = every_rule_run()
    report = json.loads(render("json", run))
    assert [(f["rule_id"], f["location"]["path"], f["location"]["line"]) for f in report["findings"]] == [
        (f.rule_id, f.location.path, f.location.span.line) for f in run.findings]
    assert len({f["fingerprint"] for f in report["findings"]}) == len(report["findings"])


# ---- github -------------------------------------------------------------------------------------------

_COMMAND = re.compile(r"^::(?P<name>error|warning|notice)(?: (?P<props>[^:]*))?::(?P<message>.*)$")


def _unescape(text: str) -> str:
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


def _parse_commands(output: str) -> list[tuple[str, dict[str, str], str]]:
    """Read workflow commands the way the Actions runner does: one per line, properties split at commas and
    at the first ``=``, then unescaped."""
    parsed = []
    for line in output.splitlines():
        match = _COMMAND.match(line)
        assert match, f"not a workflow command: {line!r}"
        properties = {}
        for item in (match.group("props") or "").split(","):
            if item:
                key, _, value = item.partition("=")
                properties[key] = _unescape(value)
        parsed.append((match.group("name"), properties, _unescape(match.group("message"))))
    return parsed


def test_github_escapes_data_and_properties() -> None:
    assert escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"
    assert escape_data("a:b,c") == "a:b,c"


def test_github_annotations_round_trip_through_the_runner_rules() -> None:
    related = RelatedLocation(Location("u,d:x", "u,d:x", Span(7, 1, 7, 2), ""), "cited")
    run = _run(_finding(message=AWKWARD, path="odd, name: 100%.yaml", related=(related,)),
               _finding(rule_id="PAL106", severity=Severity.WARNING, line=8),
               _finding(severity=Severity.NOTE, line=9),
               _finding(line=10, suppression=Suppression("inSource", "reason")),
               notices=(Notice("not a Palette file; skipped", path="x.yaml", level="warning"),))
    commands = _parse_commands(render("github", run))
    assert [c[0] for c in commands] == ["error", "warning", "notice", "warning"], "the suppressed one is left out"
    name, properties, message = commands[0]
    assert properties == {"file": "odd, name: 100%.yaml", "line": "3", "col": "5", "endLine": "4",
                          "endColumn": "2", "title": "PAL001 duplicate-key"}
    assert message == AWKWARD + "\nu,d:x:7:1: cited"
    assert commands[1][1]["title"] == "PAL106 token-auth-registry"
    assert commands[3] == ("warning", {"file": "x.yaml"}, "palette-lint: not a Palette file; skipped")
    for line in render("github", run).splitlines():
        assert "\r" not in line


def test_github_clean_run_prints_nothing() -> None:
    assert render("github", _run()) == ""


# ---- junit --------------------------------------------------------------------------------------------

def test_junit_is_well_formed_and_counts_add_up() -> None:
    run = _run(_finding(message=AWKWARD, fingerprint="1"), _finding(path="b.yaml", fingerprint="2"),
               _finding(path="b.yaml", line=9, suppression=Suppression("inSource", "ok \x00 because"),
                        fingerprint="3"),
               notices=(Notice("no such file or directory", path="gone.yaml", level="error"),
                        Notice("not a Palette file; skipped", path="x.yaml", level="warning")))
    root = ET.fromstring(render("junit", run))
    assert root.tag == "testsuites"
    suites = {suite.get("name"): suite for suite in root}
    assert list(suites) == ["profiles/edge.yaml", "b.yaml", "palette-lint"]
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("5", "2", "1", "2")
    case = suites["profiles/edge.yaml"].find("testcase")
    assert case is not None and case.get("classname") == "profiles/edge.yaml" and case.get("line") == "3"
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "error"
    # Control characters are written as escapes (one line, no terminal escape); the rest survives XML escaping.
    assert failure.get("message") == AWKWARD.replace("\r", "\\r").replace("\n", "\\n").replace(
        "\x07", "\\x07").replace("\x1b", "\\x1b")
    skipped = suites["b.yaml"].findall("testcase")[1].find("skipped")
    assert skipped is not None and skipped.get("message") == "suppressed: ok \\x00 because"
    for suite in root:
        cases = suite.findall("testcase")
        assert suite.get("tests") == str(len(cases))
        assert suite.get("failures") == str(sum(c.find("failure") is not None for c in cases))


def test_junit_clean_run_is_one_passing_case() -> None:
    root = ET.fromstring(render("junit", _run()))
    cases = root.findall("testsuite/testcase")
    assert len(cases) == 1 and list(cases[0]) == []
    assert cases[0].get("name") == "no problems in 2 files"
    assert root.get("failures") == "0" and root.get("tests") == "1"


def test_junit_of_every_rule_run_parses() -> None:
    run = every_rule_run()
    root = ET.fromstring(render("junit", run))
    assert int(root.get("tests", "0")) == len(run.findings) + len(run.notices)


# ---- gitlab -------------------------------------------------------------------------------------------

def _issues(run: Run) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = json.loads(render("gitlab", run))
    return issues


def test_gitlab_issue_fields() -> None:
    run = _run(_finding(message=AWKWARD, fingerprint="abc"),
               _finding(line=20, suppression=Suppression("inSource", "reason"), fingerprint="def"))
    issues = _issues(run)
    assert issues == [{
        "type": "issue", "check_name": "PAL001 duplicate-key", "description": AWKWARD, "content": {"body": ""},
        "categories": ["Bug Risk"],
        "severity": "major", "fingerprint": "abc",
        "location": {"path": "profiles/edge.yaml", "lines": {"begin": 3, "end": 4}},
    }], "suppressed findings are left out"


@pytest.mark.parametrize("rule_id, severity, expected", [
    ("PAL001", Severity.NOTE, "info"),
    ("PAL001", Severity.WARNING, "minor"),
    ("PAL001", Severity.ERROR, "major"),
    ("PAL106", Severity.NOTE, "minor"),
    ("PAL106", Severity.WARNING, "major"),
    ("PAL106", Severity.ERROR, "critical"),
])
def test_gitlab_severity_scale(rule_id: str, severity: Severity, expected: str) -> None:
    assert is_security_rule(CATALOGUE["PAL106"]) and not is_security_rule(CATALOGUE["PAL001"])
    (issue,) = _issues(_run(_finding(rule_id=rule_id, severity=severity)))
    assert issue["severity"] == expected
    assert issue["categories"] == (["Security"] if rule_id == "PAL106" else ["Bug Risk"])


def test_gitlab_of_every_rule_run() -> None:
    run = every_rule_run()
    issues = _issues(run)
    assert len(issues) == len(run.active_findings)
    assert len({i["fingerprint"] for i in issues}) == len(issues), "Code Quality needs unique fingerprints"
    for issue in issues:
        assert issue["description"] and issue["check_name"] and not issue["location"]["path"].startswith("/")
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["lines"]["begin"] >= 1


# ---- every format -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(FORMATTERS))
def test_every_format_ends_with_a_newline_or_is_empty(name: str) -> None:
    for run in (_run(), every_rule_run()):
        text = render(name, run)
        assert text == "" or text.endswith("\n")
