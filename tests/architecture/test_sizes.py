"""Size rule of issue #10 for the whole package: no module of ``src/analysis/reports`` over 400
lines and no function there over 60 lines; no other module of ``src/analysis`` over 600 lines and
no function there over 100 lines. A report that outgrows one module keeps its composer there and
its sections beside it (``country_dependence.py``, ``mineral_profile.py``, ``disruption.py``); a
big module elsewhere is split by concern (``data/usgs.py``: ``usgs_world.py``,
``usgs_commodity.py``). There are no exceptions."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "analysis"
REPORTS = PACKAGE / "reports"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MAX_OTHER_MODULE_LINES = 600
MAX_OTHER_FUNCTION_LINES = 100


def oversized(folder: Path = REPORTS, module_lines: int = MAX_MODULE_LINES, function_lines: int = MAX_FUNCTION_LINES,
              *, skip: Path | None = None) -> list[str]:
    """Modules of ``folder`` (and its subfolders, but not ``skip``) over ``module_lines`` lines and
    functions (nested ones included) over ``function_lines``."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        if skip is not None and skip in path.parents:
            continue
        name = path.relative_to(folder).as_posix()
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > module_lines:
            found.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > function_lines:
                    found.append(f"{name}:{node.lineno} {node.name}: {length} lines")
    return found


def test_report_modules_and_functions_are_small():
    assert oversized() == []


def test_every_other_module_and_function_is_within_the_package_limit():
    assert oversized(PACKAGE, MAX_OTHER_MODULE_LINES, MAX_OTHER_FUNCTION_LINES, skip=REPORTS) == []


def test_the_size_check_can_fail(tmp_path):
    (tmp_path / "big.py").write_text("def f():\n" + "    x = 1\n" * 70, encoding="utf-8")
    assert oversized(tmp_path) == ["big.py:1 f: 71 lines"]


def test_the_package_limit_can_fail_and_skips_reports(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "reports").mkdir()
    (tmp_path / "data" / "big.py").write_text("def f():\n" + "    x = 1\n" * 100 + "y = 2\n" * 500, encoding="utf-8")
    (tmp_path / "reports" / "big.py").write_text("y = 2\n" * 700, encoding="utf-8")
    assert oversized(tmp_path, MAX_OTHER_MODULE_LINES, MAX_OTHER_FUNCTION_LINES, skip=tmp_path / "reports") == [
        "data/big.py: 601 lines", "data/big.py:1 f: 101 lines"]
