"""Fixtures for the refresh tests (helpers in tests/support/refresh.py). No test touches the network."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.support.refresh import REAL_DATA, FakeComtrade, Project, wgi_fixture_records


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(REAL_DATA, root / "data", ignore=shutil.ignore_patterns("history"))
    monkeypatch.setenv("ECONSEC_ROOT", str(root))
    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    return Project(root)


@pytest.fixture
def comtrade_server(monkeypatch: pytest.MonkeyPatch) -> FakeComtrade:
    pytest.importorskip("comtradeapicall")
    import urllib3

    server = FakeComtrade()
    monkeypatch.setattr(urllib3.PoolManager, "request", lambda self, *a, **k: server.request(*a, **k))
    return server


@pytest.fixture
def wgi_client(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace wbgapi.data.fetch by a replay of the recorded records; returns the calls made."""
    wbgapi = pytest.importorskip("wbgapi")
    calls: list[dict[str, Any]] = []
    records = wgi_fixture_records()

    def fetch(series, economy="all", time="all", mrv=None, **kwargs):
        calls.append({"series": series, "economy": economy, "time": time, "mrv": mrv, **kwargs})
        wanted = set(series)
        years = None if time == "all" else {str(t) for t in time}
        for record in records:
            if record["series"] in wanted and (years is None or record["time"] in years):
                yield dict(record)

    monkeypatch.setattr(wbgapi.data, "fetch", fetch)
    return calls
