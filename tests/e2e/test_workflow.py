"""The publishing workflow is valid and holds no logic of its own (``make publish-check`` does)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.project import REPO

WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_workflow_matches_the_github_actions_schema():
    """check-jsonschema with its vendored copy of SchemaStore's github-workflow schema (offline)."""
    checker = Path(sys.executable).with_name("check-jsonschema")
    assert checker.exists(), "check-jsonschema is missing from the dev tools (make install)"
    run = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_schema_check_can_fail(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n", encoding="utf-8")
    checker = Path(sys.executable).with_name("check-jsonschema")
    run = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", str(bad)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1


def test_triggers_push_to_main_schedule_and_by_hand(workflow):
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert triggers["schedule"] and triggers["schedule"][0]["cron"]
    assert "workflow_dispatch" in triggers


def test_one_command_does_the_work(workflow):
    steps = workflow["jobs"]["build"]["steps"]
    runs = [step["run"].strip() for step in steps if "run" in step]
    assert runs == ["make publish-check"]
    uses = [step["uses"].split("@")[0] for step in steps if "uses" in step]
    assert uses == ["actions/checkout", "actions/cache", "actions/upload-artifact", "actions/upload-pages-artifact"]
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == ".venv"
    assert "hashFiles('pyproject.toml'" in cache["with"]["key"]
    artifact = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact"))
    assert "reports/" in artifact["with"]["path"]
    pages = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert pages["with"]["path"] == "build/site"


def test_deploys_to_pages_after_the_build(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_makefile_publish_check_runs_every_stage():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\npublish-check:", 1)[1].split("\n\n", 1)[0]
    for stage in ("install-system-deps.sh --require", "check-jsonschema", "test", "reports",
                  "ECONSEC_CHECK_REPORTS=reports", "tests/e2e/test_browser.py", "tests/e2e/test_pdf.py", "site"):
        assert stage in recipe, stage
    site = makefile.split("\nsite:", 1)[1].split("\n\n", 1)[0]
    assert "build/site" in site and "_cache" in site and "index.html" in site
