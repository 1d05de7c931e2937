"""Loaders: one published source each → a tidy, validated DataFrame with documented columns.

Every loader finds its file through ``data/datapackage.json`` and checks its sha256 first;
the ``read_*`` functions underneath take an explicit path (tests feed them malformed copies).
"""

from analysis.data.china_exports import load_china_exports_groups, load_china_exports_hs6
from analysis.data.comtrade import load_all_reporters_2023, load_nickel_by_partner, load_quad_imports, load_trade
from analysis.data.partnership import load_critical_mineral_lists, load_events, load_frameworks
from analysis.data.usgs import load_mcs_2024_rare_earths, load_mcs_2025, load_usgs
from analysis.data.wgi import load_political_stability, load_wgi

__all__ = [
    "load_all_reporters_2023",
    "load_china_exports_groups",
    "load_china_exports_hs6",
    "load_critical_mineral_lists",
    "load_events",
    "load_frameworks",
    "load_mcs_2024_rare_earths",
    "load_mcs_2025",
    "load_nickel_by_partner",
    "load_political_stability",
    "load_quad_imports",
    "load_trade",
    "load_usgs",
    "load_wgi",
]
