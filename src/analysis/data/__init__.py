"""Loaders: one published source each → a tidy, validated DataFrame with documented columns.

Every loader finds its file through ``data/datapackage.json`` and checks its sha256 first;
the ``read_*`` functions underneath take an explicit path (tests feed them malformed copies).

The loaders are re-exported lazily (PEP 562): ``from analysis.data import load_usgs`` works as
usual, but importing a light submodule such as ``analysis.data.cli`` or
``analysis.data.package`` does not pull in pandas and pandera — every ``econsec`` command
would otherwise pay ≈ 0.4 s of start-up, no-op builds included.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public loader → the module defining it.
_LOADERS: dict[str, str] = {
    "load_china_exports_groups": "analysis.data.china_exports",
    "load_china_exports_hs6": "analysis.data.china_exports",
    "load_all_reporters_2023": "analysis.data.comtrade",
    "load_nickel_by_partner": "analysis.data.comtrade",
    "load_quad_imports": "analysis.data.comtrade",
    "load_trade": "analysis.data.comtrade",
    "load_critical_mineral_lists": "analysis.data.partnership",
    "load_events": "analysis.data.partnership",
    "load_frameworks": "analysis.data.partnership",
    "load_supply": "analysis.data.supply",
    "load_iea_supply": "analysis.data.iea",
    "load_mcs_2024_rare_earths": "analysis.data.usgs",
    "load_mcs_2025": "analysis.data.usgs",
    "load_usgs": "analysis.data.usgs",
    "load_political_stability": "analysis.data.wgi",
    "load_wgi": "analysis.data.wgi",
}

__all__ = sorted(_LOADERS)


def __getattr__(name: str) -> Any:
    module = _LOADERS.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis.data' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LOADERS))
