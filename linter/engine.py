"""parse -> classify -> document rules -> cluster rules -> change rules -> locate -> fingerprint -> suppress ->
sort -> compare with the base revision and the baseline -> redact -> Run.

The engine is the only place that turns a rule's :class:`Issue` (what and where, as a YAML path) into a
:class:`Finding` (which line and column, which severity, which fingerprint). It never prints.
"""

from __future__ import annotations

import datetime as _dt
import gc
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional

from linter import __version__, credentials, kinds
from linter.cluster import cluster_key, group_clusters
from linter.config import Config
from linter.contract import RuleContext
from linter.discover import Candidate, discover, find_root, relative_path
from linter.document import (
    Document,
    ParsedFile,
    ParseFailure,
    SourceFile,
    YamlParser,
    format_path,
)
from linter.history import (
    ADDED,
    MODIFIED,
    OUTSIDE,
    UNCHANGED,
    BaseRequest,
    History,
    deleted_candidates,
    open_history,
)
from linter.line_hash import hashes_of_lines
from linter.loading import (
    decode_source,
    looks_like_palette_text,
    parse_file,
    read_source,
)
from linter.model import (
    INTERNAL_ERROR_ID,
    PARSE_ERROR_ID,
    Finding,
    Issue,
    Location,
    Notice,
    RelatedLocation,
    Rule,
    Run,
    Severity,
    Span,
)
from linter.redact import Secrets, redact_findings, redact_notices, redact_run
from linter.registry import resolve
from linter.resources import rules_dir, schemas_dir
from linter.result_cache import ResultCache, UnitResult, code_fingerprint, digest
from linter.rule_options import resolve_options
from linter.schemas import SchemaStore
from linter.suppress import (
    DirectiveProblem,
    ExternalSuppression,
    apply_suppressions,
    per_file_ignores,
)

if TYPE_CHECKING:  # pragma: no cover
    from linter.baseline import Baseline


@dataclass(frozen=True, slots=True)
class Settings:
    """What one run is asked to do, after the CLI and the configuration have been merged. Without ``config``,
    the default configuration (``Config()``)."""

    paths: tuple[str, ...]
    config: Config = field(default_factory=Config)
    select: Optional[tuple[str, ...]] = None
    ignore: tuple[str, ...] = ()
    fail_on: Optional[Severity] = Severity.ERROR
    now: Optional[_dt.datetime] = None
    root: Optional[Path] = None
    skip_unknown: bool = False  # named files are treated like walked ones (pre-commit names every file)
    base: Optional[BaseRequest] = None  # compare with a base revision (change rules, new/unchanged findings)
    new_only: bool = False  # report and fail only on findings that are not in the base revision
    baseline: Optional[Baseline] = None  # accepted findings
    jobs: Optional[int] = None  # worker processes; None: the cores, serial for small inputs
    cache_root: Optional[Path] = None  # keep the result cache below this directory; None: no cache


#: Fewer files than this are linted in this process: starting workers would cost more than it saves.
SERIAL_BELOW = 200
#: A full garbage collection runs after this many files (the collector is paused while linting).
COLLECT_EVERY = 250


@dataclass(frozen=True, slots=True)
class _UnitPlan:
    """What linting one unit needs besides its files, the same for every unit of a run (and every worker)."""

    settings: Settings
    rules: tuple[Rule, ...]
    options: dict[str, dict[str, Any]]
    root: Path
    now: _dt.datetime
    ignored_per_file: Optional[ExternalSuppression]
    cache: Optional[ResultCache]
    clock: str  # the clock a cached result is valid for: exact when fixed, else to the hour
    fixed_clock: bool


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
        notices: list[Notice] = []
        root = settings.root or find_root(Path.cwd())
        config = settings.config
        candidates = discover(settings.paths, config.exclude, config.root if config.path else None, notices,
                              named_as_walked=settings.skip_unknown)
        now = settings.now or _dt.datetime.now(_dt.timezone.utc)
        history = open_history(settings.base, [r.id for r in rules if r.scope == "change"], settings.paths,
                               notices)
        collecting = gc.isenabled()
        gc.disable()  # the parsed documents are many small objects; collections would scan them again and again
        try:
            if history is None and settings.baseline is None:
                return self._run_units(settings, rules, candidates, notices, root, now)
            return self._run_with_history(settings, rules, candidates, notices, root, now, history)
        finally:
            if collecting:
                gc.enable()

    # ---- a run without history: units, in worker processes, from the result cache ----------------------

    def _run_units(self, settings: Settings, rules: list[Rule], candidates: list[Candidate], notices: list[Notice],
                   root: Path, now: _dt.datetime) -> Run:
        """Lint the files unit by unit: a unit is the files whose clusters are formed together (see
        :func:`linter.cluster.cluster_key`), so each unit's findings do not depend on the others. Units go to
        worker processes when there are many files, and come from the result cache when nothing they depend
        on has changed."""
        config = settings.config
        options = self._options(settings, notices)
        cache = None
        if settings.cache_root is not None:
            cache = ResultCache(settings.cache_root, self._run_key(settings, rules, options, root))
        plan = _UnitPlan(settings, tuple(rules), options, root, now, per_file_ignores(config, self.catalogue, root),
                         cache, now.isoformat() if settings.now else now.strftime("%Y-%m-%dT%H"),
                         settings.now is not None)
        units: dict[str, list[Candidate]] = {}
        for candidate in candidates:
            key = cluster_key(candidate.absolute, relative_path(candidate.absolute, root), config)
            units.setdefault(key, []).append(candidate)
        results = self._map_units(list(units.values()), plan, _jobs(settings.jobs, len(candidates)))
        if cache is not None:
            cache.prune()
        findings = sorted((f for result in results for f in result.findings), key=Finding.sort_key)
        secrets = Secrets(value for result in results for value in result.secrets)
        return redact_run(Run(findings=tuple(findings), rules=tuple(rules),
                              files_checked=sum(result.files_checked for result in results),
                              notices=(*notices, *(n for result in results for n in result.notices)),
                              tool_version=__version__, fail_on=settings.fail_on), secrets)

    def _run_key(self, settings: Settings, rules: list[Rule], options: dict[str, dict[str, Any]],
                 root: Path) -> str:
        """What every cached result of this run depends on besides its own files."""
        config = settings.config
        directories = [Path(__file__).resolve().parent, rules_dir(), schemas_dir(), *config.rule_dirs]
        return digest(__version__, code_fingerprint(directories), str(root), str(settings.skip_unknown),
                      ",".join(r.id for r in rules), repr(sorted((k, sorted(v.items())) for k, v in options.items())),
                      repr(config.rules), repr(config.clusters), repr(config.per_file_ignores), str(config.path),
                      str(config.root))

    def _map_units(self, units: list[list[Candidate]], plan: _UnitPlan, jobs: int) -> list[UnitResult]:
        """Every unit's result, in the order of ``units``: in ``jobs`` forked workers, or here."""
        if jobs > 1 and len(units) > 1 and sys.platform.startswith("linux"):
            import multiprocessing

            batches = _batches(units, jobs * 4)
            context = multiprocessing.get_context("fork")  # workers inherit the loaded rules and schemas
            with context.Pool(jobs, initializer=_adopt, initargs=(self, plan, batches)) as pool:
                done = pool.map(_lint_batch, range(len(batches)), chunksize=1)
            return [result for batch in done for result in batch]
        return self.lint_units(units, plan)

    def lint_units(self, units: list[list[Candidate]], plan: _UnitPlan) -> list[UnitResult]:
        results = []
        since_collection = 0
        for unit in units:
            results.append(self._lint_unit(unit, plan))
            since_collection += len(unit)
            if since_collection >= COLLECT_EVERY:  # free what the linted documents leave in reference cycles
                gc.collect()
                since_collection = 0
        return results

    def _lint_unit(self, unit: list[Candidate], plan: _UnitPlan) -> UnitResult:
        settings = plan.settings
        reads = [(candidate, relative_path(candidate.absolute, plan.root)) for candidate in unit]
        texts = [read_source(candidate.absolute, rel, candidate.display) for candidate, rel in reads]
        key = ""
        if plan.cache is not None:
            key = plan.cache.unit_key((candidate.absolute, candidate.display, str(candidate.explicit), rel,
                                       _read_digest(read)) for (candidate, rel), read in zip(reads, texts))
            cached = plan.cache.get(key, plan.clock, plan.clock if plan.fixed_clock else "")
            if cached is not None:
                return cached
        enabled = {r.id for r in plan.rules}
        collector = _Collector(settings, {r.id: r for r in self.catalogue}, enabled)
        notices: list[Notice] = []
        parsed_files = []
        for (candidate, rel), read in zip(reads, texts):
            parsed = self._accept(candidate, rel, read, collector, notices, {})
            if parsed is not None:
                parsed_files.append(parsed)
        contexts = {r.id: RuleContext(options=plan.options[r.id], now=plan.now, schemas=self.schemas)
                    for r in plan.rules}
        self._check(parsed_files, list(plan.rules), contexts, collector)
        outcome = apply_suppressions(collector.finish(), collector.linted_sources, collector.partial,
                                     self.catalogue, enabled, plan.ignored_per_file)
        findings = collector.stamp_line_hashes(
            collector.with_problems(outcome.findings, outcome.problems, plan.ignored_per_file))
        secrets = Secrets(collector.secrets)
        result = UnitResult(redact_findings(findings, secrets), redact_notices(notices, secrets), len(parsed_files),
                            frozenset(collector.secrets),
                            plan.clock if any(c.clock_read for c in contexts.values()) else "")
        if plan.cache is not None:
            plan.cache.put(key, result)
        return result

    def _run_with_history(self, settings: Settings, rules: list[Rule], candidates: list[Candidate],
                          notices: list[Notice], root: Path, now: _dt.datetime,
                          history: Optional[History]) -> Run:
        """A run compared with a base revision or a baseline: in this process, every file parsed for both
        sides at once."""
        from linter.baseline import compare, locator
        config = settings.config
        by_id = {r.id: r for r in self.catalogue}
        collector = _Collector(settings, by_id, {r.id for r in rules})
        staged = history.index_texts(candidates) if history is not None else {}
        reads: dict[str, _Read] = {}
        cache: dict[SourceFile, ParsedFile] = {}
        parsed_files: list[ParsedFile] = []
        for candidate in candidates:
            rel = relative_path(candidate.absolute, root)
            if candidate.absolute in staged:
                reads[candidate.absolute] = decode_source(staged[candidate.absolute], rel, candidate.display)
            else:
                reads[candidate.absolute] = read_source(candidate.absolute, rel, candidate.display)
            parsed = self._accept(candidate, rel, reads[candidate.absolute], collector, notices, cache)
            if parsed is not None:
                parsed_files.append(parsed)
        options = self._options(settings, notices)
        contexts = {r.id: RuleContext(options=options[r.id], now=now, schemas=self.schemas) for r in rules}
        self._check(parsed_files, rules, contexts, collector)
        base_findings: Optional[tuple[Finding, ...]] = None
        secrets = collector.secrets
        if history is not None:
            base_collector = _Collector(settings, by_id, {r.id for r in rules})
            base_world, base_versions = self._load_base(history, settings, candidates, reads, root, cache,
                                                        base_collector)
            change_rules = [r for r in rules if r.scope == "change"]
            if change_rules:
                self._check_changes(change_rules, parsed_files, base_versions, history, contexts, collector,
                                    config, notices)
            self._check(base_world, rules, contexts, base_collector)
            base_findings = tuple(f for f in base_collector.stamp_line_hashes(base_collector.finish())
                                  if f.rule_id != INTERNAL_ERROR_ID)
            secrets = secrets | base_collector.secrets  # absent findings quote the base version
        ignored_per_file = per_file_ignores(config, self.catalogue, root)
        outcome = apply_suppressions(collector.finish(), collector.linted_sources, collector.partial,
                                     self.catalogue, collector.enabled, ignored_per_file)
        findings = collector.stamp_line_hashes(
            collector.with_problems(outcome.findings, outcome.problems, ignored_per_file))
        absent: tuple[Finding, ...] = ()
        comparison = None
        if history is not None or settings.baseline is not None:
            findings, absent, comparison = compare(
                findings, base_findings=base_findings, base_label=history.label if history else "",
                baseline=settings.baseline, new_only=settings.new_only and history is not None,
                rules={r.id: r for r in rules}, locate=locator(candidates, parsed_files, settings.paths, root))
        return redact_run(Run(findings=findings, rules=tuple(rules), files_checked=len(parsed_files),
                              notices=tuple(notices), tool_version=__version__, fail_on=settings.fail_on,
                              absent=absent, comparison=comparison), Secrets(secrets))

    def _check(self, parsed_files: list[ParsedFile], rules: list[Rule], contexts: dict[str, RuleContext],
               collector: _Collector) -> None:
        """Document rules on every document, then cluster rules on every cluster."""
        document_rules = [r for r in rules if r.scope == "document"]
        cluster_rules = [r for r in rules if r.scope == "cluster"]
        for parsed in parsed_files:
            for doc in parsed.documents:
                for current in document_rules:
                    if doc.kind in current.kinds:
                        self._apply(current, doc, collector, lambda r=current, d=doc: r.check(d, contexts[r.id]))
        if cluster_rules:
            for cluster in group_clusters(parsed_files, collector.settings.config):
                anchor = cluster.documents[0]
                for current in cluster_rules:
                    if any(doc.kind in current.kinds for doc in cluster.documents):
                        self._apply(current, anchor, collector,
                                    lambda r=current, c=cluster: r.check(c, contexts[r.id]))

    def _options(self, settings: Settings, notices: list[Notice]) -> dict[str, dict[str, Any]]:
        """Every rule's options: its defaults and the configured values, checked whether the rule is selected
        or not (a wrong option is a configuration error either way)."""
        resolved = {}
        for current in self.catalogue:
            configured = dict(settings.config.settings_for(current.id, current.name).options)
            resolved[current.id], problems = resolve_options(current, configured)
            notices.extend(Notice(f"configuration: {problem}", level="error") for problem in problems)
        return resolved

    def _accept(self, candidate: Candidate, rel: str, read: _Read, collector: _Collector, notices: list[Notice],
                cache: dict[SourceFile, ParsedFile]) -> Optional[ParsedFile]:
        """Parse a file read from disk or git (once per text: ``cache``), report why it cannot be linted, or
        return it."""
        source, failure, sniff = read
        if source is not None:
            collector.sources[source.path] = source
        if source is None:
            collector.secrets.update(credentials.secrets_in_text(sniff))
            assert failure is not None
            if candidate.explicit or looks_like_palette_text(sniff):
                collector.failure(SourceFile("", rel, candidate.display), failure)
            return None
        parsed = cache.get(source)
        if parsed is None:
            parsed = cache[source] = parse_file(self.parser, source, candidate.explicit)
        parsed.absolute_path = candidate.absolute
        for doc in parsed.documents:
            collector.secrets.update(credentials.document_secrets(doc))
        if parsed.failures:  # the file, or a pack's values, does not parse: read its secrets from the text
            collector.secrets.update(credentials.secrets_in_text(source.text))
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

    # ---- the base revision and change rules ---------------------------------------------------

    def _load_base(self, history: History, settings: Settings, candidates: list[Candidate],
                   reads: dict[str, _Read], root: Path, cache: dict[SourceFile, ParsedFile],
                   collector: _Collector) -> tuple[list[ParsedFile], dict[str, Optional[ParsedFile]]]:
        """The base revision of the linted files and of those deleted since, parsed (an unchanged file is the
        very same parsed file), and the base version of each file by absolute path (a copied file's is the
        file it was copied from; an added file has none)."""
        deleted = deleted_candidates(history, settings.paths, settings.config)
        everything = (*candidates, *deleted)
        paths = {c.absolute: history.git_path(c.absolute) for c in everything}
        wanted = [path for path in paths.values()
                  if path is not None and (history.state(path) == MODIFIED or history.copied_from(path))]
        blobs = history.read_base(sorted(set(wanted)))
        world: list[ParsedFile] = []
        versions: dict[str, Optional[ParsedFile]] = {}
        copies = _Collector(settings, {}, set())  # a copy's source is not part of the base revision's findings
        for candidate in everything:
            path = paths[candidate.absolute]
            state = history.state(path)
            rel = relative_path(candidate.absolute, root)
            if state == UNCHANGED and candidate.absolute in reads:
                read = reads[candidate.absolute]
            elif path is not None and blobs.get(path) is not None:
                read = decode_source(blobs[path] or b"", rel, f"{history.short}:{history.old_path(path)}")
            else:
                continue  # added since the base (and not a copy), or outside the repository
            parsed = self._accept(candidate, rel, read, collector if state != ADDED else copies, [], cache)
            versions[candidate.absolute] = parsed
            if parsed is not None and state != ADDED:
                world.append(parsed)
        return world, versions

    def _check_changes(self, change_rules: list[Rule], parsed_files: list[ParsedFile],
                       base_files: dict[str, Optional[ParsedFile]], history: History,
                       contexts: dict[str, RuleContext], collector: _Collector, config: Config,
                       notices: list[Notice]) -> None:
        """Change rules on every changed or added file, each document with its base version."""
        from linter.changes import is_deployed, pair_documents
        outside = 0
        for parsed in parsed_files:
            state = history.state(history.git_path(parsed.absolute_path))
            if state == OUTSIDE:
                outside += 1
            if state not in (ADDED, MODIFIED):
                continue
            deployed = is_deployed(config, parsed.absolute_path, existed_at_base=state == MODIFIED)
            for before, after in pair_documents(base_files.get(parsed.absolute_path), parsed):
                for current in change_rules:
                    if after.kind in current.kinds:
                        context = contexts[current.id].for_change(deployed, history.label)
                        self._apply(current, after, collector,
                                    lambda r=current, b=before, a=after, c=context: r.check(b, a, c))
        if outside:
            notices.append(Notice(
                f"{outside} linted file{'s are' if outside != 1 else ' is'} outside the git repository "
                f"{history.root}: no history, so change rules skip {'them' if outside != 1 else 'it'} and "
                "their findings count as new"))

    def _apply(self, current: Rule, anchor: Document, collector: _Collector, call: Any) -> None:
        try:
            for issue in call():
                collector.issue(current, issue.doc or anchor, issue)
        except Exception as exc:  # a failing rule must not stop the others (ruff)
            collector.internal_error(current, anchor, exc)


#: What reading a file gives: its text, or why there is none, and a best-effort text for sniffing.
_Read = tuple[Optional[SourceFile], Optional[ParseFailure], str]


class _Collector:
    """Turns issues into findings: location, severity, fingerprint; then sorts them."""

    def __init__(self, settings: Settings, rules: dict[str, Rule], enabled: set[str]) -> None:
        self.settings = settings
        self.rules = rules
        self.enabled = enabled
        self.findings: list[Finding] = []
        self.sources: dict[str, SourceFile] = {}  # every decoded file, by path: for GitHub's line hashes
        self.secrets: set[str] = set()  # secret values read from the files, scrubbed from every output
        self.linted_sources: dict[str, SourceFile] = {}  # the files linted, for their suppression comments
        self.partial: set[str] = set()  # files on which not every rule ran (parts did not parse)

    def linted(self, source: SourceFile, complete: bool) -> None:
        self.linted_sources[source.path] = source
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
        import traceback  # imported here: only a rule that crashed needs it

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


def _fingerprint(rule_id: str, location: Location, value: str) -> str:
    """Stable across edits elsewhere in the file: rule, file, YAML path and a digest of the value; the line
    is used only for findings that have no YAML path (parse errors)."""
    import hashlib  # imported on use: a run without findings (or a cache) hashes nothing, and hashlib loads OpenSSL

    anchor = location.yaml_path or f"@{location.span.line}"
    digest = hashlib.sha256("\x1f".join((rule_id, location.path, anchor, value)).encode("utf-8")).hexdigest()
    return digest[:32]


def _with_fingerprint(finding: Finding, fingerprint: str) -> Finding:
    return replace(finding, fingerprint=fingerprint)


def _read_digest(read: _Read) -> str:
    """What a file's result depends on in what was read: its text, or why it could not be read."""
    import hashlib  # imported on use: see _fingerprint

    source, failure, _sniff = read
    if source is not None:
        return "text:" + hashlib.sha256(source.text.encode("utf-8", "surrogateescape")).hexdigest()
    return f"failure:{failure.kind if failure else ''}:{failure.message if failure else ''}"


def _jobs(requested: Optional[int], files: int) -> int:
    """How many processes lint: as requested, else one per usable core, and one for a small input."""
    if requested is not None:
        return max(1, requested)
    if files < SERIAL_BELOW:
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _batches(units: list[list[Candidate]], count: int) -> list[list[list[Candidate]]]:
    """``units`` cut into about ``count`` runs of consecutive units with about the same number of files."""
    total = sum(len(unit) for unit in units)
    size = max(1, -(-total // max(1, count)))
    batches: list[list[list[Candidate]]] = [[]]
    filled = 0
    for unit in units:
        if filled >= size:
            batches.append([])
            filled = 0
        batches[-1].append(unit)
        filled += len(unit)
    return batches


#: In a worker process: the engine, plan and batches it was forked with (set by ``_adopt``).
_WORKER: Optional[tuple[Engine, _UnitPlan, list[list[list[Candidate]]]]] = None


def _adopt(engine: Engine, plan: _UnitPlan, batches: list[list[list[Candidate]]]) -> None:
    global _WORKER
    _WORKER = (engine, plan, batches)


def _lint_batch(index: int) -> list[UnitResult]:
    assert _WORKER is not None, "a worker runs only in a pool started by Engine._map_units"
    engine, plan, batches = _WORKER
    return engine.lint_units(batches[index], plan)
