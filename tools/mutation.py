"""Mutation testing of chosen modules, with mutmut: each mutant runs only the tests of its module that call it.

    .venv/bin/python tools/mutation.py [--jobs N] [--report] [--survivors] TARGET...

A TARGET is a module or a folder of them (``rules/token_auth_registry.py``, ``rules/``, ``linter/certs/``),
among ``[tool.mutmut] only_mutate`` in pyproject.toml. The script mutates, runs, then prints a table per module
and ``mutation score: K/N``: K mutants killed, N mutants in all less the equivalent ones. A mutant is
equivalent when no test can tell it from the original; each is listed, with the reason, in
``tools/mutation-equivalents.txt`` (one line each, reviewed like code). ``--report`` prints the table from the
last runs' results without running; ``--survivors`` also prints each living mutant's diff and the line to add
to the equivalents file when it is one; ``--alive`` runs again only the mutants the last run left alive, which is
how to check new tests (a module named otherwise, or whose source changed since, runs all its mutants again).
Install with ``.venv/bin/pip install -e '.[mutation]'``.

What it adds to ``mutmut run`` (docs/testing.md says why):

- a module's mutants run only the tests ``[tool.mutation-tests]`` names for it, among those mutmut saw call the
  mutated function: a rule's mutants run its fixture directory, its documentation's examples and its named
  cases, not the 1,000 other tests that also lint with every rule;
- rule modules are loaded by path under a name of their own (linter/engine/rule_loader.py); here they are loaded
  under their dotted path (``rules.token_auth_registry``), which is how mutmut names their mutants;
- mutmut leaves decorated functions alone (a decorator may have side effects); a rule's ``check`` is decorated
  with ``@rule(...)``, which only marks it, so it is mutated too: the mark goes on the trampoline mutmut puts in
  its place, not on the copies.

The first run collects which test calls which function (the listed test files, once: a few minutes); later
runs reuse it and collect only for new tests. Results stay in ``mutants/`` (git-ignored) between runs.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import importlib.util
import os
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, NamedTuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tools" / "mutation-equivalents.txt"
MUTANTS = ROOT / "mutants"
#: An equivalents line: ``path::function [digest] why``.
_EQUIVALENT_LINE = re.compile(r"^(?P<path>\S+)::(?P<function>\S+) \[(?P<digest>[0-9a-f]{10})\] (?P<why>.+)$")
_RULE_DECORATOR = re.compile(r"@rule\(\s*id=\"(?P<id>PAL\d{3})\",\s*name=\"(?P<name>[a-z0-9-]+)\"")
KILLED = {"killed", "timeout", "segfault", "caught by type check"}


class Mutant(NamedTuple):
    module: str  # repo-relative path of the source file
    key: str  # mutmut's name, rules.token_auth_registry.x__check_block__mutmut_17
    status: str
    function: str
    digest: str  # of the lines the mutation changes, stable while they stay as they are
    diff: str


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="+", help="modules or folders (rules/, linter/redact.py, ...)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--report", action="store_true", help="print the last results, run nothing")
    parser.add_argument("--survivors", action="store_true", help="print the diff of every living mutant")
    parser.add_argument("--alive", action="store_true",
                        help="run again only the mutants the last run left alive (after adding tests)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)  # mutmut reads pyproject.toml and writes mutants/ in the working directory
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    modules = _modules(args.targets, settings["mutmut"]["only_mutate"])
    if not modules:
        print("no module to mutate among the targets; they must match [tool.mutmut] only_mutate", file=sys.stderr)
        return 2
    owners = _owners(settings["mutation-tests"], modules)
    if not args.report:
        _run(modules, owners, args.jobs, alive_only=args.alive)
    return _report(modules, show_survivors=args.survivors)


def _modules(targets: Iterable[str], only_mutate: list[str]) -> list[str]:
    found: list[str] = []
    for target in targets:
        path = (ROOT / target).resolve()
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            relative = file.relative_to(ROOT).as_posix()
            if any(fnmatch.fnmatch(relative, pattern) for pattern in only_mutate) and relative not in found:
                found.append(relative)
    return found


def _dotted(module: str) -> str:
    return module[:-len(".py")].replace("/", ".")


def _owners(table: dict[str, list[str]], modules: Iterable[str]) -> dict[str, list[str]]:
    """Each module's test patterns, with a rule's {name}, {id} and {id_lower} filled in."""
    owners: dict[str, list[str]] = {}
    for module in modules:
        patterns = [p for pattern, tests in table.items() if fnmatch.fnmatch(module, pattern) for p in tests]
        if not patterns:
            raise SystemExit(f"{module}: [tool.mutation-tests] names no tests for it")
        declared = _RULE_DECORATOR.search((ROOT / module).read_text(encoding="utf-8"))
        fields = {"name": declared["name"], "id": declared["id"], "id_lower": declared["id"].lower()} \
            if declared else {}
        owners[_dotted(module)] = [p.format(**fields) if fields else p for p in patterns]
    return owners


def _run(modules: list[str], owners: dict[str, list[str]], jobs: int, alive_only: bool = False) -> None:
    import mutmut.__main__ as mutmut_main
    from mutmut.state import state
    from mutmut.utils.format_utils import get_module_from_key

    _teach_mutmut_rule_checks()
    _load_mutated_rules_by_dotted_name()

    collect = mutmut_main.collect_or_load_stats

    def collect_then_narrow(*args: Any, **kwargs: Any) -> None:
        collect(*args, **kwargs)  # saves the stats whole: the narrowing below is for this run only
        tests = state().tests_by_mangled_function_name
        for function in list(tests):
            patterns = owners.get(get_module_from_key(function))
            if patterns is not None:
                tests[function] = {t for t in tests[function] if any(fnmatch.fnmatch(t, p) for p in patterns)}

    mutmut_main.collect_or_load_stats = collect_then_narrow
    names: list[str] = []
    for module in modules:
        if alive_only and (MUTANTS / (module + ".meta")).exists() and not _source_changed(module):
            names.extend(_alive(module))  # killed mutants stay killed while tests are only added
        elif _has_mutants(module):
            names.append(f"{_dotted(module)}.*")
    if names:
        try:
            mutmut_main._run(names, jobs)
        except SystemExit as stop:  # mutmut exits on a failed clean run; its output says why
            if stop.code not in (0, None):
                raise


def _source_changed(module: str) -> bool:
    """Whether ``module`` changed since mutmut last made its mutants: mutmut makes them again, under names the
    last run's results do not hold, so all of them run."""
    copy = MUTANTS / module
    return not copy.exists() or (ROOT / module).stat().st_mtime > copy.stat().st_mtime


def _alive(module: str) -> list[str]:
    """The names of the mutants of ``module`` that the last run did not kill (or did not run)."""
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.stats import status_by_exit_code

    data = SourceFileMutationData(path=Path(module))
    data.load()
    return sorted(key for key, code in data.exit_code_by_key.items()
                  if code is None or status_by_exit_code[code] not in KILLED)


def _has_mutants(module: str) -> bool:
    """Whether mutmut made mutants of ``module`` (a module without a function to mutate has none)."""
    from mutmut.mutation.data import SourceFileMutationData

    if not (MUTANTS / (module + ".meta")).exists():
        return True  # not generated yet: mutmut generates first, then filters
    data = SourceFileMutationData(path=Path(module))
    data.load()
    return bool(data.exit_code_by_key)


def _teach_mutmut_rule_checks() -> None:
    """Let mutmut mutate functions whose only decorators are ``@rule(...)``: the decorator marks the function and
    does nothing else, so the trampoline carries the mark and the original's and mutants' copies go bare (one
    rule per module, as the loader wants)."""
    import libcst as cst
    from libcst.metadata import PositionProvider
    from mutmut.mutation import file_mutation

    def rule_decorated(node: Any) -> bool:
        return isinstance(node, cst.FunctionDef) and bool(node.decorators) and all(
            isinstance(d.decorator, cst.Call) and isinstance(d.decorator.func, cst.Name)
            and d.decorator.func.value == "rule" for d in node.decorators)

    visitor = file_mutation.MutationVisitor
    skip = visitor._skip_node_and_children

    def skip_unless_rule(self: Any, node: Any) -> bool:
        if rule_decorated(node):
            position = self.get_metadata(PositionProvider, node, None)
            return bool(position and position.start.line in self._ignored_node_lines) and skip(self, node)
        return bool(skip(self, node))

    visitor._skip_node_and_children = skip_unless_rule
    arrange = file_mutation.function_trampoline_arrangement

    def arrange_bare_copies(function: Any, mutants: Any, class_name: Any) -> Any:
        declarations, nodes, assignments, names = arrange(function, mutants, class_name)
        if rule_decorated(function):
            nodes = [nodes[0], *(node.with_changes(decorators=[]) for node in nodes[1:])]
        return declarations, nodes, assignments, names

    file_mutation.function_trampoline_arrangement = arrange_bare_copies


def _load_mutated_rules_by_dotted_name() -> None:
    """The rule loader names a module ``palette_lint_rules_<stem>_<crc>``; mutmut's trampolines compare a
    function's module with the mutant's, ``rules.<stem>``. Mutated rules get their dotted name instead."""
    original = importlib.util.spec_from_file_location
    mutated_rules = MUTANTS / "rules"

    def spec_from_file_location(name: str, location: Any = None, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("palette_lint_rules_") and location is not None:
            path = Path(location).resolve()
            if mutated_rules in path.parents:
                name = ".".join(("rules", *path.relative_to(mutated_rules).with_suffix("").parts))
        return original(name, location, *args, **kwargs)

    importlib.util.spec_from_file_location = spec_from_file_location  # type: ignore[assignment]


def _mutants(module: str) -> list[Mutant]:
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.format_utils import orig_function_and_class_names_from_key

    data = SourceFileMutationData(path=Path(module))
    data.load()
    found = []
    for key, exit_code in sorted(data.exit_code_by_key.items()):
        status = status_by_exit_code[exit_code]
        function, class_name = orig_function_and_class_names_from_key(key)
        qualified = f"{class_name}.{function}" if class_name else function
        diff = digest = ""
        if status not in KILLED:
            diff = get_diff_for_mutant(key, path=MUTANTS / module)
            changed = [line[1:].strip() for line in diff.splitlines()
                       if line[:1] in "+-" and not line.startswith(("+++", "---"))]
            digest = hashlib.sha256("\n".join(changed).encode()).hexdigest()[:10]
        found.append(Mutant(module, key, status, qualified, digest, diff))
    return found


def _equivalents() -> dict[tuple[str, str, str], str]:
    listed: dict[tuple[str, str, str], str] = {}
    for number, line in enumerate(EQUIVALENTS.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _EQUIVALENT_LINE.match(line)
        if match is None:
            raise SystemExit(f"{EQUIVALENTS.name}:{number}: expected 'path::function [digest] why'")
        listed[(match["path"], match["function"], match["digest"])] = match["why"]
    return listed


def _report(modules: list[str], show_survivors: bool) -> int:
    os.chdir(ROOT)
    equivalents = _equivalents()
    used: set[tuple[str, str, str]] = set()
    rows = []
    totals: Counter[str] = Counter()
    survivors: list[Mutant] = []
    for module in modules:
        if not (MUTANTS / (module + ".meta")).exists():
            rows.append((module, 0, 0, 0, 0, "not run"))
            continue
        counts: Counter[str] = Counter()
        for mutant in _mutants(module):
            counts["all"] += 1
            if mutant.status in KILLED:
                counts["killed"] += 1
            elif mutant.status == "skipped":
                counts["skipped"] += 1
            elif (mutant.module, mutant.function, mutant.digest) in equivalents:
                used.add((mutant.module, mutant.function, mutant.digest))
                counts["equivalent"] += 1
            else:
                counts[mutant.status] += 1
                survivors.append(mutant)
        if counts["all"] and counts["not checked"] == counts["all"]:  # generated, never run
            rows.append((module, 0, 0, 0, 0, "not run"))
            continue
        counted = counts["all"] - counts["equivalent"] - counts["skipped"]
        alive = ", ".join(f"{counts[s]} {s}" for s in ("survived", "no tests", "suspicious", "not checked")
                          if counts[s])
        rows.append((module, counts["killed"], counted, counts["equivalent"], counts["all"], alive))
        totals.update(counts)
    width = max(len(r[0]) for r in rows)
    print(f"\n{'module':<{width}}  killed/counted  score  equivalent  all  alive")
    for module, killed, counted, equivalent, every, alive in rows:
        score = f"{100 * killed / counted:5.1f}%" if counted else "    -"
        print(f"{module:<{width}}  {killed:>6}/{counted:<7} {score}  {equivalent:>10}  {every:>4}  {alive}")
    if show_survivors:
        for mutant in survivors:
            print(f"\n# {mutant.key}: {mutant.status}\n{mutant.diff}")
            print(f"equivalent? {mutant.module}::{mutant.function} [{mutant.digest}] WHY")
    stale = [key for key in equivalents if key[0] in modules and key not in used]
    for path, function, digest in stale:
        print(f"note: {EQUIVALENTS.name} lists {path}::{function} [{digest}], no longer a living mutant")
    counted = totals["all"] - totals["equivalent"] - totals["skipped"]
    print(f"\nmutation score: {totals['killed']}/{counted}"
          + (f" ({100 * totals['killed'] / counted:.1f}%)" if counted else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
