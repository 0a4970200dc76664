"""The quick yes/no schema check (linter/schema_check.py) must agree with jsonschema on every schema
palette-lint ships: on documents generated from each schema (mostly valid, with random deviations), on the
fixtures and examples, and on hand-made edge cases of the keywords it implements."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema.validators import validator_for

from linter.validation.quick_check import compile_check
from linter.validation.store import SCHEMA_NAMES, load_schema

JUNK = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False, width=16),
                 st.sampled_from(["", "x", "registry.example.com", "true", "1", "{{.spectro.macro.X}}"]),
                 st.lists(st.integers(0, 2), max_size=2), st.dictionaries(st.sampled_from(["a", "b"]), st.none(),
                                                                          max_size=2))


def _resolve(root: dict[str, Any], schema: Any) -> Any:
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#/"):
        target: Any = root
        for step in schema["$ref"][2:].split("/"):
            target = target[step]
        schema = {**{k: v for k, v in schema.items() if k != "$ref"}, **target} if len(schema) > 1 else target
    return schema


@st.composite
def near(draw: st.DrawFn, root: dict[str, Any], schema: Any, depth: int = 0) -> Any:
    """A value shaped by ``schema``: usually what it asks for, sometimes something else."""
    schema = _resolve(root, schema)
    if depth > 6 or not isinstance(schema, dict) or draw(st.integers(0, 9)) == 0:
        return draw(JUNK)
    branches = [schema[k] for k in ("then", "else") if k in schema]
    if branches:
        return draw(near(root, draw(st.sampled_from(branches)), depth + 1))
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            return draw(near(root, draw(st.sampled_from(schema[combinator])), depth + 1))
    if "enum" in schema:
        return draw(st.sampled_from(schema["enum"]))
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    kind = draw(st.sampled_from(kind)) if isinstance(kind, list) else kind
    if kind == "object" or "properties" in schema:
        result: dict[str, Any] = {}
        for name, sub in schema.get("properties", {}).items():
            if name in schema.get("required", []) or draw(st.booleans()):
                result[name] = draw(near(root, sub, depth + 1))
        for pattern, sub in schema.get("patternProperties", {}).items():
            if draw(st.booleans()):
                result[draw(st.from_regex(pattern, fullmatch=False).filter(lambda k: len(k) < 20))] = \
                    draw(near(root, sub, depth + 1))
        if draw(st.integers(0, 4)) == 0:
            result[draw(st.sampled_from(["username", "unknown", "insecure", "x-extra"]))] = draw(JUNK)
        return result
    if kind == "array":
        item = schema.get("items", True)
        return draw(st.lists(near(root, item, depth + 1), max_size=3))
    if kind == "string":
        return draw(st.sampled_from(["", "x", "registry.example.com:5000", "AWS", "-----BEGIN", "NA"]) | st.text(
            max_size=6))
    if kind == "boolean":
        return draw(st.booleans())
    if kind in ("integer", "number"):
        return draw(st.integers(-2, 70000) | st.floats(allow_nan=False, width=16))
    return draw(JUNK)


SCHEMAS = {name: load_schema(name) for name in SCHEMA_NAMES}


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_shipped_schema_compiles(name: str) -> None:
    assert compile_check(SCHEMAS[name]) is not None, f"schemas/{name}.json uses a keyword schema_check lacks"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
@settings(max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_quick_check_agrees_with_jsonschema(name: str, data: st.DataObject) -> None:
    schema = SCHEMAS[name]
    instance = data.draw(near(schema, schema))
    expected = validator_for(schema)(schema).is_valid(instance)
    assert compile_check(schema)(instance) == expected, instance  # type: ignore[misc]


EDGE_CASES: list[tuple[dict[str, Any], Any, bool]] = [
    ({"type": "integer"}, 1.0, True), ({"type": "integer"}, True, False), ({"type": "number"}, False, False),
    ({"enum": [1]}, True, False), ({"enum": [1]}, 1.0, True), ({"enum": [False]}, 0, False),
    ({"const": {"a": [1]}}, {"a": [1.0]}, True), ({"required": ["a"]}, "not an object", True),
    ({"additionalProperties": False, "patternProperties": {"^x-": {}}}, {"x-a": 1}, True),
    ({"additionalProperties": False, "properties": {"a": {}}}, {"b": 1}, False),
    ({"if": {"required": ["a"]}, "then": {"required": ["b"]}}, {"a": 1}, False),
    ({"if": {"required": ["a"]}, "else": {"required": ["b"]}}, {}, False),
    ({"not": {"type": "string"}}, "s", False), ({"minLength": 1}, "", False), ({"minItems": 1}, [], False),
    ({"$defs": {"s": {"type": "string"}}, "items": {"$ref": "#/$defs/s"}}, ["a", 1], False),
    ({"oneOf": [{"type": "integer"}, {"type": "number"}]}, 1, False),
    ({"propertyNames": {"not": {"pattern": "^!"}}}, {"a": 1, "!b": 2}, False),
    ({"propertyNames": {"not": {"pattern": "^!"}}}, {"a": 1}, True), ({"propertyNames": False}, {}, True),
]


@pytest.mark.parametrize("schema, instance, valid", EDGE_CASES)
def test_keyword_edge_cases(schema: dict[str, Any], instance: Any, valid: bool) -> None:
    assert validator_for(schema)(schema).is_valid(instance) is valid  # the case says what jsonschema does
    assert compile_check(schema)(instance) is valid  # type: ignore[misc]


def test_unknown_keywords_leave_the_work_to_jsonschema() -> None:
    assert compile_check({"type": "object", "dependentRequired": {"a": ["b"]}}) is None
    assert compile_check({"$ref": "https://example.com/other.json"}) is None
