"""Allowed values of report parameters, drawn from the data package.

A parameter's ``domain`` in ``publications.toml`` names a function of this module (the module
itself is named by ``[project] domains``). Each function takes no argument and returns the
sorted allowed values; the first line of its docstring is the description ``econsec params``
shows. The engine caches the values (:class:`analysis.engine.domains.DomainCache`), so these
functions run only when the data or the code changed.
"""

from __future__ import annotations

from analysis.paths import anchor
from analysis.vocabulary import PARTNER_ISO3, PARTNERS, PRODUCTION_MEASURES

__all__ = ["minerals", "production_years", "trade_countries", "suppliers", "stages", "scenario_series",
           "report_sections"]


def _usgs():
    from analysis.data import load_usgs

    return load_usgs()


def minerals() -> list[str]:
    """USGS commodities with a numeric mine or refinery production figure for some country"""
    from analysis.indicators.concentration import available

    usgs = _usgs()
    names: set[str] = set()
    for measure in PRODUCTION_MEASURES:
        names.update(available(usgs, measure))
    return sorted(names)


def production_years() -> list[int]:
    """years with USGS production figures"""
    usgs = _usgs()
    rows = usgs[usgs["measure"].isin(PRODUCTION_MEASURES) & usgs["value_t"].notna()]
    return sorted(int(y) for y in rows["year"].unique())


def trade_countries() -> list[str]:
    """India and Japan, as reporters in the UN Comtrade data"""
    from analysis.data import load_quad_imports

    reporters = set(load_quad_imports()["reporter"].astype(str))
    return [name for name in PARTNERS if name in reporters]


def suppliers() -> list[str]:
    """countries with a numeric USGS mine or refinery production figure"""
    usgs = _usgs()
    rows = usgs[
        (usgs["entity_kind"] == "country") & usgs["measure"].isin(PRODUCTION_MEASURES) & usgs["value_t"].notna()
    ]
    return sorted(str(c) for c in rows["country"].unique())


def _stage_sources():
    from analysis.data import load_supply
    from analysis.indicators.stages import stage_sources

    return stage_sources(load_supply())


def stages() -> list[str]:
    """supply-chain stages with country figures in the data (mining, refining)"""
    return sorted(str(s) for s in _stage_sources()["stage"].unique())


def scenario_series() -> list[list[object]]:
    """mineral × stage × year combinations with country figures a scenario can cut"""
    table = _stage_sources()
    return [[str(m), str(s), int(y)] for m, s, y in table[["mineral", "stage", "year"]].itertuples(index=False)]


def report_sections() -> list[dict[str, object]]:
    """report sections about one mineral: each country report's import row, the partnership's events row"""
    # Consumed by the engine's cross-links (``[project] sections``), not a parameter domain: each
    # entry names the subject, the target notebook and parameters, the anchor the target page
    # carries (analysis.paths.anchor, the same rule its table uses) and the link text.
    from analysis.data import load_events, load_trade
    from analysis.indicators.concentration import available
    from analysis.reports.country_trade import imports_by_mineral
    from analysis.reports.partnership import mineral_events_table

    found: list[dict[str, object]] = []
    trade = load_trade()
    for iso3, country in zip(PARTNER_ISO3, PARTNERS):
        year, table = imports_by_mineral(trade, iso3)
        for mineral in table["Mineral"]:
            found.append({"subject": {"mineral": str(mineral)}, "notebook": "country_dependence",
                          "params": {"country": country}, "fragment": anchor("mineral", mineral),
                          "label": f"{country}: imports of {str(mineral).lower()}, {year}"})
    for row in mineral_events_table(load_events(), available(_usgs())).itertuples(index=False):
        found.append({"subject": {"mineral": str(row.Mineral)}, "notebook": "partnership", "params": {},
                      "fragment": anchor("mineral", row.Mineral),
                      "label": f"Partnership events on {str(row.Mineral).lower()} ({row.Events})"})
    return found
