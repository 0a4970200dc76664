"""Validate a SARIF log: the official OASIS 2.1.0 schema (vendored, sha256-pinned) plus the checks the schema
cannot express and GitHub code scanning relies on.

``sarif_problems(log)`` returns a list of human-readable problems (empty when the log is good);
``assert_valid_sarif(log)`` fails a test with all of them.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any, Iterator

from jsonschema import Draft4Validator

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256_PATH = SCHEMA_PATH.with_name(SCHEMA_PATH.name + ".sha256")

#: A URI with a scheme (``file:``, ``https:``) or a Windows drive letter.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_REGION_KEYS = ("startLine", "startColumn", "endLine", "endColumn")


@functools.lru_cache(maxsize=1)
def schema_validator() -> Draft4Validator:
    """The validator, compiled once per test session."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def _schema_problems(log: Any) -> Iterator[str]:
    for error in sorted(schema_validator().iter_errors(log), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        yield f"schema: {where}: {error.message[:300]}"


def _physical_problems(where: str, location: Any) -> Iterator[str]:
    physical = location.get("physicalLocation") if isinstance(location, dict) else None
    if not isinstance(physical, dict):
        yield f"{where}: no physicalLocation"
        return
    artifact = physical.get("artifactLocation") or {}
    uri = artifact.get("uri")
    if not isinstance(uri, str) or not uri:
        yield f"{where}: artifactLocation.uri missing"
    else:
        if uri.startswith("/") or _SCHEME.match(uri) or "\\" in uri:
            yield f"{where}: uri {uri!r} is not a relative URI reference"
        if artifact.get("uriBaseId") != "%SRCROOT%":
            yield f"{where}: uriBaseId is {artifact.get('uriBaseId')!r}, expected '%SRCROOT%'"
    region = physical.get("region")
    if not isinstance(region, dict):
        yield f"{where}: no region"
        return
    for key in _REGION_KEYS:
        value = region.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            yield f"{where}: region.{key} is {value!r}, expected an integer >= 1"
    if all(isinstance(region.get(k), int) for k in _REGION_KEYS):
        start = (region["startLine"], region["startColumn"])
        end = (region["endLine"], region["endColumn"])
        if end <= start:
            yield f"{where}: region ends at {end}, not after its start {start}"


def sarif_problems(log: Any) -> list[str]:
    """Everything wrong with ``log``: schema errors first, then our own checks."""
    problems = list(_schema_problems(log))
    if not isinstance(log, dict):
        return problems or ["log is not an object"]
    runs = log.get("runs")
    if not isinstance(runs, list) or len(runs) != 1:
        problems.append(f"expected exactly one run, found {len(runs) if isinstance(runs, list) else runs!r}")
        if not isinstance(runs, list):
            return problems
    for run_number, run in enumerate(runs):
        if not isinstance(run, dict):
            continue
        rules = ((run.get("tool") or {}).get("driver") or {}).get("rules")
        if not isinstance(rules, list):
            problems.append(f"runs/{run_number}: tool.driver.rules is not an array")
            rules = []
        rule_ids = [r.get("id") for r in rules if isinstance(r, dict)]
        if len(set(rule_ids)) != len(rule_ids):
            problems.append(f"runs/{run_number}: duplicate rule ids in tool.driver.rules")
        results = run.get("results")
        if not isinstance(results, list):
            problems.append(f"runs/{run_number}: results is not an array (GitHub rejects the run)")
            continue
        for number, result in enumerate(results):
            where = f"runs/{run_number}/results/{number}"
            if not isinstance(result, dict):
                continue
            rule_id = result.get("ruleId")
            if not isinstance(rule_id, str) or not rule_id:
                problems.append(f"{where}: no ruleId")
            elif rule_id not in rule_ids:
                problems.append(f"{where}: ruleId {rule_id!r} is not in tool.driver.rules")
            if "ruleIndex" in result:
                index = result["ruleIndex"]
                if not isinstance(index, int) or not 0 <= index < len(rules):
                    problems.append(f"{where}: ruleIndex {index!r} out of range (0..{len(rules) - 1})")
                elif rule_ids[index] != rule_id:
                    problems.append(f"{where}: ruleIndex {index} names {rule_ids[index]!r}, ruleId is {rule_id!r}")
            locations = result.get("locations")
            if not isinstance(locations, list) or not locations:
                problems.append(f"{where}: no locations")
            else:
                for k, location in enumerate(locations):
                    problems.extend(_physical_problems(f"{where}/locations/{k}", location))
            for k, related in enumerate(result.get("relatedLocations") or []):
                problems.extend(_physical_problems(f"{where}/relatedLocations/{k}", related))
    return problems


def assert_valid_sarif(log: Any) -> None:
    problems = sarif_problems(log)
    assert not problems, "invalid SARIF:\n" + "\n".join(problems[:50])
