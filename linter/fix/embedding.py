"""Where a document's own text sits in its file, for writing into it: an edit of the own text (offsets of the
text a document was parsed from) becomes a replacement of the file's characters, with the new text written the
way its container writes text.

- a whole file: the edit as it is (new lines in the file's own line-break style);
- a literal block scalar (a packs list's ``values: |``): each own line is a file line behind the block's
  indentation, and every line the new text starts is indented like the block;
- a Markdown fenced block: each own line is a file line behind its own prefix (a list item's indentation, a
  quote's ``>``), which every new line gets too;
- a double-quoted one-line string (an export's JSON ``"values"``): each decoded character sits where its text
  or escape does, and new text is escaped as JSON (which YAML's double-quoted style reads too);
- a Terraform heredoc or quoted string: characters sit where their text or escape does; new text has ``${``
  and ``%{`` doubled (literal in HCL), and is escaped in a quoted string, or indented like the heredoc's lines;
- one of these inside another (a pack's values string in a profile quoted in a Markdown fence): the inner
  container first, then the outer.

Anything else (a folded or plain multi-line string, a Terraform profile's own data, which is HCL rather than
YAML) has no embedding: a fix inside it is not offered.
"""

from __future__ import annotations

import bisect
import json
from typing import TYPE_CHECKING, Optional

from linter.model import Fix, Replacement, Span, TextEdit, TextFix
from linter.yaml.composer import ParseFailure
from linter.yaml.positions import BlockScalarMap, CharacterMap, LinesMap, NestedMap, OffsetMap, PositionMap
from linter.yaml.source import SourceFile

if TYPE_CHECKING:  # pragma: no cover
    from linter.document import Document


class Embedding:
    """A whole file: own offsets are file offsets."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.newline = "\r\n" if "\r\n" in source.text else "\n"

    def position(self, offset: int) -> Optional[tuple[int, int]]:
        """The file's 0-based (line, column) of own offset ``offset``; None when it has no place."""
        return _line_column(self.source, offset)

    def write(self, edit: TextEdit) -> Optional[str]:
        """The new text of ``edit`` as the container writes it; None when it cannot be."""
        return edit.text.replace("\n", self.newline)

    def replacement(self, edit: TextEdit) -> Optional[Replacement]:
        start = self.position(edit.start)
        end = self.position(edit.end) if edit.end != edit.start else start
        written = self.write(edit)
        if start is None or end is None or written is None or end < start:
            return None
        return Replacement(Span(start[0] + 1, start[1] + 1, end[0] + 1, end[1] + 1), written)


def _line_column(source: SourceFile, offset: int) -> Optional[tuple[int, int]]:
    if offset < 0 or offset > len(source.text):
        return None
    starts = source.line_starts
    line0 = bisect.bisect_right(starts, offset) - 1
    return line0, offset - starts[line0]


class BlockEmbedding(Embedding):
    """A literal block scalar: own line k is file line ``first_line0 + k``, behind ``indent`` spaces."""

    def __init__(self, source: SourceFile, own: str, mapper: BlockScalarMap) -> None:
        super().__init__(source)
        self.own = own
        self.own_source = SourceFile(own, source.path, source.display_path)
        self.first_line0 = mapper.first_line0
        self.indent = mapper.indent

    def position(self, offset: int) -> Optional[tuple[int, int]]:
        place = _line_column(self.own_source, offset)
        if place is None:
            return None
        line0, column0 = place
        file_line0 = self.first_line0 + line0
        if file_line0 >= len(self.source.line_starts):
            return None
        written = self.source.line_text(file_line0 + 1)
        own_line = self.own_source.line_text(line0 + 1)
        if own_line.strip():
            if written[:self.indent].strip() or written[self.indent:] != own_line:
                return None  # the file's line is not this own line behind the indentation
            return file_line0, self.indent + column0
        return file_line0, min(self.indent + column0, len(written))  # a blank line may be less indented

    def write(self, edit: TextEdit) -> Optional[str]:
        return _indented(edit, self.own, " " * self.indent, self.newline)


class LinesEmbedding(Embedding):
    """Lines lifted out of a file, each behind its own prefix (a Markdown fence in a list item or a quote): own
    line k is file line ``first_line0 + k`` behind ``indents[k]`` characters, and new lines get the prefix of
    the line the edit starts on."""

    def __init__(self, source: SourceFile, own: str, mapper: LinesMap) -> None:
        super().__init__(source)
        self.own = own
        self.own_source = SourceFile(own, source.path, source.display_path)
        self.mapper = mapper

    def _line(self, line0: int) -> Optional[tuple[int, str, int]]:
        """(file line, its text, the own line's indentation in it) of own line ``line0``."""
        file_line0 = self.mapper.first_line0 + line0
        if not 0 <= line0 < len(self.mapper.indents) or file_line0 >= len(self.source.line_starts):
            return None
        return file_line0, self.source.line_text(file_line0 + 1), self.mapper.indents[line0]

    def position(self, offset: int) -> Optional[tuple[int, int]]:
        place = _line_column(self.own_source, offset)
        found = self._line(place[0]) if place is not None else None
        if place is None or found is None:
            return None
        file_line0, written, indent = found
        own_line = self.own_source.line_text(place[0] + 1)
        if own_line and written[indent:] != own_line:
            return None
        return file_line0, min(indent + place[1], len(written))

    def write(self, edit: TextEdit) -> Optional[str]:
        place = _line_column(self.own_source, edit.start)
        found = self._line(place[0]) if place is not None else None
        if found is None:
            return None
        prefix = found[1][:found[2]]
        return _indented(edit, self.own, prefix, self.newline)


class QuotedEmbedding(Embedding):
    """A double-quoted string on one line (a JSON string): decoded characters sit at their text or escape."""

    def __init__(self, source: SourceFile, mapper: CharacterMap) -> None:
        super().__init__(source)
        self.mapper = mapper

    def position(self, offset: int) -> Optional[tuple[int, int]]:
        if offset < 0 or offset > self.mapper.length or self.mapper.end_column < 0:
            return None
        return self.mapper.line0, self.mapper.column_of(offset)

    def write(self, edit: TextEdit) -> Optional[str]:
        return json.dumps(edit.text, ensure_ascii=False)[1:-1]


class HclEmbedding(Embedding):
    """A Terraform heredoc or quoted string, read from the ``.tf`` file."""

    def __init__(self, source: SourceFile, own: str, mapper: OffsetMap) -> None:
        super().__init__(source)
        self.own = own
        self.mapper = mapper

    def position(self, offset: int) -> Optional[tuple[int, int]]:
        if offset < 0 or offset > self.mapper.length or (offset == self.mapper.length and self.mapper.end_offset < 0):
            return None
        return _line_column(self.source, self.mapper.start_offset(offset))

    def write(self, edit: TextEdit) -> Optional[str]:
        literal = edit.text.replace("${", "$${").replace("%{", "%%{")
        if self.mapper.container == "quoted":
            escaped = literal.replace("\\", "\\\\").replace('"', '\\"')
            return escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        if self.mapper.container != "heredoc":
            return None
        # New lines of a heredoc are indented as the own line the edit is on (what ``<<-`` takes away).
        line_start = self.own.rfind("\n", 0, edit.start) + 1
        file_offset = self.mapper.start_offset(line_start)
        file_line_start = self.source.text.rfind("\n", 0, file_offset) + 1
        prefix = self.source.text[file_line_start:file_offset]
        if prefix.strip():
            prefix = ""
        return _indented(TextEdit(edit.start, edit.end, literal), self.own, prefix, self.newline)


class NestedEmbedding(Embedding):
    """Text embedded in a document that is itself embedded (a pack's values string in a profile quoted in a
    Markdown fence): ``inner`` places an edit in the holder's own text and writes it as the string's container
    does; ``outer`` places that in the file and writes it as the holder's container does."""

    def __init__(self, source: SourceFile, inner: Embedding, outer: Embedding) -> None:
        super().__init__(source)
        self.inner, self.outer = inner, outer

    def _holder_offset(self, offset: int) -> Optional[int]:
        place = self.inner.position(offset)
        if place is None:
            return None
        return self.inner.source.offset(place[0], place[1])

    def replacement(self, edit: TextEdit) -> Optional[Replacement]:
        start = self._holder_offset(edit.start)
        end = self._holder_offset(edit.end) if edit.end != edit.start else start
        written = self.inner.write(edit)
        if start is None or end is None or written is None or end < start:
            return None
        return self.outer.replacement(TextEdit(start, end, written))


def _indented(edit: TextEdit, own: str, prefix: str, newline: str) -> str:
    """The new text of ``edit`` with each line it starts behind ``prefix`` (the container's indentation): empty
    lines stay empty, and so does the last when the edit ends its line."""
    lines = edit.text.split("\n")
    ends_line = edit.end >= len(own) or own[edit.end] == "\n"
    out = [lines[0]]
    for number, line in enumerate(lines[1:], start=2):
        last = number == len(lines)
        out.append(prefix + line if line or (last and not ends_line) else "")
    return newline.join(out)


def embedding_of(doc: Document) -> Optional[Embedding]:
    """How ``doc``'s own text sits in its file; None when a fix cannot be written into it."""
    if doc.parent is None:
        if doc.source.path.endswith(".tf") or doc.display_path.endswith(".tf"):
            return None  # a Terraform file's own documents are HCL, not YAML text
        return Embedding(doc.source)
    mapper: PositionMap = doc.position_map.resolved()
    if isinstance(mapper, BlockScalarMap):
        return BlockEmbedding(doc.source, doc.own_text, mapper)
    if isinstance(mapper, LinesMap):
        return LinesEmbedding(doc.source, doc.own_text, mapper)
    if isinstance(mapper, CharacterMap):
        return QuotedEmbedding(doc.source, mapper)
    if isinstance(mapper, OffsetMap):
        return HclEmbedding(doc.source, doc.own_text, mapper)
    if isinstance(mapper, NestedMap) and doc.parent is not None:
        from linter.document import Document

        outer = embedding_of(doc.parent)
        inner = embedding_of(Document(mapper.holder, None, {}, position_map=mapper.inner, parent=doc.parent,
                                      text=doc.own_text))
        return NestedEmbedding(doc.source, inner, outer) if inner is not None and outer is not None else None
    return None


def at_end_of_text(edit: TextEdit, own: str) -> TextEdit:
    """An insertion of whole lines after the text's final line break, written before that line break instead (the
    same text results): past the last line, a container has no place for it (a block scalar's next line belongs
    to the enclosing document)."""
    if edit.end != len(own) or not own.endswith("\n") or not edit.text.endswith("\n"):
        return edit
    if edit.start == edit.end:
        return TextEdit(len(own) - 1, len(own) - 1, "\n" + edit.text[:-1])
    return TextEdit(edit.start, len(own) - 1, edit.text[:-1])  # the text it replaces ends with that line break


def _merged(edits: tuple[TextEdit, ...]) -> list[TextEdit]:
    """``edits`` in order, an edit that starts where the one before ends joined to it (a deletion, then an
    insertion where it ends: one replacement, the same text)."""
    out: list[TextEdit] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if out and out[-1].end == edit.start and out[-1].start < edit.start:
            out[-1] = TextEdit(out[-1].start, edit.end, out[-1].text + edit.text)
        else:
            out.append(edit)
    return out


def file_replacements(doc: Document, edits: tuple[TextEdit, ...]) -> Optional[tuple[Replacement, ...]]:
    """``edits`` of ``doc``'s own text as replacements of its file, sorted; None when one cannot be written there
    or two overlap."""
    embedding = embedding_of(doc)
    if embedding is None:
        return None
    own = doc.own_text
    out = []
    for edit in _merged(edits):
        if not 0 <= edit.start <= edit.end <= len(own):
            return None
        replacement = embedding.replacement(at_end_of_text(edit, own) if doc.parent is not None else edit)
        if replacement is None:
            return None
        out.append(replacement)
    out.sort(key=lambda r: (r.span.line, r.span.column, r.span.end_line, r.span.end_column))
    for before, after in zip(out, out[1:]):
        if (before.span.end_line, before.span.end_column) > (after.span.line, after.span.column):
            return None
    return tuple(out)


def placed(fix: Optional[TextFix], doc: Document, paths: tuple[str, ...] = ()) -> Optional[Fix]:
    """A rule's fix of ``doc``'s own text as a fix of its file; None when it cannot be written there. ``paths``:
    the YAML paths (from the file's root) whose data the fix may change."""
    if fix is None:
        return None
    replacements = file_replacements(doc, fix.edits)
    if not replacements:
        return None
    return Fix(fix.title, replacements, fix.safe, fix.note, paths)


def place_failure(failure: ParseFailure, doc: Document) -> None:
    """Place the fix of a parse failure of ``doc``'s text (a document that did not compose: its source, and where
    its text sits) in the file."""
    if failure.text_fix is not None and failure.fix is None:
        failure.fix = placed(failure.text_fix, doc)
