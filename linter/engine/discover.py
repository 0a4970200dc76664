"""Which files to lint: explicit files always; in directories, the files that may be Palette configuration; and
the files those read as their parts (a Terraform profile's ``values = file(...)``).

Nothing outside the repository is read through the repository: a symbolic link (walked or named) whose target
lies outside the repository that holds it, and a ``file()`` path that leads out of it, are not followed; a
warning names each link. The repository is the nearest folder with ``.git`` above the link, else the run's root
(or the folder given on the command line, for a file outside that root).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from msgspec import Struct

from linter.config.boundary import repository_root
from linter.config.load import Config
from linter.engine.request import RunError
from linter.inputs import accepts_name, references, syntax_reader
from linter.inputs.decode import read_source
from linter.model import Notice

#: Directories never walked into.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox",
                       ".mypy_cache", ".pytest_cache", ".ruff_cache", ".palette-lint-cache"})


class Candidate(Struct, frozen=True):
    """A file to lint: its absolute path, the path shown (as the user gave it), whether it was named on the
    command line, the command-line path it was found through, and whether it is in the run only because a file
    reads it as its part (then it is linted as that part, or not at all)."""

    absolute: str
    display: str
    explicit: bool
    given: str = ""
    part: bool = False


#: Whether a file or directory (absolute path) is excluded by the configuration that governs it.
Excluded = Callable[[str], bool]


def find_root(start: Path) -> Path:
    """The repository root (the nearest directory with ``.git``) above ``start``, else ``start``."""
    return repository_root(start) or start.resolve()


def boundary_of(absolute: str, given: str, root: Path) -> Path:
    """The folder a file found through the command-line path ``given`` may lead to: the repository that holds
    it (the nearest folder with ``.git``); else the run's root when the file is below it; else the folder
    given (or the named file's folder)."""
    found = repository_root(Path(os.path.dirname(absolute)))
    if found is not None:
        return found
    if Path(os.path.abspath(absolute)).is_relative_to(root):
        return root.resolve()
    start = os.path.abspath(given)
    return Path(start if os.path.isdir(start) else os.path.dirname(start)).resolve()


def leads_outside(absolute: str, given: str, root: Path) -> bool:
    """Whether ``absolute`` (a file found through ``given``) resolves, links followed, to a place outside the
    folder it may lead to (:func:`boundary_of`)."""
    try:
        return not Path(os.path.realpath(absolute)).is_relative_to(boundary_of(absolute, given, root))
    except (OSError, ValueError):
        return True


def printable_path(path: str) -> str:
    """``path`` as text that can be printed and encoded as UTF-8. A file name that is not valid UTF-8 reaches
    Python with its bad bytes as lone surrogates, which fail when printed or hashed; they are shown as
    ``\\xNN`` escapes instead. Valid names are returned unchanged."""
    try:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return path.encode("utf-8", "backslashreplace").decode("utf-8")


def relative_path(absolute: str, root: Path) -> str:
    """A path relative to the repository root in POSIX form; absolute when it lies outside the root."""
    path = Path(absolute)
    try:
        return printable_path(path.relative_to(root).as_posix())
    except ValueError:
        return printable_path(path.as_posix())


def discover(paths: Iterable[str], excluded: Excluded, root: Path, notices: list[Notice],
             named_as_walked: bool = False, opted_in: frozenset[str] = frozenset(),
             unsaved: frozenset[str] = frozenset()) -> list[Candidate]:
    """Files to lint, each once, in a stable order. A path that does not exist stops the run
    (:class:`~linter.engine.request.RunError`); a directory that cannot be read is a notice of level ``error``;
    a link out of the repository is a warning. With ``named_as_walked`` a file named in ``paths`` is treated
    like one found in a directory: ``excluded`` applies, and it is not marked explicit (so the engine skips it
    silently when it is not Palette configuration). A walk reads the files of opt-in formats (Markdown) only
    when ``opted_in`` names them. A path in ``unsaved`` (absolute: an editor's buffer never saved, whose text the
    request holds) is found even though it is not on disk."""
    paths = list(paths)
    missing = [printable_path(given) for given in paths
               if not os.path.exists(os.path.abspath(given)) and not os.path.islink(os.path.abspath(given))
               and os.path.abspath(given) not in unsaved]
    if missing:
        raise RunError([f"{path}: no such file or directory" for path in missing])
    seen: set[str] = set()
    found: list[Candidate] = []

    def outside(absolute: str, shown: str, given: str, walked: bool) -> bool:
        # A walk does not enter linked folders, so only a walked file that is itself a link can lead away.
        if (walked and not os.path.islink(absolute)) or not leads_outside(absolute, given, root):
            return False
        notices.append(Notice("a symbolic link to a file outside the repository: not followed",
                              path=printable_path(shown), level="warning"))
        return True

    for given in paths:
        absolute = os.path.abspath(given)
        if os.path.isdir(absolute):
            def on_error(error: OSError, shown: str = given) -> None:
                where = error.filename or shown
                notices.append(Notice(f"cannot read directory: {(error.strerror or 'error').lower()}",
                                      path=printable_path(str(where)), level="error"))

            for directory, dirnames, filenames in os.walk(absolute, onerror=on_error):
                dirnames[:] = sorted(d for d in dirnames
                                     if d not in SKIP_DIRS and not excluded(os.path.join(directory, d)))
                for name in sorted(filenames):
                    if not accepts_name(name, opted_in):
                        continue
                    file_path = os.path.join(directory, name)
                    if file_path in seen or excluded(file_path) or not os.path.isfile(file_path):
                        continue
                    seen.add(file_path)
                    display = printable_path(
                        os.path.normpath(os.path.join(given, os.path.relpath(file_path, absolute))))
                    if not outside(file_path, display, given, walked=True):
                        found.append(Candidate(file_path, display, explicit=False, given=given))
        elif os.path.exists(absolute) or os.path.islink(absolute) or absolute in unsaved:
            if absolute not in seen and not (named_as_walked and excluded(absolute)) \
                    and not outside(absolute, os.path.normpath(given), given, walked=False):
                seen.add(absolute)
                found.append(Candidate(absolute, printable_path(os.path.normpath(given)),
                                       explicit=not named_as_walked, given=given))
    return found


def is_excluded(absolute: str, config: Config) -> bool:
    """Whether ``config``'s ``exclude`` patterns exclude a file or directory (patterns are relative to the
    configuration's folder; a path outside it is not excluded)."""
    if not config.exclude or config.path is None:
        return False
    try:
        relative = Path(absolute).relative_to(config.root).as_posix()
    except ValueError:
        return False
    return config.exclude.matches(relative)


def with_files_read(candidates: list[Candidate], excluded: Excluded,
                    root: Path) -> tuple[list[Candidate], dict[str, list[str]]]:
    """The candidates plus the files they read as their parts (a Terraform ``file()``) that were not found (not
    walked, or a file was named alone), unless excluded or outside the repository of the file that reads them;
    and, by the absolute path of each file that reads others, the absolute paths of those it reads. Each such
    file is read here once more, before linting: the engine lints a file and those it reads in one unit. A file
    left out here is not opened by the reader, which says so in a note."""
    known = {candidate.absolute for candidate in candidates}
    added: list[Candidate] = []
    reads: dict[str, list[str]] = {}
    for candidate in candidates:
        if syntax_reader(candidate.absolute) is None:
            continue
        source, _failure, _sniff = read_source(candidate.absolute, candidate.absolute, candidate.display)
        if source is None or "spectrocloud_" not in source.text:
            continue  # unreadable (the engine says why), or no Palette resource to read values for
        boundary = boundary_of(candidate.absolute, candidate.given or candidate.absolute, root)
        paths = [path for path in references(source, candidate.absolute)
                 if not excluded(path) and Path(os.path.realpath(path)).is_relative_to(boundary)]
        if paths:
            reads[candidate.absolute] = paths
        for path in paths:
            if path not in known:
                known.add(path)
                shown = os.path.join(os.path.dirname(candidate.display),
                                     os.path.relpath(path, os.path.dirname(candidate.absolute)))
                added.append(Candidate(path, printable_path(os.path.normpath(shown)), explicit=False,
                                       given=candidate.given, part=True))
    return candidates + added, reads
