"""A time budget for the work on one file: past it, the work stops and the file gets a PAL000 finding that names
the limit, so that no input, however hostile, holds a run up. Every scan of file content is meant to be linear
(bounded patterns, no quadratic loops); the budget is the guarantee behind that.

The budget is a real-time interval timer (``SIGALRM``), armed only in the main thread of a process on a platform
that has one; elsewhere the work simply runs to its end. Python's regular expressions and loops both check for
the signal, so even a slow scan inside a rule is stopped.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator

#: Seconds one file may take to read, parse and check, unless --file-time-limit says otherwise.
DEFAULT_FILE_SECONDS = 10.0


class OutOfTime(BaseException):
    """The work on a file went past its budget. A BaseException, so that a rule's own ``except Exception``
    cannot swallow it."""


def _on_alarm(signum: int, frame: object) -> None:
    raise OutOfTime()


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`OutOfTime` in the block once ``seconds`` have passed (0 or less: no limit)."""
    if seconds <= 0 or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
