"""Disruption scenario, exposure: India's and Japan's import shares from the supplier at the
scenario's stage — their own reported split, else a mirror estimate from China's exports, else a
plain "cannot be computed" — and what the cut would take from them.

:func:`analysis.reports.disruption.disruption_scenario` composes these steps."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import load_all_reporters_2023, load_china_exports_groups, load_china_exports_hs6, load_trade
from analysis.data.comtrade import QUAD_WORLD_RESOURCE
from analysis.data.minerals import product_label
from analysis.errors import ParameterError
from analysis.indicators.dependence import import_dependence
from analysis.indicators.mirror import mirror_shares
from analysis.indicators.scenarios import Disruption
from analysis.indicators.trade import mineral_trade
from analysis.text import fmt_share, fmt_usd, join_names, lower_first
from analysis.vocabulary import PARTNER_NAMES

#: Importers whose exposure is reported.
IMPORTERS: dict[str, str] = PARTNER_NAMES
#: HS stages of the trade table that belong to each supply-chain stage.
TRADE_STAGES: dict[str, tuple[str, ...]] = {"mining": ("ore",), "refining": ("processed", "metal")}
#: The mirror-estimate product (:data:`analysis.indicators.mirror.PRODUCTS`) standing for a mineral's stage.
MIRROR_PRODUCTS: dict[tuple[str, str], str] = {
    ("Graphite", "mining"): "Natural graphite (HS 250410)",
    ("Graphite", "refining"): "Artificial graphite (HS 380110)",
    ("Rare earths", "refining"): "Rare earths (China group: HS 280530 + 284690 + 850511)",
    ("Gallium", "refining"): "Gallium, germanium and other metals, unwrought (HS 811292)",
}
TRADE_SOURCE = "UN Comtrade (UN Statistics Division): imports reported by India and Japan; China-reported exports by partner"


@dataclass(frozen=True)
class ExposureSection:
    """Importers' exposure (``country``, ``product``, ``year``, ``import_share``, ``exposure``, ``basis``)
    or None, and its sentences (or why it cannot be computed)."""

    table: pd.DataFrame | None
    text: list[str]


def _reported_share(trade: pd.DataFrame, iso3: str, mineral: str, stage: str) -> dict[str, object] | None:
    """The importer's own China split for an HS code of the stage, latest year, largest code."""
    try:
        table = import_dependence(trade, iso3, mineral=mineral)
    except ParameterError:
        return None
    split = table[(table["source"] == QUAD_WORLD_RESOURCE) & (table["china_basis"] == "reported") & table["china_share"].notna()
                  & table["stage"].isin(TRADE_STAGES[stage])]  # fmt: skip
    if split.empty:
        return None
    row = split[split["year"] == split["year"].max()].sort_values("value_usd", ascending=False).iloc[0]
    code = str(row["hs_code"])
    return {"product": f"{product_label(code)}", "hs": code, "year": int(row["year"]), "import_share": float(row["china_share"]),
            "imports_usd": float(row["value_usd"]), "china_usd": float(row["china_value_usd"]),
            "basis": f"reported by {IMPORTERS[iso3]}"}  # fmt: skip


def _mirror_share(mirror: pd.DataFrame, iso3: str, mineral: str, stage: str) -> dict[str, object] | None:
    product = MIRROR_PRODUCTS.get((mineral, stage))
    if product is None:
        return None
    rows = mirror[(mirror["importer_iso3"] == iso3) & (mirror["product"] == product) & mirror["matched"]]
    rows = rows[rows["mirror_share_value"].notna()]
    if rows.empty:
        return None
    row = rows[rows["year"] == rows["year"].max()].iloc[0]
    return {"product": product, "hs": "", "year": int(row["year"]), "import_share": min(float(row["mirror_share_value"]), 1.0),
            "imports_usd": float(row["importer_world_imports_usd"]), "china_usd": float(row["china_exports_usd"]),
            "basis": "mirror estimate: China's reported exports to it ÷ its imports from the world"}  # fmt: skip


def import_shares(mineral: str, stage: str, iso3: str) -> pd.DataFrame | None:
    """India's and Japan's import shares from the supplier at the scenario's stage, where the data allow."""
    if iso3 != "CHN":
        return None
    trade = load_trade()
    mirror = mirror_shares(load_china_exports_hs6(), load_china_exports_groups(), load_all_reporters_2023())
    rows = []
    for code, name in IMPORTERS.items():
        found = _reported_share(trade, code, mineral, stage) or _mirror_share(mirror, code, mineral, stage)
        if found is not None:
            rows.append({"reporter_iso3": code, "country": name, **found})
    return pd.DataFrame(rows) if rows else None


def exposure_section(table: pd.DataFrame | None, result: Disruption, mineral: str, supplier: str, stage: str,
                     cut: float) -> ExposureSection:
    """Importers' exposure to the cut and its sentences, or plainly why it cannot be computed."""
    text: list[str] = []
    if table is not None:
        exposed = result.exposure.set_index("reporter_iso3")
        table = table.assign(exposure=table["reporter_iso3"].map(exposed["exposure"]))
        for row in table.itertuples():
            text.append(
                f"{row.country} bought **{fmt_share(row.import_share)}** of its {lower_first(row.product)} imports from "
                f"{supplier} in {row.year} ({row.basis}, {fmt_usd(row.china_usd)} of {fmt_usd(row.imports_usd)}): a "
                f"{fmt_share(cut)} cut would remove **{fmt_share(row.exposure)}** of them if no other supplier stepped in."
            )
        missing = [name for code, name in IMPORTERS.items() if code not in set(table["reporter_iso3"])]
        if missing:
            text.append(f"For {join_names(missing)}, neither its own trade data nor a mirror estimate give the share of "
                        f"{mineral.lower()} {stage} products bought from {supplier}: its exposure cannot be computed.")
        return ExposureSection(table, text)
    if supplier != "China":
        text.append(f"The trade data split India's and Japan's imports only between China and the rest of the world, so "
                    f"their exposure to a cut by {supplier} cannot be computed.")
    else:
        text.append(f"Neither India's and Japan's own trade data nor a mirror estimate from China's exports give the share of "
                    f"their imports of {mineral.lower()} at the {stage} stage that comes from {supplier}, so their exposure "
                    "cannot be computed; it is not estimated here.")
    world = load_all_reporters_2023()
    trade_year = int(world["year"].max())
    parts = []
    for code, name in IMPORTERS.items():
        row = mineral_trade(world, code, trade_year)
        row = row[row["mineral"] == mineral]
        if len(row) and row["imports_usd"].iloc[0] > 0:
            parts.append(f"{name} {fmt_usd(float(row['imports_usd'].iloc[0]))} (HS {row['hs_codes'].iloc[0]})")
    if parts:
        text.append(f"For scale: in {trade_year}, imports of {mineral.lower()} products from all origins were {join_names(parts)}.")
    return ExposureSection(None, text)
