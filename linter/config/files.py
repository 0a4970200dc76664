"""Read one configuration file: ``.palette-lint.yaml`` or the ``[tool.palette-lint]`` table of a
``pyproject.toml``, keeping enough of its text to say where each setting is.

YAML keeps exact positions (the linter's own parser). TOML parsers give none, so a key's line is found by a
small scan of the text for table headers and ``key =`` lines: cheap, and good enough to point at the line.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import sys
from pathlib import Path
from typing import Any, Optional

from msgspec import Struct

from linter.document import Document
from linter.model import Span, YamlPath
from linter.yaml.composer import ParseFailure, YamlParser
from linter.yaml.paths import format_path
from linter.yaml.source import SourceFile

PYPROJECT = "pyproject.toml"
#: The table of pyproject.toml that holds palette-lint's settings.
TOOL_TABLE: tuple[str, ...] = ("tool", "palette-lint")


class ConfigError(Exception):
    """A configuration that cannot be used; the message starts with ``path:line:col:`` where known."""


def shown_path(path: Path) -> str:
    """A path as the user most likely wants to read it: relative to the working directory when below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


class ConfigSource(Struct, frozen=True):
    """One configuration file as read: its settings (a mapping) and the means to locate each of them."""

    path: Path  # absolute
    data: dict[str, Any]
    form: str  # "yaml" or "pyproject"
    document: Optional[Document] = None
    text: str = ""

    @property
    def shown(self) -> str:
        return shown_path(self.path)

    def key_name(self, key_path: YamlPath) -> str:
        """A setting's name as the user wrote it: ``rules.PAL001`` or ``tool.palette-lint.rules.PAL001``."""
        if self.form == "pyproject":
            return format_path(TOOL_TABLE + tuple(key_path))
        return format_path(tuple(key_path)) or "the configuration"

    def span(self, key_path: YamlPath, part: str = "auto") -> Optional[Span]:
        """Where a setting is written, or None when that cannot be found (a TOML key inside an inline table)."""
        if self.document is not None:
            return self.document.span_of(tuple(key_path), part)
        found = toml_position(self.text, TOOL_TABLE + tuple(key_path))
        return Span.point(*found) if found else None

    def where(self, key_path: YamlPath, part: str = "auto") -> str:
        """``file:line:col`` of a setting (``file`` alone when its line is unknown)."""
        span = self.span(key_path, part)
        return f"{self.shown}:{span.line}:{span.column}" if span else self.shown

    def error(self, key_path: YamlPath, message: str, part: str = "auto") -> ConfigError:
        return ConfigError(f"{self.where(key_path, part)}: {self.key_name(key_path)}: {message}")


def read_config_source(path: Path, parser: YamlParser) -> ConfigSource:
    """Read a configuration file; a ``.toml`` file is read as a pyproject.toml (its ``[tool.palette-lint]``)."""
    absolute = path.resolve()
    try:
        text = absolute.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(f"{shown_path(path)}: cannot read the configuration: {reason}") from None
    if absolute.suffix == ".toml":
        return _read_pyproject(absolute, text)
    source = SourceFile(text, absolute.name, shown_path(absolute))
    try:
        document = Document.from_yaml(source, parser.parse(text))
    except ParseFailure as failure:
        raise ConfigError(f"{shown_path(absolute)}:{failure.span.line}:{failure.span.column}: "
                          f"{failure.message}") from None
    for duplicate in document.duplicates:  # a setting written twice: which one is meant is not clear
        raise ConfigError(f"{shown_path(absolute)}:{duplicate.second.line}:{duplicate.second.column}: "
                          f"{format_path(duplicate.path)}: written twice (first at line {duplicate.first.line}); "
                          "keep one")
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        span = document.span_of(())
        raise ConfigError(f"{shown_path(absolute)}:{span.line}:{span.column}: the configuration must be a "
                          "mapping of settings (select, ignore, rules, ...)")
    return ConfigSource(absolute, data, "yaml", document=document, text=text)


def _parse_toml(text: str) -> dict[str, Any]:
    """``text`` parsed as TOML; raises ``TOMLDecodeError`` (a ValueError) when it is not TOML. The parser is
    imported here: only a pyproject.toml that mentions palette-lint is parsed, and most runs read none."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10 has no tomllib; tomli is its backport (a conditional dependency)
        import tomli as tomllib
    return tomllib.loads(text)


def has_palette_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml holds a ``[tool.palette-lint]`` table. One that does not (most do not) is no
    palette-lint configuration; one that does but is not valid TOML counts, so that reading it reports why."""
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "palette-lint" not in text:
        return False
    try:
        loaded = _parse_toml(text)
    except ValueError:
        return re.search(r"^\s*\[\s*tool\s*\.\s*[\"']?palette-lint[\"']?\s*[\].]", text, re.M) is not None
    return isinstance(loaded.get("tool"), dict) and "palette-lint" in loaded["tool"]


def _read_pyproject(path: Path, text: str) -> ConfigSource:
    try:
        loaded = _parse_toml(text)
    except ValueError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        where = f"{shown_path(path)}:{match.group(1)}:{match.group(2)}" if match else shown_path(path)
        if match is None and message.endswith("(at end of document)"):
            match = re.search(r"\(at end of document\)$", message)
            where = f"{shown_path(path)}:{max(len(text.splitlines()), 1)}"
        reason = message[: match.start()].strip() if match else message
        raise ConfigError(f"{where}: invalid TOML: {reason}") from None
    table: Any = loaded
    for step in TOOL_TABLE:
        table = table.get(step) if isinstance(table, dict) else None
    if table is None:
        raise ConfigError(f"{shown_path(path)}: no [tool.palette-lint] table: palette-lint reads its settings "
                          "from that table of a pyproject.toml")
    source = ConfigSource(path, {}, "pyproject", text=text)
    if not isinstance(table, dict):
        raise source.error((), "must be a table of settings")
    return ConfigSource(path, _plain(table), "pyproject", text=text)


def _plain(value: Any) -> Any:
    """TOML values as JSON-like data: dates and times become ISO 8601 text, as they are in YAML."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return value


# ---- finding a key's line in TOML text -----------------------------------------------------------------

# Patterns as text, compiled (and cached by ``re``) the first time a pyproject.toml is scanned: most runs read none.
_KEY_PART = r"(?:[A-Za-z0-9_-]+|\"(?:[^\"\\]|\\.)*\"|'[^']*')"
_DOTTED_KEY = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = rf"^\s*(\[\[?)\s*(?P<key>{_DOTTED_KEY})\s*\]\]?"
_ASSIGNMENT = rf"^\s*(?P<key>{_DOTTED_KEY})\s*="


def _split_key(text: str) -> tuple[str, ...]:
    parts = []
    for match in re.finditer(_KEY_PART, text):
        part = match.group(0)
        if part[:1] in "\"'":
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


def toml_position(text: str, key_path: YamlPath) -> Optional[tuple[int, int]]:
    """The (line, column) where the longest written prefix of ``key_path`` is: a ``[table]`` header, an
    ``[[array]]`` entry or a ``key = value`` line. None when not even the first key is written."""
    best: Optional[tuple[int, int]] = None
    best_length = 0
    table: tuple[Any, ...] = ()
    arrays: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(_HEADER, line)
        if header:
            key = _split_key(header.group("key"))
            if header.group(1) == "[[":
                index = arrays.get(key, 0)
                arrays[key] = index + 1
                table = key + (index,)
            else:
                table = key
            candidate: tuple[Any, ...] = table
            column = header.start(1) + 1
        else:
            assignment = re.match(_ASSIGNMENT, line)
            if not assignment:
                continue
            candidate = table + _split_key(assignment.group("key"))
            column = assignment.start("key") + 1
        length = len(candidate)
        if length > best_length and tuple(key_path[:length]) == candidate:
            best, best_length = (number, column), length
    return best
