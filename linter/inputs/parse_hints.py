"""What a YAML error usually means in a Palette file, said in the finding. The composer's messages are generic
(``linter/yaml/composer.py``); these replace them where a Palette trap explains the error better: an unquoted
masked password (``******``) read as an alias, an unquoted ``{{.spectro.macro.X}}`` read as a mapping."""

from __future__ import annotations

from typing import Optional

from msgspec.structs import replace

from linter.yaml.composer import ComposedYaml, ParseFailure, ParseProblem, YamlParser
from linter.yaml.positions import PositionMap

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
    """``text`` composed as YAML, with the Palette explanation of its failure or problems where there is one."""
    try:
        composed = parser.parse(text, position_map)
    except ParseFailure as failure:
        raise _with_hint(failure) from None
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


def _problem_with_hint(problem: ParseProblem) -> ParseProblem:
    if problem.kind == "unquoted-braces":
        return ParseProblem("unquoted-macro", UNQUOTED_MACRO[0], problem.path, problem.span, help=UNQUOTED_MACRO[1])
    return problem
