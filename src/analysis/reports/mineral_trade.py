"""Mineral profile, trade sections: exporter concentration of the mineral's processed and metal
products (UN Comtrade, all reporters 2023) and India's and Japan's imports of it — from China
where the extracts split China out, else (nickel) their nickel-ore suppliers from their own
customs records.

Each section is one function returning a small typed result; :func:`analysis.reports.mineral_profile.mineral_profile`
composes them."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import load_all_reporters_2023, load_quad_imports, load_trade
from analysis.data.countries import display_name
from analysis.data.minerals import HS_PRODUCTS, product_name
from analysis.indicators.dependence import import_dependence
from analysis.indicators.exports import export_concentration, export_concentration_table
from analysis.reports.country_supply import NICKEL_ORE
from analysis.text import fmt_hhi, fmt_share, fmt_usd, join_names, lower_first
from analysis.vocabulary import PARTNER_NAMES

#: Reported exports above this multiple of world imports mean the two sides code the product differently.
MAX_COVERAGE = 1.5
TRADE_SOURCE = "UN Comtrade Database: 2023 trade of all reporters, partner World (hpham210/critical-minerals-risk-index)"


@dataclass(frozen=True)
class ExportSection:
    """Exporter concentration of the mineral's processed, metal and battery products."""

    exports: pd.DataFrame
    table: pd.DataFrame
    #: caption of ``table``, with the trade year of the data
    caption: str
    main_export: object | None
    #: the main product's short name (its description up to the first ";"), empty when there is none
    main_product: str
    #: said instead of the chart and table when the trade data hold no processed product (else empty)
    note: str
    #: products whose reported exports far exceed world imports (coding mismatch): named, not charted
    notes: list[str]
    source: str


@dataclass(frozen=True)
class ImportSection:
    """India's and Japan's imports of the mineral: from China over time, or (nickel) by partner."""

    china_imports: pd.DataFrame
    #: nickel: where India's and Japan's nickel-ore imports came from (their own records), else None
    table: pd.DataFrame | None
    #: caption of ``table`` (empty when there is no table)
    caption: str
    note: str
    source: str


def export_section(mineral: str) -> ExportSection:
    """Exporter shares of each product, the main product's concentration and the mismatched products named."""
    exports, main_export = _exports(mineral)
    years = ", ".join(str(int(y)) for y in sorted(exports["year"].unique())) if len(exports) else ""
    return ExportSection(
        exports=exports, table=_exports_display(exports), caption=f"Exporter concentration of the related products, {years}",
        main_export=main_export, main_product=main_export.description.split(";")[0] if main_export is not None else "",
        note="" if main_export is not None else f"The trade statistics used here hold no processed {mineral.lower()} product.",
        notes=_mismatch_notes(exports), source=TRADE_SOURCE,
    )


def import_section(mineral: str) -> ImportSection:
    """China's share of India's and Japan's imports of the mineral, or what the data allow instead."""
    china_imports = _china_imports(mineral)
    nickel_table, nickel_note = _nickel_sources() if mineral == "Nickel" and china_imports.empty else (None, "")
    note = nickel_note if nickel_table is not None else (
        f"India's and Japan's imports of {mineral.lower()} products by partner country are not in the trade statistics "
        "this report draws on, so China's share of them cannot be shown"
        + (" (the section on Japan's rare-earth dependence below says what can be said)." if mineral == "Rare earths" else ".")
    )
    source = (
        "UN Comtrade Database: India's and Japan's nickel-ore imports by partner (comtrade-nickel-by-partner extract)"
        if mineral == "Nickel" else
        "UN Comtrade Database: imports by reporter from World and from China (areeshafirdaus01/quad-critical-minerals-supply-chain)")
    caption = ("" if nickel_table is None else
               f"Largest suppliers of India's and Japan's nickel-ore imports (HS {NICKEL_ORE}), latest year, by value")
    return ImportSection(china_imports=china_imports, table=nickel_table, caption=caption, note=note, source=source)


def _exports_display(exports: pd.DataFrame) -> pd.DataFrame:
    """Display table; a product whose reported exports far exceed world imports (a coding mismatch)
    shows the coverage problem in place of its shares, HHI and coverage ratio, never the numbers."""
    if exports.empty:
        return exports
    odd = exports["coverage_ratio"] > MAX_COVERAGE

    def unless_odd(values: list[str], problem: str = "not comparable") -> list[str]:
        return [problem if o else v for v, o in zip(values, odd)]

    return pd.DataFrame({
        "HS code": exports["hs_code"],
        "Product": exports["description"],
        "Reported exports": exports["total"].map(fmt_usd),
        "Exporters": exports["n_exporters"],
        "Largest": unless_odd([f"{display_name(l)} ({fmt_share(s)})" for l, s in zip(exports["leader"], exports["leader_share"])]),
        "Top 3": unless_odd(list(exports["top_k_share"].map(fmt_share))),
        "HHI": unless_odd(list(exports["hhi"].map(fmt_hhi))),
        "Coverage of world imports": unless_odd(list(exports["coverage_ratio"].map(fmt_share)),
                                                "not comparable: exporters report more than importers record"),
    })


def _exports(mineral: str) -> tuple[pd.DataFrame, object | None]:
    """Exporter concentration (2023) of the mineral's processed and metal products."""
    codes = [p.code for p in HS_PRODUCTS.values() if p.mineral == mineral and p.stage in ("processed", "metal", "battery")]
    trade = load_all_reporters_2023()
    table = export_concentration_table(trade[trade["hs_code"].isin(codes)])
    if table.empty:
        return table, None
    table = table.assign(
        description=table["hs_code"].map(lambda c: HS_PRODUCTS[c].description),
        stage=table["hs_code"].map(lambda c: HS_PRODUCTS[c].stage),
    )
    # The main product is the most traded processed or metal product; batteries only if nothing else.
    # A product whose reported exports exceed world imports by half or more is a coding mismatch
    # between the two sides, not a market share: it is named in the text, never charted.
    plausible = table[table["coverage_ratio"] <= MAX_COVERAGE]
    if plausible.empty:
        return table.reset_index(drop=True), None
    ranked = plausible.assign(is_battery=plausible["stage"].eq("battery")).sort_values(["is_battery", "total"], ascending=[True, False])
    main_code = ranked["hs_code"].iloc[0]
    return table.reset_index(drop=True), export_concentration(trade, main_code)


def _mismatch_notes(exports: pd.DataFrame) -> list[str]:
    """One sentence per product whose reported exports exceed world imports by half or more."""
    if exports.empty:
        return []
    odd = exports[exports["coverage_ratio"] > MAX_COVERAGE]
    return [
        f"For {lower_first(product_name(r.hs_code))} (HS {r.hs_code}), exporters report {r.coverage_ratio:.1f} times what importers "
        "record buying: the two sides classify the product differently, so its exporter shares are neither charted nor tabulated."
        for r in odd.itertuples()
    ]


def _china_imports(mineral: str) -> pd.DataFrame:
    """India's and Japan's imports of the mineral's products from China over time (where the data have them)."""
    quad = load_quad_imports()
    frames = []
    for iso3, name in PARTNER_NAMES.items():
        frame = import_dependence(quad, iso3, mineral=mineral) if (quad["mineral"] == mineral).any() else pd.DataFrame()
        if len(frame):
            frames.append(frame.assign(country=name))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _nickel_sources(top: int = 4) -> tuple[pd.DataFrame | None, str]:
    """Where India's and Japan's nickel-ore imports (HS 260400) came from in the latest year, from their
    own customs records (the same series the country reports tabulate), and China's share over ten years."""
    from analysis.indicators.dependence import import_sources
    from analysis.text import fmt_weight_kg

    trade = load_trade()
    rows, china_years, parts = [], [], []
    for iso3, name in PARTNER_NAMES.items():
        dep = import_dependence(trade, iso3, mineral="Nickel")
        dep = dep[(dep["hs_code"] == NICKEL_ORE) & (dep["china_basis"] != "no_partner_detail")]
        if dep.empty:
            continue
        year = int(dep["year"].max())
        recent = dep[dep["year"] > year - 10]
        china_years.append((name, recent))
        table = import_sources(trade, iso3, NICKEL_ORE, year)
        named = table[table["partner_iso3"] != "REST"].head(top)
        parts.append(f"{name} {fmt_usd(float(table['value_usd'].sum()))} in {year}, mainly from "
                     + join_names([f"{r.partner} ({fmt_share(r.share)})" for r in named.head(3).itertuples()]))
        for r in named.itertuples():
            rows.append({"Importer": name, "Year": str(year), "Partner": r.partner, "Imports (USD)": fmt_usd(r.value_usd),
                         "Net weight": fmt_weight_kg(r.net_weight_kg), "Share of value": fmt_share(r.share)})
    if not rows:
        return None, ""
    china_max = max(float(r["china_share"].max()) for _, r in china_years)
    span = f"{min(int(r['year'].min()) for _, r in china_years)}–{max(int(r['year'].max()) for _, r in china_years)}"
    china_text = ("none of either country's nickel-ore imports came from China in any year of " + span if china_max == 0
                  else f"China's share of either country's nickel-ore imports was at most {fmt_share(china_max)} in {span}")
    note = (f"India's and Japan's own customs records give their imports of nickel ores and concentrates (HS {NICKEL_ORE}) by partner: "
            f"{china_text}. Imports were " + "; ".join(parts) + ". Other nickel products (mattes, intermediates, unwrought "
            "nickel) have no partner detail in the trade statistics used here.")
    return pd.DataFrame(rows), note
