"""How palette-lint's severities and rule tags map onto each consumer's scale.

A rule is a security rule when it carries the tag ``security``; its security severity then follows from its
default severity. The mapping is data: a new rule gets it from its ``@rule(tags=..., severity=...)`` alone.
"""

from __future__ import annotations

from typing import Optional

from linter.model import Rule, Severity

SECURITY_TAG = "security"

#: SARIF ``level`` (and GitHub's ``problem.severity`` for rules that are not security rules).
SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
PROBLEM_SEVERITIES = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "recommendation"}

#: GitHub's ``security-severity`` (a number in (0, 10] as a string): high, medium and low in GitHub's bands
#: (critical is above 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9).
SECURITY_SEVERITIES = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.NOTE: "2.0"}

#: GitLab Code Quality severities: info, minor, major, critical, blocker.
GITLAB_SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.NOTE: "info"}
GITLAB_SECURITY_SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.NOTE: "minor"}


def is_security_rule(rule: Optional[Rule]) -> bool:
    return rule is not None and SECURITY_TAG in rule.tags


def security_severity(rule: Rule) -> Optional[str]:
    """GitHub's ``security-severity`` for a security rule; None for any other rule."""
    return SECURITY_SEVERITIES[rule.severity] if is_security_rule(rule) else None


def gitlab_severity(severity: Severity, rule: Optional[Rule]) -> str:
    """A finding's Code Quality severity: one step higher for security rules."""
    table = GITLAB_SECURITY_SEVERITIES if is_security_rule(rule) else GITLAB_SEVERITIES
    return table[severity]
