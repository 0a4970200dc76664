"""Applying fixes to a text: each fix whole or not at all, in the file's order; a fix that overlaps one already
taken (or inserts where it edits) waits for the next pass; a fix's own edits may touch."""

from __future__ import annotations

from linter.fix.apply import apply_fixes
from linter.model import Fix, Replacement, Span


def _fix(*edits: tuple[int, int, int, int, str]) -> Fix:
    return Fix("t", tuple(Replacement(Span(line, column, end_line, end_column), text)
                          for line, column, end_line, end_column, text in edits))


def test_fixes_apply_in_order_and_overlaps_wait() -> None:
    text = "a: 1\nb: 2\nc: 3\n"
    first = _fix((1, 4, 1, 5, "'1'"))
    overlapping = _fix((1, 1, 1, 6, "x: 0"))
    third = _fix((3, 4, 3, 5, ""), (3, 5, 3, 5, "'3'"))  # a deletion, then an insertion where it ends
    fixed, applied = apply_fixes(text, [overlapping, third, first])
    assert applied == [overlapping, third]  # the earlier one in the file wins; the other waits
    assert fixed == "x: 0b: 2\nc: '3'\n"
    fixed, applied = apply_fixes(text, [first, third])
    assert fixed == "a: '1'\nb: 2\nc: '3'\n" and applied == [first, third]


def test_two_insertions_at_one_place_are_not_both_applied() -> None:
    one, two = _fix((1, 4, 1, 4, "'")), _fix((1, 4, 1, 4, '"'))
    fixed, applied = apply_fixes("a: 1\n", [one, two])
    assert applied == [one] and fixed == "a: '1\n"


def test_a_fix_outside_the_text_is_skipped() -> None:
    fixed, applied = apply_fixes("a: 1\n", [_fix((9, 1, 9, 2, "x")), _fix((1, 9, 1, 9, "x"))])
    assert (fixed, applied) == ("a: 1\n", [])
