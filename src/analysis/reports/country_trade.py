"""Country report sections built on trade records: the country's own imports and China's exports.

Two sections of the country-dependence report, each one function returning a small typed
result: :func:`trade_section` (China's share of the country's imports per HS product and year,
from the only extracts that split China from the World — HS 2504, 2822 and 282520 in the Quad
files — and what it imported in the 2023 all-reporter extract) and :func:`shock_section`
(China's own monthly exports to the country around the export-control events, mirror data from
a derived table). Every sentence is built from computed numbers with :mod:`analysis.text`
formatters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data import load_china_exports_groups, load_china_exports_hs6
from analysis.data.comtrade import ALL_REPORTERS_2023_RESOURCE, QUAD_WORLD_RESOURCE
from analysis.data.minerals import HS_PRODUCTS, product_label, product_name, standard_mineral
from analysis.errors import ParameterError
from analysis.indicators.dependence import import_dependence
from analysis.indicators.timeseries import flows_around_events
from analysis.indicators.trade import mineral_trade
from analysis.text import count_noun, fmt_change, fmt_date, fmt_number, fmt_share, fmt_usd, join_names, lower_first

#: Event category under which ``partnership/events.csv`` files China's export-control measures.
CONTROL_CATEGORY = "industry"
#: Months either side of an event for the before/after comparison.
WINDOW_MONTHS = 6


@dataclass(frozen=True)
class TradeSection:
    """China's share of the country's imports (China-split products) and its imports per mineral."""

    first_year: int
    latest_year: int
    #: China-split products, one row per HS code × year (chart data; shares 0–1, USD, kg)
    dependence: pd.DataFrame
    share_table: pd.DataFrame
    share_text: list[str]
    finding: str
    #: year of the all-reporter extract and the country's imports per mineral in it
    trade_year: int
    mineral_imports: pd.DataFrame
    caveats: list[str]


@dataclass(frozen=True)
class ShockSection:
    """China's reported monthly exports to the country around the export-control events."""

    #: Monthly China-reported exports to the country (chart data, NaN for months absent)
    flows: pd.DataFrame
    #: Export-control events drawn on the monthly chart (one row per event × series)
    event_marks: pd.DataFrame
    windows: pd.DataFrame
    window_table: pd.DataFrame
    window_caption: str
    text: list[str]
    findings: list[str]
    caveats: list[str]


# --------------------------------------------------------------------------------------------
# Imports reported by the country
# --------------------------------------------------------------------------------------------


def trade_section(trade: pd.DataFrame, iso3: str, country: str) -> TradeSection:
    """China's share of ``country``'s imports per China-split product and year, and its imports per mineral."""
    dependence, notes = _dependence_rows(trade, iso3)
    first_year, latest_year = int(dependence["year"].min()), int(dependence["year"].max())
    share_text, finding = _share_sentences(dependence, country)
    codes = list(dict.fromkeys(dependence["hs_code"]))
    share_text.insert(0, (
        f"The trade data split China from the rest of the world for {count_noun(len(codes), 'product')} of {country}'s imports: "
        f"{join_names([lower_first(product_label(c)) for c in codes])}, {first_year}–{latest_year}."
    ))
    trade_year, mineral_imports = imports_by_mineral(trade, iso3)
    caveats = [
        (f"China is split from the World only for {join_names([lower_first(product_label(c)) for c in dependence['hs_code'].unique()])}, "
        f"{first_year}–{latest_year} (UN Comtrade extracts of the Quad reporters); for every other product the data give "
        f"{country}'s imports from the World in {trade_year} only, so China's share there is unknown, not zero."),
        ("Net weight is the weight of the traded product, not of its mineral content; values are CIF US dollars "
        "as reported by the importer."),
        *notes,
    ]
    return TradeSection(first_year=first_year, latest_year=latest_year, dependence=dependence,
                        share_table=_share_table(dependence), share_text=share_text, finding=finding,
                        trade_year=trade_year, mineral_imports=mineral_imports, caveats=caveats)


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
    """(paragraph sentences, finding) about China's share in the latest year and its largest move."""
    latest = int(rows["year"].max())
    now = rows[rows["year"] == latest].set_index("hs_code")
    before = rows[rows["year"] == latest - 1].set_index("hs_code")
    parts = []
    for code, row in now.iterrows():
        earlier = f"; {latest - 1}: {fmt_share(before.loc[code, 'china_share'])}" if code in before.index else ""
        parts.append(f"**{fmt_share(row['china_share'])}** for {row['product'].lower()} (HS {code}{earlier})")
    finding = (f"In {latest}, China's share of {country}'s import value, by {country}'s own customs data, was "
               + join_names(parts) + ".")
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
            record.update({str(int(y)): fmt_share(v) for y, v in zip(lines["year"], lines[column])})
            records.append(record)
        record = {"Product": label, "Measure": "Imports from the World"}
        record.update({str(int(y)): fmt_usd(v) for y, v in zip(lines["year"], lines["value_usd"])})
        records.append(record)
    return pd.DataFrame(records).fillna("n/a")


def imports_by_mineral(trade: pd.DataFrame, iso3: str) -> tuple[int, pd.DataFrame]:
    """Imports per mineral from the all-reporter extract (partner World, no China split): the
    latest year and the display table (column "Mineral" holds USGS commodity names; the
    cross-links of :func:`analysis.reports.domains.report_sections` point at its rows)."""
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


# --------------------------------------------------------------------------------------------
# China's exports to the country around the export controls (mirror data)
# --------------------------------------------------------------------------------------------


def shock_section(iso3: str, country: str, events: pd.DataFrame) -> ShockSection:
    """China's monthly exports to ``country`` around its export controls, before/after each event."""
    flows, marks, windows, notes = _flows(iso3, events)
    findings, text = _shock_sentences(windows, country, pd.Timestamp(flows["month"].max()))
    caveats = [
        ("These are China's reported exports (FOB) to the country, not the country's own import records: China's UN Comtrade "
        "monthly records, summed into tables by an independent researcher (secondary data)."),
        "HS 811292 mixes gallium, germanium, indium and other unwrought metals; a change there is not gallium alone.",
        "Event dates come from news and law-firm reports compiled for this project; windows leave out the event month.",
        *notes[1:],
    ]
    caption = (f"Monthly average of China's reported exports to {country}, {count_noun(WINDOW_MONTHS, 'month')} "
               "before and after each event")
    return ShockSection(flows=flows, event_marks=marks, windows=windows, window_table=_window_table(windows),
                        window_caption=caption, text=text, findings=findings, caveats=caveats)


def _series_label(series: str) -> str:
    """Reader label of a monthly series: the HS product's label, or, for a group of codes China's
    export records are summed over (rare earths), the mineral with the codes said to be several."""
    if series in HS_PRODUCTS:
        return product_label(series)
    return f"{standard_mineral(series)} (several HS codes together)"


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
    months = pd.date_range(flows["month"].min(), flows["month"].max(), freq="MS")
    flows = _monthly_lines(flows, months)
    marks = _event_marks(windows, months[0], months[-1])
    return flows, marks, windows, notes


def _monthly_lines(flows: pd.DataFrame, months: pd.DatetimeIndex) -> pd.DataFrame:
    """One row per series × month of ``months``: months absent from the derived table stay
    visible as gaps (NaN), not as zero exports; value in USD and kUSD, quantity in kg and t."""
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
    return flows[["month", "series", "label", "mineral", "value_usd", "value_kusd", "quantity_kg", "quantity_t"]]


def _event_marks(windows: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """Events dated to a month or day that fall inside the charted months (one row per event × series)."""
    dated = windows[(windows["date_precision"] != "year")].copy()
    dated["when"] = pd.to_datetime(dated["date"].astype(str).str.slice(0, 10), errors="coerce")
    dated = dated[dated["when"].notna() & (dated["when"] >= first) & (dated["when"] <= last + pd.offsets.MonthEnd(0))]
    return dated.assign(label=dated["series"].map(_series_label))[["when", "event", "series", "label"]].reset_index(drop=True)


def _window_table(windows: pd.DataFrame) -> pd.DataFrame:
    """Before/after means of each event with data on both sides, formatted for the reader."""
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
            findings.append(sentence + f" These are China's own export records (UN Comtrade, summed by month by an independent "
                            f"researcher), not {country}'s customs data.")
    text.extend(_late_events(windows, last_month))
    return findings, text


def _late_events(windows: pd.DataFrame, last_month: pd.Timestamp) -> list[str]:
    """The sentence naming events after the last month with data (none when there are none)."""
    events = windows.drop_duplicates("event_id")
    late = events[(events["date_precision"] != "year")
                  & (pd.to_datetime(events["date"].astype(str), errors="coerce") > last_month + pd.offsets.MonthEnd(0))]
    if not len(late):
        return []
    return [
        f"The monthly data end in {last_month:%B %Y}, so {count_noun(len(late), 'later event')} cannot be measured yet: "
        + "; ".join(f"{r.event} ({r.date})" for r in late.itertuples()) + "."
    ]
