"""parse -> classify -> document rules -> cluster rules -> locate -> fingerprint -> suppress -> sort -> Run.

The engine is the only place that turns a rule's :class:`Issue` (what and where, as a YAML path) into a
:class:`Finding` (which line and column, which severity, which fingerprint). It never prints.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Optional

from linter import __version__, kinds
from linter.cluster import Cluster, group_clusters
from linter.config import Config
from linter.contract import RuleContext
from linter.discover import Candidate, discover, find_root, relative_path
from linter.document import Document, ParsedFile, ParseFailure, SourceFile, YamlParser, format_path
from linter.loading import looks_like_palette_text, parse_file, read_source
from linter.model import (
    INTERNAL_ERROR_ID, PARSE_ERROR_ID, Finding, Issue, Location, Notice, RelatedLocation, Rule, Run, Severity,
    Span,
)
from linter.registry import resolve
from linter.schemas import SchemaStore
from linter.suppress import DirectiveProblem, ExternalSuppression, apply_suppressions, per_file_ignores


@dataclass(frozen=True)
class Settings:
    """What one run is asked to do, after the CLI and the configuration have been merged."""

    paths: tuple[str, ...]
    config: Config = field(default_factory=Config)
    select: Optional[tuple[str, ...]] = None
    ignore: tuple[str, ...] = ()
    fail_on: Optional[Severity] = Severity.ERROR
    now: Optional[_dt.datetime] = None
    root: Optional[Path] = None


def enabled_rules(rules: Iterable[Rule], settings: Settings) -> list[Rule]:
    """The rules a run uses: ``select`` (CLI over config, default all) minus ``ignore`` (both) minus rules
    the config turns off. PAL999 internal-error is always on."""
    catalogue = list(rules)
    config = settings.config
    select = settings.select if settings.select is not None else config.select
    chosen: dict[str, Rule] = {}
    for token in select if select is not None else ("ALL",):
        for found in resolve(token, catalogue):
            chosen[found.id] = found
    for token in (*config.ignore, *settings.ignore):
        for found in resolve(token, catalogue):
            chosen.pop(found.id, None)
    for candidate in list(chosen.values()):
        if config.settings_for(candidate.id, candidate.name).enabled is False:
            chosen.pop(candidate.id, None)
    for candidate in catalogue:
        if candidate.id == INTERNAL_ERROR_ID:
            chosen[candidate.id] = candidate
    return sorted(chosen.values(), key=lambda r: r.id)


class Engine:
    """Runs a set of rules over files. One engine may serve several runs; it holds the parser and schemas."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.catalogue = sorted(rules, key=lambda r: r.id)
        self.parser = YamlParser()
        self.schemas = SchemaStore()

    # ---- the run ------------------------------------------------------------------------------
    def run(self, settings: Settings) -> Run:
        rules = enabled_rules(self.catalogue, settings)
        by_id = {r.id: r for r in self.catalogue}
        notices: list[Notice] = []
        root = settings.root or find_root(Path.cwd())
        config = settings.config
        candidates = discover(settings.paths, config.exclude, config.root if config.path else None, notices)
        now = settings.now or _dt.datetime.now(_dt.timezone.utc)
        collector = _Collector(settings, by_id, {r.id for r in rules})
        parsed_files: list[ParsedFile] = []
        for candidate in candidates:
            parsed = self._load(candidate, root, collector, notices)
            if parsed is not None:
                parsed_files.append(parsed)
        contexts = {r.id: self._context(r, settings, now) for r in rules}
        document_rules = [r for r in rules if r.scope == "document"]
        cluster_rules = [r for r in rules if r.scope == "cluster"]
        for parsed in parsed_files:
            for doc in parsed.documents:
                for current in document_rules:
                    if doc.kind in current.kinds:
                        self._apply(current, doc, collector, lambda r=current, d=doc: r.check(d, contexts[r.id]))
        if cluster_rules:
            for cluster in group_clusters(parsed_files, config):
                anchor = cluster.documents[0]
                for current in cluster_rules:
                    if any(doc.kind in current.kinds for doc in cluster.documents):
                        self._apply(current, anchor, collector,
                                    lambda r=current, c=cluster: r.check(c, contexts[r.id]))
        if any(r.scope == "change" for r in rules):
            notices.append(Notice("change rules skipped: no base revision to compare with", level="note"))
        ignored_per_file = per_file_ignores(config, self.catalogue, root)
        outcome = apply_suppressions(collector.finish(), collector.sources, collector.partial, self.catalogue,
                                     collector.enabled, ignored_per_file)
        findings = collector.with_problems(outcome.findings, outcome.problems, ignored_per_file)
        return Run(findings=findings, rules=tuple(rules), files_checked=len(parsed_files),
                   notices=tuple(notices), tool_version=__version__, fail_on=settings.fail_on)

    def _context(self, current: Rule, settings: Settings, now: _dt.datetime) -> RuleContext:
        options = current.default_options
        options.update(dict(settings.config.settings_for(current.id, current.name).options))
        return RuleContext(options=options, now=now, schemas=self.schemas)

    def _load(self, candidate: Candidate, root: Path, collector: _Collector,
              notices: list[Notice]) -> Optional[ParsedFile]:
        rel = relative_path(candidate.absolute, root)
        source, failure, sniff = read_source(candidate.absolute, rel, candidate.display)
        if source is None:
            assert failure is not None
            if candidate.explicit or looks_like_palette_text(sniff):
                collector.failure(SourceFile("", rel, candidate.display), failure)
            return None
        parsed = parse_file(self.parser, source, candidate.explicit)
        parsed.absolute_path = candidate.absolute
        if parsed.root is None:
            if candidate.explicit or looks_like_palette_text(source.text):
                collector.linted(source, complete=False)
                for failure in parsed.failures:
                    collector.failure(source, failure)
            return None
        if parsed.root.kind == kinds.UNKNOWN:
            if candidate.explicit:
                notices.append(Notice(
                    "not a Palette profile, OS-layer values or user-data file (the kind is read from the "
                    "content); skipped", path=candidate.display, level="warning"))
            return None
        collector.linted(source, complete=not parsed.failures)
        for failure in parsed.failures:  # a pack whose values do not parse
            collector.failure(source, failure)
        return parsed

    def _apply(self, current: Rule, anchor: Document, collector: _Collector, call: Any) -> None:
        try:
            for issue in call():
                collector.issue(current, issue.doc or anchor, issue)
        except Exception as exc:  # a failing rule must not stop the others (ruff)
            collector.internal_error(current, anchor, exc)


class _Collector:
    """Turns issues into findings: location, severity, fingerprint; then sorts them."""

    def __init__(self, settings: Settings, rules: dict[str, Rule], enabled: set[str]) -> None:
        self.settings = settings
        self.rules = rules
        self.enabled = enabled
        self.findings: list[Finding] = []
        self.sources: dict[str, SourceFile] = {}  # the files linted, for their suppression comments
        self.partial: set[str] = set()  # files on which not every rule ran (parts did not parse)

    def linted(self, source: SourceFile, complete: bool) -> None:
        self.sources[source.path] = source
        if not complete:
            self.partial.add(source.path)

    def _severity(self, current: Rule, suggested: Optional[Severity]) -> Severity:
        configured = self.settings.config.settings_for(current.id, current.name).severity
        return configured or suggested or current.severity

    def failure(self, source: SourceFile, failure: ParseFailure) -> None:
        current = self.rules.get(PARSE_ERROR_ID)
        if current is None or PARSE_ERROR_ID not in self.enabled:
            return
        location = Location(source.path, source.display_path, failure.span, "")
        self._add(current, self._severity(current, None), failure.message, location, (), failure.kind)

    def issue(self, current: Rule, doc: Document, issue: Issue) -> None:
        if issue.span is not None:
            span = doc.outer_span(issue.span)
            yaml_path = format_path(doc.outer_path(issue.at)) if issue.at else ""
        else:
            span = doc.span_of(issue.at, issue.part)
            yaml_path = format_path(doc.outer_path(issue.at))
        location = Location(doc.path, doc.display_path, span, yaml_path)
        related = []
        for item in issue.related:
            other = item.doc or doc
            related.append(RelatedLocation(
                Location(other.path, other.display_path, other.span_of(item.at, "auto"),
                         format_path(other.outer_path(item.at))), item.message))
        self._add(current, self._severity(current, issue.severity), issue.message, location, tuple(related),
                  issue.value)

    def internal_error(self, current: Rule, doc: Document, exc: BaseException) -> None:
        internal = self.rules.get(INTERNAL_ERROR_ID)
        if internal is None:
            raise exc
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
        message = (f"rule {current.id} ({current.name}) failed with {type(exc).__name__}{where}; the other rules "
                   "still ran. Please report this with the file that triggers it.")
        location = Location(doc.path, doc.display_path, doc.outer_span(Span(1, 1, 1, 2)), "")
        self._add(internal, Severity.ERROR, message, location, (), current.id)

    def _add(self, current: Rule, severity: Severity, message: str, location: Location,
             related: tuple[RelatedLocation, ...], value: str) -> None:
        self.findings.append(self._make(current, severity, message, location, related, value))

    @staticmethod
    def _make(current: Rule, severity: Severity, message: str, location: Location,
              related: tuple[RelatedLocation, ...], value: str) -> Finding:
        return Finding(current.id, current.name, severity, message, location, related,
                       _fingerprint(current.id, location, value))

    def with_problems(self, findings: tuple[Finding, ...], problems: Iterable[DirectiveProblem],
                      external: Optional[ExternalSuppression]) -> tuple[Finding, ...]:
        """``findings`` plus the enabled PAL900/PAL901 findings about suppression comments, sorted."""
        added = []
        for problem in problems:
            current = self.rules.get(problem.rule_id)
            if current is not None and current.id in self.enabled:
                location = Location(problem.path, problem.display_path, problem.span, "")
                finding = self._make(current, self._severity(current, None), problem.message, location, (),
                                     problem.value)
                added.append(replace(finding, suppression=external(finding)) if external else finding)
        return tuple(sorted((*findings, *added), key=Finding.sort_key))

    def finish(self) -> tuple[Finding, ...]:
        ordered = sorted(self.findings, key=Finding.sort_key)
        unique: list[Finding] = []
        seen_keys: set[tuple[Any, ...]] = set()
        counts: dict[str, int] = {}
        for finding in ordered:
            key = (finding.rule_id, finding.location, finding.message)
            if key in seen_keys:
                continue  # the same issue reached through an alias or reported twice
            seen_keys.add(key)
            count = counts.get(finding.fingerprint, 0)
            counts[finding.fingerprint] = count + 1
            if count:
                finding = _with_fingerprint(finding, f"{finding.fingerprint}:{count + 1}")
            unique.append(finding)
        return tuple(unique)


def _fingerprint(rule_id: str, location: Location, value: str) -> str:
    """Stable across edits elsewhere in the file: rule, file, YAML path and a digest of the value; the line
    is used only for findings that have no YAML path (parse errors)."""
    anchor = location.yaml_path or f"@{location.span.line}"
    digest = hashlib.sha256("\x1f".join((rule_id, location.path, anchor, value)).encode("utf-8")).hexdigest()
    return digest[:32]


def _with_fingerprint(finding: Finding, fingerprint: str) -> Finding:
    return replace(finding, fingerprint=fingerprint)
