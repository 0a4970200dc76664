"""SARIF output: valid against the official OASIS 2.1.0 schema (vendored, pinned by sha256) and our own checks,
deterministic, with the full rule catalogue and related locations."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from linter.engine.rule_loader import load_rules
from linter.model import Finding, Location, RelatedLocation, Run, Severity, Span
from linter.output.sarif import format_sarif
from linter.resources import rules_dir
from tests.helpers import FIXTURES, REPO, run_paths
from tests.sarif_validation import (
    SCHEMA_PATH,
    SCHEMA_SHA256_PATH,
    assert_valid_sarif,
    sarif_problems,
)

PINNED_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
FIXTURE_DIRS = sorted(p for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []
NOW = "2026-06-01T12:00:00Z"


def _sarif(run: Run) -> dict[str, Any]:
    return json.loads(format_sarif(run))


def _cli_sarif(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "linter", "check", "--format", "sarif", "--now", NOW, *args],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


# ---- the vendored schema and the validator itself ------------------------------------------------------

def test_vendored_schema_matches_pinned_sha256() -> None:
    recorded = SCHEMA_SHA256_PATH.read_text(encoding="utf-8").split()[0]
    assert recorded == PINNED_SHA256
    assert hashlib.sha256(SCHEMA_PATH.read_bytes()).hexdigest() == PINNED_SHA256


def test_vendored_schema_is_the_oasis_errata01_draft4_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")


def _good_log() -> dict[str, Any]:
    region = {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 9}
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "t", "rules": [{"id": "PAL001"}, {"id": "PAL002"}]}},
            "results": [{
                "ruleId": "PAL002", "ruleIndex": 1, "level": "error", "message": {"text": "m"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": "a/b.yaml", "uriBaseId": "%SRCROOT%"}, "region": region}}],
            }],
        }],
    }


def _break(mutate: Any) -> list[str]:
    log = _good_log()
    mutate(log)
    return sarif_problems(log)


def _result(log: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = log["runs"][0]["results"][0]
    return result


def _region(log: dict[str, Any]) -> dict[str, Any]:
    region: dict[str, Any] = _result(log)["locations"][0]["physicalLocation"]["region"]
    return region


def _artifact(log: dict[str, Any]) -> dict[str, Any]:
    artifact: dict[str, Any] = _result(log)["locations"][0]["physicalLocation"]["artifactLocation"]
    return artifact


@pytest.mark.parametrize("mutate, expected", [
    (lambda log: _region(log).update(startLine=0), "schema:"),
    (lambda log: _result(log).pop("message"), "schema:"),
    (lambda log: log.pop("version"), "schema:"),
    (lambda log: _result(log).update(ruleIndex=7), "out of range"),
    (lambda log: _result(log).update(ruleIndex=0), "names 'PAL001'"),
    (lambda log: _result(log).pop("ruleId"), "no ruleId"),
    (lambda log: _result(log).update(ruleId="PAL404", ruleIndex=None) or _result(log).pop("ruleIndex"),
     "not in tool.driver.rules"),
    (lambda log: _region(log).pop("endColumn"), "region.endColumn"),
    (lambda log: _region(log).update(endLine=2, endColumn=1), "not after its start"),
    (lambda log: _region(log).update(endColumn=5), "not after its start"),
    (lambda log: _artifact(log).update(uri="/abs/b.yaml"), "not a relative URI"),
    (lambda log: _artifact(log).update(uri="file:///abs/b.yaml"), "not a relative URI"),
    (lambda log: _artifact(log).update(uri="C:\\abs\\b.yaml"), "not a relative URI"),
    (lambda log: _artifact(log).pop("uriBaseId"), "uriBaseId"),
    (lambda log: log["runs"].append(copy.deepcopy(log["runs"][0])), "exactly one run"),
    (lambda log: log["runs"][0].pop("results"), "results is not an array"),
])
def test_validator_catches_broken_logs(mutate: Any, expected: str) -> None:
    assert sarif_problems(_good_log()) == []
    problems = _break(mutate)
    assert any(expected in p for p in problems), problems


# ---- our output ---------------------------------------------------------------------------------------

def _all_results(log: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = log["runs"][0]["results"]
    return results


def test_sarif_for_the_whole_fixture_tree_is_valid() -> None:
    run = run_paths([FIXTURES])
    log = _sarif(run)
    assert_valid_sarif(log)
    results = _all_results(log)
    assert len(results) == len(run.findings) > 0
    assert len({r["ruleId"] for r in results}) >= 2, "expected several rules to fire over tests/fixtures"
    # Every finding that cites other places carries them as relatedLocations, in order; suppressed findings
    # are results too, with their suppression.
    for finding, result in zip(run.findings, results):
        assert result["ruleId"] == finding.rule_id
        assert ("suppressions" in result) == (finding.suppression is not None)
        assert len(result.get("relatedLocations", [])) == len(finding.related)
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (finding.location.span.line,
                                                                finding.location.span.column)


@pytest.mark.parametrize("directory", FIXTURE_DIRS, ids=[p.name for p in FIXTURE_DIRS])
def test_sarif_of_each_fixture_directory_is_valid(directory: Path) -> None:
    run = run_paths([directory])
    log = _sarif(run)
    assert_valid_sarif(log)
    assert len(_all_results(log)) == len(run.findings)


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def test_cli_sarif_is_deterministic_and_has_no_timestamps() -> None:
    first = _cli_sarif("tests/fixtures")
    second = _cli_sarif("tests/fixtures")
    assert "Traceback" not in first.stderr
    assert first.returncode == 1, first.stderr
    assert first.stdout == second.stdout, "two runs over the same files gave different SARIF"
    log = json.loads(first.stdout)
    assert_valid_sarif(log)
    time_keys = sorted({k for k in _keys(log) if "time" in k.lower()})
    assert not time_keys, f"SARIF carries timestamps: {time_keys}"
    # Rule docs and finding messages may quote dates (a certificate's expiry); the run's own fields may not.
    run = log["runs"][0]
    run_fields = json.dumps({k: v for k, v in run.items() if k not in ("tool", "results")})
    assert not _ISO_DATETIME.search(run_fields), f"a date-time appears in the run: {run_fields}"
    assert not _ISO_DATETIME.search(json.dumps({k: v for k, v in log.items() if k != "runs"}))


def test_every_enabled_rule_is_described() -> None:
    run = run_paths([FIXTURES])
    log = _sarif(run)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r.id for r in run.rules)
    catalogue_ids = {r.id for r in load_rules([rules_dir()])}
    assert catalogue_ids <= {r["id"] for r in rules}, "a built-in rule is missing from tool.driver.rules"
    for descriptor in rules:
        rid = descriptor["id"]
        assert re.fullmatch(r"PAL\d{3}", rid), rid
        assert descriptor.get("name"), rid
        assert descriptor["shortDescription"]["text"].strip(), rid
        assert descriptor["fullDescription"]["text"].strip(), rid
        assert len(descriptor["shortDescription"]["text"]) <= 1024, rid
        assert len(descriptor["fullDescription"]["text"]) <= 1024, rid
        assert descriptor["help"]["text"].strip(), rid
        assert descriptor["help"]["markdown"].strip(), rid
        assert descriptor["defaultConfiguration"]["level"] in ("error", "warning", "note"), rid


def test_select_limits_the_rule_catalogue() -> None:
    result = _cli_sarif("--select", "PAL001", "tests/fixtures/duplicate-key")
    log = json.loads(result.stdout)
    assert_valid_sarif(log)
    ids = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert "PAL001" in ids and "PAL000" not in ids
    assert {r["ruleId"] for r in _all_results(log)} == {"PAL001"}


def test_related_locations_are_emitted() -> None:
    """Built by hand, so it does not depend on which rules exist: a cluster-style finding in one file that
    cites a place in another."""
    catalogue = {r.id: r for r in load_rules([rules_dir()])}
    rule = catalogue["PAL001"]
    primary = Location("profiles/edge.yaml", "profiles/edge.yaml", Span(12, 5, 12, 17), "packs[0].values")
    other = Location("sites/a/user-data", "sites/a/user-data", Span(4, 3, 6, 10), "stylus.registryCredentials")
    finding = Finding(rule.id, rule.name, Severity.ERROR, "the two files disagree", primary,
                      (RelatedLocation(other, "the user-data sets it here"),
                       RelatedLocation(primary, "and the profile here")),
                      "0123456789abcdef")
    run = Run(findings=(finding,), rules=(rule,), files_checked=2, tool_version="0.0.0")
    log = _sarif(run)
    assert_valid_sarif(log)
    result = _all_results(log)[0]
    related = result["relatedLocations"]
    assert [r["message"]["text"] for r in related] == ["the user-data sets it here", "and the profile here"]
    assert len({r["id"] for r in related}) == 2
    first = related[0]["physicalLocation"]
    assert first["artifactLocation"] == {"uri": "sites/a/user-data", "uriBaseId": "%SRCROOT%"}
    assert first["region"] == {"startLine": 4, "startColumn": 3, "endLine": 6, "endColumn": 10}
    assert result["ruleIndex"] == 0 and result["ruleId"] == "PAL001"


def test_finding_without_related_locations_has_none() -> None:
    catalogue = {r.id: r for r in load_rules([rules_dir()])}
    rule = catalogue["PAL001"]
    location = Location("a.yaml", "a.yaml", Span(1, 1, 1, 4), "a")
    run = Run(findings=(Finding(rule.id, rule.name, Severity.WARNING, "m", location),), rules=(rule,),
              files_checked=1)
    result = _all_results(_sarif(run))[0]
    assert "relatedLocations" not in result
    assert result["level"] == "warning"
