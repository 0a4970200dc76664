"""What the language server lints, without the protocol: the workspace's configurations (resolved the way
``check`` resolves them, trust model included), the files that form a file's cluster, and one engine run over
them with the editor's unsaved buffers in place of the files on disk. The findings are ``check``'s: the same
rules, configuration, suppressions and redaction, through the same engine.

Editing a file re-lints its unit: the files of its folder (a folder is a cluster unless the configuration
declares clusters), the files of a cluster the configuration declares it in, and the Terraform files that read it
as a pack's values. So editing user-data re-checks the profile of its cluster, and the other way round.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from msgspec import Struct

from linter.config.boundary import repository_root
from linter.config.files import ConfigError
from linter.config.load import Config
from linter.config.resolver import ConfigChoice, ConfigResolver
from linter.engine.clusters import cluster_key
from linter.engine.discover import relative_path
from linter.engine.pipeline import Engine
from linter.engine.request import RunError, RunRequest
from linter.engine.rule_loader import RuleLoadError, load_rules
from linter.inputs import accepts_name, syntax_reader
from linter.model import Finding, Rule, Run
from linter.resources import rules_dir
from linter.validation.store import SchemaStore
from linter.yaml.composer import YamlParser

#: The names of configuration files: a change to one reloads the configuration.
CONFIG_NAMES = (".palette-lint.yaml", ".palette-lint.yml", "pyproject.toml")
#: Folders a workspace walk never enters.
_SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__",
                              ".palette-lint-cache", ".tox", ".mypy_cache", ".pytest_cache"})
#: At most this many files are indexed per workspace folder (clusters declared by patterns, Terraform readers).
MAX_INDEXED = 20_000


class Lint(Struct, frozen=True):
    """One lint of a unit: the findings by absolute path of every file it linted (a file without findings has
    an empty list), and the rules of the run (for hover)."""

    findings: dict[str, list[Finding]]
    rules: tuple[Rule, ...]
    run: Optional[Run] = None


class Session:
    """The server's state that is not the protocol's: configurations, rules, the engine and the workspace index.
    ``warn`` receives what the user should know (a configuration that cannot be used, rule-dirs not loaded)."""

    def __init__(self, choice: ConfigChoice, warn: Callable[[str], None]) -> None:
        self.choice = choice
        self.warn = warn
        self.roots: list[Path] = []
        self.engine: Optional[Engine] = None
        self.resolver: Optional[ConfigResolver] = None
        self.config: Config = Config()
        self.index: dict[str, list[str]] = {}  # cluster key -> absolute paths, for clusters declared by patterns
        self.readers: dict[str, list[str]] = {}  # absolute path -> the Terraform files that read it
        self._warned: set[str] = set()
        self.now: Optional[Any] = None  # a fixed clock (--now); else the configuration's, else the real one

    # ---- configuration ---------------------------------------------------------------------------------
    def open(self, roots: Iterable[Path]) -> None:
        """Start on the workspace folders ``roots`` (the first is the run's: its configuration's rule-dirs are
        the run's, as the first path's are for ``check``)."""
        self.roots = [Path(os.path.abspath(root)) for root in roots]
        self.reload()

    def reload(self) -> None:
        """Read the configurations and rules again (a configuration file changed), and the workspace index."""
        self.resolver = ConfigResolver(self.choice, YamlParser(), SchemaStore())
        first = self.roots[0] if self.roots else Path.cwd()
        try:
            self.config = self.resolver.run_config(first)
        except ConfigError as exc:
            self._warn_once(f"the configuration cannot be used: {exc}; linting with the defaults")
            self.resolver = ConfigResolver(ConfigChoice(isolated=True), YamlParser(), SchemaStore())
            self.config = self.resolver.run_config(first)
        for config in self.resolver.loaded:
            if config.declined_rule_dirs:
                self._warn_once(f"{config.path}: rule-dirs not loaded: their rules are code from the repository; "
                                "start the server with --allow-rule-dirs (or --config FILE) to run them")
        try:
            catalogue = load_rules((rules_dir(), *self.config.rule_dirs))
        except RuleLoadError as exc:
            self._warn_once(f"{exc}; linting with the built-in rules")
            catalogue = load_rules((rules_dir(),))
        try:
            self.resolver.check_names_with(catalogue)
        except ConfigError as exc:
            self._warn_once(str(exc))
        self.engine = Engine(catalogue)
        self._index()

    def _warn_once(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.warn(message)

    def governing(self, path: str) -> Config:
        assert self.resolver is not None
        try:
            return self.resolver.governing(Path(path))
        except ConfigError as exc:
            self._warn_once(str(exc))
            return self.config

    def _index(self) -> None:
        """The workspace's Palette files by the cluster the configuration declares them in, and the files each
        Terraform file reads: what a folder alone does not tell."""
        self.index, self.readers = {}, {}
        count = 0
        for root in self.roots:
            for folder, folders, files in os.walk(root):
                folders[:] = sorted(name for name in folders if name not in _SKIPPED_FOLDERS)
                for name in sorted(files):
                    if not accepts_name(name.lower()):
                        continue
                    count += 1
                    if count > MAX_INDEXED:
                        return
                    absolute = os.path.join(folder, name)
                    key = self._key(absolute)
                    if key.startswith("config:"):
                        self.index.setdefault(key, []).append(absolute)
                    reader = syntax_reader(name.lower())
                    if reader is not None:
                        try:
                            text = Path(absolute).read_text(encoding="utf-8")
                        except (OSError, UnicodeDecodeError):
                            continue
                        for read in reader.references(text, absolute):
                            self.readers.setdefault(read, []).append(absolute)

    def root_of(self, absolute: str) -> Path:
        """What the file's paths are relative to, as for ``check`` run in the workspace folder: the repository
        that holds it, else the workspace folder it is in, else its folder."""
        folder = Path(os.path.dirname(absolute))
        found = repository_root(folder)
        if found is not None:
            return found
        for root in self.roots:
            if folder == root or folder.is_relative_to(root):
                return root.resolve()
        return folder.resolve()

    def _key(self, absolute: str) -> str:
        config = self.governing(absolute)
        return cluster_key(absolute, relative_path(absolute, self.root_of(absolute)), config)

    def _configured_now(self) -> Optional[Any]:
        """The clock the run's configuration fixes (``now:``), as ``check`` reads it."""
        if not self.config.now:
            return None
        import datetime as _dt

        try:
            value = _dt.datetime.fromisoformat(self.config.now.replace("Z", "+00:00"))
        except ValueError:
            return None
        return value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)

    # ---- linting -----------------------------------------------------------------------------------------
    def unit_of(self, path: str, unsaved: Iterable[str] = ()) -> list[str]:
        """The files linted with ``path``: its folder's Palette files (those on disk and the ``unsaved`` buffers
        in it), its declared cluster's, and the Terraform files that read it."""
        path = os.path.abspath(path)
        folder = os.path.dirname(path)
        found = {path}
        try:
            found.update(entry.path for entry in os.scandir(folder)
                         if entry.is_file() and accepts_name(entry.name.lower()))
        except OSError:
            pass
        found.update(other for other in unsaved
                     if os.path.dirname(other) == folder and accepts_name(os.path.basename(other).lower()))
        key = self._key(path)
        if key.startswith("config:"):
            found.update(self.index.get(key, ()))
        found.update(self.readers.get(path, ()))
        return sorted(found)

    def lint(self, path: str, overlay: dict[str, bytes], now: Optional[Any] = None) -> Lint:
        """Lint ``path`` with its unit, the open documents' text (``overlay``, by absolute path) in place of the
        files on disk. Raises :class:`RunError` when the run cannot be made."""
        assert self.engine is not None
        paths = [p for p in self.unit_of(path, overlay) if os.path.exists(p) or p in overlay]
        if not paths:
            return Lint({}, tuple(self.engine.catalogue))
        root = self.root_of(os.path.abspath(path))
        now = now or self.now or self._configured_now()
        request = RunRequest(paths=tuple(paths), config=self.config, config_for=self.governing, root=root,
                             skip_unknown=True, overlay=overlay, jobs=1, now=now)
        run = self.engine.run(request)
        findings: dict[str, list[Finding]] = {absolute: [] for absolute in run.absolute_paths.values()}
        findings.setdefault(os.path.abspath(path), [])
        for finding in run.findings:
            absolute = run.absolute_paths.get(finding.location.path)
            if absolute is None:
                absolute = str(root / finding.location.path)
            findings.setdefault(absolute, []).append(finding)
        return Lint(findings, run.rules, run)


__all__ = ["CONFIG_NAMES", "Lint", "RunError", "Session"]
