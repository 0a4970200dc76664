"""Expand ``<<PEM name>>`` placeholders in fixtures and rule-doc examples into certificates generated for this run.

Two forms, chosen by where the placeholder stands:

- alone on its line (a block scalar's content, say): replaced by the PEM lines, each indented like the
  placeholder. The expectation written on the placeholder's line (``<<PEM expired>>  # expect: PAL202``) is
  taken off the line (it would be part of the certificate text) and kept for the block's first line, the
  ``-----BEGIN`` line; every other inline expectation moves with its line, and a sidecar ``.expect`` file is
  renumbered;
- inside a double-quoted string (a JSON export's ``values``, a YAML flow list): replaced by the PEM lines
  joined with ``\\n`` escapes and indented like the placeholder is after the preceding ``\\n``; no line moves.

Several names joined with ``+`` (``<<PEM leaf+ca>>``) make a bundle.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.certs import catalogue
from tests.helpers import FIXED_NOW

PLACEHOLDER = re.compile(r"<<PEM ([a-z0-9+-]+)>>")
_EXPECT_TAIL = re.compile(r"\s*#\s*expect:\s*([A-Z0-9@ ,]+)\s*$")


def _pem(names: str) -> list[str]:
    pems = catalogue(FIXED_NOW)
    lines: list[str] = []
    for name in names.split("+"):
        if name not in pems:
            raise KeyError(f"unknown test certificate {name!r}; known: {', '.join(sorted(pems))}")
        lines.extend(pems[name].splitlines())
    return lines


def _inside_double_quotes(line: str, position: int) -> bool:
    quotes = 0
    index = 0
    while index < position:
        if line[index] == "\\":
            index += 2
            continue
        if line[index] == '"':
            quotes += 1
        index += 1
    return quotes % 2 == 1


def expand_text(text: str) -> tuple[str, list[int], list[tuple[int, str]]]:
    """The expanded text, the new number of each original line (index 0 unused) and the expectations taken off
    placeholder lines as (new line, rule ids)."""
    out: list[str] = []
    line_map = [0]
    moved: list[tuple[int, str]] = []
    for line in text.split("\n"):
        line_map.append(len(out) + 1)
        match = PLACEHOLDER.search(line)
        if match is None:
            out.append(line)
            continue
        if _inside_double_quotes(line, match.start()):
            def inline(found: re.Match[str]) -> str:
                before = line[:found.start()]
                indent = len(before) - len(before.rstrip(" "))
                return ("\\n" + " " * indent).join(_pem(found.group(1)))

            out.append(PLACEHOLDER.sub(inline, line))
            continue
        expect = _EXPECT_TAIL.search(line[match.end():])
        rest = line[match.end():][:expect.start()] if expect else line[match.end():]
        indent = line[:match.start()]
        if indent.strip() or rest.strip():
            raise ValueError(f"a block placeholder must stand alone on its line: {line!r}")
        if expect:
            moved.append((len(out) + 1, expect.group(1).strip()))
        out.extend(indent + pem_line for pem_line in _pem(match.group(1)))
    return "\n".join(out), line_map, moved


def expand_file(path: Path) -> None:
    """Expand the placeholders of ``path`` in place, keeping its expectations right."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return
    if "<<PEM " not in text:
        return
    expanded, line_map, moved = expand_text(text)
    path.write_text(expanded, encoding="utf-8")
    sidecar = path.with_name(path.name + ".expect")
    entries: list[str] = []
    if sidecar.is_file():
        for raw in sidecar.read_text(encoding="utf-8").splitlines():
            raw = raw.split("#", 1)[0].strip()
            if raw:
                line_text, rule_id = raw.split()
                entries.append(f"{line_map[int(line_text)]} {rule_id}")
    for line, ids in moved:
        entries.extend(f"{line} {rule_id}" for rule_id in re.split(r"[ ,]+", ids) if rule_id)
    if entries:
        sidecar.write_text("\n".join(entries) + "\n", encoding="utf-8")


def expand_directory(directory: Path) -> None:
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not path.name.endswith(".expect"):
            expand_file(path)


def copy_expanded(source: Path, target: Path) -> Path:
    """A copy of the fixture directory ``source`` at ``target`` with every placeholder expanded."""
    shutil.copytree(source, target, symlinks=True)
    expand_directory(target)
    return target
