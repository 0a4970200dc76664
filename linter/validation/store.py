"""The JSON Schemas palette-lint validates with, each compiled once per run and only when first used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from msgspec import Struct

from linter.model import YamlPath
from linter.resources import schemas_dir
from linter.validation.quick_check import Check, compile_check

SCHEMA_NAMES = ("os-layer", "user-data", "profile", "config")


class SchemaError(Struct, frozen=True):
    """One validation error: where (a YAML path), what kind (the JSON Schema keyword) and a message that
    never quotes the offending value."""

    path: YamlPath
    keyword: str
    message: str
    schema: Any
    instance: Any


def schema_path(name: str) -> Path:
    if name not in SCHEMA_NAMES:
        raise KeyError(f"unknown schema {name!r}; one of: {', '.join(SCHEMA_NAMES)}")
    return schemas_dir() / f"{name}.json"


def load_schema(name: str) -> dict[str, Any]:
    with open(schema_path(name), encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
        return loaded


class SchemaStore:
    """Compiles each schema the first time a rule asks for it; one store lives for one run.

    Validation first asks a quick yes/no check (``linter/schema_check.py``); jsonschema is imported and run
    only to explain a document that fails it, so a run over valid files never loads jsonschema."""

    def __init__(self) -> None:
        self._schemas: dict[str, dict[str, Any]] = {}
        self._validators: dict[str, Any] = {}
        self._quick: dict[str, Optional[Check]] = {}

    def schema(self, name: str) -> dict[str, Any]:
        found = self._schemas.get(name)
        if found is None:
            found = self._schemas[name] = load_schema(name)
        return found

    def validator(self, name: str) -> Any:
        found = self._validators.get(name)
        if found is None:
            from jsonschema.validators import validator_for

            schema = self.schema(name)
            cls = validator_for(schema)
            found = cls(schema)
            self._validators[name] = found
        return found

    def is_valid(self, name: str, data: Any) -> bool:
        if name not in self._quick:
            self._quick[name] = compile_check(self.schema(name))
        quick = self._quick[name]
        if quick is not None:
            return quick(data)
        return bool(self.validator(name).is_valid(data))

    def validate(self, name: str, data: Any) -> list[SchemaError]:
        if self.is_valid(name, data):
            return []
        errors: list[SchemaError] = []
        for error in self.validator(name).iter_errors(data):
            errors.extend(_flatten(error))
        errors.sort(key=lambda e: (len(e.path), [str(p) for p in e.path], e.keyword))
        return errors


def _flatten(error: Any) -> list[SchemaError]:
    """Descend into anyOf/oneOf errors where one branch clearly applies, so messages stay precise."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        if len(deepest.absolute_path) > len(error.absolute_path):
            return _flatten(deepest)
    return [SchemaError(tuple(error.absolute_path), str(error.validator), _message(error), error.schema,
                        error.instance)]


_TYPE_NAMES = {"string": "a string", "boolean": "a boolean (true or false)", "integer": "an integer",
               "number": "a number", "object": "a mapping", "array": "a list", "null": "null"}


def _type_of(value: Any) -> str:
    if value is None:
        return "null (empty)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _message(error: Any) -> str:
    keyword = error.validator
    if keyword == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        return f"expected {wanted}, found {_type_of(error.instance)}"
    if keyword == "required":
        missing = [name for name in error.validator_value
                   if isinstance(error.instance, dict) and name not in error.instance]
        return "missing required key" + ("s " if len(missing) > 1 else " ") + ", ".join(f"'{m}'" for m in missing)
    if keyword == "enum":
        return "expected one of " + ", ".join(json.dumps(v) for v in error.validator_value)
    if keyword == "const":
        return f"expected {json.dumps(error.validator_value)}"
    if keyword == "additionalProperties":
        return "unknown key"
    if keyword == "minLength":
        return "must not be empty"
    if keyword == "pattern":
        return "does not have the expected form"
    if keyword in ("anyOf", "oneOf"):
        return "does not match any allowed form"
    if keyword == "not" and isinstance(error.schema, dict) and error.schema.get("description"):
        return str(error.schema["description"])
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"out of range ({keyword} {error.validator_value})"
    if keyword == "minItems":
        return f"needs at least {error.validator_value} item(s)"
    return f"fails the schema's '{keyword}' check"
