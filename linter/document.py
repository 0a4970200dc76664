"""A parsed YAML or JSON document as rules see it: plain data, where each node came from, and what it is.

A document is a whole file, or text embedded in one (a pack's values inside a profile): its positions are
translated back into the file on disk by a position map (``linter/yaml/positions.py``), so a finding inside a
pack's values points at its line and column in the profile.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Optional, TypeVar

from msgspec import Struct

from linter.model import Span, YamlPath
from linter.yaml.composer import ComposedYaml, DuplicateKey, NodeInfo, ParseProblem
from linter.yaml.paths import get_path, walk
from linter.yaml.positions import PositionMap, block_scalar_map, decode_double_quoted
from linter.yaml.source import SourceFile

T = TypeVar("T")
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
        text: Optional[str] = None,
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
        self._text = text  # the text it was parsed from, when that is not the file's nor a value of its parent
        #: Values the parser could not read, masked so the rest could be (in the file's coordinates): the
        #: findings of rules there are left to PAL000's.
        self.masked: tuple[Span, ...] = ()
        self.children: list[Document] = []
        self._walked: Optional[list[tuple[YamlPath, Value]]] = None
        self._keys: Optional[dict[str, list[tuple[int, YamlPath]]]] = None
        self._derived: dict[str, Any] = {}

    @classmethod
    def from_yaml(cls, source: SourceFile, composed: ComposedYaml, *, kind: str = "unknown", base: YamlPath = (),
                  position_map: Optional[PositionMap] = None, parent: Optional[Document] = None,
                  pack: Optional[PackInfo] = None, text: Optional[str] = None) -> Document:
        """The document of YAML text composed from ``source`` (or from a string embedded in it; ``text``: a part
        of the file that is no value of ``parent``, such as a Markdown file's fenced block)."""
        document = cls(source, composed.data, composed.nodes, kind=kind, base=base, position_map=position_map,
                       parent=parent, pack=pack, duplicates=composed.duplicates, problems=composed.problems,
                       text=text)
        document.masked = tuple(document.outer_span(span) for span in composed.masked)
        return document

    # ---- identity -------------------------------------------------------------------------------
    @property
    def path(self) -> str:
        return self.source.path

    @property
    def display_path(self) -> str:
        return self.source.display_path

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
        """``path`` from the file's root: through the document this one is embedded in, when it has a base of
        its own (a Terraform profile resource's pack values)."""
        if self.parent is not None:
            return self.parent.outer_path(self.base) + tuple(path)
        return self.base + tuple(path)

    def derived(self, name: str, compute: Callable[[Document], T]) -> T:
        """A fact derived from this document that several rules need (its PEM blocks, say), computed once."""
        if name not in self._derived:
            self._derived[name] = compute(self)
        result: T = self._derived[name]
        return result

    # ---- the document's own text ---------------------------------------------------------------------
    @property
    def header(self) -> str:
        """The first line of the document's text (user-data's ``#cloud-config``)."""
        text = self.own_text
        return text.split("\n", 1)[0].rstrip("\r") if text else ""

    @property
    def own_text(self) -> str:
        """The text this document was parsed from: the file, or the pack's values string when embedded."""
        if self._text is not None:
            return self._text
        if self.parent is None:
            return self.source.text
        text = self.parent.get(self.base)
        return text if isinstance(text, str) else ""

    def own_source(self) -> SourceFile:
        """The text this document was parsed from, as a source (its own lines and offsets)."""
        return self._own_source()

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
        lines = self.derived(f"lines of {path!r}", lambda _doc: value.split("\n"))  # once per string, not per line
        line0 = max(0, min(line0, len(lines) - 1))
        width = max(len(lines[line0].rstrip()), 1)
        own = self._own_source()
        mapper: Optional[PositionMap] = None
        if info.style == "|":
            mapper = block_scalar_map(own, info.value.line - 1)
        elif info.style == '"' and info.value.line == info.value.end_line:
            mapper = decode_double_quoted(own, own.offset(info.value.line - 1, info.value.column - 1), value)
        if mapper is None:
            return info.value
        line, column = mapper.outer(line0, 0)
        end_line, end_column = mapper.outer(line0, width - 1)
        return Span(line, column, end_line, end_column + 1)


class PackInfo(Struct, frozen=True):
    """A pack (layer) of a profile: its index among the profile's packs, name, layer and type as the profile gives
    them, and the YAML path of its entry in the profile."""

    index: int
    name: str
    layer: str
    type: str = ""
    version: str = ""
    path: tuple[Any, ...] = ()
