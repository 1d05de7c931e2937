"""The import rules of ARCHITECTURE.md, enforced: parse every module of ``src/analysis`` with
``ast`` (imports inside functions included) and fail on a forbidden edge or a cycle.

Layers, lowest first. A module may import its own layer and the layers listed for it:

* foundation — ``analysis`` (the package), ``errors``, ``paths``, ``vocabulary``, ``text``:
  nothing but each other;
* ``data`` — foundation;
* ``indicators`` — foundation, data (constants and HS tables; never loaders' I/O);
* ``charts`` — foundation, data, indicators;
* ``reports`` — foundation, data, indicators, charts;
* ``engine`` — foundation only: it runs notebooks it knows by name, never the domain;
* entry points (``analysis.cli``, ``analysis.data.cli``) — anything except the engine's
  internals for ``data.cli``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "analysis"
FOUNDATION = {"analysis", "analysis.errors", "analysis.paths", "analysis.vocabulary", "analysis.text"}
ALLOWED: dict[str, set[str]] = {
    "foundation": {"foundation"},
    "data": {"foundation", "data"},
    "indicators": {"foundation", "data", "indicators"},
    "charts": {"foundation", "data", "indicators", "charts"},
    "reports": {"foundation", "data", "indicators", "charts", "reports"},
    "engine": {"foundation", "engine"},
    "entry": {"foundation", "data", "indicators", "charts", "reports", "entry"},
    # analysis.notebook checks a notebook's parameters with the engine's own schema functions
    "notebook": {"foundation", "engine"},
}
ENTRY_POINTS = {"analysis.cli", "analysis.data.cli"}
NOTEBOOK_HELPERS = {"analysis.notebook"}


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> str:
    if module in ENTRY_POINTS:
        return "entry"
    if module in NOTEBOOK_HELPERS:
        return "notebook"
    if module in FOUNDATION:
        return "foundation"
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in ALLOWED:
        return parts[1]
    raise AssertionError(f"{module}: in no layer — add it to ARCHITECTURE.md and to this test")


def imports(path: Path, package: Path = PACKAGE) -> set[str]:
    """Modules of ``analysis`` that ``path`` imports (absolute and relative, anywhere in the file)."""
    module = module_name(path, package)
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "analysis")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "analysis":
                continue
            # `from analysis.x import y` imports the submodule analysis.x.y when there is one
            # (counted as that edge only), else the name y of analysis.x
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                location = package.parent / Path(*candidate.split("."))
                if location.with_suffix(".py").exists() or (location / "__init__.py").exists():
                    found.add(candidate)
                else:
                    found.add(target)
    found.discard(module)
    return found


def graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    return {module_name(p, package): imports(p, package) for p in sorted(package.rglob("*.py"))}


def forbidden_edges(edges: dict[str, set[str]]) -> list[str]:
    bad = []
    for source, targets in edges.items():
        for target in sorted(targets):
            if target == "analysis":  # the package itself (its __version__) is foundation
                continue
            if layer(target) not in ALLOWED[layer(source)]:
                bad.append(f"{source} ({layer(source)}) imports {target} ({layer(target)})")
    return bad


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in edges:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def package_edges(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph between layers (entry points left out: they sit on top)."""
    out: dict[str, set[str]] = {}
    for source, targets in edges.items():
        if layer(source) in ("entry", "notebook"):
            continue
        out.setdefault(layer(source), set()).update(
            layer(t) for t in targets if t != "analysis" and layer(t) not in (layer(source), "entry")
        )
    return out


EDGES = graph()


def test_every_module_is_in_a_layer():
    assert len(EDGES) > 40
    for module in EDGES:
        layer(module)


def test_no_forbidden_import():
    assert forbidden_edges(EDGES) == []


def test_no_import_cycle_between_modules():
    assert cycles(EDGES) == []


def test_no_cycle_between_layers():
    assert cycles(package_edges(EDGES)) == []


# --- the checker itself can fail --------------------------------------------------------------


def _fake_package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "analysis"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").touch()
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"data/a.py": "from analysis.indicators.b import x\n", "indicators/b.py": ""},
         "analysis.data.a (data) imports analysis.indicators.b (indicators)"),
        ({"indicators/a.py": "def f():\n    from analysis.charts import theme\n", "charts/theme.py": ""},
         "analysis.indicators.a (indicators) imports analysis.charts.theme (charts)"),
        ({"engine/a.py": "import analysis.data.usgs\n", "data/usgs.py": ""},
         "analysis.engine.a (engine) imports analysis.data.usgs (data)"),
        ({"engine/a.py": "from ..reports import domains\n", "reports/domains.py": ""},
         "analysis.engine.a (engine) imports analysis.reports.domains (reports)"),
    ],
)
def test_a_forbidden_edge_is_reported(tmp_path, files, expected):
    root = _fake_package(tmp_path, files)
    assert expected in forbidden_edges(graph(root))


def test_a_cycle_is_reported(tmp_path):
    root = _fake_package(tmp_path, {"data/a.py": "from analysis.data import b\n", "data/b.py": "def f():\n    import analysis.data.a\n"})
    assert cycles(graph(root)) == [["analysis.data.a", "analysis.data.b"]]
    assert forbidden_edges(graph(root)) == []
