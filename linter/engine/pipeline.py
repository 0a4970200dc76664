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
from typing import Any, Iterable, Mapping, Optional

from msgspec.structs import replace

from linter import __version__
from linter.changes.history import MODIFIED, OUTSIDE, History, deleted_candidates, open_history, why_no_base
from linter.changes.pairs import is_deployed
from linter.config.load import Config
from linter.config.rule_options import resolve_options
from linter.engine.clusters import cluster_key
from linter.engine.discover import (
    Candidate,
    Excluded,
    discover,
    find_root,
    is_excluded,
    printable_path,
    relative_path,
    with_files_read,
)
from linter.engine.request import RunError, RunRequest, enabled_rules
from linter.engine.result_cache import ResultCache, UnitResult, code_fingerprint, digest
from linter.engine.suppress import per_file_ignores
from linter.engine.units import DELETED, FileInput, LintedUnit, UnitJob, UnitLinter, read_now
from linter.engine.workers import Progress, lint_units, worker_count
from linter.inputs import read_file
from linter.inputs.decode import MAX_FILE_BYTES
from linter.inputs.kinds import UNKNOWN
from linter.inputs.reader import ParsedFile
from linter.model import Finding, Notice, Rule, Run
from linter.redact import Secrets, redact_findings, redact_notices, redact_run
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
        revision asked for that cannot be used, a configuration of a linted folder that cannot be used)."""
        from linter.config.files import ConfigError

        try:
            return self._run(request, progress)
        except ConfigError as exc:
            raise RunError([str(exc)]) from None

    def _run(self, request: RunRequest, progress: Optional[Progress]) -> Run:
        notices: list[Notice] = []
        root = request.root or find_root(Path.cwd())

        def excluded(absolute: str) -> bool:
            # By the configuration of the folder that holds it: a folder with a configuration of its own is
            # still excluded by the one above it.
            return is_excluded(absolute, request.governing(os.path.dirname(absolute)))

        candidates = discover(request.paths, excluded, root, notices, named_as_walked=request.skip_unknown,
                              opted_in=request.opted_in, unsaved=frozenset(request.overlay))
        candidates, files_read = with_files_read(candidates, excluded, root)
        history = open_history(request.base, request.paths, notices)
        files = file_inputs(candidates, history, request, root, excluded)
        configs = {file.path: request.governing(os.path.dirname(file.candidate.absolute)) for file in files}
        distinct = {_config_key(config): config for config in configs.values()}
        jobs = self._jobs(request, distinct, root, history, notices)
        rules = sorted({rule.id: rule for job in jobs.values() for rule in job.rules}.values(), key=lambda r: r.id)
        change_rules = [rule for rule in rules if rule.scope == "change"]
        if history is not None and change_rules:
            notices.extend(_outside_notice(files, history))
        units = group_units(files, configs, files_read)
        linters = UnitLinters({key: UnitLinter(self.catalogue, self.parser, self.schemas, job)
                               for key, job in jobs.items()},
                              {file.candidate.absolute: _config_key(configs[file.path]) for file in files})
        collecting = gc.isenabled()
        gc.disable()  # the parsed documents are many small objects; collections would scan them again and again
        try:
            outcomes = lint_units(linters, units, worker_count(request.jobs, len(files)), progress)
            cache = next((job.cache for job in jobs.values() if job.cache is not None), None)
            outcomes, secrets = settle(outcomes, units, linters, cache)
        finally:
            if collecting:
                gc.enable()
        findings = tuple(sorted((f for outcome in outcomes for f in outcome.result.findings), key=Finding.sort_key))
        notices.extend(notice for outcome in outcomes for notice in outcome.result.notices)
        linted = {path for outcome in outcomes for path in outcome.result.linted}
        notices.extend(_nothing_linted(request, candidates, linted, root))
        kinds = {kind for outcome in outcomes for kind in outcome.result.kinds}
        if request.base is None and any(kinds & rule.kinds for rule in change_rules):
            notices.append(Notice(f"change rules ({', '.join(rule.id for rule in change_rules)}) skipped: "
                                  f"{why_no_base(request.paths)}"))
        absent: tuple[Finding, ...] = ()
        comparison = None
        if history is not None or request.baseline is not None:
            from linter.changes.baseline import compare, locator

            base_findings = tuple(sorted((f for outcome in outcomes for f in outcome.result.base_findings),
                                         key=Finding.sort_key)) if history is not None else None
            findings, absent, comparison = compare(
                findings, base_findings=base_findings, base_label=history.label if history else "",
                baseline=request.baseline, new_only=request.new_only and history is not None,
                rules={r.id: r for r in rules},
                locate=locator([f.path for f in files if f.state != DELETED], self._reader_of(files),
                               request.paths, root))
        thresholds = {path: request.threshold(config) for path, config in configs.items()}
        return redact_run(Run(findings=findings, rules=tuple(rules), files_checked=len(linted),
                              absolute_paths={f.path: f.candidate.absolute for f in files if f.state != DELETED},
                              notices=tuple(notices), tool_version=__version__, fail_on=request.fail_on,
                              fail_on_by_path={path: threshold for path, threshold in thresholds.items()
                                               if threshold != request.fail_on},
                              absent=absent, comparison=comparison), secrets)

    def _jobs(self, request: RunRequest, configs: dict[str, Config], root: Path, history: Optional[History],
              notices: list[Notice]) -> dict[str, UnitJob]:
        """What linting a unit needs, for each configuration that governs files of the run."""
        cache = None
        if request.cache_root is not None:
            cache, why_not = ResultCache.open(request.cache_root)
            if cache is None:
                notices.append(Notice(why_not, level="warning"))
        code = code_fingerprint([_PACKAGE, rules_dir(), schemas_dir(), *request.config.rule_dirs]) \
            if cache is not None else ""
        return {key: self._job(request, config, root, history, cache, code) for key, config in configs.items()}

    def _job(self, request: RunRequest, config: Config, root: Path, history: Optional[History],
             cache: Optional[ResultCache], code: str) -> UnitJob:
        rules = enabled_rules(self.catalogue, request, config)
        options = {rule.id: resolve_options(rule, dict(config.rule_config(rule.id, rule.name).options))
                   for rule in self.catalogue}
        now = request.now or _dt.datetime.now(_dt.timezone.utc)
        base_label = history.label if history is not None else ""
        run_key = ""
        if cache is not None:
            run_key = digest(__version__, code, str(root), str(request.skip_unknown), str(sorted(request.opted_in)),
                             ",".join(r.id for r in rules),
                             repr(sorted((k, sorted(v.items())) for k, v in options.items())),
                             repr(config.rules), repr(config.clusters), repr(config.per_file_ignores),
                             str(config.path), str(config.root), base_label)
        return UnitJob(rules=tuple(rules), options=options, config=config, now=now,
                       clock=now.isoformat() if request.now else now.strftime("%Y-%m-%dT%H"),
                       fixed_clock=request.now is not None,
                       ignored_per_file=per_file_ignores(config, self.catalogue, root), cache=cache, run_key=run_key,
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


def file_inputs(candidates: list[Candidate], history: Optional[History], request: RunRequest, root: Path,
                excluded: Excluded) -> list[FileInput]:
    """The run's files with where each side comes from: without a base, the working tree only; with one, the
    index for --staged, the base revision's content of changed files and of the copies' sources, and the
    files deleted since the base that a walk of the linted directories would have linted."""
    if history is None:
        return [FileInput(c, relative_path(c.absolute, root), staged=request.overlay.get(c.absolute))
                for c in candidates]
    staged, staged_too_large = history.index_texts(candidates, MAX_FILE_BYTES)
    deleted = deleted_candidates(history, request.paths, excluded, request.opted_in)
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
            candidate, relative_path(candidate.absolute, root), state,
            request.overlay.get(candidate.absolute, staged.get(candidate.absolute)),
            blobs.get(path) if path is not None else None,
            f"{history.short}:{history.old_path(path)}" if path is not None else "",
            is_deployed(request.governing(candidate.absolute), candidate.absolute, existed_at_base=state == MODIFIED),
            staged_too_large.get(candidate.absolute, 0), base_too_large.get(path, 0) if path is not None else 0))
    return files


def group_units(files: list[FileInput], configs: Mapping[str, Config],
                files_read: Optional[dict[str, list[str]]] = None) -> list[list[FileInput]]:
    """The files grouped by the configuration that governs them (``configs``, by repository-relative path) and
    the cluster they can be part of there (:func:`linter.engine.clusters.cluster_key`); a file that reads
    others as its parts (``files_read``: a Terraform ``file()``) is in one unit with them."""
    keys = {file.candidate.absolute: f"{_config_key(configs[file.path])}\x00"
                                     f"{cluster_key(file.candidate.absolute, file.path, configs[file.path])}"
            for file in files}
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


def _config_key(config: Config) -> str:
    """Which configuration a job is for: its file, or '' for the defaults."""
    return str(config.path) if config.path is not None else ""


class UnitLinters:
    """The unit linter of each configuration of a run; a unit is linted by the one of its first file."""

    def __init__(self, by_config: dict[str, UnitLinter], config_of: dict[str, str]) -> None:
        self.by_config = by_config
        self.config_of = config_of  # a file's absolute path -> its configuration's key

    def lint(self, unit: list[FileInput], use_cache: bool = True) -> LintedUnit:
        return self.by_config[self.config_of[unit[0].candidate.absolute]].lint(unit, use_cache)


def settle(outcomes: list[LintedUnit], units: list[list[FileInput]], linters: UnitLinters,
           cache: Optional[ResultCache]) -> tuple[list[LintedUnit], Secrets]:
    """The run's outcomes once the result cache agrees with a cold run, and every secret value the run read.

    Every unit's secrets are known here, a cached unit's read back from their places in its files. A cached
    result counts only while every secret value redacted in it is still a secret of the run (else the unit is
    linted again: it would print that value now). Then each result that may be kept is stored redacted with all
    of the run's secrets, not only its own (one file's password may appear in another's findings), and a cached
    one that the run's secrets would change is stored again, redacted."""
    secrets = Secrets(value for outcome in outcomes for value in outcome.secrets)
    if cache is None:
        return outcomes, secrets
    known = secrets.digests(cache.secret_digest)
    settled = []
    for outcome, unit in zip(outcomes, units):
        if outcome.cached and not set(outcome.result.redacted_with) <= known:
            outcome = linters.lint(unit, use_cache=False)  # stale: a value it hides is no longer secret
            secrets = secrets | Secrets(outcome.secrets)
        settled.append(outcome)  # the cache records the entries it reads and writes, which pruning keeps
    for outcome in settled:
        if not (outcome.storable or outcome.cached) or not outcome.key:
            continue
        found = secrets.digests(cache.secret_digest, within=_texts(outcome.result))
        if outcome.cached and not found:
            continue  # stored as it is printed: nothing to rewrite
        redacted = replace(outcome.result,
                           findings=redact_findings(outcome.result.findings, secrets),
                           base_findings=redact_findings(outcome.result.base_findings, secrets),
                           notices=redact_notices(outcome.result.notices, secrets),
                           redacted_with=tuple(sorted({*outcome.result.redacted_with, *found})))
        cache.put(outcome.key, redacted)
    cache.prune()
    return settled, secrets


def _texts(result: UnitResult) -> list[str]:
    """Every text of a result that output shows: messages, help, YAML paths and notices."""
    texts = [notice.message for notice in result.notices]
    for finding in (*result.findings, *result.base_findings):
        texts.extend((finding.message, finding.help, finding.location.yaml_path))
        texts.extend(text for related in finding.related for text in (related.message, related.location.yaml_path))
    return texts


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
