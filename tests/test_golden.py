"""Golden outputs of every format for the bundled examples, and docs/rules.md. Regenerate on purpose
with ``pytest --regenerate`` and review the diff; a normal run never rewrites them."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.engine.rule_loader import load_rules
from linter.output import FORMATTERS, render
from linter.output.rule_table import rules_reference
from linter.resources import rules_dir, verify_rules_dir
from tests.helpers import REPO, run_paths

GOLDEN = REPO / "tests" / "golden"


def _all_rules() -> list:
    """What `palette-lint rules` lists: check's rules and verify's."""
    return [*load_rules([rules_dir()]), *load_rules([verify_rules_dir()], scopes=("verify",))]
#: The golden file of each format; a format registered without one fails test_examples_golden.
GOLDEN_NAMES = {"text": "examples.txt", "sarif": "examples.sarif", "json": "examples.json",
                "github": "examples.github.txt", "junit": "examples.junit.xml", "gitlab": "examples.gitlab.json"}


def _compare(name: str, actual: str, regenerate: bool) -> None:
    path = GOLDEN / name
    if regenerate:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run pytest --regenerate and review it"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs: run pytest --regenerate and review the diff"


def _examples_run():
    import os

    cwd = os.getcwd()
    os.chdir(REPO)  # display paths as a user in the repository root sees them
    try:
        return run_paths([Path("examples")], root=REPO)
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("name", sorted(FORMATTERS))
def test_examples_golden(name: str, regenerate: bool) -> None:
    assert name in GOLDEN_NAMES, f"format {name!r} has no golden file: add it to GOLDEN_NAMES"
    _compare(GOLDEN_NAMES[name], render(name, _examples_run()), regenerate)


def test_examples_show_findings_in_two_of_three_clusters() -> None:
    run = _examples_run()
    sites = {f.location.path.split("/")[1] for f in run.findings}
    assert "clean-site" not in sites
    assert {"trouble-site", "override-site"} <= sites


def test_docs_rules_is_current(regenerate: bool) -> None:
    path = REPO / "docs" / "rules.md"
    expected = rules_reference(_all_rules())
    if regenerate:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(expected, encoding="utf-8")
    assert path.is_file(), "docs/rules.md is missing: run pytest --regenerate"
    assert path.read_text(encoding="utf-8") == expected, "docs/rules.md is stale: run pytest --regenerate"


def test_docs_rules_holds_every_rule_in_full() -> None:
    text = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in _all_rules():
        assert f"\n## {rule.id} {rule.name}\n" in text
        assert f"](#{rule.id.lower()}-{rule.name})" in text
        for heading in ("What it does", "Why is this bad?", "Example", "Use instead", "Source"):
            section = rule.doc.section(heading)
            assert section and section in text, f"{rule.id}: section {heading!r} is not in docs/rules.md"
