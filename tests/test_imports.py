"""No import circles in the package: every intra-package import, at module level or inside a function
(a lazy import), forms an acyclic graph. Imports under ``if TYPE_CHECKING:`` are not run and are not
counted. A cycle is printed with the module and line of each import in it."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

PACKAGE = "commonwealth"
ROOT = Path(__file__).resolve().parent.parent / "src" / PACKAGE

#: Known import circles, each as the sorted tuple of its modules: this list may only shrink. Every
#: circle found must be listed here, and every entry must still be a circle.
KNOWN_CYCLES: set[tuple[str, ...]] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those in ``if TYPE_CHECKING:`` bodies."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph() -> dict[str, dict[str, int]]:
    """module → {imported module of the package: line of the first such import}."""
    known = modules()
    graph: dict[str, dict[str, int]] = {name: {} for name in known}
    for name, path in known.items():
        is_package = path.name == "__init__.py"
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:  # relative: resolve against this module's package
                    base = name.split(".")
                    base = base if is_package else base[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                # `from package import submodule` imports the submodule; other names come from
                # `source` itself (a package's parents are imported by any import and not counted).
                submodules = [f"{source}.{a.name}" for a in node.names if f"{source}.{a.name}" in known]
                targets = submodules + ([source] if len(submodules) < len(node.names) else [])
            for target in targets:
                while target and target not in known:  # `import a.b.c` of a name inside a module
                    target = target.rpartition(".")[0]
                if target and target.split(".")[0] == PACKAGE and target != name:
                    graph[name].setdefault(target, node.lineno)
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:  # noqa: C901 (Tarjan reads best whole)
    """The strongly connected components with more than one module (Tarjan), each as a cycle path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return components


def describe(component: list[str], graph: dict[str, dict[str, int]]) -> str:
    """One cycle through the component, with the line of each import: a → b (a.py:12) → … → a."""
    members = set(component)
    path, seen = [component[0]], {component[0]}
    while True:
        here = path[-1]
        following = sorted(w for w in graph[here] if w in members)
        step = next((w for w in following if w == path[0]), None) if len(path) > 1 else None
        step = step or next((w for w in following if w not in seen), None) or following[0]
        path.append(step)
        if step == path[0] or step in seen:
            break
        seen.add(step)
    return " → ".join(
        f"{a} (line {graph[a][b]})" for a, b in itertools.pairwise(path)
    ) + f" → {path[-1]}"


def test_the_import_graph_finds_the_package_modules() -> None:
    graph = import_graph()
    assert "commonwealth.population" in graph and "commonwealth.policy.base" in graph
    assert "commonwealth.population" in graph["commonwealth.population_builder"]


def test_there_are_no_import_circles_in_the_package() -> None:
    graph = import_graph()
    found = {tuple(c): describe(c, graph) for c in cycles(graph)}
    new = {c: text for c, text in found.items() if c not in KNOWN_CYCLES}
    assert not new, "import circles:\n" + "\n".join(new.values())
    stale = KNOWN_CYCLES - set(found)
    assert not stale, f"listed as known but no longer circles (remove them from KNOWN_CYCLES): {stale}"


def test_the_cycle_finder_finds_a_lazy_circle() -> None:
    graph = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3}, "d": {"a": 4}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert describe(["a", "b", "c"], graph) == "a (line 1) → b (line 2) → c (line 3) → a"
