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
from typing import Iterable

BLOCK_SIZE = 100
BASE = 37
END_OF_FILE = 0xFFFF
_MASK = (1 << 64) - 1
_SPACE, _TAB, _LF, _CR = 0x20, 0x09, 0x0A, 0x0D


_DROPPED = {_SPACE: None, _TAB: None}


def _kept(text: str) -> tuple[array, list[int]]:
    """The code units that count (spaces and tabs dropped, CR and CRLF as LF, then the end mark and the zero
    padding) and, for each line, the index of its first kept unit."""
    cleaned = text.replace("\r\n", "\n").replace("\r", "\n").translate(_DROPPED)
    units = array("H")
    units.frombytes(cleaned.encode("utf-16-le"))
    starts = [0]
    data = units.tobytes()
    position = data.find(b"\n\x00")
    while position != -1:
        if position % 2 == 0:  # a whole LF unit, not the halves of two other units
            starts.append(position // 2 + 1)
        position = data.find(b"\n\x00", position + 1)
    units.append(END_OF_FILE)
    units.extend([0] * BLOCK_SIZE)
    return units, starts


_POWERS = [pow(BASE, BLOCK_SIZE - 1 - i, 1 << 64) for i in range(BLOCK_SIZE)]


def _window_hash(units: array, start: int) -> int:
    return sum(unit * power for unit, power in zip(units[start:start + BLOCK_SIZE], _POWERS)) & _MASK


def hashes_of_lines(text: str, lines: Iterable[int]) -> dict[int, str]:
    """The hashes of the given 1-based ``lines`` (those the text has). The occurrence counter ``:n`` counts the
    earlier lines whose 100-unit window is the same; it differs from counting equal hashes only if two
    different windows collided in 64 bits. Lines after the last one asked for are never hashed."""
    wanted = sorted({line for line in lines if line >= 1})
    if not wanted:
        return {}
    units, starts = _kept(text)
    data = units.tobytes()
    seen: dict[bytes, int] = {}
    out: dict[int, str] = {}
    wanted_set = set(wanted)
    for number, start in enumerate(starts[:wanted[-1]], start=1):
        window = data[2 * start:2 * (start + BLOCK_SIZE)]
        seen[window] = count = seen.get(window, 0) + 1
        if number in wanted_set:
            out[number] = f"{_window_hash(units, start):x}:{count}"
    return out
