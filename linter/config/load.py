"""Find, load and validate the project configuration: ``.palette-lint.yaml`` or ``[tool.palette-lint]`` in a
``pyproject.toml``, with the files it ``extends``.

Each file is validated on its own against ``schemas/config.json`` (so an error points into the file that has
it), then the chain is merged, base first:

- a setting the extending file writes replaces the base's;
- except the two mappings ``rules`` and ``per-file-ignores``, merged entry by entry: a rule's entry is merged
  setting by setting (``PAL103: warning`` over a base ``PAL103: {severity: error, option: 1}`` keeps the
  option), a ``per-file-ignores`` pattern's list replaces the base's list for the same pattern.

``extends`` and ``rule-dirs`` are file paths, relative to the file that writes them, and must stay inside the
repository that holds the configuration (:mod:`linter.config.boundary`). The rule modules of ``rule-dirs`` are
code from the repository: the directories are checked, but kept (so imported) only when the caller allows it
(``--allow-rule-dirs``, or a ``--config`` file the caller named); otherwise they are listed in
``Config.declined_rule_dirs``, for a note. Path patterns
(``exclude``, ``per-file-ignores``, ``clusters``) are relative to the directory of the configuration the run
found (the extending file): a shared base describes the layout of every repository that extends it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

from msgspec import Struct, field

from linter.config.boundary import boundary_of, is_inside, repository_root, shown_key
from linter.config.files import PYPROJECT, ConfigError, ConfigSource, has_palette_table, read_config_source
from linter.config.patterns import PathPatterns
from linter.model import Rule, Severity, YamlPath
from linter.yaml.composer import YamlParser

CONFIG_NAMES = (".palette-lint.yaml", ".palette-lint.yml")
#: Settings merged entry by entry when a file extends another; every other setting is replaced whole.
MERGED_BY_ENTRY = ("rules", "per-file-ignores")

__all__ = ["CONFIG_NAMES", "ClusterSpec", "Config", "ConfigError", "RuleConfig", "check_rule_names",
           "find_config", "load_config"]


class RuleConfig(Struct, frozen=True):
    """What the configuration says of one rule: its severity, whether it runs, and its options."""

    severity: Optional[Severity] = None
    enabled: Optional[bool] = None
    options: tuple[tuple[str, Any], ...] = ()

    def over(self, base: RuleConfig) -> RuleConfig:
        """These settings written after ``base``: each one given here wins."""
        options = dict(base.options)
        options.update(self.options)
        return RuleConfig(self.severity if self.severity is not None else base.severity,
                            self.enabled if self.enabled is not None else base.enabled,
                            tuple(sorted(options.items())))


class ClusterSpec(Struct, frozen=True):
    """A cluster declared in the configuration: the files (patterns) that deploy one edge cluster."""

    name: str
    patterns: PathPatterns


class Config(Struct, frozen=True):
    """A run's configuration once the files are merged. ``root`` defaults to the working directory, ``settings``
    and ``origins`` to empty mappings."""

    path: Optional[Path] = None
    root: Path = field(default_factory=Path.cwd)
    select: Optional[tuple[str, ...]] = None
    ignore: tuple[str, ...] = ()
    exclude: PathPatterns = PathPatterns(())
    fail_on: Optional[str] = None
    rules: tuple[tuple[str, RuleConfig], ...] = ()
    clusters: tuple[ClusterSpec, ...] = ()
    rule_dirs: tuple[Path, ...] = ()  # the rule directories to import (only when the caller allows it)
    declined_rule_dirs: tuple[Path, ...] = ()  # rule directories written but not allowed to run
    now: Optional[str] = None
    markdown: bool = False  # a walk reads Markdown files' fenced blocks
    deployed: PathPatterns = PathPatterns(())  # files deployed to existing clusters, whatever their age in git
    new: PathPatterns = PathPatterns(())  # files only for new clusters, whatever their age in git
    per_file_ignores: tuple[tuple[PathPatterns, tuple[str, ...]], ...] = ()
    #: The files read, the one found first, then each file it extends.
    sources: tuple[ConfigSource, ...] = ()
    #: The merged settings as written (``rule-dirs`` made absolute), for ``palette-lint config``.
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: Which file wrote each setting: keys ``(name,)`` and, for merged mappings, ``(name, entry)``.
    origins: Mapping[tuple[str, ...], ConfigSource] = field(default_factory=dict)

    def rule_config(self, rule_id: str, rule_name: str) -> RuleConfig:
        """A rule's settings: every entry keyed by its id or its name, later entries winning."""
        merged = RuleConfig()
        for key, settings in self.rules:
            if key.upper() == rule_id or key == rule_name:
                merged = settings.over(merged)
        return merged

    def relative(self, absolute: str) -> str:
        """A path relative to the configuration's directory, POSIX style."""
        try:
            return Path(os.path.relpath(absolute, self.root)).as_posix()
        except ValueError:
            return Path(absolute).as_posix()

    def origin(self, key_path: YamlPath) -> Optional[ConfigSource]:
        """The file that wrote the setting at ``key_path`` (``("rules", "PAL103")``, ``("select", 2)``)."""
        if len(key_path) >= 2 and key_path[0] in MERGED_BY_ENTRY:
            return self.origins.get((str(key_path[0]), str(key_path[1])))
        return self.origins.get((str(key_path[0]),)) if key_path else None

    def error(self, key_path: YamlPath, message: str, part: str = "auto") -> ConfigError:
        """An error about a merged setting, positioned in the file that wrote it."""
        source = self.origin(key_path)
        if source is None:
            return ConfigError(f"{message}")
        return source.error(key_path, message, part)


def find_config(start: Path) -> Optional[Path]:
    """The nearest configuration in ``start`` (a directory or a file's directory) or its parents, up to the
    repository root (every parent when ``start`` is in no repository); see :func:`config_in_folder`."""
    current = start.resolve()
    if not current.is_dir():
        current = current.parent
    top = repository_root(current)
    for directory in (current, *current.parents):
        found = config_in_folder(directory)
        if found is not None or directory == top:
            return found
    return None


def config_in_folder(folder: Path) -> Optional[Path]:
    """The configuration file of one folder: ``.palette-lint.yaml``, ``.palette-lint.yml``, then a
    ``pyproject.toml`` with a ``[tool.palette-lint]`` table (one without is no configuration)."""
    for name in CONFIG_NAMES:
        if (folder / name).is_file():
            return folder / name
    pyproject = folder / PYPROJECT
    if pyproject.is_file() and has_palette_table(pyproject):
        return pyproject
    return None


def load_config(path: Optional[Path], parser: YamlParser, schemas: Any, *, allow_rule_dirs: bool = False) -> Config:
    """Load, validate and merge ``path`` and the files it extends; ``None`` gives the defaults (rooted at the
    working directory). ``rule-dirs`` are kept in ``rule_dirs`` only with ``allow_rule_dirs``, else in
    ``declined_rule_dirs``."""
    if path is None:
        return Config()
    chain = _read_chain(path, parser, schemas)
    settings, origins = _merge(chain)
    root = chain[0].path.parent
    rules = tuple((str(key), _rule_config(value)) for key, value in settings.get("rules", {}).items())
    clusters = tuple(
        ClusterSpec(str(c.get("name") or f"cluster-{i + 1}"), PathPatterns.compile(c["files"]))
        for i, c in enumerate(settings.get("clusters") or [])
    )
    select = settings.get("select")
    rule_dirs = tuple(Path(d) for d in settings.get("rule-dirs") or ())
    return Config(
        path=chain[0].path,
        root=root,
        select=tuple(select) if select is not None else None,
        ignore=tuple(settings.get("ignore") or ()),
        exclude=PathPatterns.compile(settings.get("exclude") or ()),
        fail_on=settings.get("fail-on"),
        rules=rules,
        clusters=clusters,
        rule_dirs=rule_dirs if allow_rule_dirs else (),
        declined_rule_dirs=() if allow_rule_dirs else rule_dirs,
        now=str(settings["now"]) if settings.get("now") is not None else None,
        markdown=settings.get("markdown") is True,
        per_file_ignores=tuple((PathPatterns.compile([pattern]), tuple(selectors))
                               for pattern, selectors in settings.get("per-file-ignores", {}).items()),
        sources=tuple(chain),
        settings=settings,
        origins=origins,
        deployed=PathPatterns.compile(settings.get("deployed") or ()),
        new=PathPatterns.compile(settings.get("new") or ()),
    )


def check_rule_names(config: Config, catalogue: Iterable[Rule]) -> None:
    """Refuse a configuration that names a rule that does not exist, or gives a rule an option it does not have
    or a value of the wrong type (a typo would silently do nothing). The error names the file, line and column,
    and the rule or option meant when one is close. When the configuration's ``rule-dirs`` were not allowed to
    load, a name that is no known rule may be one of theirs: only the known rules' options are checked."""
    from linter.config.rule_options import option_problems
    from linter.engine.rule_loader import resolve

    rules = list(catalogue)
    strict = not config.declined_rule_dirs
    names = [rule.id for rule in rules] + [rule.name for rule in rules]
    hint = "use an id such as PAL106, an id prefix such as PAL1, or a rule name; `palette-lint rules` lists them"

    def unknown_selector(key_path: YamlPath, token: Any) -> ConfigError:
        return config.error(key_path, f"unknown rule selector '{shown_key(token)}'"
                                      f"{did_you_mean(str(token), names)}: {hint}")

    for name in ("select", "ignore"):
        for index, token in enumerate(config.settings.get(name) or ()):
            if strict and not resolve(str(token), rules):
                raise unknown_selector((name, index), token)
    for key, settings in config.settings.get("rules", {}).items():
        found = next((r for r in rules if r.id == str(key).upper() or r.name == key), None)
        if found is None:
            if not strict:
                continue
            raise config.error(("rules", key), f"unknown rule '{shown_key(key)}'{did_you_mean(str(key), names)}: "
                                               "rules are keyed by a rule id (PAL106) or name (token-auth-registry)",
                               "key")
        written = {option: value for option, value in (settings if isinstance(settings, dict) else {}).items()
                   if option != "severity"}
        for option, message in option_problems(found, written):
            raise config.error(("rules", key, option), message, "key")
    for pattern, selectors in config.settings.get("per-file-ignores", {}).items():
        for index, token in enumerate(selectors):
            if strict and not resolve(str(token), rules):
                raise unknown_selector(("per-file-ignores", pattern, index), token)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` for the choice closest to ``word``, or an empty string when none is close."""
    import difflib  # imported here: only a configuration with a typo needs it

    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6) or \
        difflib.get_close_matches(word.upper(), choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


# ---- reading the chain of files ------------------------------------------------------------------------

def _read_chain(path: Path, parser: YamlParser, schemas: Any) -> list[ConfigSource]:
    """The file and every file it extends, each validated: [the file, its base, the base's base, ...]."""
    chain: list[ConfigSource] = []
    boundary = boundary_of(path)
    current = read_config_source(path, parser)
    while True:
        _validate(current, schemas, boundary)
        chain.append(current)
        target = current.data.get("extends")
        if target is None:
            return chain
        following = (current.path.parent / str(target)).resolve()
        if not is_inside(following, boundary):
            raise current.error(("extends",), f"'{target}' is outside {_shown_folder(boundary)}: a configuration "
                                              "extends files of its own repository only", "value")
        if following in [source.path for source in chain]:
            start = [source.path for source in chain].index(following)
            cycle = " -> ".join(source.shown for source in chain[start:])
            raise current.error(("extends",), f"cycle: {cycle} -> {chain[start].shown}", "value")
        if not following.is_file():
            raise current.error(("extends",), f"file not found: '{target}' (a path relative to this file)",
                                "value")
        current = read_config_source(following, parser)


def _shown_folder(boundary: Path) -> str:
    from linter.config.files import shown_path

    return f"the repository ({shown_path(boundary)})" if (boundary / ".git").exists() else \
        f"the configuration's folder ({shown_path(boundary)})"


def _validate(source: ConfigSource, schemas: Any, boundary: Path) -> None:
    from linter.validation.messages import unknown_keys

    for error in schemas.validate("config", source.data):
        if error.keyword == "additionalProperties":
            extra = unknown_keys(error.schema, error.instance)
            if extra:  # point at the unknown key itself, name the mapping it is in, and the key meant
                span = source.span(error.path + (extra[0],), "key")
                where = f"{source.shown}:{span.line}:{span.column}" if span else source.where(error.path, "key")
                meant = did_you_mean(extra[0], (error.schema or {}).get("properties", {}))
                raise ConfigError(f"{where}: {source.key_name(error.path)}: unknown key '{shown_key(extra[0])}'"
                                  f"{meant}")
        raise source.error(error.path, error.message, "key" if error.keyword == "additionalProperties" else "auto")
    for index, directory in enumerate(source.data.get("rule-dirs") or ()):
        if not is_inside(source.path.parent / directory, boundary):
            raise source.error(("rule-dirs", index), f"'{directory}' is outside {_shown_folder(boundary)}: rule "
                                                     "modules are loaded from inside it only")
        if not (source.path.parent / directory).is_dir():
            raise source.error(("rule-dirs", index), f"directory not found: '{directory}' (a path relative to "
                                                     "this file)")


def _merge(chain: list[ConfigSource]) -> tuple[dict[str, Any], dict[tuple[str, ...], ConfigSource]]:
    """The chain's settings merged, base first (see the module docstring), and which file wrote each."""
    merged: dict[str, Any] = {}
    origins: dict[tuple[str, ...], ConfigSource] = {}
    for source in reversed(chain):
        for key, value in source.data.items():
            if key == "extends":
                continue
            if key == "rule-dirs":
                value = [str((source.path.parent / d).resolve()) for d in value]
            if key in MERGED_BY_ENTRY:
                target = merged.setdefault(key, {})
                for entry, setting in (value or {}).items():
                    if key == "rules":
                        setting = {**target.get(entry, {}), **_rule_mapping(setting)}
                    target[entry] = setting
                    origins[(key, str(entry))] = source
            else:
                merged[key] = value
                origins[(key,)] = source
    return merged, origins


def _rule_mapping(value: Any) -> dict[str, Any]:
    """A ``rules`` entry as a mapping: ``warning`` is ``{severity: warning}``."""
    if isinstance(value, str):
        return {"severity": value}
    return dict(value or {})


def _rule_config(value: Mapping[str, Any]) -> RuleConfig:
    severity = value.get("severity")
    options = tuple(sorted((k, v) for k, v in value.items() if k != "severity"))
    if severity == "off":
        return RuleConfig(None, False, options)
    if severity:
        return RuleConfig(Severity.parse(severity), True, options)
    return RuleConfig(None, None, options)
