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
from analysis.indicators.concentration import MEASURE_LABELS, Concentration
from analysis.indicators.risk import SupplyRisk
from analysis.indicators.series import one_series_per_measure
from analysis.reports.common import series_choice_note
from analysis.reports.country_sections import MirrorSection
from analysis.reports.mineral_sections import production_trend, rare_earths_section, stages_detail
from analysis.reports.mineral_supply import bloc_section, production_section, risk_section
from analysis.reports.mineral_trade import TRADE_SOURCE, export_section, import_section
from analysis.reports.sections import StageSection, TrendSection


@dataclass(frozen=True)
class MineralProfile:
    """Everything the mineral-profile notebook shows (see :func:`mineral_profile`)."""

    mineral: str
    year: int
    measure: str
    measure_label: str
    unit_note: str
    source: str
    production: Concentration
    reserves: Concentration | None
    top: pd.DataFrame
    reserves_top: pd.DataFrame | None
    reserves_to_production: pd.DataFrame | None
    rp_table: pd.DataFrame | None
    position: pd.DataFrame | None
    blocs: pd.DataFrame
    exports: pd.DataFrame
    exports_table: pd.DataFrame
    main_export: object | None
    #: products whose reported exports far exceed world imports (coding mismatch): named, not charted
    exports_notes: list[str]
    china_imports: pd.DataFrame
    risk: SupplyRisk | None
    risk_grid: pd.DataFrame | None
    #: the risk caveats in reader words (the indicator's notes name formula terms)
    risk_notes: list[str]
    findings: list[str]
    caveats: list[str]
    trade_source: str
    imports_source: str
    #: intro of the producers chart: what the bars show and what they leave out
    producers_intro: str
    #: False when three producers or fewer hold 95% or more (a cumulative-share chart would be near empty)
    show_cumulative: bool
    cumulative_note: str
    #: False when the bloc chart would have fewer than BLOC_CHART_MIN_BARS bars of BLOC_CHART_MIN_SHARE or more
    show_blocs: bool
    blocs_note: str
    #: "How production moved": trend of the main series, 2021 → year
    trend: TrendSection
    trend_stage_label: str
    production_trend: pd.DataFrame  # production_by_country
    concentration_trend: pd.DataFrame  # concentration_trend with bloc shares
    trend_table: pd.DataFrame  # display: one row per year
    #: "Mining vs refining" (IEA, observed) with the IEA outlook; None when the IEA does not cover the mineral
    stages: StageSection | None
    #: USGS mine vs refinery series side by side (copper), display table; None when USGS has no both
    usgs_stages: pd.DataFrame | None
    stage_text: list[str]
    #: Japan's rare-earth dependence on China (rare-earth profile only)
    japan_rare_earths: MirrorSection | None
    japan_rare_earths_table: pd.DataFrame | None
    japan_rare_earths_context: str
    imports_note: str
    #: nickel: where India's and Japan's nickel-ore imports came from (their own records), else None
    imports_table: pd.DataFrame | None


def mineral_profile(mineral: str, year: int = 2024, usgs: pd.DataFrame | None = None) -> MineralProfile:
    """Concentration of production and reserves, top producers, R/P years and the China–India–Japan
    position for one mineral and year, with the sentences that report them (numbers computed)."""
    # One series per measure and year for every section (USGS splits a few minerals into forms
    # that cannot be added up); the choice for the report's year is stated among the caveats.
    usgs, choices = one_series_per_measure(load_usgs() if usgs is None else usgs, mineral)
    supply = production_section(usgs, mineral, year)
    production, label = supply.production, supply.label
    series_notes = [series_choice_note(c, MEASURE_LABELS.get(c.measure, c.measure)) for c in choices
                    if c.year == year and c.measure in (supply.measure, "reserves")]
    frameworks = load_frameworks()
    moved = production_trend(usgs, mineral, supply.stage, label, year, frameworks)
    stages = stages_detail(mineral, year, frameworks)
    rare = rare_earths_section(mineral, production, stages.stages)
    blocs = bloc_section(usgs, mineral, supply.measure, year)
    exports = export_section(mineral)
    imports = import_section(mineral)
    risk = risk_section(usgs, mineral, supply.measure, year)
    # The "so what" and the leader first, then how concentration moved and where refining stands,
    # then the structure of supply, India and Japan, and the supply risk.
    findings = [supply.headline, moved.finding, *stages.findings, *supply.findings, *risk.findings]
    return MineralProfile(
        mineral=mineral, year=year, measure=supply.measure, measure_label=label, unit_note=supply.unit_note,
        source=supply.source, production=production, reserves=supply.reserves, top=supply.top,
        reserves_top=supply.reserves_top, reserves_to_production=supply.reserves_to_production,
        rp_table=supply.rp_table, position=supply.position,
        blocs=blocs.blocs, exports=exports.exports, exports_table=exports.table, main_export=exports.main_export,
        exports_notes=exports.notes, china_imports=imports.china_imports,
        risk=risk.risk, risk_grid=risk.grid, risk_notes=risk.notes,
        findings=findings, caveats=[*series_notes, *supply.caveats], trade_source=TRADE_SOURCE, imports_source=imports.source,
        producers_intro=supply.producers_intro, show_cumulative=supply.show_cumulative,
        cumulative_note=supply.cumulative_note, show_blocs=blocs.show, blocs_note=blocs.note,
        trend=moved.trend, trend_stage_label=label, production_trend=moved.production_trend,
        concentration_trend=moved.concentration_trend, trend_table=moved.table,
        stages=stages.stages, usgs_stages=stages.usgs_stages, stage_text=stages.text,
        japan_rare_earths=rare.mirror, japan_rare_earths_table=rare.table, japan_rare_earths_context=rare.context,
        imports_note=imports.note, imports_table=imports.table,
    )
