"""A run in which every rule fires: each fixture directory linted with its own configuration (as
tests/test_fixtures.py does, from a copy with its <<PEM name>> placeholders expanded), the findings merged
into one Run, as one palette-lint run over them would report them."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from linter.model import Finding, Rule, Run
from tests.fixture_expansion import copy_expanded
from tests.helpers import FIXTURES, run_paths


@functools.lru_cache(maxsize=1)
def every_rule_root() -> Path:
    """Where the expanded copies of the fixture directories are: the run's paths are relative to it."""
    root = Path(tempfile.mkdtemp(prefix="palette-lint-every-rule-"))
    for directory in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        copy_expanded(directory, root / "tests" / "fixtures" / directory.name)
    return root


@functools.lru_cache(maxsize=1)
def every_rule_run() -> Run:
    root = every_rule_root()
    runs = [run_paths([directory], root=root) for directory in sorted((root / "tests" / "fixtures").iterdir())]
    rules: dict[str, Rule] = {}
    for run in runs:
        rules.update({rule.id: rule for rule in run.rules})
    findings = sorted((f for run in runs for f in run.findings), key=Finding.sort_key)
    return Run(findings=tuple(findings), rules=tuple(sorted(rules.values(), key=lambda r: r.id)),
               files_checked=sum(run.files_checked for run in runs),
               notices=tuple(n for run in runs for n in run.notices), tool_version=runs[0].tool_version)
