"""Earlier states of the data package: ``data/history/`` snapshots and git refs.

Every import or pull keeps the ``datapackage.json`` it replaced as
``data/history/<UTC time>-<action>.json``. Raw files are immutable and never deleted, so an old
package plus today's ``data/raw`` *is* the old data state: loaders read it through
:func:`analysis.data.refresh.transaction.package_view`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.data.comtrade import load_trade, trade_resources
from analysis.data.refresh import RefreshError
from analysis.data.refresh.transaction import HISTORY_DIR, PACKAGE_FILE, package_view
from analysis.data.usgs import load_usgs, mcs_resources


class NoHistory(RefreshError):
    """No earlier state is recorded."""


def snapshots(data_dir: Path) -> list[Path]:
    """Snapshots in ``data/history/``, oldest first."""
    folder = data_dir / HISTORY_DIR
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def earlier_state(reference: str | None, data_dir: Path) -> tuple[dict[str, Any], str]:
    """(package, label) of an earlier state.

    ``reference``: None → the newest snapshot; an existing file path; a snapshot file name (or
    unique prefix) in ``data/history/``; ``git:<ref>`` or a bare git ref → ``data/datapackage.json``
    at that commit.
    """
    known = snapshots(data_dir)
    if reference is None:
        if not known:
            raise NoHistory(
                f"no earlier data state in {data_dir / HISTORY_DIR} (one is kept by every import-mcs, pull-comtrade "
                "and pull-wgi); compare with a git commit instead: econsec data diff --against git:HEAD"
            )
        return _read(known[-1]), f"data/{HISTORY_DIR}/{known[-1].name}"
    candidate = Path(reference).expanduser()
    if candidate.is_file():
        return _read(candidate), str(candidate)
    matches = [p for p in known if p.name.startswith(reference)]
    if len(matches) == 1:
        return _read(matches[0]), f"data/{HISTORY_DIR}/{matches[0].name}"
    if len(matches) > 1:
        raise RefreshError(f"--against {reference!r} matches {len(matches)} snapshots: {', '.join(p.name for p in matches[:5])}")
    ref = reference.removeprefix("git:")
    root = data_dir.parent
    try:
        shown = subprocess.run(
            ["git", "show", f"{ref}:data/{PACKAGE_FILE}"], cwd=root, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        shown = None
    if shown is None or shown.returncode != 0:
        listed = ", ".join(p.name for p in known[-3:]) or "none recorded"
        raise RefreshError(
            f"--against {reference!r} is neither a file, a snapshot in data/{HISTORY_DIR}/ (latest: {listed}) "
            f"nor a git ref with data/{PACKAGE_FILE}"
        )
    try:
        return json.loads(shown.stdout), f"git:{ref}"
    except json.JSONDecodeError:
        raise RefreshError(f"data/{PACKAGE_FILE} at git ref {ref!r} is not valid JSON") from None


def _read(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RefreshError(f"{path}: not a readable data package ({exc})") from None


def load_state(package_path: Path, like: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(usgs, trade) of a package; a source absent from it gives an empty frame shaped like ``like``."""
    usgs = load_usgs(package_path) if mcs_resources(package_path) else None
    trade = load_trade(package_path) if trade_resources(package_path) else None
    if usgs is None:
        if like is None:
            raise NoHistory(f"{package_path}: no USGS table to compare")
        usgs = like[0].iloc[0:0]
    if trade is None:
        if like is None:
            raise NoHistory(f"{package_path}: no Comtrade table to compare")
        trade = like[1].iloc[0:0]
    return usgs, trade


def states(reference: str | None, data_dir: Path) -> tuple[tuple[pd.DataFrame, pd.DataFrame], tuple[pd.DataFrame, pd.DataFrame], str, dict[str, list[str]]]:
    """((old usgs, old trade), (new usgs, new trade), label of the earlier state, resources added/removed/changed).

    Loading only: the comparison is :func:`analysis.indicators.changes.what_changed`.
    """
    package, label = earlier_state(reference, data_dir)
    current_path = data_dir / PACKAGE_FILE
    current = json.loads(current_path.read_text(encoding="utf-8"))
    new_usgs, new_trade = load_state(current_path)
    with package_view(package, data_dir) as old_path:
        old_usgs, old_trade = load_state(old_path, like=(new_usgs, new_trade))
    old_hashes = {e["name"]: e.get("hash") for e in package.get("resources", [])}
    new_hashes = {e["name"]: e.get("hash") for e in current.get("resources", [])}
    resources = {
        "added": [n for n in new_hashes if n not in old_hashes],
        "removed": [n for n in old_hashes if n not in new_hashes],
        "changed": [n for n in new_hashes if n in old_hashes and new_hashes[n] != old_hashes[n]],
    }
    return (old_usgs, old_trade), (new_usgs, new_trade), label, resources
