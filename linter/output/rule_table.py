"""The rule table of ``palette-lint rules --format markdown`` and docs/rules.md, generated from the rule docs."""

from __future__ import annotations

from typing import Iterable

from linter.model import Rule


def markdown_table(rules: Iterable[Rule]) -> str:
    lines = ["| Id | Name | Severity | Scope | What it checks |", "|---|---|---|---|---|"]
    for rule in sorted(rules, key=lambda r: r.id):
        summary = rule.doc.summary.replace("|", "\\|")
        lines.append(f"| {rule.id} | `{rule.name}` | {rule.severity.label} | {rule.scope} | {summary} |")
    return "\n".join(lines) + "\n"


REFERENCE_NOTE = ("<!-- generated from the rule docstrings (linter/output/rule_table.py: rules_reference); regenerate with "
                  "`pytest --regenerate`, do not edit -->")


def _demoted(markdown: str) -> str:
    """A rule docstring with its ``## `` headings one level down (``### ``), code blocks untouched."""
    out: list[str] = []
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            line = "#" + line
        out.append(line)
    return "\n".join(out).strip()


def rules_reference(rules: Iterable[Rule]) -> str:
    """docs/rules.md: an index, then every rule's full documentation."""
    ordered = sorted(rules, key=lambda r: r.id)
    lines = ["# palette-lint rules", "", REFERENCE_NOTE, "",
             "Every rule's documentation, as `palette-lint rule <ID>` prints it. Severities are defaults; the "
             "configuration can change them.", "",
             "| Id | Name | Severity | Summary |", "|---|---|---|---|"]
    for rule in ordered:
        anchor = f"{rule.id}-{rule.name}".lower()
        summary = rule.doc.summary.replace("|", "\\|")
        lines.append(f"| [{rule.id}](#{anchor}) | `{rule.name}` | {rule.severity.label} | {summary} |")
    for rule in ordered:
        body = rule.doc.markdown.split("\n", 1)[1] if "\n" in rule.doc.markdown else ""
        tags = ", ".join(f"`{tag}`" for tag in rule.tags) or "none"
        lines += ["", f"## {rule.id} {rule.name}", "",
                  f"{rule.doc.summary}", "",
                  f"Default severity: {rule.severity.label}. Scope: {rule.scope}. "
                  f"Applies to: {', '.join(sorted(rule.kinds))}. Tags: {tags}.", "",
                  _demoted(body)]
    return "\n".join(lines).rstrip() + "\n"
