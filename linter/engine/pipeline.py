"""The one pipeline from files to a :class:`~linter.model.Run`:

discover the files -> open the base revision (when asked) -> group the files into units -> lint each unit (read,
parse and classify, check, suppress: ``linter/engine/units.py``; in workers, or from the result cache) -> compare
with the base revision and the baseline -> redact -> Run.

Every run takes this path: with or without a base revision, a baseline, the cache or workers. The engine never
prints; the CLI does.
"""

from __future__ import annotations

import datetime as _dt
import gc
import os
from pathlib import Path
from typing import Any, Iterable, Optional

from linter import __version__
from linter.changes.history import MODIFIED, OUTSIDE, History, deleted_candidates, open_history, why_no_base
from linter.changes.pairs import is_deployed
from linter.config.load import Config
from linter.config.rule_options import resolve_options
from linter.engine.clusters import cluster_key
from linter.engine.discover import Candidate, discover, find_root, printable_path, relative_path, with_files_read
from linter.engine.request import RunRequest, enabled_rules
from linter.engine.result_cache import ResultCache, code_fingerprint, digest
from linter.engine.suppress import per_file_ignores
from linter.engine.units import DELETED, FileInput, UnitJob, UnitLinter, read_now
from linter.engine.workers import Progress, lint_units, worker_count
from linter.inputs import read_file
from linter.inputs.decode import MAX_FILE_BYTES
from linter.inputs.kinds import UNKNOWN
from linter.inputs.reader import ParsedFile
from linter.model import Finding, Notice, Rule, Run
from linter.redact import Secrets, redact_run
from linter.resources import rules_dir, schemas_dir
from linter.validation.store import SchemaStore
from linter.yaml.composer import YamlParser

#: The linter package: its code is part of every cached result's key.
_PACKAGE = Path(__file__).resolve().parent.parent


class Engine:
    """Runs a set of rules over files. One engine may serve several runs; it holds the parser and schemas."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.catalogue = sorted(rules, key=lambda r: r.id)
        self.parser = YamlParser()
        self.schemas = SchemaStore()

    def run(self, request: RunRequest, progress: Optional[Progress] = None) -> Run:
        """Lint what ``request`` asks; ``progress`` is told how many files of how many are done as units finish.
        Raises :class:`~linter.engine.request.RunError` when the run cannot go on (a missing path, a base
        revision asked for that cannot be used)."""
        rules = enabled_rules(self.catalogue, request)
        notices: list[Notice] = []
        root = request.root or find_root(Path.cwd())
        config = request.config
        candidates = discover(request.paths, config.exclude, config.root if config.path else None, notices,
                              named_as_walked=request.skip_unknown)
        candidates, files_read = with_files_read(candidates, config.exclude, config.root if config.path else None)
        change_rules = [rule for rule in rules if rule.scope == "change"]
        history = open_history(request.base, request.paths, notices)
        files = file_inputs(candidates, history, request, root)
        if history is not None and change_rules:
            notices.extend(_outside_notice(files, history))
        options = self._options(config)
        job = self._job(request, rules, options, root, history)
        units = group_units(files, config, files_read)
        collecting = gc.isenabled()
        gc.disable()  # the parsed documents are many small objects; collections would scan them again and again
        try:
            outcomes = lint_units(UnitLinter(self.catalogue, self.parser, self.schemas, job), units,
                                  worker_count(request.jobs, len(files)), progress)
        finally:
            if collecting:
                gc.enable()
        if job.cache is not None:
            job.cache.prune()
        findings = tuple(sorted((f for result, _ in outcomes for f in result.findings), key=Finding.sort_key))
        secrets = Secrets(value for _, found in outcomes for value in found)
        notices.extend(notice for result, _ in outcomes for notice in result.notices)
        linted = {path for result, _ in outcomes for path in result.linted}
        notices.extend(_nothing_linted(request, candidates, linted, root))
        kinds = {kind for result, _ in outcomes for kind in result.kinds}
        if request.base is None and any(kinds & rule.kinds for rule in change_rules):
            notices.append(Notice(f"change rules ({', '.join(rule.id for rule in change_rules)}) skipped: "
                                  f"{why_no_base(request.paths)}"))
        absent: tuple[Finding, ...] = ()
        comparison = None
        if history is not None or request.baseline is not None:
            from linter.changes.baseline import compare, locator

            base_findings = tuple(sorted((f for result, _ in outcomes for f in result.base_findings),
                                         key=Finding.sort_key)) if history is not None else None
            findings, absent, comparison = compare(
                findings, base_findings=base_findings, base_label=history.label if history else "",
                baseline=request.baseline, new_only=request.new_only and history is not None,
                rules={r.id: r for r in rules},
                locate=locator([f.path for f in files if f.state != DELETED], self._reader_of(files),
                               request.paths, root))
        return redact_run(Run(findings=findings, rules=tuple(rules),
                              files_checked=len(linted),
                              notices=tuple(notices), tool_version=__version__, fail_on=request.fail_on,
                              absent=absent, comparison=comparison), secrets)

    def _options(self, config: Config) -> dict[str, dict[str, Any]]:
        """Every rule's options: its defaults and the configured values (checked before the run, by
        :func:`linter.config.load.check_rule_names`)."""
        return {rule.id: resolve_options(rule, dict(config.rule_config(rule.id, rule.name).options))
                for rule in self.catalogue}

    def _job(self, request: RunRequest, rules: list[Rule], options: dict[str, dict[str, Any]], root: Path,
             history: Optional[History]) -> UnitJob:
        config = request.config
        now = request.now or _dt.datetime.now(_dt.timezone.utc)
        base_label = history.label if history is not None else ""
        cache = None
        if request.cache_root is not None:
            directories = [_PACKAGE, rules_dir(), schemas_dir(), *config.rule_dirs]
            run_key = digest(__version__, code_fingerprint(directories), str(root), str(request.skip_unknown),
                             ",".join(r.id for r in rules),
                             repr(sorted((k, sorted(v.items())) for k, v in options.items())),
                             repr(config.rules), repr(config.clusters), repr(config.per_file_ignores),
                             str(config.path), str(config.root), base_label)
            cache = ResultCache(request.cache_root, run_key)
        return UnitJob(rules=tuple(rules), options=options, config=config, now=now,
                       clock=now.isoformat() if request.now else now.strftime("%Y-%m-%dT%H"),
                       fixed_clock=request.now is not None,
                       ignored_per_file=per_file_ignores(config, self.catalogue, root), cache=cache,
                       base_label=base_label, file_seconds=request.file_seconds)

    def _reader_of(self, files: list[FileInput]) -> Any:
        """A function that reads one of the run's files again, by repository-relative path: for locating
        baseline entries that no finding matches. None when it is not a Palette file or does not parse."""
        by_path = {f.path: f for f in files if f.state != DELETED}

        def parse(path: str) -> Optional[ParsedFile]:
            source, _failure, _sniff = read_now(by_path[path])
            if source is None:
                return None
            parsed = read_file(self.parser, source, by_path[path].candidate.explicit)
            return parsed if parsed.root is not None and parsed.root.kind != UNKNOWN else None

        return parse


def file_inputs(candidates: list[Candidate], history: Optional[History], request: RunRequest,
                root: Path) -> list[FileInput]:
    """The run's files with where each side comes from: without a base, the working tree only; with one, the
    index for --staged, the base revision's content of changed files and of the copies' sources, and the
    files deleted since the base that a walk of the linted directories would have linted."""
    if history is None:
        return [FileInput(c, relative_path(c.absolute, root)) for c in candidates]
    config = request.config
    staged, staged_too_large = history.index_texts(candidates, MAX_FILE_BYTES)
    deleted = deleted_candidates(history, request.paths, config)
    everything = [*candidates, *deleted]
    git_paths = {c.absolute: history.git_path(c.absolute) for c in everything}
    wanted = [path for path in git_paths.values()
              if path is not None and (history.state(path) == MODIFIED or history.copied_from(path))]
    blobs, base_too_large = history.read_base(sorted(set(wanted)), MAX_FILE_BYTES)
    gone = {c.absolute for c in deleted}
    files = []
    for candidate in everything:
        path = git_paths[candidate.absolute]
        state = DELETED if candidate.absolute in gone else history.state(path)
        files.append(FileInput(
            candidate, relative_path(candidate.absolute, root), state, staged.get(candidate.absolute),
            blobs.get(path) if path is not None else None,
            f"{history.short}:{history.old_path(path)}" if path is not None else "",
            is_deployed(config, candidate.absolute, existed_at_base=state == MODIFIED),
            staged_too_large.get(candidate.absolute, 0), base_too_large.get(path, 0) if path is not None else 0))
    return files


def group_units(files: list[FileInput], config: Config,
                files_read: Optional[dict[str, list[str]]] = None) -> list[list[FileInput]]:
    """The files grouped by the cluster they can be part of (:func:`linter.engine.clusters.cluster_key`); a file
    that reads others as its parts (``files_read``: a Terraform ``file()``) is in one unit with them."""
    keys = {file.candidate.absolute: cluster_key(file.candidate.absolute, file.path, config) for file in files}
    merged: dict[str, str] = {}

    def unit_of(key: str) -> str:
        while merged.get(key, key) != key:
            key = merged[key]
        return key

    for reader, paths in (files_read or {}).items():
        for path in paths:
            if reader in keys and path in keys:
                first, second = sorted((unit_of(keys[reader]), unit_of(keys[path])))
                if first != second:
                    merged[second] = first
    units: dict[str, list[FileInput]] = {}
    for file in files:
        units.setdefault(unit_of(keys[file.candidate.absolute]), []).append(file)
    return list(units.values())


def _nothing_linted(request: RunRequest, candidates: list[Candidate], linted: set[str], root: Path) -> list[Notice]:
    """A warning for each directory given that held no Palette file (a named file that is not one has its own
    warning, or is skipped on purpose with --skip-unknown)."""
    found = {c.given for c in candidates if relative_path(c.absolute, root) in linted}
    return [Notice("no Palette file found here (profiles, OS-layer values and user-data are read from their "
                   "content)", path=printable_path(given), level="warning")
            for given in dict.fromkeys(request.paths) if given not in found and os.path.isdir(given)]


def _outside_notice(files: list[FileInput], history: History) -> list[Notice]:
    outside = sum(1 for f in files if f.state == OUTSIDE)
    if not outside:
        return []
    return [Notice(f"{outside} linted file{'s are' if outside != 1 else ' is'} outside the git repository "
                   f"{history.root}: no history, so change rules skip {'them' if outside != 1 else 'it'} and "
                   "their findings count as new")]
