"""What one run is asked to do (:class:`RunRequest`), once the command line and the configuration are merged,
and which rules it uses."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Optional

from msgspec import Struct, field

from linter.config.load import Config
from linter.engine.budget import DEFAULT_FILE_SECONDS
from linter.engine.rule_loader import resolve
from linter.engine.suppress import DIRECTIVE_RULES
from linter.model import INTERNAL_ERROR_ID, Rule, Severity

if TYPE_CHECKING:  # pragma: no cover
    from linter.changes.baseline import Baseline
    from linter.changes.history import BaseRequest


class RunError(Exception):
    """A run that cannot go on: a path that does not exist, a base revision that cannot be used. Each of
    ``messages`` is one line, fit for ``palette-lint: error: ...``; no report is written."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class RunRequest(Struct, frozen=True):
    """A run's paths and options. ``config`` is the run's configuration (``--config``, or the one of the first
    path): its rule-dirs and ``now`` serve the whole run. ``config_for`` gives the configuration that governs
    a file or folder (absolute path) and may raise :class:`~linter.config.files.ConfigError`; without it,
    ``config`` governs every file."""

    paths: tuple[str, ...]
    config: Config = field(default_factory=Config)
    config_for: Optional[Callable[[str], Config]] = None
    select: Optional[tuple[str, ...]] = None  # rule selectors from the command line (over the configuration's)
    ignore: tuple[str, ...] = ()
    #: The lowest severity that fails the run: for every file with ``fail_on_fixed`` (--fail-on), else for the
    #: files whose configuration sets no fail-on.
    fail_on: Optional[Severity] = Severity.ERROR
    fail_on_fixed: bool = False
    now: Optional[_dt.datetime] = None  # a fixed clock (certificate validity); None: the real one
    root: Optional[Path] = None  # the repository root, which finding paths are relative to; None: found from cwd
    skip_unknown: bool = False  # named files are treated like walked ones (pre-commit names every file)
    base: Optional[BaseRequest] = None  # compare with a base revision (change rules, new/unchanged findings)
    new_only: bool = False  # report and fail only on findings that are not in the base revision
    baseline: Optional[Baseline] = None  # accepted findings
    jobs: Optional[int] = None  # worker processes; None: the cores, serial for small inputs
    cache_root: Optional[Path] = None  # keep the result cache below this directory; None: no cache
    file_seconds: float = DEFAULT_FILE_SECONDS  # the time budget of one file (0: none)
    #: Contents to lint instead of what is on disk, by absolute path: an editor's unsaved buffers, the text
    #: ``--fix`` has fixed but not written yet. A path named here is linted even when it is not on disk (a new
    #: buffer never saved).
    overlay: dict[str, bytes] = field(default_factory=dict)
    markdown: bool = False  # a walk reads Markdown files (also when the run's configuration says markdown: true)

    @property
    def opted_in(self) -> frozenset[str]:
        """The opt-in formats a directory walk reads."""
        return frozenset({"markdown"}) if self.markdown or self.config.markdown else frozenset()

    def governing(self, absolute: str) -> Config:
        """The configuration that governs a file or folder."""
        return self.config_for(absolute) if self.config_for is not None else self.config

    def threshold(self, config: Config) -> Optional[Severity]:
        """The lowest severity that fails the run in a file governed by ``config``."""
        if self.fail_on_fixed or not config.fail_on:
            return self.fail_on
        return None if config.fail_on == "never" else Severity.parse(config.fail_on)


def enabled_rules(rules: Iterable[Rule], request: RunRequest, config: Optional[Config] = None) -> list[Rule]:
    """The rules a run uses: ``select`` (command line over configuration, default all) minus ``ignore`` (both)
    minus rules the configuration turns off. PAL999 internal-error is always on; PAL900 and PAL901, the
    findings about suppression comments, are on whatever the selection (a selection cannot hide a comment that
    hides findings) unless ignored or turned off by name. ``config``: the configuration of the files in
    question (default: the run's)."""
    catalogue = list(rules)
    config = config if config is not None else request.config
    select = request.select if request.select is not None else config.select
    chosen: dict[str, Rule] = {rule.id: rule for rule in catalogue if rule.id in DIRECTIVE_RULES}
    for token in select if select is not None else ("ALL",):
        for found in resolve(token, catalogue):
            chosen[found.id] = found
    for token in (*config.ignore, *request.ignore):
        for found in resolve(token, catalogue):
            chosen.pop(found.id, None)
    for candidate in list(chosen.values()):
        if config.rule_config(candidate.id, candidate.name).enabled is False:
            chosen.pop(candidate.id, None)
    for candidate in catalogue:
        if candidate.id == INTERNAL_ERROR_ID:
            chosen[candidate.id] = candidate
    return sorted(chosen.values(), key=lambda r: r.id)
