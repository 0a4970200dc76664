"""SARIF 2.1.0 for GitHub code scanning and editors: one run, every enabled rule, deterministic output.
Suppressed findings are results with ``suppressions`` (SARIF's way to say "reported, and accepted")."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from linter.model import Finding, Fix, Location, Rule, Run, Suppression
from linter.output.severity import PROBLEM_SEVERITIES, SARIF_LEVELS, security_severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
#: ``runAutomationDetails.id``: the category ``palette-lint`` (before the last ``/``) and no run id, so each
#: upload for a commit replaces the previous palette-lint analysis (upload-sarif's ``category`` overrides it).
AUTOMATION_ID = "palette-lint/"

_LEVELS = SARIF_LEVELS
_LIMIT = 1024


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _LIMIT else text[: _LIMIT - 1] + "…"


def _plain(markdown: str) -> str:
    """The docstring as plain text: headings and code fences kept readable."""
    out = []
    for line in markdown.splitlines():
        if line.startswith("```"):
            continue
        out.append(line[3:].upper() if line.startswith("## ") else line)
    return "\n".join(out).strip()


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    full = rule.doc.section("What it does") or rule.doc.summary
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _clip(rule.doc.summary)},
        "fullDescription": {"text": _clip(full)},
        "help": {"text": _plain(rule.doc.markdown) or rule.doc.summary, "markdown": rule.doc.markdown or rule.doc.summary},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": _rule_properties(rule),
    }
    return descriptor


def _rule_properties(rule: Rule) -> dict[str, Any]:
    """Tags and precision; GitHub's ``security-severity`` for security rules, ``problem.severity`` otherwise."""
    properties: dict[str, Any] = {"tags": sorted({"palette", *rule.tags}), "precision": "high"}
    score = security_severity(rule)
    if score is not None:
        properties["security-severity"] = score
    else:
        properties["problem.severity"] = PROBLEM_SEVERITIES[rule.severity]
    return properties


def _uri(path: str) -> dict[str, Any]:
    if path.startswith("/"):
        return {"uri": "file://" + quote(path, safe="/")}
    return {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}


def _physical(location: Location) -> dict[str, Any]:
    span = location.span
    return {
        "artifactLocation": _uri(location.path),
        "region": {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line,
                   "endColumn": span.end_column},
    }


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": _LEVELS[finding.severity],
        "message": _message(finding),
        "locations": [{"physicalLocation": _physical(finding.location)}],
        "partialFingerprints": {"paletteLint/v1": finding.fingerprint},
    }
    if finding.line_hash:
        result["partialFingerprints"]["primaryLocationLineHash"] = finding.line_hash
    if finding.rule_id in index:
        result["ruleIndex"] = index[finding.rule_id]
    if finding.baseline_state:
        result["baselineState"] = finding.baseline_state
    if finding.location.yaml_path:
        result["locations"][0]["logicalLocations"] = [
            {"fullyQualifiedName": finding.location.yaml_path, "kind": "object"}]
    if finding.suppression is not None:
        result["suppressions"] = [_suppression(finding.suppression)]
    if finding.fix is not None:
        result["fixes"] = [_fix(finding.location, finding.fix)]
    if finding.related:
        result["relatedLocations"] = [
            {"id": number, "physicalLocation": _physical(related.location), "message": {"text": related.message}}
            for number, related in enumerate(finding.related, start=1)
        ]
    return result


def _fix(location: Location, fix: Fix) -> dict[str, Any]:
    """SARIF's ``fix``: the replacements in the finding's file; whether it is safe (applied by ``--fix``) or
    unsafe (only with ``--unsafe-fixes``) is in its properties, and said in its description."""
    description = fix.title if fix.safe else f"{fix.title} (unsafe: review the change)"
    replacements = []
    for replacement in fix.replacements:
        span = replacement.span
        replacements.append({
            "deletedRegion": {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line,
                              "endColumn": span.end_column},
            "insertedContent": {"text": replacement.text},
        })
    return {
        "description": {"text": description},
        "artifactChanges": [{"artifactLocation": _uri(location.path), "replacements": replacements}],
        "properties": {"applicability": "safe" if fix.safe else "unsafe"},
    }


def _message(finding: Finding) -> dict[str, str]:
    """``text`` is the finding's first line; ``markdown`` adds its help, for viewers that show it."""
    message = {"text": finding.message}
    if finding.help:
        message["markdown"] = f"{_markdown_text(finding.message)}\n\n{_markdown_text(finding.help)}"
    return message


def _markdown_text(text: str) -> str:
    """``text`` shown as written in Markdown: its punctuation that Markdown would read is escaped."""
    return "".join("\\" + ch if ch in _MARKDOWN_PUNCTUATION else ch for ch in text)


#: The ASCII punctuation CommonMark lets a backslash escape, less what never starts markup inside a line.
_MARKDOWN_PUNCTUATION = frozenset("\\`*_{}[]<>#|~!")


def _suppression(suppression: Suppression) -> dict[str, Any]:
    """SARIF ``inSource`` (a comment) or ``external`` (the configuration's per-file-ignores), with the reason."""
    out: dict[str, Any] = {"kind": suppression.kind}
    if suppression.justification:
        out["justification"] = suppression.justification
    if suppression.location is not None:
        out["location"] = {"physicalLocation": _physical(suppression.location)}
    return out


def sarif_log(run: Run) -> dict[str, Any]:
    rules = sorted(run.rules, key=lambda r: r.id)
    index = {rule.id: position for position, rule in enumerate(rules)}
    notifications = [
        {"level": notice.level, "message": {"text": (f"{notice.path}: " if notice.path else "") + notice.message}}
        for notice in run.notices
    ]
    invocation: dict[str, Any] = {"executionSuccessful": not run.internal_errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "palette-lint",
                "version": run.tool_version,
                "semanticVersion": run.tool_version,
                "rules": [rule_descriptor(rule) for rule in rules],
            }},
            "automationDetails": {"id": AUTOMATION_ID},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": [_result(finding, index) for finding in (*run.findings, *run.absent)],
        }],
    }


def format_sarif(run: Run) -> str:
    return json.dumps(sarif_log(run), indent=2, ensure_ascii=False) + "\n"
