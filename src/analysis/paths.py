"""Where the project's files live.

The project root is found from the installed package (``src/analysis`` → two levels up) and
can be overridden with ``ECONSEC_ROOT`` (used by tests that build a copy of the project in a
temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """Folder holding ``pyproject.toml``, ``data/``, ``notebooks/`` and ``reports/``."""
    env = os.environ.get("ECONSEC_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """``<root>/data``: ``raw/`` files and ``datapackage.json``."""
    return project_root() / "data"


def datapackage_path() -> Path:
    return data_dir() / "datapackage.json"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def reports_dir() -> Path:
    return project_root() / "reports"
