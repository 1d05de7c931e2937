"""What changed since an earlier data state: loading (data layer) + comparison (indicators).

Used by the briefing's "what changed" section and by ``econsec data diff``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.refresh.history import NoHistory, states
from analysis.indicators.changes import COLUMNS, what_changed


def compare(reference: str | None, data_dir: Path) -> tuple[pd.DataFrame, str, dict[str, list[str]]]:
    """(what_changed table, label of the earlier state, resources added/removed/changed)."""
    (old_usgs, old_trade), (new_usgs, new_trade), label, resources = states(reference, data_dir)
    return what_changed(old_usgs, new_usgs, old_trade, new_trade), label, resources


def changes_since(reference: str | None = None, *, data_dir: Path | None = None) -> pd.DataFrame:
    """:func:`analysis.indicators.changes.what_changed` between an earlier state and the current package.

    ``reference``: None for the state before the last import or pull (the newest file in
    ``data/history/``), a snapshot file name or path, or a git ref (``git:HEAD~3``). The
    result's ``attrs["against"]`` names the state compared with; with no earlier state
    recorded the table is empty and ``attrs["against"]`` is None (the briefing then says the
    data have not been refreshed).
    """
    from analysis.paths import data_dir as default_data_dir

    try:
        table, label, _resources = compare(reference, data_dir or default_data_dir())
    except NoHistory:
        empty = pd.DataFrame(columns=COLUMNS)
        empty.attrs["against"] = None
        return empty
    table.attrs["against"] = label
    return table
