"""Where the built-in rules and schemas are: inside the installed package, or at a checkout's root."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _locate(name: str) -> Path:
    installed = _PACKAGE / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def rules_dir() -> Path:
    return _locate("rules")


def schemas_dir() -> Path:
    return _locate("schemas")


def verify_rules_dir() -> Path:
    """The rules of ``palette-lint verify`` (scope ``verify``): a directory of their own, so ``check`` never
    loads them."""
    return rules_dir() / "verify"
