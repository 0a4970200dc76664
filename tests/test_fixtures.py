"""Every rule's fixtures: each fixture directory is linted as a whole (so cluster rules see its clusters) and
the reported (not suppressed) findings must equal the inline ``# expect:`` annotations exactly; a file without
any must stay clean.

Each directory is copied to a temporary ``tests/fixtures/<name>/`` first, with its ``<<PEM name>>``
placeholders expanded into certificates generated for this run (tests/fixture_expansion.py). A fixture
directory with ``before/`` and ``after/`` (change rules) becomes a real git repository: ``before/`` committed on
the base branch, ``after/`` staged in the work tree of a branch; it is linted with that base, and the
expectations are written in the ``after/`` files.

The expectations say where each finding is; the directory's golden file ``tests/golden/fixtures/<name>.txt``
says what it tells the user: its severity, YAML path, fingerprint, message, help and related places, as a
reviewer reads them in any output format. Regenerate on purpose with ``pytest --regenerate`` and review the
diff."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Optional

import pytest

from linter.changes.history import BaseRequest
from linter.engine.rule_loader import load_rules
from linter.inputs import accepts_name
from linter.resources import rules_dir
from tests.fixture_expansion import copy_expanded
from tests.git_repo import BASE_BRANCH, is_change_fixture, repository_from_fixture
from tests.helpers import FIXTURES, REPO, expectations, run_paths

FIXTURE_DIRS = sorted(p for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []
CATALOGUE = load_rules([rules_dir()])
FINDINGS_GOLDEN = REPO / "tests" / "golden" / "fixtures"


def _fixture_files(directory: Path) -> list[Path]:
    """The files whose expectations count: for a change fixture, the ``after/`` side."""
    top = directory / "after" if is_change_fixture(directory) else directory
    return sorted(p for p in top.rglob("*") if p.is_file() and accepts_name(p.name))


@pytest.mark.parametrize("directory", FIXTURE_DIRS, ids=[p.name for p in FIXTURE_DIRS])
def test_fixture_directory(directory: Path, tmp_path: Path, git_env: dict[str, str], regenerate: bool) -> None:
    copy = copy_expanded(directory, tmp_path / "tests" / "fixtures" / directory.name)
    if is_change_fixture(copy):
        repo = repository_from_fixture(copy, tmp_path / "repo")
        run = run_paths([repo.path], root=repo.path, base=BaseRequest(BASE_BRANCH))
        assert run.comparison is not None and not any("skipped" in n.message for n in run.notices), run.notices
        relative_to = copy / "after"
    else:
        run = run_paths([copy], root=tmp_path)
        relative_to = tmp_path
    actual: Counter[tuple[str, int, str, int]] = Counter()
    for finding in run.active_findings:  # what is reported; suppressed findings are not expected inline
        location = finding.location
        actual[(location.path, location.span.line, finding.rule_id, location.span.column)] += 1
    expected: Counter[tuple[str, int, str, Optional[int]]] = Counter()
    for path in _fixture_files(copy):
        relative = path.relative_to(relative_to).as_posix()
        for (line, rule_id, column), count in expectations(path).items():
            expected[(relative, line, rule_id, column)] += count
    missing, unexpected = compare_expectations(expected, actual)
    details = {f"{p}:{line}:{column} {rid}": f.message for f in run.active_findings
               for (p, line, rid, column) in [(f.location.path, f.location.span.line, f.rule_id,
                                               f.location.span.column)]
               if (p, line, rid, column) in unexpected}
    assert not missing and not unexpected, f"missing={sorted(missing, key=str)} unexpected={details}"
    assert not [n for n in run.notices if n.level == "error"], run.notices
    golden = FINDINGS_GOLDEN / f"{directory.name}.txt"
    told = findings_text(run.active_findings).replace(str(tmp_path), "<tmp>")  # messages may name a file
    if is_change_fixture(copy):  # and the base's commit, made afresh by each run
        told = re.sub(r"\b[0-9a-f]{10}\b", "<commit>", told)
    if regenerate:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(told, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run pytest --regenerate and review it"
    assert told == golden.read_text(encoding="utf-8"), \
        f"the findings of {directory.name} say other than {golden.name}: run pytest --regenerate, review the diff"


def findings_text(findings) -> str:
    """Each finding as the user reads it, one block each: place, rule, severity, YAML path and fingerprint, then
    the message, the help and the related places."""
    blocks = []
    for f in sorted(findings, key=lambda f: f.sort_key()):
        where = f.location
        lines = [f"{where.path}:{where.span.line}:{where.span.column} {f.rule_id} {f.rule_name}"
                 f" {f.severity.name.lower()} at={where.yaml_path or '-'} fingerprint={f.fingerprint}",
                 f"  {f.message}"]
        lines += [f"  help: {f.help}"] if f.help else []
        lines += [f"  related {r.location.path}:{r.location.span.line}:{r.location.span.column}"
                  f" at={r.location.yaml_path or '-'}: {r.message}" for r in f.related]
        blocks.append("\n".join(lines))
    return "".join(block + "\n" for block in blocks)


def compare_expectations(expected: Counter[tuple[str, int, str, Optional[int]]],
                         actual: Counter[tuple[str, int, str, int]]) -> tuple[Counter, Counter]:
    """What was expected and not reported, and what was reported and not expected. An expectation with a
    column matches a finding at that column only; one without matches a finding at any column of its line."""
    exact = Counter({key: count for key, count in expected.items() if key[3] is not None})
    missing = exact - actual
    unexpected = actual - exact
    for key, count in expected.items():
        if key[3] is not None:
            continue
        for _ in range(count):
            spare = next((found for found in sorted(unexpected) if found[:3] == key[:3] and unexpected[found] > 0),
                         None)
            if spare is None:
                missing[key] += 1
            else:
                unexpected[spare] -= 1
    return missing, +unexpected


@pytest.mark.parametrize("rule", CATALOGUE, ids=[r.id for r in CATALOGUE])
def test_every_rule_has_firing_and_clean_fixtures(rule) -> None:
    directory = FIXTURES / rule.name
    assert directory.is_dir(), f"tests/fixtures/{rule.name}/ is missing"
    files = _fixture_files(directory)
    fires = [p for p in files if any(rid == rule.id for (_line, rid, _column) in expectations(p))]
    # Clean for this rule: the file expects no finding of it (findings must equal expectations exactly, so the
    # rule is proven silent there). Rules that apply everywhere, such as PAL301 on user-data passwords, may
    # still expect findings in it.
    clean = [p for p in files if not any(rid == rule.id for (_line, rid, _column) in expectations(p))]
    assert fires, f"no fixture in {directory.name} expects {rule.id}"
    assert clean, f"no clean fixture (a file that does not expect {rule.id}) in {directory.name}"


def test_every_expectation_states_its_column() -> None:
    """Fixtures say where each finding starts (``PAL106@13``), so a finding on the right line but at the wrong
    place fails. The exception: a line with a certificate generated into a JSON string (``"<<PEM name>>"``),
    where columns after it depend on the certificate's length."""
    unstated = []
    for directory in FIXTURE_DIRS:
        for path in _fixture_files(directory):
            try:
                lines = path.read_text(encoding="utf-8").split("\n")
            except UnicodeDecodeError:
                lines = []
            for (line, rule_id, column), _count in expectations(path).items():
                inline_certificate = 0 < line <= len(lines) and "<<PEM " in lines[line - 1] \
                    and not lines[line - 1].strip().startswith("<<PEM ")
                if column is None and not inline_certificate:
                    unstated.append(f"{path.relative_to(FIXTURES)}:{line} {rule_id}")
    assert not unstated, unstated


def test_a_stated_column_must_match_and_an_unstated_one_matches_any() -> None:
    actual = Counter({("f.yaml", 3, "PAL106", 13): 1, ("f.yaml", 5, "PAL301", 9): 1})
    expected = Counter({("f.yaml", 3, "PAL106", 12): 1, ("f.yaml", 5, "PAL301", None): 1})
    missing, unexpected = compare_expectations(expected, actual)
    assert missing == Counter({("f.yaml", 3, "PAL106", 12): 1})
    assert unexpected == Counter({("f.yaml", 3, "PAL106", 13): 1})
