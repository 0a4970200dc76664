"""Parse a file once into Documents that remember where every key and value came from.

The lint path reads the events of ruamel.yaml's C parser (libyaml through ``ruamel.yaml.clib``) and builds
plain Python data and a position index from them in one pass, typing plain scalars itself
(``linter/yaml_types.py``). No node graph is composed and the round-trip loader is never used: both cost many
times more, and the rules only need values and positions.

A pack's values inside a profile (a block scalar in packs-list YAML, a JSON string in an export) is parsed as
a document of its own whose positions are translated back into the outer file by a :class:`PositionMap`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, NamedTuple, Optional, TypeVar, Union

from linter.model import Span, YamlPath
from linter.redact import redact
from linter.yaml_types import plain_scalar_type

T = TypeVar("T")

#: Documents whose aliases expand to more nodes than this are refused (a "billion laughs" YAML bomb).
MAX_EXPANDED_NODES = 200_000
#: Deeper nesting than this is refused before Python's recursion limit is reached.
MAX_DEPTH = 200

_TAGS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "timestamp",
    "tag:yaml.org,2002:map": "map",
    "tag:yaml.org,2002:seq": "seq",
    "tag:yaml.org,2002:merge": "merge",
    "tag:yaml.org,2002:binary": "binary",
    "tag:yaml.org,2002:omap": "seq",
    "tag:yaml.org,2002:set": "map",
}
_TRUE = {"true", "yes", "on", "y"}
_FALSE = {"false", "no", "off", "n"}


class ParseFailure(Exception):
    """The text could not be parsed. ``kind`` names the problem; the message never quotes the text."""

    def __init__(self, message: str, span: Span, kind: str = "syntax") -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.kind = kind


@dataclass(frozen=True)
class ParseProblem:
    """A problem found while building a document that still let it be built (an unquoted macro, say)."""

    kind: str
    message: str
    path: YamlPath
    span: Span


@dataclass(frozen=True)
class DuplicateKey:
    key: str
    path: YamlPath  # the mapping's path plus the key
    first: Span
    second: Span


class NodeInfo(NamedTuple):
    """Where a value came from. ``style`` is the scalar style ('' plain, '"', "'", '|', '>') or 'flow'/'block'
    for collections; ``tag`` is the resolved type (str, int, float, bool, null, timestamp, map, seq).
    One is made per node, so it is a named tuple (cheap to make, immutable)."""

    value: Span
    key: Optional[Span]
    style: str
    tag: str


class SourceFile:
    """One file's text and the three ways its path is shown."""

    def __init__(self, text: str, path: str, display_path: str, bom: bool = False) -> None:
        self.text = text
        self.path = path  # repository-relative, POSIX separators
        self.display_path = display_path  # as the user gave it, for terminals
        self.bom = bom  # the file started with a UTF-8 byte-order mark, which ``text`` leaves out
        self._line_starts: Optional[list[int]] = None

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            text = self.text
            index = text.find("\n")
            while index != -1:
                starts.append(index + 1)
                index = text.find("\n", index + 1)
            self._line_starts = starts
        return self._line_starts

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break."""
        starts = self.line_starts
        if line < 1 or line > len(starts):
            return ""
        start = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    def offset(self, line0: int, column0: int) -> int:
        starts = self.line_starts
        line0 = max(0, min(line0, len(starts) - 1))
        return starts[line0] + column0


# --------------------------------------------------------------------------------------------------
# Position maps: inner (0-based line, 0-based column) -> outer (1-based line, 1-based column). Plain classes:
# nothing compares or prints a map, and a dataclass would cost its definition at every start.


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


class CharacterMap(PositionMap):
    """A single-line quoted string (a JSON string, say): where each decoded character is in the file.

    The decoded text is a series of runs: literal characters, which advance one column each, and escapes
    (``\\n``, ``\\u00e9``), which all sit at the column of their backslash. Only the run starts are kept, so
    the map costs one entry per escape rather than one per character."""

    def __init__(self, line0: int, inner_line_starts: list[int], run_starts: list[int], run_columns: list[int],
                 run_steps: list[int], length: int) -> None:
        self.line0 = line0  # the string's 0-based line in the file
        self.inner_line_starts = inner_line_starts
        self.run_starts = run_starts  # decoded index where each run starts
        self.run_columns = run_columns  # 0-based file column of that index
        self.run_steps = run_steps  # 1 for literal runs, 0 for an escape
        self.length = length

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


def _decode_double_quoted(source: SourceFile, start_offset: int, expected: str) -> Optional[CharacterMap]:
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
    return CharacterMap(line0, inner_starts, run_starts, run_columns, run_steps, length)


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


def _block_scalar_map(source: SourceFile, header_line0: int) -> Optional[BlockScalarMap]:
    """The map of a literal block scalar whose ``|`` indicator is on ``header_line0``."""
    line_count = len(source.line_starts)
    for line0 in range(header_line0 + 1, line_count):
        content = source.line_text(line0 + 1)
        if content.strip():
            indent = len(content) - len(content.lstrip(" "))
            return BlockScalarMap(header_line0 + 1, indent)
    return None


# --------------------------------------------------------------------------------------------------
# Documents


Value = Any


class Document:
    """One YAML or JSON document: plain data plus where each node came from.

    ``base`` is this document's YAML path in the outer file (empty for a whole file, or
    ``("spec", "template", "packs", 0, "values")`` for a pack's embedded values); ``pack`` describes that pack.
    """

    def __init__(
        self,
        source: SourceFile,
        data: Value,
        nodes: dict[YamlPath, NodeInfo],
        *,
        kind: str = "unknown",
        base: YamlPath = (),
        position_map: Optional[PositionMap] = None,
        parent: Optional[Document] = None,
        pack: Optional[PackInfo] = None,
        duplicates: tuple[DuplicateKey, ...] = (),
        problems: tuple[ParseProblem, ...] = (),
        header: str = "",
    ) -> None:
        self.source = source
        self.data = data
        self.nodes = nodes
        self.kind = kind
        self.base = base
        self.position_map = position_map or PositionMap()
        self.parent = parent
        self.pack = pack
        self.duplicates = duplicates
        self.problems = problems
        self.header = header  # the file's first line, for user-data's ``#cloud-config``
        self.children: list[Document] = []
        self._walked: Optional[list[tuple[YamlPath, Value]]] = None
        self._keys: Optional[dict[str, list[tuple[int, YamlPath]]]] = None
        self._derived: dict[str, Any] = {}

    # ---- identity -------------------------------------------------------------------------------
    @property
    def path(self) -> str:
        return self.source.path

    @property
    def display_path(self) -> str:
        return self.source.display_path

    @property
    def is_embedded(self) -> bool:
        return self.parent is not None

    def describe(self) -> str:
        """How to name this document in a message: the file, plus the pack when embedded."""
        if self.pack is not None:
            return f"{self.display_path} (pack {self.pack.name or '#' + str(self.pack.index)})"
        return self.display_path

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Document({self.describe()!r}, kind={self.kind!r})"

    # ---- data access ----------------------------------------------------------------------------
    def get(self, path: YamlPath, default: Value = None) -> Value:
        """The value at ``path``, or ``default`` when any step is missing."""
        return get_path(self.data, path, default)

    def has(self, path: YamlPath) -> bool:
        marker = object()
        return get_path(self.data, path, marker) is not marker

    def walk(self) -> Iterator[tuple[YamlPath, Value]]:
        """Every node as (path, value), parents first, in document order. Aliased subtrees are visited once.
        The walk is done once per document and shared by every rule that asks."""
        if self._walked is None:
            self._walked = list(walk(self.data))
        return iter(self._walked)

    def _key_index(self) -> dict[str, list[tuple[int, YamlPath]]]:
        """Every mapping key -> (place in document order, path) of its entries; built once."""
        if self._keys is None:
            index: dict[str, list[tuple[int, YamlPath]]] = {}
            for order, (path, _value) in enumerate(self.walk()):
                if path and isinstance(path[-1], str):
                    index.setdefault(path[-1], []).append((order, path))
            self._keys = index
        return self._keys

    def find_key(self, key: str) -> Iterator[YamlPath]:
        """Paths (including the key) of every mapping entry named ``key``, at any depth, in document order."""
        return (path for _order, path in self._key_index().get(key, ()))

    def find_keys(self, wanted: Callable[[str], bool]) -> list[YamlPath]:
        """Paths of every mapping entry whose key satisfies ``wanted``, at any depth, in document order. Each
        distinct key is tested once, so this costs far less than walking the document."""
        found = [item for key, items in self._key_index().items() if wanted(key) for item in items]
        found.sort(key=lambda item: item[0])
        return [path for _order, path in found]

    def info(self, path: YamlPath) -> Optional[NodeInfo]:
        return self.nodes.get(path)

    def is_quoted(self, path: YamlPath) -> bool:
        info = self.nodes.get(path)
        return info is not None and info.style in ("'", '"', "|", ">")

    # ---- positions ------------------------------------------------------------------------------
    def nearest(self, path: YamlPath) -> YamlPath:
        """The longest prefix of ``path`` that has a position (the root always has one)."""
        probe = tuple(path)
        while probe and probe not in self.nodes:
            probe = probe[:-1]
        return probe

    def span_of(self, path: YamlPath, part: str = "auto") -> Span:
        """The span of ``path`` in the *outer* file; a missing path falls back to its nearest ancestor."""
        found = self.nearest(path)
        info = self.nodes.get(found)
        if info is None:
            return self.outer_span(Span(1, 1, 1, 1))
        chosen = info.value
        if info.key is not None:
            if part == "key":
                chosen = info.key
            elif part == "auto" and (info.tag in ("map", "seq") or found != tuple(path)):
                chosen = info.key
            elif info.tag == "null" and info.value.line == info.value.end_line \
                    and info.value.column == info.value.end_column:
                chosen = info.key  # an empty value has no text of its own: point at its key
        return self.outer_span(chosen)

    def outer_span(self, span: Span) -> Span:
        """Translate a span of this document's own text into the file's coordinates."""
        if self.parent is None:
            return span
        mapper = self.position_map
        line, column = mapper.outer(span.line - 1, span.column - 1)
        end_line, end_column = mapper.outer(span.end_line - 1, max(span.end_column - 2, 0))
        end_column += 1
        if (end_line, end_column) <= (line, column):
            end_line, end_column = line, column + 1
        return Span(line, column, end_line, end_column)

    def outer_path(self, path: YamlPath) -> YamlPath:
        return self.base + tuple(path)

    def derived(self, name: str, compute: Callable[[Document], T]) -> T:
        """A fact derived from this document that several rules need (its PEM blocks, say), computed once."""
        if name not in self._derived:
            self._derived[name] = compute(self)
        result: T = self._derived[name]
        return result

    # ---- the document's own text ---------------------------------------------------------------------
    @property
    def own_text(self) -> str:
        """The text this document was parsed from: the file, or the pack's values string when embedded."""
        if self.parent is None:
            return self.source.text
        text = self.parent.get(self.base)
        return text if isinstance(text, str) else ""

    def _own_source(self) -> SourceFile:
        if self.parent is None:
            return self.source
        return self.derived("own_source", lambda doc: SourceFile(doc.own_text, doc.path, doc.display_path))

    def line_span(self, path: YamlPath, line0: int) -> Span:
        """The span, in this document's own coordinates (like :attr:`Issue.span`), of line ``line0`` (0-based)
        of the string at ``path``: that line's own place for a literal block scalar (``|``) or a one-line
        double-quoted string (a JSON string); the string's start for other styles, whose lines are folded."""
        info = self.nodes.get(path)
        value = self.get(path)
        if info is None or not isinstance(value, str):
            found = self.nodes.get(self.nearest(path))
            return found.value if found is not None else Span(1, 1, 1, 2)
        lines = value.split("\n")
        line0 = max(0, min(line0, len(lines) - 1))
        width = max(len(lines[line0].rstrip()), 1)
        own = self._own_source()
        mapper: Optional[PositionMap] = None
        if info.style == "|":
            mapper = _block_scalar_map(own, info.value.line - 1)
        elif info.style == '"' and info.value.line == info.value.end_line:
            mapper = _decode_double_quoted(own, own.offset(info.value.line - 1, info.value.column - 1), value)
        if mapper is None:
            return info.value
        line, column = mapper.outer(line0, 0)
        end_line, end_column = mapper.outer(line0, width - 1)
        return Span(line, column, end_line, end_column + 1)


@dataclass(frozen=True)
class PackInfo:
    """A pack (layer) of a profile: its index in ``packs``, name, layer and type as the profile gives them."""

    index: int
    name: str
    layer: str
    type: str = ""
    version: str = ""


def get_path(data: Value, path: YamlPath, default: Value = None) -> Value:
    current = data
    for step in path:
        if isinstance(current, dict):
            if step not in current:
                return default
            current = current[step]
        elif isinstance(current, list) and isinstance(step, int):
            if not -len(current) <= step < len(current):
                return default
            current = current[step]
        else:
            return default
    return current


def walk(data: Value) -> Iterator[tuple[YamlPath, Value]]:
    seen: set[int] = set()
    stack: list[tuple[YamlPath, Value]] = [((), data)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, (dict, list)):
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, dict):
                children = [(path + (k,), v) for k, v in value.items()]
            else:
                children = [(path + (i,), v) for i, v in enumerate(value)]
            stack.extend(reversed(children))


def format_path(path: YamlPath) -> str:
    """A YAML path as text: ``providerCredentials.user``, ``options["system.uri"]``, ``packs[0].values``."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif step and all(c.isalnum() or c in "_-" for c in step):
            out += ("." if out else "") + step
        else:
            escaped = step.replace("\\", "\\\\").replace('"', '\\"')
            out += f'["{escaped}"]'
    return out


# --------------------------------------------------------------------------------------------------
# Parsing


def _event_source() -> Any:
    """A callable that turns text into a parser whose ``get_event()`` yields YAML events: libyaml through
    ruamel.yaml.clib on CPython, ruamel.yaml's pure-Python parser where the C extension is missing."""
    try:
        from _ruamel_yaml import CParser
    except ImportError:  # pragma: no cover - only without ruamel.yaml.clib (PyPy)
        from ruamel.yaml import YAML

        pure = YAML(typ="safe", pure=True)

        class _PureEvents:
            def __init__(self, text: str) -> None:
                self._events = pure.parse(text)

            def get_event(self) -> Any:
                return next(self._events)

            def dispose(self) -> None:
                self._events.close()

        return _PureEvents
    return CParser


class YamlParser:
    """Parses YAML (and JSON, which is YAML) from ruamel.yaml's C parser events. Create one per run."""

    def __init__(self) -> None:
        self._source: Any = None  # the event source, imported on the first parse (a cached run needs none)

    @property
    def _events(self) -> Any:
        if self._source is None:
            self._source = _event_source()
        return self._source

    @property
    def uses_c_parser(self) -> bool:
        return getattr(self._events, "__name__", "") == "CParser"

    def parse(
        self,
        source: SourceFile,
        text: Optional[str] = None,
        *,
        base: YamlPath = (),
        position_map: Optional[PositionMap] = None,
        parent: Optional[Document] = None,
        pack: Optional[PackInfo] = None,
    ) -> Document:
        """Parse the first YAML document of ``text`` (default: the whole file) into a Document, or raise
        :class:`ParseFailure` with a position in the outer file."""
        own_text = source.text if text is None else text
        mapper = position_map or PositionMap()
        from ruamel.yaml.error import MarkedYAMLError, YAMLError

        readable, shifts = _join_surrogate_escapes(own_text)
        events = self._events(readable)
        builder = _EventBuilder(events, readable, shifts)
        try:
            data = builder.first_document()
        except MarkedYAMLError as exc:
            raise _describe_yaml_error(exc, own_text, mapper) from None
        except YAMLError as exc:
            raise _describe_reader_error(exc, own_text, mapper) from None
        except ParseFailure as failure:
            failure.span = _outer(mapper, failure.span)
            raise
        except RecursionError:
            raise ParseFailure(
                "nesting is too deep to parse; flatten the structure", _mark_span(mapper, 0, 0), kind="limit",
            ) from None
        finally:
            events.dispose()
        header = own_text.split("\n", 1)[0].rstrip("\r") if own_text else ""
        return Document(
            source, data, builder.nodes, base=base, position_map=mapper, parent=parent, pack=pack,
            duplicates=tuple(builder.duplicates), problems=tuple(builder.problems), header=header,
        )


# As text: re compiles (and caches) it for the first text with a \u escape.
_SURROGATE_PAIR = r"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})"


def _join_surrogate_escapes(text: str) -> tuple[str, dict[int, list[int]]]:
    """JSON writes a character outside the BMP as a pair of ``\\u`` escapes (a surrogate pair), which libyaml
    refuses. Rewrite each pair as one ``\\U`` escape for the same character, two characters shorter, and return,
    per 0-based line, the columns of the rewritten text where each rewrite ends (later columns of that line lie
    two further right in the file)."""
    if "\\u" not in text or re.search(_SURROGATE_PAIR, text) is None:
        return text, {}
    shifts: dict[int, list[int]] = {}
    parts: list[str] = []
    last = 0
    line0 = 0
    for found in re.finditer(_SURROGATE_PAIR, text):
        line0 += text.count("\n", last, found.start())
        line_start = text.rfind("\n", 0, found.start()) + 1
        ends = shifts.setdefault(line0, [])
        code = 0x10000 + ((int(found.group(1), 16) - 0xD800) << 10) + (int(found.group(2), 16) - 0xDC00)
        parts.append(text[last:found.start()])
        parts.append(f"\\U{code:08X}")
        ends.append(found.start() - line_start - 2 * len(ends) + 10)
        last = found.end()
    parts.append(text[last:])
    return "".join(parts), shifts


def _outer(mapper: PositionMap, span: Span) -> Span:
    """A span of parsed text in the file's coordinates."""
    line, column = mapper.outer(span.line - 1, span.column - 1)
    return Span(line, column, line, column + 1)


def _mark_span(mapper: PositionMap, line0: int, column0: int) -> Span:
    line, column = mapper.outer(line0, column0)
    return Span(line, column, line, column + 1)


def _describe_yaml_error(exc: Any, text: str, mapper: PositionMap) -> ParseFailure:
    """Turn a ruamel error into a message that names known Palette traps and never quotes the file."""
    mark = exc.problem_mark or exc.context_mark
    line0 = mark.line if mark is not None else 0
    column0 = mark.column if mark is not None else 0
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    lines = text.split("\n")
    if line0 >= len(lines):  # the end of a text without a final line break: the end of its last line
        line0, column0 = len(lines) - 1, len(lines[-1])
    line_text = lines[line0] if 0 <= line0 < len(lines) else ""
    span = _mark_span(mapper, line0, column0)
    leading = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
    if "\t" in leading or ("cannot start any token" in problem and "\t" in line_text[column0:column0 + 1]):
        return ParseFailure(
            "tab character in indentation: YAML indents with spaces only; replace the tabs with spaces",
            span, kind="tab",
        )
    if context == "while scanning an alias" or (problem.startswith("did not find expected alphabetic") and
                                               line_text[column0:column0 + 1] == "*"):
        return ParseFailure(
            "unquoted value starting with '*' is read as a YAML alias (a masked password such as ******): "
            "quote the value, or better, use a macro such as '{{.spectro.macro.REGISTRY_PASSWORD}}'",
            span, kind="alias-star",
        )
    if "{{" in line_text:
        return ParseFailure(
            "a value that starts with '{{' must be quoted: YAML reads an unquoted '{{' as a nested mapping; "
            "write it as '{{.spectro.macro.NAME}}' in quotes", span, kind="unquoted-macro",
        )
    if "recursive" in problem:
        return ParseFailure("recursive YAML alias; anchors cannot refer to themselves", span, kind="limit")
    where = f" ({context})" if context else ""
    detail = redact(problem, drop_quoted=True) or "syntax error"
    return ParseFailure(f"invalid YAML: {detail}{redact(where, drop_quoted=True)}", span)


def _describe_reader_error(exc: Any, text: str, mapper: PositionMap) -> ParseFailure:
    position = getattr(exc, "position", None)
    line0 = column0 = 0
    if isinstance(position, int):
        before = text[:position]
        line0 = before.count("\n")
        column0 = position - (before.rfind("\n") + 1)
    return ParseFailure(
        "control characters are not allowed in YAML text (is this a binary file?)",
        _mark_span(mapper, line0, column0), kind="encoding",
    )


class _EventClasses:
    """The parser's event classes, imported with ruamel.yaml the first time a document is parsed: the builder
    tells events apart by class identity, the cheapest test."""

    def __getattr__(self, name: str) -> Any:
        from ruamel.yaml import events

        classes = {"scalar": events.ScalarEvent, "alias": events.AliasEvent,
                   "sequence_start": events.SequenceStartEvent, "sequence_end": events.SequenceEndEvent,
                   "mapping_start": events.MappingStartEvent, "mapping_end": events.MappingEndEvent,
                   "document_start": events.DocumentStartEvent}
        self.__dict__.update(classes)
        return classes[name]


_EVENTS = _EventClasses()

_UNDEFINED_ALIAS = ("unquoted value starting with '*' refers to an undefined YAML alias: quote the value if it is a "
                    "literal (a password, say)")


class _Anchor:
    """What an anchor names: a value already built (with its expanded size and, for a scalar, its text), or a
    collection still being built (an alias to it is recursive)."""

    __slots__ = ("value", "size", "text", "span", "building")

    def __init__(self, span: Span) -> None:
        self.value: Value = None
        self.size = 1
        self.text: Optional[str] = None
        self.span = span
        self.building = True


class _EventBuilder:
    """Builds plain data and the position index straight from parser events, in one pass.

    No node graph is composed and no resolver object runs: plain scalars are typed by
    :func:`linter.yaml_types.plain_scalar_type`. Aliases are expanded by reference (an aliased collection is
    the same Python object at each use) and counted, so an alias bomb is refused before it costs memory.
    """

    def __init__(self, events: Any, text: str, shifts: Optional[dict[int, list[int]]] = None) -> None:
        self._get = events.get_event
        self.text = text
        self._shifts = shifts or {}  # see _join_surrogate_escapes
        self.nodes: dict[YamlPath, NodeInfo] = {}
        self.duplicates: list[DuplicateKey] = []
        self.problems: list[ParseProblem] = []
        self._anchors: dict[str, _Anchor] = {}
        self._expanded = 0
        self._aliased = False
        self._lines: Optional[list[str]] = None
        self._version: Optional[tuple[int, int]] = None

    def _line(self, line0: int) -> str:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines[line0] if 0 <= line0 < len(self._lines) else ""

    def first_document(self) -> Value:
        """The data of the stream's first document (None for an empty stream). Later documents are not read:
        user-data may follow its ``#cloud-config`` document with others that palette-lint does not lint."""
        self._get()  # StreamStartEvent
        event = self._get()
        if type(event) is not _EVENTS.document_start:
            return None  # StreamEndEvent: no document at all
        self._version = getattr(event, "version", None)
        value, _size = self._node(self._get(), (), None, 0)
        self._get()  # DocumentEndEvent
        return value

    def _span(self, start: Any, end: Any) -> Span:
        line, column = start.line, start.column
        end_line, end_column = end.line, end.column
        if end_line > line and end_column == 0:
            # Block scalars and collections end at the start of the next line: end at the previous one.
            end_line -= 1
            end_column = len(self._line(end_line).rstrip("\r"))
        if self._shifts:
            column = self._file_column(line, column)
            end_column = self._file_column(end_line, end_column)
        return Span(line + 1, column + 1, end_line + 1, end_column + 1)

    def _file_column(self, line0: int, column0: int) -> int:
        ends = self._shifts.get(line0)
        return column0 + 2 * bisect.bisect_right(ends, column0) if ends else column0

    def _count(self, size: int, span: Span, aliased: bool = False) -> None:
        self._expanded += size
        self._aliased = self._aliased or aliased
        if self._expanded > MAX_EXPANDED_NODES:
            if self._aliased:
                message = (f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (a \"billion laughs\" "
                           "bomb?); palette-lint refuses to expand them")
            else:
                message = (f"more than {MAX_EXPANDED_NODES:,} values in one document; palette-lint refuses "
                           "documents this large (profiles and user-data hold a few hundred)")
            raise ParseFailure(message, span, kind="limit")

    def _node(self, event: Any, path: YamlPath, key_span: Optional[Span], depth: int) -> tuple[Value, int]:
        """Build the node that starts with ``event``: its value and its expanded size in nodes."""
        kind = type(event)
        if kind is _EVENTS.scalar:
            return self._scalar(event, path, key_span), 1
        if kind is _EVENTS.alias:
            return self._alias(event)
        if depth >= MAX_DEPTH:
            raise ParseFailure(
                f"nesting deeper than {MAX_DEPTH} levels; palette-lint refuses such files",
                self._span(event.start_mark, event.end_mark), kind="limit",
            )
        if kind is _EVENTS.sequence_start:
            return self._sequence(event, path, key_span, depth)
        return self._mapping(event, path, key_span, depth)

    def _scalar(self, event: Any, path: YamlPath, key_span: Optional[Span]) -> Value:
        style = event.style or ""
        tag = event.ctag
        if tag is None or tag == "!":
            type_name = plain_scalar_type(event.value, self._version) \
                if not style and event.implicit[0] else "str"
            value = event.value if type_name == "str" else _scalar(event.value, type_name, style,
                                                                    self._version == (1, 1))
        else:
            type_name = _TAGS.get(str(tag), "")
            value = _scalar(event.value, type_name, style, self._version == (1, 1))
            type_name = type_name or "str"
        span = self._span(event.start_mark, event.end_mark)
        self.nodes[path] = NodeInfo(span, key_span, style, type_name)
        self._expanded += 1
        if self._expanded > MAX_EXPANDED_NODES:
            self._count(0, span)
        if event.anchor is not None:
            anchor = _Anchor(span)
            anchor.value, anchor.text, anchor.building = value, event.value, False
            self._anchors[event.anchor] = anchor
        return value

    def _alias(self, event: Any) -> tuple[Value, int]:
        anchor = self._anchors.get(event.anchor)
        if anchor is None:
            raise ParseFailure(_UNDEFINED_ALIAS, self._span(event.start_mark, event.end_mark),
                               kind="undefined-alias")
        if anchor.building:
            raise ParseFailure("recursive YAML alias: an anchor cannot contain its own alias", anchor.span,
                               kind="limit")
        self._count(anchor.size, self._span(event.start_mark, event.end_mark), aliased=True)
        return anchor.value, anchor.size

    def _begin_anchor(self, event: Any) -> Optional[_Anchor]:
        if event.anchor is None:
            return None
        anchor = _Anchor(self._span(event.start_mark, event.end_mark))
        self._anchors[event.anchor] = anchor
        return anchor

    @staticmethod
    def _end_anchor(anchor: Optional[_Anchor], value: Value, size: int) -> None:
        if anchor is not None:
            anchor.value, anchor.size, anchor.building = value, size, False

    def _sequence(self, event: Any, path: YamlPath, key_span: Optional[Span], depth: int) -> tuple[Value, int]:
        start = event.start_mark
        anchor = self._begin_anchor(event)
        items: list[Value] = []
        size = 1
        get = self._get
        scalar, end = _EVENTS.scalar, _EVENTS.sequence_end
        child = get()
        while type(child) is not end:
            if type(child) is scalar:
                items.append(self._scalar(child, path + (len(items),), None))
                size += 1
            else:
                item, item_size = self._node(child, path + (len(items),), None, depth + 1)
                items.append(item)
                size += item_size
            child = get()
        span = self._span(start, child.end_mark)
        self.nodes[path] = NodeInfo(span, key_span, "flow" if event.flow_style else "block", "seq")
        self._count(1, span)
        self._end_anchor(anchor, items, size)
        return items, size

    def _mapping(self, event: Any, path: YamlPath, key_span: Optional[Span], depth: int) -> tuple[Value, int]:
        start = event.start_mark
        if event.flow_style and self._line(start.line)[start.column:start.column + 2] == "{{":
            return self._unquoted_macro(event, path, key_span)
        anchor = self._begin_anchor(event)
        mapping: dict[Union[str, int], Value] = {}
        size = 1
        first_spans: dict[str, Span] = {}
        merges: list[Value] = []
        get = self._get
        scalar, end = _EVENTS.scalar, _EVENTS.mapping_end
        key_event = get()
        while type(key_event) is not end:
            if type(key_event) is scalar:  # nearly every key: inline
                key = key_event.value
                this_key_span = self._span(key_event.start_mark, key_event.end_mark)
                is_merge = key == "<<" and key_event.ctag is None and not key_event.style
            else:
                key, this_key_span, is_merge = self._key(key_event)
            child_path = path + (key,)
            if is_merge:
                recorded = len(self.nodes)
                merged, merged_size = self._node(get(), child_path, None, depth + 1)
                self._forget_since(recorded)
                merges.append(merged)
                size += merged_size
                key_event = get()
                continue
            if key in first_spans:
                self.duplicates.append(DuplicateKey(key, child_path, first_spans[key], this_key_span))
            else:
                first_spans[key] = this_key_span
            value_event = get()
            if type(value_event) is scalar:
                mapping[key] = self._scalar(value_event, child_path, this_key_span)
                size += 1
            else:
                child_value, child_size = self._node(value_event, child_path, this_key_span, depth + 1)
                mapping[key] = child_value
                size += child_size
            key_event = get()
        for merged in merges:  # YAML 1.1 merge keys: explicit keys win, earlier merged mappings win
            for source in (merged if isinstance(merged, list) else [merged]):
                if isinstance(source, dict):
                    for merged_key, merged_value in source.items():
                        mapping.setdefault(merged_key, merged_value)
        span = self._span(start, key_event.end_mark)
        self.nodes[path] = NodeInfo(span, key_span, "flow" if event.flow_style else "block", "map")
        self._count(1, span)
        self._end_anchor(anchor, mapping, size)
        return mapping, size

    def _key(self, event: Any) -> tuple[str, Span, bool]:
        """A mapping key as text, its span, and whether it is the ``<<`` merge key. A collection used as a key
        is kept as its source text."""
        kind = type(event)
        if kind is _EVENTS.scalar:
            span = self._span(event.start_mark, event.end_mark)
            is_merge = event.ctag is None and not event.style and event.value == "<<"
            return event.value, span, is_merge
        if kind is _EVENTS.alias:
            anchor = self._anchors.get(event.anchor)
            span = self._span(event.start_mark, event.end_mark)
            if anchor is None:
                raise ParseFailure(_UNDEFINED_ALIAS, span, kind="undefined-alias")
            text = anchor.text if anchor.text is not None else self._slice(event.start_mark, event.end_mark)
            return text, span, False
        end = self._skip(event)
        return self._slice(event.start_mark, end), self._span(event.start_mark, end), False

    def _unquoted_macro(self, event: Any, path: YamlPath, key_span: Optional[Span]) -> tuple[Value, int]:
        """``key: {{.spectro.macro.X}}`` parses as a flow mapping inside a flow mapping: keep its text."""
        end = self._skip(event)
        span = self._span(event.start_mark, end)
        self.problems.append(ParseProblem(
            "unquoted-macro",
            "a value that starts with '{{' must be quoted: YAML reads an unquoted macro as a nested "
            "mapping, so Palette receives no usable value; quote it, e.g. '{{.spectro.macro.NAME}}'",
            path, span,
        ))
        text = self._slice(event.start_mark, end)
        self.nodes[path] = NodeInfo(span, key_span, "", "str")
        self._count(1, span)
        anchor = self._begin_anchor(event)
        self._end_anchor(anchor, text, 1)
        return text, 1

    def _skip(self, event: Any) -> Any:
        """Consume the rest of the collection ``event`` starts; return the end mark of its last event."""
        depth = 1
        end = event.end_mark
        opening = (_EVENTS.mapping_start, _EVENTS.sequence_start)
        closing = (_EVENTS.mapping_end, _EVENTS.sequence_end)
        while depth:
            current = self._get()
            kind = type(current)
            if kind in opening:
                depth += 1
            elif kind in closing:
                depth -= 1
            end = current.end_mark
        return end

    def _slice(self, start: Any, end: Any) -> str:
        if start.line == end.line:
            return self._line(start.line)[start.column:end.column]
        return self._line(start.line)[start.column:].strip()

    def _forget_since(self, count: int) -> None:
        """Drop the positions recorded after the first ``count`` (those under a merge key: its content is
        reached through the merged keys). Positions are recorded in order, so these are the newest."""
        for recorded in list(itertools.islice(reversed(self.nodes), len(self.nodes) - count)):
            del self.nodes[recorded]


def _scalar(text: str, tag: str, style: Optional[str], yaml_11: bool = False) -> Value:
    if style:  # quoted and block scalars are always strings
        return text
    if tag == "null":
        return None
    if tag == "bool":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return text
    if tag == "int":
        cleaned = text.replace("_", "")
        try:
            if cleaned.lower().startswith(("0x", "-0x", "+0x")):
                return int(cleaned, 16)
            if cleaned.lower().startswith(("0o", "-0o", "+0o")):
                return int(cleaned, 8)
            if cleaned.lower().startswith(("0b", "-0b", "+0b")):
                return int(cleaned, 2)
            if yaml_11 and len(cleaned) > 1 and cleaned.startswith("0") and cleaned.isdigit():
                return int(cleaned, 8)  # YAML 1.1 octal; YAML 1.2 reads 0700 as decimal 700
            if ":" in cleaned:
                return text  # sexagesimal: keep the text
            return int(cleaned)
        except ValueError:
            return text
    if tag == "float":
        try:
            lowered = text.lower().replace("_", "")
            if lowered in (".inf", "+.inf"):
                return float("inf")
            if lowered == "-.inf":
                return float("-inf")
            if lowered == ".nan":
                return float("nan")
            return float(lowered)
        except ValueError:
            return text
    return text  # strings, timestamps (kept as text) and unknown tags


# --------------------------------------------------------------------------------------------------
# Embedded documents


def embedded_position_map(outer: Document, path: YamlPath) -> PositionMap:
    """How positions inside the string at ``path`` of ``outer`` map to the file."""
    info = outer.nodes.get(path)
    value = outer.get(path)
    if info is None or not isinstance(value, str):
        return FixedMap(1, 1)
    # Positions of the outer document are already in file coordinates only for a whole-file document.
    span = info.value
    if outer.parent is None:
        if info.style == "|":
            mapped = _block_scalar_map(outer.source, span.line - 1)
            if mapped is not None:
                return mapped
        elif info.style == '"':
            offset = outer.source.offset(span.line - 1, span.column - 1)
            return QuotedStringMap(outer.source, offset, value, FixedMap(span.line, span.column))
    return FixedMap(span.line, span.column)


class QuotedStringMap(PositionMap):
    """The map of a double-quoted string (an export's pack values in JSON), worked out the first time a
    position is asked for: most embedded documents have no finding, and re-reading the escapes costs."""

    def __init__(self, source: SourceFile, offset: int, value: str, fallback: FixedMap) -> None:
        self._source, self._offset, self._value, self._fallback = source, offset, value, fallback
        self._resolved: Optional[PositionMap] = None

    def resolved(self) -> PositionMap:
        """The character map, or the fallback (the string's start) when the string is not of a simple form."""
        if self._resolved is None:
            self._resolved = _decode_double_quoted(self._source, self._offset, self._value) or self._fallback
        return self._resolved

    def outer(self, line0: int, column0: int) -> tuple[int, int]:
        return self.resolved().outer(line0, column0)


@dataclass
class ParsedFile:
    """A file after parsing: its documents (the file's own first, then embedded ones) or its failure."""

    source: SourceFile
    documents: list[Document] = field(default_factory=list)
    failures: list[ParseFailure] = field(default_factory=list)
    explicit: bool = False
    absolute_path: str = ""

    @property
    def root(self) -> Optional[Document]:
        return self.documents[0] if self.documents else None
