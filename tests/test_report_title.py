"""The toml title is the only title: every notebook's heading comes from publications.toml."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from analysis.notebook import report_title
from analysis.paths import notebooks_dir, project_root

MATRIX = tomllib.loads((project_root() / "publications.toml").read_text(encoding="utf-8"))
NOTEBOOKS = sorted(MATRIX["notebooks"])


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_heading_cell_uses_the_toml_title(notebook: str) -> None:
    nb = json.loads((notebooks_dir() / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    sources = ["".join(cell["source"]) for cell in nb["cells"] if cell["cell_type"] == "code"]
    heading = [src for src in sources if "title_block(" in src]
    assert len(heading) == 1, f"{notebook}: expected one title_block cell, found {len(heading)}"
    assert f'report_title("{notebook}")' in heading[0], heading[0]


def test_report_title_fills_placeholders_from_values() -> None:
    spec = MATRIX["notebooks"]["disruption_scenario"]
    title = report_title("disruption_scenario", mineral="Graphite", supplier="China", cut=0.5, expansion=0.2, year=2024, stage="mining")
    assert "{" not in title
    assert "Graphite" in title and "China" in title
    # the same text as the toml pattern with its placeholders replaced
    pattern = (re.escape(spec["title"]).replace(r"\{mineral\}", "Graphite").replace(r"\{supplier\}", "China")
               .replace(r"\{stage\}", "mining").replace(r"\{year\}", "2024"))
    assert re.fullmatch(pattern, title)
    assert "mining" in title and "2024" in title  # the scenario's stage and year are in its title


def test_report_title_reads_the_callers_globals() -> None:
    namespace = {"report_title": report_title, "country": "Japan"}
    exec('result = report_title("country_dependence")', namespace)
    assert namespace["result"] == MATRIX["notebooks"]["country_dependence"]["title"].format(country="Japan")
