"""Where the project's files live.

The project root is found from the installed package (``src/analysis`` → two levels up) and
can be overridden with ``ECONSEC_ROOT`` (used by tests that build a copy of the project in a
temporary folder).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Mapping
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


def slug(name: object) -> str:
    """File-name slug: lower-case letters and digits, runs of anything else one hyphen.

    "Rare earths" → "rare-earths", "DR Congo" → "dr-congo". The one rule for report file names,
    chart CSV names, data-package resource names and history snapshots.
    """
    text = "".join(ch.lower() if ch.isalnum() else "-" for ch in str(name))
    return "-".join(part for part in text.split("-") if part)


def anchor(kind: str, name: object) -> str:
    """In-page anchor id for a subject of a report section: ``anchor("mineral", "Rare earths")`` →
    ``"mineral-rare-earths"``. The one rule shared by the pages that carry an anchor (a table row)
    and the links that point at it (generated cross-links between reports)."""
    return f"{slug(kind)}-{slug(name)}"


def git_commit(root: Path | None = None) -> str:
    """``ECONSEC_COMMIT`` if set (``econsec build`` sets it), else git HEAD of ``root``.

    12 hex digits, with ``+dirty`` when tracked files differ; ``unknown`` without git.
    """
    env = os.environ.get("ECONSEC_COMMIT")
    if env:
        return env
    cwd = root or project_root()
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=cwd, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + ("+dirty" if dirty else "") if head else "unknown"


def data_version(digests: Mapping[str, str]) -> str:
    """``sha256:<16 hex>`` over the sorted (resource name, file sha256) pairs a report read: the
    one data identifier a report prints (Sources section, PDF) and cites (CSL-JSON, BibTeX).

    The kernel computes it from the resources it loaded (:func:`analysis.data.package.accessed_resources`),
    the build engine from the same names in its cache entry, so both print the same value.
    """
    text = "\n".join(f"{name} {digest}" for name, digest in sorted(digests.items()))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
