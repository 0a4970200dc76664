"""The package's layout stays a flow: no module imports another that (directly or not) imports it back at
module level, so each stage can be read, tested and loaded on its own."""

from __future__ import annotations

import ast

from tests.helpers import REPO

PACKAGE = REPO / "linter"


def _module_imports() -> dict[str, set[str]]:
    """Each module of ``linter`` -> the ``linter`` modules it imports at module level (not under
    ``TYPE_CHECKING``, not inside functions)."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("linter"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    graph[name].add(full if full in modules else node.module)
    return graph


def test_no_import_cycles() -> None:
    graph = _module_imports()
    cycles = []
    state: dict[str, int] = {}  # 1 on the stack, 2 done

    def visit(module: str, stack: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target, [*stack, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, cycles
