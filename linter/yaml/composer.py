"""The YAML composer: plain Python data and the position of every node, built in one pass from the events of
ruamel.yaml's C parser (libyaml through ``ruamel.yaml.clib``).

No node graph is composed and no round-trip loader runs: both cost many times more, and the rules need only
values and positions. Plain scalars are typed by :mod:`linter.yaml.scalars`. Aliases are expanded by reference
and counted, so an alias bomb is refused before it costs memory; nesting is bounded. Error messages never
quote the text: what a parser quotes is the file's own content, which may be a secret.
"""

from __future__ import annotations

import bisect
import itertools
import re
from typing import Any, NamedTuple, Optional, Union

from msgspec import Struct

from linter.model import Span, YamlPath
from linter.yaml.positions import PositionMap
from linter.yaml.scalars import TAG_TYPES, plain_scalar_type, typed_value

Value = Any

#: Documents whose aliases expand to more nodes than this are refused (a "billion laughs" YAML bomb).
MAX_EXPANDED_NODES = 200_000
#: Deeper nesting than this is refused before Python's recursion limit is reached.
MAX_DEPTH = 200


class ParseFailure(Exception):
    """The text could not be parsed. ``kind`` names the problem; the message says what is wrong and ``help``
    what to do. Neither ever quotes the text."""

    def __init__(self, message: str, span: Span, kind: str = "syntax", help: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.kind = kind
        self.help = help
        #: A repair in the parsed text's own offsets (linter.model.TextFix), and the same in the file
        #: (linter.model.Fix) once the reader that knows where the text sits has placed it.
        self.text_fix: Any = None
        self.fix: Any = None


class ParseProblem(Struct, frozen=True):
    """A problem found while building a document that still let it be built (an unquoted macro, say)."""

    kind: str
    message: str
    path: YamlPath
    span: Span
    help: str = ""


class DuplicateKey(Struct, frozen=True):
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


class ComposedYaml(Struct, frozen=True):
    """One YAML document as composed: its data, every node's position (in the text's own coordinates), the keys
    written twice, and the problems that still let it be built."""

    data: Value
    nodes: dict[YamlPath, NodeInfo]
    duplicates: tuple[DuplicateKey, ...] = ()
    problems: tuple[ParseProblem, ...] = ()
    #: Values replaced by a mask so that the rest of the text could be parsed (:mod:`linter.inputs.parse_hints`).
    masked: tuple[Span, ...] = ()


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

    def parse(self, text: str, position_map: Optional[PositionMap] = None) -> ComposedYaml:
        """The first YAML document of ``text``: its data and the position of every node, in ``text``'s own
        coordinates. Raises :class:`ParseFailure`, positioned in the file through ``position_map``."""
        mapper = position_map or PositionMap()
        from ruamel.yaml.error import MarkedYAMLError, YAMLError

        readable, shifts = _join_surrogate_escapes(text)
        hidden = any(char in readable for char in _YAML11_BREAKS)
        if hidden:
            readable = readable.translate(_HIDE_BREAKS)
        events = self._events(readable)
        builder = _EventBuilder(events, readable, shifts)
        try:
            data = builder.first_document()
        except MarkedYAMLError as exc:
            raise _describe_yaml_error(exc, text, mapper) from None
        except YAMLError as exc:
            raise _describe_reader_error(exc, text, mapper) from None
        except ParseFailure as failure:
            failure.span = _outer(mapper, failure.span)
            raise
        except RecursionError:
            raise ParseFailure("nesting is too deep to parse", _mark_span(mapper, 0, 0), kind="limit",
                               help="flatten the structure") from None
        finally:
            events.dispose()
        if hidden:
            return _with_breaks_shown(ComposedYaml(data, builder.nodes, tuple(builder.duplicates),
                                                   tuple(builder.problems)))
        return ComposedYaml(data, builder.nodes, tuple(builder.duplicates), tuple(builder.problems))


#: Characters that libyaml, reading YAML 1.1, takes for line breaks (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR),
#: which YAML 1.2 (and Palette's Go parser) reads as ordinary characters, and palette-lint's line numbers too. They
#: are hidden from the parser behind private-use characters and shown again in the values and keys it returns.
_YAML11_BREAKS = "\x85\u2028\u2029"
_HIDE_BREAKS = str.maketrans({"\x85": "\ue085", "\u2028": "\ue228", "\u2029": "\ue229"})
_SHOW_BREAKS = str.maketrans({"\ue085": "\x85", "\ue228": "\u2028", "\ue229": "\u2029"})


def _with_breaks_shown(composed: ComposedYaml) -> ComposedYaml:
    """``composed`` with the line-break characters hidden before parsing put back in its strings and paths."""
    seen: dict[int, Value] = {}

    def show(value: Value) -> Value:
        if isinstance(value, str):
            return value.translate(_SHOW_BREAKS)
        if isinstance(value, (dict, list)):
            if id(value) in seen:
                return seen[id(value)]
            if isinstance(value, dict):
                shown: Value = {}
                seen[id(value)] = shown
                shown.update((show(key), show(item)) for key, item in value.items())
            else:
                shown = []
                seen[id(value)] = shown
                shown.extend(show(item) for item in value)
            return shown
        return value

    def path(steps: YamlPath) -> YamlPath:
        return tuple(show(step) for step in steps)

    return ComposedYaml(show(composed.data), {path(key): info for key, info in composed.nodes.items()},
                        tuple(DuplicateKey(show(d.key), path(d.path), d.first, d.second) for d in composed.duplicates),
                        tuple(ParseProblem(p.kind, p.message, path(p.path), p.span, p.help) for p in composed.problems))


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


#: A plain value starting with ``{{`` (a macro left unquoted): after a line's start, a ``key:`` or a list dash,
#: not after a quote (``'{{...}}'`` inside a JSON string is text).
_PLAIN_BRACES = re.compile(r"(?:^|[:-])[ ]*\{\{")


def _describe_yaml_error(exc: Any, text: str, mapper: PositionMap) -> ParseFailure:
    """Turn a ruamel error into a message that names the common traps (tabs, a bare `*` or `{{`) and never quotes
    the file."""
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
        return ParseFailure("tab character in indentation", span, kind="tab",
                            help="YAML indents with spaces only; replace the tabs with spaces")
    if context == "while scanning an alias" or (problem.startswith("did not find expected alphabetic") and
                                               line_text[column0:column0 + 1] == "*"):
        start = exc.context_mark  # the '*' itself; the problem is found at the character after it
        if start is not None and start.line == line0:
            span = _mark_span(mapper, start.line, start.column)
        return ParseFailure("unquoted value starting with '*' is read as a YAML alias", span, kind="alias-star",
                            help="quote the value")
    if _PLAIN_BRACES.search(line_text[:column0 + 2]):
        return ParseFailure("unquoted value starting with '{{' is read as a nested flow mapping", span,
                            kind="unquoted-braces", help="quote the value")
    if "recursive" in problem:
        return ParseFailure("recursive YAML alias", span, kind="limit", help="an anchor cannot refer to itself")
    where = f" ({context})" if context else ""
    detail = without_quoted_text(problem) or "syntax error"
    return ParseFailure(f"invalid YAML: {detail}{without_quoted_text(where)}", span,
                        help="palette-lint cannot check the rest of the file until this is fixed (JSON is YAML too)")


def _describe_reader_error(exc: Any, text: str, mapper: PositionMap) -> ParseFailure:
    position = getattr(exc, "position", None)
    line0 = column0 = 0
    if isinstance(position, int):
        before = text[:position]
        line0 = before.count("\n")
        column0 = position - (before.rfind("\n") + 1)
    return ParseFailure("control character in YAML text", _mark_span(mapper, line0, column0), kind="encoding",
                        help="YAML text cannot hold control characters: is this a binary file?")


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

_UNDEFINED_ALIAS = "unquoted value starting with '*' refers to an undefined YAML alias"


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
                raise ParseFailure(f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes", span, kind="limit",
                                   help="a \"billion laughs\" bomb? palette-lint refuses to expand them")
            raise ParseFailure(f"more than {MAX_EXPANDED_NODES:,} values in one document", span, kind="limit",
                               help="palette-lint refuses documents this large (profiles and user-data hold a few "
                                    "hundred values)")

    def _node(self, event: Any, path: YamlPath, key_span: Optional[Span], depth: int) -> tuple[Value, int]:
        """Build the node that starts with ``event``: its value and its expanded size in nodes."""
        kind = type(event)
        if kind is _EVENTS.scalar:
            return self._scalar(event, path, key_span), 1
        if kind is _EVENTS.alias:
            return self._alias(event)
        if depth >= MAX_DEPTH:
            raise ParseFailure(f"nesting deeper than {MAX_DEPTH} levels", self._span(event.start_mark, event.end_mark),
                               kind="limit", help="palette-lint refuses such files: flatten the structure")
        if kind is _EVENTS.sequence_start:
            return self._sequence(event, path, key_span, depth)
        return self._mapping(event, path, key_span, depth)

    def _scalar(self, event: Any, path: YamlPath, key_span: Optional[Span]) -> Value:
        style = event.style or ""
        tag = event.ctag
        if tag is None or tag == "!":
            type_name = plain_scalar_type(event.value, self._version) \
                if not style and event.implicit[0] else "str"
            value = event.value if type_name == "str" else typed_value(event.value, type_name, style,
                                                                    self._version == (1, 1))
        else:
            type_name = TAG_TYPES.get(str(tag), "")
            value = typed_value(event.value, type_name, style, self._version == (1, 1))
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
                               kind="undefined-alias", help="quote the value")
        if anchor.building:
            raise ParseFailure("recursive YAML alias", anchor.span, kind="limit",
                               help="an anchor cannot contain its own alias")
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
                raise ParseFailure(_UNDEFINED_ALIAS, span, kind="undefined-alias", help="quote the value")
            text = anchor.text if anchor.text is not None else self._slice(event.start_mark, event.end_mark)
            return text, span, False
        end = self._skip(event)
        return self._slice(event.start_mark, end), self._span(event.start_mark, end), False

    def _unquoted_macro(self, event: Any, path: YamlPath, key_span: Optional[Span]) -> tuple[Value, int]:
        """``key: {{ x }}`` (a template) parses as a flow mapping inside a flow mapping: keep its text."""
        end = self._skip(event)
        span = self._span(event.start_mark, end)
        self.problems.append(ParseProblem("unquoted-braces", "unquoted value starting with '{{' is read as a nested "
                                          "flow mapping", path, span, help="quote the value"))
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


def without_quoted_text(message: str) -> str:
    """A parser's message without what it quotes of the text: ``found 'x'`` becomes ``found '…'``. What the parser
    quotes of its own grammar stays: a YAML indicator (``':'``, ``','``, ``'}'``) or a token name
    (``'<block end>'``), which tell what was expected."""
    def keep_grammar(match: re.Match[str]) -> str:
        quote, inner = match.group(1), match.group(2)
        if _GRAMMAR_TOKEN.fullmatch(inner):
            return match.group(0)
        return f"{quote}…{quote}"

    return re.sub(r"""(['"])(.*?)(?:\1|$)""", keep_grammar, message)


#: What a YAML parser quotes of its own grammar: an indicator character, or a token name in angle brackets.
_GRAMMAR_TOKEN = re.compile(r"[-?:,\[\]{}#&*!|>'\"%@`]|<[a-z ]+>")
