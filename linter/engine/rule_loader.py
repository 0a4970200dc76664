"""Load rule modules from directories: the built-in ``rules/`` and user directories, the same way."""

from __future__ import annotations

import binascii
import importlib.util
import re
import sys
from pathlib import Path
from typing import Iterable

from linter.engine.contract import CHECK_SCOPES, RULE_MARK, RuleSpec
from linter.model import Rule, RuleCheck, RuleDoc

ID_PATTERN = re.compile(r"^PAL\d{3}$")
NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class RuleLoadError(Exception):
    """A rule directory or module that cannot be loaded; the message names the file."""


def load_rules(directories: Iterable[Path], scopes: Iterable[str] = CHECK_SCOPES) -> list[Rule]:
    """Every rule defined in the ``*.py`` files of ``directories``, sorted by id. Duplicate ids are refused, and
    so is a rule whose scope is not one of ``scopes`` (a ``verify`` rule among ``check``'s, or the reverse)."""
    allowed = tuple(scopes)
    rules: dict[str, Rule] = {}
    names: dict[str, str] = {}
    for directory in directories:
        if not directory.is_dir():
            raise RuleLoadError(f"rule directory not found: {directory}")
        for path in sorted(directory.glob("*.py")):
            if path.name.startswith("_"):
                continue
            for loaded in _load_module(path):
                if loaded.scope not in allowed:
                    raise RuleLoadError(f"{path}: rule {loaded.id} has scope {loaded.scope!r}; rules here have scope "
                                        f"{' or '.join(repr(s) for s in allowed)}")
                if loaded.id in rules:
                    raise RuleLoadError(f"{path}: rule id {loaded.id} is already defined in {rules[loaded.id].source}")
                if loaded.name in names:
                    raise RuleLoadError(f"{path}: rule name {loaded.name} is already used by {names[loaded.name]}")
                rules[loaded.id] = loaded
                names[loaded.name] = loaded.id
    return sorted(rules.values(), key=lambda r: r.id)


def _load_module(path: Path) -> list[Rule]:
    # The checksum of the file's path keeps two rule files of the same name in different directories apart. A
    # CRC rather than a cryptographic hash: binascii is loaded already, hashlib would load OpenSSL on every run.
    digest = binascii.crc32(str(path.resolve()).encode())
    module_name = f"palette_lint_rules_{path.stem}_{digest:08x}"
    try:
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise RuleLoadError(f"{path}: not a Python module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    except RuleLoadError:
        raise
    except Exception as exc:  # a user rule file with a syntax error must not crash the run with a traceback
        raise RuleLoadError(f"{path}: cannot load rule module: {type(exc).__name__}: {exc}") from None
    found: list[Rule] = []
    docstring = (module.__doc__ or "").strip()
    for value in vars(module).values():
        declared = getattr(value, RULE_MARK, None)
        if isinstance(declared, RuleSpec):
            found.append(_make_rule(declared, value, docstring, path))
    return found


def _make_rule(spec: RuleSpec, check: RuleCheck, docstring: str, path: Path) -> Rule:
    if not ID_PATTERN.match(spec.id):
        raise RuleLoadError(f"{path}: rule id {spec.id!r} must be PAL followed by three digits")
    if not NAME_PATTERN.match(spec.name):
        raise RuleLoadError(f"{path}: rule name {spec.name!r} must be kebab-case")
    summary = docstring.splitlines()[0].strip() if docstring else spec.name
    return Rule(id=spec.id, name=spec.name, scope=spec.scope, kinds=spec.kinds, severity=spec.severity,
                check=check, doc=RuleDoc(summary=summary, markdown=docstring), options=spec.options,
                tags=spec.tags, source=str(path))


def resolve(token: str, rules: Iterable[Rule]) -> list[Rule]:
    """Rules named by a selector token: an id (``PAL106``), an id prefix (``PAL1``), a name, or ``ALL``."""
    token = token.strip()
    upper = token.upper()
    out = []
    for candidate in rules:
        if upper == "ALL" or candidate.id == upper or candidate.name == token.lower() or \
                (upper.startswith("PAL") and candidate.id.startswith(upper)):
            out.append(candidate)
    return out
