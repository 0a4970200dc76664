"""Which configuration governs each file.

- ``--isolated``: none; every file is linted with the defaults.
- ``--config FILE``: that file governs every file of the run, and its ``rule-dirs`` may run (the caller named it).
- otherwise each file is governed by the nearest configuration in its folder or above it, up to the repository
  root (:func:`linter.config.load.find_config`): configurations nest, the deepest one wins, and the settings of
  ``a/.palette-lint.yaml`` never reach a file of ``sites/``. The run's rules are those of the run's
  configuration (the one of the first path): a nested configuration's ``rule-dirs`` are not loaded. Those of
  the run's configuration load only with ``--allow-rule-dirs``: they are code from the repository.

Each configuration file is read once per run, however many files it governs, and each folder searched once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from msgspec import Struct
from msgspec.structs import replace

from linter.config.boundary import repository_root
from linter.config.load import Config, check_rule_names, config_in_folder, load_config
from linter.model import Rule
from linter.yaml.composer import YamlParser


class ConfigChoice(Struct, frozen=True):
    """What the command line says about configuration files."""

    named: Optional[Path] = None  # --config FILE
    isolated: bool = False  # --isolated: read no configuration file
    allow_rule_dirs: bool = False  # --allow-rule-dirs: import the rule modules of the run's configuration


class ConfigResolver:
    """The configuration of each path, each configuration file loaded once. Raises
    :class:`~linter.config.files.ConfigError` for a configuration that cannot be used."""

    def __init__(self, choice: ConfigChoice, parser: YamlParser, schemas: Any) -> None:
        self.choice = choice
        self._parser = parser
        self._schemas = schemas
        self._loaded: dict[Optional[Path], Config] = {}
        self._in_folder: dict[Path, Optional[Path]] = {}
        self._by_path: dict[str, Optional[Path]] = {}
        self._top: Optional[Path] = None
        self._rules: Optional[list[Rule]] = None

    def file_for(self, path: Union[str, Path]) -> Optional[Path]:
        """The configuration file that governs ``path`` (a file or a directory), None for the defaults. The path
        is taken as written (links are not resolved): a file is governed by the folder it is listed in."""
        if self.choice.isolated:
            return None
        if self.choice.named is not None:
            return self.choice.named.resolve()
        key = os.path.abspath(path)
        if key not in self._by_path:
            folder = Path(key if os.path.isdir(key) else os.path.dirname(key))
            self._by_path[key] = self._search(folder)
        return self._by_path[key]

    def run_config(self, first_path: Union[str, Path]) -> Config:
        """The run's configuration: the one that governs ``first_path``. Its rule-dirs are the run's."""
        found = self.file_for(first_path)
        self._top = found
        return self.load(found)

    def governing(self, path: Union[str, Path]) -> Config:
        """The configuration that governs ``path``."""
        return self.load(self.file_for(path))

    def check_names_with(self, rules: Iterable[Rule]) -> None:
        """Check every configuration loaded from now on (and those loaded already) against these rules."""
        self._rules = list(rules)
        for config in self._loaded.values():
            check_rule_names(config, self._rules)

    def load(self, config_file: Optional[Path]) -> Config:
        """A configuration file loaded (once). Its rule-dirs are allowed when the caller said so, and only for
        the run's configuration."""
        if config_file not in self._loaded:
            allowed = self.choice.allow_rule_dirs or self.choice.named is not None
            config = load_config(config_file, self._parser, self._schemas, allow_rule_dirs=allowed)
            if config.rule_dirs and config_file != self._top:
                config = replace(config, rule_dirs=(), declined_rule_dirs=config.rule_dirs)
            if self._rules is not None:
                check_rule_names(config, self._rules)
            self._loaded[config_file] = config
        return self._loaded[config_file]

    @property
    def loaded(self) -> list[Config]:
        """Every configuration loaded so far."""
        return [config for config in self._loaded.values() if config.path is not None]

    def is_run_config(self, config: Config) -> bool:
        return config.path == self._top

    def _search(self, folder: Path) -> Optional[Path]:
        """The nearest configuration file in ``folder`` or above, up to the repository root; each folder is
        looked at once per run."""
        climbed: list[Path] = []
        top: Optional[Path] = None
        found: Optional[Path] = None
        current: Optional[Path] = folder
        while current is not None:
            if current in self._in_folder:
                found = self._in_folder[current]
                break
            climbed.append(current)
            found = config_in_folder(current)
            if found is not None or current.parent == current:
                break
            if top is None:
                top = repository_root(current) or Path(current.anchor)
            if current == top:
                break
            current = current.parent
        for folder_seen in climbed:
            self._in_folder[folder_seen] = found
        return found

