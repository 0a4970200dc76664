"""The base revision a run compares with, and what each linted file was there.

Where the base comes from (the first that applies):

- ``--base-ref REF``: the merge base of REF and HEAD, as a CI job compares a branch with its target;
- ``--staged`` alone: HEAD, with the new side read from the index instead of the working tree;
- pre-commit with ``--from-ref``/``--to-ref`` (the pre-push stage, or a manual run): the merge base of
  ``PRE_COMMIT_FROM_REF`` and ``PRE_COMMIT_TO_REF``, the comparison pre-commit itself uses to choose the
  files (and, like pre-commit, the from-ref itself when the two have no common ancestor);
- pre-commit otherwise (``PRE_COMMIT=1``, the commit stage): HEAD. pre-commit has stashed the unstaged
  changes, so the working tree holds what is being committed.

The new side is the working tree, or the index with ``--staged``. Files are matched with their base
version by path, following renames (``git diff -M``); a file that is not in the base revision is new. For a
new file that git finds was copied from a file of the base revision (``-C --find-copies-harder``), that file
is its base version for change rules, which look at it only when the configuration lists it as deployed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Optional

from msgspec import Struct

from linter.engine.discover import Candidate, printable_path
from linter.engine.request import RunError
from linter.inputs import accepts_name
from linter.model import Notice

if TYPE_CHECKING:  # pragma: no cover
    from linter.changes import git

ADDED = "added"
MODIFIED = "modified"  # changed or renamed since the base
UNCHANGED = "unchanged"
OUTSIDE = "outside"  # not in the git work tree: no history


class BaseRequest(Struct, frozen=True):
    """A base revision asked for: the merge base of ``ref`` and ``head``. ``origin`` says who asked (for
    messages); when ``required`` (an option on the command line), a base that cannot be resolved is an
    error, else (pre-commit's environment) a warning."""

    ref: str
    head: str = "HEAD"
    staged: bool = False
    origin: str = "--base-ref"
    required: bool = True
    fallback_to_ref: bool = False  # no common ancestor: compare with ``ref`` itself (pre-commit does)


def request_from(base_ref: Optional[str], staged: bool, environ: Mapping[str, str]) -> Optional[BaseRequest]:
    """The base the command line or pre-commit's environment asks for; None when nothing does."""
    if base_ref:
        return BaseRequest(base_ref, staged=staged)
    if staged:
        return BaseRequest("HEAD", staged=True, origin="--staged")
    from_ref, to_ref = environ.get("PRE_COMMIT_FROM_REF", ""), environ.get("PRE_COMMIT_TO_REF", "")
    if from_ref and to_ref:
        return BaseRequest(from_ref, head=to_ref, origin="PRE_COMMIT_FROM_REF", required=False,
                           fallback_to_ref=True)
    if environ.get("PRE_COMMIT") == "1":
        return BaseRequest("HEAD", origin="pre-commit", required=False)
    return None


class BaseUnavailable(Exception):
    """The requested base cannot be used; the message says why and what to do, in one line."""


class History(Struct, frozen=True):
    """A resolved base: the repository, the base commit, and what changed since."""

    root: Path
    commit: str
    label: str  # "origin/main (merge base 1a2b3c4d5e)", for messages
    staged: bool
    changes: Mapping[str, git.FileChange]  # by the path now
    base_paths: frozenset[str]
    unstaged: frozenset[str]  # with ``staged``: files whose working tree differs from the index

    @property
    def short(self) -> str:
        return self.commit[:10]

    def git_path(self, absolute: str) -> Optional[str]:
        """``absolute`` relative to the work tree (POSIX), or None when it lies outside."""
        directory, name = os.path.split(absolute)
        relative = os.path.relpath(os.path.join(os.path.realpath(directory), name), self.root)
        if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
            return None
        return Path(relative).as_posix()

    def state(self, path: Optional[str]) -> str:
        if path is None:
            return OUTSIDE
        change = self.changes.get(path)
        if change is not None:
            return ADDED if change.status in ("A", "C") else MODIFIED
        return UNCHANGED if path in self.base_paths else ADDED

    def copied_from(self, path: Optional[str]) -> Optional[str]:
        """The file of the base revision that a new file was copied from (``infra-v2.yaml`` from
        ``infra-v1.yaml``), as git finds it; None for other files."""
        change = self.changes.get(path) if path is not None else None
        return change.old_path if change is not None and change.status == "C" else None

    def old_path(self, path: str) -> str:
        change = self.changes.get(path)
        return change.old_path if change is not None else path

    def deleted_paths(self) -> list[str]:
        return sorted(path for path, change in self.changes.items() if change.status == "D")

    def read_base(self, paths: list[str], max_bytes: int) -> tuple[dict[str, Optional[bytes]], dict[str, int]]:
        """The base contents of files (by their path now), renames followed; None when missing there. A file larger
        than ``max_bytes`` at the base is not read: its size is in the second mapping."""

        specs = {path: f"{self.commit}:{self.old_path(path)}" for path in paths}
        return _read_within(self.root, specs, max_bytes)

    def index_texts(self, candidates: Iterable[Candidate], max_bytes: int) -> tuple[dict[str, bytes], dict[str, int]]:
        """With ``--staged``: the index content of the files (by absolute path) whose working tree differs; a file
        larger than ``max_bytes`` in the index is not read: its size is in the second mapping."""
        if not self.staged:
            return {}, {}
        wanted = {c.absolute: f":{path}" for c in candidates
                  if (path := self.git_path(c.absolute)) is not None and path in self.unstaged}
        blobs, too_large = _read_within(self.root, wanted, max_bytes)
        return {absolute: blob for absolute, blob in blobs.items() if blob is not None}, too_large


def _read_within(root: Path, specs: dict[str, str],
                 max_bytes: int) -> tuple[dict[str, Optional[bytes]], dict[str, int]]:
    """The blobs ``specs`` name (by their keys), those up to ``max_bytes`` read; the sizes of the larger ones."""
    from linter.changes import git

    sizes = git.blob_sizes(root, specs.values())
    too_large = {key: sizes[spec] for key, spec in specs.items() if sizes.get(spec, 0) > max_bytes}
    blobs = git.read_blobs(root, [spec for key, spec in specs.items() if key not in too_large])
    return {key: blobs.get(spec) for key, spec in specs.items() if key not in too_large}, too_large


def open_history(request: Optional[BaseRequest], paths: Iterable[str], notices: list[Notice]) -> Optional[History]:
    """The base ``request`` names, resolved from the first linted path's repository; None when none was asked
    for. A base asked for on the command line that cannot be used stops the run
    (:class:`~linter.engine.request.RunError`); one implied by pre-commit's environment is a warning, and the
    run goes on without it."""
    if request is None:
        return None
    try:
        return resolve(request, start_directory(paths))
    except BaseUnavailable as exc:
        if request.required:
            raise RunError([str(exc)]) from None
        notices.append(Notice(f"{exc}; change rules skipped and findings are not compared with a base revision",
                              level="warning"))
        return None


def why_no_base(paths: Iterable[str]) -> str:
    """Why a run has no base revision, and how to give it one (for the note that change rules were skipped)."""
    if _in_repository(start_directory(paths)):
        return ("no base revision to compare with: give --base-ref REF (in CI, the target branch) or run under "
                "pre-commit")
    return "not a git repository, so there is no history to compare with"


def start_directory(paths: Iterable[str]) -> Path:
    """Where to look for the git repository: the first linted path's directory."""
    for given in paths:
        absolute = Path(os.path.abspath(given))
        if absolute.is_dir():
            return absolute
        if absolute.parent.is_dir():
            return absolute.parent
    return Path.cwd()


def _in_repository(start: Path) -> bool:
    """Whether ``start`` is inside a git work tree: a ``.git`` directory or file above it, or git's own
    variable. (Only the wording of the skip note depends on it, so no git process is started for it.)"""
    if os.environ.get("GIT_DIR"):
        return True
    return any((directory / ".git").exists() for directory in (start, *start.parents))


def deleted_candidates(history: History, paths: Iterable[str], excluded: Callable[[str], bool],
                       opted_in: frozenset[str] = frozenset()) -> list[Candidate]:
    """Files deleted since the base that a walk of the linted directories would have linted (``excluded`` tells
    those the configuration excludes): their base findings are fixed."""
    found: list[Candidate] = []
    directories = [(os.path.abspath(given), os.path.realpath(given)) for given in paths if os.path.isdir(given)]
    for path in history.deleted_paths():
        real = str(history.root / path)
        if not accepts_name(os.path.basename(path), opted_in) or os.path.lexists(real):
            continue
        for shown, resolved in directories:
            inside = os.path.relpath(real, resolved)
            if inside.startswith(os.pardir):
                continue
            absolute = os.path.join(shown, inside)
            if not excluded(absolute):
                found.append(Candidate(absolute, printable_path(os.path.normpath(absolute)), explicit=False))
            break
    return found


def resolve(request: BaseRequest, start: Path) -> History:
    """The base ``request`` names, seen from the directory ``start``; raises :class:`BaseUnavailable`."""
    from linter.changes import git

    asked = f"{request.origin} {request.ref}" if request.origin == "--base-ref" else request.origin
    try:
        root = Path(os.path.realpath(git.repository_root(start)))
        head = git.resolve_commit(root, request.head)
        if head is None:
            if request.head == "HEAD":
                raise BaseUnavailable(f"{asked}: the repository has no commit yet, so nothing is deployed")
            raise BaseUnavailable(f"{asked}: PRE_COMMIT_TO_REF {request.head} is not a commit here")
        # pre-commit compares HEAD with HEAD's own index: one git process fewer for each of these two
        ref = head if request.ref == request.head else git.resolve_commit(root, request.ref)
        if ref is None:
            hint = " (in CI, fetch it first: actions/checkout with fetch-depth: 0)" if request.required else ""
            raise BaseUnavailable(f"{asked}: no such revision in this repository{hint}")
        base = ref if ref == head else git.merge_base(root, ref, head)
        if base is None:
            if not request.fallback_to_ref:
                shallow = " (this is a shallow clone: fetch the whole history, actions/checkout with " \
                          "fetch-depth: 0)" if git.is_shallow(root) else ""
                raise BaseUnavailable(f"{asked}: no common ancestor with {request.head}{shallow}")
            base = ref
        label = _label(request, ref, base)
        changes = {change.path: change for change in git.changed_files(root, base, staged=request.staged)}
        unstaged = frozenset(git.unstaged_files(root)) if request.staged else frozenset()
        return History(root=root, commit=base, label=label, staged=request.staged, changes=changes,
                       base_paths=git.tree_paths(root, base), unstaged=unstaged)
    except git.GitError as exc:
        raise BaseUnavailable(f"{asked}: {exc}") from None


def _label(request: BaseRequest, ref: str, base: str) -> str:
    """``main (1a2b3c4d5e)``, ``origin/main (merge base 1a2b3c4d5e)``, ``PRE_COMMIT_FROM_REF 1a2b3c4d5e``."""
    if request.origin == "PRE_COMMIT_FROM_REF":
        name = f"PRE_COMMIT_FROM_REF {ref[:10]}"
        return name if base == ref else f"{name} (merge base {base[:10]})"
    return f"{request.ref} ({base[:10]})" if base == ref else f"{request.ref} (merge base {base[:10]})"
