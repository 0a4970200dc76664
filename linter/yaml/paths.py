"""YAML paths: the steps from a document's root to a node (mapping keys and sequence indexes), reading data
along one, walking every node, and writing a path as text and reading it back."""

from __future__ import annotations

from typing import Any, Iterator

from linter.model import YamlPath

Value = Any


def get_path(data: Value, path: YamlPath, default: Value = None) -> Value:
    current = data
    for step in path:
        if isinstance(current, dict):
            if step not in current:
                return default
            current = current[step]
        elif isinstance(current, list) and isinstance(step, int):
            if not -len(current) <= step < len(current):
                return default
            current = current[step]
        else:
            return default
    return current


def walk(data: Value) -> Iterator[tuple[YamlPath, Value]]:
    seen: set[int] = set()
    stack: list[tuple[YamlPath, Value]] = [((), data)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, (dict, list)):
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, dict):
                children = [(path + (k,), v) for k, v in value.items()]
            else:
                children = [(path + (i,), v) for i, v in enumerate(value)]
            stack.extend(reversed(children))


def leaf_name(path: YamlPath) -> str:
    """The name a message gives the node at ``path``: its key, with the indexes after it
    (``("stylus", "registries", 0, "password")`` -> ``password``, ``(..., "certificates", 1)`` ->
    ``certificates[1]``); the line and column already say where it is."""
    start = len(path)
    while start > 0 and isinstance(path[start - 1], int):
        start -= 1
    return format_path(path[max(start - 1, 0):]) or "the document"


def format_path(path: YamlPath) -> str:
    """A YAML path as text: ``providerCredentials.user``, ``options["system.uri"]``, ``packs[0].values``."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif step and all(c.isalnum() or c in "_-" for c in step):
            out += ("." if out else "") + step
        else:
            escaped = step.replace("\\", "\\\\").replace('"', '\\"')
            out += f'["{escaped}"]'
    return out


def parse_yaml_path(text: str) -> tuple[Any, ...]:
    """The steps of a YAML path written by ``format_path``: ``a.b``, ``[0]``, ``["system.uri"]``."""
    steps: list[Any] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == ".":
            index += 1
        elif text.startswith('["', index):
            index += 2
            key = ""
            while index < len(text) and text[index] != '"':
                if text[index] == "\\" and index + 1 < len(text):
                    index += 1
                key += text[index]
                index += 1
            steps.append(key)
            index += 2  # the closing quote and bracket
        elif char == "[":
            end = text.find("]", index)
            if end == -1:
                break
            number = text[index + 1:end]
            steps.append(int(number) if number.isdigit() else number)
            index = end + 1
        else:
            end = index
            while end < len(text) and text[end] not in ".[":
                end += 1
            steps.append(text[index:end])
            index = end
    return tuple(steps)
