"""Applying fixes to a file's text: each fix whole or not at all, in the order of the file, a fix that overlaps
one already taken left for the next pass (ruff applies fixes so, pass after pass, until none is left)."""

from __future__ import annotations

from typing import Iterable, Optional

from linter.model import Fix, Replacement
from linter.yaml.source import SourceFile


def offsets(source: SourceFile, replacement: Replacement) -> Optional[tuple[int, int]]:
    """The text offsets ``[start, end)`` a replacement's span covers; None when the span is not in the text."""
    span = replacement.span
    line_count = len(source.line_starts)
    if not (1 <= span.line <= line_count and 1 <= span.end_line <= line_count):
        return None
    start = source.offset(span.line - 1, span.column - 1)
    end = source.offset(span.end_line - 1, span.end_column - 1)
    for line, column, offset in ((span.line, span.column, start), (span.end_line, span.end_column, end)):
        line_end = source.line_starts[line] - 1 if line < line_count else len(source.text)
        if column < 1 or offset > line_end + (1 if line < line_count else 0):
            return None
    return (start, end) if start <= end else None


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, list[Fix]]:
    """``text`` with ``fixes`` applied, and the fixes that were. A fix that touches text another fix took (or
    inserts where it does) waits for the next pass, when its finding is reported again from the new text."""
    source = SourceFile(text, "", "")
    planned: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    applied: list[Fix] = []
    ordered = []
    for fix in fixes:
        ranges = [offsets(source, r) for r in fix.replacements]
        if not ranges or any(found is None for found in ranges):
            continue
        ordered.append((min(r[0] for r in ranges if r is not None), fix, ranges))
    ordered.sort(key=lambda item: item[0])
    for _first, fix, ranges in ordered:
        spans = [r for r in ranges if r is not None]
        if any(_overlaps(span, other) for span in spans for other in taken):
            continue
        if any(a[0] < b[1] and b[0] < a[1] for index, a in enumerate(spans) for b in spans[index + 1:]):
            continue  # a fix's own edits may touch (a deletion, then an insertion where it ends), not overlap
        taken.extend(spans)
        planned.extend((start, end, replacement.text) for (start, end), replacement in zip(spans, fix.replacements))
        applied.append(fix)
    out = text
    for start, end, new in sorted(planned, key=lambda item: (item[0], item[1]), reverse=True):
        out = out[:start] + new + out[end:]
    return out, applied


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two ranges share a character, or are insertions (or an insertion and a range edge) at one place,
    whose order would be a guess."""
    if a[0] == a[1] or b[0] == b[1]:
        return a[0] <= b[1] and b[0] <= a[1]
    return a[0] < b[1] and b[0] < a[1]
