"""Linting units in worker processes. Workers are forked, so they inherit the loaded rules, schemas and the run's
job without pickling them; each lints a batch of consecutive units and sends back their results. A worker that
dies ends the run with :class:`WorkerDied`, never a hang."""

from __future__ import annotations

import gc
import os
import sys
from typing import Callable, Optional, Protocol

from linter.engine.units import FileInput, LintedUnit

#: Fewer files than this are linted in this process: starting workers would cost more than it saves.
SERIAL_BELOW = 200
#: A full garbage collection runs after this many files (the collector is paused while linting).
COLLECT_EVERY = 250

Unit = list[FileInput]
Outcome = LintedUnit


class Linter(Protocol):
    """What lints one unit: :class:`~linter.engine.units.UnitLinter`, or one that picks it by configuration."""

    def lint(self, unit: list[FileInput]) -> LintedUnit: ...

#: Told (files done, files in all) as units finish: for a progress indicator.
Progress = Callable[[int, int], None]


class WorkerDied(Exception):
    """A worker process ended before returning its results (killed, or out of memory)."""


def worker_count(requested: Optional[int], files: int) -> int:
    """How many processes lint: as requested, else one per usable core, and one for a small input."""
    if requested is not None:
        return max(1, requested)
    if files < SERIAL_BELOW:
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def lint_units(linter: Linter, units: list[Unit], jobs: int, progress: Optional[Progress] = None) -> list[Outcome]:
    """Every unit's result and secrets, in the order of ``units``: in ``jobs`` forked workers, or here."""
    tally = _Tally(progress, sum(len(unit) for unit in units))
    if jobs <= 1 or len(units) <= 1 or not sys.platform.startswith("linux"):
        return lint_here(linter, units, tally)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    batches = batched(units, jobs * 4)
    context = multiprocessing.get_context("fork")  # workers inherit the loaded rules and schemas
    done: list[Outcome] = []
    try:
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_adopt, initargs=(linter, batches)) as pool:
            for index, batch in enumerate(pool.map(_lint_batch, range(len(batches)))):
                done.extend(batch)
                tally.add(sum(len(unit) for unit in batches[index]))
    except BrokenProcessPool:
        raise WorkerDied("a worker process ended unexpectedly (killed, or out of memory?); "
                         "run again with --jobs 1 to lint in one process") from None
    return done


class _Tally:
    """Counts the files done and tells ``progress``."""

    def __init__(self, progress: Optional[Progress], total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def add(self, files: int) -> None:
        self.done += files
        if self.progress is not None:
            self.progress(self.done, self.total)


def batched(units: list[Unit], count: int) -> list[list[Unit]]:
    """``units`` cut into about ``count`` runs of consecutive units with about the same number of files."""
    total = sum(len(unit) for unit in units)
    size = max(1, -(-total // max(1, count)))
    batches: list[list[Unit]] = [[]]
    filled = 0
    for unit in units:
        if filled >= size:
            batches.append([])
            filled = 0
        batches[-1].append(unit)
        filled += len(unit)
    return batches


#: In a worker process: the linter and batches it was forked with (set by ``_adopt``).
_WORKER: Optional[tuple[Linter, list[list[Unit]]]] = None


def _adopt(linter: Linter, batches: list[list[Unit]]) -> None:
    global _WORKER
    _WORKER = (linter, batches)


def _lint_batch(index: int) -> list[Outcome]:
    assert _WORKER is not None, "a worker runs only in a pool started by lint_units"
    linter, batches = _WORKER
    return lint_here(linter, batches[index], _Tally(None, 0))


def lint_here(linter: Linter, units: list[Unit], tally: _Tally) -> list[Outcome]:
    """The units linted in this process. The garbage collector is paused during a run (the parsed documents
    are many small objects it would scan again and again); what they leave in reference cycles is freed
    every COLLECT_EVERY files."""
    outcomes = []
    since_collection = 0
    for unit in units:
        outcomes.append(linter.lint(unit))
        tally.add(len(unit))
        since_collection += len(unit)
        if since_collection >= COLLECT_EVERY:
            gc.collect()
            since_collection = 0
    return outcomes
