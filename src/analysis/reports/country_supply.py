"""Country report sections on world supply: supply risk and what partners could offer.

Four sections of the country-dependence report, each one function returning a small typed
result: :func:`risk_section` (governance-weighted supply risk of the priority minerals with the
EoL-RIR × SI sensitivity), :func:`bloc_section` (partner blocs' share of world supply beside
China's), :func:`nickel_section` (the country's actual nickel-ore suppliers) and
:func:`complementarity_section` (what India produces of what Japan imports). Every sentence is
built from computed numbers with :mod:`analysis.text` formatters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data import load_critical_mineral_lists
from analysis.data.comtrade import ALL_REPORTERS_2023_RESOURCE, NICKEL_RESOURCE
from analysis.data.countries import display_name
from analysis.data.minerals import PRIORITY_MINERALS
from analysis.indicators.concentration import MEASURE_LABELS, concentration
from analysis.indicators.dependence import import_sources
from analysis.indicators.partners import bloc_members, bloc_shares, complementarity
from analysis.indicators.risk import supply_risk, supply_risk_sensitivity
from analysis.indicators.series import primary_measure
from analysis.text import count_noun, fmt_number, fmt_share, fmt_sr, fmt_tonnes, fmt_usd, fmt_weight_kg, join_names, number_word

#: Blocs whose share of world supply is compared with China's (short names of ``bloc_members``).
BLOCS: tuple[str, ...] = ("India–Japan", "Quad", "MSP")
#: Nickel-ore HS code with partner detail in the data package.
NICKEL_ORE = "260400"
#: Method reference of the supply-risk formula (see :mod:`analysis.indicators.risk`).
RISK_METHOD = "EU CRM methodology (European Commission 2017; Blengini et al. 2017, doi:10.2760/73303)"


@dataclass(frozen=True)
class RiskSection:
    """Supply risk of the priority minerals (worst case) and how it moves with EoL-RIR and SI."""

    #: one row per priority mineral, highest upper bound first
    risk: pd.DataFrame
    table: pd.DataFrame
    #: SR over the EoL-RIR × SI grid, one row per mineral × grid point
    sensitivity: pd.DataFrame
    text: list[str]
    finding: str
    caveats: list[str]


@dataclass(frozen=True)
class BlocSection:
    """Partner blocs' and China's shares of world production and reserves."""

    #: one row per bloc (China first) × mineral × measure (chart data; shares 0–1, tonnes)
    blocs: pd.DataFrame
    #: which production series the chart shows ("mine production; cobalt: refinery production")
    production_note: str
    #: the sentence comparing bloc output where China supplies most ("" when it leads nowhere)
    sentence: str
    caveats: list[str]


@dataclass(frozen=True)
class NickelSection:
    """The country's nickel-ore imports by partner (None where the extract has no partner detail)."""

    year: int | None
    sources: pd.DataFrame | None
    text: list[str]


@dataclass(frozen=True)
class ComplementaritySection:
    """Minerals on both India's and Japan's lists: India's output and reserves, Japan's imports."""

    table: pd.DataFrame
    text: list[str]


# --------------------------------------------------------------------------------------------
# Supply risk
# --------------------------------------------------------------------------------------------


def risk_section(usgs: pd.DataFrame, governance: pd.DataFrame, year: int, basis: str) -> RiskSection:
    """EU-method supply risk of each priority mineral in ``year``; ``basis`` says how governance was scored."""
    risk, sensitivity, notes = _risk(usgs, governance, year)
    finding, text = _risk_sentences(risk, sensitivity, year, basis)
    table = pd.DataFrame({
        "Mineral": risk["mineral"],
        "Series": risk["measure"].map(MEASURE_LABELS),
        "SR (worst case)": risk["sr_text"],
        "Largest supplier": risk["top_country"] + " (" + risk["top_share"].map(fmt_share) + ")",
        "Its governance score (0–10)": risk["top_governance"].map(lambda s: fmt_number(s, 1)),
        "Share not attributed to named countries": risk["residual_share"].map(fmt_share),
    })
    caveats = [
        (f"Governance here is the World Bank's Worldwide Governance Indicators: {basis}; the EU method averages all six indicators "
         "(score = 2 × (2.5 − mean)); a political-stability rank alone scores (100 − rank) / 10."),
        ("End-of-life recycling input rate (EoL-RIR) and substitution index (SI) are not in the sources used here: the bars show the "
        "worst case (EoL-RIR 0, SI 1) and the grid shows how SR moves with them; neither factor is estimated here."),
        (f"Method: {RISK_METHOD}. Only the global-supply term of the formula is computed (no import reliance or sourcing shares), so SR is the same "
        "for any importer; the EU's trade-related variable is 1 for every country."),
        *notes,
    ]
    return RiskSection(risk=risk, table=table, sensitivity=sensitivity, text=text, finding=finding, caveats=caveats)


def _risk(usgs: pd.DataFrame, governance: pd.DataFrame, year: int) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(one row per priority mineral, the sensitivity grids, notes on scaled shares and unscored countries)."""
    rows, grids = [], []
    scaled: dict[str, str] = {}
    unscored: dict[str, list[str]] = {}
    for mineral in PRIORITY_MINERALS:
        measure = primary_measure(usgs, mineral, year)
        risk = supply_risk(usgs, governance, mineral, measure, year)
        top = risk.contributions.iloc[0]
        # The share printed is of the published world total (as the bloc shares are), not the
        # rescaled share the risk formula weights when named figures exceed that total.
        top_share = concentration(usgs, mineral, measure, year).share_of(str(top["iso3"]))
        rows.append({
            "mineral": mineral,
            "measure": measure,
            "label": f"{mineral} ({MEASURE_LABELS[measure].replace(' production', '')})",
            "sr_lower": risk.sr_lower,
            "sr_upper": risk.sr_upper,
            "sr_text": fmt_sr(risk.sr_lower, risk.sr_upper),
            "top_country": top["country"],
            "top_share": float(top_share),
            "top_measure": MEASURE_LABELS[measure],
            "top_governance": float(top["governance_score"]),
            "residual_share": risk.residual_share,
            "unscored": ", ".join(risk.unscored),
        })
        grid = supply_risk_sensitivity(risk)
        grid.insert(0, "mineral", mineral)
        grids.append(grid)
        for note in risk.notes:
            if note.startswith("Named shares summed to"):
                scaled[mineral] = note.split("summed to ")[1].split(" ")[0]
        for code in risk.unscored:
            unscored.setdefault(display_name(code), []).append(mineral.lower())
    table = pd.DataFrame(rows).sort_values("sr_upper", ascending=False, kind="stable").reset_index(drop=True)
    return table, pd.concat(grids, ignore_index=True), _risk_notes(scaled, unscored)


def _risk_notes(scaled: dict[str, str], unscored: dict[str, list[str]]) -> list[str]:
    """Caveats on minerals whose named shares were rescaled and on countries without a governance score."""
    notes = []
    if scaled:
        notes.append(
            "USGS's named country figures add up to more than its rounded world total for "
            + join_names([f"{m.lower()} ({total})" for m, total in scaled.items()])
            + "; shares were scaled to 100% before weighting."
        )
    if unscored:
        notes.append(
            "No governance score for "
            + join_names([f"{name} ({join_names(minerals)})" for name, minerals in unscored.items()])
            + ": counted at the best score (0) in the lower bound and the worst (10) in the upper bound."
        )
    return notes


def _risk_sentences(risk: pd.DataFrame, sensitivity: pd.DataFrame, year: int, basis: str) -> tuple[str, list[str]]:
    """(finding, paragraph sentences): how many minerals reach SR 1, and which stay there across the grid."""
    above = risk[risk["sr_lower"] >= 1.0]
    below = risk[risk["sr_upper"] < 1.0]
    top = risk.iloc[0]
    finding = (
        f"With world supply shares of {year}, governance scored by {basis} and the worst case for "
        f"recycling and substitution, **{number_word(len(above))} of the {count_noun(len(risk), 'priority mineral')}** "
        f"reach the EU supply-risk threshold of 1; {top['mineral'].lower()} is highest ({top['sr_text']}, with "
        f"{top['top_country']} supplying {fmt_share(top['top_share'])} of world {top['top_measure']} in {year})"
        + (f"; {join_names([f'{m.lower()} ({t})' for m, t in zip(below['mineral'], below['sr_text'])])} stay below it." if len(below) else ".")
    )
    robust = sensitivity.groupby("mineral")["critical_lower"].all()
    robust_names = [m for m in risk["mineral"] if robust.get(m, False)]
    text = [
        ("Supply risk (SR) on the EU method's 0–10 scale: the governance-weighted concentration of world supply, "
        "times (1 − end-of-life recycling input rate) times the substitution index. The bars use the worst case "
        "(no recycling, no substitute), because the sources used here give neither factor."),
        (f"Across the whole grid tried below — recycling input rates of {fmt_share(sensitivity['eol_rir'].min())}–"
         f"{fmt_share(sensitivity['eol_rir'].max())} and substitution indices of {fmt_number(sensitivity['substitution_index'].min(), 1)}–"
         f"{fmt_number(sensitivity['substitution_index'].max(), 1)} — "
         f"{join_names([m.lower() for m in robust_names])} stay at or above the threshold."
         if robust_names else "No mineral stays at or above the threshold across the whole grid tried below."),
    ]
    return finding, text


# --------------------------------------------------------------------------------------------
# Partner blocs
# --------------------------------------------------------------------------------------------


def bloc_section(usgs: pd.DataFrame, frameworks: pd.DataFrame, year: int) -> BlocSection:
    """Shares of world production (one series per mineral) and reserves of each bloc and of China in ``year``."""
    blocs, notes = _blocs(usgs, frameworks, year)
    production = blocs[blocs["kind"] == "Production"].drop_duplicates("mineral")
    usual = production["measure_label"].mode().iloc[0]
    exceptions = production[production["measure_label"] != usual]
    production_note = usual + "".join(f"; {r.mineral.lower()}: {r.measure_label}" for r in exceptions.itertuples())
    no_reserves = [m for m in production["mineral"] if not ((blocs["mineral"] == m) & (blocs["kind"] == "Reserves")).any()]
    if no_reserves:
        notes.append(f"USGS publishes no reserves figure for {join_names([m.lower() for m in no_reserves])}.")
    caveats = [
        "Blocs overlap: India and Japan are Quad members and MSP partners, and every Quad member is an MSP partner.",
        "Reserves are what USGS counts as economically extractable today; production is the 2024 estimate.",
        *notes,
    ]
    return BlocSection(blocs=blocs, production_note=production_note, sentence=_bloc_sentence(blocs, year), caveats=caveats)


def _blocs(usgs: pd.DataFrame, frameworks: pd.DataFrame, year: int) -> tuple[pd.DataFrame, list[str]]:
    """(one row per bloc × mineral × measure with China's own row first, notes on membership and withheld values)."""
    frames = []
    undated: dict[str, tuple[str, ...]] = {}
    eu_note = ""
    withheld: dict[str, set[str]] = {}
    for bloc in BLOCS:
        table = bloc_shares(usgs, frameworks, bloc, year=year)
        group = bloc_members(frameworks, bloc)
        table["members"] = join_names(sorted(display_name(c) for c in group.members))
        frames.append(table)
        if group.undated:
            undated[bloc] = group.undated
        if any(n.startswith("The EU is a member") for n in group.notes):
            eu_note = (f"The European Union is an {bloc} partner; only EU states that are partners themselves are counted.")
        for row in table[table["members_excluded"].map(len) > 0].itertuples():
            series = f"{row.mineral.lower()} {MEASURE_LABELS[row.measure]}"
            withheld.setdefault(series, set()).update(display_name(c) for c in row.members_excluded)
    notes = _bloc_notes(undated, eu_note, withheld)
    shares = pd.concat(frames, ignore_index=True)
    # One production series per mineral (mine where USGS has it, else refinery) plus reserves.
    primary = {m: primary_measure(usgs, m, year) for m in shares["mineral"].unique()}
    keep = (shares["measure"] == "reserves") | (shares["measure"] == shares["mineral"].map(primary))
    shares = shares[keep].copy()
    shares["kind"] = np.where(shares["measure"] == "reserves", "Reserves", "Production")
    shares["measure_label"] = shares["measure"].map(MEASURE_LABELS)
    china = shares.drop_duplicates(["mineral", "measure"]).assign(bloc="China", bloc_share=lambda f: f["china_share"], members="CHN")
    china["bloc_value_t"] = [concentration(usgs, m, measure, year).value_of("CHN") for m, measure in zip(china["mineral"], china["measure"])]
    long = pd.concat([china, shares], ignore_index=True)
    long = long[["bloc", "members", "mineral", "measure", "measure_label", "kind", "year", "bloc_share", "bloc_value_t", "world_total_t"]]
    return long.reset_index(drop=True), list(dict.fromkeys(notes))


def _bloc_notes(undated: dict[str, tuple[str, ...]], eu_note: str, withheld: dict[str, set[str]]) -> list[str]:
    """Caveats on members counted without a joining date, the EU's membership and withheld members' values."""
    notes = []
    if undated:
        notes.append(
            "Counted as members although no source read gave the date they joined: "
            + "; ".join(f"{join_names(sorted(display_name(c) for c in codes))} ({bloc})" for bloc, codes in undated.items()) + "."
        )
    if eu_note:
        notes.append(eu_note)
    if withheld:
        notes.append(
            "Members' values withheld or not available (not counted, so the bloc share is a lower bound): "
            + "; ".join(f"{join_names(sorted(names))} for {series}" for series, names in withheld.items()) + "."
        )
    return notes


def _bloc_sentence(blocs: pd.DataFrame, year: int) -> str:
    """The Quad's and MSP's output where China supplies most of the world ("" when China leads nowhere)."""
    production = blocs[blocs["kind"] == "Production"]
    china = production[production["bloc"] == "China"].set_index("mineral")["bloc_share"]
    led = [m for m in PRIORITY_MINERALS if m in china.index and china[m] == production[production["mineral"] == m]["bloc_share"].max()
           and china[m] > 0.5]
    if not led:
        return ""
    quad = production[production["bloc"] == "Quad"].set_index("mineral")["bloc_share"]
    msp = production[production["bloc"] == "MSP"].set_index("mineral")["bloc_share"]
    return (
        f"Where China supplies most of the world — {join_names([m.lower() for m in led])}, with "
        f"{join_names([fmt_share(china[m]) for m in led])} of {year} output — the Quad's members produced "
        f"**{join_names([fmt_share(quad[m]) for m in led])}** of world output and MSP partners "
        f"{join_names([fmt_share(msp[m]) for m in led])}."
    )


# --------------------------------------------------------------------------------------------
# Actual suppliers and India–Japan complementarity
# --------------------------------------------------------------------------------------------


def nickel_section(trade: pd.DataFrame, iso3: str, country: str) -> NickelSection:
    """Who supplied ``country``'s nickel ores and concentrates (HS 260400) in the latest year with partner detail."""
    rows = trade[(trade["source"] == NICKEL_RESOURCE) & (trade["reporter_iso3"] == iso3) & (trade["flow"] == "import")
                 & (trade["hs_code"] == NICKEL_ORE) & (trade["partner_iso3"] != "WLD")]
    if rows.empty:
        return NickelSection(None, None, [f"The nickel extract has no partner detail for {country}'s imports of nickel ores."])
    year = int(rows["year"].max())
    table = import_sources(trade, iso3, NICKEL_ORE, year)
    total = float(table["value_usd"].sum())
    china = table.loc[table["partner_iso3"] == "CHN", "share"]
    named = table[table["partner_iso3"] != "REST"].head(3)
    text = [
        f"{country} imported {fmt_usd(total)} of nickel ores and concentrates (HS {NICKEL_ORE}) in {year}, "
        f"{fmt_weight_kg(float(table['net_weight_kg'].sum()))} of ore by net weight; "
        + join_names([f"{r.partner} {fmt_share(r.share)}" for r in named.itertuples()])
        + (f"; China {fmt_share(float(china.iloc[0]))}." if len(china) else "; none came from China.")
    ]
    shown = pd.DataFrame({
        "Partner": table["partner"],
        "Imports (USD)": table["value_usd"].map(fmt_usd),
        "Net weight": table["net_weight_kg"].map(fmt_weight_kg),
        "Share of value": table["share"].map(fmt_share),
    })
    return NickelSection(year, shown, text)


def _india_cell(value: float, share: float, status: str) -> str:
    """India's tonnes and share of world, or why there is none ("not listed", "no series")."""
    if status != "reported":
        return {"not_listed": "not listed", "no_series": "no series"}.get(status, status)
    return f"{fmt_tonnes(value)} ({fmt_share(share)})"


def complementarity_section(usgs: pd.DataFrame, trade: pd.DataFrame, year: int) -> ComplementaritySection:
    """India's production and reserves beside Japan's imports, for minerals on both countries' lists."""
    lists = load_critical_mineral_lists()
    trade_year = int(trade.loc[trade["source"] == ALL_REPORTERS_2023_RESOURCE, "year"].max())
    table = complementarity(usgs, lists, trade, year=year, trade_year=trade_year)
    known = (table["india_production_status"] == "reported") | (table["india_reserves_status"] == "reported") | table["japan_imports_usd"].notna()
    shown = table[known]
    left_out = table.loc[~known, "mineral"].tolist()
    display = pd.DataFrame({
        "Mineral": shown["mineral"],
        f"India: production {year} (share of world)": [_india_cell(v, s, st) for v, s, st in zip(
            shown["india_production_t"], shown["india_production_share"], shown["india_production_status"])],
        "India: reserves (share of world)": [_india_cell(v, s, st) for v, s, st in zip(
            shown["india_reserves_t"], shown["india_reserves_share"], shown["india_reserves_status"])],
        f"Japan: imports {trade_year} (USD)": shown["japan_imports_usd"].map(fmt_usd),
        "Japan: net import ratio": shown["japan_net_import_ratio"].map(fmt_share),
        f"China: share of world production {year}": shown["china_production_share"].map(
            lambda v: "not listed" if pd.isna(v) else fmt_share(v)),
    })
    reserves = shown[shown["india_reserves_status"] == "reported"]
    text = [
        f"{count_noun(len(table), 'mineral')} are on both India's and Japan's critical-mineral lists. "
        f"For {year}, USGS lists Indian reserves for {count_noun(len(reserves), 'of them', 'of them')}"
        + (": " + join_names([f"{r.mineral.lower()} ({fmt_tonnes(r.india_reserves_t)}, {fmt_share(r.india_reserves_share)} of the world)"
                              for r in reserves.itertuples()]) if len(reserves) else "")
        + ".",
    ]
    if left_out:
        text.append(
            f"Not shown, because neither USGS lists India nor the {trade_year} extract has Japan's trade for them: "
            f"{join_names([m.lower() for m in left_out])}."
        )
    return ComplementaritySection(display, text)
