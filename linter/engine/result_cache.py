"""A cache of lint results, keyed by file content, rule set and configuration (ruff keeps one the same way).

The unit of caching is a *lint unit*: the files whose clusters are formed together (one directory, or one
cluster the configuration declares). Its key is a digest of everything its findings depend on: palette-lint's
own code, rule modules and schemas (their paths, sizes and modification times), the enabled rules and their
options, the configuration that governs the unit, the repository root, the base revision, and each file's path,
the way it was named, its content and its base version's content. A result that read the run's clock
(certificate validity) also records the clock, to the hour when the clock is the real one and exactly when
``--now`` fixes it, and is reused only under the same clock.

**No secret is stored, and a warm run prints what a cold one prints.** The engine writes entries once the run
is over (:func:`linter.engine.pipeline.settle`), redacted with every secret value the run read, not only the
unit's own: a password of one file may be quoted as a user name in another. An entry keeps where its unit's
secrets are written in its files (:mod:`linter.engine.secret_places`), never the values, so a run that reads it
still knows every secret of the run. It also records the (keyed) digests of the secret values redacted in it,
and counts only while each of them is still a secret of the run; otherwise the unit is linted again and prints
what a cold run prints.

**The cache stays inside its folder.** Entries are JSON files under ``.palette-lint-cache/v5/`` at the
repository root (the directory ignores itself in git), written and read by msgspec as typed JSON (a
:class:`UnitResult`). A cache folder that is a symbolic link is not used; files are opened without following
links; pruning removes only regular files named as entries are. A cache that cannot be read or written is
ignored: the run does the work instead.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Iterable, Optional

from msgspec import Struct

from linter.model import Finding, Notice

CACHE_DIRECTORY = ".palette-lint-cache"
FORMAT = "v5"
#: Entries kept beyond those a run uses; the least recently used are pruned past this.
SPARE_ENTRIES = 2000
#: The file that holds the key of the secret digests: random, readable by its owner only.
KEY_FILE = "digest-key"
_ENTRY_NAME = re.compile(r"[0-9a-f]{64}\.json")
_SHARD_NAME = re.compile(r"[0-9a-f]{2}")
#: Open flags that refuse a symbolic link as the last part of a path (0 where the platform has none).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class UnitResult(Struct, frozen=True):
    """What linting one unit gave: its findings (redacted), the base revision's findings for it (when the run
    compares with one), notices, the files linted (repository-relative; a file with a parse error counts, one
    that is not Palette's does not), the kinds of document they hold, and the clock the result depended on (''
    when it did not read the clock). ``redacted_with`` holds the keyed digests of the secret values redacted in
    a stored entry. The secret values read are not part of it: they are never stored."""

    findings: tuple[Finding, ...]
    base_findings: tuple[Finding, ...] = ()
    notices: tuple[Notice, ...] = ()
    linted: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    clock: str = ""
    redacted_with: tuple[str, ...] = ()
    #: Where the unit's secret values are in its texts (:mod:`linter.engine.secret_places`), never the values.
    secret_places: tuple[tuple[str, int, int, int], ...] = ()


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
    """The cache directory of one run. Make one with :meth:`open`, which refuses an unsafe folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.used: set[str] = set()
        self._key: Optional[bytes] = None

    @classmethod
    def open(cls, root: Path) -> tuple[Optional[ResultCache], str]:
        """The cache below ``root``, or None and why it is not used: a symbolic link where the cache folder or
        one of its parts is (it could lead pruning and writing out of the repository)."""
        top = root / CACHE_DIRECTORY
        for part in (top, top / FORMAT):
            if part.is_symlink() or (part.exists() and not part.is_dir()):
                return None, f"{CACHE_DIRECTORY}/ not used: {part.relative_to(root)} is a symbolic link or not a " \
                             "folder; remove it, or run with --no-cache"
        return cls(top / FORMAT), ""

    def unit_key(self, run_key: str, files: Iterable[tuple[str, ...]]) -> str:
        """The key of a unit from what the run's rules and configuration depend on (``run_key``) and its files'
        identities (path, name as given, content digest, ...)."""
        return digest(run_key, *("\x1f".join(parts) for parts in files))

    def get(self, key: str, clock_hour: str, clock_exact: str) -> Optional[UnitResult]:
        """The stored result of the unit ``key``, if it is valid under the run's clock."""
        import msgspec  # typed JSON: a damaged or foreign entry is refused by its types, never half-read

        path = self._path(key)
        data = self._read(path)
        if data is None:
            return None
        try:
            result = msgspec.json.decode(data, type=UnitResult)
        except msgspec.DecodeError:
            return None  # damaged, or of another version's shape: recompute
        if result.clock and result.clock not in (clock_hour, clock_exact):
            return None
        self.used.add(key)
        try:
            os.utime(path, follow_symlinks=False)  # recently used: kept when the cache is pruned
        except (OSError, NotImplementedError):
            pass
        return result

    def put(self, key: str, result: UnitResult) -> None:
        import tempfile  # imported here: a run that writes no entry (--no-cache, or every unit cached) needs none

        import msgspec

        path = self._path(key)
        try:
            if not self._safe_folder(path.parent, create=True):
                return
            self._ignore_in_git()
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as out:
                out.write(msgspec.json.encode(result))
            os.replace(temporary, path)  # replaces a link at ``path`` itself, never what it points to
        except OSError:
            return  # a read-only checkout: no cache, same results
        self.used.add(key)

    def secret_digest(self, value: str) -> str:
        """A keyed digest of a secret value: equal values give equal digests within this cache, and the digest
        says nothing of the value to whoever lacks the key (kept in the cache folder, readable by its owner)."""
        import hashlib

        if self._key is None:
            self._key = self._read_key()
        return hashlib.blake2b(value.encode("utf-8", "surrogateescape"), key=self._key, digest_size=16).hexdigest()

    def prune(self) -> None:
        """Remove the least recently used entries beyond those this run used plus SPARE_ENTRIES: only regular
        files named as entries are, in shard folders that are not links."""
        try:
            entries: list[tuple[float, Path]] = []
            for shard in os.scandir(self.directory):
                if not _SHARD_NAME.fullmatch(shard.name) or not shard.is_dir(follow_symlinks=False):
                    continue
                for entry in os.scandir(shard.path):
                    if _ENTRY_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                        entries.append((entry.stat(follow_symlinks=False).st_mtime, Path(entry.path)))
            if len(entries) <= len(self.used) + SPARE_ENTRIES:
                return
            entries.sort(key=lambda item: item[0])
            for _mtime, stale in entries[:len(entries) - len(self.used) - SPARE_ENTRIES]:
                stale.unlink()
        except OSError:
            return

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def _safe_folder(self, folder: Path, create: bool = False) -> bool:
        """Whether ``folder`` (a shard of the cache) and the cache folders above it are real folders, not links;
        with ``create``, made when missing."""
        for part in (self.directory.parent, self.directory, folder):
            try:
                info = os.lstat(part)
            except FileNotFoundError:
                if not create:
                    return False
                os.mkdir(part)
                continue
            if not stat.S_ISDIR(info.st_mode):
                return False
        return True

    def _read(self, path: Path) -> Optional[bytes]:
        """A file's bytes, opened without following a link; None when missing, a link or unreadable."""
        try:
            handle = os.open(path, os.O_RDONLY | _NOFOLLOW)
        except OSError:
            return None
        try:
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                return None
            with os.fdopen(handle, "rb") as source:
                handle = -1
                return source.read()
        except OSError:
            return None
        finally:
            if handle != -1:
                os.close(handle)

    def _create(self, path: Path, data: bytes, mode: int = 0o644) -> bool:
        """Write a new file at ``path``: never through a link, never over an existing file."""
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, mode)
        except OSError:
            return False
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        return True

    def _read_key(self) -> bytes:
        path = self.directory / KEY_FILE
        key = self._read(path)
        if key is not None and len(key) == 32:
            return key
        fresh = os.urandom(32)
        if self._safe_folder(self.directory, create=True) and self._create(path, fresh, 0o600):
            return fresh
        return self._read(path) or fresh  # written meanwhile by another run, or not writable: a key for this run

    def _ignore_in_git(self) -> None:
        self._create(self.directory.parent / ".gitignore", b"# Created by palette-lint: its result cache.\n*\n")
