"""Mineral profile, supply sections: who produces the mineral and holds its reserves, where
China, India and Japan stand, the partner blocs' share and the EU-method supply risk.

Each section is one function returning a small typed result; :func:`analysis.reports.mineral_profile.mineral_profile`
composes them."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import load_frameworks
from analysis.data.countries import display_name
from analysis.errors import ParameterError
from analysis.indicators.concentration import (
    MEASURE_LABELS,
    Concentration,
    concentration,
    reserves_to_production,
    top_producers,
)
from analysis.indicators.partners import bloc_shares
from analysis.indicators.risk import SupplyRisk, supply_risk, supply_risk_sensitivity
from analysis.indicators.series import primary_measure
from analysis.reports.common import load_governance, unit_note, usgs_source
from analysis.text import (
    count_noun, fmt_hhi_range, fmt_ordinal, fmt_share, fmt_sr, fmt_tonnes, fmt_years, hhi_band, join_names, lower_first,
)
from analysis.vocabulary import FOCUS, HHI_HIGHLY_CONCENTRATED, PARTNER_ISO3, PARTNER_NAMES


@dataclass(frozen=True)
class ProductionSection:
    """World production and reserves of one mineral and year, with the sentences that report them."""

    measure: str
    label: str
    #: USGS stage of the production series (mining or refining)
    stage: str
    unit_note: str
    source: str
    #: concentration of the production series
    concentration: Concentration
    reserves: Concentration | None
    top: pd.DataFrame
    reserves_top: pd.DataFrame | None
    reserves_to_production: pd.DataFrame | None
    rp_table: pd.DataFrame | None
    #: said instead of the reserves chart and table when USGS has no reserves figure (else empty)
    reserves_note: str
    position: pd.DataFrame | None
    #: said instead of the position chart when USGS lists none of China, India and Japan (else empty)
    position_note: str
    #: the first finding: what the concentration means, then who leads
    headline: str
    #: the findings on the structure of supply (top three, HHI, China, India, Japan, reserves)
    findings: list[str]
    caveats: list[str]
    producers_intro: str
    show_cumulative: bool
    cumulative_note: str


@dataclass(frozen=True)
class BlocSection:
    """Share of world production and reserves held by MSP partners, the Quad and India–Japan."""

    shares: pd.DataFrame
    #: False when the chart would have fewer than BLOC_CHART_MIN_BARS bars of BLOC_CHART_MIN_SHARE or more
    show: bool
    note: str


@dataclass(frozen=True)
class RiskSection:
    """EU-method supply risk (global-supply term) with its sensitivity grid; all None when not computable."""

    result: SupplyRisk | None
    grid: pd.DataFrame | None
    notes: list[str]
    findings: list[str]
    #: said instead of the risk chart when the risk cannot be computed (else empty)
    note: str


def production_section(usgs: pd.DataFrame, mineral: str, year: int) -> ProductionSection:
    """Concentration of production and reserves, top producers, R/P years and the China–India–Japan position."""
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
    caveats = list(production.notes[:-1]) + ([*reserves.notes[:-1]] if reserves is not None else [])
    if series_rows["estimated"].any():
        caveats.append(f"USGS values for {year} are estimates (MCS 'e') where the edition was published early in {year + 1}.")
    top = top_producers(production, 8)
    position = _position(production, reserves, label)
    return ProductionSection(
        measure=measure, label=label, stage=str(series_rows["stage"].iloc[0]),
        unit_note=unit_note(production.usgs_type, mineral), source=usgs_source(editions),
        concentration=production, reserves=reserves, top=top, reserves_top=reserves_top,
        reserves_to_production=rp, rp_table=_rp_table(rp) if rp is not None else None,
        reserves_note=f"USGS publishes no reserves figure for {mineral.lower()}." if reserves_top is None else "",
        position=position,
        position_note="" if position is not None else (
            f"USGS lists neither China, India nor Japan for {mineral.lower()} {label} or reserves: "
            "their output, if any, is inside the residual USGS reports as other countries."),
        headline=_so_what(production, mineral) + " " + _lead_sentence(production, mineral, label, year),
        findings=_structure_sentences(production, reserves, rp, label),
        caveats=caveats,
        producers_intro=_producers_intro(production, top, label),
        # A cumulative chart says nothing the bars do not when three producers or fewer hold (nearly) everything.
        show_cumulative=int((production.shares["iso3"] != "ROW").sum()) > 3 and production.top_k_share < 0.95,
        cumulative_note=(f"The three largest producers hold {fmt_share(production.top_k_share)} of world {label}, so a chart of "
                         "cumulative shares would show nothing the bars above do not."),
    )


def _position(production: Concentration, reserves: Concentration | None, label: str) -> pd.DataFrame | None:
    """China's, India's and Japan's shares of world production and reserves (None when USGS lists none of them).

    Countries USGS does not list (or lists with an empty cell) get NaN — "n/a" in charts —
    rather than a zero the source never gave."""
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
    return position


def _structure_sentences(production: Concentration, reserves: Concentration | None, rp: pd.DataFrame | None,
                         label: str) -> list[str]:
    """Findings on the structure of supply: top three, HHI, China (when not the leader), India, Japan, reserves."""
    top3 = production.shares.head(production.top_k)
    # a country outside the top k with as much as the k-th is named with it ("Japan, joint third with South Korea")
    last = top3.iloc[-1]
    ties = production.shares.iloc[production.top_k:].loc[lambda t: t["value_t"] == last["value_t"], "country"].tolist()
    names = top3["country"].tolist()
    if ties:
        names[-1] = f"{names[-1]} (joint {fmt_ordinal(production.rank_of(str(last['iso3']))[0]).removesuffix('-largest')} with {join_names(ties)})"
    findings = [
        f"The {count_noun(production.top_k, 'largest producer')} — {join_names(names)} — supplied "
        f"**{fmt_share(production.top_k_share)}**; "
        + _reach_80(production),
        f"The Herfindahl–Hirschman index of {label} is **{fmt_hhi_range(production.hhi_lower, production.hhi_upper)}** "
        f"on the 0–10,000 scale ({hhi_band(production.hhi_lower)}).",
    ]
    if production.leader_iso3 != "CHN":
        findings.append(_china_sentence(production, label))
    for iso3, name in PARTNER_NAMES.items():
        findings.append(_country_sentence(production, reserves, rp, iso3, name, label))
    if reserves is not None:
        findings.append(_reserves_sentence(production, reserves, label))
    return findings


def bloc_section(usgs: pd.DataFrame, mineral: str, measure: str, year: int) -> BlocSection:
    """The partner blocs' shares, and whether a chart of them would show enough bars to be worth drawing."""
    blocs = _blocs(usgs, mineral, measure, year)
    return BlocSection(shares=blocs, show=_blocs_chartable(blocs), note=_blocs_note(blocs))


def risk_section(usgs: pd.DataFrame, mineral: str, measure: str, year: int) -> RiskSection:
    """Supply risk on the EU method's global-supply term, its sensitivity and its caveats in reader words."""
    risk, grid = _risk(usgs, mineral, measure, year)
    if risk is None:
        return RiskSection(result=None, grid=grid, notes=[], findings=[], note="Supply risk cannot be computed for this series.")
    finding = (
        f"On the EU method's global-supply term, with the worst-case assumptions of no recycling and no substitute, "
        f"supply risk is {fmt_sr(risk.sr_upper)} (the EU counts 1 or more towards criticality); governance scores: "
        f"{risk.governance_basis} (the EU averages all six of the World Bank's governance indicators)."
    )
    return RiskSection(result=risk, grid=grid, notes=_risk_notes(risk), findings=[finding], note="")


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
    extra = countries[countries["iso3"].isin(list(PARTNER_ISO3)) & ~countries["iso3"].isin(shown["iso3"])]
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
        return f"China's share of world {label} was {fmt_share(c.share_of('CHN'))}; it was the {fmt_ordinal(*c.rank_of('CHN'))} producer."
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
        text = (f"{name} produced {fmt_tonnes(value)} ({fmt_share(production.share_of(iso3))} of the world, "
                f"the {fmt_ordinal(*production.rank_of(iso3))} producer)")
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
