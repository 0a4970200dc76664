"""Shared test helpers: run the engine the way the CLI does, read inline expectations."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Iterable, Mapping, Optional

from linter.changes.baseline import Baseline
from linter.changes.history import BaseRequest
from linter.config.load import find_config, load_config
from linter.engine.line_hash import hashes_of_lines
from linter.engine.pipeline import Engine
from linter.engine.request import RunRequest
from linter.engine.rule_loader import load_rules
from linter.model import Run
from linter.resources import rules_dir
from linter.validation.store import SchemaStore
from linter.yaml.composer import YamlParser

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
#: The clock every fixture and golden run uses, so nothing rots with time.
FIXED_NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)

_EXPECT = re.compile(r"#\s*expect:\s*((?:PAL\d{3}(?:@\d+)?[ ,]*)+)")
#: One expected finding: a rule id, optionally with the column where it starts (``PAL106@13``).
_EXPECTED = re.compile(r"(PAL\d{3})(?:@(\d+))?")


def run_paths(paths: Iterable[Path], *, config_path: Optional[Path] = None, root: Optional[Path] = None,
              select: Optional[tuple[str, ...]] = None, base: Optional[BaseRequest] = None,
              new_only: bool = False, baseline: Optional[Baseline] = None) -> Run:
    """Lint ``paths`` with the configuration found above the first path, like ``palette-lint check
    --allow-rule-dirs`` (the fixtures' rule directories are ours)."""
    paths = list(paths)
    parser = YamlParser()
    found = config_path or find_config(paths[0])
    config = load_config(found, parser, SchemaStore(), allow_rule_dirs=True)
    engine = Engine(load_rules((rules_dir(), *config.rule_dirs)))
    request = RunRequest(paths=tuple(str(p) for p in paths), config=config, select=select, now=FIXED_NOW,
                        root=root or REPO, base=base, new_only=new_only, baseline=baseline)
    return engine.run(request)


#: An expected finding: its line, rule id, and the column where it starts (None when the fixture does not say).
Expectation = tuple[int, str, Optional[int]]


def expectations(path: Path) -> Counter[Expectation]:
    """``# expect: PAL106[, PAL301]`` on a line expects those findings on that line; alone on its line, on the
    next line. ``PAL106@13`` also expects the finding to start at column 13. A sidecar ``<file>.expect``
    (``LINE PALnnn[@COL]`` per line) serves files that cannot hold comments."""
    expected: Counter[Expectation] = Counter()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (UnicodeDecodeError, OSError):
        lines = []
    for number, line in enumerate(lines, start=1):
        for match in _EXPECT.finditer(line):
            own_line = line.strip().startswith("#") and line.strip()[1:].strip().startswith("expect:")
            target = number + 1 if own_line else number
            for rule_id, column in _EXPECTED.findall(match.group(1)):
                expected[(target, rule_id, int(column) if column else None)] += 1
    sidecar = path.with_name(path.name + ".expect")
    if sidecar.is_file():
        for raw in sidecar.read_text(encoding="utf-8").splitlines():
            raw = raw.split("#", 1)[0].strip()
            if raw:
                line_text, token = raw.split()
                rule_id, _at, column = token.partition("@")
                expected[(int(line_text), rule_id, int(column) if column else None)] += 1
    return expected


def palette_lint(*args: str, cwd: Path, env: Optional[Mapping[str, str]] = None,
                 timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m linter ARGS`` in ``cwd`` as a user runs it (a separate process, ``env`` added to this one's);
    never a traceback, whatever the outcome."""
    result = subprocess.run([sys.executable, "-m", "linter", *args], cwd=cwd, capture_output=True, text=True,
                            timeout=timeout, env={**os.environ, **(env or {})})
    assert "Traceback" not in result.stderr, result.stderr
    return result


def palette_lint_in_process(*args: str, cwd: Path,
                            env: Optional[Mapping[str, str]] = None) -> subprocess.CompletedProcess[str]:
    """``palette-lint ARGS`` in ``cwd``, run in this process by click's test runner (``env`` added to the
    environment while it runs): what :func:`palette_lint` gives, for the tests whose code mutation testing must
    see (a subprocess runs the installed code, not the mutant). An exception is raised, never caught."""
    from click.testing import CliRunner

    from linter.cli import cli

    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2 mixes by default
    except TypeError:
        runner = CliRunner()  # click >= 8.2 keeps standard error apart
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(cli, list(args), env=dict(env or {}), prog_name="palette-lint",
                               catch_exceptions=False)
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(["palette-lint", *args], result.exit_code, result.stdout, result.stderr)


def line_hashes(text: str) -> list[str]:
    """The hash of every line of ``text`` (item 0 is line 1), as GitHub counts lines: CR and CRLF are one LF,
    and a text that ends with a line break has one line more."""
    count = len(re.split(r"\r\n|\r|\n", text))
    found = hashes_of_lines(text, range(1, count + 1))
    return [found[number] for number in range(1, count + 1)]


def line_hash(text: str, line: int) -> str:
    """The hash of 1-based ``line``, or an empty string when the text has no such line."""
    return hashes_of_lines(text, [line]).get(line, "")
