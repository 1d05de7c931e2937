"""The command line: help, exit codes, one-line errors before any kernel starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.project import make_project


def econsec(project, *args):
    env = {**os.environ, "ECONSEC_ROOT": str(project.root), "ECONSEC_COMMIT": "test-commit"}
    return subprocess.run([sys.executable, "-m", "analysis.cli", *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("cli") / "proj")


def written(project) -> list[str]:
    return sorted(str(p.relative_to(project.root)) for p in project.reports.rglob("*"))


@pytest.mark.parametrize("command", [[], ["build"], ["list"], ["params"]])
def test_help_everywhere_documents_exit_codes(project, command):
    run = econsec(project, *command, "--help")
    assert run.returncode == 0
    assert "usage: econsec" in run.stdout
    if command:
        assert "exit codes:" in run.stdout and "2  usage or input error" in run.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (["build", "-p", "mineral=Litium"],
         "econsec: error: notebook charts (publications.toml [[publications]] #1 set 1 with -p): unknown mineral 'Litium' — did you mean 'Lithium'? valid: "),
        (["build", "charts", "-p", "year=twenty"], "parameter 'year' expects an integer, got 'twenty'"),
        (["build", "typed", "-p", "cut=1.5"], "cut 1.5 is out of range — valid: [0, 1]"),
        (["build", "-p", "yeer=2024"], "unknown parameter 'yeer' — did you mean 'year'?"),
        (["build", "charts-litium"], "unknown report or notebook 'charts-litium' — did you mean 'charts-lithium'?"),
        (["build", "--format", "docx"], "unknown format 'docx'"),
        (["build", "--jobs", "0"], "--jobs must be at least 1"),
        (["params", "chart"], "unknown notebook 'chart' — did you mean 'charts'?"),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(project, args, message):
    before = written(project)
    run = econsec(project, *args)
    assert run.returncode == 2, run.stderr
    assert message in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert "Traceback" not in run.stderr
    assert written(project) == before


def test_usage_errors_exit_2(project):
    run = econsec(project, "build", "--jobs", "x")
    assert run.returncode == 2
    assert "invalid int value" in run.stderr


def test_params_shows_types_defaults_and_allowed_values(project):
    run = econsec(project, "params", "charts")
    assert run.returncode == 0
    assert "mineral: str  default \"Lithium\"" in run.stdout
    assert "allowed (" in run.stdout and "Rare earths" in run.stdout
    schema = json.loads(econsec(project, "params", "typed", "--json").stdout)
    assert [(p["name"], p["type"], p["default"]) for p in schema["parameters"]] == [
        ("code", "str", "001"), ("items", "list[int]", [1]), ("cut", "float", 0.5), ("flag", "bool", False)]
    assert schema["parameters"][2]["min"] == 0 and schema["parameters"][2]["max"] == 1


def test_list_shows_every_publication_with_status(project):
    run = econsec(project, "list")
    assert run.returncode == 0
    for stem in ("charts-lithium", "charts-cobalt", "typed-029"):
        assert stem in run.stdout
    rows = json.loads(econsec(project, "list", "--json").stdout)
    assert [(r["report"], r["status"], r["reason"]) for r in rows] == [
        ("charts-lithium", "stale", "not built yet"), ("charts-cobalt", "stale", "not built yet"), ("typed-029", "stale", "not built yet")]
    assert rows[2]["parameters"] == {"code": "029", "items": [1, 2], "cut": 0.25, "flag": True}


def test_malformed_matrix_and_changed_data_are_exit_2(tmp_path):
    project = make_project(tmp_path / "proj")
    matrix = project.root / "publications.toml"
    matrix.write_text(matrix.read_text().replace('type = "bool"', 'type = "boolean"'))
    run = econsec(project, "build")
    assert run.returncode == 2
    assert "type 'boolean' is not one of" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    matrix.write_text(matrix.read_text().replace('type = "boolean"', 'type = "bool"'))
    events = project.root / "data/raw/partnership/events.csv"
    events.write_bytes(events.read_bytes() + b"\n")
    run = econsec(project, "build", "typed")
    assert run.returncode == 2
    assert "events.csv" in run.stderr and "sha256 differs from datapackage.json" in run.stderr
    assert not list(project.reports.glob("*.html"))
