"""Check the options a configuration gives a rule against the options the rule declares (``@rule(options=...)``).

A declared option's default fixes its type; an option whose default is a severity name (``error``, ``warning``,
``note``) takes a severity name or ``off``. A configured option that is unknown or of the wrong type is a
configuration error (exit code 2), reported before any file is linted."""

from __future__ import annotations

from typing import Any

from linter.model import Rule

SEVERITY_CHOICES = ("error", "warning", "note", "off")
_TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a string",
               list: "a list", dict: "a mapping"}


def option_problems(rule: Rule, configured: dict[str, Any]) -> list[tuple[str, str]]:
    """What is wrong with the options a configuration gives ``rule``: (option name, message) pairs; the messages
    never quote the value."""
    from linter.config.load import did_you_mean

    options = rule.default_options
    problems: list[tuple[str, str]] = []
    for name, value in configured.items():
        if name not in options:
            known = ", ".join(sorted(options)) or "none"
            problems.append((name, f"unknown option for {rule.id} ({rule.name}){did_you_mean(name, options)}; its "
                                   f"options: {known}"))
            continue
        default = options[name]
        if isinstance(default, str) and default in SEVERITY_CHOICES:
            if value not in SEVERITY_CHOICES:
                problems.append((name, f"expected one of {', '.join(SEVERITY_CHOICES)}"))
        elif not _same_type(default, value):
            problems.append((name, f"expected {_TYPE_NAMES.get(type(default), type(default).__name__)}"))
    return problems


def resolve_options(rule: Rule, configured: dict[str, Any]) -> dict[str, Any]:
    """The options ``rule`` runs with: its defaults, and the configured values that are valid
    (:func:`option_problems` reports the others; the configuration is checked before a run)."""
    options = rule.default_options
    wrong = {name for name, _message in option_problems(rule, configured)}
    options.update((name, value) for name, value in configured.items() if name not in wrong)
    return options


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))
