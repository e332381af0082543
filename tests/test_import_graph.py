"""The package's import graph (every import, at the top or inside a function): no new circles."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[1] / "src"

# Circles that exist today, each through one import inside a function. A new circle fails
# the test; removing one of these only needs its line here removed.
KNOWN_CIRCLES = {
    frozenset({"mllens.store.db", "mllens.store.migrate"}),  # migrate's __main__ opens a store
    frozenset({"mllens.scan.code.analysis", "mllens.scan.code.collect"}),
    frozenset({"mllens.scan.classify", "mllens.scan.walk"}),  # classify checks patterns as walk does
}


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in (SRC / "mllens").rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the mllens modules it imports (`from a.b import c` counts a.b.c when c is a module)."""

    def owner(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                targets.update(owner(alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets.update(owner(f"{node.module}.{alias.name}") for alias in node.names)
        graph[name] = {t for t in targets if t is not None and t != name}
    return graph


def _circles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.add(frozenset(group))
    return found


def test_the_circle_finder_finds_a_circle_through_a_late_import() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == {frozenset({"a", "b", "c"})}
    assert _circles({"a": {"b"}, "b": set()}) == set()


def test_no_new_import_circles() -> None:
    modules = _modules()
    assert {"mllens.scan.result", "mllens.scan.run", "mllens.workflow"} <= set(modules)
    assert _circles(_graph(modules)) - KNOWN_CIRCLES == set()


def test_the_scan_result_holds_types_only() -> None:
    """Reports, the review and the store read ScanResult; it must not reach back into the scanner."""
    graph = _graph(_modules())
    assert graph["mllens.scan.result"] == {"mllens.scan.evidence"}
    assert graph["mllens.scan.evidence"] <= {"mllens.errors", "mllens.validation"}
