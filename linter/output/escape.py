"""Text from the linted files made safe to print on one line of a terminal or a CI log.

File names, keys and values reach messages and paths, and a hostile one could hold a line break followed by
``::error file=...::`` or ``::stop-commands::`` (which the GitHub Actions runner obeys in a log line), an ANSI
escape sequence that rewrites the terminal, or a bidirectional override that reorders what is read. Every
control character (C0, DEL, C1) and every bidirectional formatting character is written as an escape
(``\\n``, ``\\x1b``, ``\\u202e``), and a path that starts with ``:`` is shown as ``./path``, so no line that
palette-lint prints starts a workflow command. The tab stays: it is harmless and common in messages.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """``text`` with every control and bidirectional formatting character escaped."""
    return _UNSAFE.sub(_escape, text) if text else text


def safe_path(path: str) -> str:
    """A path as a line may start with it: escaped, and never starting with ``:``."""
    shown = one_line(path)
    return f"./{shown}" if shown.startswith(":") else shown
