"""Where a unit's secret values are written in its files: what the result cache keeps instead of the values.

A cached result must not hold a password, yet a run that reads a unit from the cache must know that unit's
secrets, to redact them wherever another unit's findings quote them, as a run without the cache would. So an
entry records each secret's *place*: which of the unit's texts (its files now, then their base versions), and
the characters it spans there, with how the value is written (as it is, JSON-escaped, in YAML single quotes, or
base64 of the text).
The unit's key covers those texts, so a cached entry's places are read back from the same texts. A secret that
cannot be placed this way makes the unit one that is not cached.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Iterable, Optional, Sequence

from linter.redact import scrubbed_values

#: One secret's place: (how it is written: "" as it is, "json" escaped, "quoted" in YAML single quotes, "base64"
#: encoded; the index of the text; start; end).
Place = tuple[str, int, int, int]


def place_secrets(values: Iterable[str], texts: Sequence[str]) -> Optional[tuple[Place, ...]]:
    """The place of every value redaction scrubs for ``values``, or None when one of them cannot be placed."""
    places: list[Place] = []
    unplaced: list[str] = []
    for value in sorted(scrubbed_values(values)):
        found = _find(value, texts)
        if found is None:
            unplaced.append(value)
        else:
            places.append(found)
    for value in unplaced:  # a decoded encodedPassword: the base64 text of another placed value
        encoded = next((("base64", index, start, end) for _how, index, start, end in places
                        if _decode(texts[index][start:end]) == value), None)
        if encoded is None:
            return None
        places.append(encoded)
    return tuple(sorted(set(places)))


def recover_secrets(places: Iterable[Place], texts: Sequence[str]) -> Optional[set[str]]:
    """The values at ``places`` in ``texts``; None when a place does not fit the texts (a damaged entry)."""
    found: set[str] = set()
    for how, index, start, end in places:
        if not 0 <= index < len(texts) or not 0 <= start < end <= len(texts[index]):
            return None
        written = texts[index][start:end]
        if how == "json":
            try:
                value = json.loads(f'"{written}"')
            except ValueError:
                return None
        elif how == "base64":
            value = _decode(written)
        elif how == "quoted":
            value = written.replace("''", "'")
        else:
            value = written
        if not isinstance(value, str) or not value:
            return None
        found.add(value)
    return found


def _find(value: str, texts: Sequence[str]) -> Optional[Place]:
    forms = [("", value)]
    forms += [("json", form) for form in dict.fromkeys((json.dumps(value, ensure_ascii=False)[1:-1],
                                                       json.dumps(value)[1:-1])) if form != value]
    if "'" in value:
        forms.append(("quoted", value.replace("'", "''")))
    for how, form in forms:
        for index, text in enumerate(texts):
            start = text.find(form)
            if start >= 0:
                return (how, index, start, start + len(form))
    return None


def _decode(text: str) -> Optional[str]:
    try:
        decoded = base64.b64decode(text, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return decoded.strip() or None
