"""Linting one unit of files: the one path from files to findings, for the files now and for their base
revision alike.

A *unit* is the files whose clusters are formed together (one directory, or one cluster the configuration
declares: :func:`linter.engine.clusters.cluster_key`), so each unit's findings depend on its own files only:
units can be linted in any order, in worker processes, or taken from the result cache.

For each file of a unit: read (bytes to text), parse and classify (the readers), collect its secret values
(kept out of every output), then report it or lint it. A file that reads other files as part of itself (a
Terraform profile's ``values = file(...)``) is read first, with the unit's own reads of them (the engine puts
them in its unit): each becomes a file of the unit, linted once, as that file's part. Document and cluster
rules run on the files now and, when the run compares with a base revision, on the base versions too (through
the very same steps; an unchanged file is parsed once for both sides); change rules run on each changed file
with its base version. Suppressions and GitHub line hashes finish the unit's findings.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from typing import Any, Callable, Optional, Sequence

from msgspec import Struct
from msgspec.structs import replace

from linter.changes.pairs import pair_documents
from linter.config.load import Config
from linter.engine.budget import DEFAULT_FILE_SECONDS, OutOfTime, time_limit
from linter.engine.checks import check_change, check_clusters, check_documents
from linter.engine.contract import RuleContext
from linter.engine.discover import Candidate
from linter.engine.findings import FindingCollector
from linter.engine.result_cache import ResultCache, UnitResult
from linter.engine.secret_places import place_secrets, recover_secrets
from linter.engine.suppress import ExternalSuppression, apply_suppressions
from linter.inputs import syntax_reader
from linter.inputs.admission import NOT_PALETTE, admit, secrets_of
from linter.inputs.decode import MAX_FILE_BYTES, SourceRead, decode_source, read_source, too_large
from linter.inputs.reader import FileOpener, ParsedFile
from linter.model import INTERNAL_ERROR_ID, Finding, Notice, Rule
from linter.redact import Secrets, redact_findings, redact_notices
from linter.validation.store import SchemaStore
from linter.yaml.composer import YamlParser
from linter.yaml.source import SourceFile

#: A file's state against the base revision (linter.changes.history), and one more: gone since the base.
ADDED, MODIFIED, UNCHANGED, OUTSIDE, DELETED = "added", "modified", "unchanged", "outside", "deleted"


class FileInput(Struct, frozen=True):
    """One file of a run and where each of its sides comes from."""

    candidate: Candidate
    path: str  # repository-relative, POSIX
    state: str = ""  # against the base revision; "" when the run has none
    #: The content linted instead of the working tree's: the index with --staged, or the request's overlay (an
    #: editor's buffer, text --fix has fixed).
    staged: Optional[bytes] = None
    base: Optional[bytes] = None  # the content at the base revision (a changed or deleted file, a copy's source)
    base_shown: str = ""  # how the base version is named in findings: "1a2b3c4d5e:old/name.yaml"
    deployed: bool = False  # for change rules: the file is deployed to existing clusters
    staged_size: int = 0  # with --staged, the size of an index content over the limit (not read)
    base_size: int = 0  # the size of a base version over the limit (not read)


class UnitJob(Struct, frozen=True):
    """What linting any unit of a run needs besides its files: the same for every unit and every worker."""

    rules: tuple[Rule, ...]  # the enabled rules
    options: dict[str, dict[str, Any]]  # every rule's options, by id
    config: Config
    now: _dt.datetime
    clock: str  # the clock a cached result is valid for: exact when fixed, else to the hour
    fixed_clock: bool
    ignored_per_file: Optional[ExternalSuppression]
    cache: Optional[ResultCache]
    run_key: str  # what every unit's result depends on besides its files (code, rules, options, configuration)
    base_label: str  # the base revision described, for change rules' messages; "" when the run has none
    file_seconds: float = DEFAULT_FILE_SECONDS  # the time budget of one file (0: none)


class LintedUnit(Struct, frozen=True):
    """One unit linted: its result; the secret values its files hold (none when read from the cache, where no
    unit holding secrets is kept); its cache key ('' without a cache); whether it came from the cache, and
    whether it may be stored there (the engine stores it once the run's secrets are known)."""

    result: UnitResult
    secrets: frozenset[str] = frozenset()
    key: str = ""
    cached: bool = False
    storable: bool = False


class UnitLinter:
    """Lints units of files for one run: holds the parser, the schemas and the rule catalogue."""

    def __init__(self, catalogue: Sequence[Rule], parser: YamlParser, schemas: SchemaStore, job: UnitJob) -> None:
        self.catalogue = {rule.id: rule for rule in catalogue}
        self.parser = parser
        self.schemas = schemas
        self.job = job
        self.enabled = {rule.id for rule in job.rules}
        self.out_of_time = False  # a file went past its time budget: the unit's result is not cached

    def lint(self, unit: Sequence[FileInput], use_cache: bool = True) -> LintedUnit:
        """The unit linted, or (``use_cache``) its result read from the cache when nothing it depends on has
        changed."""
        reads = {f.path: read_now(f) for f in unit if f.state != DELETED}
        cache = self.job.cache
        key = ""
        if cache is not None:
            key = cache.unit_key(self.job.run_key, (_identity(f, reads.get(f.path)) for f in unit))
            cached = cache.get(key, self.job.clock, self.job.clock if self.job.fixed_clock else "") \
                if use_cache else None
            known = recover_secrets(cached.secret_places, _texts(unit, reads)) if cached is not None else None
            if cached is not None and known is not None:
                return LintedUnit(cached, frozenset(known), key, cached=True)
        self.out_of_time = False
        result, secrets = self._lint(unit, reads)
        places = place_secrets(secrets, _texts(unit, reads)) if cache is not None else None
        # Not kept: a result that depends on the machine's speed, or whose secrets cannot be found again.
        if places is None or self.out_of_time:
            return LintedUnit(result, frozenset(secrets), key)
        return LintedUnit(replace(result, secret_places=places), frozenset(secrets), key, storable=True)

    def _lint(self, unit: Sequence[FileInput], reads: dict[str, SourceRead]) -> tuple[UnitResult, set[str]]:
        job = self.job
        secrets: set[str] = set()
        notices: list[Notice] = []
        parses: dict[SourceFile, ParsedFile] = {}  # by text object: an unchanged file is parsed once for both sides
        contexts = {rule.id: RuleContext(options=job.options[rule.id], now=job.now, schemas=self.schemas)
                    for rule in job.rules}
        now_side = FindingCollector(job.config, self.catalogue, self.enabled)
        files_now: dict[str, ParsedFile] = {}
        opener = _opener(unit, lambda file: reads.get(file.path) if file.state != DELETED else None)
        for file in _readers_first(unit):
            if file.state != DELETED and file.path not in files_now and not file.candidate.part:
                parsed = self._lint_and_check(file, reads[file.path], now_side, notices, parses, secrets, contexts,
                                              opener, files_now)
                if parsed is not None:
                    files_now[file.path] = parsed
        self._check_clusters(list(files_now.values()), contexts, now_side, notices)
        base_findings = self._check_base(unit, reads, files_now, contexts, parses, secrets, now_side) \
            if job.base_label else ()
        documents = {path: parsed.documents for path, parsed in files_now.items()}
        outcome = apply_suppressions(now_side.finish(), now_side.linted_sources, documents, now_side.partial,
                                     list(self.catalogue.values()), self.enabled, job.ignored_per_file)
        findings = now_side.stamp_line_hashes(
            now_side.with_problems(outcome.findings, outcome.problems, job.ignored_per_file))
        hidden = Secrets(secrets)
        clock = job.clock if any(context.clock_read for context in contexts.values()) else ""
        linted = tuple(sorted({*now_side.linted_sources, *now_side.unreadable}))
        kinds = tuple(sorted({doc.kind for parsed in files_now.values() for doc in parsed.documents}))
        return UnitResult(redact_findings(findings, hidden), redact_findings(base_findings, hidden),
                          redact_notices(notices, hidden), linted, kinds, clock), secrets

    def _lint_and_check(self, file: FileInput, read: SourceRead, collector: FindingCollector,
                        notices: list[Notice], parses: dict[SourceFile, ParsedFile], secrets: set[str],
                        contexts: dict[str, RuleContext], open_file: Optional[FileOpener] = None,
                        parts: Optional[dict[str, ParsedFile]] = None,
                        taken: Optional[dict[str, Optional[ParsedFile]]] = None) -> Optional[ParsedFile]:
        """One file read, parsed and checked by the document rules, within the file's time budget; past it, a
        PAL000 finding that names the limit, and the file takes no further part in the run. The files it reads
        as its parts (``open_file``: a Terraform profile's ``file()`` values) join ``parts`` (unless in
        ``taken``) and are checked with it."""
        try:
            with time_limit(self.job.file_seconds):
                parsed = self._lint_file(file, read, collector, notices, parses, secrets, open_file)
                if parsed is not None:
                    check_documents(parsed, self.job.rules, contexts, collector)
                    if parts is not None:
                        for part in _join(parsed, collector, secrets, parts, taken):
                            check_documents(part, self.job.rules, contexts, collector)
                return parsed
        except OutOfTime:
            self.out_of_time = True
            collector.out_of_time(file.path, file.candidate.display, self.job.file_seconds)
            return None

    def _check_clusters(self, files: list[ParsedFile], contexts: dict[str, RuleContext],
                        collector: FindingCollector, notices: Optional[list[Notice]] = None) -> None:
        """The cluster rules on the unit's files, within a budget of one file's time per file."""
        if not files:
            return
        try:
            with time_limit(self.job.file_seconds * len(files)):
                check_clusters(files, self.job.rules, contexts, self.job.config, collector, notices)
        except OutOfTime:
            self.out_of_time = True
            first = files[0].source
            collector.out_of_time(first.path, first.display_path, self.job.file_seconds * len(files),
                                  "checking the cluster of these files")

    def _check_base(self, unit: Sequence[FileInput], reads: dict[str, SourceRead], files_now: dict[str, ParsedFile],
                    contexts: dict[str, RuleContext], parses: dict[SourceFile, ParsedFile], secrets: set[str],
                    now_side: FindingCollector) -> tuple[Finding, ...]:
        """Lint the base versions of the unit's files the way the files now are linted, and run the change rules
        on each changed file with its base version; the base revision's findings."""
        job = self.job
        base_side = FindingCollector(job.config, self.catalogue, self.enabled)
        copies = FindingCollector(job.config, {}, set())  # a copy's source is not part of the base revision
        base_files: list[ParsedFile] = []
        versions: dict[str, Optional[ParsedFile]] = {}
        opener = _opener(unit, lambda file: read_base(file, reads.get(file.path)))
        for file in _readers_first(unit):
            read = read_base(file, reads.get(file.path))
            if read is None or file.path in versions or file.candidate.part:
                continue  # added since the base (and not a copy), outside the repository, or only a part
            side = copies if file.state == ADDED else base_side
            parts: dict[str, ParsedFile] = {}
            if file.state != ADDED:
                parsed = self._lint_and_check(file, read, side, [], parses, secrets, contexts, opener, parts, versions)
            else:
                parsed = self._lint_file(file, read, side, [], parses, secrets, opener)
                if parsed is not None:
                    _join(parsed, side, secrets, parts, versions)
            versions[file.path] = parsed
            versions.update(parts)
            if parsed is not None and file.state != ADDED:
                base_files.extend([parsed, *parts.values()])
        change_rules = [rule for rule in job.rules if rule.scope == "change"]
        for file in unit:
            parsed = files_now.get(file.path)
            before = versions.get(file.path)
            if file.state == MODIFIED and (before is None or before.root is None):
                continue  # the base version is over the size limit or does not parse: nothing to compare with
            if change_rules and parsed is not None and file.state in (ADDED, MODIFIED):
                deployed = file.deployed
                check_change(change_rules, pair_documents(before, parsed),
                             lambda rule: contexts[rule.id].for_change(deployed, job.base_label), now_side)
        self._check_clusters(base_files, contexts, base_side)
        return tuple(f for f in base_side.stamp_line_hashes(base_side.finish()) if f.rule_id != INTERNAL_ERROR_ID)

    def _lint_file(self, file: FileInput, read: SourceRead, collector: FindingCollector, notices: list[Notice],
                   parses: dict[SourceFile, ParsedFile], secrets: set[str],
                   open_file: Optional[FileOpener] = None) -> Optional[ParsedFile]:
        """One file of one side: admitted (parsed, its secrets collected); then the file to lint, or None when it
        cannot be linted (a PAL000 finding says why, when the file is meant for Palette) or is not Palette's.
        ``open_file`` opens the files it reads as its parts (Terraform's ``file()``)."""
        admission = admit(self.parser, read, file.candidate.explicit, file.candidate.absolute, parses, open_file)
        secrets.update(admission.secrets)
        source = admission.source
        if source is not None:
            collector.sources[source.path] = source
        if admission.not_palette and file.candidate.explicit:
            notices.append(Notice(NOT_PALETTE, path=file.candidate.display, level="warning"))
        if admission.parsed is not None:
            notices.extend(admission.parsed.notices)  # what a reader could not read (Terraform expressions)
        if admission.reported:
            if source is not None:
                collector.linted(source, complete=admission.complete)
            for failure in admission.failures:
                collector.failure(source or SourceFile("", file.path, file.candidate.display), failure)
        return admission.parsed


def _readers_first(unit: Sequence[FileInput]) -> list[FileInput]:
    """The unit's files, those that may read other files (Terraform) first, so that the files they read are
    read as their parts and not on their own."""
    return sorted(unit, key=lambda file: syntax_reader(file.path) is None)


def _opener(unit: Sequence[FileInput], read_of: Callable[[FileInput], Optional[SourceRead]]) -> FileOpener:
    """How a reader opens a file another file names: the unit's own read of it (the index with --staged, the base
    revision's version for the base side); None for a file outside the unit (excluded, say) or without text."""
    by_absolute = {file.candidate.absolute: file for file in unit}

    def open_file(absolute_path: str) -> Optional[SourceFile]:
        file = by_absolute.get(absolute_path)
        read = read_of(file) if file is not None else None
        return read[0] if read is not None else None

    return open_file


def _join(parsed: ParsedFile, collector: FindingCollector, secrets: set[str], into: dict[str, ParsedFile],
          taken: Optional[dict[str, Optional[ParsedFile]]] = None) -> list[ParsedFile]:
    """Make the files ``parsed`` read as its parts files of the unit (the first reader of a file wins): their
    secrets, their text for suppression comments and line hashes, their parse failures; the files added."""
    added = []
    for joined in parsed.joined:
        path = joined.source.path
        if path in into or (taken is not None and path in taken):
            continue
        into[path] = joined
        added.append(joined)
        secrets.update(secrets_of(joined))
        collector.sources[path] = joined.source
        collector.linted(joined.source, complete=not joined.failures)
        for problem in joined.failures:
            collector.failure(joined.source, problem)
    return added


def read_now(file: FileInput) -> SourceRead:
    """The file as it is now: the index content with --staged (or the overlay), else the working tree's."""
    if file.staged_size:
        return None, too_large(file.staged_size, MAX_FILE_BYTES), ""
    if file.staged is not None:
        return decode_source(file.staged, file.path, file.candidate.display)
    return read_source(file.candidate.absolute, file.path, file.candidate.display)


def read_base(file: FileInput, now: Optional[SourceRead]) -> Optional[SourceRead]:
    """The file at the base revision: the same text as now when unchanged; None when it has no base version."""
    if file.state == UNCHANGED and now is not None:
        return now
    if file.base_size:
        return None, too_large(file.base_size, MAX_FILE_BYTES), ""
    if file.base is not None:
        return decode_source(file.base, file.path, file.base_shown)
    return None


def _texts(unit: Sequence[FileInput], reads: dict[str, SourceRead]) -> list[str]:
    """The texts a unit's secrets are read from: its files now, then their base versions (in the unit's order)."""
    texts = []
    for file in unit:
        read = reads.get(file.path)
        texts.append(read[0].text if read is not None and read[0] is not None else "")
    for file in unit:
        base = read_base(file, reads.get(file.path)) if file.base is not None else None
        texts.append(base[0].text if base is not None and base[0] is not None else "")
    return texts


def _identity(file: FileInput, read: Optional[SourceRead]) -> tuple[str, ...]:
    """What a unit's result depends on in one of its files: how it was named, its text (or why it has none),
    and its base version."""
    base = hashlib.sha256(file.base).hexdigest() if file.base is not None else ""
    return (file.candidate.absolute, file.candidate.display, str(file.candidate.explicit), file.path,
            _read_digest(read), file.state, base, file.base_shown, str(file.deployed), str(file.base_size))


def _read_digest(read: Optional[SourceRead]) -> str:
    if read is None:
        return ""
    source, failure, _sniff = read
    if source is not None:
        return "text:" + hashlib.sha256(source.text.encode("utf-8", "surrogateescape")).hexdigest()
    return f"failure:{failure.kind if failure else ''}:{failure.message if failure else ''}"
