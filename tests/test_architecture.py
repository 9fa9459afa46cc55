"""The import structure of coopmap: layers point down only, and no module imports itself round a cycle.

The layers are the import-linter contracts in pyproject.toml ([tool.importlinter]); the
cycle check builds the import graph with grimp (which import-linter is built on) and
looks for strongly connected components among coopmap's modules. Every import counts,
also one inside a function or under ``if TYPE_CHECKING``: a cycle hidden that way still
ties the modules together.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

PROJECT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """The groups of two or more modules that import one another, directly or through each other (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        # Iterative depth-first search: (module, the imports of it still to visit).
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, imports = work[-1]
            for imported in imports:
                if imported not in index:
                    index[imported] = low[imported] = len(index)
                    stack.append(imported)
                    on_stack.add(imported)
                    work.append((imported, iter(sorted(graph.find_modules_directly_imported_by(imported)))))
                    break
                if imported in on_stack:
                    low[module] = min(low[module], index[imported])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == index[module]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == module:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def describe_cycle(graph: grimp.ImportGraph, group: list[str]) -> str:
    """One cycle through the group's first module, each step with the line of its import."""
    start = group[0]
    # The shortest way round: to a module that imports ``start``, then back to it.
    chains = [graph.find_shortest_chain(importer=start, imported=m) for m in group
              if graph.direct_import_exists(importer=m, imported=start)]
    chain = list(min((c for c in chains if c), key=len)) + [start]
    steps = []
    for importer, imported in zip(chain, chain[1:]):
        lines = sorted({d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)})
        steps.append(f"{importer} -> {imported} (line {', '.join(map(str, lines))})")
    return f"{', '.join(group)}:\n    " + "\n    ".join(steps)


def test_the_layer_contracts_are_kept():
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=PROJECT, capture_output=True, text=True,
                            timeout=300)
    report = result.stdout + result.stderr
    assert "Contracts:" in report and " 0 broken" in report, report
    assert result.returncode == 0, report


def test_every_module_of_coopmap_is_in_a_layer():
    """A new top-level module or package must be given its layer, or the contract would not see it."""
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c["layers"] for c in config["contracts"] if c["type"] == "layers")
    placed = {name for layer in layers for name in re.split(r"\s*[|:]\s*", layer.strip())}
    children = grimp.build_graph("coopmap", cache_dir=None).find_children("coopmap")
    assert children - placed == set(), "put these in a layer in pyproject.toml [tool.importlinter]"
    assert placed - children == set(), "layers name modules that do not exist"


def test_no_import_cycles_among_coopmap_modules():
    graph = grimp.build_graph("coopmap", cache_dir=None)
    cycles = [describe_cycle(graph, group) for group in strongly_connected(graph)]
    assert not cycles, "modules that import each other round a cycle:\n" + "\n".join(cycles)


def test_the_cycle_finder_finds_a_cycle_and_names_its_lines():
    """The check above can fail: a made-up graph with a cycle a -> b -> c -> a and a tail d -> a."""
    graph = grimp.ImportGraph()
    for importer, imported in (("pkg.a", "pkg.b"), ("pkg.b", "pkg.c"), ("pkg.c", "pkg.a"), ("pkg.d", "pkg.a")):
        graph.add_import(importer=importer, imported=imported, line_number=7, line_contents=f"import {imported}")
    assert strongly_connected(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
    assert describe_cycle(graph, ["pkg.a", "pkg.b", "pkg.c"]).splitlines()[1:] == [
        "    pkg.a -> pkg.b (line 7)", "    pkg.b -> pkg.c (line 7)", "    pkg.c -> pkg.a (line 7)"]


def test_tests_share_code_through_tests_helpers_only():
    """A test module imports what tests share from ``tests/helpers``: never another test module or a
    conftest, and never by editing ``sys.path`` (``tests`` is on it through pyproject.toml)."""
    offenders = []
    for path in sorted((PROJECT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(alias.name for alias in node.names)]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Attribute) and node.attr == "path" and getattr(node.value, "id", None) == "sys":
                names = ["sys.path"]
            else:
                continue
            for name in names:
                last = name.rsplit(".", 1)[-1]
                if last.startswith("test_") or last == "conftest" or name == "sys.path":
                    offenders.append(f"{path.relative_to(PROJECT)}:{node.lineno}: {name}")
    assert not offenders, "import shared test code from tests/helpers:\n" + "\n".join(offenders)
