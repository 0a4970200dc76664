"""Every rule's fixtures: each fixture directory is linted as a whole (so cluster rules see its clusters) and
the reported (not suppressed) findings must equal the inline ``# expect:`` annotations exactly; a file without
any must stay clean."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from linter.discover import is_candidate_name
from linter.registry import load_rules
from linter.resources import rules_dir
from tests.helpers import FIXTURES, REPO, expectations, run_paths

FIXTURE_DIRS = sorted(p for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []
CATALOGUE = load_rules([rules_dir()])


def _fixture_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and is_candidate_name(p.name))


@pytest.mark.parametrize("directory", FIXTURE_DIRS, ids=[p.name for p in FIXTURE_DIRS])
def test_fixture_directory(directory: Path) -> None:
    run = run_paths([directory])
    actual: Counter[tuple[str, int, str]] = Counter()
    for finding in run.active_findings:  # what is reported; suppressed findings are not expected inline
        actual[(finding.location.path, finding.location.span.line, finding.rule_id)] += 1
    expected: Counter[tuple[str, int, str]] = Counter()
    for path in _fixture_files(directory):
        relative = path.relative_to(REPO).as_posix()
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
    clean = [p for p in files if not expectations(p)]
    assert fires, f"no fixture in {directory.name} expects {rule.id}"
    assert clean, f"no clean fixture (a file without expectations) in {directory.name}"
