"""A rule's docstring is its documentation: the headings are there, and its examples are true.

Every ``yaml`` (or ``json``) block under "Example" must make the rule fire, every block under "Use instead"
must leave it silent. A block may hold several files: a line ``# file: NAME`` starts each one (a cluster's
profile and user-data, say); otherwise the file name comes from the content. ``<<PEM name>>`` placeholders are
expanded into certificates generated for this run, as in the fixtures (tests/fixture_expansion.py). A change
rule's block gives ``# file: before/NAME`` and ``# file: after/NAME`` files: they become a git repository (as a
change fixture does) linted against the base branch.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from linter.changes.history import BaseRequest
from linter.engine.rule_loader import load_rules
from linter.resources import rules_dir
from tests.fixture_expansion import expand_directory
from tests.git_repo import BASE_BRANCH, is_change_fixture, repository_from_fixture
from tests.helpers import run_paths

CATALOGUE = load_rules([rules_dir()])
HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead", "Source")
_BLOCK = re.compile(r"```(yaml|json)\n(.*?)```", re.S)
_FILE = re.compile(r"^# file: (\S+)\s*$", re.M)


def _blocks(markdown: str) -> list[str]:
    return [m.group(2) for m in _BLOCK.finditer(markdown)]


def _write(block: str, directory: Path) -> None:
    directory.mkdir(parents=True)
    parts = _FILE.split(block)
    if len(parts) > 1:
        for name, content in zip(parts[1::2], parts[2::2]):
            target = directory / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content.lstrip("\n"), encoding="utf-8")
        return
    if block.startswith("#cloud-config"):
        name = "user-data"
    elif block.lstrip().startswith("{"):
        name = "profile.json"
    else:
        name = "values.yaml"
    (directory / name).write_text(block, encoding="utf-8")


def _findings(block: str, directory: Path) -> list[tuple[str, str]]:
    """(rule id, message) of every finding of a documentation block, linted as a user who copied it would."""
    _write(block, directory)
    expand_directory(directory)
    if is_change_fixture(directory):
        repo = repository_from_fixture(directory, directory.with_name(directory.name + "-repo"))
        run = run_paths([repo.path], root=repo.path, base=BaseRequest(BASE_BRANCH))
    else:
        run = run_paths([directory], root=directory)
    return [(f.rule_id, f.severity.label, f.message) for f in run.active_findings]


@pytest.mark.parametrize("rule", CATALOGUE, ids=[r.id for r in CATALOGUE])
def test_docstring_has_the_headings(rule) -> None:
    headings = [line[3:].strip() for line in rule.doc.markdown.splitlines() if line.startswith("## ")]
    assert [h for h in HEADINGS if h in headings] == list(HEADINGS), f"{rule.id} headings: {headings}"
    assert rule.doc.summary and not rule.doc.summary.startswith("#")


@pytest.mark.parametrize("rule", [r for r in CATALOGUE if r.id != "PAL999"],
                         ids=[r.id for r in CATALOGUE if r.id != "PAL999"])
def test_examples_fire_and_alternatives_stay_clean(rule, tmp_path: Path, git_env: dict[str, str]) -> None:
    examples = _blocks(rule.doc.section("Example"))
    alternatives = _blocks(rule.doc.section("Use instead"))
    assert examples, f"{rule.id} has no yaml example"
    assert alternatives, f"{rule.id} has no yaml alternative"
    for number, block in enumerate(examples):
        fired = [rule_id for rule_id, _severity, _message in _findings(block, tmp_path / f"example{number}")]
        assert rule.id in fired, f"{rule.id} example {number} does not fire"
    for number, block in enumerate(alternatives):
        # Copied as it is, the block is fixed: no finding of this rule and no error of any rule (a warning may
        # stay, such as PAL301's on any password in user-data, which has no macros).
        found = [item for item in _findings(block, tmp_path / f"instead{number}")
                 if item[0] == rule.id or item[1] == "error"]
        assert not found, f"{rule.id} 'Use instead' block {number}, copied as it is, is not clean: {found}"
