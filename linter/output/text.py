"""Text for a terminal or a log, as ruff and rustc print: a finding's first line says where and what
(``path:line:col: severity PALnnn message``), an indented ``help:`` line says why it matters and what to do,
and the other places it involves follow, indented. A one-line summary closes the report. (Notices are not
part of it: the command line prints them on standard error.) Text from the files is escaped
(:mod:`linter.output.escape`): every finding is its lines and no more."""

from __future__ import annotations

from linter.model import Comparison, Run, Severity
from linter.output.escape import one_line, safe_path

_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.NOTE: "\033[36m"}
_BOLD, _CYAN, _RESET = "\033[1m", "\033[36m", "\033[0m"


def format_text(run: Run, colour: bool = False, summary: bool = True) -> str:
    lines: list[str] = []
    for finding in run.active_findings:
        loc = finding.location
        where = f"{safe_path(loc.display_path)}:{loc.span.line}:{loc.span.column}:"
        severity = finding.severity.label
        if colour:
            where = f"{_BOLD}{where}{_RESET}"
            severity = f"{_COLOURS[finding.severity]}{severity}{_RESET}"
        lines.append(f"{where} {severity} {finding.rule_id} {one_line(finding.message)}")
        if finding.help:
            label = f"{_CYAN}help:{_RESET}" if colour else "help:"
            lines.append(f"    {label} {one_line(finding.help)}")
        for related in finding.related:
            rloc = related.location
            lines.append(f"    {safe_path(rloc.display_path)}:{rloc.span.line}:{rloc.span.column}: "
                         f"{one_line(related.message)}")
    if summary:
        lines.append(summary_line(run))
    return "".join(line + "\n" for line in lines)


def summary_line(run: Run) -> str:
    active = run.active_findings
    counts = {level: sum(1 for f in active if f.severity == level) for level in Severity}
    files = f"{run.files_checked} file{'s' if run.files_checked != 1 else ''}"
    parts = [f"{counts[level]} {level.label}{'s' if counts[level] != 1 else ''}"
             for level in (Severity.ERROR, Severity.WARNING, Severity.NOTE) if counts[level]]
    total = len(active)
    if run.fixed is not None:
        fixed = run.fixed
        text = (f"Fixed {fixed.fixed} problem{'s' if fixed.fixed != 1 else ''} in {fixed.files} "
                f"file{'s' if fixed.files != 1 else ''}; ")
        text += (f"{total} remain{'s' if total == 1 else ''} ({', '.join(parts)}) in {files}." if active else
                 f"no problems remain in {files}.")
        if fixed.unsafe_left:
            text += f" {fixed.unsafe_left} more fixable with --unsafe-fixes."
    elif not active:
        text = f"No problems found in {files}."
    else:
        text = f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) in {files}."
        safe = sum(1 for f in active if f.fix is not None and f.fix.safe)
        unsafe = sum(1 for f in active if f.fix is not None and not f.fix.safe)
        if safe:
            text += f" {safe} fixable with --fix"
            text += f" ({unsafe} more with --unsafe-fixes)." if unsafe else "."
        elif unsafe:
            text += f" {unsafe} fixable with --fix --unsafe-fixes."
    accepted = run.comparison.accepted if run.comparison is not None else frozenset()
    suppressed = len(run.findings) - len(active) - len(accepted)
    if suppressed:
        text += f" {suppressed} suppressed."
    if run.comparison is not None:
        text += " " + comparison_summary(run.comparison)
    return text


def comparison_summary(comparison: Comparison) -> str:
    """``Compared with main (merge base 1a2b3c4d5e): 1 new, 2 unchanged, 1 fixed.`` and what is not shown."""
    against = [comparison.base] if comparison.base else []
    if comparison.baseline:
        against.append(f"the baseline {comparison.baseline}")
    text = (f"Compared with {one_line(' and '.join(against))}: {comparison.new} new, {comparison.unchanged} unchanged, "
            f"{comparison.fixed} fixed.")
    if comparison.accepted:
        count = len(comparison.accepted)
        if not comparison.baseline:
            why = "--new-only"
        elif not comparison.new_only:
            why = "in the baseline"
        else:
            why = "in the baseline, or unchanged with --new-only"
        text += f" {count} unchanged finding{'s are' if count != 1 else ' is'} not shown ({why})."
    return text
