"""Helpers shared by report compositions: source lines for charts, series labels."""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from analysis.data.package import read_datapackage


@lru_cache(maxsize=1)
def _usgs_citations() -> dict[int, str]:
    """Edition → "USGS Mineral Commodity Summaries <edition> (doi:…)" from the data package."""
    citations: dict[int, str] = {}
    for entry in read_datapackage()["resources"]:
        for src in entry.get("sources", []):
            match = re.search(r"Mineral Commodity Summaries (\d{4})", src.get("title", ""))
            if match:
                doi = src.get("path", "").replace("https://doi.org/", "doi:")
                citations.setdefault(int(match[1]), f"USGS Mineral Commodity Summaries {match[1]} ({doi})")
    return citations


def usgs_source(editions: pd.Series | list[int]) -> str:
    """Source line for chart data drawn from the given MCS editions, newest first."""
    wanted = sorted({int(e) for e in editions}, reverse=True)
    citations = _usgs_citations()
    return "; ".join(citations.get(e, f"USGS Mineral Commodity Summaries {e}") for e in wanted)


def unit_note(usgs_type: str, mineral: str) -> str:
    """What the tonnes measure, from USGS's TYPE ("Mine production, lithium content" → "lithium content")."""
    parts = [p.strip() for p in usgs_type.split(",")[1:] if p.strip().lower() != "estimated"]
    if parts:
        return ", ".join(parts)
    if usgs_type.lower().startswith("primary"):
        return f"primary {mineral.lower()}"
    return f"{mineral.lower()}, gross weight"
