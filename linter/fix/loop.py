"""``check --fix`` and ``--diff``: lint, apply the fixes, lint the fixed text again, until no fix is left (ruff's
loop). The engine lints the fixed text through the request's overlay, so nothing is written until the end, and
``--diff`` writes nothing at all. The last run is the report: what remains once the fixes are in."""

from __future__ import annotations

import difflib
from typing import Callable, Optional

from msgspec import Struct, field
from msgspec.structs import replace

from linter.engine.request import RunRequest
from linter.fix.apply import apply_fixes
from linter.fix.files import FileText, read_file_text, write_file_text
from linter.model import Finding, Fix, FixSummary, Run
from linter.redact import Secrets

#: Passes before the loop stops (a fix that keeps producing fixable findings would otherwise never end).
MAX_PASSES = 10


class AppliedFix(Struct, frozen=True):
    """A fix that was applied: the finding it fixed (as reported in the pass that applied it)."""

    finding: Finding
    fix: Fix


class FixOutcome(Struct):
    """What fixing gave: the last run (the findings that remain), each changed file's stored text before and its
    text after (by absolute path), the fixes applied, and every secret any pass read (a password a fix removed
    is no longer in the last run's files, but is in the diff's old lines)."""

    run: Run
    before: dict[str, FileText] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)  # absolute path -> the path as the findings show it
    applied: list[AppliedFix] = field(default_factory=list)
    secrets: Optional[Secrets] = None

    @property
    def changed(self) -> list[str]:
        return [path for path, text in self.after.items() if text != self.before[path].text]

    def write(self) -> list[str]:
        """Write the fixed files; the paths (absolute) that could not be written."""
        failed = []
        for path in self.changed:
            try:
                write_file_text(path, self.before[path], self.after[path])
            except OSError:
                failed.append(path)
        return failed

    def diff(self) -> str:
        """A unified diff of every changed file (not yet redacted: the caller scrubs it)."""
        out = []
        for path in sorted(self.changed, key=lambda p: self.shown.get(p, p)):
            shown = self.shown.get(path, path)
            old = self.before[path].text.splitlines(keepends=True)
            new = self.after[path].splitlines(keepends=True)
            # git's a/ and b/ prefixes (so `git apply` takes the patch) on relative paths; absolute ones as they are
            before, after = (shown, shown) if shown.startswith("/") else (f"a/{shown}", f"b/{shown}")
            for line in difflib.unified_diff(old, new, before, after):
                out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        return "".join(out)

    def summary(self, written: bool) -> FixSummary:
        remaining = [f for f in self.run.active_findings if f.fix is not None and not f.fix.safe]
        return FixSummary(fixed=len(self.applied), files=len(self.changed), written=written,
                          unsafe_left=len(remaining))


def wanted(finding: Finding, unsafe: bool) -> bool:
    """Whether ``finding`` is to be fixed: active (not suppressed or accepted), with a fix of an allowed kind."""
    return finding.suppression is None and finding.fix is not None and (finding.fix.safe or unsafe)


def fix_until_stable(run_once: Callable[[RunRequest], Run], request: RunRequest, unsafe: bool) -> FixOutcome:
    """Lint with ``run_once``, apply the wanted fixes to the files' text, and again, until a pass applies none."""
    overlay = dict(request.overlay)
    outcome = FixOutcome(run_once(request))
    secrets = outcome.run.secrets or Secrets()
    for _pass in range(MAX_PASSES):
        run = outcome.run
        by_file: dict[str, list[Finding]] = {}
        for finding in run.findings:
            if wanted(finding, unsafe):
                by_file.setdefault(finding.location.path, []).append(finding)
        progressed = False
        for path, findings in by_file.items():
            absolute = run.absolute_paths.get(path)
            if absolute is None:
                continue
            if absolute not in outcome.before:
                stored = read_file_text(absolute)
                if stored is None:
                    continue
                outcome.before[absolute] = stored
                outcome.after[absolute] = stored.text
                outcome.shown[absolute] = findings[0].location.display_path
            fixes = [finding.fix for finding in findings if finding.fix is not None]
            text, applied = apply_fixes(outcome.after[absolute], fixes)
            if not applied or text == outcome.after[absolute]:
                continue
            by_fix = {id(finding.fix): finding for finding in findings}
            outcome.applied.extend(AppliedFix(by_fix[id(fix)], fix) for fix in applied)
            outcome.after[absolute] = text
            overlay[absolute] = outcome.before[absolute].encoded(text)
            progressed = True
        if not progressed:
            break
        outcome.run = run_once(replace(request, overlay=dict(overlay)))
        secrets = secrets | (outcome.run.secrets or Secrets())
    outcome.secrets = secrets
    outcome.run = replace(outcome.run, secrets=secrets)
    return outcome
