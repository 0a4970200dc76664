"""Where each report of a run goes: ``--format NAME[=FILE]`` (repeatable) and ``--output FILE``.

``-f text -f sarif=palette-lint.sarif`` prints text and writes SARIF in one run. A format given without a
file goes to ``--output`` when that is given, else to standard output; only one report can go to each place.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

import click
from msgspec import Struct

DEFAULT_FORMAT = "text"


class ReportTarget(Struct, frozen=True):
    """One report: its format and the file it is written to (None: standard output)."""

    format: str
    path: Optional[str] = None


def parse_target(text: str, names: Iterable[str]) -> ReportTarget:
    """``NAME`` or ``NAME=FILE``; raises ValueError for an unknown format or an empty file name."""
    name, equals, path = text.partition("=")
    name = name.strip().lower()
    known = list(names)
    if name not in known:
        raise ValueError(f"unknown format {name!r}: choose from {', '.join(known)}")
    if equals and not path:
        raise ValueError(f"{text!r} names no file: write {name}=FILE, or {name} for standard output")
    return ReportTarget(name, path or None)


def plan_targets(given: Iterable[ReportTarget], output: Optional[str]) -> list[ReportTarget]:
    """The reports to produce, in the order given; raises ValueError when two would go to one place."""
    given = list(given)
    if output and given and all(target.path for target in given):
        raise ValueError(f"--output {output} is for a format given without =FILE, and every --format names "
                         "its own file")
    targets = [target if target.path else ReportTarget(target.format, output) for target in given]
    if not targets:
        targets = [ReportTarget(DEFAULT_FORMAT, output)]
    seen: dict[Optional[str], str] = {}
    for target in targets:
        if target.path in seen:
            place = f"the file {target.path}" if target.path else "standard output"
            raise ValueError(f"both the {seen[target.path]} and the {target.format} report would go to {place}: "
                             "give each format its own file, as in -f sarif=palette-lint.sarif")
        seen[target.path] = target.format
    return targets


class TargetType(click.ParamType):
    """The click type of ``--format``: a format name, optionally ``=FILE``."""

    name = "FORMAT[=FILE]"

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(names)

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> ReportTarget:
        if isinstance(value, ReportTarget):
            return value
        try:
            return parse_target(str(value), self.names)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
