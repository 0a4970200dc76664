"""A quick yes/no JSON Schema check, so that valid documents never pay for jsonschema.

Most files a run sees are valid. Importing jsonschema and building its error objects costs more than the
rest of the work on such a file, so :class:`SchemaStore` first asks a predicate compiled here whether the
data is valid, and imports jsonschema only to explain a document that is not. The predicate covers the
JSON Schema 2020-12 keywords palette-lint's own schemas use; a schema with any other keyword is not compiled
(``compile_check`` returns None) and jsonschema does all the work. A differential test compares both on
generated documents.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Optional

Check = Callable[[Any], bool]

#: Keywords that never affect validity.
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "default", "examples",
                          "deprecated", "readOnly", "writeOnly", "$defs", "definitions"})


class _Unsupported(Exception):
    """The schema uses a keyword this module does not implement."""


def compile_check(schema: Any) -> Optional[Check]:
    """A predicate equivalent to validating against ``schema``, or None when the schema uses a keyword that
    is not implemented here."""
    try:
        return _Compiler(schema).compile(schema)
    except _Unsupported:
        return None


def _is_integer(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or \
        (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": _is_integer,
    "number": _is_number,
}


def _json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON Schema means it: booleans are not numbers, 1 equals 1.0, containers compare deeply."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b))
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    return type(a) is type(b) and bool(a == b)


class _Compiler:
    def __init__(self, root: Any) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda _v: True
        if schema is False:
            return lambda _v: False
        if not isinstance(schema, dict):
            raise _Unsupported(repr(schema))
        checks: list[Check] = []
        for keyword, argument in schema.items():
            if keyword in _ANNOTATIONS or keyword.startswith("x-") or keyword in ("then", "else"):
                continue
            builder = getattr(self, "_" + keyword.replace("$", "dollar_"), None)
            if builder is None:
                raise _Unsupported(keyword)
            checks.append(builder(argument, schema))
        if not checks:
            return lambda _v: True
        if len(checks) == 1:
            return checks[0]
        every = tuple(checks)

        def check_all(value: Any) -> bool:
            for check in every:
                if not check(value):
                    return False
            return True
        return check_all

    # ---- keywords --------------------------------------------------------------------------------
    def _type(self, argument: Any, _schema: Any) -> Check:
        names = [argument] if isinstance(argument, str) else list(argument)
        try:
            tests = tuple(_TYPES[name] for name in names)
        except KeyError as missing:
            raise _Unsupported(f"type {missing}") from None
        if len(tests) == 1:
            return tests[0]
        return lambda value: any(test(value) for test in tests)

    def _enum(self, argument: Any, _schema: Any) -> Check:
        options = list(argument)
        return lambda value: any(_json_equal(value, option) for option in options)

    def _const(self, argument: Any, _schema: Any) -> Check:
        return lambda value: _json_equal(value, argument)

    def _required(self, argument: Any, _schema: Any) -> Check:
        names = list(argument)
        return lambda value: not isinstance(value, dict) or all(name in value for name in names)

    def _properties(self, argument: Any, _schema: Any) -> Check:
        checks = {name: self.compile(sub) for name, sub in argument.items()}

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for name, sub in checks.items():
                if name in value and not sub(value[name]):
                    return False
            return True
        return check

    def _patternProperties(self, argument: Any, _schema: Any) -> Check:
        checks = [(re.compile(pattern), self.compile(sub)) for pattern, sub in argument.items()]

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for key, item in value.items():
                for pattern, sub in checks:
                    if pattern.search(key) and not sub(item):
                        return False
            return True
        return check

    def _propertyNames(self, argument: Any, _schema: Any) -> Check:
        sub = self.compile(argument)
        return lambda value: not isinstance(value, dict) or all(sub(key) for key in value)

    def _additionalProperties(self, argument: Any, schema: Any) -> Check:
        known = set(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        sub = self.compile(argument)

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for key, item in value.items():
                if key in known or any(p.search(key) for p in patterns):
                    continue
                if not sub(item):
                    return False
            return True
        return check

    def _items(self, argument: Any, schema: Any) -> Check:
        if "prefixItems" in schema or not isinstance(argument, (dict, bool)):
            raise _Unsupported("items with prefixItems")
        sub = self.compile(argument)
        return lambda value: not isinstance(value, list) or all(sub(item) for item in value)

    def _minItems(self, argument: Any, _schema: Any) -> Check:
        return lambda value: not isinstance(value, list) or len(value) >= argument

    def _maxItems(self, argument: Any, _schema: Any) -> Check:
        return lambda value: not isinstance(value, list) or len(value) <= argument

    def _minLength(self, argument: Any, _schema: Any) -> Check:
        return lambda value: not isinstance(value, str) or len(value) >= argument

    def _maxLength(self, argument: Any, _schema: Any) -> Check:
        return lambda value: not isinstance(value, str) or len(value) <= argument

    def _pattern(self, argument: Any, _schema: Any) -> Check:
        compiled = re.compile(argument)
        return lambda value: not isinstance(value, str) or compiled.search(value) is not None

    def _minimum(self, argument: Any, _schema: Any) -> Check:
        return lambda value: not _is_number(value) or value >= argument

    def _maximum(self, argument: Any, _schema: Any) -> Check:
        return lambda value: not _is_number(value) or value <= argument

    def _anyOf(self, argument: Any, _schema: Any) -> Check:
        subs = [self.compile(sub) for sub in argument]
        return lambda value: any(sub(value) for sub in subs)

    def _allOf(self, argument: Any, _schema: Any) -> Check:
        subs = [self.compile(sub) for sub in argument]
        return lambda value: all(sub(value) for sub in subs)

    def _oneOf(self, argument: Any, _schema: Any) -> Check:
        subs = [self.compile(sub) for sub in argument]
        return lambda value: sum(1 for sub in subs if sub(value)) == 1

    def _not(self, argument: Any, _schema: Any) -> Check:
        sub = self.compile(argument)
        return lambda value: not sub(value)

    def _if(self, argument: Any, schema: Any) -> Check:
        condition = self.compile(argument)
        then = self.compile(schema.get("then", True))
        otherwise = self.compile(schema.get("else", True))
        return lambda value: then(value) if condition(value) else otherwise(value)

    def _dollar_ref(self, argument: Any, _schema: Any) -> Check:
        if not isinstance(argument, str) or not argument.startswith("#/"):
            raise _Unsupported(f"$ref {argument!r}")
        if argument not in self.refs:
            target: Any = self.root
            for step in argument[2:].split("/"):
                step = step.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or step not in target:
                    raise _Unsupported(f"$ref {argument!r}")
                target = target[step]
            cell: list[Check] = []
            self.refs[argument] = lambda value: cell[0](value)  # resolved below; allows recursive schemas
            cell.append(self.compile(target))
        return self.refs[argument]
