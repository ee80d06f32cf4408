"""The import graph of jixiao's own packages, read from the source with `ast`.

Every import statement counts, wherever it stands: at the top of a module, inside a
function, under `if TYPE_CHECKING:`, relative (`from . import x`, `from ..m import y`) or
dotted (`import a.b.c`), and `importlib.import_module("literal")`.  A lazy or type-only
import still couples two modules (the type checker and the reader follow it), so the
layering and the no-cycle rules in tests/test_architecture.py see them all.

`import a.b.c` and `from a.b import c` (c a module) count as imports of a.b.c alone, not
also of the packages a and a.b whose __init__ Python runs on the way, as import-linter's
grimp counts them: otherwise a package re-exporting its own modules would be a cycle.

Run as a script it prints the package-level graph as Mermaid; docs/import-graph.md is that
output, and a test keeps the two equal:

    .venv/bin/python tests/import_graph.py > docs/import-graph.md
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("domain", "projections", "api")


@dataclass(frozen=True, order=True)
class Module:
    name: str  # dotted, e.g. "api.http.app"; a package is named by its __init__.py
    path: Path
    is_package: bool


@dataclass(frozen=True, order=True)
class Edge:
    source: str
    target: str
    line: int


def find_modules(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            is_package = parts[-1] == "__init__"
            name = ".".join(parts[:-1] if is_package else parts)
            modules[name] = Module(name, path, is_package)
    return modules


def _resolve_relative(module: Module, level: int, target: str | None) -> str:
    """`from <level dots><target> import …` as written in `module`, made absolute."""
    base = module.name.split(".")
    if not module.is_package:
        base = base[:-1]  # a plain module's dots count from the package holding it
    if level - 1 > len(base) - 1:
        raise ImportError(f"{module.path}: relative import beyond the top-level package")
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def _deepest_module(name: str, modules: Mapping[str, Module]) -> str | None:
    """The module that `import name` loads last: the longest prefix that is one of ours."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in modules:
            return prefix
    return None


def _imported(module: Module, tree: ast.AST, modules: Mapping[str, Module]) -> Iterator[
    tuple[str | None, int]
]:
    """(first-party module or None, line) for everything `module` imports."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield _deepest_module(alias.name, modules), node.lineno
        elif isinstance(node, ast.ImportFrom):
            source = (
                _resolve_relative(module, node.level, node.module)
                if node.level
                else node.module or ""
            )
            for alias in node.names:
                # `from pkg import name` imports the submodule pkg.name when there is
                # one, else a name defined in pkg (or in the deepest module it names).
                yield _deepest_module(f"{source}.{alias.name}", modules), node.lineno
        elif (
            isinstance(node, ast.Call)
            and _is_dynamic_import(node.func)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield _deepest_module(node.args[0].value, modules), node.lineno


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in {"import_module", "__import__"}
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def module_edges(module: Module, modules: Mapping[str, Module]) -> set[Edge]:
    tree = ast.parse(module.path.read_text(encoding="utf-8"), filename=str(module.path))
    return {
        Edge(module.name, target, line)
        for target, line in _imported(module, tree, modules)
        if target is not None and target != module.name
    }


def build_graph(root: Path = ROOT, packages: Iterable[str] = PACKAGES) -> dict[str, set[Edge]]:
    """Each first-party module → the imports it makes of other first-party modules."""
    modules = find_modules(root, packages)
    return {name: module_edges(module, modules) for name, module in modules.items()}


def adjacency(graph: Mapping[str, set[Edge]]) -> dict[str, set[str]]:
    return {name: {edge.target for edge in edges} for name, edges in graph.items()}


def strongly_connected(adjacent: Mapping[str, set[str]]) -> list[set[str]]:
    """Tarjan's components with more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(adjacent.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in adjacent.get(node, ()):
                found.append(component)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(adjacent) + 100))
    try:
        for node in sorted(adjacent):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return found


def cycle_path(component: set[str], adjacent: Mapping[str, set[str]], start: str) -> list[str]:
    """A shortest cycle through `start` within its component, as a path that ends where
    it starts (breadth-first)."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for succ in sorted(adjacent.get(node, set()) & component):
                if succ == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if succ not in previous:
                    previous[succ] = node
                    following.append(succ)
        frontier = following
    raise AssertionError(f"no cycle through {start} in {sorted(component)}")


def package_of(module: str) -> str:
    """The node a module is drawn in: its package, but the sub-packages of api (the
    shells, the use cases, storage) each as their own floor."""
    parts = module.split(".")
    if parts[0] == "api" and len(parts) > 1 and (ROOT / "api" / parts[1]).is_dir():
        return ".".join(parts[:2])  # api.<floor>, its __init__ included
    return parts[0]


def package_graph(adjacent: Mapping[str, set[str]]) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for source, targets in adjacent.items():
        node = packages.setdefault(package_of(source), set())
        node.update(package_of(t) for t in targets if package_of(t) != package_of(source))
    return packages


def mermaid(packages: Mapping[str, set[str]]) -> str:
    def node_id(name: str) -> str:
        return name.replace(".", "_")

    lines = ["flowchart TD"]
    lines += [f'    {node_id(name)}["{name}"]' for name in sorted(packages)]
    lines += [
        f"    {node_id(source)} --> {node_id(target)}"
        for source in sorted(packages)
        for target in sorted(packages[source])
    ]
    return "\n".join(lines)


def import_graph_doc(root: Path = ROOT) -> str:
    adjacent = adjacency(build_graph(root))
    return (
        "# Import graph\n\n"
        "Which package imports which, counting every import (also those inside functions\n"
        "and under `if TYPE_CHECKING:`). Generated by `tests/import_graph.py`; a test in\n"
        "`tests/test_architecture.py` fails when this file is out of date:\n\n"
        "    .venv/bin/python tests/import_graph.py > docs/import-graph.md\n\n"
        "An arrow points from the importer to the imported. Each sub-package of `api`\n"
        "(the HTTP shell, the use cases, storage) is drawn on its own; `api` is the\n"
        "modules directly in it.\n\n"
        "```mermaid\n" + mermaid(package_graph(adjacent)) + "\n```\n"
    )


if __name__ == "__main__":
    sys.stdout.write(import_graph_doc())
