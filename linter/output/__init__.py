"""Formatters: pure functions from a Run to text. The CLI chooses one per output by name and renders it through
:func:`render`, which scrubs secrets from whatever any formatter writes."""

from __future__ import annotations

from typing import Any, Callable

from linter.model import Run
from linter.output.sarif import format_sarif
from linter.output.text import format_text
from linter.redact import redact

Formatter = Callable[[Run], str]

FORMATTERS: dict[str, Formatter] = {
    "text": format_text,
    "sarif": format_sarif,
}


def render(format_name: str, run: Run, **options: Any) -> str:
    """The report of ``run`` in ``format_name``, with every known secret value of the run (in the escaped forms
    formats write), private key and URL password scrubbed: the one way the CLI produces output."""
    return redact(FORMATTERS[format_name](run, **options), run.secrets)
