"""Which configuration governs each file.

- ``--isolated``: none; every file is linted with the defaults.
- ``--config FILE``: that file governs every file of the run, and its ``rule-dirs`` may run (the caller named it).
- otherwise each file is governed by the nearest configuration in its folder or above it, up to the repository
  root (:func:`linter.config.load.find_config`): configurations nest, the deepest one wins, and a file of
  ``a/`` never lends its settings to a file of ``sites/``. The ``rule-dirs`` of a configuration found this way
  load only with ``--allow-rule-dirs``: they are code from the repository.

Each configuration file is read once per run, however many files it governs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from msgspec import Struct

from linter.config.load import Config, find_config, load_config
from linter.yaml.composer import YamlParser


class ConfigChoice(Struct, frozen=True):
    """What the command line says about configuration files."""

    named: Optional[Path] = None  # --config FILE
    isolated: bool = False  # --isolated: read no configuration file
    allow_rule_dirs: bool = False  # --allow-rule-dirs: import the rule modules of a configuration found


class ConfigResolver:
    """The configuration of each path, each configuration file loaded once. Raises
    :class:`~linter.config.files.ConfigError` for a configuration that cannot be used."""

    def __init__(self, choice: ConfigChoice, parser: YamlParser, schemas: Any) -> None:
        self.choice = choice
        self._parser = parser
        self._schemas = schemas
        self._loaded: dict[Optional[Path], Config] = {}

    def file_for(self, path: Path) -> Optional[Path]:
        """The configuration file that governs ``path`` (a file or a directory), None for the defaults. A path
        that cannot be resolved (a symbolic link loop) is governed as the directory that holds it."""
        if self.choice.isolated:
            return None
        if self.choice.named is not None:
            return self.choice.named.resolve()
        try:
            return find_config(path)
        except (OSError, RuntimeError):
            return find_config(Path(path).absolute().parent)

    def governing(self, path: Path) -> Config:
        """The configuration that governs ``path``."""
        return self.load(self.file_for(path))

    def load(self, config_file: Optional[Path]) -> Config:
        """A configuration file loaded (once), with its rule-dirs allowed when the caller said so."""
        if config_file not in self._loaded:
            allowed = self.choice.allow_rule_dirs or self.choice.named is not None
            self._loaded[config_file] = load_config(config_file, self._parser, self._schemas,
                                                    allow_rule_dirs=allowed)
        return self._loaded[config_file]

    @property
    def loaded(self) -> list[Config]:
        """Every configuration loaded so far."""
        return list(self._loaded.values())
