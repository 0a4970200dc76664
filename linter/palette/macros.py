"""Palette macros: ``{{.spectro.macro.NAME}}``, ``{{.spectro.system.PATH}}``, ``{{.spectro.pack.PACK.KEY}}`` and
``{{.spectro.var.NAME}}`` (palette-formats.md section 4)."""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from msgspec import Struct

from linter.palette import images

#: A ``{{ ... }}`` template action. Its body holds no brace, so a scan is linear even over a run of ``{{``.
MACRO = re.compile(r"\{\{-?([^{}]*?)-?\}\}")
#: A template interpolation, Terraform's (``${var.registry}``) or a pipeline's (``${REGISTRY}``): filled in before
#: Palette sees the value, so as unknown here as a macro. Linear too: its body holds no brace.
INTERPOLATION = re.compile(r"\$\{[^{}]*\}")
_PACK_OPTION = re.compile(r"^\.spectro\.pack\.([A-Za-z0-9_-]+)\.options\.(.+?)(?:\s*\|.*)?$")


def contains_macro(value: Any) -> bool:
    """Whether ``value`` holds a macro, or an interpolation (``${...}``) that is filled in before Palette reads it:
    either way a value palette-lint cannot know."""
    if not isinstance(value, str):
        return False
    return ("{{" in value and MACRO.search(value) is not None) \
        or ("${" in value and INTERPOLATION.search(value) is not None)


def references(value: str) -> list[str]:
    """The expressions inside every ``{{ }}`` of ``value``."""
    return [m.group(1).strip().removeprefix("-").removesuffix("-").strip() for m in MACRO.finditer(value)]


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


def resolve_options(value: str, options: Mapping[str, Any], placeholder: Optional[str] = "x") -> str:
    """``value`` with every pack option reference replaced by that option's value (references to options that
    are themselves templates are not followed) and every other macro and ``${...}`` interpolation replaced by
    ``placeholder`` (kept as written when ``placeholder`` is None)."""

    def substitute(match: re.Match[str]) -> str:
        ref = pack_option(match.group(1))
        if ref is not None:
            found = options.get(ref[1])
            if isinstance(found, (str, int, float)) and not contains_macro(str(found)):
                return str(found)
        return match.group(0) if placeholder is None else placeholder

    resolved = MACRO.sub(substitute, value)
    if placeholder is not None and "${" in resolved:
        resolved = INTERPOLATION.sub(placeholder, resolved)
    return resolved


def resolve_options_for_display(value: str, options: Mapping[str, Any]) -> str:
    """``value`` with the pack option references that can be resolved replaced by their values and every
    other macro kept as written: for messages."""
    return resolve_options(value, options, placeholder=None)


# ---- the provider image of an OS layer (palette-formats.md sections 2.2 and 7) ---------------------

#: The ``system.uri`` value that marks an Agent Mode OS layer (no provider image is pulled).
AGENT_MODE_URI = "NA"


class ProviderImage(Struct, frozen=True):
    """The provider image an OS layer's values name, as far as it can be known without Palette.

    ``path`` is where ``system.uri`` is (``("options", "system.uri")``, or the nested fallback
    ``("options", "system", "uri")``); empty when it is missing. ``text`` is the reference with every pack
    option reference resolved and every other macro replaced by a placeholder. ``host_path`` is the value
    that decides the registry host: ``system.uri`` itself, or the option (``system.registry``) the host part
    is templated from. ``host`` is the normalised registry host, empty when unknown (not a reference, or
    the host comes from a macro that cannot be resolved)."""

    path: tuple[Any, ...] = ()
    raw: Any = None
    text: str = ""
    display: str = ""  # the reference for messages: resolvable options resolved, other macros kept
    templated: bool = False
    agent_mode: bool = False
    reference: Optional[images.ImageReference] = None
    host: str = ""
    host_path: tuple[Any, ...] = ()
    sources: tuple[tuple[str, tuple[Any, ...]], ...] = ()  # (option key, its path) the uri is templated from

    @property
    def missing(self) -> bool:
        return not self.path


def flat_options(values: Any) -> tuple[dict[str, Any], dict[str, tuple[Any, ...]]]:
    """An OS layer's ``options`` as flat keys (``system.uri``) and the path of each; nested ``system:``
    mappings are flattened as a fallback, flat keys win."""
    options = values.get("options") if isinstance(values, dict) else None
    flat: dict[str, Any] = {}
    paths: dict[str, tuple[Any, ...]] = {}
    if not isinstance(options, dict):
        return flat, paths
    for key, value in options.items():
        if isinstance(value, dict) and isinstance(key, str):
            for sub, sub_value in value.items():
                name = f"{key}.{sub}"
                if name not in options and not isinstance(sub_value, dict):
                    flat[name] = sub_value
                    paths[name] = ("options", key, sub)
    for key, value in options.items():
        if isinstance(key, str) and not isinstance(value, dict):
            flat[key] = value
            paths[key] = ("options", key)
    return flat, paths


def _first_segment(value: str) -> str:
    """The text before the first ``/`` that is not inside a macro."""
    depth = 0
    index = 0
    while index < len(value):
        if value.startswith("{{", index):
            depth += 1
            index += 2
            continue
        if value.startswith("}}", index) and depth:
            depth -= 1
            index += 2
            continue
        if value[index] == "/" and not depth:
            return value[:index]
        index += 1
    return value


def provider_image(values: Any) -> ProviderImage:
    """The provider image of an OS layer's values (``options.system.uri``), resolved through the other
    options it is templated from."""
    flat, paths = flat_options(values)
    if "system.uri" not in flat:
        return ProviderImage()
    path = paths["system.uri"]
    raw = flat["system.uri"]
    if not isinstance(raw, str):
        return ProviderImage(path=path, raw=raw, host_path=path)
    if raw.strip().upper() == AGENT_MODE_URI:
        return ProviderImage(path=path, raw=raw, text=raw.strip(), display=raw.strip(), agent_mode=True,
                             host_path=path)
    templated = contains_macro(raw)
    sources = tuple((key, paths[key]) for key in dict.fromkeys(option_references(raw)) if key in paths)
    text = resolve_options(raw, flat, "x.x") if templated else raw.strip()
    display = resolve_options_for_display(raw, flat).strip() if templated else raw.strip()
    reference = images.parse_image(text)
    host = ""
    host_path = path
    if reference is not None:
        host = reference.host
        if templated:
            other = images.parse_image(resolve_options(raw, flat, "y.y"))
            if other is None or other.host != reference.host:
                host = ""  # the host comes from a macro that cannot be resolved
            first = _first_segment(raw)
            for key in option_references(first):
                if key in paths:
                    host_path = paths[key]
                    break
    return ProviderImage(path=path, raw=raw, text=text, display=display, templated=templated, reference=reference,
                         host=host, host_path=host_path, sources=sources)


# ---- macro syntax (palette-formats.md section 4.1) ----------------------------------------------------

#: The scopes after ``.spectro.``: user macros, profile variables, system macros and pack references.
SCOPES = ("macro", "var", "system", "pack")
_BRACES = re.compile(r"\{\{|\}\}")
_SINGLE_OPEN = re.compile(r"(?<!\{)\{(?!\{)[\s-]{0,64}\.?spectro\.", re.I)
_SINGLE_CLOSE = re.compile(r"\.spectro\.[\w.-]{0,256}?[\w-]\s{0,64}\}(?!\})", re.I)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def macro_problems(value: str, secret: bool = False) -> list[str]:
    """What is wrong with the Palette macros of ``value`` (empty when nothing is): unbalanced braces, an
    unknown scope, a missing leading dot, a hyphen or other character in a macro or variable name. Templates
    that do not mention ``spectro`` (Helm's ``{{ .Values.x }}``) are not Palette macros and are left alone.
    The problems name the macro's structure, never the rest of the value; for the value of a ``secret``
    field, not even the unknown scope written (it could be part of a password)."""
    problems: list[str] = []
    if "spectro" not in value.lower():
        return problems
    if _SINGLE_OPEN.search(value):
        problems.append("it opens with a single '{' where Palette needs '{{'")
    if _SINGLE_CLOSE.search(value):
        problems.append("it closes with a single '}' where Palette needs '}}'")
    depth = 0
    for brace in _BRACES.finditer(value):
        if brace.group(0) == "{{":
            if depth:
                problems.append("a '{{' opens inside another macro (unbalanced braces)")
            depth += 1
        elif depth:
            depth -= 1
        else:
            problems.append("a '}}' closes a macro that was never opened (unbalanced braces)")
    if depth:
        problems.append("a '{{' is never closed with '}}' (unbalanced braces)")
    for expression in references(value):
        head = expression.split("|", 1)[0].strip()
        if "spectro" not in head.lower():
            continue
        problem = _expression_problem(head, secret)
        if problem:
            problems.append(problem)
    return list(dict.fromkeys(problems))


def _expression_problem(head: str, secret: bool = False) -> str:
    if any(ch.isspace() for ch in head):
        return "the macro path contains a space"
    if not head.startswith(".spectro."):
        if head.startswith("spectro."):
            return "the macro path lacks its leading dot ('.spectro.', not 'spectro.')"
        if head.lower().startswith(".spectro."):
            return "'.spectro.' must be written in lower case"
        return "the macro path does not start with '.spectro.'"
    scope, _, rest = head[len(".spectro."):].partition(".")
    if scope not in SCOPES:
        import difflib

        close = difflib.get_close_matches(scope, SCOPES, n=1, cutoff=0.6)
        hint = f" (did you mean '.spectro.{close[0]}.'?)" if close else ""
        written = "" if secret else f" '.spectro.{scope}.'"
        return f"unknown scope{written}{hint}: the scopes are macro, var, system and pack"
    if scope in ("macro", "var"):
        if not rest:
            return f"no name after '.spectro.{scope}.'"
        if "-" in rest:
            return f"a hyphen in the {'variable' if scope == 'var' else 'macro'} name: names are letters, digits " \
                   "and underscores"
        if "." in rest:
            return f"more than one name after '.spectro.{scope}.'"
        if not _IDENTIFIER.match(rest):
            return f"the {'variable' if scope == 'var' else 'macro'} name has characters other than letters, " \
                   "digits and underscores"
        return ""
    if scope == "system":
        if not rest or not all(_IDENTIFIER.match(part) for part in rest.split(".")):
            return "'.spectro.system.' needs a path of names such as '.spectro.system.cluster.name'"
        return ""
    pack, _, key = rest.partition(".")
    if not pack or not key or not all(key.split(".")):
        return "'.spectro.pack.' needs a pack name and a key, such as '.spectro.pack.edge-native-byoi.options.system.uri'"
    return ""
