"""What a YAML error usually means in a Palette file, said in the finding, and linting past it.

The composer's messages are generic (``linter/yaml/composer.py``); these replace them where a Palette trap
explains the error better: an unquoted masked password (``******``) read as an alias, an unquoted
``{{.spectro.macro.X}}`` read as a mapping.

Where the recovery is unambiguous, one error does not hide the rest of the file: a plain value on a
``key: value`` or ``- value`` line that starts with a character YAML reserves (``*``, ``&``, ``@``, a backquote,
``{{``) is masked (replaced, in a copy of the text, by a quoted placeholder of the same length, so every other
position stays right), a tab in a line's indentation becomes a space, and the text is parsed again. The error
is still reported (PAL000, whose help says the rest was linted); rules do not report on the masked value
itself. A file whose errors cannot be recovered this way fails as before."""

from __future__ import annotations

import re
from typing import Optional

from msgspec.structs import replace

from linter.fix.edits import quote_text
from linter.model import Span, TextFix
from linter.yaml.composer import ComposedYaml, ParseFailure, ParseProblem, YamlParser
from linter.yaml.positions import PositionMap
from linter.yaml.source import SourceFile

#: Message and help by the composer's failure and problem kinds.
HINTS = {
    "alias-star": ("unquoted value starting with '*' is read as a YAML alias (a masked password?)",
                   "a value such as ****** must be quoted; better, use a macro such as "
                   "'{{.spectro.macro.REGISTRY_PASSWORD}}'"),
    "undefined-alias": ("unquoted value starting with '*' refers to an undefined YAML alias",
                        "quote the value if it is a literal (a password, say)"),
    "unquoted-braces": ("unquoted value starting with '{{' is read as a nested mapping",
                        "a macro must be quoted: write it as '{{.spectro.macro.NAME}}' in quotes"),
}
#: The message and help of an unquoted macro that still parsed (as a nested flow mapping).
UNQUOTED_MACRO = ("unquoted macro is read as a nested mapping",
                  "Palette receives no usable value; quote it, e.g. '{{.spectro.macro.NAME}}'")


#: How many errors of one text are masked before giving up.
MAX_RECOVERIES = 8
#: What a recovered error's finding adds to its help.
MASKED_NOTE = " (palette-lint masked the value to lint the rest of the file)"
TAB_NOTE = " (palette-lint read them as spaces to lint the rest of the file)"
#: The help of a plain value that starts with a character YAML reserves, once masked.
RESERVED_HELP = "a plain value cannot start with '*', '&', '@', '`' or '{{': quote it"
#: A line's text before a value that can be masked: indentation, list dashes and a plain ``key:``.
_VALUE_PREFIX = re.compile(r"[ ]*(?:-[ ]+)*(?:[^\s#'\"{\[][^#]*?:[ ]+)?(?:-[ ]+)*")


def compose(parser: YamlParser, text: str, position_map: Optional[PositionMap] = None) -> ComposedYaml:
    """``text`` composed as YAML, with the Palette explanation of its failure or problems where there is one.
    A file's own text (no ``position_map``) is parsed past the errors that can be masked. A failure that quoting
    repairs (an unquoted ``******`` or macro) carries that fix in ``text``'s own offsets (``text_fix``); its
    span is in the file's coordinates (through ``position_map``)."""
    recovered: list[tuple[ParseFailure, Span]] = []
    moved: dict[int, tuple[int, int]] = {}  # line -> (first column of the moved text, columns moved)
    current = text
    while True:
        try:
            composed = parser.parse(current)  # positions in the text's own coordinates; a failure's mapped below
            break
        except ParseFailure as raised:
            error = _with_hint(raised)
            patched = None if position_map is not None or len(recovered) >= MAX_RECOVERIES \
                or error.span.line in moved else _recover(current, error)
            if patched is None:
                raise _placed(recovered[0][0] if recovered else error, text, position_map) from None
            current, masked, shift = patched
            if shift:
                moved[masked.line] = (masked.end_column + shift, shift)
            recovered.append((error, masked))
    if moved:
        composed = _moved_back(composed, moved)
    problems = [_problem_with_hint(problem) for problem in composed.problems]
    for failure, masked in recovered:
        path = next((path for path, info in composed.nodes.items()
                     if (info.value.line, info.value.column) == (masked.line, masked.column)), ())
        if failure.kind == "tab":
            help = failure.help + TAB_NOTE
        else:
            help = (RESERVED_HELP if failure.kind == "syntax" else failure.help) + MASKED_NOTE
        problems.append(ParseProblem(failure.kind, failure.message, path, failure.span, help=help))
    if not recovered and not composed.problems:
        return composed
    return replace(composed, problems=tuple(problems),
                   masked=tuple(masked for _failure, masked in recovered))


def worded_for_json(failure: ParseFailure, text: str) -> ParseFailure:
    """A generic syntax error of a text that is JSON (it opens with ``{`` or ``[``) said as one: palette-lint
    parses JSON with its YAML parser, but the user wrote JSON."""
    if failure.message.startswith(_YAML_SYNTAX) and text.lstrip("\ufeff \t\r\n")[:1] in ("{", "["):
        failure.message = "invalid JSON: " + failure.message[len(_YAML_SYNTAX):]
        failure.help = "palette-lint cannot check the rest of the file until this is fixed"
    return failure


_YAML_SYNTAX = "invalid YAML: "


def _placed(failure: ParseFailure, text: str, position_map: Optional[PositionMap]) -> ParseFailure:
    """The failure with its fix (in ``text``'s own offsets) and its span in the file's coordinates."""
    if failure.text_fix is None:
        failure.text_fix = _quoting_fix(text, failure)
    if position_map is not None:
        line, column = position_map.outer(failure.span.line - 1, failure.span.column - 1)
        failure.span = Span(line, column, line, column + 1)
    return failure


def _moved_back(composed: ComposedYaml, moved: dict[int, tuple[int, int]]) -> ComposedYaml:
    """The positions of a text whose indentation was changed on some lines, as they are in the original text."""
    def back(span: Span) -> Span:
        column, end_column = span.column, span.end_column
        if span.line in moved and column >= moved[span.line][0]:
            column -= moved[span.line][1]
        if span.end_line in moved and end_column >= moved[span.end_line][0]:
            end_column -= moved[span.end_line][1]
        return Span(span.line, column, span.end_line, end_column)

    nodes = {path: info._replace(value=back(info.value), key=back(info.key) if info.key is not None else None)
             for path, info in composed.nodes.items()}
    return replace(composed, nodes=nodes,
                   problems=tuple(replace(problem, span=back(problem.span)) for problem in composed.problems),
                   duplicates=tuple(replace(d, first=back(d.first), second=back(d.second))
                                    for d in composed.duplicates))


def _recover(text: str, failure: ParseFailure) -> Optional[tuple[str, Span, int]]:
    """``text`` with the value the failure is about masked (or the tabs of a line's indentation made spaces), the
    span masked, and how many columns the rest of that line moved (0 for a mask, which keeps every position);
    None when that would be a guess."""
    lines = text.split("\n")
    line0, column0 = failure.span.line - 1, failure.span.column - 1
    if not 0 <= line0 < len(lines):
        return None
    line = lines[line0]
    if failure.kind == "tab":
        return _recover_tab(lines, line0)
    if failure.kind == "unquoted-macro":  # the parser stops after a macro ({{...}}/edge/os): the value starts at it
        column0 = line.find("{{")
    reserved = line[column0:column0 + 2] == "{{" or line[column0:column0 + 1] in ("*", "&", "@", "`")
    if not reserved or not _VALUE_PREFIX.fullmatch(line[:column0]):
        return None
    comment = line.find(" #", column0)
    end = len(line.rstrip("\r")) if comment < 0 else comment
    value = line[column0:end].rstrip()
    if not value or value.count("{{") != value.count("}}"):
        return None
    lines[line0] = line[:column0] + _mask(len(value)) + line[column0 + len(value):]
    return "\n".join(lines), Span(line0 + 1, column0 + 1, line0 + 1, column0 + 1 + len(value)), 0


def _recover_tab(lines: list[str], line0: int) -> Optional[tuple[str, Span, int]]:
    """The line's indentation, tabs in it, made spaces as deep as the line before says: a sibling of that line,
    or its first child when it ends with ``:``. Returns the text, the indentation's span and how many columns
    the line's text moved (positions on it are moved back after parsing)."""
    line = lines[line0]
    indentation = len(line) - len(line.lstrip(" \t"))
    if "\t" not in line[:indentation]:
        return None
    before = next((text for text in reversed(lines[:line0]) if text.strip() and not text.lstrip().startswith("#")),
                  None)
    if before is None:
        return None
    depth = len(before) - len(before.lstrip(" "))
    if before.rstrip().endswith(":"):
        depth += 2
    lines[line0] = " " * depth + line[indentation:]
    return "\n".join(lines), Span(line0 + 1, 1, line0 + 1, indentation + 1), depth - indentation


def _mask(length: int) -> str:
    """A quoted placeholder of ``length`` characters: a macro where it fits (a value nobody can know, which no
    rule reads as a password or a placeholder)."""
    if length >= 6:
        return '"{{' + "_" * (length - 6) + '}}"'
    if length >= 2:
        return '"' + "_" * (length - 2) + '"'
    return "_"


def _with_hint(failure: ParseFailure) -> ParseFailure:
    hint = HINTS.get(failure.kind)
    if hint is not None:
        failure.message, failure.help = hint
        if failure.kind == "unquoted-braces":
            failure.kind = "unquoted-macro"
    return failure


#: A plain value that starts a mapping entry's or a list item's value: where an unquoted ``*`` or ``{{`` is.
_VALUE_START = re.compile(r"(?:^|:[ \t]+|^[ \t]*-[ \t]+|^[ \t]+)$")


def _quoting_fix(text: str, failure: ParseFailure) -> Optional[TextFix]:
    """The fix of a failure that quoting the value repairs: an unquoted value starting with ``*`` (read as an
    alias) or ``{{`` (read as a flow mapping), alone after its key on its line (a trailing comment stays)."""
    if failure.kind not in ("alias-star", "undefined-alias", "unquoted-macro"):
        return None
    source = SourceFile(text, "", "")
    line = source.line_text(failure.span.line)
    mark = "*" if failure.kind != "unquoted-macro" else "{{"
    column0 = failure.span.column - 1
    if not line.startswith(mark, column0):
        column0 = line.find(mark)
    if column0 < 0 or not _VALUE_START.search(line[:column0]):
        return None
    value = line[column0:]
    comment = re.search(r"[ \t]#", value)
    if comment is not None:
        value = value[:comment.start()]
    value = value.rstrip()
    start = source.offset(failure.span.line - 1, column0)
    edits = quote_text(start, start + len(value), value)
    if edits is None or value.endswith(":"):
        return None
    title = "quote the macro" if mark == "{{" else "quote the value"
    return TextFix(title, edits, True)


def _problem_with_hint(problem: ParseProblem) -> ParseProblem:
    if problem.kind == "unquoted-braces":
        return ParseProblem("unquoted-macro", UNQUOTED_MACRO[0], problem.path, problem.span, help=UNQUOTED_MACRO[1])
    return problem
