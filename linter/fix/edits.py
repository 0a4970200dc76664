"""Building a rule's fix: edits of a document's own text, found from YAML paths (``api.fixes``).

A rule names what to change by path, as it names where a problem is; these functions find the characters in the
document's own text and write the new text in that scalar's own style (plain, single- or double-quoted). Each
returns None when the text is not of a form they can edit safely (a multi-line plain scalar, a flow collection):
the rule then offers no fix. Where the document is embedded in its file (a pack's values) is the engine's
business (:mod:`linter.fix.embedding`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

from linter.model import Span, TextEdit, TextFix, YamlPath
from linter.yaml.positions import decode_double_quoted

if TYPE_CHECKING:  # pragma: no cover
    from linter.document import Document

__all__ = ["TextEdit", "TextFix", "safe", "unsafe", "node_range", "value_range", "quote_value", "replace_in_value",
           "rename_key", "entry_lines", "move_entry_to_root", "plain_safe"]


def safe(title: str, *edits: Optional[TextEdit], note: str = "", paths: tuple[YamlPath, ...] = ()) \
        -> Optional[TextFix]:
    """A safe fix of ``edits``; None when there is none or one could not be made. ``paths``: the YAML paths whose
    data it changes, when more than the issue's."""
    if not edits or any(edit is None for edit in edits):
        return None
    return TextFix(title, tuple(edit for edit in edits if edit is not None), True, note, paths)


def unsafe(title: str, *edits: Optional[TextEdit], note: str = "", paths: tuple[YamlPath, ...] = ()) \
        -> Optional[TextFix]:
    """An unsafe fix (applied only with ``--unsafe-fixes``): it may change what the file does."""
    fix = safe(title, *edits, note=note, paths=paths)
    return TextFix(fix.title, fix.edits, False, fix.note, fix.paths) if fix is not None else None


def _offset(doc: Document, line: int, column: int) -> int:
    return doc.own_source().offset(line - 1, column - 1)


def node_range(doc: Document, path: YamlPath, part: str = "value") -> Optional[tuple[int, int]]:
    """The own-text offsets ``[start, end)`` of the node at ``path``: its value's text (quotes included), or its
    key's (``part="key"``)."""
    info = doc.info(path)
    if info is None:
        return None
    span = info.key if part == "key" else info.value
    if span is None:
        return None
    return _offset(doc, span.line, span.column), _offset(doc, span.end_line, span.end_column)


def _scalar(doc: Document, path: YamlPath, part: str = "value") -> Optional[tuple[int, int, str, str]]:
    """(start, end, style, source text) of a one-line scalar value (or key)."""
    info = doc.info(path)
    found = node_range(doc, path, part)
    if info is None or found is None:
        return None
    span = info.key if part == "key" else info.value
    if span is None or span.line != span.end_line:
        return None
    style = info.style if part == "value" else ""
    start, end = found
    text = doc.own_text[start:end]
    if part == "key":
        style = text[:1] if text[:1] in ("'", '"') else ""
    if style not in ("", "'", '"'):
        return None
    return start, end, style, text


def value_range(doc: Document, path: YamlPath, start: int, end: int) -> Optional[tuple[int, int]]:
    """The own-text offsets of characters ``[start, end)`` of the one-line string at ``path`` (its value as the
    rule reads it, quotes and escapes undone)."""
    value = doc.get(path)
    scalar = _scalar(doc, path)
    if scalar is None or not isinstance(value, str) or not 0 <= start <= end <= len(value):
        return None
    first, last, style, text = scalar
    if style == "":
        return (first + start, first + end) if text == value else None
    if style == "'":
        places = []  # own offset of each character, then of the closing quote
        position = first + 1
        while position < last - 1:
            places.append(position)
            position += 2 if doc.own_text.startswith("''", position) else 1
        places.append(last - 1)
        return (places[start], places[end]) if len(places) == len(value) + 1 else None
    mapper = decode_double_quoted(doc.own_source(), first, value)
    if mapper is None:
        return None
    base = doc.own_source().line_starts[mapper.line0]
    return base + mapper.column_of(start), base + mapper.column_of(end)


def _written(text: str, style: str) -> Optional[str]:
    """``text`` as a scalar of ``style`` writes it, or None when it cannot."""
    if style == "'":
        return text.replace("'", "''") if "\n" not in text else None
    if style == '"':
        return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return text if plain_safe(text, inner=True) else None


_PLAIN_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"


def plain_safe(text: str, inner: bool = False) -> bool:
    """Whether ``text`` reads back as itself in a plain scalar (``inner``: as part of one, not its start)."""
    if "\n" in text or ": " in text or " #" in text or text.endswith(":") or "\t" in text:
        return False
    if not inner and (not text or text[0] in _PLAIN_INDICATORS or text != text.strip()):
        return False
    return True


def quote_value(doc: Document, path: YamlPath) -> Optional[tuple[TextEdit, ...]]:
    """Edits that quote the one-line plain scalar at ``path`` so that it reads as the text written: single quotes
    around it, or double quotes when it holds a single quote (and no backslash or double quote)."""
    info = doc.info(path)
    scalar = _scalar(doc, path)
    if info is None or scalar is None or scalar[2] != "":
        return None
    start, end, _style, text = scalar
    if not text or text != text.strip():
        return None
    return quote_text(start, end, text)


def quote_text(start: int, end: int, text: str) -> Optional[tuple[TextEdit, ...]]:
    """Edits that put quotes around the own text ``[start, end)``, which is ``text``."""
    if "'" not in text:
        mark = "'"
    elif '"' not in text and "\\" not in text:
        mark = '"'
    else:
        return None
    return TextEdit(start, start, mark), TextEdit(end, end, mark)


def replace_in_value(doc: Document, path: YamlPath, start: int, end: int, text: str) -> Optional[TextEdit]:
    """Replace characters ``[start, end)`` of the one-line string at ``path`` with ``text``, written in the
    scalar's style."""
    found = value_range(doc, path, start, end)
    scalar = _scalar(doc, path)
    if found is None or scalar is None:
        return None
    value = doc.get(path)
    style = scalar[2]
    if style == "":
        result = value[:start] + text + value[end:]
        if not plain_safe(result):
            return None
    written = _written(text, style)
    if written is None:
        return None
    return TextEdit(found[0], found[1], written)


def rename_key(doc: Document, path: YamlPath, new: str) -> Optional[TextEdit]:
    """Rename the key of the mapping entry at ``path`` to ``new``, in the key's quoting."""
    scalar = _scalar(doc, path, "key")
    if scalar is None or not re.fullmatch(r"[A-Za-z0-9_.-]+", new):
        return None
    start, end, style, text = scalar
    if style:
        if text[-1:] != style or str(path[-1]) not in text:
            return None
        return TextEdit(start + 1, end - 1, new)
    if text != path[-1]:
        return None
    return TextEdit(start, end, new)


def entry_lines(doc: Document, path: YamlPath) -> Optional[tuple[int, int]]:
    """The own-text offsets of the whole lines of the block mapping entry at ``path`` (from its key's line to its
    value's last, line break included), when nothing else shares those lines."""
    info = doc.info(path)
    if info is None or info.key is None or info.style == "flow":
        return None
    source = doc.own_source()
    key_line = source.line_text(info.key.line)
    if key_line[:info.key.column - 1].strip():
        return None  # the key is not the first thing on its line (a "- key:" item, a flow mapping)
    last = info.value.end_line
    if last > info.key.line and not source.line_text(last)[:info.value.end_column - 1].strip():
        last -= 1  # a block collection ends where the next key starts: its last line is the one before
    else:
        rest = source.line_text(last)[info.value.end_column - 1:]
        if rest.strip() and not rest.strip().startswith("#"):
            return None
    starts = source.line_starts
    begin = starts[info.key.line - 1]
    end = starts[last] if last < len(starts) else len(doc.own_text)
    return begin, end


def move_entry_to_root(doc: Document, path: YamlPath) -> Optional[tuple[TextEdit, ...]]:
    """Edits that move the block mapping entry at ``path`` to the end of the document's root mapping, its lines
    dedented to the root's column (comments and quoting travel with it)."""
    lines = entry_lines(doc, path)
    root = doc.info(())
    info = doc.info(path)
    key = path[-1]
    if lines is None or root is None or info is None or info.key is None or root.style != "block" \
            or not isinstance(doc.data, dict) or key in doc.data:
        return None
    first_key = doc.info((next(iter(doc.data)),)) if doc.data else None
    if first_key is None or first_key.key is None or first_key.key.column != 1:
        return None
    begin, end = lines
    block = doc.own_text[begin:end]
    depth = info.key.column - 1
    moved = []
    for line in block.split("\n"):
        line = line.rstrip("\r")  # written back in the file's own line breaks
        if line.strip() and line[:depth].strip():
            return None
        moved.append(line[depth:] if line.strip() else "")
    text = "\n".join(moved)
    if not text.endswith("\n"):
        text += "\n"
    source = doc.own_source()
    after = root.value.end_line  # the root's last line (0-based: the line after it)
    if after < len(source.line_starts):
        insert_at = source.line_starts[after]
    else:
        insert_at = len(doc.own_text)
        if not doc.own_text.endswith("\n"):
            text = "\n" + text.rstrip("\n")
    if begin <= insert_at < end:
        return None
    return TextEdit(begin, end, ""), TextEdit(insert_at, insert_at, text)


def replace_value(doc: Document, path: YamlPath, text: str) -> Optional[TextEdit]:
    """Replace the whole one-line scalar at ``path`` (its quotes included) with ``text``, YAML as written."""
    scalar = _scalar(doc, path)
    if scalar is None:
        return None
    return TextEdit(scalar[0], scalar[1], text)


def after_key(doc: Document, path: YamlPath) -> Optional[tuple[int, int, str]]:
    """The own-text offsets and text of what follows the key of the entry at ``path`` on its line, from its first
    non-blank character after the ``:`` to the line's last non-blank one (a comment that YAML reads as no value)."""
    info = doc.info(path)
    if info is None or info.key is None:
        return None
    source = doc.own_source()
    line = source.line_text(info.key.line)
    rest = line[info.key.end_column - 1:]
    stripped = rest.lstrip()
    if not stripped.startswith(":"):
        return None
    after = stripped[1:].strip()
    if not after:
        return None
    column0 = info.key.end_column - 1 + rest.index(":") + 1
    column0 += len(line[column0:]) - len(line[column0:].lstrip())
    start = source.offset(info.key.line - 1, column0)
    return start, start + len(after), after


def value_to_line_end(doc: Document, path: YamlPath) -> Optional[tuple[int, int, str]]:
    """The own-text offsets and text from the one-line plain scalar at ``path`` to the end of its line (a comment
    that cuts the value short included), trailing blanks left out."""
    scalar = _scalar(doc, path)
    info = doc.info(path)
    if scalar is None or info is None or scalar[2] != "":
        return None
    source = doc.own_source()
    line = source.line_text(info.value.line)
    text = line[info.value.column - 1:].rstrip()
    return scalar[0], scalar[0] + len(text), text


def literal_block(doc: Document, path: YamlPath) -> Optional[tuple[TextEdit, str]]:
    """For the folded block scalar (``>``) at ``path``: the edit that makes it literal (``|``, its chomping and
    indentation indicators kept) and the value it then has."""
    info = doc.info(path)
    found = node_range(doc, path)
    if info is None or found is None or info.style != ">" or doc.own_text[found[0]:found[0] + 1] != ">":
        return None
    source = doc.own_source()
    header = source.line_text(info.value.line)[info.value.column - 1:].split("#", 1)[0].strip()
    if not re.fullmatch(r">[-+]?[1-9]?|>[1-9][-+]", header):
        return None
    lines = [source.line_text(number) for number in range(info.value.line + 1, info.value.end_line + 1)]
    content = [line for line in lines if line.strip()]
    if not content:
        return None
    indent = min(len(line) - len(line.lstrip(" ")) for line in content)
    value = "\n".join(line[indent:] for line in lines).rstrip("\n") + ("" if "-" in header else "\n")
    return TextEdit(found[0], found[0] + 1, "|"), value


def quote_span(doc: Document, span: Optional[Span]) -> Optional[tuple[TextEdit, ...]]:
    """Edits that quote the one-line text of ``span`` (in the document's own coordinates, as the parser gave it:
    a value it could not read)."""
    if span is None or span.line != span.end_line:
        return None
    start, end = _offset(doc, span.line, span.column), _offset(doc, span.end_line, span.end_column)
    text = doc.own_text[start:end]
    if not text or text != text.strip() or "\n" in text:
        return None
    return quote_text(start, end, text)
