"""Path patterns for ``exclude`` and ``clusters``: ``*`` within a segment, ``**`` across segments, ``?``,
``[...]``. A pattern without ``/`` matches a name at any depth; a pattern that matches a directory matches
everything below it."""

from __future__ import annotations

import re
from dataclasses import dataclass


def _translate(pattern: str) -> str:
    out = ""
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
            continue
        if pattern.startswith("**", i):
            out += ".*"
            i += 2
            continue
        if ch == "*":
            out += "[^/]*"
        elif ch == "?":
            out += "[^/]"
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out += re.escape(ch)
            else:
                body = pattern[i + 1:end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out += "[" + body.replace("\\", "\\\\") + "]"
                i = end + 1
                continue
        else:
            out += re.escape(ch)
        i += 1
    return out


@dataclass(frozen=True, slots=True)
class PathPattern:
    text: str
    regex: re.Pattern[str]

    @classmethod
    def compile(cls, pattern: str) -> PathPattern:
        cleaned = pattern.strip().lstrip("./") if pattern.strip().startswith("./") else pattern.strip()
        cleaned = cleaned.rstrip("/")
        if "/" not in cleaned:
            cleaned = "**/" + cleaned
        return cls(pattern, re.compile("^" + _translate(cleaned) + "$"))

    def matches(self, relative_path: str) -> bool:
        """Whether ``relative_path`` (POSIX) or one of its parent directories matches."""
        path = relative_path.strip("/")
        while path:
            if self.regex.match(path):
                return True
            if "/" not in path:
                return False
            path = path.rsplit("/", 1)[0]
        return False


def any_match(patterns: tuple[PathPattern, ...], relative_path: str) -> bool:
    return any(p.matches(relative_path) for p in patterns)
