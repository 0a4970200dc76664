"""Every rule's fixtures: each fixture directory is linted as a whole (so cluster rules see its clusters) and
the reported (not suppressed) findings must equal the inline ``# expect:`` annotations exactly; a file without
any must stay clean.

Each directory is copied to a temporary ``tests/fixtures/<name>/`` first, with its ``<<PEM name>>``
placeholders expanded into certificates generated for this run (tests/fixture_expansion.py). A fixture
directory with ``before/`` and ``after/`` (change rules) becomes a real git repository: ``before/`` committed on
the base branch, ``after/`` staged in the work tree of a branch; it is linted with that base, and the
expectations are written in the ``after/`` files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from linter.changes.history import BaseRequest
from linter.engine.rule_loader import load_rules
from linter.inputs import accepts_name
from linter.resources import rules_dir
from tests.fixture_expansion import copy_expanded
from tests.git_repo import (  # noqa: F401
    BASE_BRANCH,
    git_env,
    is_change_fixture,
    repository_from_fixture,
)
from tests.helpers import FIXTURES, expectations, run_paths

FIXTURE_DIRS = sorted(p for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []
CATALOGUE = load_rules([rules_dir()])


def _fixture_files(directory: Path) -> list[Path]:
    """The files whose expectations count: for a change fixture, the ``after/`` side."""
    top = directory / "after" if is_change_fixture(directory) else directory
    return sorted(p for p in top.rglob("*") if p.is_file() and accepts_name(p.name))


@pytest.mark.parametrize("directory", FIXTURE_DIRS, ids=[p.name for p in FIXTURE_DIRS])
def test_fixture_directory(directory: Path, tmp_path: Path, git_env: dict[str, str]) -> None:
    copy = copy_expanded(directory, tmp_path / "tests" / "fixtures" / directory.name)
    if is_change_fixture(copy):
        repo = repository_from_fixture(copy, tmp_path / "repo")
        run = run_paths([repo.path], root=repo.path, base=BaseRequest(BASE_BRANCH))
        assert run.comparison is not None and not any("skipped" in n.message for n in run.notices), run.notices
        relative_to = copy / "after"
    else:
        run = run_paths([copy], root=tmp_path)
        relative_to = tmp_path
    actual: Counter[tuple[str, int, str]] = Counter()
    for finding in run.active_findings:  # what is reported; suppressed findings are not expected inline
        actual[(finding.location.path, finding.location.span.line, finding.rule_id)] += 1
    expected: Counter[tuple[str, int, str]] = Counter()
    for path in _fixture_files(copy):
        relative = path.relative_to(relative_to).as_posix()
        for (line, rule_id), count in expectations(path).items():
            expected[(relative, line, rule_id)] += count
    missing = expected - actual
    unexpected = actual - expected
    details = {f"{p}:{line} {rid}": f.message for f in run.active_findings
               for (p, line, rid) in [(f.location.path, f.location.span.line, f.rule_id)]
               if (p, line, rid) in unexpected}
    assert not missing and not unexpected, f"missing={sorted(missing)} unexpected={details}"
    assert not [n for n in run.notices if n.level == "error"], run.notices


@pytest.mark.parametrize("rule", CATALOGUE, ids=[r.id for r in CATALOGUE])
def test_every_rule_has_firing_and_clean_fixtures(rule) -> None:
    directory = FIXTURES / rule.name
    assert directory.is_dir(), f"tests/fixtures/{rule.name}/ is missing"
    files = _fixture_files(directory)
    fires = [p for p in files if any(rid == rule.id for (_line, rid) in expectations(p))]
    # Clean for this rule: the file expects no finding of it (findings must equal expectations exactly, so the
    # rule is proven silent there). Rules that apply everywhere, such as PAL301 on user-data passwords, may
    # still expect findings in it.
    clean = [p for p in files if not any(rid == rule.id for (_line, rid) in expectations(p))]
    assert fires, f"no fixture in {directory.name} expects {rule.id}"
    assert clean, f"no clean fixture (a file that does not expect {rule.id}) in {directory.name}"
