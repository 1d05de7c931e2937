"""Which partnership events are about which mineral: a plain word match on the event's title
and description, so the link from a mineral to its events is computed from the sourced text,
never assigned by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd


def mineral_pattern(name: str) -> re.Pattern[str]:
    """Case-insensitive word pattern for a USGS commodity name in running text.

    Each word may be singular or plural and words may be joined by a space or a hyphen:
    "Rare earths" matches "rare earth", "rare-earth" and "Rare Earths"; "Platinum-group metals"
    matches "platinum group metal". A word boundary on both sides keeps "tin" out of "Latin".
    """
    words = [w for w in re.split(r"[\s\-]+", name.strip().lower()) if w]
    if not words:
        raise ValueError("mineral name is empty")
    parts = []
    for word in words:
        stem = word[:-1] if len(word) > 3 and word.endswith("s") else word
        parts.append(re.escape(stem) + "s?")
    return re.compile(r"\b" + r"[\s\-]+".join(parts) + r"\b", re.IGNORECASE)


def events_by_mineral(events: pd.DataFrame, minerals: Iterable[str]) -> pd.DataFrame:
    """One row per (mineral, event) where the event's ``event`` or ``description`` names the mineral.

    ``events``: columns ``date`` (as published, str), ``event`` (title) and ``description``; other
    columns (``label``, ``source_type`` …) are carried along. Returns those columns plus
    ``mineral``, minerals in the order given, events in the order of ``events`` (oldest first in
    the loaded data). A mineral no event names has no row.
    """
    text = events["event"].astype(str) + " " + events["description"].fillna("").astype(str)
    parts = []
    for mineral in dict.fromkeys(minerals):
        hits = events[text.str.contains(mineral_pattern(mineral), regex=True)]
        if len(hits):
            parts.append(hits.assign(mineral=mineral))
    if not parts:
        return events.iloc[0:0].assign(mineral=pd.Series(dtype=str))
    return pd.concat(parts, ignore_index=True)
