"""Country dependence: how far India or Japan relies on China for critical minerals.

One call, :func:`country_dependence`, gives the notebook everything it shows for one importing
country: China's share of its imports per HS product and year (value and net weight, from the
only extracts that split China from the World — HS 2504, 2822 and 282520 in the Quad files);
what it imported in the 2023 all-reporter extract; China's own monthly exports to it around the
export-control events (mirror data from a derived table); governance-weighted supply risk of
the priority minerals with the EoL-RIR × SI sensitivity; and what partner blocs, the country's
actual nickel-ore suppliers and the India–Japan complementarity could offer. Every sentence is
built from computed numbers with :mod:`analysis.text` formatters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data import (
    load_china_exports_groups,
    load_china_exports_hs6,
    load_critical_mineral_lists,
    load_events,
    load_frameworks,
    load_trade,
    load_usgs,
)
from analysis.data.comtrade import ALL_REPORTERS_2023_RESOURCE, NICKEL_RESOURCE, QUAD_WORLD_RESOURCE
from analysis.data.countries import display_name, match_name
from analysis.data.minerals import HS_PRODUCTS, PRIORITY_MINERALS, product_label, product_name, standard_mineral
from analysis.errors import ParameterError
from analysis.indicators.concentration import MEASURE_LABELS, concentration
from analysis.indicators.dependence import import_dependence, import_sources
from analysis.indicators.trade import mineral_trade
from analysis.indicators.partners import bloc_members, bloc_shares, complementarity
from analysis.indicators.risk import supply_risk, supply_risk_sensitivity
from analysis.indicators.timeseries import flows_around_events
from analysis.reports.common import governance_basis_text, load_governance, usgs_source
from analysis.reports.country_sections import MirrorSection, RefiningSection, mirror_section, refining_section
from analysis.indicators.series import primary_measure
from analysis.text import (
    count_noun,
    fmt_change,
    fmt_date,
    fmt_number,
    fmt_pp,
    fmt_share,
    fmt_sr,
    fmt_tonnes,
    fmt_usd,
    fmt_weight_kg,
    join_names,
    lower_first,
    number_word,
)

#: The importing countries these reports are about (display name → ISO alpha-3).
COUNTRIES: dict[str, str] = {"India": "IND", "Japan": "JPN"}
#: Event category under which ``partnership/events.csv`` files China's export-control measures.
CONTROL_CATEGORY = "industry"
#: Months either side of an event for the before/after comparison.
WINDOW_MONTHS = 6
#: Blocs whose share of world supply is compared with China's (short names of ``bloc_members``).
BLOCS: tuple[str, ...] = ("India–Japan", "Quad", "MSP")
#: Nickel-ore HS code with partner detail in the data package.
NICKEL_ORE = "260400"
#: Method reference of the supply-risk formula (see :mod:`analysis.indicators.risk`).
RISK_METHOD = "EU CRM methodology (European Commission 2017; Blengini et al. 2017, doi:10.2760/73303)"


@dataclass(frozen=True)
class CountryDependence:
    """Everything the country-dependence notebook shows (see :func:`country_dependence`)."""

    country: str
    iso3: str
    year: int
    window_months: int
    window_caption: str
    standfirst: str
    first_year: int
    latest_year: int
    #: China-split products, one row per HS code × year (chart data; shares 0–1, USD, kg)
    dependence: pd.DataFrame
    share_table: pd.DataFrame
    share_text: list[str]
    trade_year: int
    mineral_imports: pd.DataFrame
    #: Monthly China-reported exports to the country (chart data, NaN for months absent)
    flows: pd.DataFrame
    #: Export-control events drawn on the monthly chart (one row per event × series)
    event_marks: pd.DataFrame
    windows: pd.DataFrame
    window_table: pd.DataFrame
    shock_text: list[str]
    risk: pd.DataFrame
    risk_table: pd.DataFrame
    sensitivity: pd.DataFrame
    risk_text: list[str]
    blocs: pd.DataFrame
    production_note: str
    bloc_text: list[str]
    nickel_year: int | None
    nickel_sources: pd.DataFrame | None
    nickel_text: list[str]
    complementarity: pd.DataFrame
    complementarity_text: list[str]
    #: the country's place as a refiner (IEA 2023) and the mirror estimate of China's share
    refining: RefiningSection
    mirror: MirrorSection
    findings: list[str]
    caveats: dict[str, list[str]]
    sources: dict[str, str]


# --------------------------------------------------------------------------------------------
# Small helpers (labels, source lines, number phrases)
# --------------------------------------------------------------------------------------------










def country_code(country: str) -> str:
    """ISO alpha-3 of one of :data:`COUNTRIES` (ParameterError naming the valid names otherwise)."""
    entity = match_name(country)
    if country not in COUNTRIES or entity is None or entity.code != COUNTRIES[country]:
        raise ParameterError(f"unknown country {country!r}; valid: {', '.join(COUNTRIES)}")
    return entity.code


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------


def _dependence_rows(trade: pd.DataFrame, iso3: str) -> tuple[pd.DataFrame, list[str]]:
    """China-split products (the Quad extracts): one row per HS code × year, with pp changes."""
    table = import_dependence(trade, iso3)
    notes = list(table.attrs.get("notes", []))
    split = table[(table["source"] == QUAD_WORLD_RESOURCE) & (table["china_basis"] == "reported")].copy()
    if split.empty:
        raise ParameterError(f"no China/World import split for {iso3} in the trade data")
    split = split.sort_values(["hs_code", "year"], kind="stable").reset_index(drop=True)
    previous = split.groupby("hs_code")["china_share"].shift(1)
    consecutive = split["year"] - split.groupby("hs_code")["year"].shift(1) == 1
    split["share_change"] = np.where(consecutive, split["china_share"] - previous, np.nan)
    split["rest_value_usd"] = split["value_usd"] - split["china_value_usd"]
    split["product"] = split["hs_code"].map(product_name)
    split["label"] = split["hs_code"].map(product_label)
    columns = [
        "hs_code", "product", "label", "mineral", "year", "value_usd", "china_value_usd", "rest_value_usd",
        "net_weight_kg", "china_net_weight_kg", "china_share", "china_share_weight", "share_change", "yoy_change",
    ]  # fmt: skip
    return split[columns], notes


def _share_sentences(rows: pd.DataFrame, country: str) -> tuple[list[str], str]:
    latest = int(rows["year"].max())
    now = rows[rows["year"] == latest].set_index("hs_code")
    before = rows[rows["year"] == latest - 1].set_index("hs_code")
    parts = []
    for code, row in now.iterrows():
        earlier = f"; {latest - 1}: {fmt_share(before.loc[code, 'china_share'])}" if code in before.index else ""
        parts.append(f"**{fmt_share(row['china_share'])}** for {row['product'].lower()} (HS {code}{earlier})")
    finding = f"In {latest}, China's share of {country}'s import value was " + join_names(parts) + "."
    moves = now.assign(change=now["share_change"]).dropna(subset=["change"])
    sentences = []
    if len(moves):
        big = moves.loc[moves["change"].abs().idxmax()]
        direction = "fell" if big["change"] < 0 else "rose"
        sentences.append(
            f"The largest move in {latest} was in {big['product'].lower()}: China's share {direction} by "
            f"{fmt_number(abs(100 * big['change']), 0)} percentage points, from {fmt_share(big['china_share'] - big['change'])} "
            f"to {fmt_share(big['china_share'])} of import value ({fmt_share(big['china_share_weight'])} of net weight)."
        )
    return sentences, finding


def _share_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per product × measure (value, net weight), one column per year: China's share."""
    records = []
    for label, lines in rows.groupby("label", sort=False):
        for column, measure in (("china_share", "by value"), ("china_share_weight", "by net weight")):
            record = {"Product": label, "Measure": f"China's share {measure}"}
            record.update({str(int(y)): fmt_share(v, 1) for y, v in zip(lines["year"], lines[column])})
            records.append(record)
        record = {"Product": label, "Measure": "Imports from the World"}
        record.update({str(int(y)): fmt_usd(v) for y, v in zip(lines["year"], lines["value_usd"])})
        records.append(record)
    return pd.DataFrame(records).fillna("n/a")


def imports_by_mineral(trade: pd.DataFrame, iso3: str) -> tuple[int, pd.DataFrame]:
    """Imports per mineral from the all-reporter extract (partner World, no China split): the
    latest year and the display table (column "Mineral" holds USGS commodity names)."""
    years = sorted(int(y) for y in trade.loc[trade["source"] == ALL_REPORTERS_2023_RESOURCE, "year"].unique())
    year = years[-1]
    table = mineral_trade(trade[trade["source"] == ALL_REPORTERS_2023_RESOURCE], iso3, year)
    table = table.sort_values("imports_usd", ascending=False, kind="stable")
    return year, pd.DataFrame({
        "Mineral": table["mineral"],
        "Imports (USD)": table["imports_usd"].map(fmt_usd),
        "Exports (USD)": table["exports_usd"].map(fmt_usd),
        "Net import ratio": table["net_import_ratio"].map(fmt_share),
        "HS codes summed": table["hs_codes"],
    })


def _series_label(series: str) -> str:
    if series in HS_PRODUCTS:
        return product_label(series)
    return f"{standard_mineral(series)}: product group as defined by the derived table's author"


def _flows(iso3: str, events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
    """Monthly China-reported exports to ``iso3`` around the export-control events.

    HS-level lines for graphite (250410, 380110) and Ga/Ge (811292); the author's rare-earth
    product group where the table has it for this partner.
    """
    hs6 = load_china_exports_hs6()
    result = flows_around_events(hs6, events, partners=[iso3], categories=[CONTROL_CATEGORY], window_months=WINDOW_MONTHS)
    parts = [result]
    groups = load_china_exports_groups()
    if ((groups["partner_iso3"] == iso3) & (groups["mineral"] == "Rare earths")).any():
        parts.append(flows_around_events(groups, events, partners=[iso3], minerals=["Rare earths"],
                                         categories=[CONTROL_CATEGORY], window_months=WINDOW_MONTHS))
    flows = pd.concat([p.flows for p in parts], ignore_index=True)
    windows = pd.concat([p.windows for p in parts], ignore_index=True)
    notes = list(dict.fromkeys(note for p in parts for note in p.notes))
    # Months absent from the derived table stay visible as gaps (NaN), not as zero exports.
    months = pd.date_range(flows["month"].min(), flows["month"].max(), freq="MS")
    full = []
    for series, lines in flows.groupby("series", sort=False):
        frame = lines.set_index("month").reindex(months)
        frame.index.name = "month"
        frame = frame.reset_index()
        frame["series"] = series
        frame["mineral"] = lines["mineral"].iloc[0]
        full.append(frame)
    flows = pd.concat(full, ignore_index=True)
    flows["label"] = flows["series"].map(_series_label)
    flows["value_kusd"] = flows["value_usd"] / 1e3
    flows["quantity_t"] = flows["quantity_kg"] / 1e3
    flows = flows[["month", "series", "label", "mineral", "value_usd", "value_kusd", "quantity_kg", "quantity_t"]]
    first, last = months[0], months[-1]
    dated = windows[(windows["date_precision"] != "year")].copy()
    dated["when"] = pd.to_datetime(dated["date"].astype(str).str.slice(0, 10), errors="coerce")
    dated = dated[dated["when"].notna() & (dated["when"] >= first) & (dated["when"] <= last + pd.offsets.MonthEnd(0))]
    marks = dated.assign(label=dated["series"].map(_series_label))[["when", "event", "series", "label"]].reset_index(drop=True)
    return flows, marks, windows, notes


def _window_table(windows: pd.DataFrame) -> pd.DataFrame:
    shown = windows[(windows["before_months"] > 0) & (windows["after_months"] > 0)]
    return pd.DataFrame({
        "Date": shown["date"].astype(str),
        "Event": shown["event"],
        "Product": "HS " + shown["series"].astype(str),
        "Months with data, before / after": shown["before_months"].astype(str) + " / " + shown["after_months"].astype(str),
        "Mean before (USD a month)": shown["before_mean_usd"].map(fmt_usd),
        "Mean after (USD a month)": shown["after_mean_usd"].map(fmt_usd),
        "Change, value": shown["change_usd"].map(fmt_change),
        "Change, weight": shown["change_kg"].map(fmt_change),
    })


def _shock_sentences(windows: pd.DataFrame, country: str, last_month: pd.Timestamp) -> tuple[list[str], list[str]]:
    """(findings, paragraph sentences) about the latest event with data on both sides, per product."""
    usable = windows[(windows["before_months"] > 0) & (windows["after_months"] > 0)].copy()
    usable["when"] = pd.to_datetime(usable["date"].astype(str), errors="coerce")
    findings, text = [], []
    for mineral, rows in usable.groupby("mineral", sort=False):
        latest = rows[rows["when"] == rows["when"].max()]
        phrases = []
        for _, row in latest.iterrows():
            coverage = "" if row["complete"] else (
                f"; {row['before_months']} of {WINDOW_MONTHS} months before and {row['after_months']} of {WINDOW_MONTHS} after have data"
            )
            phrases.append(
                f"{lower_first(_series_label(row['series']))} {fmt_change(row['change_usd'])} "
                f"({fmt_usd(row['before_mean_usd'])} a month before, {fmt_usd(row['after_mean_usd'])} after{coverage})"
            )
        event = latest.iloc[0]
        sentence = (
            f"After “{event['event']}” ({fmt_date(event['when'], str(event['date_precision']))}), China's reported exports "
            f"to {country} in the {count_noun(WINDOW_MONTHS, 'month')} after against the {count_noun(WINDOW_MONTHS, 'month')} before: "
            + "; ".join(phrases) + "."
        )
        text.append(sentence)
        if mineral == "Graphite":
            findings.append(sentence + " These are China's own export records (mirror data) from a derived table.")
    events = windows.drop_duplicates("event_id")
    late = events[(events["date_precision"] != "year")
                  & (pd.to_datetime(events["date"].astype(str), errors="coerce") > last_month + pd.offsets.MonthEnd(0))]
    if len(late):
        text.append(
            f"The monthly data end in {last_month:%B %Y}, so {count_noun(len(late), 'later event')} cannot be measured yet: "
            + "; ".join(f"{r.event} ({r.date})" for r in late.itertuples()) + "."
        )
    return findings, text


def _risk(usgs: pd.DataFrame, governance: pd.DataFrame, year: int) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
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
    table = pd.DataFrame(rows).sort_values("sr_upper", ascending=False, kind="stable").reset_index(drop=True)
    return table, pd.concat(grids, ignore_index=True), notes


def _risk_sentences(risk: pd.DataFrame, sensitivity: pd.DataFrame, year: int, basis: str) -> tuple[str, list[str]]:
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


def _blocs(usgs: pd.DataFrame, frameworks: pd.DataFrame, year: int) -> tuple[pd.DataFrame, list[str]]:
    frames, notes = [], []
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


def _bloc_sentence(blocs: pd.DataFrame, year: int) -> str:
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
        f"**{join_names([fmt_share(quad[m], 1) for m in led])}** of world output and MSP partners "
        f"{join_names([fmt_share(msp[m], 1) for m in led])}."
    )


def _nickel(trade: pd.DataFrame, iso3: str, country: str) -> tuple[int | None, pd.DataFrame | None, list[str]]:
    rows = trade[(trade["source"] == NICKEL_RESOURCE) & (trade["reporter_iso3"] == iso3) & (trade["flow"] == "import")
                 & (trade["hs_code"] == NICKEL_ORE) & (trade["partner_iso3"] != "WLD")]
    if rows.empty:
        return None, None, [f"The nickel extract has no partner detail for {country}'s imports of nickel ores."]
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
    return year, shown, text


def _complementarity(usgs: pd.DataFrame, trade: pd.DataFrame, year: int) -> tuple[pd.DataFrame, list[str]]:
    lists = load_critical_mineral_lists()
    trade_year = int(trade.loc[trade["source"] == ALL_REPORTERS_2023_RESOURCE, "year"].max())
    table = complementarity(usgs, lists, trade, year=year, trade_year=trade_year)
    known = (table["india_production_status"] == "reported") | (table["india_reserves_status"] == "reported") | table["japan_imports_usd"].notna()
    shown = table[known]
    left_out = table.loc[~known, "mineral"].tolist()

    def india(value: float, share: float, status: str) -> str:
        if status != "reported":
            return {"not_listed": "not listed", "several_series": "several series", "no_series": "no series"}.get(status, status)
        return f"{fmt_tonnes(value)} ({fmt_share(share, 1)})"

    display = pd.DataFrame({
        "Mineral": shown["mineral"],
        f"India: production {year} (share of world)": [india(v, s, st) for v, s, st in zip(
            shown["india_production_t"], shown["india_production_share"], shown["india_production_status"])],
        "India: reserves (share of world)": [india(v, s, st) for v, s, st in zip(
            shown["india_reserves_t"], shown["india_reserves_share"], shown["india_reserves_status"])],
        f"Japan: imports {trade_year} (USD)": shown["japan_imports_usd"].map(fmt_usd),
        "Japan: net import ratio": shown["japan_net_import_ratio"].map(fmt_share),
        f"China: share of world production {year}": shown["china_production_share"].map(
            lambda v: "not listed" if pd.isna(v) else fmt_share(v)),
    })
    reserves = shown[shown["india_reserves_status"] == "reported"]
    text = [
        f"{count_noun(len(table), 'mineral')} are on both India's and Japan's critical-mineral lists. "
        f"USGS lists Indian reserves for {count_noun(len(reserves), 'of them', 'of them')}"
        + (": " + join_names([f"{r.mineral.lower()} ({fmt_tonnes(r.india_reserves_t)}, {fmt_share(r.india_reserves_share, 1)} of the world)"
                              for r in reserves.itertuples()]) if len(reserves) else "")
        + ".",
    ]
    if left_out:
        text.append(
            f"Not shown, because neither USGS lists India nor the {trade_year} extract has Japan's trade for them: "
            f"{join_names([m.lower() for m in left_out])}."
        )
    return display, text


# --------------------------------------------------------------------------------------------
# The composition
# --------------------------------------------------------------------------------------------


def country_dependence(country: str = "India", year: int = 2024) -> CountryDependence:
    """Dependence of ``country`` (India or Japan) on China, with supply risk and partner options.

    ``year`` is the USGS production year for supply risk and bloc shares; trade years come from
    the extracts (China/World split 2019–2024, all-reporter file 2023, monthly mirror exports
    2017–2024).
    """
    iso3 = country_code(country)
    trade = load_trade()
    usgs_all = load_usgs()
    # Every USGS figure here is of one year: filtering once keeps the ~150 series look-ups fast.
    usgs = usgs_all[usgs_all["year"] == year]
    if usgs.empty:
        years = sorted(int(y) for y in usgs_all["year"].unique())
        raise ParameterError(f"no USGS data for {year}; years: {', '.join(map(str, years))}")
    events = load_events()

    dependence, trade_notes = _dependence_rows(trade, iso3)
    first_year, latest_year = int(dependence["year"].min()), int(dependence["year"].max())
    share_text, share_finding = _share_sentences(dependence, country)
    codes = list(dict.fromkeys(dependence["hs_code"]))
    share_text.insert(0, (
        f"The trade data split China from the rest of the world for {count_noun(len(codes), 'product')} of {country}'s imports: "
        f"{join_names([lower_first(product_label(c)) for c in codes])}, {first_year}–{latest_year}."
    ))
    trade_year, mineral_imports = imports_by_mineral(trade, iso3)

    flows, marks, windows, flow_notes = _flows(iso3, events)
    last_month = pd.Timestamp(flows["month"].max())
    shock_findings, shock_text = _shock_sentences(windows, country, last_month)

    governance = load_governance()  # the same basis as the mineral profiles
    risk, sensitivity, risk_notes = _risk(usgs, governance, year)
    basis = governance_basis_text(governance)
    risk_finding, risk_text = _risk_sentences(risk, sensitivity, year, basis)
    risk_table = pd.DataFrame({
        "Mineral": risk["mineral"],
        "Series": risk["measure"].map(MEASURE_LABELS),
        "SR (worst case)": risk["sr_text"],
        "Largest supplier": risk["top_country"] + " (" + risk["top_share"].map(fmt_share) + ")",
        "Its governance score (0–10)": risk["top_governance"].map(lambda s: fmt_number(s, 1)),
        "Share not attributed to named countries": risk["residual_share"].map(lambda s: fmt_share(s, 1)),
    })

    blocs, bloc_notes = _blocs(usgs, load_frameworks(), year)
    production = blocs[blocs["kind"] == "Production"].drop_duplicates("mineral")
    usual = production["measure_label"].mode().iloc[0]
    exceptions = production[production["measure_label"] != usual]
    production_note = usual + "".join(f"; {r.mineral.lower()}: {r.measure_label}" for r in exceptions.itertuples())
    no_reserves = [m for m in production["mineral"] if not ((blocs["mineral"] == m) & (blocs["kind"] == "Reserves")).any()]
    if no_reserves:
        bloc_notes.append(f"USGS publishes no reserves figure for {join_names([m.lower() for m in no_reserves])}.")
    bloc_sentence = _bloc_sentence(blocs, year)
    nickel_year, nickel_table, nickel_text = _nickel(trade, iso3, country)
    comp_table, comp_text = _complementarity(usgs, trade, year)

    refining = refining_section(country, iso3)
    mirror = mirror_section(country, iso3)

    # The "so what" first: how dependent, by the estimate where reported data are missing; where
    # the country stands as a refiner; then the reported shares, the shock and the risk scores.
    findings = [mirror.finding, refining.finding, share_finding, *shock_findings, risk_finding]
    if bloc_sentence:
        findings.append(bloc_sentence)

    editions = usgs.loc[usgs["year"] == year, "edition"]
    usgs_line = usgs_source(editions)
    comtrade = "UN Comtrade (UN Statistics Division)"
    chart_sources = {
        "trade": f"{comtrade}: imports reported by {country}, partners World and China, {first_year}–{latest_year}",
        "mirror": (f"{comtrade}: China-reported monthly exports, table derived by a third party (mirror data); "
                   "event dates: news reports"),
        "risk": f"{usgs_line}; World Bank WGI ({basis}); method: EU CRM (Blengini et al. 2017)",
        "blocs": f"{usgs_line}; memberships: news and official releases compiled for this project",
        "usgs": usgs_line,
    }

    caveats = {
        "trade": [
            (f"China is split from the World only for {join_names([lower_first(product_label(c)) for c in dependence['hs_code'].unique()])}, "
            f"{first_year}–{latest_year} (UN Comtrade extracts of the Quad reporters); for every other product the data give "
            f"{country}'s imports from the World in {trade_year} only, so China's share there is unknown, not zero."),
            ("Net weight is the weight of the traded product, not of its mineral content; values are CIF US dollars "
            "as reported by the importer."),
            *trade_notes,
        ],
        "shock": [
            ("These are China's reported exports (FOB) to the country, not the country's own import records (mirror data), "
            "taken from tables a third party derived from UN Comtrade monthly data: secondary data."),
            "HS 811292 mixes gallium, germanium, indium and other unwrought metals; a change there is not gallium alone.",
            "Event dates come from news and law-firm reports compiled for this project; windows leave out the event month.",
            *flow_notes[1:],
        ],
        "risk": [
            (f"Governance here is the World Bank's WGI: {basis}; the EU method averages all six dimensions "
             "(score = 2 × (2.5 − mean)); a political-stability rank alone scores (100 − rank) / 10."),
            ("End-of-life recycling input rate (EoL-RIR) and substitution index (SI) are not in the sources used here: the bars show the "
            "worst case (EoL-RIR 0, SI 1) and the grid shows how SR moves with them; neither factor is estimated here."),
            (f"Method: {RISK_METHOD}. Only the global-supply term of the formula is computed (no import reliance or sourcing shares), so SR is the same "
            "for any importer; the EU's trade-related variable is 1 for every country."),
            *risk_notes,
        ],
        "partners": [
            "Blocs overlap: India and Japan are Quad members and MSP partners, and every Quad member is an MSP partner.",
            "Reserves are what USGS counts as economically extractable today; production is the 2024 estimate.",
            *bloc_notes,
        ],
    }
    standfirst = (
        f"China's share of {country}'s imports {first_year}–{latest_year}, the shock after China's export controls, "
        f"supply risk of {count_noun(len(PRIORITY_MINERALS), 'priority mineral')} in {year} and what partners could supply"
    )
    return CountryDependence(
        country=country,
        iso3=iso3,
        year=year,
        window_months=WINDOW_MONTHS,
        window_caption=(f"Monthly average of China's reported exports to {country}, {count_noun(WINDOW_MONTHS, 'month')} "
                        "before and after each event"),
        standfirst=standfirst,
        first_year=first_year,
        latest_year=latest_year,
        dependence=dependence,
        share_table=_share_table(dependence),
        share_text=share_text,
        trade_year=trade_year,
        mineral_imports=mineral_imports,
        flows=flows,
        event_marks=marks,
        windows=windows,
        window_table=_window_table(windows),
        shock_text=shock_text,
        risk=risk,
        risk_table=risk_table,
        sensitivity=sensitivity,
        risk_text=risk_text,
        blocs=blocs,
        production_note=production_note,
        bloc_text=[bloc_sentence] if bloc_sentence else [],
        nickel_year=nickel_year,
        nickel_sources=nickel_table,
        nickel_text=nickel_text,
        complementarity=comp_table,
        complementarity_text=comp_text,
        refining=refining,
        mirror=mirror,
        findings=findings,
        caveats=caveats,
        sources=chart_sources,
    )
