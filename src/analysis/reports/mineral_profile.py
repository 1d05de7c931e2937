"""Mineral profile: who supplies the world with one mineral, and where India and Japan stand."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import load_all_reporters_2023, load_frameworks, load_quad_imports, load_usgs
from analysis.data.minerals import HS_PRODUCTS
from analysis.errors import ParameterError
from analysis.indicators.dependence import import_dependence
from analysis.indicators.exports import export_concentration, export_concentration_table
from analysis.indicators.partners import bloc_shares
from analysis.indicators.risk import SupplyRisk, supply_risk, supply_risk_sensitivity
from analysis.indicators.series import primary_measure
from analysis.indicators.concentration import (
    MEASURE_LABELS,
    Concentration,
    concentration,
    reserves_to_production,
    top_producers,
)
from analysis.reports.common import load_governance, unit_note, usgs_source
from analysis.data.countries import display_name
from analysis.text import count_noun, fmt_hhi, fmt_hhi_range, fmt_share, fmt_tonnes, fmt_usd, fmt_years, hhi_band, join_names
from analysis.vocabulary import FOCUS


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
    china_imports: pd.DataFrame
    risk: SupplyRisk | None
    risk_grid: pd.DataFrame | None
    findings: list[str]
    caveats: list[str]
    trade_source: str
    imports_source: str


def mineral_profile(mineral: str, year: int = 2024, usgs: pd.DataFrame | None = None) -> MineralProfile:
    """Concentration of production and reserves, top producers, R/P years and the China–India–Japan
    position for one mineral and year, with the sentences that report them (numbers computed)."""
    usgs = load_usgs() if usgs is None else usgs
    measure = primary_measure(usgs, mineral, year)
    label = MEASURE_LABELS[measure]
    production = concentration(usgs, mineral, measure, year)
    series_rows = usgs[(usgs["commodity"] == mineral) & (usgs["measure"] == measure) & (usgs["year"] == year)]
    try:
        reserves = concentration(usgs, mineral, "reserves", year)
        rp = reserves_to_production(usgs, mineral, year, production_measure=measure)
        reserves_top = top_producers(reserves, 8)
    except ParameterError:
        reserves, rp, reserves_top = None, None, None
    editions = usgs.loc[(usgs["commodity"] == mineral) & (usgs["year"] == year), "edition"]
    note = unit_note(production.usgs_type, mineral)

    # Countries USGS does not list (or lists with an empty cell) get NaN — "n/a" in charts —
    # rather than a zero the source never gave.
    position_rows = []
    for iso3, name in FOCUS.items():
        for measure_name, result in ((label.capitalize(), production), ("Reserves", reserves)):
            if result is None:
                continue
            listed = result.is_listed(iso3)
            position_rows.append({
                "country": name,
                "iso3": iso3,
                "measure": measure_name,
                "share": result.share_of(iso3) if listed else float("nan"),
                "value_t": result.value_of(iso3) if listed else float("nan"),
            })
    position = pd.DataFrame(position_rows)
    if position["share"].isna().all():
        position = None  # USGS lists none of the three: nothing to draw (the findings say so)

    findings = [_lead_sentence(production, mineral, label, year)]
    top3 = production.shares.head(production.top_k)
    findings.append(
        f"The {count_noun(production.top_k, 'largest producer')} — {join_names(top3['country'].tolist())} — supplied "
        f"**{fmt_share(production.top_k_share)}**; "
        + _reach_80(production)
    )
    findings.append(
        f"The Herfindahl–Hirschman index of {label} is **{fmt_hhi_range(production.hhi_lower, production.hhi_upper)}** "
        f"on the 0–10,000 scale ({hhi_band(production.hhi_lower)})."
    )
    if production.leader_iso3 != "CHN":
        findings.append(_china_sentence(production, label))
    findings.append(_country_sentence(production, reserves, rp, "IND", "India", label))
    findings.append(_country_sentence(production, reserves, rp, "JPN", "Japan", label))
    if reserves is not None:
        findings.append(_reserves_sentence(production, reserves, label))
    blocs = _blocs(usgs, mineral, measure, year)
    exports, main_export = _exports(mineral)
    china_imports = _china_imports(mineral)
    risk, grid = _risk(usgs, mineral, measure, year)
    if risk is not None:
        findings.append(
            f"On the EU method's global-supply term, with the worst-case assumptions of no recycling and no substitute, "
            f"supply risk is {risk.sr_upper:.1f} (the EU counts 1 or more towards criticality); governance scores: "
            f"{risk.governance_basis} (the EU averages all six WGI dimensions)."
        )
    caveats = list(production.notes[:-1]) + ([*reserves.notes[:-1]] if reserves is not None else [])
    if series_rows["estimated"].any():
        caveats.append(f"USGS values for {year} are estimates (MCS 'e') where the edition was published early in {year + 1}.")
    return MineralProfile(
        mineral=mineral,
        year=year,
        measure=measure,
        measure_label=label,
        unit_note=note,
        source=usgs_source(editions),
        production=production,
        reserves=reserves,
        top=top_producers(production, 8),
        reserves_top=reserves_top,
        reserves_to_production=rp,
        rp_table=_rp_table(rp) if rp is not None else None,
        position=position,
        blocs=blocs,
        exports=exports,
        exports_table=_exports_display(exports),
        main_export=main_export,
        china_imports=china_imports,
        risk=risk,
        risk_grid=grid,
        findings=findings,
        caveats=caveats,
        trade_source="UN Comtrade Database: 2023 trade of all reporters, partner World (hpham210/critical-minerals-risk-index)",
        imports_source="UN Comtrade Database: imports by reporter from World and from China (areeshafirdaus01/quad-critical-minerals-supply-chain)",
    )


def _exports_display(exports: pd.DataFrame) -> pd.DataFrame:
    if exports.empty:
        return exports
    return pd.DataFrame({
        "HS code": exports["hs_code"],
        "Product": exports["description"],
        "Reported exports": exports["total"].map(fmt_usd),
        "Exporters": exports["n_exporters"],
        "Largest": [f"{display_name(l)} ({fmt_share(s)})" for l, s in zip(exports["leader"], exports["leader_share"])],
        "Top 3": exports["top_k_share"].map(fmt_share),
        "HHI": exports["hhi"].map(fmt_hhi),
        "Coverage of world imports": exports["coverage_ratio"].map(fmt_share),
    })


def _blocs(usgs: pd.DataFrame, mineral: str, measure: str, year: int) -> pd.DataFrame:
    """Share of world production and reserves held by MSP partners, the Quad and India–Japan."""
    frameworks = load_frameworks()
    frames = [
        bloc_shares(usgs, frameworks, bloc, as_of=f"{year + 1}-12-31", minerals=[mineral], measures=[measure, "reserves"], year=year)
        for bloc in ("MSP", "Quad", "India–Japan")
    ]
    table = pd.concat(frames, ignore_index=True)
    table["measure_label"] = table["measure"].map(lambda m: MEASURE_LABELS[m].capitalize())
    return table


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
    ranked = table.assign(is_battery=table["stage"].eq("battery")).sort_values(["is_battery", "total"], ascending=[True, False])
    main_code = ranked["hs_code"].iloc[0]
    return table.reset_index(drop=True), export_concentration(trade, main_code)


def _china_imports(mineral: str) -> pd.DataFrame:
    """India's and Japan's imports of the mineral's products from China over time (where the data have them)."""
    quad = load_quad_imports()
    frames = []
    for iso3, name in (("IND", "India"), ("JPN", "Japan")):
        frame = import_dependence(quad, iso3, mineral=mineral) if (quad["mineral"] == mineral).any() else pd.DataFrame()
        if len(frame):
            frames.append(frame.assign(country=name))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _risk(usgs: pd.DataFrame, mineral: str, measure: str, year: int) -> tuple[SupplyRisk | None, pd.DataFrame | None]:
    # EU convention (mean of six WGI dimensions) where recent enough, else political stability;
    # the score's basis is printed beside the result.
    governance = load_governance()
    try:
        risk = supply_risk(usgs, governance, mineral, measure, year)
    except ParameterError:
        return None, None
    return risk, supply_risk_sensitivity(risk)


def _rp_table(rp: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Display table: the world, the ``n`` largest reserve holders, and India/Japan if not among them."""
    world = rp[rp["entity_kind"] == "world"]
    countries = rp[(rp["entity_kind"] == "country") & rp["reserves_t"].notna()].sort_values("reserves_t", ascending=False)
    shown = countries.head(n)
    extra = countries[countries["iso3"].isin(["IND", "JPN"]) & ~countries["iso3"].isin(shown["iso3"])]
    rows = pd.concat([world, shown, extra])
    # A reserves figure USGS gives only as a lower bound (">90000000") makes R/P a lower bound too.
    bound = rows["reserves_status"].eq("lower_bound").map({True: "more than ", False: ""})
    return pd.DataFrame({
        "Country": rows["country"],
        "Reserves": bound + rows["reserves_t"].map(fmt_tonnes),
        "Production": rows["production_t"].map(fmt_tonnes),
        "R/P": [b + fmt_years(y) if fmt_years(y) != "n/a" and not fmt_years(y).startswith("over") else fmt_years(y)
                for b, y in zip(bound, rows["rp_years"])],
    })


def _reach_80(c: Concentration) -> str:
    if c.countries_to_80 is None:
        return "the named countries do not reach 80% of world supply."
    if c.countries_to_80 == 1:
        return f"{c.leader} alone supplies more than 80% of the world."
    return f"{count_noun(c.countries_to_80, 'country', 'countries')} together reach 80% of world supply."


def _china_sentence(c: Concentration, label: str) -> str:
    if c.is_listed("CHN"):
        rank = int(c.shares.loc[c.shares["iso3"] == "CHN", "rank"].iloc[0])
        return f"China's share of world {label} was {fmt_share(c.share_of('CHN'))} (rank {rank})."
    return (
        f"USGS does not list China separately for {label}; any Chinese output is within the "
        f"{fmt_share(c.residual_share)} not attributed to named countries."
    )


def _reserves_sentence(production: Concentration, reserves: Concentration, label: str) -> str:
    comparison = "less" if reserves.hhi_upper < production.hhi_lower else (
        "more" if reserves.hhi_lower > production.hhi_upper else "about as")
    china = ""
    if reserves.leader_iso3 != "CHN":
        china = (f"; China holds {fmt_share(reserves.share_of('CHN'))}" if reserves.is_listed("CHN")
                 else "; USGS does not list China's reserves separately")
    return (
        f"Reserves are {comparison} concentrated than {label} (HHI {fmt_hhi_range(reserves.hhi_lower, reserves.hhi_upper)} "
        f"against {fmt_hhi_range(production.hhi_lower, production.hhi_upper)}): {reserves.leader} holds "
        f"{fmt_share(reserves.leader_share)} of world reserves{china}."
    )


def _lead_sentence(c: Concentration, mineral: str, label: str, year: int) -> str:
    return (
        f"In {year}, **{c.leader}** accounted for **{fmt_share(c.leader_share)}** of world {label} of "
        f"{mineral.lower()} ({fmt_tonnes(c.shares['value_t'].iloc[0])} of {fmt_tonnes(c.world_total_t)})."
    )


def _country_sentence(production: Concentration, reserves: Concentration | None, rp: pd.DataFrame | None,
                      iso3: str, name: str, label: str) -> str:
    value = production.value_of(iso3)
    excluded = production.excluded[production.excluded["iso3"] == iso3]
    if len(excluded):
        status = str(excluded["value_status"].iloc[0]).replace("_", " ")
        text = f"USGS does not publish {name}'s {label} ({status})"
    elif not production.is_listed(iso3):
        text = f"USGS records no {label} for {name}"
    elif value > 0:
        rank = int(production.shares.loc[production.shares["iso3"] == iso3, "rank"].iloc[0])
        text = f"{name} produced {fmt_tonnes(value)} ({fmt_share(production.share_of(iso3), 1)} of the world, rank {rank})"
    else:
        text = f"USGS records no {label} for {name}"
    if reserves is not None:
        held = reserves.value_of(iso3)
        if held == held and held > 0:
            text += f"; it holds {fmt_tonnes(held)} of reserves ({fmt_share(reserves.share_of(iso3), 1)} of the world)"
            if rp is not None:
                years = rp.loc[rp["iso3"] == iso3, "rp_years"]
                if len(years) and years.iloc[0] == years.iloc[0]:
                    text += f", {fmt_years(float(years.iloc[0]))} of current output"
    return text + "."
