"""The packs of a profile (an export JSON, a packs list, a cluster request's ``packValues``): each pack's
``values`` string is parsed as a document of its own, embedded in the profile, whose positions a position map
translates back into the file."""

from __future__ import annotations

from typing import Any

from linter.document import Document, PackInfo
from linter.inputs.kinds import OS_LAYER, PACK_VALUES, pack_entries, pack_is_os_layer
from linter.inputs.parse_hints import compose
from linter.inputs.reader import ParsedFile
from linter.model import YamlPath
from linter.yaml.composer import ParseFailure, YamlParser
from linter.yaml.positions import FixedMap, NestedMap, PositionMap, QuotedStringMap, block_scalar_map


def read_packs(root: Document, parser: YamlParser, parsed: ParsedFile) -> None:
    """Parse the values of every pack of the profile ``root`` into an embedded document (an OS layer or another
    pack's values); a pack whose values do not parse adds a failure, positioned in the file."""
    for index, (pack_path, pack) in enumerate(pack_entries(root.data)):
        if not isinstance(pack, dict):
            continue
        values_path = pack_path + ("values",)
        values = pack.get("values")
        info = PackInfo(index=index, name=_text(pack.get("name")), layer=_text(pack.get("layer")),
                        type=_text(pack.get("type")), version=_text(pack.get("version") or pack.get("tag")),
                        path=pack_path)
        if not isinstance(values, str) or not values.strip():
            continue
        mapper = embedded_position_map(root, values_path)
        try:
            composed = compose(parser, values, mapper)
        except ParseFailure as failure:
            failure.message = f"pack {info.name or '#' + str(index)}: {failure.message}"
            if isinstance(mapper.resolved(), FixedMap):
                failure.span = root.span_of(values_path, "value")
            if failure.text_fix is not None:
                from linter.fix.embedding import place_failure

                place_failure(failure, Document(root.source, None, {}, base=values_path, position_map=mapper,
                                                parent=root))
            parsed.failures.append(failure)
            continue
        kind = OS_LAYER if pack_is_os_layer(pack, composed.data) else PACK_VALUES
        child = Document.from_yaml(root.source, composed, kind=kind, base=values_path, position_map=mapper,
                                   parent=root, pack=info)
        root.children.append(child)
        parsed.documents.append(child)


def embedded_position_map(outer: Document, path: YamlPath) -> PositionMap:
    """How positions inside the string at ``path`` of ``outer`` map to the file: line by line for a ``|`` block,
    character by character for a double-quoted (JSON) string, else everything at the string's start. When
    ``outer`` is itself a part of the file (a Markdown fence), the map goes through ``outer``'s own text first."""
    info = outer.nodes.get(path)
    value = outer.get(path)
    if info is None or not isinstance(value, str):
        return FixedMap(1, 1)
    holder = outer.own_source()  # the file itself, for a whole-file document
    span = info.value
    start = FixedMap(span.line, span.column)
    mapped: PositionMap = start
    if info.style == "|":
        mapped = block_scalar_map(holder, span.line - 1) or start
    elif info.style == '"':
        mapped = QuotedStringMap(holder, holder.offset(span.line - 1, span.column - 1), value, start)
    return mapped if outer.parent is None else NestedMap(mapped, outer.position_map, holder)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))
