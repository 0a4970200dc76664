"""Check the options a configuration gives a rule against the options the rule declares (``@rule(options=...)``).

A declared option's default fixes its type; an option whose default is a severity name (``error``, ``warning``,
``note``) takes a severity name or ``off``. A configured option that is unknown or of the wrong type is a
configuration error (exit code 2), and the rule runs with its default."""

from __future__ import annotations

from typing import Any

from linter.model import Rule

SEVERITY_CHOICES = ("error", "warning", "note", "off")
_TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a string",
               list: "a list", dict: "a mapping"}


def resolve_options(rule: Rule, configured: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The options ``rule`` runs with, and what is wrong with the configured ones (messages without values)."""
    options = rule.default_options
    problems: list[str] = []
    for name, value in configured.items():
        where = f"rules.{rule.id}.{name}"
        if name not in options:
            known = ", ".join(sorted(options)) or "none"
            problems.append(f"{where}: unknown option for {rule.id} ({rule.name}); its options: {known}")
            continue
        default = options[name]
        if isinstance(default, str) and default in SEVERITY_CHOICES:
            if value not in SEVERITY_CHOICES:
                problems.append(f"{where}: expected one of {', '.join(SEVERITY_CHOICES)}; the default "
                                f"{default} is used")
                continue
        elif not _same_type(default, value):
            wanted = _TYPE_NAMES.get(type(default), type(default).__name__)
            problems.append(f"{where}: expected {wanted}; the default {default!r} is used")
            continue
        options[name] = value
    return options, problems


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))
