"""Parse a file once into Documents that remember where every key and value came from.

The lint path uses ruamel.yaml's C parser (libyaml through ``ruamel.yaml.clib``) to *compose* a node graph
that carries marks, then builds plain Python data and a position index from it in one pass. The round-trip
loader is never used here: it is about ten times slower and the rules only need values and positions.

A pack's values inside a profile (a block scalar in packs-list YAML, a JSON string in an export) is parsed as
a document of its own whose positions are translated back into the outer file by a :class:`PositionMap`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional, TypeVar, Union

from linter.model import Span, YamlPath
from linter.redact import redact

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


@dataclass(frozen=True)
class NodeInfo:
    """Where a value came from. ``style`` is the scalar style ('' plain, '"', "'", '|', '>') or 'flow'/'block'
    for collections; ``tag`` is the resolved type (str, int, float, bool, null, timestamp, map, seq)."""

    value: Span
    key: Optional[Span]
    style: str
    tag: str


class SourceFile:
    """One file's text and the three ways its path is shown."""

    def __init__(self, text: str, path: str, display_path: str) -> None:
        self.text = text
        self.path = path  # repository-relative, POSIX separators
        self.display_path = display_path  # as the user gave it, for terminals
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
# Position maps: inner (0-based line, 0-based column) -> outer (1-based line, 1-based column)


class PositionMap:
    """Identity: positions of a document that is the whole file."""

    def outer(self, line0: int, column0: int) -> tuple[int, int]:
        return line0 + 1, column0 + 1


@dataclass
class BlockScalarMap(PositionMap):
    """A literal block scalar (``values: |``): line k of the content is ``first_line + k`` in the file and
    every column is shifted by the block's indentation."""

    first_line0: int
    indent: int

    def outer(self, line0: int, column0: int) -> tuple[int, int]:
        return self.first_line0 + line0 + 1, self.indent + column0 + 1


@dataclass
class CharacterMap(PositionMap):
    """A quoted string (a JSON string, say): each decoded character's place in the file, computed by
    re-reading the string's source text with its escapes."""

    inner_line_starts: list[int]
    places: list[tuple[int, int]]  # per decoded character: (0-based outer line, 0-based outer column)

    def outer(self, line0: int, column0: int) -> tuple[int, int]:
        if not self.places:
            return 1, 1
        line0 = max(0, min(line0, len(self.inner_line_starts) - 1))
        index = min(self.inner_line_starts[line0] + column0, len(self.places) - 1)
        outer_line, outer_column = self.places[index]
        return outer_line + 1, outer_column + 1


@dataclass
class FixedMap(PositionMap):
    """Anything else (plain or folded multi-line strings): everything maps to the string's start."""

    line: int
    column: int

    def outer(self, line0: int, column0: int) -> tuple[int, int]:
        return self.line, self.column


_SIMPLE_ESCAPES = {
    "n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "\\": "\\", "/": "/", "0": "\0",
    "a": "\a", "v": "\v", "e": "\x1b", " ": " ", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
    "\t": "\t",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def _decode_double_quoted(source: SourceFile, start_offset: int, expected: str) -> Optional[CharacterMap]:
    """Re-read a single-line double-quoted string from its opening quote and map each decoded character
    to its source position. Returns None when the string is not of that simple form."""
    text = source.text
    if start_offset >= len(text) or text[start_offset] != '"':
        return None
    line_starts = source.line_starts
    line0 = bisect.bisect_right(line_starts, start_offset) - 1
    line_start = line_starts[line0]
    places: list[tuple[int, int]] = []
    decoded: list[str] = []
    i = start_offset + 1
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            break
        if ch == "\n":
            return None  # multi-line quoted scalars fold lines: fall back to the string's start
        here = (line0, i - line_start)
        if ch == "\\" and i + 1 < n:
            esc = text[i + 1]
            if esc in _SIMPLE_ESCAPES:
                decoded.append(_SIMPLE_ESCAPES[esc])
                places.append(here)
                i += 2
                continue
            if esc in _HEX_ESCAPES:
                width = _HEX_ESCAPES[esc]
                digits = text[i + 2:i + 2 + width]
                try:
                    code = int(digits, 16)
                    char = chr(code)
                except ValueError:
                    return None
                # JSON writes characters outside the BMP as a surrogate pair: join them.
                if esc == "u" and 0xD800 <= code < 0xDC00 and text[i + 6:i + 8] == "\\u":
                    try:
                        low = int(text[i + 8:i + 12], 16)
                    except ValueError:
                        low = 0
                    if 0xDC00 <= low < 0xE000:
                        char = chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                        decoded.append(char)
                        places.append(here)
                        i += 12
                        continue
                decoded.append(char)
                places.append(here)
                i += 2 + width
                continue
            return None
        decoded.append(ch)
        places.append(here)
        i += 1
    if "".join(decoded) != expected:
        return None
    inner_starts = [0]
    for index, char in enumerate(expected):
        if char == "\n":
            inner_starts.append(index + 1)
    places.append(places[-1] if places else (line0, start_offset - line_start))
    return CharacterMap(inner_starts, places)


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
        """Every node as (path, value), parents first, in document order. Aliased subtrees are visited once."""
        yield from walk(self.data)

    def find_key(self, key: str) -> Iterator[YamlPath]:
        """Paths (including the key) of every mapping entry named ``key``, at any depth."""
        for path, _value in self.walk():
            if path and path[-1] == key and not isinstance(path[-1], int):
                yield path

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


def _yaml_loader() -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=False)


class YamlParser:
    """Composes YAML (and JSON, which is YAML) with ruamel.yaml's C parser. Create one per run."""

    def __init__(self) -> None:
        self._yaml = _yaml_loader()

    @property
    def uses_c_parser(self) -> bool:
        return "CParser" in getattr(self._yaml.Parser, "__name__", "")

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
        """Parse ``text`` (default: the whole file) into a Document, or raise :class:`ParseFailure` with a
        position in the outer file."""
        own_text = source.text if text is None else text
        mapper = position_map or PositionMap()
        from ruamel.yaml.error import MarkedYAMLError, YAMLError

        try:
            root = None
            for node in self._yaml.compose_all(own_text):
                root = node
                break
        except MarkedYAMLError as exc:
            raise _describe_yaml_error(exc, own_text, mapper) from None
        except YAMLError as exc:
            raise _describe_reader_error(exc, own_text, mapper) from None
        except RecursionError:
            raise ParseFailure(
                "nesting is too deep to parse; flatten the structure", Span(*mapper.outer(0, 0), *mapper.outer(0, 1)),
                kind="limit",
            ) from None
        builder = _Builder(own_text)
        data = builder.build(root) if root is not None else None
        header = own_text.split("\n", 1)[0].rstrip("\r") if own_text else ""
        return Document(
            source, data, builder.nodes, base=base, position_map=mapper, parent=parent, pack=pack,
            duplicates=tuple(builder.duplicates), problems=tuple(builder.problems), header=header,
        )


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
    if problem == "found undefined alias":
        return ParseFailure(
            "unquoted value starting with '*' refers to an undefined YAML alias: quote the value if it is a "
            "literal (a password, say)", span, kind="undefined-alias",
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


class _Builder:
    """Builds plain data and the position index from a composed node graph, in one pass."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.nodes: dict[YamlPath, NodeInfo] = {}
        self.duplicates: list[DuplicateKey] = []
        self.problems: list[ParseProblem] = []
        self._memo: dict[int, tuple[Value, int]] = {}
        self._active: set[int] = set()
        self._expanded = 0
        self._lines: Optional[list[str]] = None

    def _line(self, line0: int) -> str:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines[line0] if 0 <= line0 < len(self._lines) else ""

    def build(self, root: Any) -> Value:
        value, _size = self._node(root, (), None, 0)
        return value

    def _span(self, node: Any) -> Span:
        start, end = node.start_mark, node.end_mark
        line, column = start.line, start.column
        end_line, end_column = end.line, end.column
        if end_line > line and end_column == 0:
            # Block scalars and collections end at the start of the next line: end at the previous one.
            end_line -= 1
            end_column = len(self._line(end_line).rstrip("\r"))
        return Span(line + 1, column + 1, end_line + 1, end_column + 1)

    def _node(self, node: Any, path: YamlPath, key_span: Optional[Span], depth: int) -> tuple[Value, int]:
        if depth > MAX_DEPTH:
            raise ParseFailure(
                f"nesting deeper than {MAX_DEPTH} levels; palette-lint refuses such files", self._span(node),
                kind="limit",
            )
        if id(node) in self._active:
            raise ParseFailure("recursive YAML alias: an anchor cannot contain its own alias", self._span(node),
                               kind="limit")
        memo = self._memo.get(id(node))
        if memo is not None:
            value, size = memo
            self._count(size, node)
            return value, size
        kind = type(node).__name__
        tag = _TAGS.get(node.tag, "")
        if kind == "ScalarNode":
            self.nodes[path] = NodeInfo(self._span(node), key_span, node.style or "", tag or "str")
            value = _scalar(node.value, tag, node.style)
            self._memo[id(node)] = (value, 1)
            self._count(1, node)
            return value, 1
        if kind == "SequenceNode":
            self.nodes[path] = NodeInfo(self._span(node), key_span, "flow" if node.flow_style else "block", "seq")
            items: list[Value] = []
            size = 1
            self._active.add(id(node))
            for index, child in enumerate(node.value):
                child_value, child_size = self._node(child, path + (index,), None, depth + 1)
                items.append(child_value)
                size += child_size
            self._active.discard(id(node))
            self._memo[id(node)] = (items, size)
            self._count(1, node)
            return items, size
        # MappingNode
        if node.flow_style and self._is_unquoted_macro(node):
            span = self._span(node)
            text = self._source_slice(node)
            self.problems.append(ParseProblem(
                "unquoted-macro",
                "a value that starts with '{{' must be quoted: YAML reads an unquoted macro as a nested "
                "mapping, so Palette receives no usable value; quote it, e.g. '{{.spectro.macro.NAME}}'",
                path, span,
            ))
            self.nodes[path] = NodeInfo(span, key_span, "", "str")
            self._memo[id(node)] = (text, 1)
            self._count(1, node)
            return text, 1
        self.nodes[path] = NodeInfo(self._span(node), key_span, "flow" if node.flow_style else "block", "map")
        mapping: dict[Union[str, int], Value] = {}
        self._active.add(id(node))
        size = 1
        first_spans: dict[str, Span] = {}
        merges: list[Any] = []
        for key_node, value_node in node.value:
            if getattr(key_node, "tag", "") == "tag:yaml.org,2002:merge":
                merges.append(value_node)
                continue
            key = self._key(key_node)
            this_key_span = self._span(key_node)
            child_path = path + (key,)
            if key in first_spans:
                self.duplicates.append(DuplicateKey(key, child_path, first_spans[key], this_key_span))
            else:
                first_spans[key] = this_key_span
            child_value, child_size = self._node(value_node, child_path, this_key_span, depth + 1)
            mapping[key] = child_value
            size += child_size
        for merge in merges:  # YAML 1.1 merge keys: explicit keys win
            sources = merge.value if type(merge).__name__ == "SequenceNode" else [merge]
            for source in sources:
                merged, merged_size = self._node(source, path + ("<<",), None, depth + 1)
                self.nodes.pop(path + ("<<",), None)
                if isinstance(merged, dict):
                    for k, v in merged.items():
                        mapping.setdefault(k, v)
                size += merged_size
        self._active.discard(id(node))
        self._memo[id(node)] = (mapping, size)
        self._count(1, node)
        return mapping, size

    def _count(self, size: int, node: Any) -> None:
        self._expanded += size
        if self._expanded > MAX_EXPANDED_NODES:
            raise ParseFailure(
                f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (a \"billion laughs\" bomb?); "
                "palette-lint refuses to expand them", self._span(node), kind="limit",
            )

    def _key(self, key_node: Any) -> str:
        if type(key_node).__name__ == "ScalarNode":
            return str(key_node.value)
        return self._source_slice(key_node)

    def _source_slice(self, node: Any) -> str:
        start, end = node.start_mark, node.end_mark
        if start.line == end.line:
            return self._line(start.line)[start.column:end.column]
        return self._line(start.line)[start.column:].strip()

    def _is_unquoted_macro(self, node: Any) -> bool:
        line = self._line(node.start_mark.line)
        return line[node.start_mark.column:node.start_mark.column + 2] == "{{"


def _scalar(text: str, tag: str, style: Optional[str]) -> Value:
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
            if len(cleaned) > 1 and cleaned.startswith("0") and cleaned.isdigit():
                return int(cleaned, 8)
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
            mapped_chars = _decode_double_quoted(outer.source, offset, value)
            if mapped_chars is not None:
                return mapped_chars
    return FixedMap(span.line, span.column)


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
