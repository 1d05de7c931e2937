"""Cache decisions: what is rebuilt after which change (kernels run: slow).

"Skipped" is checked by the engine's own decisions and by file mtimes, never by timing.
"""

from __future__ import annotations

import json

import pytest

from analysis.engine import fingerprint
from analysis.engine.cache import BuildInputs, decide
from analysis.engine.plan import load_reports

from tests.support.project import make_project
from tests.support.engine import environment, mtimes, record_hash, run_build, statuses

pytestmark = pytest.mark.slow


def decisions(project, formats=("html",)):
    with environment(ECONSEC_ROOT=str(project.root)):
        inputs = BuildInputs.compute(project)
        return {r.stem: decide(r, formats, inputs) for r in load_reports(project, inputs)}


def test_rebuilds_exactly_what_changed(tmp_path):
    project = make_project(tmp_path / "proj")
    first = run_build(project, formats=("html",))
    assert set(statuses(first).values()) == {"built"}
    assert {d.action for d in decisions(project).values()} == {"skip"}

    # One parameter set changes: that report and no other.
    matrix = project.root / "publications.toml"
    matrix.write_text(matrix.read_text().replace('{ mineral = "Cobalt", year = 2024 }', '{ mineral = "Cobalt", year = 2023 }'))
    plan = decisions(project)
    assert {s: d.action for s, d in plan.items()} == {"charts-lithium": "skip", "charts-cobalt": "execute", "typed-029": "skip"}
    assert plan["charts-cobalt"].reason == "parameters changed"
    before = mtimes(project)
    second = run_build(project, formats=("html",))
    assert statuses(second) == {"charts-lithium": "fresh", "charts-cobalt": "built", "typed-029": "fresh"}
    after = mtimes(project)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"charts-cobalt.html", "charts-cobalt.ipynb", "index.html", "feed.xml"}  # index and feed show the new content

    # A data file the charts read changes (and is recorded): the reports that read it, only.
    csv = project.root / "data/raw/usgs-mcs-2024/mcs2024-raree_world-1.csv"
    csv.write_bytes(csv.read_bytes() + b"," * 43 + b"\r\n")  # one more empty row, like the 25 already there
    plan = decisions(project)
    assert {s: d.action for s, d in plan.items()} == {"charts-lithium": "execute", "charts-cobalt": "execute", "typed-029": "skip"}
    assert plan["charts-lithium"].reason == "data changed: usgs-mcs-2024-rare-earths"
    record_hash(project, "usgs-mcs-2024-rare-earths")
    third = run_build(project, formats=("html",))
    assert statuses(third) == {"charts-lithium": "built", "charts-cobalt": "built", "typed-029": "fresh"}

    # A new resource of a kind the charts discover (as a new USGS edition would be; here a second
    # entry for a shipped edition) rebuilds them although no file they read changed; the report
    # that reads no USGS data stays fresh.
    package_path = project.root / "data/datapackage.json"
    original = package_path.read_text(encoding="utf-8")
    package = json.loads(original)
    edition = next(r for r in package["resources"] if (r.get("econsec") or {}).get("kind") == "usgs-mcs-world")
    package["resources"].append({**edition, "name": f"{edition['name']}-second-copy"})
    package_path.write_text(json.dumps(package), encoding="utf-8")
    plan = decisions(project)
    assert {s: d.action for s, d in plan.items()} == {"charts-lithium": "execute", "charts-cobalt": "execute", "typed-029": "skip"}
    assert plan["charts-lithium"].reason == "data changed: kind:usgs-mcs-world"
    package_path.write_text(original, encoding="utf-8")
    assert {d.action for d in decisions(project).values()} == {"skip"}

    # Touching a file without changing its bytes rebuilds nothing.
    csv.touch()
    assert {d.action for d in decisions(project).values()} == {"skip"}

    # Asking for PDF too converts the kept executed notebooks: no kernel, no re-execution.
    fourth = run_build(project, formats=("html", "pdf"))
    assert set(statuses(fourth).values()) == {"converted"}
    for stem in ("charts-lithium", "charts-cobalt", "typed-029"):
        assert (project.reports / f"{stem}.pdf").exists()

    # An output deleted by hand is rebuilt (converted again from the executed notebook).
    (project.reports / "typed-029.html").unlink()
    plan = decisions(project, ("html", "pdf"))
    assert plan["typed-029"].action == "convert"
    assert "missing or changed" in plan["typed-029"].reason

    # --force rebuilds everything.
    forced = run_build(project, formats=("html",), force=True, names=["typed-029"])
    assert statuses(forced) == {"typed-029": "built"}


def test_key_components_each_invalidate(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = make_project(tmp_path / "proj")
    run_build(project, names=["typed-029"], formats=("html",))

    def typed_action():
        return decisions(project)["typed-029"]

    assert typed_action().action == "skip"
    monkeypatch.setattr(fingerprint, "sources_digest", lambda hasher: "another analysis source")
    assert typed_action().reason == "analysis source changed"
    monkeypatch.undo()  # back to the session's pinned digest

    versions = dict(fingerprint.versions())
    monkeypatch.setattr(fingerprint, "versions", lambda: {**versions, "altair": "0.0"})
    assert typed_action().reason == "package versions changed"
    monkeypatch.undo()

    with environment(SOURCE_DATE_EPOCH="1700000000"):
        assert typed_action().reason == "build date changed"
    nb = project.root / "notebooks/typed.ipynb"
    nb.write_text(nb.read_text().replace("flag = False", "flag = False  # edited"))
    assert typed_action().reason == "notebook changed"
