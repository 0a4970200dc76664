"""Where a configuration may reach: the repository that holds it.

A configuration is text from the repository being linted, which on a pull request is written by whoever opened
it. So the files it names, ``extends`` and ``rule-dirs``, must lie inside its boundary: the repository that holds
it (the nearest folder above it with ``.git``), or its own folder when it is in no repository. Paths are
compared once resolved, so a symbolic link inside that leads outside counts as outside.

Text from a configuration that failed to load is shown only as far as it is a plain setting name (see
:func:`shown_key`): an ``extends`` pointed at some other file must not print that file's lines.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

#: A key shown as written in an error: a setting, rule or pattern name, not a line of some other file.
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.*/@+:-]{0,63}")


def repository_root(start: Path) -> Optional[Path]:
    """The nearest directory at or above ``start`` that holds ``.git`` (a directory, or the file of a worktree
    or submodule), or None when there is none."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def boundary_of(config_file: Path) -> Path:
    """The folder that a configuration's ``extends`` and ``rule-dirs`` must stay in."""
    folder = config_file.resolve().parent
    return repository_root(folder) or folder


def is_inside(path: Path, boundary: Path) -> bool:
    """Whether ``path``, once resolved (links followed), is ``boundary`` or below it."""
    try:
        return path.resolve().is_relative_to(boundary)
    except (OSError, RuntimeError):  # a link loop: not a place to read from
        return False


def shown_key(key: object) -> str:
    """A key as an error may quote it: as written when it is a plain name, else a placeholder."""
    text = str(key)
    return text if _PLAIN_KEY.fullmatch(text) else "(a key that is not a setting name)"
