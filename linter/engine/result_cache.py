"""A cache of lint results, keyed by file content, rule set and configuration (ruff keeps one the same way).

The unit of caching is a *lint unit*: the files whose clusters are formed together (one directory, or one
cluster the configuration declares). Its key is a digest of everything its findings depend on: palette-lint's
own code, rule modules and schemas (their paths, sizes and modification times), the enabled rules and their
options, the configuration, the repository root, the base revision, and each file's path, the way it was
named, its content and its base version's content. A
result that read the run's clock (certificate validity) also records the clock, to the hour when the clock is
the real one and exactly when ``--now`` fixes it, and is reused only under the same clock.

Entries are JSON files under ``.palette-lint-cache/v4/`` at the repository root (the directory ignores itself in
git), written and read by msgspec as typed JSON (a :class:`UnitResult`). Findings are stored after redaction,
so no secret is written. A cache that cannot be read or written is
ignored: the run does the work instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Optional

from msgspec import Struct

from linter.model import Finding, Notice

CACHE_DIRECTORY = ".palette-lint-cache"
FORMAT = "v4"
#: Entries kept beyond those a run uses; the least recently used are pruned past this.
SPARE_ENTRIES = 2000


class UnitResult(Struct, frozen=True):
    """What linting one unit gave: its findings (redacted), the base revision's findings for it (when the run
    compares with one), notices, the files linted (repository-relative; a file with a parse error counts, one
    that is not Palette's does not), the kinds of document they hold, and the clock the result depended on (''
    when it did not read the clock). The secret values read are not part of it: they are never stored."""

    findings: tuple[Finding, ...]
    base_findings: tuple[Finding, ...] = ()
    notices: tuple[Notice, ...] = ()
    linted: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    clock: str = ""


def code_fingerprint(directories: Iterable[Path]) -> str:
    """A digest of the files palette-lint runs: paths, sizes and modification times (cheap, and changes with
    any edit of an editable install)."""
    import hashlib  # imported on use, as in digest()

    digest = hashlib.sha256()
    for directory in directories:
        for path in sorted(directory.rglob("*")):
            if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
                try:
                    info = path.stat()
                except OSError:
                    continue
                digest.update(f"{path}\x1f{info.st_size}\x1f{info.st_mtime_ns}\n".encode("utf-8", "replace"))
    return digest.hexdigest()


def digest(*parts: str) -> str:
    import hashlib  # imported on use: a --no-cache run keys nothing, and hashlib loads OpenSSL

    return hashlib.sha256("\x1e".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


class ResultCache:
    """The cache directory of one run, for one run key (code, rules, options, configuration)."""

    def __init__(self, root: Path, run_key: str) -> None:
        self.directory = root / CACHE_DIRECTORY / FORMAT
        self.run_key = run_key
        self.used: set[str] = set()

    def unit_key(self, files: Iterable[tuple[str, ...]]) -> str:
        """The key of a unit from its files' identities (path, name as given, content digest, ...)."""
        return digest(self.run_key, *("\x1f".join(parts) for parts in files))

    def get(self, key: str, clock_hour: str, clock_exact: str) -> Optional[UnitResult]:
        """The stored result of the unit ``key``, if it is valid under the run's clock."""
        import msgspec  # typed JSON: a damaged or foreign entry is refused by its types, never half-read

        path = self._path(key)
        try:
            result = msgspec.json.decode(path.read_bytes(), type=UnitResult)
        except (OSError, msgspec.DecodeError):
            return None  # missing, damaged, or of another version's shape: recompute
        if result.clock and result.clock not in (clock_hour, clock_exact):
            return None
        self.used.add(key)
        try:
            os.utime(path)  # recently used: kept when the cache is pruned
        except OSError:
            pass
        return result

    def put(self, key: str, result: UnitResult) -> None:
        import tempfile  # imported here: a run that writes no entry (--no-cache, or every unit cached) needs none

        import msgspec

        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._ignore_in_git()
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as out:
                out.write(msgspec.json.encode(result))
            os.replace(temporary, path)
        except OSError:
            return  # a read-only checkout: no cache, same results
        self.used.add(key)

    def prune(self) -> None:
        """Remove the least recently used entries beyond those this run used plus SPARE_ENTRIES."""
        try:
            entries = [p for p in self.directory.glob("*/*.json")]
            if len(entries) <= len(self.used) + SPARE_ENTRIES:
                return
            entries.sort(key=lambda p: p.stat().st_mtime)
            for stale in entries[:len(entries) - len(self.used) - SPARE_ENTRIES]:
                stale.unlink()
        except OSError:
            return

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def _ignore_in_git(self) -> None:
        marker = self.directory.parent / ".gitignore"
        if not marker.exists():
            marker.write_text("# Created by palette-lint: its result cache.\n*\n", encoding="utf-8")
