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
    text format only (a terminal), and so does ``summary`` (False: no summary line). Private keys, URL
    passwords and the run's secret values, in the escaped forms formats write, are scrubbed from the whole
    report as a safety net (the run's texts were scrubbed when it was built: :mod:`linter.redact`); a value
    that is also part of a file path, a YAML path, a rule id or the rules' documentation is left to that first
    scrub, so that paths and URIs stay intact."""
    if omit_suppressed:
        run = without_suppressed(run)
    if name == "text" and (colour or not summary):
        from linter.output.text import format_text

        report = format_text(run, colour=colour, summary=summary)
    else:
        report = FORMATTERS[name](run)
    if run.secrets is None:
        return redact(report)
    return redact(report, run.secrets.excluding(_structure(run)))


def _structure(run: Run) -> str:
    """The texts of a run that name things rather than describe them: file and YAML paths, rule ids and names,
    and the rules' documentation."""
    parts = [rule.doc.markdown for rule in run.rules]
    parts.extend(f"{rule.id} {rule.name}" for rule in run.rules)
    for finding in (*run.findings, *run.absent):
        for location in (finding.location, *(related.location for related in finding.related)):
            parts.extend((location.path, location.display_path, location.yaml_path))
    parts.extend(notice.path for notice in run.notices if notice.path)
    return "\n".join(parts)
