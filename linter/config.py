"""Find, load and validate the project configuration (``.palette-lint.yaml``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from linter.document import ParseFailure, SourceFile, YamlParser, format_path
from linter.globs import PathPattern
from linter.model import Severity

CONFIG_NAMES = (".palette-lint.yaml", ".palette-lint.yml")


class ConfigError(Exception):
    """A configuration that cannot be used; the message starts with ``path:line:col:`` where known."""


@dataclass(frozen=True)
class RuleSettings:
    severity: Optional[Severity] = None
    enabled: Optional[bool] = None
    options: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class ClusterSpec:
    """A cluster declared in the configuration: the files (patterns) that deploy one edge cluster."""

    name: str
    patterns: tuple[PathPattern, ...]


@dataclass(frozen=True)
class Config:
    path: Optional[Path] = None
    root: Path = field(default_factory=Path.cwd)
    select: Optional[tuple[str, ...]] = None
    ignore: tuple[str, ...] = ()
    exclude: tuple[PathPattern, ...] = ()
    fail_on: Optional[str] = None
    rules: tuple[tuple[str, RuleSettings], ...] = ()
    clusters: tuple[ClusterSpec, ...] = ()
    rule_dirs: tuple[Path, ...] = ()
    now: Optional[str] = None
    deployed: tuple[PathPattern, ...] = ()  # files deployed to existing clusters, whatever their age in git
    new: tuple[PathPattern, ...] = ()  # files only for new clusters, whatever their age in git

    def settings_for(self, rule_id: str, rule_name: str) -> RuleSettings:
        for key, settings in self.rules:
            if key.upper() == rule_id or key == rule_name:
                return settings
        return RuleSettings()

    def relative(self, absolute: str) -> str:
        """A path relative to the configuration's directory, POSIX style."""
        try:
            return Path(os.path.relpath(absolute, self.root)).as_posix()
        except ValueError:
            return Path(absolute).as_posix()


def find_config(start: Path) -> Optional[Path]:
    """The nearest configuration file in ``start`` (a directory or a file's directory) or its parents."""
    current = start.resolve()
    if not current.is_dir():
        current = current.parent
    for directory in (current, *current.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
    return None


def load_config(path: Optional[Path], parser: YamlParser, schemas: Any) -> Config:
    """Load and validate ``path``; ``None`` gives the defaults (rooted at the working directory)."""
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {getattr(exc, 'strerror', None) or exc}") from None
    source = SourceFile(text, path.name, str(path))
    try:
        document = parser.parse(source)
    except ParseFailure as failure:
        raise ConfigError(f"{path}:{failure.span.line}:{failure.span.column}: {failure.message}") from None
    data = document.data if document.data is not None else {}
    for error in schemas.validate("config", data):
        span = document.span_of(error.path, "key" if error.keyword == "additionalProperties" else "auto")
        where = format_path(error.path) or "the configuration"
        detail = error.message
        if error.keyword == "additionalProperties":
            from linter.schema_messages import unknown_keys

            extra = unknown_keys(error.schema, error.instance)
            if extra:
                span = document.span_of(error.path + (extra[0],), "key")
                detail = f"unknown key '{extra[0]}'"
        raise ConfigError(f"{path}:{span.line}:{span.column}: {where}: {detail}")
    root = path.parent.resolve()
    rules = []
    for key, value in (data.get("rules") or {}).items():
        value = value or {}
        if isinstance(value, str):
            value = {"severity": value}
        severity = value.get("severity")
        enabled = None
        if severity == "off":
            enabled, severity = False, None
        options = tuple(sorted((k, v) for k, v in value.items() if k not in ("severity",)))
        rules.append((str(key), RuleSettings(Severity.parse(severity) if severity else None, enabled, options)))
    clusters = tuple(
        ClusterSpec(str(c.get("name") or f"cluster-{i + 1}"), tuple(PathPattern.compile(p) for p in c["files"]))
        for i, c in enumerate(data.get("clusters") or [])
    )
    select = data.get("select")
    return Config(
        path=path.resolve(),
        root=root,
        select=tuple(select) if select is not None else None,
        ignore=tuple(data.get("ignore") or ()),
        exclude=tuple(PathPattern.compile(p) for p in data.get("exclude") or ()),
        fail_on=data.get("fail-on"),
        rules=tuple(rules),
        clusters=clusters,
        rule_dirs=tuple((root / d).resolve() for d in data.get("rule-dirs") or ()),
        now=str(data["now"]) if data.get("now") is not None else None,
        deployed=tuple(PathPattern.compile(p) for p in data.get("deployed") or ()),
        new=tuple(PathPattern.compile(p) for p in data.get("new") or ()),
    )
