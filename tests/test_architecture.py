"""The package's import graph has no cycles, counting module-level, lazy and TYPE_CHECKING imports.

A cycle that only works because one side imports late (inside a function, or for the type checker
only) still ties the two modules together; each part of the package is checked on its own, so a
cycle is reported against the parts it runs through.
"""

from __future__ import annotations

import ast
import functools
from collections import deque
from pathlib import Path

import pytest

import asyncmaturity

PACKAGE = Path(asyncmaturity.__file__).parent
ROOT = PACKAGE.name


def modules() -> dict[str, tuple[Path, bool]]:
    """Every module of the package by dotted name, with its file and whether it is a package."""
    found = {}
    for file in sorted(PACKAGE.rglob("*.py")):
        parts = [ROOT, *file.relative_to(PACKAGE).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (file, is_package)
    return found


def imported_modules(name: str, file: Path, is_package: bool, known: set[str]) -> set[str]:
    """The package's modules that `name` imports anywhere in its file."""
    imported: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # `from . import x` in a package's __init__ is relative to the package itself.
                base = name.split(".")[: len(name.split(".")) - node.level + is_package]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                if f"{module}.{alias.name}" in known:
                    imported.add(f"{module}.{alias.name}")
                elif module in known:
                    imported.add(module)
    imported.discard(name)
    return imported


@functools.cache
def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (read once per test session; not to mutate)."""
    found = modules()
    known = set(found)
    return {
        name: imported_modules(name, file, is_package, known)
        for name, (file, is_package) in found.items()
    }


def tangles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module: each holds import cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph[module]):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                components.append(component)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return components


def shortest_cycle(graph: dict[str, set[str]], component: set[str], start: str) -> list[str]:
    """A shortest import cycle from `start` back to it within `component`, both ends named."""
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        module = queue.popleft()
        for imported in sorted(graph[module] & component):
            if imported == start:
                path = [module]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if imported not in came_from:
                came_from[imported] = module
                queue.append(imported)
    raise AssertionError(f"no cycle through {start} in its own component")


def part_of(module: str) -> str:
    """The top-level module or sub-package `module` belongs to (`sources`, `store`, ...)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


PARTS = sorted({part_of(module) for module in modules()})


@pytest.mark.parametrize("part", PARTS)
def test_no_import_cycle_runs_through(part: str) -> None:
    graph = import_graph()
    found = []
    for component in tangles(graph):
        inside = sorted(module for module in component if part_of(module) == part)
        if inside:
            found.append(" -> ".join(shortest_cycle(graph, component, inside[0])))
    assert not found, "import cycle: " + "; ".join(found)


def test_the_graph_sees_lazy_type_checking_and_relative_imports(tmp_path: Path) -> None:
    graph = import_graph()
    # store.ingest reads the registry at module level, the registry loads the interface lazily
    # (inside a function), readers name IngestContext for the type checker only.
    assert "asyncmaturity.sources" in graph["asyncmaturity.store.ingest"]
    assert "asyncmaturity.sources.interface" in graph["asyncmaturity.sources"]
    assert "asyncmaturity.sources.interface" in graph["asyncmaturity.sources.common"]
    tangled = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert tangles(tangled) == [{"a", "b", "c"}]
    assert shortest_cycle(tangled, {"a", "b", "c"}, "b") == ["b", "c", "a", "b"]
    relative = tmp_path / "relative.py"
    relative.write_text("from . import c\nfrom .. import d\nfrom .c import f\nfrom .e import g\n")
    known = {"p", "p.q", "p.q.c", "p.q.e", "p.d"}
    assert imported_modules("p.q.m", relative, False, known) == {"p.q.c", "p.d", "p.q.e"}
    assert imported_modules("p.q", relative, True, known) == {"p.q.c", "p.d", "p.q.e"}
