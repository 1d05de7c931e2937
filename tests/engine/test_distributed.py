"""The same build on a dask.distributed cluster (a LocalCluster here)."""

from __future__ import annotations

import pytest

from tests.support.project import make_project
from tests.support.engine import run_build, statuses

pytestmark = pytest.mark.slow
distributed = pytest.importorskip("distributed")


def test_build_on_a_local_dask_cluster_matches_a_local_build(tmp_path):
    project = make_project(tmp_path / "proj")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = run_build(project, formats=("html",), scheduler=cluster.scheduler_address)
    assert result.exit_code == 0, [o.message for o in result.outcomes]
    assert set(statuses(result).values()) == {"built"}
    on_dask = {p.name: p.read_bytes() for p in project.reports.glob("*.html")}
    assert set(on_dask) == {"charts-lithium.html", "charts-cobalt.html", "typed-029.html", "index.html"}

    # The cache is shared: a local no-op build after it, and a forced local build gives the same bytes.
    assert set(statuses(run_build(project, formats=("html",))).values()) == {"fresh"}
    run_build(project, formats=("html",), force=True)
    assert {p.name: p.read_bytes() for p in project.reports.glob("*.html")} == on_dask
