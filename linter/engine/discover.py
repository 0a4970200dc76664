"""Which files to lint: explicit files always; in directories, the files that may be Palette configuration; and
the files those read as their parts (a Terraform profile's ``values = file(...)``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Optional

from msgspec import Struct

from linter.config.patterns import PathPatterns
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


def find_root(start: Path) -> Path:
    """The repository root (the nearest directory with ``.git``) above ``start``, else ``start``."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


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


def discover(paths: Iterable[str], exclude: PathPatterns, relative_to_config: Optional[Path],
             notices: list[Notice], named_as_walked: bool = False) -> list[Candidate]:
    """Files to lint, each once, in a stable order. A path that does not exist stops the run
    (:class:`~linter.engine.request.RunError`); a directory that cannot be read is a notice of level ``error``.
    With ``named_as_walked`` a file named in ``paths`` is treated like one found in a directory: ``exclude``
    applies, and it is not marked explicit (so the engine skips it silently when it is not Palette
    configuration)."""
    paths = list(paths)
    missing = [printable_path(given) for given in paths
               if not os.path.exists(os.path.abspath(given)) and not os.path.islink(os.path.abspath(given))]
    if missing:
        raise RunError([f"{path}: no such file or directory" for path in missing])
    seen: set[str] = set()
    found: list[Candidate] = []

    def excluded(absolute: str) -> bool:
        return is_excluded(absolute, exclude, relative_to_config)

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
                    if not accepts_name(name):
                        continue
                    file_path = os.path.join(directory, name)
                    if file_path in seen or excluded(file_path) or not os.path.isfile(file_path):
                        continue
                    seen.add(file_path)
                    display = printable_path(
                        os.path.normpath(os.path.join(given, os.path.relpath(file_path, absolute))))
                    found.append(Candidate(file_path, display, explicit=False, given=given))
        elif os.path.exists(absolute) or os.path.islink(absolute):
            if absolute not in seen and not (named_as_walked and excluded(absolute)):
                seen.add(absolute)
                found.append(Candidate(absolute, printable_path(os.path.normpath(given)),
                                       explicit=not named_as_walked, given=given))
    return found


def is_excluded(absolute: str, exclude: PathPatterns, relative_to_config: Optional[Path]) -> bool:
    """Whether the configuration's ``exclude`` patterns exclude a file or directory."""
    if not exclude or relative_to_config is None:
        return False
    try:
        relative = Path(absolute).relative_to(relative_to_config).as_posix()
    except ValueError:
        return False
    return exclude.matches(relative)


def with_files_read(candidates: list[Candidate], exclude: PathPatterns,
                    relative_to_config: Optional[Path]) -> tuple[list[Candidate], dict[str, list[str]]]:
    """The candidates plus the files they read as their parts (a Terraform ``file()``) that were not found (not
    walked, or a file was named alone), unless excluded; and, by the absolute path of each file that reads
    others, the absolute paths of those it reads. Each such file is read here once more, before linting: the
    engine lints a file and those it reads in one unit."""
    known = {candidate.absolute for candidate in candidates}
    added: list[Candidate] = []
    reads: dict[str, list[str]] = {}
    for candidate in candidates:
        if syntax_reader(candidate.absolute) is None:
            continue
        source, _failure, _sniff = read_source(candidate.absolute, candidate.absolute, candidate.display)
        if source is None or "spectrocloud_" not in source.text:
            continue  # unreadable (the engine says why), or no Palette resource to read values for
        paths = [path for path in references(source, candidate.absolute)
                 if not is_excluded(path, exclude, relative_to_config)]
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
