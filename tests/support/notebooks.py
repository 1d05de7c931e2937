"""Execute a report notebook with papermill as the build does (ECONSEC_BUILD=1) and collect its outputs."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import papermill

ROOT = Path(__file__).resolve().parents[2]
VEGA_LITE = "application/vnd.vegalite.v6+json"


def execute(notebook: str, tmp_path: Path, **parameters) -> nbformat.NotebookNode:
    """Run ``notebooks/<notebook>.ipynb`` with ``parameters``; raises if a cell fails."""
    os.environ["ECONSEC_BUILD"] = "1"
    out = tmp_path / f"{notebook}.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / f"{notebook}.ipynb"), str(out), parameters=parameters, progress_bar=False,
        kernel_name="python3", cwd=str(ROOT / "notebooks"),
    )
    return nbformat.read(out, as_version=4)


def charts(nb: nbformat.NotebookNode) -> list[dict]:
    """Every Vega-Lite spec the executed notebook displays."""
    return [o["data"][VEGA_LITE] for c in nb.cells for o in c.get("outputs", []) if VEGA_LITE in o.get("data", {})]


def html_text(nb: nbformat.NotebookNode) -> str:
    """All text/html outputs joined (the narrative the reader sees)."""
    return "\n".join(o["data"]["text/html"] for c in nb.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {}))


def assert_publishable(specs: list[dict]) -> None:
    """Every chart has an accessible description, a title with subtitle, a source line and tooltips."""
    import json

    for spec in specs:
        meta = spec["usermeta"]["econsec"]
        assert spec["description"] and meta["source"].startswith("Source:") and meta["subtitle"]
        assert '"tooltip"' in json.dumps(spec), f"chart {meta['title']!r} has no tooltip"
