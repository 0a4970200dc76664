"""Formatters: pure functions from a Run to text. The CLI obtains every report through :func:`render`, which
scrubs secrets from whatever any formatter writes."""

from __future__ import annotations

import importlib
from typing import Callable

from msgspec.structs import replace

from linter.model import Run
from linter.redact import redact

Formatter = Callable[[Run], str]


def _imported_on_use(module: str, function: str) -> Formatter:
    """The formatter ``module.function``, imported the first time it runs: a run imports only the formatters
    it writes (SARIF's and JUnit's modules cost start-up time that a pre-commit run printing text should not
    pay)."""

    def format_run(run: Run) -> str:
        formatter: Formatter = getattr(importlib.import_module(module), function)
        return formatter(run)

    format_run.__name__ = function
    return format_run


FORMATTERS: dict[str, Formatter] = {
    "text": _imported_on_use("linter.output.text", "format_text"),
    "sarif": _imported_on_use("linter.output.sarif", "format_sarif"),
    "json": _imported_on_use("linter.output.json_report", "format_json"),
    "github": _imported_on_use("linter.output.github", "format_github"),
    "junit": _imported_on_use("linter.output.junit", "format_junit"),
    "gitlab": _imported_on_use("linter.output.gitlab", "format_gitlab"),
}


def without_suppressed(run: Run) -> Run:
    """The run with its suppressed findings left out (GitHub code scanning ignores SARIF suppressions and
    would show suppressed results as open alerts)."""
    return replace(run, findings=run.active_findings)


def render(name: str, run: Run, *, colour: bool = False, omit_suppressed: bool = False, summary: bool = True) -> str:
    """The report in format ``name``: the one way the CLI turns a run into text. ``colour`` applies to the
    text format only (a terminal), and so does ``summary`` (False: no summary line). Every known secret value of the run (in the escaped forms formats
    write), private key and URL password is scrubbed from the report."""
    if omit_suppressed:
        run = without_suppressed(run)
    if name == "text" and (colour or not summary):
        from linter.output.text import format_text

        report = format_text(run, colour=colour, summary=summary)
    else:
        report = FORMATTERS[name](run)
    if run.secrets is None:
        return redact(report)
    documentation = "\n".join(rule.doc.markdown for rule in run.rules)
    return redact(report, run.secrets.excluding(documentation))
