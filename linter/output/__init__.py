"""Formatters: pure functions from a Run to text. The CLI chooses one per output by name."""

from __future__ import annotations

from typing import Callable

from linter.model import Run
from linter.output.sarif import format_sarif
from linter.output.text import format_text

Formatter = Callable[[Run], str]

FORMATTERS: dict[str, Formatter] = {
    "text": format_text,
    "sarif": format_sarif,
}
