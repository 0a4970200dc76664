"""Palette macros: ``{{.spectro.macro.NAME}}``, ``{{.spectro.system.PATH}}``, ``{{.spectro.pack.PACK.KEY}}`` and
``{{.spectro.var.NAME}}`` (palette-formats.md section 4)."""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional

MACRO = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.S)
_PACK_OPTION = re.compile(r"^\.spectro\.pack\.([A-Za-z0-9_-]+)\.options\.(.+?)(?:\s*\|.*)?$")


def contains_macro(value: Any) -> bool:
    return isinstance(value, str) and "{{" in value and MACRO.search(value) is not None


def is_macro(value: Any) -> bool:
    """Whether the whole value is one macro (surrounding blanks allowed)."""
    return isinstance(value, str) and MACRO.fullmatch(value.strip()) is not None


def references(value: str) -> list[str]:
    """The expressions inside every ``{{ }}`` of ``value``."""
    return [m.group(1).strip() for m in MACRO.finditer(value)]


def pack_option(expression: str) -> Optional[tuple[str, str]]:
    """``(pack, option key)`` for ``.spectro.pack.PACK.options.KEY``, else None."""
    match = _PACK_OPTION.match(expression.strip())
    if match is None:
        return None
    return match.group(1), match.group(2).strip()


def option_references(value: str) -> list[str]:
    """The option keys (``system.registry``, ...) that ``value`` is templated from."""
    found = []
    for expression in references(value):
        ref = pack_option(expression)
        if ref is not None:
            found.append(ref[1])
    return found


def resolve_options(value: str, options: Mapping[str, Any], placeholder: str = "x") -> str:
    """``value`` with every pack option reference replaced by that option's value (references to options that
    are themselves templates are not followed) and every other macro replaced by ``placeholder``."""

    def substitute(match: re.Match[str]) -> str:
        ref = pack_option(match.group(1))
        if ref is not None:
            found = options.get(ref[1])
            if isinstance(found, (str, int, float)) and not contains_macro(str(found)):
                return str(found)
        return placeholder

    return MACRO.sub(substitute, value)
