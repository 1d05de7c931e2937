"""Shared test fixtures: paths to the shipped raw files and helpers to make malformed copies."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW


@pytest.fixture(scope="session")
def usgs():
    """The combined USGS frame (loaded once per session; treat as read-only)."""
    from analysis.data import load_usgs

    return load_usgs()
