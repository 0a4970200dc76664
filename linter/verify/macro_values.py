"""The values of Palette macros for ``palette-lint verify``: from the environment (``PALETTE_MACRO_<NAME>`` for
``{{.spectro.macro.NAME}}``) and from ``--macros FILE``, never from the command line (where ``ps`` and shell
history would show them). Every value counts as a secret: it is redacted from every output.

The file is a YAML (or JSON) mapping: ``NAME: value`` for user macros, ``var.NAME: value`` for profile variables
and ``system.PATH: value`` for system macros (``system.kubernetes.version``). The environment wins over the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping, Optional

from linter.palette import macros

ENV_PREFIX = "PALETTE_MACRO_"
_DEFAULT = re.compile(r"""\|\s*default\s+(?:"([^"]*)"|'([^']*)')\s*$""")


class MacroFileError(Exception):
    """A ``--macros`` file that cannot be used; the message names the file, never a value."""


class MacroValues:
    """Macro values by key (``NAME``, ``var.NAME``, ``system.PATH``). Prints as a count, never its values."""

    __slots__ = ("_values",)

    def __init__(self, values: Optional[Mapping[str, str]] = None) -> None:
        self._values = dict(values or {})

    def __repr__(self) -> str:
        return f"MacroValues({len(self._values)} values)"

    @classmethod
    def load(cls, environ: Mapping[str, str], path: Optional[str]) -> MacroValues:
        values: dict[str, str] = {}
        if path:
            values.update(read_macro_file(path))
        for name, value in environ.items():
            if name.startswith(ENV_PREFIX) and len(name) > len(ENV_PREFIX):
                values[name[len(ENV_PREFIX):]] = value
        return cls(values)

    def secrets(self) -> list[str]:
        return list(self._values.values())

    def resolve(self, text: str, options: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
        """``text`` with every macro replaced: pack option references by the OS layer's ``options`` (themselves
        resolved once), other macros by their values; and the macros that have none (as ``{{...}}`` text, for
        messages). A Sprig ``| default "x"`` applies when a macro has no value."""
        missing: list[str] = []

        def value_of(expression: str, depth: int) -> Optional[str]:
            head = expression.split("|", 1)[0].strip()
            ref = macros.pack_option(head)
            if ref is not None:
                found = options.get(ref[1])
                if isinstance(found, (str, int, float)) and not isinstance(found, bool):
                    text_value = str(found)
                    if macros.contains_macro(text_value):
                        return substitute(text_value, depth + 1) if depth < 2 else None
                    return text_value
                return None
            key = _key_of(head)
            if key is not None and key in self._values:
                return self._values[key]
            default = _DEFAULT.search(expression)
            if default is not None:
                return default.group(1) if default.group(1) is not None else default.group(2)
            return None

        def substitute(value: str, depth: int) -> Optional[str]:
            failed = False

            def replace(match: re.Match[str]) -> str:
                nonlocal failed
                found = value_of(match.group(1), depth)
                if found is None:
                    failed = True
                    missing.append(match.group(0))
                    return match.group(0)
                return found

            result = macros.MACRO.sub(replace, value)
            return None if failed else result

        resolved = substitute(text, 0)
        return (resolved if resolved is not None else text), tuple(dict.fromkeys(missing))


def _key_of(head: str) -> Optional[str]:
    """``.spectro.macro.NAME`` -> ``NAME``; ``.spectro.var.NAME`` -> ``var.NAME``; ``.spectro.system.a.b`` ->
    ``system.a.b``; None for anything else."""
    if not head.startswith(".spectro."):
        return None
    scope, _, rest = head[len(".spectro."):].partition(".")
    if not rest:
        return None
    if scope == "macro":
        return rest
    if scope in ("var", "system"):
        return f"{scope}.{rest}"
    return None


def env_name(macro: str) -> str:
    """The environment variable for a ``{{.spectro.macro.NAME}}`` text, or "" for other macros."""
    inner = macros.references(macro)
    key = _key_of(inner[0].split("|", 1)[0].strip()) if inner else None
    return f"{ENV_PREFIX}{key}" if key and "." not in key else ""


def read_macro_file(path: str) -> dict[str, str]:
    """The ``--macros`` file's values. Errors name the file and the key, never a value."""
    from linter.yaml.composer import ParseFailure, YamlParser

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MacroFileError(f"cannot read the macros file {path}: "
                             f"{(getattr(exc, 'strerror', None) or type(exc).__name__).lower()}") from None
    try:
        data = YamlParser().parse(text).data if text.strip() else {}
    except ParseFailure as failure:
        raise MacroFileError(f"{path}:{failure.span.line}: the macros file is not valid YAML") from None
    if not isinstance(data, dict):
        raise MacroFileError(f"{path}: the macros file must be a mapping of macro names to values")
    values: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not key.strip():
            raise MacroFileError(f"{path}: every key must be a macro name (NAME, var.NAME or system.PATH)")
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise MacroFileError(f"{path}: the value of {key!r} must be a string")
        values[key.strip()] = str(value)
    return values
