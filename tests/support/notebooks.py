"""Execute a report notebook with papermill as the build does (ECONSEC_BUILD=1) and collect its outputs."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import papermill

from analysis.data import frame_cache

ROOT = Path(__file__).resolve().parents[2]
VEGA_LITE = "application/vnd.vegalite.v6+json"


def run_frame_cache(tmp_path: Path) -> Path:
    """One parsed-frame cache (:mod:`analysis.data.frame_cache`) for every notebook a test run executes:
    in the run's base temp folder, shared by the xdist workers (entries are written atomically and
    keyed by file contents and loading code, so sharing never serves a stale frame)."""
    worker = tmp_path.parent
    return (worker.parent if worker.name.startswith("popen-gw") else worker) / "frame-cache"


def execute(notebook: str, tmp_path: Path, **parameters) -> nbformat.NotebookNode:
    """Run ``notebooks/<notebook>.ipynb`` with ``parameters``; raises if a cell fails.

    The kernel parses each data file once per test run (the run's frame cache, as a build's
    kernels share one); the test process's own environment is left as it was."""
    os.environ["ECONSEC_BUILD"] = "1"
    out = tmp_path / f"{notebook}.ipynb"
    before = os.environ.get(frame_cache.ENV)
    os.environ[frame_cache.ENV] = str(run_frame_cache(tmp_path))
    try:
        papermill.execute_notebook(
            str(ROOT / "notebooks" / f"{notebook}.ipynb"), str(out), parameters=parameters, progress_bar=False,
            kernel_name="python3", cwd=str(ROOT / "notebooks"),
        )
    finally:
        if before is None:
            os.environ.pop(frame_cache.ENV, None)
        else:
            os.environ[frame_cache.ENV] = before
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
