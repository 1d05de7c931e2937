"""The import rules of ARCHITECTURE.md, enforced: parse every module of ``src/analysis`` with
``ast`` (imports inside functions included) and fail on a forbidden edge or a cycle.

The rules are read from ARCHITECTURE.md's "What may import what" table, never copied here: its
first column names a layer — a folder of the package (`` `data` ``) or a list of modules
(``foundation (`analysis`, `errors`, …)``, ``entry points (`analysis.cli`, …)``,
`` `analysis.notebook` ``) — and its second the layers it may import (text in parentheses and
after "—" or ";" is commentary). A layer may also import itself.

Also enforced: ``indicators`` never calls a loader (a function of ``analysis.data`` that reads a
file, directly or through another such function).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "src" / "analysis"
ARCHITECTURE = REPO / "ARCHITECTURE.md"
TABLE_HEADING = "## What may import what"


@dataclass(frozen=True)
class Rules:
    """Layers as ARCHITECTURE.md's table declares them."""

    allowed: dict[str, frozenset[str]]  # layer → layers it may import (itself included)
    modules: dict[str, str]  # module named in the table → its layer (foundation, entry points, …)
    folders: frozenset[str]  # layers that are a folder of the package


def _layer_id(name: str) -> str:
    name = name.strip().strip("`").strip()
    if name == "entry points":
        return "entry"
    return name.rsplit(".", 1)[-1] if name.startswith("analysis.") else name


def _qualified(token: str) -> str:
    return token if token == "analysis" or token.startswith("analysis.") else f"analysis.{token}"


def parse_rules(markdown: str) -> Rules:
    """The rules of the "What may import what" table; AssertionError when it is missing or names
    a layer it does not declare."""
    assert TABLE_HEADING in markdown, f"ARCHITECTURE.md has no {TABLE_HEADING!r} section"
    section = markdown.split(TABLE_HEADING, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]  # after the header and |---|
    assert rows, "the 'What may import what' table has no rows"
    raw: dict[str, str] = {}
    modules: dict[str, str] = {}
    folders: set[str] = set()
    for row in rows:
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        assert len(cells) == 2, f"ARCHITECTURE.md table row is not 'layer | may import': {row!r}"
        first, may = cells
        name, _, remark = first.partition("(")
        layer, bare = _layer_id(name), name.strip().strip("`")
        if bare.startswith("analysis."):  # one module: `analysis.notebook`
            modules[bare] = layer
        elif "`" not in name and remark:  # a list of modules: foundation (`analysis`, `errors`, …)
            modules.update({_qualified(token): layer for token in re.findall(r"`([^`]+)`", remark)})
        else:  # a folder of the package: `data`
            folders.add(layer)
        raw[layer] = may
    allowed: dict[str, frozenset[str]] = {}
    for layer, may in raw.items():
        text = re.sub(r"\([^)]*\)", "", may)
        text = re.split(r"—|;", text, maxsplit=1)[0]
        names = {_layer_id(item.replace(" only", "")) for item in text.split(",") if item.strip()}
        unknown = names - set(raw)
        assert not unknown, f"ARCHITECTURE.md: layer {layer!r} may import {sorted(unknown)}, which the table does not declare"
        allowed[layer] = frozenset(names | {layer})
    return Rules(allowed, modules, frozenset(folders))


RULES = parse_rules(ARCHITECTURE.read_text(encoding="utf-8"))


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str, rules: Rules = RULES) -> str:
    if module in rules.modules:
        return rules.modules[module]
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in rules.folders:
        return parts[1]
    raise AssertionError(f"{module}: in no layer — add it to ARCHITECTURE.md's table")


def _from_target(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module a ``from … import`` statement in ``module`` reads from."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(path: Path, package: Path = PACKAGE) -> set[str]:
    """Modules of ``analysis`` that ``path`` imports (absolute and relative, anywhere in the file)."""
    module = module_name(path, package)
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "analysis")
        elif isinstance(node, ast.ImportFrom):
            target = _from_target(node, module, is_package)
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


def forbidden_edges(edges: dict[str, set[str]], rules: Rules = RULES) -> list[str]:
    bad = []
    for source, targets in edges.items():
        for target in sorted(targets):
            if target == "analysis":  # the package itself (its __version__) is foundation
                continue
            if layer(target, rules) not in rules.allowed[layer(source, rules)]:
                bad.append(f"{source} ({layer(source, rules)}) imports {target} ({layer(target, rules)})")
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
    """The graph between folder layers and foundation (entry points and single modules left out:
    they sit on top)."""
    on_top = {layer(m) for m in RULES.modules} - {"foundation"}
    out: dict[str, set[str]] = {}
    for source, targets in edges.items():
        if layer(source) in on_top:
            continue
        out.setdefault(layer(source), set()).update(
            layer(t) for t in targets if t != "analysis" and layer(t) not in (layer(source), "entry")
        )
    return out


#: Calls that read a file or the data package directly.
FILE_READS = {"open", "read_csv", "read_excel", "read_parquet", "read_text", "read_bytes", "load_workbook",
              "check_resource", "read_datapackage", "resources_of_kind", "cached", "read_cached"}


def _calls(node: ast.AST) -> set[str]:
    """Names called anywhere inside ``node`` (``f(…)`` and ``x.f(…)`` both give ``f``)."""
    names = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call):
            if isinstance(inner.func, ast.Name):
                names.add(inner.func.id)
            elif isinstance(inner.func, ast.Attribute):
                names.add(inner.func.attr)
    return names


def loaders(package: Path = PACKAGE) -> set[str]:
    """Names of the top-level functions of ``analysis.data`` that read a file: ``load_*`` and
    ``read_*``, those calling one of :data:`FILE_READS`, and those calling such a function (by
    name, to a fixed point)."""
    calls: dict[str, set[str]] = {}
    for path in sorted((package / "data").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                calls.setdefault(node.name, set()).update(_calls(node))
    found = {name for name, called in calls.items() if name.startswith(("load_", "read_")) or called & FILE_READS}
    while True:
        more = {name for name, called in calls.items() if called & found} - found
        if not more:
            return found
        found |= more


def loader_uses(package: Path = PACKAGE) -> list[str]:
    """Where a module of ``indicators`` imports a loader of ``analysis.data`` (by name, or as an
    attribute of an imported data module)."""
    readers = loaders(package)
    found = []
    for path in sorted((package / "indicators").rglob("*.py")):
        module = module_name(path, package)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        data_modules: set[str] = set()  # local names bound to a module of analysis.data
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                data_modules.update((a.asname or a.name) for a in node.names if a.name.startswith("analysis.data"))
            elif isinstance(node, ast.ImportFrom):
                target = _from_target(node, module, path.name == "__init__.py")
                if not (target == "analysis.data" or target.startswith("analysis.data.")):
                    continue
                for alias in node.names:
                    location = package.parent / Path(*f"{target}.{alias.name}".split("."))
                    if location.with_suffix(".py").exists() or (location / "__init__.py").exists():
                        data_modules.add(alias.asname or alias.name)
                    elif alias.name in readers:
                        found.append(f"{module} imports the loader {target}.{alias.name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in readers:
                base = ast.unparse(node.value)
                if base in data_modules:
                    found.append(f"{module} uses the loader {base}.{node.attr}")
    return found


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


def test_indicators_never_call_a_loader():
    assert loader_uses() == []


def test_the_engine_sentence_names_every_importer_the_table_allows():
    """ARCHITECTURE.md's "Nothing imports the engine except …" names each module of a layer that
    the table lets import the engine."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    sentence = re.search(r"Nothing imports the engine except (.*?)\.(?:\s|$)", text, re.S)
    assert sentence, "ARCHITECTURE.md lost the sentence 'Nothing imports the engine except …'"
    named = set(re.findall(r"`([^`]+)`", sentence[1]))
    importers = {m for m, lay in RULES.modules.items() if "engine" in RULES.allowed[lay] and lay != "engine"}
    assert importers - named == set()


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


# --- the rules come from ARCHITECTURE.md, and a disagreement fails ------------------------------


def test_the_table_is_what_is_enforced(tmp_path):
    """Code that imports against the table fails; the same code passes once the table allows it."""
    root = _fake_package(tmp_path, {"indicators/a.py": "from analysis.charts import theme\n", "charts/theme.py": ""})
    text = ARCHITECTURE.read_text(encoding="utf-8")
    assert forbidden_edges(graph(root)) == ["analysis.indicators.a (indicators) imports analysis.charts.theme (charts)"]
    row = next(line for line in text.splitlines() if line.startswith("| `indicators` |"))
    looser = parse_rules(text.replace(row, "| `indicators` | foundation, `data`, `charts` |"))
    assert forbidden_edges(graph(root), looser) == []
    # and the other way: a table stricter than the code reports the real package's edges
    row = next(line for line in text.splitlines() if line.startswith("| `reports` |"))
    stricter = parse_rules(text.replace(row, "| `reports` | foundation |"))
    assert any(" (reports) imports " in edge and "(indicators)" in edge for edge in forbidden_edges(EDGES, stricter))


def test_a_table_naming_an_undeclared_layer_fails():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `data` |"))
    with pytest.raises(AssertionError, match="widgets"):
        parse_rules(text.replace(row, "| `data` | foundation, `widgets` |"))
    with pytest.raises(AssertionError, match="no '## What may import what' section"):
        parse_rules(text.replace(TABLE_HEADING, "## Imports"))


def test_a_loader_in_indicators_is_reported(tmp_path):
    root = _fake_package(tmp_path, {
        "data/io.py": ("TABLE = {'a': 1}\n\ndef parse(path):\n    return path.read_text()\n\n"
                       "def rows():\n    return parse('x')\n\ndef load_all():\n    return 1\n\ndef pure(x):\n    return x\n"),
        "indicators/a.py": "from analysis.data.io import TABLE, pure, rows\n",
        "indicators/b.py": "from analysis.data import io\n\ndef f():\n    return io.load_all(), io.TABLE\n",
        "indicators/c.py": "from ..data.io import parse as p\n",
    })
    assert loaders(root) >= {"parse", "rows", "load_all"} and "pure" not in loaders(root)
    assert loader_uses(root) == [
        "analysis.indicators.a imports the loader analysis.data.io.rows",
        "analysis.indicators.b uses the loader io.load_all",
        "analysis.indicators.c imports the loader analysis.data.io.parse",
    ]
