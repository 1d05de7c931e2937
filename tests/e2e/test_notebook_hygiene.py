"""Source notebooks are thin and clean: no outputs, no execution counts, one ``parameters`` cell,
imports only from ``analysis`` and the standard charting stack (the analysis lives in the package,
where it is tested; a notebook only composes it), and no prose or table reshaping typed into a
code cell: standfirsts, paragraphs, caveats and findings come from the report's composition, as
do display-ready tables (captions and headings, labels like markdown, may stay in the cell)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from tests.support.project import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
#: Top-level modules a notebook may import: the project's package and the charting stack.
ALLOWED_IMPORTS = {"analysis", "altair", "pandas", "numpy", "__future__"}
#: Report blocks whose words must come from the composition, and from which argument on (title_block's
#: first argument is the title from publications.toml, its second the standfirst).
PROSE_BLOCKS = {"paragraph": 0, "caveat": 0, "key_findings": 0, "title_block": 1}
#: DataFrame methods that reshape a table for display: the composition returns it display-ready.
RESHAPING = {"rename", "assign", "merge", "pivot", "pivot_table", "groupby", "sort_values", "drop"}


def prose_problems(number: int, tree: ast.AST) -> list[str]:
    """Sentences typed into report blocks and tables reshaped in the cell (see the module docstring)."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name in RESHAPING:
            found.append(f"cell {number}: reshapes a table with .{name}(…) (return it display-ready from the composition)")
        if name in PROSE_BLOCKS:
            for arg in node.args[PROSE_BLOCKS[name]:]:
                value = arg.value if isinstance(arg, ast.Starred) else arg
                if isinstance(value, ast.JoinedStr) or (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                    found.append(f"cell {number}: prose typed into {name}(…) (put it in the composition)")
    return found


def code_of(cell: dict) -> str:
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    # IPython magics and shell escapes are not Python; they are refused below, not parsed.
    return source


def problems_of(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    parameter_cells = [i for i, c in enumerate(nb["cells"]) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(parameter_cells) != 1:
        found.append(f"{len(parameter_cells)} cells tagged 'parameters' (need exactly one)")
    for number, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] != "code":
            if cell.get("outputs") or cell.get("execution_count") is not None:
                found.append(f"cell {number}: a {cell['cell_type']} cell with outputs")
            continue
        if cell.get("outputs"):
            found.append(f"cell {number}: has {len(cell['outputs'])} output(s)")
        if cell.get("execution_count") is not None:
            found.append(f"cell {number}: execution count {cell['execution_count']}")
        source = code_of(cell)
        for line in source.splitlines():
            if line.lstrip().startswith(("%", "!")):
                found.append(f"cell {number}: IPython magic or shell command {line.strip()!r}")
        try:
            tree = ast.parse("\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in source.splitlines()))
        except SyntaxError as exc:
            found.append(f"cell {number}: not valid Python ({exc.msg}, line {exc.lineno})")
            continue
        found.extend(prose_problems(number, tree))
        for node in ast.walk(tree):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = ["." * node.level + (node.module or "")]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__":
                modules = ["__import__(…)"]
            for module in modules:
                if module.split(".")[0] not in ALLOWED_IMPORTS:
                    found.append(f"cell {number}: imports {module!r} (allowed: {', '.join(sorted(ALLOWED_IMPORTS))})")
    if nb.get("metadata", {}).get("widgets"):
        found.append("notebook metadata holds widget state")
    return found


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebook in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_clean(path):
    assert problems_of(path) == []


def test_the_check_catches_a_dirty_notebook(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("y = 2", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import requests\nfrom scipy import stats\nimport analysis.text\n%matplotlib inline",
                                  execution_count=3, outputs=[nbformat.v4.new_output("stream", text="hi")]),
        nbformat.v4.new_code_cell('report.title_block(report_title("x"), f"World {p.label}, {p.year}")\n'
                                  'report.paragraph(p.note) if p.ok else report.paragraph("Nothing to show.")\n'
                                  'report.table(p.frame.rename(columns={"a": "A"}), caption="A caption may stay")'),
    ])
    path = tmp_path / "dirty.ipynb"
    nbformat.write(nb, path)
    found = problems_of(path)
    assert found[0] == "2 cells tagged 'parameters' (need exactly one)"
    assert "cell 3: has 1 output(s)" in found and "cell 3: execution count 3" in found
    assert any("imports 'requests'" in f for f in found) and any("imports 'scipy'" in f for f in found)
    assert not any("analysis.text" in f for f in found)
    assert any("magic" in f for f in found)
    assert [f for f in found if f.startswith("cell 4")] == [
        "cell 4: prose typed into title_block(…) (put it in the composition)",
        "cell 4: prose typed into paragraph(…) (put it in the composition)",
        "cell 4: reshapes a table with .rename(…) (return it display-ready from the composition)",
    ]
