"""Formatters: pure functions from a Run to text. The CLI obtains every report through :func:`render`, which
scrubs secrets from whatever any formatter writes."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from linter.model import Run
from linter.output.github import format_github
from linter.output.gitlab import format_gitlab
from linter.output.json_report import format_json
from linter.output.junit import format_junit
from linter.output.sarif import format_sarif
from linter.output.text import format_text
from linter.redact import redact

Formatter = Callable[[Run], str]

FORMATTERS: dict[str, Formatter] = {
    "text": format_text,
    "sarif": format_sarif,
    "json": format_json,
    "github": format_github,
    "junit": format_junit,
    "gitlab": format_gitlab,
}


def without_suppressed(run: Run) -> Run:
    """The run with its suppressed findings left out (GitHub code scanning ignores SARIF suppressions and
    would show suppressed results as open alerts)."""
    return replace(run, findings=run.active_findings)


def render(name: str, run: Run, *, colour: bool = False, omit_suppressed: bool = False) -> str:
    """The report in format ``name``: the one way the CLI turns a run into text. ``colour`` applies to the
    text format only (a terminal). Every known secret value of the run (in the escaped forms formats
    write), private key and URL password is scrubbed from the report."""
    if omit_suppressed:
        run = without_suppressed(run)
    if name == "text" and colour:
        report = format_text(run, colour=True)
    else:
        report = FORMATTERS[name](run)
    if run.secrets is None:
        return redact(report)
    documentation = "\n".join(rule.doc.markdown for rule in run.rules)
    return redact(report, run.secrets.excluding(documentation))
