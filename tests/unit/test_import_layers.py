"""The import layers (issue 15): faces → core API → queue/store, checked on the real import graph.

grimp reads every import statement, also the lazy ones inside functions, so "the CLI imports the store only
inside a command" still counts. Run this file as a script to print every import cycle in ``jobagent``:
``PYTHONPATH=. python tests/unit/test_import_layers.py``.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import grimp

FACES = ("jobagent.cli", "jobagent.web")
BEHIND_THE_API = ("jobagent.store", "jobagent.queue", "jobagent.monitoring")
# Known exceptions to the face rule, as (module, function); empty since jobagent/worker.py took the worker's
# start-up. Strict: the test fails once an exception is no longer needed, so none can outlive its reason.
PENDING: set[tuple[str, str]] = set()
ROOT = Path(__file__).resolve().parents[2]


@cache
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("jobagent", cache_dir=None)


def _under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _function_at(module: str, line: int) -> str | None:
    """The top-level function holding ``line`` of the module's source, or None at module level."""
    path = ROOT / Path(*module.split("."))
    source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    for node in ast.parse(source.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.lineno <= line <= (node.end_lineno or 0):
            return node.name
    return None


def face_violations() -> dict[tuple[str, str | None], list[str]]:
    """(face module, function) -> the modules behind the API it imports, with line numbers."""
    g = graph()
    found: dict[tuple[str, str | None], list[str]] = {}
    for face in sorted(m for m in g.modules if _under(m, FACES)):
        for imported in sorted(g.find_modules_directly_imported_by(face)):
            if not _under(imported, BEHIND_THE_API):
                continue
            for detail in g.get_import_details(importer=face, imported=imported):
                key = (face, _function_at(face, detail["line_number"]))
                found.setdefault(key, []).append(f"{imported} (line {detail['line_number']})")
    return found


def cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    g = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(g.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(g.find_modules_directly_imported_by(start))))]
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
                    work.append((child, iter(sorted(g.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_faces_never_import_store_queue_or_monitoring() -> None:
    violations = face_violations()
    unexpected = {k: v for k, v in violations.items() if k not in PENDING}
    assert not unexpected, "faces must go through jobagent.api:\n" + "\n".join(
        f"{module}.{function or '<module>'}: {', '.join(lines)}" for (module, function), lines in unexpected.items())
    stale = PENDING - set(violations)
    assert not stale, f"no longer needed, remove from PENDING: {sorted(stale)}"


def test_the_checks_see_lazy_imports() -> None:
    """The rule would be empty if grimp missed imports inside functions: the api's lazy ones must show."""
    g = graph()
    assert g.direct_import_exists(importer="jobagent.api.ops", imported="jobagent.monitoring.health")
    assert g.direct_import_exists(importer="jobagent.api.runs", imported="jobagent.queue")


def test_the_api_never_imports_a_face() -> None:
    g = graph()
    wrong = sorted((m, i) for m in g.modules if _under(m, ("jobagent.api",))
                   for i in g.find_modules_directly_imported_by(m) if _under(i, FACES))
    assert not wrong


def test_the_daily_fan_out_stays_below_the_api() -> None:
    """The scheduler's fan-out builds searches with jobagent.search_specs, not through the face-facing API."""
    g = graph()
    assert not g.chain_exists(importer="jobagent.daily_search", imported="jobagent.api", as_packages=True)
    assert g.direct_import_exists(importer="jobagent.daily_search", imported="jobagent.search_specs")


def test_the_worker_side_never_reaches_up_to_the_api_or_a_face() -> None:
    """Data flows one way: worker -> engine -> nodes -> domain modules -> store. None of those may import the
    API or a face (a domain helper living in the API, as apply_edits once did, is caught here)."""
    g = graph()
    below = ("jobagent.worker", "jobagent.tasks", "jobagent.workflows", "jobagent.cv", "jobagent.postings",
             "jobagent.store", "jobagent.monitoring", "jobagent.daily_search", "jobagent.submission")
    wrong = sorted((m, i) for m in g.modules if _under(m, below)
                   for i in g.find_modules_directly_imported_by(m) if _under(i, ("jobagent.api", *FACES)))
    assert not wrong


def test_no_import_cycle_anywhere_in_jobagent() -> None:
    """Issue 15: the whole package is a graph without cycles, lazy imports included."""
    assert cycles() == [], [" <-> ".join(c) for c in cycles()]


def package_edges() -> dict[str, set[str]]:
    """Which top-level module or package of jobagent imports which (the graph the closing notes draw)."""
    g = graph()

    def top(module: str) -> str:
        return module.split(".")[1] if module.count(".") else module

    edges: dict[str, set[str]] = {}
    for module in g.modules:
        for imported in g.find_modules_directly_imported_by(module):
            if top(module) != top(imported):
                edges.setdefault(top(module), set()).add(top(imported))
    return edges


if __name__ == "__main__":
    import sys

    if "--packages" in sys.argv:
        for package, imported in sorted(package_edges().items()):
            print(f"{package} -> {', '.join(sorted(imported))}")
    for component in cycles():
        print("cycle:", " <-> ".join(component))
    for (module, function), lines in face_violations().items():
        print(f"face import: {module}.{function or '<module>'}: {', '.join(lines)}")
