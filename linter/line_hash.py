"""GitHub code scanning's ``primaryLocationLineHash``, computed the way upload-sarif computes it.

The definition (github/codeql-action, ``src/fingerprints.ts``): the file is read as UTF-16 code units (how
JavaScript sees a string); spaces and tabs are dropped; CR and CRLF count as one LF. Every line is numbered
from its first kept character (so a blank line is its LF). The hash of a line is a polynomial in base 37 over
the 100 kept code units that start at that line, wrapping at 64 bits; the units after the end of the file are
65535 (an end mark) and then zeros. The value is ``<hash as unsigned hexadecimal>:<n>``, where n counts how
often that hash has been seen so far in the file, in line order. A file that ends with a line break has one
more line (the end mark alone).

With the hash stored in the SARIF, GitHub keeps an alert across commits that move it up or down the file.
"""

from __future__ import annotations

from array import array

BLOCK_SIZE = 100
BASE = 37
END_OF_FILE = 0xFFFF
_MASK = (1 << 64) - 1
_SPACE, _TAB, _LF, _CR = 0x20, 0x09, 0x0A, 0x0D


def _kept_units(text: str) -> tuple[list[int], list[int]]:
    """The code units that count (spaces and tabs dropped, CR and CRLF as LF) and, for each line, the index
    of its first kept unit."""
    units = array("H", text.encode("utf-16-le"))
    kept: list[int] = []
    starts: list[int] = []
    line_start = True
    after_cr = False
    for unit in units:
        if unit == _SPACE or unit == _TAB or (after_cr and unit == _LF):
            after_cr = False
            continue
        after_cr = unit == _CR
        if after_cr:
            unit = _LF
        if line_start:
            starts.append(len(kept))
            line_start = False
        if unit == _LF:
            line_start = True
        kept.append(unit)
    if line_start:  # the end mark opens one more line (the whole file when it is empty)
        starts.append(len(kept))
    kept.append(END_OF_FILE)
    kept.extend([0] * BLOCK_SIZE)
    return kept, starts


def line_hashes(text: str) -> list[str]:
    """The hash of every line of ``text``: item 0 is line 1. A text that ends with a line break has one item
    more than it has lines, as GitHub counts them."""
    kept, starts = _kept_units(text)
    drop = pow(BASE, BLOCK_SIZE, 1 << 64)
    window_hashes: list[int] = []  # the hash of the window that starts at each kept unit, as needed
    value = 0
    wanted = iter(starts)
    target = next(wanted, None)
    for position, unit in enumerate(kept):
        if target is None:
            break
        leaving = kept[position - BLOCK_SIZE] if position >= BLOCK_SIZE else 0
        value = (value * BASE + unit - drop * leaving) & _MASK
        while target is not None and position == target + BLOCK_SIZE - 1:
            window_hashes.append(value)
            target = next(wanted, None)
    counts: dict[str, int] = {}
    out: list[str] = []
    for raw in window_hashes:
        digits = format(raw, "x")
        counts[digits] = counts.get(digits, 0) + 1
        out.append(f"{digits}:{counts[digits]}")
    return out


def line_hash(text: str, line: int) -> str:
    """The hash of 1-based ``line``, or an empty string when the text has no such line."""
    hashes = line_hashes(text)
    return hashes[line - 1] if 1 <= line <= len(hashes) else ""
