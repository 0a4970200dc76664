"""What type YAML gives a plain (unquoted, untagged) scalar: the implicit typing rules of YAML 1.2 and 1.1.

palette-lint reads the parser's events itself (see ``linter/yaml/composer.py``) and types plain scalars here, with
the same rules ruamel.yaml's safe loader applies (its YAML 1.2 rules accept a few 1.1 forms, such as ``_``
digit separators and ``0o``-less octal, and both versions know timestamps and the ``<<`` merge key). A test
compares this module with ruamel.yaml's resolver on generated scalars, so the two cannot drift apart.

The answer is a short type name: ``str``, ``bool``, ``int``, ``float``, ``null``, ``timestamp``, ``merge`` or
``value`` (the ``=`` default-value key of YAML 1.1, which palette-lint treats as text).
"""

from __future__ import annotations

import re
from typing import Any, Optional

Version = tuple[int, int]

_DIGITS = "0123456789"
_SIGNED_DIGITS = "-+" + _DIGITS

# Building blocks, written once and combined per version.
_DEC_FRACTION = r"[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?"  # 1.5, 1., 1_0.2e3
_DEC_EXPONENT = r"[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"  # 1e5
_INFINITY = r"[-+]?\.(?:inf|Inf|INF)"
_NOT_A_NUMBER = r"\.(?:nan|NaN|NAN)"
_BINARY = r"[-+]?0b[01_]+"
_HEXADECIMAL = r"[-+]?0x[0-9a-fA-F_]+"
_TIMESTAMP = (r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
              r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
              r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?")


def _rule(type_name: str, alternatives: list[str], first: str) -> tuple[str, str, frozenset[str]]:
    """One implicit type: its name, the full-match pattern and the characters its scalars can start with
    ('' stands for the empty scalar). The pattern is kept as text, which ``re`` compiles (and caches) the
    first time a scalar needs it: compiling all ten at import took about 2 ms, and a run without YAML 1.1
    documents never needs 1.1's."""
    pattern = "(?:" + "|".join(alternatives) + r")\Z"
    starts = frozenset(first) | (frozenset({""}) if "" in alternatives else frozenset())
    return type_name, pattern, starts


_COMMON_TAIL = [
    _rule("merge", ["<<"], "<"),
    _rule("null", ["~", "null", "Null", "NULL", ""], "~nN"),
    _rule("timestamp", [_TIMESTAMP], _DIGITS),
    _rule("value", ["="], "="),
]

_YAML_12 = [
    _rule("bool", ["true", "True", "TRUE", "false", "False", "FALSE"], "tTfF"),
    _rule("float", [_DEC_FRACTION, _DEC_EXPONENT, r"[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?", _INFINITY, _NOT_A_NUMBER],
          _SIGNED_DIGITS + "."),
    _rule("int", [_BINARY, r"[-+]?0o?[0-7_]+", r"[-+]?[0-9_]+", _HEXADECIMAL], _SIGNED_DIGITS),
    *_COMMON_TAIL,
]

_YAML_11 = [
    _rule("bool", ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
                   "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"], "yYnNtTfFoO"),
    _rule("float", [_DEC_FRACTION, _DEC_EXPONENT, r"\.[0-9_]+(?:[eE][-+][0-9]+)?",
                    r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*", _INFINITY, _NOT_A_NUMBER],
          _SIGNED_DIGITS + "."),
    _rule("int", [_BINARY, r"[-+]?0?[0-7_]+", r"[-+]?(?:0|[1-9][0-9_]*)", _HEXADECIMAL,
                  r"[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"], _SIGNED_DIGITS),
    *_COMMON_TAIL,
]

#: Plain scalars that start with none of these characters are strings whatever the version.
_TYPED_STARTS = frozenset("".join(sorted({c for rules in (_YAML_11, _YAML_12) for _t, _p, s in rules for c in s})))

_CACHE: dict[tuple[bool, str], str] = {}
_CACHE_LIMIT = 50_000


def plain_scalar_type(text: str, version: Optional[Version] = None) -> str:
    """The type of a plain scalar under YAML 1.2 (the default) or 1.1 (``%YAML 1.1`` documents)."""
    if text and text[0] not in _TYPED_STARTS:
        return "str"
    yaml_11 = version == (1, 1)
    key = (yaml_11, text)
    found = _CACHE.get(key)
    if found is not None:
        return found
    first = text[:1]
    found = "str"
    for type_name, pattern, starts in (_YAML_11 if yaml_11 else _YAML_12):
        if first in starts and re.match(pattern, text):
            found = type_name
            break
    if len(_CACHE) < _CACHE_LIMIT:
        _CACHE[key] = found
    return found


#: The type name of each standard tag written explicitly (``!!str``, ``!!int``...).
TAG_TYPES = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "timestamp",
    "tag:yaml.org,2002:map": "map",
    "tag:yaml.org,2002:seq": "seq",
    "tag:yaml.org,2002:merge": "merge",
    "tag:yaml.org,2002:binary": "binary",
    "tag:yaml.org,2002:omap": "seq",
    "tag:yaml.org,2002:set": "map",
}
_TRUE = {"true", "yes", "on", "y"}
_FALSE = {"false", "no", "off", "n"}


def typed_value(text: str, tag: str, style: Optional[str], yaml_11: bool = False) -> Any:
    """The Python value of a scalar whose type name is ``tag``: quoted and block scalars are text, and so are
    timestamps and sexagesimal numbers."""
    if style:  # quoted and block scalars are always strings
        return text
    if tag == "null":
        return None
    if tag == "bool":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return text
    if tag == "int":
        cleaned = text.replace("_", "")
        try:
            if cleaned.lower().startswith(("0x", "-0x", "+0x")):
                return int(cleaned, 16)
            if cleaned.lower().startswith(("0o", "-0o", "+0o")):
                return int(cleaned, 8)
            if cleaned.lower().startswith(("0b", "-0b", "+0b")):
                return int(cleaned, 2)
            if yaml_11 and len(cleaned) > 1 and cleaned.startswith("0") and cleaned.isdigit():
                return int(cleaned, 8)  # YAML 1.1 octal; YAML 1.2 reads 0700 as decimal 700
            if ":" in cleaned:
                return text  # sexagesimal: keep the text
            return int(cleaned)
        except ValueError:
            return text
    if tag == "float":
        try:
            lowered = text.lower().replace("_", "")
            if lowered in (".inf", "+.inf"):
                return float("inf")
            if lowered == "-.inf":
                return float("-inf")
            if lowered == ".nan":
                return float("nan")
            return float(lowered)
        except ValueError:
            return text
    return text  # strings, timestamps (kept as text) and unknown tags
