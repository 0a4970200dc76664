"""SARIF for GitHub code scanning: Microsoft's SARIF Multitool with GitHub's ingestion rules (``Sarif;Gh``)
accepts the golden SARIF and a run where every rule fires with zero errors; line hashes, security severity,
automation details and one run per log."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from msgspec.structs import replace

from linter.engine.rule_loader import load_rules
from linter.model import Finding, Location, Run, Severity, Span, Suppression
from linter.output import render
from linter.output.sarif import AUTOMATION_ID, format_sarif
from linter.output.severity import SECURITY_SEVERITIES
from linter.resources import rules_dir
from tests.every_rule import every_rule_root, every_rule_run
from tests.external_tools import sarif_multitool
from tests.helpers import REPO, line_hash
from tests.sarif_validation import assert_valid_sarif

GOLDEN_SARIF = REPO / "tests" / "golden" / "examples.sarif"
CATALOGUE = load_rules([rules_dir()])


def _log(run: Run) -> dict[str, Any]:
    return json.loads(format_sarif(run))


def _multitool_findings(paths: list[Path], tmp_path: Path) -> dict[str, list[tuple[str, str, Any]]]:
    """Validate ``paths`` in one Multitool call with the SARIF and GitHub rules; the (level, rule, arguments)
    it reports, by file name. The tool exits 0 even for invalid files, so its output log is what counts."""
    binary = sarif_multitool()
    out = tmp_path / "validation.sarif"
    result = subprocess.run([str(binary), "validate", *map(str, paths), "--output", str(out), "--log",
                             "ForceOverwrite", "--rule-kind", "Sarif;Gh"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    log = json.loads(out.read_text(encoding="utf-8-sig"))
    invocation = log["runs"][0]["invocations"][0]
    assert invocation.get("executionSuccessful") is True, invocation
    found: dict[str, list[tuple[str, str, Any]]] = {path.name: [] for path in paths}
    for item in log["runs"][0].get("results", []):
        uri = item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        found[Path(uri).name].append((item.get("level", "warning"), item["ruleId"],
                                      item["message"].get("arguments")))
    return found


def test_every_rule_fires_in_the_combined_run() -> None:
    run = every_rule_run()
    fired = {f.rule_id for f in run.findings}
    assert {r.id for r in CATALOGUE} <= fired, f"rules that never fire: {sorted({r.id for r in CATALOGUE} - fired)}"


def test_multitool_accepts_golden_and_every_rule_sarif(tmp_path: Path) -> None:
    every = tmp_path / "every-rule.sarif"
    every_log = _log(every_rule_run())
    assert_valid_sarif(every_log)
    every.write_text(json.dumps(every_log, indent=2), encoding="utf-8")
    # A broken copy proves that the output log is read: it must report errors.
    broken_log = json.loads(GOLDEN_SARIF.read_text(encoding="utf-8"))
    broken_log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    del broken_log["runs"][0]["tool"]["driver"]["rules"][0]["shortDescription"]
    broken = tmp_path / "broken.sarif"
    broken.write_text(json.dumps(broken_log), encoding="utf-8")
    found = _multitool_findings([GOLDEN_SARIF, every, broken], tmp_path)
    for name in (GOLDEN_SARIF.name, every.name):
        errors = [item for item in found[name] if item[0] == "error"]
        assert not errors, f"{name}: {errors}"
    broken_rules = {rule for level, rule, _ in found[broken.name] if level == "error"}
    assert {"JSON1008", "GH2012"} <= broken_rules, found[broken.name]


def test_golden_sarif_is_valid_with_one_run_and_automation_details() -> None:
    log = json.loads(GOLDEN_SARIF.read_text(encoding="utf-8"))
    assert_valid_sarif(log)  # the OASIS schema and our own checks
    assert len(log["runs"]) == 1
    assert log["runs"][0]["automationDetails"] == {"id": AUTOMATION_ID}
    category = AUTOMATION_ID.rpartition("/")[0]
    assert category == "palette-lint"


def test_every_result_carries_both_fingerprints() -> None:
    run = every_rule_run()
    log = _log(run)
    results = log["runs"][0]["results"]
    assert len(results) == len(run.findings)  # suppressed findings are results too, with their suppressions
    for finding, result in zip(run.findings, results):
        prints = result["partialFingerprints"]
        assert prints["paletteLint/v1"] == finding.fingerprint
        if finding.rule_id == "PAL000" and finding.line_hash == "":
            continue  # a file that could not be decoded: upload-sarif hashes it itself
        path = every_rule_root() / finding.location.path
        text = path.read_bytes().decode("utf-8")
        line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert prints["primaryLocationLineHash"] == line_hash(text, line), finding


def test_security_severity_comes_from_the_security_tag() -> None:
    log = _log(every_rule_run())
    for descriptor in log["runs"][0]["tool"]["driver"]["rules"]:
        properties = descriptor["properties"]
        if "security" in properties["tags"]:
            score = properties["security-severity"]
            assert isinstance(score, str) and 0.0 < float(score) <= 10.0, descriptor["id"]
            assert "problem.severity" not in properties
        else:
            assert "security-severity" not in properties, descriptor["id"]
            assert properties["problem.severity"] in ("error", "warning", "recommendation")
    by_id = {d["id"]: d for d in log["runs"][0]["tool"]["driver"]["rules"]}
    assert by_id["PAL106"]["properties"]["security-severity"] == SECURITY_SEVERITIES[Severity.ERROR]


def test_a_new_rule_tagged_security_gets_a_score_without_edits() -> None:
    base = next(r for r in CATALOGUE if r.id == "PAL001")
    for severity in Severity:
        rule = replace(base, id="PAL299", name="future-cert-rule", tags=("security", "certificates"),
                       severity=severity)
        descriptor = _log(Run(findings=(), rules=(rule,), files_checked=0))["runs"][0]["tool"]["driver"]["rules"][0]
        assert descriptor["properties"]["security-severity"] == SECURITY_SEVERITIES[severity]
        assert "security" in descriptor["properties"]["tags"]


def _suppressed_run() -> Run:
    rule = next(r for r in CATALOGUE if r.id == "PAL106")
    location = Location("a.yaml", "a.yaml", Span(2, 3, 2, 9), "providerCredentials.user")
    kept = Finding(rule.id, rule.name, Severity.ERROR, "kept", location, fingerprint="f1")
    hidden = Finding(rule.id, rule.name, Severity.ERROR, "hidden", replace(location, span=Span(3, 3, 3, 9)),
                     fingerprint="f2", suppression=Suppression("inSource", "accepted until the Harbor move"))
    return Run(findings=(kept, hidden), rules=(rule,), files_checked=1)


@pytest.mark.parametrize("name, shows_suppressed", [("sarif", False), ("json", True), ("junit", True)])
def test_omit_suppressed_leaves_them_out(name: str, shows_suppressed: bool) -> None:
    run = _suppressed_run()
    if shows_suppressed:
        assert "hidden" in render(name, run)
    omitted = render(name, run, omit_suppressed=True)
    assert "hidden" not in omitted and "accepted until" not in omitted
    assert "kept" in omitted
    if name == "sarif":
        log = json.loads(omitted)
        assert_valid_sarif(log)
        assert [r["message"]["text"] for r in log["runs"][0]["results"]] == ["kept"]


def test_multitool_accepts_sarif_with_fixes(tmp_path: Path) -> None:
    """Every fix of tests/fixes (safe and unsafe, in whole files and inside embedded values) as SARIF ``fixes``:
    valid for the OASIS schema and for the Multitool with GitHub's rules."""
    from tests.fixture_expansion import copy_expanded
    from tests.helpers import run_paths

    tree = tmp_path / "fixes"
    for before in sorted((REPO / "tests" / "fixes").glob("*/*/before")):
        copy_expanded(before, tree / before.parent.parent.name / before.parent.name)
    (tree / ".palette-lint.yaml").write_text("markdown: true\n", encoding="utf-8")  # fenced blocks too
    run = run_paths([tree], root=tree)
    log = _log(run)
    assert_valid_sarif(log)
    with_fixes = [result for result in log["runs"][0]["results"] if "fixes" in result]
    assert len(with_fixes) >= len(list((REPO / "tests" / "fixes").glob("*/*/before")))
    for result in with_fixes:
        (fix,) = result["fixes"]
        (change,) = fix["artifactChanges"]
        assert change["artifactLocation"] == result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert change["replacements"] and fix["properties"]["applicability"] in ("safe", "unsafe")
    path = tmp_path / "fixes.sarif"
    path.write_text(json.dumps(log, indent=2), encoding="utf-8")
    errors = [item for item in _multitool_findings([path], tmp_path)[path.name] if item[0] == "error"]
    assert not errors, errors
