"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` annotation per finding.

``::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=T::message``. In the message ``%``, CR and LF are
escaped (``%25``, ``%0D``, ``%0A``); in the properties also ``:`` and ``,`` (``%3A``, ``%2C``), as the Actions
runner expects. Suppressed findings are left out: an annotation cannot say it was suppressed."""

from __future__ import annotations

from linter.model import Finding, Notice, Run, Severity

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}
_NOTICE_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, properties: dict[str, object]) -> str:
    listed = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name}{' ' + listed if listed else ''}::{escape_data(message)}"


def _annotation(finding: Finding) -> str:
    loc = finding.location
    span = loc.span
    message = finding.message + (f"\n{finding.help}" if finding.help else "")
    for related in finding.related:
        rloc = related.location
        message += f"\n{rloc.path}:{rloc.span.line}:{rloc.span.column}: {related.message}"
    return command(_COMMANDS[finding.severity], message, {
        "file": loc.path, "line": span.line, "col": span.column, "endLine": span.end_line,
        "endColumn": span.end_column, "title": f"{finding.rule_id} {finding.rule_name}",
    })


def _notice(notice: Notice) -> str:
    properties: dict[str, object] = {"file": notice.path} if notice.path else {}
    return command(_NOTICE_COMMANDS.get(notice.level, "notice"), f"palette-lint: {notice.message}", properties)


def format_github(run: Run) -> str:
    lines = [_annotation(finding) for finding in run.active_findings]
    lines.extend(_notice(notice) for notice in run.notices)
    return "".join(line + "\n" for line in lines)
