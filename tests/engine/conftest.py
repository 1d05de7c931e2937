"""Fixtures for the build tests: a throw-away project root (``ECONSEC_ROOT``) holding a copy
of the data package, the fixture notebooks and a fixture ``publications.toml``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.engine.cache import Project

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"


def make_project(root: Path, *, failing: bool = False) -> Project:
    (root / "notebooks").mkdir(parents=True)
    shutil.copytree(REPO / "data", root / "data")
    for nb in (FIXTURES / "notebooks").glob("*.ipynb"):
        shutil.copy(nb, root / "notebooks" / nb.name)
    matrix = (FIXTURES / "publications.toml").read_text(encoding="utf-8")
    if failing:
        matrix += (FIXTURES / "failing.toml").read_text(encoding="utf-8")
    (root / "publications.toml").write_text(matrix, encoding="utf-8")
    (root / "reports").mkdir()
    return Project(root)


@pytest.fixture
def build_env(monkeypatch):
    """Environment of a reproducible build: fixed commit, no inherited build date."""
    monkeypatch.setenv("ECONSEC_COMMIT", "test-commit")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture
def project(tmp_path, monkeypatch, build_env) -> Project:
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
