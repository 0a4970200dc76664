"""GitLab Code Quality (a subset of the Code Climate issue format): a JSON array, one issue per finding.

Suppressed findings are left out (Code Quality has no notion of a suppressed issue). ``fingerprint`` is
palette-lint's own (rule, file, YAML path), so GitLab tells new issues from old ones across edits."""

from __future__ import annotations

import json
from typing import Any, Optional

from linter.model import Finding, Rule, Run
from linter.output.severity import gitlab_severity, is_security_rule


def _issue(finding: Finding, rule: Optional[Rule]) -> dict[str, Any]:
    span = finding.location.span
    return {
        "type": "issue",
        "check_name": f"{finding.rule_id} {finding.rule_name}",
        "description": finding.message,
        "content": {"body": finding.help},
        "categories": ["Security"] if is_security_rule(rule) else ["Bug Risk"],
        "severity": gitlab_severity(finding.severity, rule),
        "fingerprint": finding.fingerprint,
        "location": {"path": finding.location.path, "lines": {"begin": span.line, "end": span.end_line}},
    }


def format_gitlab(run: Run) -> str:
    rules = {rule.id: rule for rule in run.rules}
    return json.dumps([_issue(finding, rules.get(finding.rule_id)) for finding in run.active_findings], indent=2,
                      ensure_ascii=False) + "\n"
