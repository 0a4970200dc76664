"""The only module that runs a subprocess: git, for the base revision of a change and the old contents of files.

Every function takes the repository's top-level directory and returns plain data; a failure is a
:class:`GitError` whose message is one line, fit for a notice (it never quotes file contents). Paths are
repository-relative POSIX paths as git prints them (``-z`` output, so no quoting), decoded like the file
system decodes names.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Iterable, Optional

from msgspec import Struct

#: No git command palette-lint runs should take long; a hung one must not hang a pre-commit hook forever.
TIMEOUT_SECONDS = 120
#: Options that keep a user's git configuration from changing what palette-lint reads, and keep git from
#: taking optional locks (a commit in progress holds the index lock while its hooks run).
_NEUTRAL = ("--no-optional-locks", "-c", "diff.relative=false", "-c", "core.quotePath=false")
#: Variables git exports to hooks, possibly as paths relative to the hook's directory (the work tree's root).
_GIT_PATHS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY")


class GitError(Exception):
    """A git command failed or git is missing; the message says which and why in one line."""


class FileChange(Struct, frozen=True):
    """One line of ``git diff --name-status``: ``status`` is its letter (A added, M modified, R renamed,
    C copied, D deleted, T type changed); ``old_path`` is the path at the base (the same as ``path``
    unless the file was renamed or copied)."""

    status: str
    path: str
    old_path: str


def _environment() -> dict[str, str]:
    """This process's environment with git's own relative paths made absolute, so that git started in another
    directory (a linted file's) finds the same repository and index as the hook that started palette-lint."""
    env = dict(os.environ)
    for key in _GIT_PATHS:
        value = env.get(key)
        if value and not os.path.isabs(value):
            env[key] = os.path.abspath(value)
    if env.get("GIT_DIR") and not env.get("GIT_WORK_TREE"):
        env["GIT_WORK_TREE"] = os.getcwd()  # git's rule: with GIT_DIR alone, the current directory is the top
    return env


def _run(cwd: Path, *args: str, stdin: Optional[bytes] = None, ok_codes: tuple[int, ...] = (0,)) -> bytes:
    try:
        result = subprocess.run(["git", *_NEUTRAL, *args], cwd=str(cwd), input=stdin, capture_output=True,
                                timeout=TIMEOUT_SECONDS, check=False, env=_environment())
    except FileNotFoundError:
        raise GitError("git is not installed (not found on PATH)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} did not finish within {TIMEOUT_SECONDS} s") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {(exc.strerror or type(exc).__name__).lower()}") from None
    if result.returncode not in ok_codes:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[0] if message else f"exit code {result.returncode}"
        raise GitError(f"git {args[0]} failed: {detail.removeprefix('fatal: ')}")
    return result.stdout


def _paths(output: bytes) -> list[str]:
    return [os.fsdecode(item) for item in output.split(b"\0") if item]


def repository_root(start: Path) -> Path:
    """The top-level directory of the work tree that holds ``start`` (a directory)."""
    try:
        output = _run(start, "rev-parse", "--show-toplevel")
    except GitError as exc:
        if "not a git repository" in str(exc).lower():
            raise GitError("not a git repository") from None
        raise
    return Path(os.fsdecode(output.rstrip(b"\n")))


def resolve_commit(root: Path, ref: str) -> Optional[str]:
    """The commit ``ref`` names (a branch, tag, ``HEAD``, a hash...), or None when it names none."""
    if not ref or ref.startswith("-"):
        return None
    output = _run(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", ok_codes=(0, 1, 128))
    commit = output.decode("ascii", "replace").strip()
    return commit or None


def merge_base(root: Path, first: str, second: str) -> Optional[str]:
    """The best common ancestor of two commits, or None when they have none (unrelated histories, or a
    shallow clone that does not reach it)."""
    output = _run(root, "merge-base", first, second, ok_codes=(0, 1))
    commit = output.decode("ascii", "replace").strip()
    return commit or None


def is_shallow(root: Path) -> bool:
    output = _run(root, "rev-parse", "--is-shallow-repository")
    return output.strip() == b"true"


def changed_files(root: Path, base: str, *, staged: bool) -> list[FileChange]:
    """What changed between ``base`` and the working tree (or the index, when ``staged``), with renames and
    copies (from any file of ``base``) found."""
    args = ["diff", "--name-status", "-z", "-M", "-C", "--find-copies-harder", "--no-ext-diff"]
    if staged:
        args.append("--cached")
    fields = _paths(_run(root, *args, base, "--"))
    changes: list[FileChange] = []
    index = 0
    while index < len(fields):
        status = fields[index][:1]
        if status in ("R", "C") and index + 2 < len(fields):
            changes.append(FileChange(status, fields[index + 2], fields[index + 1]))
            index += 3
        elif index + 1 < len(fields):
            changes.append(FileChange(status, fields[index + 1], fields[index + 1]))
            index += 2
        else:
            break
    return changes


def unstaged_files(root: Path) -> list[str]:
    """Tracked files whose working-tree content differs from the index."""
    return _paths(_run(root, "diff", "--name-only", "-z", "--no-ext-diff", "--"))


def tree_paths(root: Path, commit: str) -> frozenset[str]:
    """Every file path in ``commit``."""
    return frozenset(_paths(_run(root, "ls-tree", "-r", "-z", "--name-only", "--full-tree", commit)))


def read_blobs(root: Path, specs: Iterable[str]) -> dict[str, Optional[bytes]]:
    """The contents of many ``REV:path`` (or ``:path`` for the index) objects with one ``git cat-file
    --batch``; None for an object that does not exist. (Ask :func:`blob_sizes` first, so as not to read a blob
    past a size limit.) A name with a line break cannot go through the batch protocol and is read on its own."""
    wanted = list(dict.fromkeys(specs))
    found: dict[str, Optional[bytes]] = {}
    batch = [spec for spec in wanted if "\n" not in spec]
    if batch:
        stdin = b"".join(os.fsencode(spec) + b"\n" for spec in batch)
        output = _run(root, "cat-file", "--batch", stdin=stdin)
        position = 0
        for spec in batch:
            end = output.index(b"\n", position)
            header = output[position:end]
            position = end + 1
            if header.endswith((b" missing", b" ambiguous")):
                found[spec] = None
                continue
            _oid, kind, size_text = header.rsplit(b" ", 2)
            size = int(size_text)
            found[spec] = output[position:position + size] if kind == b"blob" else None
            position += size + 1  # the content is followed by a line feed
    for spec in wanted:
        if spec not in found:
            try:
                found[spec] = _run(root, "cat-file", "blob", spec)
            except GitError:
                found[spec] = None
    return found


def blob_sizes(root: Path, specs: Iterable[str]) -> dict[str, int]:
    """The size in bytes of each existing blob of ``specs`` (``git cat-file --batch-check``), without reading it."""
    batch = [spec for spec in dict.fromkeys(specs) if "\n" not in spec]
    if not batch:
        return {}
    output = _run(root, "cat-file", "--batch-check", stdin=b"".join(os.fsencode(s) + b"\n" for s in batch))
    sizes: dict[str, int] = {}
    for spec, line in zip(batch, output.split(b"\n")):
        parts = line.rsplit(b" ", 2)
        if len(parts) == 3 and parts[1] == b"blob":
            sizes[spec] = int(parts[2])
    return sizes
