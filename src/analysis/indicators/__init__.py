"""Indicators: pure functions over the tidy frames of :mod:`analysis.data` (no I/O, no plotting).

One module per concern; each report number comes from one call:

* :mod:`~analysis.indicators.concentration` — world supply shares, leader, top-k, HHI range, N to 80 %, R/P
* :mod:`~analysis.indicators.trade` — trade preparation: de-duplication, zero weights, mineral totals (Comtrade)
* :mod:`~analysis.indicators.dependence` — import dependence and China shares (Comtrade)
* :mod:`~analysis.indicators.exports` — export-side concentration (Comtrade)
* :mod:`~analysis.indicators.risk` — governance-weighted supply risk (EU CRM method)
* :mod:`~analysis.indicators.scenarios` — supplier-cut disruption scenarios
* :mod:`~analysis.indicators.partners` — bloc membership, bloc shares, India–Japan complementarity
* :mod:`~analysis.indicators.timeseries` — monthly China exports around dated events

Conventions everywhere: tonnes, US dollars, kilograms of product; shares as 0–1 fractions;
HHI on the 0–10 000 scale; bad arguments raise :class:`analysis.errors.ParameterError` naming
the argument and the valid values.
"""

from analysis.indicators.concentration import (
    Concentration,
    concentration,
    concentration_table,
    countries_to_reach,
    hhi,
    hhi_bounds,
    reserves_to_production,
    top_producers,
)
from analysis.indicators.dependence import import_dependence, import_sources, supplier_share_table
from analysis.indicators.trade import dedupe_trade, mineral_trade
from analysis.indicators.exports import (
    ExportConcentration,
    export_concentration,
    export_concentration_summary,
    export_concentration_table,
)
from analysis.indicators.partners import Bloc, bloc_members, bloc_names, bloc_shares, complementarity
from analysis.indicators.risk import (
    SupplyRisk,
    governance_from_stability,
    governance_from_wgi,
    hhi_wgi_bounds,
    import_reliance,
    supply_risk,
    supply_risk_sensitivity,
    supply_risk_table,
)
from analysis.indicators.scenarios import Disruption, disruption, disruption_curve, exposure, shortfall_grid
from analysis.indicators.timeseries import FlowsAroundEvents, flows_around_events, tag_events

__all__ = [
    "Bloc",
    "Concentration",
    "Disruption",
    "ExportConcentration",
    "FlowsAroundEvents",
    "SupplyRisk",
    "bloc_members",
    "bloc_names",
    "bloc_shares",
    "complementarity",
    "concentration",
    "concentration_table",
    "countries_to_reach",
    "dedupe_trade",
    "disruption",
    "disruption_curve",
    "export_concentration",
    "export_concentration_summary",
    "export_concentration_table",
    "exposure",
    "flows_around_events",
    "governance_from_stability",
    "governance_from_wgi",
    "hhi",
    "hhi_bounds",
    "hhi_wgi_bounds",
    "import_dependence",
    "import_reliance",
    "import_sources",
    "mineral_trade",
    "reserves_to_production",
    "shortfall_grid",
    "supplier_share_table",
    "supply_risk",
    "supply_risk_sensitivity",
    "supply_risk_table",
    "tag_events",
    "top_producers",
]
