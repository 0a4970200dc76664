"""HCL, Terraform's syntax, read with tree-sitter's HCL grammar (``tree-sitter-hcl``): the syntax tree with every
node's place in the file, the first syntax error, and the values palette-lint can know without Terraform.

tree-sitter delimits every token; this module applies only the language's rules for literal text, from the HCL
native syntax specification: the escapes of a quoted string (``\\n``, ``\\"``, ``\\u00e9``, ...), ``$${`` and
``%%{`` for a literal ``${`` and ``%{``, and the indentation a ``<<-`` heredoc removes (that of its least
indented line; blank lines do not count). The text it gives comes with a position map
(:class:`~linter.yaml.positions.OffsetMap`) from each character back to its place in the file.

Interpolations (``${var.registry}``) are kept in the text as written: their value is known only to Terraform,
and palette-lint reads ``${...}`` as a macro, a value it cannot know (``linter/palette/macros.py``). Template
directives (``%{ if }``) and strip markers (``${~``) change the text around them and are not evaluated: the
text is then unknown.

Imported only when a ``.tf`` file is read, and tree-sitter only then: start-up stays fast for YAML.
"""

from __future__ import annotations

import bisect
import re
from typing import Any, Iterator, Optional, Union

from msgspec import Struct

from linter.model import Span
from linter.yaml.positions import OffsetMap, PositionMap
from linter.yaml.source import SourceFile

_PARSER: Any = None

#: The escapes of a quoted HCL string (the native syntax specification's table) with a fixed meaning.
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_HEX_ESCAPES = {"u": 4, "U": 8}
#: The help of every HCL syntax error.
_SYNTAX_HELP = ("a missing '=', an unclosed block or string, a stray character? `terraform validate` says more; "
                "palette-lint checks the file once it parses")
#: What a missing token closes, for the message of a syntax error.
_CLOSERS = {"}": "a '}' that closes a block or object", "block_end": "a '}' that closes a block",
            ")": "a ')'", "]": "a ']'", "quoted_template_end": "the '\"' that ends a string",
            "heredoc_identifier": "the line that ends a heredoc"}
#: What unwraps to the one expression inside it.
_WRAPPERS = frozenset({"expression", "literal_value", "template_expr", "collection_value"})
#: Nodes that may follow the first name of a reference (``spectrocloud_cluster_profile.edge[0].id``).
_TRAVERSAL_STEPS = frozenset({"get_attr", "index", "new_index", "legacy_index"})


def _parser() -> Any:
    """The tree-sitter parser for HCL, made on the first ``.tf`` file of the process."""
    global _PARSER
    if _PARSER is None:
        import tree_sitter
        import tree_sitter_hcl

        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    return _PARSER


class Text(Struct, frozen=True):
    """A string's value as far as it is known: its text and where each of its characters is in the file.
    ``interpolated``: it holds ``${...}`` interpolations, kept as written."""

    text: str
    position_map: PositionMap
    interpolated: bool = False


class HclFile:
    """One HCL file parsed: its syntax tree and the way from tree-sitter's byte offsets to the file's lines and
    columns (characters)."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.data = source.text.encode("utf-8", "surrogatepass")
        self.tree = _parser().parse(self.data)
        self.root = self.tree.root_node
        # Byte offset -> character offset: the byte offsets of the characters outside ASCII and how many bytes
        # more than one each of them (and those before it) take.
        self._wide_at: list[int] = []
        self._extra_after: list[int] = []
        if len(self.data) != len(source.text):
            extra = 0
            for match in re.finditer(r"[^\x00-\x7f]", source.text):
                self._wide_at.append(match.start() + extra)
                extra += len(match.group().encode("utf-8", "surrogatepass")) - 1
                self._extra_after.append(extra)

    # ---- positions -------------------------------------------------------------------------------
    def offset(self, byte: int) -> int:
        """The character offset in the file of byte offset ``byte``."""
        if not self._wide_at:
            return byte
        index = bisect.bisect_left(self._wide_at, byte)
        return byte - (self._extra_after[index - 1] if index else 0)

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) of character offset ``offset``."""
        starts = self.source.line_starts
        line0 = bisect.bisect_right(starts, offset) - 1
        return line0 + 1, offset - starts[line0] + 1

    def span(self, node: Any) -> Span:
        line, column = self.position(self.offset(node.start_byte))
        end_line, end_column = self.position(self.offset(node.end_byte))
        if (end_line, end_column) <= (line, column):
            end_line, end_column = line, column + 1
        return Span(line, column, end_line, end_column)

    def text(self, node: Any) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "surrogatepass")

    # ---- syntax errors ----------------------------------------------------------------------------
    def first_error(self) -> Optional[tuple[Span, str, str]]:
        """Where the first syntax error is, what it is and what to do (never quoting the file), or None."""
        if not self.root.has_error:
            return None
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.is_missing or node.is_error:
                return self.span(node), self._error_message(node), _SYNTAX_HELP
            stack.extend(reversed([child for child in node.children if child.has_error]))
        return self.span(self.root), "HCL syntax error", _SYNTAX_HELP

    def _error_message(self, node: Any) -> str:
        at = self.data[node.start_byte:node.start_byte + 1]
        if at == b"'":
            return "HCL syntax error: a string takes double quotes, not single quotes"
        closing = _CLOSERS.get(node.type) if node.is_missing else None
        if closing:
            return f"HCL syntax error: {closing} is missing here"
        return "HCL syntax error: this text cannot be read as HCL"


# ---- the structure: blocks and attributes -----------------------------------------------------------------
def body_of(node: Any) -> Optional[Any]:
    """The body of a block, or of the whole file (None when it is empty)."""
    return next((child for child in node.children if child.type == "body"), None)


def blocks(body: Optional[Any], block_type: str = "") -> Iterator[Any]:
    """The blocks directly in ``body`` (of one type, when given), in order."""
    if body is None:
        return
    for child in body.children:
        if child.type == "block" and (not block_type or block_name(child) == block_type):
            yield child


def block_name(block: Any) -> str:
    first = block.children[0] if block.children else None
    return first.text.decode("utf-8", "replace") if first is not None and first.type == "identifier" else ""


def block_labels(hcl: HclFile, block: Any) -> list[str]:
    """A block's labels (``resource "TYPE" "NAME"``), as written; '' for a label that is not plain text."""
    labels = []
    for child in block.children[1:]:
        if child.type == "block_start":
            break
        if child.type == "identifier":
            labels.append(hcl.text(child))
        elif child.type == "string_lit":
            value = string_value(hcl, child)
            labels.append(value.text if value is not None and not value.interpolated else "")
    return labels


def block_keyword(block: Any) -> Any:
    """The node of a block's type keyword (``pack`` of ``pack { }``): where a finding about the block points."""
    return block.children[0]


def attributes(body: Optional[Any]) -> dict[str, tuple[Any, Any]]:
    """The attributes directly in ``body``: name -> (the name's node, the value's expression node)."""
    found: dict[str, tuple[Any, Any]] = {}
    if body is None:
        return found
    for child in body.children:
        if child.type != "attribute":
            continue
        name = child.children[0]
        expression = next((c for c in child.children if c.type == "expression"), None)
        if name.type == "identifier" and expression is not None:
            found.setdefault(name.text.decode("utf-8", "replace"), (name, expression))
    return found


# ---- expressions ------------------------------------------------------------------------------------
def unwrap(node: Any) -> Any:
    """The expression a wrapper node (``expression``, ``literal_value``, ...) stands for."""
    while node.type in _WRAPPERS and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def literal(hcl: HclFile, expression: Any) -> tuple[bool, Any]:
    """(True, value) for a literal: a string without interpolations, a number, a bool or null; else
    (False, None)."""
    node = unwrap(expression)
    if node.type in ("string_lit", "quoted_template", "heredoc_template"):
        value = string_value(hcl, node)
        if value is None or value.interpolated:
            return False, None
        return True, value.text
    if node.type == "numeric_lit":
        text = hcl.text(node)
        try:
            return True, int(text)
        except ValueError:
            try:
                return True, float(text)
            except ValueError:
                return False, None
    if node.type == "bool_lit":
        return True, hcl.text(node) == "true"
    if node.type == "null_lit":
        return True, None
    return False, None


def traversal(hcl: HclFile, expression: Any) -> Optional[list[str]]:
    """The names of a reference (``["spectrocloud_cluster_profile", "edge", "id"]`` for
    ``spectrocloud_cluster_profile.edge[0].id``; indexes are left out), or None for any other expression."""
    node = expression
    while node.type in _WRAPPERS and node.named_child_count == 1 and node.named_children[0].type in _WRAPPERS:
        node = node.named_children[0]
    parts = node.named_children if node.type == "expression" else [node]
    if not parts or parts[0].type != "variable_expr":
        return None
    names = [hcl.text(parts[0])]
    for step in parts[1:]:
        if step.type not in _TRAVERSAL_STEPS:
            return None
        if step.type == "get_attr":
            identifier = next((c for c in step.children if c.type == "identifier"), None)
            if identifier is None:
                return None
            names.append(hcl.text(identifier))
    return names


def function_call(hcl: HclFile, expression: Any) -> Optional[tuple[str, list[Any]]]:
    """(name, argument expressions) of a function call, or None."""
    node = unwrap(expression)
    if node.type != "function_call":
        return None
    name = hcl.text(node.children[0])
    arguments = next((c for c in node.children if c.type == "function_arguments"), None)
    found = [c for c in arguments.children if c.type == "expression"] if arguments is not None else []
    return name, found


def describe(hcl: HclFile, expression: Any) -> str:
    """What an expression is, for a note that says why it was not read. It names references and functions
    (``var.os_values``, ``yamlencode(...)``) and never quotes other text, which may hold a secret."""
    names = traversal(hcl, expression)
    if names is not None:
        shown = ".".join(names[:4])
        if names[0] == "var":
            return f"the variable {shown}"
        if names[0] == "local":
            return f"the local value {shown}"
        if names[0] == "data":
            return f"the data source attribute {shown}"
        if names[0] == "module":
            return f"the module output {shown}"
        return f"the reference {shown}"
    call = function_call(hcl, expression)
    if call is not None:
        return f"a call of {call[0]}(...)"
    node = unwrap(expression)
    return _EXPRESSION_WORDS.get(node.type, "an expression Terraform computes")


#: What the other expressions are called in a note (tree-sitter-hcl's node types).
_EXPRESSION_WORDS = {
    "string_lit": "a literal string (an id known only to Palette?)",
    "quoted_template": "a string template",
    "heredoc_template": "a heredoc",
    "numeric_lit": "a number",
    "bool_lit": "true or false",
    "null_lit": "null",
    "tuple": "a list",
    "object": "an object",
    "conditional": "a conditional expression",
    "for_expr": "a for expression",
    "operation": "an operation",
}


def string_value(hcl: HclFile, expression: Any) -> Optional[Text]:
    """The value of a quoted string or a heredoc, with its position map; None for any other expression, or a
    template whose text cannot be known (it has directives or strip markers, or an escape HCL does not have)."""
    node = unwrap(expression)
    if node.type in ("string_lit", "quoted_template"):
        return _quoted(hcl, node)
    if node.type == "heredoc_template":
        return _heredoc(hcl, node)
    return None


def quoted_parts(hcl: HclFile, expression: Any) -> Optional[list[Union[str, Any]]]:
    """The parts of a quoted string: its literal text (escapes decoded) and, for each interpolation, the node of
    the expression inside it; None for any other expression (a path given to ``file()`` is read so)."""
    node = unwrap(expression)
    children = node.children
    if node.type not in ("string_lit", "quoted_template") or len(children) < 2:
        return None
    start, end = hcl.offset(children[0].end_byte), hcl.offset(children[-1].start_byte)
    pieces = _pieces(hcl, node, start, end)
    if pieces is None:
        return None
    interpolations = iter(child for child in children if child.type == "template_interpolation")
    parts: list[Union[str, Any]] = []
    for piece_start, piece_end, interpolation in pieces:
        if interpolation:
            inner = next(interpolations)
            expression_node = next((c for c in inner.children if c.type == "expression"), None)
            if expression_node is None:
                return None
            parts.append(expression_node)
            continue
        builder = _Builder(hcl)
        if not builder.literal(piece_start, piece_end, quoted=True):
            return None
        parts.append("".join(builder.parts))
    return parts


def template_problem(hcl: HclFile, expression: Any) -> str:
    """Why a string's text cannot be known ('' when it can, or when it is no string)."""
    node = unwrap(expression)
    for child in node.children:
        if child.type == "template_directive":
            return "a template directive (%{ ... })"
        if child.type == "template_interpolation" and "~" in (hcl.text(child)[:3] + hcl.text(child)[-2:]):
            return "a strip marker (${~ or ~})"
    return ""


class _Builder:
    """Assembles a string from pieces of the file, recording where each piece came from."""

    def __init__(self, hcl: HclFile) -> None:
        self.hcl = hcl
        self.parts: list[str] = []
        self.length = 0
        self.run_starts: list[int] = []
        self.run_offsets: list[int] = []
        self.run_steps: list[int] = []

    def copy(self, start: int, end: int) -> None:
        """The file's characters [start, end) as they are."""
        if end <= start:
            return
        self._run(self.hcl.source.text[start:end], start, 1)

    def put(self, text: str, at: int) -> None:
        """``text`` standing for what is at character offset ``at`` (an escape)."""
        self._run(text, at, 0)

    def _run(self, text: str, offset: int, step: int) -> None:
        self.run_starts.append(self.length)
        self.run_offsets.append(offset)
        self.run_steps.append(step)
        self.parts.append(text)
        self.length += len(text)

    def literal(self, start: int, end: int, quoted: bool) -> bool:
        """Literal template text [start, end): ``$${`` and ``%%{`` stand for ``${`` and ``%{``; in a quoted
        string, backslash escapes are decoded. False when it holds an escape HCL does not have."""
        text = self.hcl.source.text
        position = start
        pattern = re.compile(r'\\|\$\$\{|%%\{' if quoted else r"\$\$\{|%%\{")
        while True:
            found = pattern.search(text, position, end)
            if found is None:
                self.copy(position, end)
                return True
            self.copy(position, found.start())
            if found.group() != "\\":
                self.copy(found.start() + 1, found.end())  # one '$' or '%' of the two
                position = found.end()
                continue
            letter = text[found.end():found.end() + 1]
            if letter in _ESCAPES:
                self.put(_ESCAPES[letter], found.start())
                position = found.end() + 1
                continue
            width = _HEX_ESCAPES.get(letter)
            digits = text[found.end() + 1:found.end() + 1 + width] if width else ""
            if not width or len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
                return False
            code = int(digits, 16)
            if code > 0x10FFFF or 0xD800 <= code < 0xE000:
                return False  # not a character (HCL has no surrogate pairs)
            self.put(chr(code), found.start())
            position = found.end() + 1 + width

    def result(self, interpolated: bool, end: int = -1, container: str = "") -> Text:
        """The text assembled; ``end`` is the file offset where it ends, ``container`` what holds it (quoted,
        heredoc), for fixes written into it."""
        text = "".join(self.parts)
        return Text(text, OffsetMap(self.hcl.source, text, self.run_starts, self.run_offsets, self.run_steps, end,
                                    container), interpolated)


def _pieces(hcl: HclFile, node: Any, start: int, end: int) -> Optional[list[tuple[int, int, bool]]]:
    """The parts of a template's content [start, end) (character offsets): (start, end, is an interpolation);
    None when the template has directives or strip markers."""
    if template_problem(hcl, node):
        return None
    pieces = []
    position = start
    for child in node.children:
        if child.type != "template_interpolation":
            continue
        child_start, child_end = hcl.offset(child.start_byte), hcl.offset(child.end_byte)
        if child_start > position:
            pieces.append((position, child_start, False))
        pieces.append((child_start, child_end, True))
        position = child_end
    if end > position:
        pieces.append((position, end, False))
    return pieces


def _quoted(hcl: HclFile, node: Any) -> Optional[Text]:
    children = node.children
    if len(children) < 2 or children[0].type != "quoted_template_start" or children[-1].type != "quoted_template_end":
        return None
    start, end = hcl.offset(children[0].end_byte), hcl.offset(children[-1].start_byte)
    pieces = _pieces(hcl, node, start, end)
    if pieces is None:
        return None
    builder = _Builder(hcl)
    for piece_start, piece_end, interpolation in pieces:
        if interpolation:
            builder.copy(piece_start, piece_end)
        elif not builder.literal(piece_start, piece_end, quoted=True):
            return None
    return builder.result(any(piece[2] for piece in pieces), end, "quoted")


def _heredoc(hcl: HclFile, node: Any) -> Optional[Text]:
    children = node.children
    identifiers = [child for child in children if child.type == "heredoc_identifier"]
    opener = next((child for child in children if child.type == "heredoc_start"), None)
    if opener is None or len(identifiers) < 2:
        return None
    flush = hcl.text(opener).strip() == "<<-"
    text = hcl.source.text
    after_opener = hcl.offset(identifiers[0].end_byte)
    newline = text.find("\n", after_opener)
    closing = hcl.offset(identifiers[-1].start_byte)
    start = newline + 1 if newline != -1 else closing
    end = text.rfind("\n", 0, closing) + 1
    if end < start:
        end = start
    pieces = _pieces(hcl, node, start, end)
    if pieces is None:
        return None
    interpolations = [(s, e) for s, e, inside in pieces if inside]
    drops = _indentation(text, start, end, interpolations) if flush else []
    builder = _Builder(hcl)
    index = 0
    for piece_start, piece_end, interpolation in pieces:
        if interpolation:
            builder.copy(piece_start, piece_end)
            continue
        position = piece_start
        while index < len(drops) and drops[index][1] <= position:
            index += 1
        while index < len(drops) and drops[index][0] < piece_end:
            builder.literal(position, drops[index][0], quoted=False)
            position = max(position, drops[index][1])
            index += 1
        builder.literal(position, piece_end, quoted=False)
    return builder.result(bool(interpolations), end, "heredoc")


def _inside(offset: int, starts: list[int], ranges: list[tuple[int, int]]) -> bool:
    """Whether ``offset`` is inside one of ``ranges`` (sorted; ``starts`` are their starts)."""
    index = bisect.bisect_left(starts, offset) - 1
    return index >= 0 and offset < ranges[index][1]


def _indentation(text: str, start: int, end: int, interpolations: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ranges a ``<<-`` heredoc removes from its content [start, end): from each line, as many characters as
    the least indented line has leading whitespace. Blank lines keep theirs and do not count, nor do lines that
    start inside an interpolation; a line that starts with one counts as 0."""
    starts = [s for s, _e in interpolations]
    lines: list[tuple[int, int]] = []  # (line start, its indentation)
    line_start = start
    while line_start < end:
        line_end = text.find("\n", line_start, end)
        line_end = end if line_end == -1 else line_end + 1
        line = text[line_start:line_end]
        if line.strip() and not _inside(line_start, starts, interpolations):
            lines.append((line_start, len(line) - len(line.lstrip())))
        line_start = line_end
    least = min((indent for _s, indent in lines), default=0)
    return [(line_start, line_start + least) for line_start, _indent in lines] if least else []
