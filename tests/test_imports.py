"""How the packages import: heavy libraries load only where they are used, and no module imports
itself back around a circle.

Every `cocrea` command imports the CLI and, for most commands, the conversation; drawing charts
(matplotlib) and writing XLSX (openpyxl) are rare, so they are imported by the functions that do
it. Each check runs in a fresh interpreter: this test process has long since imported everything.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

HEAVY = ("matplotlib", "numpy", "openpyxl", "rasa_sdk", "sanic")


def loaded_after(*modules: str) -> dict[str, bool]:
    """Which HEAVY libraries a fresh interpreter has loaded once it imported `modules`."""
    code = (f"import sys\nimport {', '.join(modules)}\n"
            f"print(' '.join(str(name in sys.modules) for name in {HEAVY!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return dict(zip(HEAVY, (word == "True" for word in done.stdout.split()), strict=True))


def test_the_cli_and_the_conversation_load_neither_matplotlib_nor_openpyxl() -> None:
    loaded = loaded_after("bot.cli", "bot.conversation")
    assert loaded == dict.fromkeys(HEAVY, False)


@pytest.mark.parametrize("entry", ["bot.chat", "bot.telegram.app", "bot.scheduler.cli", "bot.export.cli"])
def test_no_command_loads_a_chart_or_a_workbook_before_it_draws_one(entry: str) -> None:
    loaded = loaded_after("bot.cli", entry)
    assert not loaded["matplotlib"] and not loaded["numpy"] and not loaded["openpyxl"], loaded


def test_the_terminal_chat_needs_no_telegram() -> None:
    code = "import sys\nimport bot.chat\nprint('telegram' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_drawing_a_chart_still_loads_matplotlib_then() -> None:
    """The deferred import happens where it is needed: a chart is drawn all the same."""
    code = """
import sys
from bot.scheduler.chart import progress_chart
assert 'matplotlib' not in sys.modules
png = progress_chart("Avance", [("Compromiso", 0.5)])
assert png is not None and png.startswith(b"\\x89PNG") and 'matplotlib' in sys.modules
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


# -- no import cycles --------------------------------------------------------------------------------
# Every import between the project's own modules, read from the source (ast), is an edge; a cycle is
# a set of modules that reach each other. Counted:
# - imports inside functions too: deferring an import to call time hides a cycle from the loader
#   but leaves two modules that need each other (that is how the cycles this test replaced hid);
# - `from package import name`: the submodule `package.name` when there is one, else the package
#   itself (a name its __init__ defines); a submodule's parent packages are not edges, since Python
#   runs a package's __init__ before any of its modules and a package importing its own modules is
#   how packages work;
# - a package that imports every module in its folder (`pkgutil.iter_modules(__path__)`, as
#   bot/commands does to register commands) imports each of them.
# Not counted: imports under `if TYPE_CHECKING:`, which never run.
ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "flows", "storage")


@dataclass(frozen=True)
class Edge:
    target: str
    line: int


def project_modules(root: Path, packages: Sequence[str] = PACKAGES) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(name: str, path: Path, modules: Mapping[str, Path]) -> list[Edge]:
    """The project modules `name` imports, each with the line that does it."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    edges: list[Edge] = []

    def add(target: str, line: int) -> None:
        if target in modules and target != name:
            edges.append(Edge(target, line))

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if _type_checking(node.test):
                for child in node.orelse:
                    self.visit(child)
            else:
                self.generic_visit(node)

        def visit_Import(self, node: ast.Import) -> None:
            for alias in node.names:
                add(alias.name, node.lineno)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                add(submodule if submodule in modules else base, node.lineno)

        def visit_Call(self, node: ast.Call) -> None:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if (is_package and called == "iter_modules" and node.args
                    and isinstance(node.args[0], ast.Name) and node.args[0].id == "__path__"):
                for module in modules:
                    if module.rpartition(".")[0] == name:
                        add(module, node.lineno)
            self.generic_visit(node)

    Visitor().visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return edges


def import_cycles(root: Path, packages: Sequence[str] = PACKAGES) -> dict[frozenset[str], str]:
    """Each tangle of modules that reach each other, with one way around it as
    `a (file:line) -> b (file:line) -> ... -> a`: where each import is."""
    modules = project_modules(root, packages)
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    return {frozenset(tangle): " -> ".join(_one_cycle(min(tangle), tangle, graph, modules, root))
            for tangle in _strongly_connected(graph)}


def _strongly_connected(graph: Mapping[str, list[Edge]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative; only tangles of two or more modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            edge = next(edges, None)
            if edge is not None:
                if edge.target not in index:
                    index[edge.target] = low[edge.target] = len(index)
                    stack.append(edge.target)
                    on_stack.add(edge.target)
                    work.append((edge.target, iter(graph[edge.target])))
                elif edge.target in on_stack:
                    low[node] = min(low[node], index[edge.target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                tangle = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    tangle.add(member)
                    if member == node:
                        break
                if len(tangle) > 1:
                    found.append(tangle)
    return found


def _one_cycle(start: str, tangle: set[str], graph: Mapping[str, list[Edge]], modules: Mapping[str, Path],
               root: Path) -> list[str]:
    """The shortest way around from `start` back to it, inside the tangle, with the import lines."""
    came: dict[str, tuple[str, Edge]] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for edge in graph[node]:
            if edge.target not in tangle or edge.target in came:
                continue
            came[edge.target] = (node, edge)
            if edge.target == start:
                queue = []
                break
            queue.append(edge.target)
    steps, node = [], start
    while True:
        before, edge = came[node]
        steps.append(f"{before} ({modules[before].relative_to(root)}:{edge.line})")
        node = before
        if node == start:
            break
    return [*reversed(steps), start]


def test_bot_flows_and_storage_have_no_import_cycle() -> None:
    cycles = [f"{' <-> '.join(sorted(tangle))}\n  for one: {way}"
              for tangle, way in import_cycles(ROOT).items()]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_walk_finds_a_cycle_hidden_in_a_function_and_ignores_type_checking(tmp_path: Path) -> None:
    """The walker itself: a call-time import closes a cycle; an import for type checking does not."""
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from app.b import helper\n")
    (package / "b.py").write_text("def helper():\n    from app import a\n    return a\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.d import D\n")
    (package / "d.py").write_text("from app.c import *\n")
    cycles = import_cycles(tmp_path, ["app"])
    assert cycles == {frozenset({"app.a", "app.b"}): "app.a (app/a.py:1) -> app.b (app/b.py:2) -> app.a"}


def test_a_package_registering_its_folder_imports_every_module(tmp_path: Path) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text(
        "import importlib, pkgutil\nfor m in pkgutil.iter_modules(__path__):\n"
        "    importlib.import_module(f'app.{m.name}')\n")
    (package / "one.py").write_text("def later():\n    from app import REGISTRY\n")
    cycles = import_cycles(tmp_path, ["app"])
    assert cycles == {frozenset({"app", "app.one"}): "app (app/__init__.py:2) -> app.one (app/one.py:2) -> app"}
