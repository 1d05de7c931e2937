"""Mineral profile: who supplies the world with one mineral, and where India and Japan stand."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import load_all_reporters_2023, load_frameworks, load_quad_imports, load_supply, load_trade, load_usgs
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
from analysis.indicators.stages import IEA_MINERALS, PROJECTION_LABEL, stage_comparison
from analysis.indicators.trends import concentration_trend, production_by_country
from analysis.reports.common import hhi_labels, leader_labels, load_governance, unit_note, usgs_source
from analysis.reports.country_sections import MirrorSection, mirror_section
from analysis.reports.sections import StageSection, TrendSection, stage_section, trend_section
from analysis.data.countries import display_name
from analysis.text import (
    count_noun, fmt_hhi, fmt_hhi_range, fmt_ordinal, fmt_rank_share, fmt_share, fmt_tonnes, fmt_usd, fmt_years, hhi_band, join_names,
    lower_first,
)
from analysis.vocabulary import FOCUS, HHI_HIGHLY_CONCENTRATED

#: Reported exports above this multiple of world imports mean the two sides code the product differently.
MAX_COVERAGE = 1.5
#: Nickel ores and concentrates, the nickel product with partner detail for India and Japan.
NICKEL_ORE = "260400"


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

    frameworks = load_frameworks()
    stage = str(series_rows["stage"].iloc[0])
    trend = trend_section(usgs, year, (mineral,))
    detail = concentration_trend(usgs, mineral, stage, frameworks=frameworks)
    detail = detail[detail["year"] <= year].reset_index(drop=True)
    by_country = production_by_country(usgs, mineral, stage)
    by_country = by_country[by_country["year"] <= year].reset_index(drop=True)
    supply = load_supply()
    stages = stage_section(supply, frameworks, minerals=(mineral,)) if mineral in IEA_MINERALS else None
    usgs_stages, stage_text = _usgs_stages(supply, mineral, year, stages is not None)
    rare = mirror_section("Japan", "JPN") if mineral == "Rare earths" else None

    findings = [_so_what(production, mineral) + " " + _lead_sentence(production, mineral, label, year)]
    findings.append(_trend_sentence(detail, label))
    if stages is not None:
        findings.extend(_stage_sentences(stages, mineral))
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
    nickel_table, nickel_note = _nickel_sources() if mineral == "Nickel" and china_imports.empty else (None, "")
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
        exports_notes=_mismatch_notes(exports),
        china_imports=china_imports,
        risk=risk,
        risk_grid=grid,
        risk_notes=_risk_notes(risk) if risk is not None else [],
        findings=findings,
        caveats=caveats,
        trade_source="UN Comtrade Database: 2023 trade of all reporters, partner World (hpham210/critical-minerals-risk-index)",
        imports_source=(
            "UN Comtrade Database: India's and Japan's nickel-ore imports by partner (comtrade-nickel-by-partner extract)"
            if mineral == "Nickel" else
            "UN Comtrade Database: imports by reporter from World and from China (areeshafirdaus01/quad-critical-minerals-supply-chain)"),
        producers_intro=_producers_intro(production, top_producers(production, 8), label),
        # A cumulative chart says nothing the bars do not when three producers or fewer hold (nearly) everything.
        show_cumulative=int((production.shares["iso3"] != "ROW").sum()) > 3 and production.top_k_share < 0.95,
        cumulative_note=(f"The three largest producers hold {fmt_share(production.top_k_share)} of world {label}, so a chart of "
                         "cumulative shares would show nothing the bars above do not."),
        show_blocs=_blocs_chartable(blocs),
        blocs_note=_blocs_note(blocs),
        trend=trend,
        trend_stage_label=label,
        production_trend=by_country,
        concentration_trend=detail,
        trend_table=_trend_table(detail, frameworks),
        stages=stages,
        usgs_stages=usgs_stages,
        stage_text=stage_text,
        japan_rare_earths=rare,
        japan_rare_earths_table=_rare_earths_table(rare) if rare is not None else None,
        japan_rare_earths_context=_rare_earths_context(production, stages) if rare is not None else "",
        imports_note=nickel_note if nickel_table is not None else (
            f"India's and Japan's imports of {mineral.lower()} products by partner country are not in the trade statistics "
            "this report draws on, so China's share of them cannot be shown"
            + (" (the section on Japan's rare-earth dependence below says what can be said)." if mineral == "Rare earths" else ".")
        ),
        imports_table=nickel_table,
    )


def _producers_intro(production: Concentration, top: pd.DataFrame, label: str) -> str:
    """What the producers chart shows, true to its bars: the named producers drawn and the share left out."""
    named = top[top["iso3"] != "ROW"]
    listed = int((production.shares["iso3"] != "ROW").sum())
    rest = 1 - float(named["share"].sum())
    grouped = bool((top["iso3"] == "ROW").any())
    text = (f"The {count_noun(len(named), 'largest producer')} USGS names"
            if listed > len(named) else f"Every producer USGS names ({count_noun(listed, 'country', 'countries')})")
    text += f", by {label}; labels give each country's share of the world total published by the U.S. Geological Survey (USGS)."
    hidden = listed - len(named)
    residual = production.residual_share > 0.0005
    if hidden or residual:
        parts = ([count_noun(hidden, "smaller named producer")] if hidden else []) + (
            ["the countries USGS groups as “Other countries”"] if residual else [])
        text += (" The “Rest of world” bar groups " if grouped else " Not drawn: ") + join_names(parts)
        text += (f", together {fmt_share(rest)} of the world." if rest >= 0.0005 else
                 " (the named countries' figures add up to more than USGS's rounded world total).")
    return text


def _so_what(c: Concentration, mineral: str) -> str:
    """One plain sentence on what the concentration means for a buyer."""
    name = mineral.lower()
    if c.leader_share >= 0.5:
        return f"**The world depends on one country, {c.leader}, for most of its {name}: a disruption there would be felt everywhere.**"
    if c.top_k_share >= 0.75:
        return f"**Three countries supply most of the world's {name}: losing any one of them would be hard to replace.**"
    if c.hhi_lower > HHI_HIGHLY_CONCENTRATED:
        return f"**Supply of {name} is highly concentrated, though no single country supplies most of it.**"
    return f"**Supply of {name} is spread across several countries, which makes a single-country disruption easier to absorb.**"


def _trend_sentence(trend: pd.DataFrame, label: str) -> str:
    """Direction of concentration between the first and the last year of the trend."""
    a, b = trend.iloc[0], trend.iloc[-1]
    first, last = int(a["year"]), int(b["year"])
    # Direction read from the HHI (lower bound) when it moved by 250 or more, else from the top-3 share (5 points or more).
    hhi_moved, top3_moved = b["hhi_lower"] - a["hhi_lower"], b["top3_share"] - a["top3_share"]
    direction = (hhi_moved if abs(hhi_moved) >= 250 else top3_moved if abs(top3_moved) >= 0.05 else 0.0)
    if direction > 0:
        head = f"**Supply has become more concentrated since {first}, not less.**"
    elif direction < 0:
        head = f"**Supply has become less concentrated since {first}.**"
    else:
        head = f"**Concentration has changed little since {first}.**"
    leader = (f"{b['leader']}'s share of world {label} went from {fmt_share(a['leader_share'])} to {fmt_share(b['leader_share'])}"
              if a["leader"] == b["leader"] else
              f"the largest producer changed from {a['leader']} ({fmt_share(a['leader_share'])}) to {b['leader']} ({fmt_share(b['leader_share'])})")
    return (f"{head} Between {first} and {last} {leader}, the top three's share from {fmt_share(a['top3_share'])} to "
            f"{fmt_share(b['top3_share'])} and the HHI from {fmt_hhi_range(a['hhi_lower'], a['hhi_upper'])} to "
            f"{fmt_hhi_range(b['hhi_lower'], b['hhi_upper'])}.")


def _stage_sentences(stages: StageSection, mineral: str) -> list[str]:
    """Mining vs refining and the IEA outlook for China, as findings (IEA figures)."""
    by = stages.comparison.set_index("stage")
    mining, refining = by.loc["mining"], by.loc["refining"]
    out = []
    china_mined = mining["china_share"]
    china_refined = refining["china_share"]
    mined_text = (f"{fmt_share(china_mined)} of mining" if china_mined == china_mined
                  else "a share of mining too small for the IEA to list China by name")
    product = str(refining["product"]).removesuffix(", refined").split(" (")[0]
    if china_refined == china_refined:
        gap = china_refined > (china_mined if china_mined == china_mined else mining["residual_share"])
        head = ("**The chokepoint is refining, and China holds it.**" if gap and china_refined >= 0.5 else
                "**China's hold is larger at the refining stage than at the mine.**" if gap else
                "**China refines less of it than it mines.**")
        out.append(
            f"{head} In {stages.year} China's share of world refining ({product}) was {fmt_share(china_refined)}, against "
            f"{mined_text} (IEA); the three largest refiners held {fmt_share(refining['top3_share'])}."
        )
    outlook = stages.outlook
    china = outlook[(outlook["group"] == "China") & (outlook["stage"] == "refining")].set_index("year")["share"]
    final = int(outlook["year"].max())
    if final in china.index and china[final] == china[final]:
        trend = "still" if china[final] >= 0.5 else "only"
        out.append(
            f"**In the {PROJECTION_LABEL} China would {trend} hold {fmt_share(china[final])} of world refining ({product}) in {final}** "
            f"({fmt_share(china[stages.year])} in {stages.year}); this is a projection, not an observation."
        )
    return out


def _trend_table(trend: pd.DataFrame, frameworks: pd.DataFrame) -> pd.DataFrame:
    """One row per year: world total, leader, China, India, Japan, partner blocs, top 3, HHI.

    A bloc that did not exist yet at the end of a year reads "not yet formed"; one whose members
    USGS does not list reads "none listed" (unknown, not zero)."""
    from analysis.indicators.partners import bloc_members

    def formed(bloc: str, year: int) -> bool:
        try:
            members = bloc_members(frameworks, bloc, as_of=f"{year}-12-31")
        except ParameterError as error:
            if str(error).startswith("unknown bloc"):
                raise
            return False
        # Only undated members (no source for when they joined) in a year before any dated member joined:
        # the bloc had not been formed yet (the MSP was launched in 2022).
        dated = set(members.members) - set(members.undated)
        later = bloc_members(frameworks, bloc, as_of=f"{int(trend['year'].max())}-12-31")
        return bool(dated) or not (set(later.members) - set(later.undated))

    def share(v: float, missing: str = "not listed") -> str:
        return fmt_share(v) if v == v else missing

    table = pd.DataFrame({
        "Year": trend["year"].astype(int).astype(str) + trend["estimated"].map({True: "e", False: ""}),
        "World (t)": trend["world_total_t"].map(fmt_tonnes),
        "Largest producer": leader_labels(trend),
        "China": trend["china_share"].map(share),
        "India": trend["india_share"].map(share),
        "Japan": trend["japan_share"].map(share),
    })
    for bloc in ("MSP", "Quad", "India–Japan"):
        column = f"share_{bloc}"
        if column in trend:
            table[bloc] = [share(v, "none listed") if formed(bloc, int(y)) else "not yet formed"
                           for v, y in zip(trend[column], trend["year"])]
    table["Top 3"] = trend["top3_share"].map(fmt_share)
    table["HHI (0–10,000)"] = hhi_labels(trend)
    return table


def _usgs_stages(supply: pd.DataFrame, mineral: str, year: int, iea: bool) -> tuple[pd.DataFrame | None, list[str]]:
    """USGS mine vs refinery series of ``year`` side by side where USGS publishes both, and what is not covered."""
    sources = supply.loc[(supply["mineral"] == mineral) & (supply["year"] == year) & supply["source"].str.startswith("usgs"), "source"]
    stages_present = set(supply.loc[(supply["mineral"] == mineral) & (supply["year"] == year) & supply["source"].isin(sources), "stage"])
    text: list[str] = []
    table = None
    if {"mining", "refining"} <= stages_present:
        comparison = stage_comparison(supply, [mineral], year, source=str(sources.max()))
        table = pd.DataFrame({
            "Stage": comparison["stage"].str.capitalize(),
            "Series": comparison["product"],
            "World (t)": comparison["world_total_t"].map(fmt_tonnes),
            "Largest": leader_labels(comparison),
            "China": comparison["china_share"].map(lambda v: fmt_share(v) if v == v else "not listed"),
            "Top 3": comparison["top3_share"].map(fmt_share),
            "HHI (0–10,000)": hhi_labels(comparison),
            "Japan": [fmt_rank_share(r, v) if ok else "not listed"
                      for r, v, ok in zip(comparison["japan_rank"], comparison["japan_share"], comparison["japan_listed"])],
            "India": [fmt_rank_share(r, v) if ok else "not listed"
                      for r, v, ok in zip(comparison["india_rank"], comparison["india_share"], comparison["india_listed"])],
        })
    elif stages_present == {"refining"} and not iea:
        text.append(
            f"{mineral} is not mined for itself: it is recovered while other ores are processed, so USGS reports refinery "
            "production only — the series used throughout this report. The IEA dataset does not cover "
            f"{mineral.lower()}, so there is no separate mining stage to compare and no IEA outlook."
        )
    if not iea and "refining" not in stages_present:
        text.append(
            f"Refining is not covered for {mineral.lower()}: USGS reports mine production only and the IEA dataset does not "
            f"include {mineral.lower()}, so China's share of refining, Japan's and India's place as refiners and an outlook "
            "cannot be shown."
        )
    return table, text


def _rare_earths_context(production: Concentration, stages: StageSection | None) -> str:
    """World shares that frame the question (not Japan's import shares)."""
    text = f"For context: China mined {fmt_share(production.share_of('CHN'))} of the world's rare earths in {production.year} (USGS)"
    if stages is not None:
        refining = stages.comparison.set_index("stage").loc["refining"]
        text += f" and refined {fmt_share(refining['china_share'])} of the world's magnet rare earths in {stages.year} (IEA)"
    return text + ". These are shares of world supply; they do not say how much of Japan's own imports came from China."


def _rare_earths_table(rare: MirrorSection) -> pd.DataFrame:
    """China-reported rare-earth exports to Japan per year (the numerator of a mirror estimate, on its own)."""
    by_year = rare.rare_earths_by_year
    from analysis.text import fmt_weight_kg

    return pd.DataFrame({
        "Year": by_year["year"].astype(int).astype(str) + by_year["months"].map(lambda m: "" if m == 12 else f" ({m} months)"),
        "China-reported exports to Japan (USD)": by_year["value_usd"].map(fmt_usd),
        "Weight": by_year["quantity_kg"].map(fmt_weight_kg),
    })


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


#: A bloc chart (China and the three blocs, production and reserves, on a 0–100% axis) is drawn
#: only when at least this many of its bars reach this share: below that it is mostly empty axis.
BLOC_CHART_MIN_BARS = 3
BLOC_CHART_MIN_SHARE = 0.05


def _bloc_bars(blocs: pd.DataFrame) -> pd.Series:
    """The shares the bloc chart draws: each bloc's, and China's once per measure (NaN: not listed)."""
    china = blocs.drop_duplicates("measure_label")["china_share"]
    return pd.concat([blocs["bloc_share"], china], ignore_index=True)


def _blocs_chartable(blocs: pd.DataFrame) -> bool:
    return int((_bloc_bars(blocs) >= BLOC_CHART_MIN_SHARE).sum()) >= BLOC_CHART_MIN_BARS


def _blocs_note(blocs: pd.DataFrame) -> str:
    """The bloc figures in words, for when the chart would be near empty (see :func:`_blocs_chartable`)."""
    names = {"MSP": "MSP partners", "Quad": "the Quad's members", "India–Japan": "India and Japan together"}
    measures = list(dict.fromkeys(blocs["measure_label"]))

    def held(bloc: str, frame: pd.DataFrame) -> str:
        values = {m: frame.loc[frame["measure_label"] == m, "bloc_share"] for m in measures}
        values = {m: float(v.iloc[0]) for m, v in values.items() if len(v)}
        if all(v == 0 for v in values.values()):
            return f"USGS lists no {' or '.join(lower_first(m) for m in values)} for {names.get(bloc, bloc).replace(' together', '')}"
        parts = [f"{fmt_share(v)} of world {lower_first(m)}" if v > 0 else f"no listed {lower_first(m)}" for m, v in values.items()]
        return f"{names.get(bloc, bloc)} hold {join_names(parts)}"

    held_text = [held(bloc, frame) for bloc, frame in blocs.groupby("bloc", sort=False)]
    china = blocs.drop_duplicates("measure_label")
    china_text = (
        "USGS does not list China separately" if china["china_share"].isna().all()
        else "China holds " + join_names([f"{fmt_share(s)} of world {lower_first(m)}" for m, s in zip(china["measure_label"], china["china_share"])])
    )
    visible = int((_bloc_bars(blocs) >= BLOC_CHART_MIN_SHARE).sum())
    return (
        f"{'; '.join(held_text)[:1].upper()}{'; '.join(held_text)[1:]}; {china_text}. A chart would show only "
        f"{count_noun(visible, 'bar')} of {fmt_share(BLOC_CHART_MIN_SHARE)} of the world or more, so the figures are given here instead."
    )


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
        f"For {r.description[:1].lower() + r.description[1:]} (HS {r.hs_code}), exporters report {fmt_share(r.coverage_ratio)} of what "
        "importers report buying: the two sides classify the product differently, so its exporter shares are not charted."
        for r in odd.itertuples()
    ]


def _china_imports(mineral: str) -> pd.DataFrame:
    """India's and Japan's imports of the mineral's products from China over time (where the data have them)."""
    quad = load_quad_imports()
    frames = []
    for iso3, name in (("IND", "India"), ("JPN", "Japan")):
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
    for iso3, name in (("IND", "India"), ("JPN", "Japan")):
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


def _risk(usgs: pd.DataFrame, mineral: str, measure: str, year: int) -> tuple[SupplyRisk | None, pd.DataFrame | None]:
    # EU convention (mean of six WGI dimensions) where recent enough, else political stability;
    # the score's basis is printed beside the result.
    governance = load_governance()
    try:
        risk = supply_risk(usgs, governance, mineral, measure, year)
    except ParameterError:
        return None, None
    return risk, supply_risk_sensitivity(risk)


def _risk_notes(risk: SupplyRisk) -> list[str]:
    """The caveats of :func:`supply_risk` for readers, from the result's fields (no formula symbols)."""
    notes = [f"Governance scores: {risk.governance_basis}; the EU method averages all six World Bank governance dimensions."]
    for note in risk.notes:
        if note.startswith("Named shares summed to"):
            notes.append("USGS's named country figures add up to " + note.split("summed to ")[1].split(" of")[0]
                         + " of its rounded world total; shares were scaled to 100% before weighting.")
    if risk.unscored:
        notes.append(f"No governance score for {join_names([display_name(c) for c in risk.unscored])}: counted as the best "
                     "score in the lower bound and the worst in the upper bound.")
    if risk.residual_share > 0:
        notes.append(f"The {fmt_share(risk.residual_share)} of world output not attributed to named countries counts as nothing "
                     "in the lower bound and as one supplier with the worst governance score in the upper bound.")
    notes.append("Only the global-supply part of the EU formula is computed: the part weighted by the EU's own import sources "
                 "needs EU sourcing data, which this report does not use.")
    notes.append("The headline figure assumes no recycling and no substitute — a worst case, not an estimate; the heat map "
                 "shows how recycling and substitution would lower it.")
    notes.append("Export restrictions and trade agreements, which the EU method uses to adjust each country's weight, are not "
                 "modelled: every country counts with the same weight.")
    return notes


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
        return f"China's share of world {label} was {fmt_share(c.share_of('CHN'))}; it was the {fmt_ordinal(rank)} producer."
    return (
        f"USGS does not list China separately for {label}; any Chinese output is within the "
        f"{fmt_share(c.residual_share)} not attributed to named countries."
    )


def _reserves_sentence(production: Concentration, reserves: Concentration, label: str) -> str:
    comparison = "less concentrated than" if reserves.hhi_upper < production.hhi_lower else (
        "more concentrated than" if reserves.hhi_lower > production.hhi_upper else "about as concentrated as")
    china = ""
    if reserves.leader_iso3 != "CHN":
        china = (f"; China holds {fmt_share(reserves.share_of('CHN'))}" if reserves.is_listed("CHN")
                 else "; USGS does not list China's reserves separately")
    return (
        f"Reserves are {comparison} {label} (HHI {fmt_hhi_range(reserves.hhi_lower, reserves.hhi_upper)} "
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
        text = f"{name} produced {fmt_tonnes(value)} ({fmt_share(production.share_of(iso3))} of the world, the {fmt_ordinal(rank)} producer)"
    else:
        text = f"USGS records no {label} for {name}"
    if reserves is not None:
        held = reserves.value_of(iso3)
        if held == held and held > 0:
            text += f"; it holds {fmt_tonnes(held)} of reserves ({fmt_share(reserves.share_of(iso3))} of the world)"
            if rp is not None:
                years = rp.loc[rp["iso3"] == iso3, "rp_years"]
                if len(years) and years.iloc[0] == years.iloc[0]:
                    text += f", {fmt_years(float(years.iloc[0]))} of current output"
    return text + "."
