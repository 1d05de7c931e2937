"""Fixtures for the build tests: a throw-away project root (``ECONSEC_ROOT``) holding a copy
of the data package, the fixture notebooks and a fixture ``publications.toml``
(:func:`tests.support.project.make_project` without publications)."""

from __future__ import annotations

import pytest

from tests.support.project import TempProject, make_project


@pytest.fixture
def build_env(monkeypatch):
    """Environment of a reproducible build: fixed commit, no inherited build date."""
    monkeypatch.setenv("ECONSEC_COMMIT", "test-commit")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture
def project(tmp_path, monkeypatch, build_env) -> TempProject:
    project = make_project(tmp_path / "proj")
    monkeypatch.setenv("ECONSEC_ROOT", str(project.root))
    return project


@pytest.fixture(scope="session", autouse=True)
def frozen_sources():
    """Pin the ``analysis`` source digest to its value when the session started.

    Other work in the same tree (an edited library module) would otherwise make a report stale
    between two builds of one test; the cache tests change the digest explicitly instead.
    """
    from analysis.engine import fingerprint

    digest = fingerprint.sources_digest(fingerprint.FileHasher())
    patch = pytest.MonkeyPatch()
    patch.setattr(fingerprint, "sources_digest", lambda hasher: digest)
    yield digest
    patch.undo()
