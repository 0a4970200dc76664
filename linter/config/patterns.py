"""Path patterns for ``exclude``, ``deployed``, ``new``, ``clusters`` and ``per-file-ignores``, with the semantics
of ``.gitignore`` (read by pathspec, as yamllint reads its ignore patterns).

Patterns are relative to the configuration's directory: ``gen`` matches a file or directory named ``gen`` at any
depth, ``/gen`` only the one at the configuration's root, ``gen/`` only a directory; ``*`` and ``?`` stay within a
path segment, ``**`` spans segments; ``!pattern`` takes back what an earlier pattern of the same list matched;
``\\*`` is a literal star; ``./gen`` means ``/gen``. A pattern that matches a directory matches everything below it.

pathspec is imported when the first pattern is compiled: a run whose configuration has none never loads it.
"""

from __future__ import annotations

from typing import Any, Iterable

from msgspec import Struct


class PathPatterns(Struct, frozen=True):
    """A list of patterns, matched together (a later ``!pattern`` re-includes what an earlier one matched)."""

    texts: tuple[str, ...]
    spec: Any = None  # pathspec.GitIgnoreSpec; None when no pattern

    @classmethod
    def compile(cls, texts: Iterable[str]) -> PathPatterns:
        texts = tuple(texts)
        if not texts:
            return cls(())
        import pathspec

        # "./gen" is written as a path relative to the configuration: it means the "gen" at its root ("/gen").
        lines = ["/" + text[2:] if text.startswith("./") else text for text in texts]
        return cls(texts, pathspec.GitIgnoreSpec.from_lines(lines))

    def __bool__(self) -> bool:
        return bool(self.texts)

    def matches(self, relative_path: str) -> bool:
        """Whether ``relative_path`` (POSIX, relative to the configuration's directory) or one of the
        directories above it is matched. A path outside that directory (``../x``) never is."""
        if self.spec is None or relative_path.startswith("../") or relative_path == "..":
            return False
        return bool(self.spec.match_file(relative_path.strip("/")))
