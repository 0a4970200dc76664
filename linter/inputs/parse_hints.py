"""What a YAML error usually means in a Palette file, said in the finding. The composer's messages are generic
(``linter/yaml/composer.py``); these replace them where a Palette trap explains the error better: an unquoted
masked password (``******``) read as an alias, an unquoted ``{{.spectro.macro.X}}`` read as a mapping."""

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


def compose(parser: YamlParser, text: str, position_map: Optional[PositionMap] = None) -> ComposedYaml:
    """``text`` composed as YAML, with the Palette explanation of its failure or problems where there is one. A
    failure that quoting repairs (an unquoted ``******`` or macro) carries that fix in ``text``'s own offsets
    (``text_fix``); its span is in the file's coordinates (through ``position_map``)."""
    try:
        composed = parser.parse(text)
    except ParseFailure as failure:
        hinted = _with_hint(failure)
        hinted.text_fix = _quoting_fix(text, hinted)
        if position_map is not None:
            line, column = position_map.outer(hinted.span.line - 1, hinted.span.column - 1)
            hinted.span = Span(line, column, line, column + 1)
        raise hinted from None
    if not composed.problems:
        return composed
    return replace(composed, problems=tuple(_problem_with_hint(problem) for problem in composed.problems))


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
