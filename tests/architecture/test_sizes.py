"""Size rule of issue #10 for report compositions: no module of ``src/analysis/reports`` over
400 lines and no function there over 60 lines. A report that outgrows one module keeps its
composer there and its sections beside it (``country_dependence.py``, ``mineral_profile.py``,
``disruption.py``); there are no exceptions."""

from __future__ import annotations

import ast
from pathlib import Path

REPORTS = Path(__file__).resolve().parents[2] / "src" / "analysis" / "reports"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def oversized(folder: Path = REPORTS) -> list[str]:
    found = []
    for path in sorted(folder.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            found.append(f"{path.name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{path.name}:{node.lineno} {node.name}: {length} lines")
    return found


def test_report_modules_and_functions_are_small():
    assert oversized() == []


def test_the_size_check_can_fail(tmp_path):
    (tmp_path / "big.py").write_text("def f():\n" + "    x = 1\n" * 70, encoding="utf-8")
    assert oversized(tmp_path) == ["big.py:1 f: 71 lines"]
