"""Position maps: where a place in text embedded in a file (a pack's values in a ``|`` block, a JSON string) is
in the file itself. A map turns an inner (0-based line, 0-based column) into an outer (1-based line, 1-based
column). Plain classes: nothing compares or prints a map.
"""

from __future__ import annotations

import bisect
import re
from typing import Optional

from linter.yaml.source import SourceFile


class PositionMap:
    """Identity: positions of a document that is the whole file."""

    def outer(self, line0: int, column0: int) -> tuple[int, int]:
        return line0 + 1, column0 + 1

    def resolved(self) -> PositionMap:
        """The map itself; a lazy map returns the map it stands for."""
        return self


class BlockScalarMap(PositionMap):
    """A literal block scalar (``values: |``): line k of the content is ``first_line + k`` in the file and
    every column is shifted by the block's indentation."""

    def __init__(self, first_line0: int, indent: int) -> None:
        self.first_line0 = first_line0
        self.indent = indent

    def outer(self, line0: int, column0: int) -> tuple[int, int]:
        return self.first_line0 + line0 + 1, self.indent + column0 + 1


class LinesMap(PositionMap):
    """Lines lifted out of a file each with its own indentation (a fenced block in a Markdown list item or
    quote): line k of the text is ``first_line0 + k`` in the file, its columns shifted by ``indents[k]``."""

    def __init__(self, first_line0: int, indents: list[int]) -> None:
        self.first_line0 = first_line0
        self.indents = indents

    def outer(self, line0: int, column0: int) -> tuple[int, int]:
        indent = self.indents[line0] if 0 <= line0 < len(self.indents) else (self.indents[-1] if self.indents else 0)
        return self.first_line0 + line0 + 1, indent + column0 + 1


class CharacterMap(PositionMap):
    """A single-line quoted string (a JSON string, say): where each decoded character is in the file.

    The decoded text is a series of runs: literal characters, which advance one column each, and escapes
    (``\\n``, ``\\u00e9``), which all sit at the column of their backslash. Only the run starts are kept, so
    the map costs one entry per escape rather than one per character."""

    def __init__(self, line0: int, inner_line_starts: list[int], run_starts: list[int], run_columns: list[int],
                 run_steps: list[int], length: int, end_column: int = -1) -> None:
        self.line0 = line0  # the string's 0-based line in the file
        self.inner_line_starts = inner_line_starts
        self.run_starts = run_starts  # decoded index where each run starts
        self.run_columns = run_columns  # 0-based file column of that index
        self.run_steps = run_steps  # 1 for literal runs, 0 for an escape
        self.length = length
        self.end_column = end_column  # 0-based file column of the closing quote (-1: unknown)

    def column_of(self, index: int) -> int:
        """The 0-based file column where decoded character ``index`` starts (``length``: the closing quote)."""
        if index >= self.length:
            return self.end_column
        run = bisect.bisect_right(self.run_starts, index) - 1
        return self.run_columns[run] + (index - self.run_starts[run]) * self.run_steps[run]

    def outer(self, line0: int, column0: int) -> tuple[int, int]:
        if not self.run_starts:
            return self.line0 + 1, 1
        line0 = max(0, min(line0, len(self.inner_line_starts) - 1))
        index = max(0, min(self.inner_line_starts[line0] + column0, self.length - 1))
        run = bisect.bisect_right(self.run_starts, index) - 1
        column = self.run_columns[run] + (index - self.run_starts[run]) * self.run_steps[run]
        return self.line0 + 1, column + 1


class FixedMap(PositionMap):
    """Anything else (plain or folded multi-line strings): everything maps to the string's start."""

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column

    def outer(self, line0: int, column0: int) -> tuple[int, int]:
        return self.line, self.column


_SIMPLE_ESCAPES = {
    "n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "\\": "\\", "/": "/", "0": "\0",
    "a": "\a", "v": "\v", "e": "\x1b", " ": " ", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
    "\t": "\t",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


# As text: re compiles (and caches) it when a place inside a JSON string is first needed (a finding there).
_ESCAPE = r'\\(?:[xuU]|.)|"|\n'


def decode_double_quoted(source: SourceFile, start_offset: int, expected: str) -> Optional[CharacterMap]:
    """Re-read a single-line double-quoted string from its opening quote and map its decoded characters to
    their source columns. None when the string is not of that simple form (it spans lines, say)."""
    text = source.text
    if start_offset >= len(text) or text[start_offset] != '"':
        return None
    line_starts = source.line_starts
    line0 = bisect.bisect_right(line_starts, start_offset) - 1
    line_start = line_starts[line0]
    decoded: list[str] = []
    run_starts: list[int] = []
    run_columns: list[int] = []
    run_steps: list[int] = []
    length = 0
    position = start_offset + 1
    escape = re.compile(_ESCAPE)
    while True:
        found = escape.search(text, position)
        if found is None or found.group() == "\n":
            return None  # unterminated, or a multi-line string (folded): fall back to the string's start
        literal = text[position:found.start()]
        if literal:
            run_starts.append(length)
            run_columns.append(position - line_start)
            run_steps.append(1)
            decoded.append(literal)
            length += len(literal)
        if found.group() == '"':
            end_column = found.start() - line_start
            break
        char, end = _unescape(text, found.start())
        if char is None:
            return None
        run_starts.append(length)
        run_columns.append(found.start() - line_start)
        run_steps.append(0)
        decoded.append(char)
        length += len(char)
        position = end
    if "".join(decoded) != expected:
        return None
    inner_starts = [0]
    index = expected.find("\n")
    while index != -1:
        inner_starts.append(index + 1)
        index = expected.find("\n", index + 1)
    return CharacterMap(line0, inner_starts, run_starts, run_columns, run_steps, length, end_column)


def _unescape(text: str, backslash: int) -> tuple[Optional[str], int]:
    """The character an escape at ``backslash`` stands for and the offset after it; (None, _) when invalid.
    JSON writes characters outside the BMP as two ``\\u`` escapes (a surrogate pair): they are joined."""
    letter = text[backslash + 1:backslash + 2]
    if letter in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[letter], backslash + 2
    width = _HEX_ESCAPES.get(letter)
    if width is None:
        return None, backslash
    digits = text[backslash + 2:backslash + 2 + width]
    try:
        code = int(digits, 16) if len(digits) == width else -1
        if code < 0:
            return None, backslash
        end = backslash + 2 + width
        if letter == "u" and 0xD800 <= code < 0xDC00 and text[end:end + 2] == "\\u":
            low = int(text[end + 2:end + 6], 16)
            if 0xDC00 <= low < 0xE000:
                return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), end + 6
        return chr(code), end
    except ValueError:
        return None, backslash


def block_scalar_map(source: SourceFile, header_line0: int) -> Optional[BlockScalarMap]:
    """The map of a literal block scalar whose ``|`` indicator is on ``header_line0``."""
    line_count = len(source.line_starts)
    for line0 in range(header_line0 + 1, line_count):
        content = source.line_text(line0 + 1)
        if content.strip():
            indent = len(content) - len(content.lstrip(" "))
            return BlockScalarMap(header_line0 + 1, indent)
    return None


class QuotedStringMap(PositionMap):
    """The map of a double-quoted string (an export's pack values in JSON), worked out the first time a
    position is asked for: most embedded documents have no finding, and re-reading the escapes costs."""

    def __init__(self, source: SourceFile, offset: int, value: str, fallback: FixedMap) -> None:
        self._source, self._offset, self._value, self._fallback = source, offset, value, fallback
        self._resolved: Optional[PositionMap] = None

    def resolved(self) -> PositionMap:
        """The character map, or the fallback (the string's start) when the string is not of a simple form."""
        if self._resolved is None:
            self._resolved = decode_double_quoted(self._source, self._offset, self._value) or self._fallback
        return self._resolved

    def outer(self, line0: int, column0: int) -> tuple[int, int]:
        return self.resolved().outer(line0, column0)


class NestedMap(PositionMap):
    """Text embedded in text that is itself embedded in the file (a pack's values string in a profile quoted in a
    Markdown fence): ``inner`` maps into the text of the document that holds the string (``holder``, its own
    lines), and ``outer`` maps that document into the file."""

    def __init__(self, inner: PositionMap, outer: PositionMap, holder: SourceFile) -> None:
        self.inner, self.outer_map, self.holder = inner, outer, holder

    def outer(self, line0: int, column0: int) -> tuple[int, int]:
        line, column = self.inner.outer(line0, column0)
        return self.outer_map.outer(line - 1, column - 1)


class OffsetMap(PositionMap):
    """Text assembled from pieces of a file (a Terraform heredoc without its common indentation, an HCL string
    with its escapes decoded): where each character of the text is in the file, over any number of lines.

    Like :class:`CharacterMap`, the text is a series of runs: characters copied from the file, which advance one
    place each, and characters that stand for an escape, which all sit at its backslash. Run starts are
    character offsets in the text (``run_starts``) and in the file (``run_offsets``)."""

    def __init__(self, source: SourceFile, text: str, run_starts: list[int], run_offsets: list[int],
                 run_steps: list[int], end_offset: int = -1, container: str = "") -> None:
        self.source = source
        self.length = len(text)
        self.run_starts = run_starts
        self.run_offsets = run_offsets
        self.run_steps = run_steps
        #: The file offset where the text ends (a quoted string's closing quote, a heredoc's closing line); -1:
        #: unknown. ``container``: what holds the text, for writing into it ("quoted", "heredoc"; "" unknown).
        self.end_offset = end_offset
        self.container = container
        starts = [0]
        index = text.find("\n")
        while index != -1:
            starts.append(index + 1)
            index = text.find("\n", index + 1)
        self.inner_line_starts = starts

    def offset(self, index: int) -> int:
        """The file offset of the text's character ``index`` (clamped to the text)."""
        if not self.run_starts:
            return 0
        index = max(0, min(index, self.length - 1))
        run = bisect.bisect_right(self.run_starts, index) - 1
        return self.run_offsets[run] + (index - self.run_starts[run]) * self.run_steps[run]

    def start_offset(self, index: int) -> int:
        """The file offset where the text's character ``index`` starts; ``length``: where the text ends."""
        if index >= self.length:
            return self.end_offset
        return self.offset(index)

    def outer(self, line0: int, column0: int) -> tuple[int, int]:
        line0 = max(0, min(line0, len(self.inner_line_starts) - 1))
        offset = self.offset(self.inner_line_starts[line0] + column0)
        file_starts = self.source.line_starts
        file_line0 = bisect.bisect_right(file_starts, offset) - 1
        return file_line0 + 1, offset - file_starts[file_line0] + 1
