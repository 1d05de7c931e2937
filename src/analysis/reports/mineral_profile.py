"""Mineral profile: who supplies the world with one mineral, and where India and Japan stand.

One call, :func:`mineral_profile`, gives the notebook everything it shows for one mineral and
year. It composes the sections, each one function returning a small typed result:

* :mod:`analysis.reports.mineral_supply` — concentration of world production and reserves, R/P
  years, China's, India's and Japan's position, the partner blocs' share and the EU-method
  supply risk;
* :mod:`analysis.reports.mineral_sections` — how production and concentration moved since 2021,
  mining against refining (IEA with its outlook, or USGS series) and Japan's rare-earth
  dependence on China;
* :mod:`analysis.reports.mineral_trade` — exporter concentration of the processed and metal
  products, and India's and Japan's imports of the mineral.

Every sentence is built from computed numbers with :mod:`analysis.text` formatters.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import load_frameworks, load_usgs
from analysis.indicators.concentration import MEASURE_LABELS
from analysis.indicators.series import one_series_per_measure
from analysis.reports.common import series_choice_note
from analysis.reports.mineral_sections import (
    ProductionTrend,
    RareEarthsSection,
    StagesDetail,
    production_trend,
    rare_earths_section,
    stages_detail,
)
from analysis.reports.mineral_supply import (
    BlocSection,
    ProductionSection,
    RiskSection,
    bloc_section,
    production_section,
    risk_section,
)
from analysis.reports.mineral_trade import ExportSection, ImportSection, export_section, import_section


@dataclass(frozen=True)
class MineralProfile:
    """Everything the mineral-profile notebook shows (see :func:`mineral_profile`): the sections as
    their functions return them, the findings and caveats gathered from them."""

    mineral: str
    year: int
    #: the title block's standfirst
    standfirst: str
    #: world production and reserves: concentration, top producers, R/P years, the China–India–Japan position
    production: ProductionSection
    #: "How production moved": the main series from 2021 to ``year``
    trend: ProductionTrend
    #: "Mining vs refining" (IEA, observed, with its outlook; or the USGS series) and what is not covered
    stages: StagesDetail
    #: Japan's rare-earth dependence on China (rare-earth profile only: ``mirror`` is None otherwise)
    japan_rare_earths: RareEarthsSection
    #: the partner blocs' share of world production and reserves
    blocs: BlocSection
    #: exporter concentration of the processed and metal products
    exports: ExportSection
    #: India's and Japan's imports of the mineral
    imports: ImportSection
    #: EU-method supply risk and its sensitivity
    risk: RiskSection
    findings: list[str]
    caveats: list[str]
    #: said instead of the caveats when there are none (else empty)
    caveats_note: str


def mineral_profile(mineral: str, year: int = 2024, usgs: pd.DataFrame | None = None) -> MineralProfile:
    """Concentration of production and reserves, top producers, R/P years and the China–India–Japan
    position for one mineral and year, with the sentences that report them (numbers computed)."""
    # One series per measure and year for every section (USGS splits a few minerals into forms
    # that cannot be added up); the choice for the report's year is stated among the caveats.
    usgs, choices = one_series_per_measure(load_usgs() if usgs is None else usgs, mineral)
    supply = production_section(usgs, mineral, year)
    label = supply.label
    series_notes = [series_choice_note(c, MEASURE_LABELS.get(c.measure, c.measure)) for c in choices
                    if c.year == year and c.measure in (supply.measure, "reserves")]
    frameworks = load_frameworks()
    moved = production_trend(usgs, mineral, supply.stage, label, year, frameworks)
    stages = stages_detail(mineral, year, frameworks)
    rare = rare_earths_section(mineral, supply.concentration, stages.iea)
    blocs = bloc_section(usgs, mineral, supply.measure, year)
    exports = export_section(mineral)
    imports = import_section(mineral)
    risk = risk_section(usgs, mineral, supply.measure, year)
    # The "so what" and the leader first, then how concentration moved and where refining stands,
    # then the structure of supply, India and Japan, and the supply risk.
    findings = [supply.headline, moved.finding, *stages.findings, *supply.findings, *risk.findings]
    caveats = [*series_notes, *supply.caveats]
    return MineralProfile(
        mineral=mineral, year=year,
        standfirst=f"World {label} and reserves by country, {year}, where India and Japan stand, and how risky supply is",
        production=supply, trend=moved, stages=stages, japan_rare_earths=rare, blocs=blocs, exports=exports,
        imports=imports, risk=risk, findings=findings, caveats=caveats,
        caveats_note="" if caveats else "No values were withheld or bounded in this series.",
    )
