"""A versioned JSON report: every finding (suppressed ones too, with their reason), the notices and a summary.

The layout is stable within a ``version``; a change that removes or renames a field raises it."""

from __future__ import annotations

import json
from typing import Any

from linter.model import Finding, Location, Run, Severity

FORMAT_NAME = "palette-lint-report"
FORMAT_VERSION = 1


def _location(location: Location) -> dict[str, Any]:
    span = location.span
    return {
        "path": location.path,
        "display_path": location.display_path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "yaml_path": location.yaml_path,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    suppression = finding.suppression
    return {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "severity": finding.severity.label,
        "message": finding.message,
        "help": finding.help,
        "location": _location(finding.location),
        "related": [{"message": related.message, "location": _location(related.location)}
                    for related in finding.related],
        "fingerprint": finding.fingerprint,
        "suppression": None if suppression is None else {"kind": suppression.kind,
                                                         "reason": suppression.justification},
    }


def report(run: Run) -> dict[str, Any]:
    active = run.active_findings
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "tool": {"name": "palette-lint", "version": run.tool_version},
        "summary": {
            "files": run.files_checked,
            "errors": sum(1 for f in active if f.severity == Severity.ERROR),
            "warnings": sum(1 for f in active if f.severity == Severity.WARNING),
            "notes": sum(1 for f in active if f.severity == Severity.NOTE),
            "suppressed": len(run.findings) - len(active),
            "fail_on": run.fail_on.label if run.fail_on is not None else "never",
            "failed": run.failed(),
        },
        "findings": [_finding(finding) for finding in run.findings],
        "notices": [{"level": notice.level, "path": notice.path, "message": notice.message}
                    for notice in run.notices],
        "rules": [{"id": rule.id, "name": rule.name, "severity": rule.severity.label, "scope": rule.scope,
                   "tags": list(rule.tags)} for rule in sorted(run.rules, key=lambda r: r.id)],
    }


def format_json(run: Run) -> str:
    return json.dumps(report(run), indent=2, ensure_ascii=False) + "\n"
