"""Issues become findings: the collector locates each issue from its YAML path (the one place a line and column
are worked out), stamps the rule id and the configured severity, and fingerprints it; parse failures become
PAL000 findings and a crashing rule a PAL999 finding. It never prints."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Iterable, Optional

from msgspec.structs import replace

from linter.config.load import Config
from linter.document import Document
from linter.engine.line_hash import hashes_of_lines
from linter.engine.suppress import DirectiveProblem, ExternalSuppression
from linter.model import (
    INTERNAL_ERROR_ID,
    PARSE_ERROR_ID,
    Finding,
    Fix,
    Issue,
    Location,
    RelatedLocation,
    Rule,
    Severity,
    Span,
)
from linter.palette.credentials import shown_path
from linter.yaml.composer import ParseFailure
from linter.yaml.paths import format_path
from linter.yaml.source import SourceFile


class FindingCollector:
    """The findings of one side (the files now, or the base revision's) of one unit of files."""

    def __init__(self, config: Config, rules: dict[str, Rule], enabled: set[str]) -> None:
        self.config = config
        self.rules = rules  # the whole catalogue, by id
        self.enabled = enabled  # the ids of the rules this run uses
        self.findings: list[Finding] = []
        self.sources: dict[str, SourceFile] = {}  # every decoded file, by path: for GitHub's line hashes
        self.linted_sources: dict[str, SourceFile] = {}  # the files linted, for their suppression comments
        self.partial: set[str] = set()  # files on which not every rule ran (parts did not parse)
        self.unreadable: set[str] = set()  # files reported (PAL000) because they could not be read or decoded

    def linted(self, source: SourceFile, complete: bool) -> None:
        self.linted_sources[source.path] = source
        if not complete:
            self.partial.add(source.path)

    def _severity(self, rule: Rule, suggested: Optional[Severity]) -> Severity:
        configured = self.config.rule_config(rule.id, rule.name).severity
        return configured or suggested or rule.severity

    def failure(self, source: SourceFile, failure: ParseFailure) -> None:
        """A PAL000 finding: the file, or a part of it, cannot be read or parsed; a PAL999 finding when its reader
        failed (kind ``internal``)."""
        if failure.kind == "internal":
            internal = self.rules.get(INTERNAL_ERROR_ID)
            if internal is not None:
                location = Location(source.path, source.display_path, failure.span, "")
                self._add(internal, Severity.ERROR, failure.message, location, (), "reader", failure.help)
                return
        rule = self.rules.get(PARSE_ERROR_ID)
        if rule is None or PARSE_ERROR_ID not in self.enabled:
            return
        location = Location(source.path, source.display_path, failure.span, "")
        if source.path not in self.linted_sources:
            self.unreadable.add(source.path)
        self._add(rule, self._severity(rule, None), failure.message, location, (), failure.kind, failure.help,
                  failure.fix)

    def out_of_time(self, path: str, display_path: str, seconds: float,
                    what: str = "reading and checking the file") -> None:
        """A PAL000 finding: the work on a file went past its time budget, so not every rule ran on it."""
        self.partial.add(path)
        self.failure(SourceFile("", path, display_path), ParseFailure(
            f"{what} took more than {seconds:g} s, the limit", Span(1, 1, 1, 2), kind="time-limit",
            help="palette-lint stopped there; the rest of the run went on. Is the file far larger or stranger "
                 "than a profile? --file-time-limit raises the limit"))

    def issue(self, rule: Rule, doc: Document, issue: Issue) -> None:
        if issue.span is not None:
            span = doc.outer_span(issue.span)
            yaml_path = format_path(shown_path(doc.outer_path(issue.at))) if issue.at else ""
        else:
            span = doc.span_of(issue.at, issue.part)
            yaml_path = format_path(shown_path(doc.outer_path(issue.at)))
        if doc.masked and rule.id != PARSE_ERROR_ID and any(_within(span, masked) for masked in doc.masked):
            return  # a value masked after a parse error: its PAL000 says what is wrong there
        location = Location(doc.path, doc.display_path, span, yaml_path)
        related = []
        for item in issue.related:
            other = item.doc or doc
            related.append(RelatedLocation(
                Location(other.path, other.display_path, other.span_of(item.at, "auto"),
                         format_path(shown_path(other.outer_path(item.at)))), item.message))
        fix = None
        if issue.fix is not None:
            from linter.fix.embedding import placed

            paths = issue.fix.paths or ((issue.at,) if issue.at else ())
            fix = placed(issue.fix, doc, tuple(format_path(shown_path(doc.outer_path(path))) for path in paths))
        self._add(rule, self._severity(rule, issue.severity), issue.message, location, tuple(related), issue.value,
                  issue.help, fix)

    def internal_error(self, rule: Rule, doc: Document, exc: BaseException) -> None:
        """A PAL999 finding: ``rule`` raised on ``doc``. It names the exception's type and place, never its
        message (which may quote the file)."""
        internal = self.rules.get(INTERNAL_ERROR_ID)
        if internal is None:
            raise exc
        import traceback  # imported here: only a rule that crashed needs it

        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
        message = f"rule {rule.id} ({rule.name}) failed with {type(exc).__name__}{where}"
        location = Location(doc.path, doc.display_path, doc.outer_span(Span(1, 1, 1, 2)), "")
        self._add(internal, Severity.ERROR, message, location, (), rule.id,
                  "the other rules still ran; please report this with the file that triggers it")

    def _add(self, rule: Rule, severity: Severity, message: str, location: Location,
             related: tuple[RelatedLocation, ...], value: str, help: str = "", fix: Optional[Fix] = None) -> None:
        self.findings.append(_finding(rule, severity, message, location, related, value, help, fix))

    def with_problems(self, findings: tuple[Finding, ...], problems: Iterable[DirectiveProblem],
                      external: Optional[ExternalSuppression]) -> tuple[Finding, ...]:
        """``findings`` plus the enabled PAL900/PAL901 findings about suppression comments, sorted."""
        added = []
        for problem in problems:
            rule = self.rules.get(problem.rule_id)
            if rule is not None and rule.id in self.enabled:
                location = Location(problem.path, problem.display_path, problem.span, "")
                finding = _finding(rule, self._severity(rule, None), problem.message, location, (), problem.value,
                                   problem.help, problem.fix)
                added.append(replace(finding, suppression=external(finding)) if external else finding)
        return tuple(sorted((*findings, *added), key=Finding.sort_key))

    def finish(self) -> tuple[Finding, ...]:
        """The findings sorted, each once (an issue reached through an alias is reported once), and the
        fingerprints of findings that share one told apart by a count."""
        ordered = sorted(self.findings, key=Finding.sort_key)
        unique: list[Finding] = []
        seen_keys: set[tuple[Any, ...]] = set()
        counts: dict[str, int] = {}
        for finding in ordered:
            key = (finding.rule_id, finding.location, finding.message)
            if key in seen_keys:
                continue
            seen_keys.add(key)
            count = counts.get(finding.fingerprint, 0)
            counts[finding.fingerprint] = count + 1
            if count:
                finding = replace(finding, fingerprint=f"{finding.fingerprint}:{count + 1}")
            unique.append(finding)
        return tuple(unique)

    def stamp_line_hashes(self, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
        """Stamp GitHub's ``primaryLocationLineHash`` of each finding's start line, hashing only files with
        findings and only up to their last finding's line. A file that could not be decoded gets none
        (upload-sarif computes it)."""
        wanted: dict[str, set[int]] = {}
        for finding in findings:
            if finding.location.path in self.sources:
                wanted.setdefault(finding.location.path, set()).add(finding.location.span.line)
        hashes: dict[str, dict[int, str]] = {}
        for path, lines in wanted.items():
            source = self.sources[path]
            hashes[path] = hashes_of_lines(("\ufeff" if source.bom else "") + source.text, lines)
        stamped = []
        for finding in findings:
            found = hashes.get(finding.location.path, {}).get(finding.location.span.line)
            stamped.append(replace(finding, line_hash=found) if found else finding)
        return tuple(stamped)


def _finding(rule: Rule, severity: Severity, message: str, location: Location,
             related: tuple[RelatedLocation, ...], value: str, help: str = "", fix: Optional[Fix] = None) -> Finding:
    return Finding(rule.id, rule.name, severity, message, location, related, fingerprint(rule.id, location, value),
                   help=help, fix=fix)


def fingerprint(rule_id: str, location: Location, value: str) -> str:
    """Stable across edits elsewhere in the file: rule, file, YAML path and a digest of the value; the line
    is used only for findings that have no YAML path (parse errors)."""
    anchor = location.yaml_path or f"@{location.span.line}"
    return hashlib.sha256("\x1f".join((rule_id, location.path, anchor, value)).encode("utf-8")).hexdigest()[:32]


def _within(span: Span, outer: Span) -> bool:
    """Whether ``span`` starts inside ``outer``."""
    return (outer.line, outer.column) <= (span.line, span.column) < (outer.end_line, outer.end_column)
