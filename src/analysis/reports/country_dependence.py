"""Country dependence: how far India or Japan relies on China for critical minerals.

One call, :func:`country_dependence`, gives the notebook everything it shows for one importing
country. It composes the sections, each one function returning a small typed result:

* :mod:`analysis.reports.country_trade` — China's share of the country's imports per HS product
  and year (the only extracts that split China from the World), its imports per mineral in the
  2023 all-reporter extract, and China's own monthly exports to it around the export-control
  events (China's own export records, summed by an independent researcher);
* :mod:`analysis.reports.country_sections` — the country's place as a refiner (IEA) and the
  mirror estimate of China's share where bilateral data are missing;
* :mod:`analysis.reports.country_supply` — governance-weighted supply risk of the priority
  minerals with the EoL-RIR × SI sensitivity, partner blocs' share of world supply, the
  country's actual nickel-ore suppliers and the India–Japan complementarity.

Every sentence is built from computed numbers with :mod:`analysis.text` formatters.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import load_events, load_frameworks, load_trade, load_usgs
from analysis.data.countries import match_name
from analysis.data.minerals import PRIORITY_MINERALS
from analysis.errors import ParameterError
from analysis.reports.common import governance_basis_text, load_governance, usgs_source
from analysis.reports.country_sections import MirrorSection, RefiningSection, mirror_section, refining_section
from analysis.reports.country_supply import (
    BLOCS,
    NICKEL_ORE,
    RISK_METHOD,
    bloc_section,
    complementarity_section,
    nickel_section,
    risk_section,
)
from analysis.reports.country_trade import CONTROL_CATEGORY, WINDOW_MONTHS, TradeSection, shock_section, trade_section
from analysis.text import count_noun
from analysis.vocabulary import PARTNER_ISO3, PARTNERS

__all__ = [
    "BLOCS", "CONTROL_CATEGORY", "COUNTRIES", "NICKEL_ORE", "RISK_METHOD", "WINDOW_MONTHS",
    "CountryDependence", "country_code", "country_dependence",
]  # fmt: skip

#: The importing countries these reports are about (display name → ISO alpha-3).
COUNTRIES: dict[str, str] = dict(zip(PARTNERS, PARTNER_ISO3))


@dataclass(frozen=True)
class CountryDependence:
    """Everything the country-dependence notebook shows (see :func:`country_dependence`)."""

    country: str
    iso3: str
    year: int
    window_months: int
    window_caption: str
    standfirst: str
    first_year: int
    latest_year: int
    #: China-split products, one row per HS code × year (chart data; shares 0–1, USD, kg)
    dependence: pd.DataFrame
    share_table: pd.DataFrame
    share_text: list[str]
    trade_year: int
    mineral_imports: pd.DataFrame
    #: Monthly China-reported exports to the country (chart data, NaN for months absent)
    flows: pd.DataFrame
    #: Export-control events drawn on the monthly chart (one row per event × series)
    event_marks: pd.DataFrame
    windows: pd.DataFrame
    window_table: pd.DataFrame
    shock_text: list[str]
    risk: pd.DataFrame
    risk_table: pd.DataFrame
    sensitivity: pd.DataFrame
    risk_text: list[str]
    blocs: pd.DataFrame
    production_note: str
    bloc_text: list[str]
    nickel_year: int | None
    nickel_sources: pd.DataFrame | None
    nickel_text: list[str]
    complementarity: pd.DataFrame
    complementarity_text: list[str]
    #: the country's place as a refiner (IEA 2023) and the mirror estimate of China's share
    refining: RefiningSection
    mirror: MirrorSection
    findings: list[str]
    caveats: dict[str, list[str]]
    sources: dict[str, str]


def country_code(country: str) -> str:
    """ISO alpha-3 of one of :data:`COUNTRIES` (ParameterError naming the valid names otherwise)."""
    entity = match_name(country)
    if country not in COUNTRIES or entity is None or entity.code != COUNTRIES[country]:
        raise ParameterError(f"unknown country {country!r}; valid: {', '.join(COUNTRIES)}")
    return entity.code


def _usgs_year(year: int) -> pd.DataFrame:
    """USGS rows of ``year`` (ParameterError listing the years there are when it has none)."""
    usgs_all = load_usgs()
    # Every USGS figure here is of one year: filtering once keeps the ~150 series look-ups fast.
    usgs = usgs_all[usgs_all["year"] == year]
    if usgs.empty:
        years = sorted(int(y) for y in usgs_all["year"].unique())
        raise ParameterError(f"no USGS data for {year}; years: {', '.join(map(str, years))}")
    return usgs


def _chart_sources(country: str, trade: TradeSection, usgs_line: str, basis: str) -> dict[str, str]:
    """Source line of each chart, by the chart's key in :attr:`CountryDependence.sources`."""
    comtrade = "UN Comtrade (UN Statistics Division)"
    return {
        "trade": f"{comtrade}: imports reported by {country}, partners World and China, {trade.first_year}–{trade.latest_year}",
        "mirror": (f"{comtrade}: China-reported monthly exports, summed by an independent researcher; "
                   "event dates: news reports"),
        "risk": f"{usgs_line}; World Bank WGI ({basis}); method: EU CRM (Blengini et al. 2017)",
        "blocs": f"{usgs_line}; memberships: news and official releases compiled for this project",
        "usgs": usgs_line,
    }


def country_dependence(country: str = "India", year: int = 2024) -> CountryDependence:
    """Dependence of ``country`` (India or Japan) on China, with supply risk and partner options.

    ``year`` is the USGS production year for supply risk and bloc shares; trade years come from
    the extracts (China/World split 2019–2024, all-reporter file 2023, monthly mirror exports
    2017–2024).
    """
    iso3 = country_code(country)
    trade = load_trade()
    usgs = _usgs_year(year)
    events = load_events()
    imports = trade_section(trade, iso3, country)
    shock = shock_section(iso3, country, events)
    governance = load_governance()  # the same basis as the mineral profiles
    basis = governance_basis_text(governance)
    risk = risk_section(usgs, governance, year, basis)
    blocs = bloc_section(usgs, load_frameworks(), year)
    nickel = nickel_section(trade, iso3, country)
    comp = complementarity_section(usgs, trade, year)
    refining = refining_section(country, iso3)
    mirror = mirror_section(country, iso3)

    # The "so what" first: how dependent, by the country's own customs data where they split China
    # out, then by the mirror estimate for the wider product groups they miss (each naming its
    # product group and data basis); where the country stands as a refiner; the shock; the risk scores.
    findings = [imports.finding, mirror.finding, refining.finding, *shock.findings, risk.finding]
    if blocs.sentence:
        findings.append(blocs.sentence)
    standfirst = (
        f"China's share of {country}'s imports {imports.first_year}–{imports.latest_year}, the shock after China's export controls, "
        f"supply risk of {count_noun(len(PRIORITY_MINERALS), 'priority mineral')} in {year} and what partners could supply"
    )
    return CountryDependence(
        country=country, iso3=iso3, year=year, window_months=WINDOW_MONTHS, window_caption=shock.window_caption,
        standfirst=standfirst, first_year=imports.first_year, latest_year=imports.latest_year,
        dependence=imports.dependence, share_table=imports.share_table, share_text=imports.share_text,
        trade_year=imports.trade_year, mineral_imports=imports.mineral_imports,
        flows=shock.flows, event_marks=shock.event_marks, windows=shock.windows, window_table=shock.window_table,
        shock_text=shock.text,
        risk=risk.risk, risk_table=risk.table, sensitivity=risk.sensitivity, risk_text=risk.text,
        blocs=blocs.blocs, production_note=blocs.production_note, bloc_text=[blocs.sentence] if blocs.sentence else [],
        nickel_year=nickel.year, nickel_sources=nickel.sources, nickel_text=nickel.text,
        complementarity=comp.table, complementarity_text=comp.text,
        refining=refining, mirror=mirror, findings=findings,
        caveats={"trade": imports.caveats, "shock": shock.caveats, "risk": risk.caveats, "partners": blocs.caveats},
        sources=_chart_sources(country, imports, usgs_source(usgs.loc[usgs["year"] == year, "edition"]), basis),
    )
