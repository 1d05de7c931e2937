"""The project's vocabulary, defined once: focus countries, measures, stages and keys.

Every layer may import this module (it imports nothing from ``analysis``). A new focus country,
measure or key column is added here and nowhere else.
"""

from __future__ import annotations

# --- countries --------------------------------------------------------------------------------

CHINA = "CHN"
WORLD = "WLD"
INDIA = "IND"
JAPAN = "JPN"
#: ISO3 → display name of the two partners, India first (the order of every partner table).
PARTNER_NAMES: dict[str, str] = {INDIA: "India", JAPAN: "Japan"}
#: ISO3 → display name of the three countries the reports are about (China as the dominant
#: supplier, India and Japan as the partners), in display order.
FOCUS: dict[str, str] = {CHINA: "China", **PARTNER_NAMES}
#: The two partners, ISO3 codes and names as the trade data spell them.
PARTNER_ISO3: tuple[str, ...] = tuple(PARTNER_NAMES)
PARTNERS: tuple[str, ...] = tuple(PARTNER_NAMES.values())

# --- USGS measures (supply-chain stages) -------------------------------------------------------

#: Every measure a USGS row may carry (tonnes of contained mineral).
MEASURES: tuple[str, ...] = ("mine_production", "refinery_production", "production", "capacity", "reserves")
#: The production stages, upstream first: a mineral's production series is one of these.
PRODUCTION_MEASURES: tuple[str, ...] = ("mine_production", "refinery_production")
#: Which series stands for a mineral's production, first reported wins
#: (:func:`analysis.indicators.series.primary_measure`).
SERIES_PREFERENCE: tuple[str, ...] = ("mine_production", "refinery_production", "production")

# --- supply-chain stages -----------------------------------------------------------------------

#: The supply-chain stages of the supply table (:mod:`analysis.data.supply`), upstream first.
STAGES: tuple[str, ...] = ("mining", "refining")
#: Stage → the USGS measure that reports it. USGS's undifferentiated "production" has no stage.
STAGE_MEASURE: dict[str, str] = {"mining": "mine_production", "refining": "refinery_production"}
#: USGS measure → stage (the inverse of :data:`STAGE_MEASURE`).
MEASURE_STAGE: dict[str, str] = {measure: stage for stage, measure in STAGE_MEASURE.items()}

# --- concentration thresholds ------------------------------------------------------------------

#: HHI (0–10,000) above which supply counts as highly concentrated, and from which it counts as
#: moderately concentrated: the US DOJ/FTC thresholds (1992 Horizontal Merger Guidelines, kept
#: by the 2023 Merger Guidelines). One pair for every report, chart and sentence.
HHI_HIGHLY_CONCENTRATED = 1800
HHI_MODERATELY_CONCENTRATED = 1000

# --- trade -----------------------------------------------------------------------------------

#: One Comtrade figure: reporter × partner × flow × HS code × year.
TRADE_KEY: list[str] = ["reporter_iso3", "partner_iso3", "flow", "hs_code", "year"]
TRADE_FLOWS: tuple[str, ...] = ("import", "export")
#: Trade measures: current US$ and net weight in kg.
TRADE_MEASURES: tuple[str, ...] = ("value_usd", "net_weight_kg")
#: The columns every tidy trade frame has: the key and the measures.
TRADE_COLUMNS: list[str] = [*TRADE_KEY, *TRADE_MEASURES]
