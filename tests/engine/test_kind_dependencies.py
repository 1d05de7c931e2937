"""Data dependencies on resource kinds ("every USGS edition", "every WGI pull"), without kernels."""

from __future__ import annotations

import json

from analysis.engine.cache import BuildInputs


def test_a_kind_with_no_resources_has_a_stable_state_that_its_first_member_changes(project):
    inputs = BuildInputs.compute(project)
    deps = ["usgs-mcs-2025-world", "kind:usgs-mcs-world", "kind:wgi-pull"]
    first = inputs.deps_state(deps)
    assert first["kind:wgi-pull"]  # known and comparable, not "missing from the package"
    assert BuildInputs.compute(project).deps_state(deps) == first  # nothing changed: same state

    package_path = project.datapackage
    package = json.loads(package_path.read_text(encoding="utf-8"))
    stability = next(r for r in package["resources"] if r["name"] == "wgi-political-stability-2023")
    package["resources"].append({**stability, "name": "wgi-pull-test", "econsec": {"kind": "wgi-pull"}})
    package_path.write_text(json.dumps(package), encoding="utf-8")
    second = BuildInputs.compute(project).deps_state(deps)
    assert second["kind:wgi-pull"] != first["kind:wgi-pull"]
    assert second["kind:usgs-mcs-world"] == first["kind:usgs-mcs-world"]
    assert second["usgs-mcs-2025-world"] == first["usgs-mcs-2025-world"]
