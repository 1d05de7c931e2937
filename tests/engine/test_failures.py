"""A failing report: the others still build, the error is precise, nothing is half-written."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.project import make_project
from tests.support.engine import temporaries

pytestmark = pytest.mark.slow


def econsec(project, *args, env=None):
    full_env = {**os.environ, "ECONSEC_ROOT": str(project.root), "ECONSEC_COMMIT": "test-commit", **(env or {})}
    full_env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run([sys.executable, "-m", "analysis.cli", *args], capture_output=True, text=True, env=full_env, timeout=300)


def test_failure_is_isolated_reported_and_leaves_good_reports(tmp_path):
    project = make_project(tmp_path / "proj", failing=True)
    run = econsec(project, "build", "--format", "html")
    assert run.returncode == 1, run.stderr
    # Every other report was built.
    for stem in ("charts-lithium", "charts-cobalt", "typed-029"):
        assert (project.reports / f"{stem}.html").exists()
    assert not (project.reports / "failing-lithium.html").exists()
    # Summary table on stdout, one precise error line on stderr.
    assert "failing-lithium" in run.stdout and "failed" in run.stdout and "charts-lithium" in run.stdout
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: report failing-lithium failed: notebooks/failing.ipynb, cell 4, In [4]: ValueError: boom for "
        "Lithium — executed notebook kept at reports/_failed/failing-lithium.ipynb"
    ]
    assert "Traceback" not in run.stderr
    kept = json.loads((project.reports / "_failed/failing-lithium.ipynb").read_text())
    assert any(o.get("output_type") == "error" and o["ename"] == "ValueError" for c in kept["cells"] for o in c.get("outputs", []))
    assert not temporaries(project)
    listing = econsec(project, "list", "--format", "html", "--json")
    status = {row["report"]: row["status"] for row in json.loads(listing.stdout)}
    assert status == {"charts-lithium": "fresh", "charts-cobalt": "fresh", "typed-029": "fresh", "failing-lithium": "failed"}

    # The charts notebook breaks: its reports fail, and the last good HTML stays as it was.
    good = {stem: (project.reports / f"{stem}.html").read_bytes() for stem in ("charts-lithium", "charts-cobalt")}
    path = project.root / "notebooks/charts.ipynb"
    nb = json.loads(path.read_text())
    nb["cells"][3]["source"] = "raise RuntimeError('data unavailable')"
    path.write_text(json.dumps(nb))
    run = econsec(project, "build", "--format", "html", "charts")
    assert run.returncode == 1
    assert run.stderr.count("error: report charts-") == 2
    assert "notebooks/charts.ipynb, cell 4, In [4]: RuntimeError: data unavailable" in run.stderr
    for stem, data in good.items():
        assert (project.reports / f"{stem}.html").read_bytes() == data
    assert not temporaries(project)


def test_input_error_found_by_a_notebook_is_exit_2_and_writes_nothing(tmp_path):
    project = make_project(tmp_path / "proj")
    path = project.root / "notebooks/typed.ipynb"
    nb = json.loads(path.read_text())
    nb["cells"][1]["source"] = (
        "from analysis.errors import DataFileError\n"
        "raise DataFileError('data/raw/x.csv', 'unknown country', row=7, column='country', value='Japn')"
    )
    path.write_text(json.dumps(nb))
    run = econsec(project, "build", "typed", "--format", "html")
    assert run.returncode == 2, run.stderr
    errors = [line for line in run.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "Traceback" not in run.stderr
    assert "data/raw/x.csv, row 7, column 'country': unknown country (found 'Japn')" in errors[0]
    assert "report typed-029 (notebooks/typed.ipynb, cell 2" in errors[0]
    assert [p for p in project.reports.rglob("*") if "_cache" not in p.parts] == []
