"""Partnership report: what India and Japan did together on critical minerals, and when.

Everything here is drawn from the three sourced partnership files (events, framework
memberships, national critical-mineral lists); each row carries the URL it was read from.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import load_critical_mineral_lists, load_events, load_frameworks, load_trade, load_usgs
from analysis.data.minerals import PRIORITY_MINERALS
from analysis.errors import ParameterError
from analysis.indicators.concentration import available
from analysis.indicators.events import events_by_mineral
from analysis.indicators.partners import BLOC_ALIASES, complementarity
from analysis.reports.common import china_import_share, japan_lithium_hydroxide
from analysis.text import count_noun, fmt_date, fmt_share, fmt_tonnes, fmt_usd, join_names
from analysis.vocabulary import PARTNER_ISO3, PARTNERS

#: The milestones the report must show, each found by a pattern on the event title. A
#: milestone missing from the events data is an error (the data, not the report, must change).
MILESTONES: list[tuple[str, str]] = [
    ("Special Strategic and Global Partnership", r"Special Strategic and Global Partnership"),
    ("Minerals Security Partnership", r"Minerals Security Partnership"),
    ("Indo-Pacific Economic Framework (IPEF)", r"\bIPEF\b"),
    ("First Dialogue on Economic Security", r"1st India-Japan Dialogue on Economic Security"),
    ("Quad Critical Minerals Initiative", r"Quad Critical Minerals Initiative"),
    ("Memorandum of Cooperation, Ministry of Mines – METI", r"Memorandum of Cooperation in the Field of Mineral Resources"),
    ("Toyota Tsusho rare-earth refining in Andhra Pradesh", r"Toyota Tsusho|Toyotsu"),
    ("Battery supply chain and JETRO business matchmaking", r"[Bb]attery"),
    ("15th Annual Summit (29–30 August 2025)", r"15th India-Japan Annual Summit"),
]

FRAMEWORK_SHORT = {full: short for short, full in BLOC_ALIASES.items()}


@dataclass(frozen=True)
class Partnership:
    """Everything the partnership notebook shows (see :func:`partnership`)."""

    as_of: pd.Timestamp
    #: the title block's standfirst
    standfirst: str
    events: pd.DataFrame
    milestones: pd.DataFrame
    #: display version of ``milestones`` (column headers for readers; the source linked through ``source_url``)
    milestones_table: pd.DataFrame
    category_counts: pd.Series
    membership: pd.DataFrame
    lists_overlap: pd.DataFrame
    both_lists: list[str]
    complementarity: pd.DataFrame
    complementarity_table: pd.DataFrame
    #: one row per mineral that sourced events name (:func:`mineral_events_table`)
    by_mineral: pd.DataFrame
    lithium: dict[str, object]  # analysis.reports.common.japan_lithium_hydroxide, as in the briefing
    findings: list[str]
    caveats: list[str]
    events_source: str
    frameworks_source: str
    lists_source: str


#: The report's standfirst (under the title from publications.toml).
STANDFIRST = "What the two governments and their companies did, when, in which frameworks — and which minerals both call critical"

#: Column headers of the milestones table as readers see them.
MILESTONE_COLUMNS = {"milestone": "Milestone", "date": "Date", "event": "Event", "source_type": "Source type", "source_title": "Source"}

#: How the tables name an event's source type.
SOURCE_TYPE_TEXT = {"primary": "Primary (official page)", "secondary": "Secondary (report)"}


def milestone_table(events: pd.DataFrame) -> pd.DataFrame:
    """One row per (milestone, matching event).

    Columns ``milestone``, ``date``, ``event``, ``source_type`` (as :data:`SOURCE_TYPE_TEXT`),
    ``source_title``/``source_url`` (the official page where there is one, else the
    compilation's source: ``best_title``/``best_url`` of :func:`analysis.data.load_events`).
    """
    rows = []
    for label, pattern in MILESTONES:
        hits = events[events["event"].str.contains(pattern, regex=True)]
        if hits.empty:
            raise ParameterError(f"events data has no event for milestone {label!r} (pattern {pattern!r})")
        for hit in hits.itertuples():
            rows.append({"milestone": label, "date": hit.date, "event": hit.event,
                         "source_type": SOURCE_TYPE_TEXT[hit.source_type],
                         "source_title": hit.best_title, "source_url": hit.best_url})
    return pd.DataFrame(rows)


def membership_matrix(frameworks: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Country × framework membership on ``as_of``; undated members count (their date is unknown).

    Columns ``country``, ``iso3``, ``framework`` (short name), ``member`` (bool), ``joined``
    (as published, "date not sourced" where blank), ``highlight`` (India or Japan).
    """
    rows = frameworks.assign(framework=frameworks["framework"].map(lambda f: FRAMEWORK_SHORT.get(f, f)))
    active = rows[rows["joined"].isna() | (rows["joined"] <= as_of)]
    joined_text = active["joined"].dt.strftime("%Y-%m-%d").where(active["joined"].notna(), "date not sourced")
    joined_text = joined_text.where(active["joined_precision"] != "month", active["joined"].dt.strftime("%Y-%m"))
    members = active.assign(member=True, joined=joined_text)[["country_display", "iso3", "framework", "member", "joined"]]
    grid = pd.MultiIndex.from_product(
        [sorted(members["country_display"].unique()), sorted(rows["framework"].unique())], names=["country_display", "framework"]
    ).to_frame(index=False)
    matrix = grid.merge(members, on=["country_display", "framework"], how="left")
    matrix["member"] = matrix["member"].fillna(False).astype(bool)
    matrix["joined"] = matrix["joined"].fillna("")
    matrix["iso3"] = matrix.groupby("country_display")["iso3"].transform(lambda s: s.dropna().iloc[0])
    matrix = matrix.rename(columns={"country_display": "country"})
    matrix["highlight"] = matrix["iso3"].isin(list(PARTNER_ISO3))
    return matrix


def lists_overlap(lists: pd.DataFrame) -> pd.DataFrame:
    """Mineral × {India, Japan}: ``on_list``, ``status`` (on both lists / India only / Japan only)
    and ``list_year`` (year of that country's list, from ``list_date``; <NA> when the source gives
    no date).

    Names are harmonised to USGS commodities first (Japan's platinum and palladium both count
    as platinum-group metals), so each mineral appears once per list.
    """
    on = lists[["country", "mineral_std"]].drop_duplicates().assign(on_list=True)
    grid = pd.MultiIndex.from_product([sorted(on["mineral_std"].unique()), list(PARTNERS)],
                                      names=["mineral_std", "country"]).to_frame(index=False)
    merged = grid.merge(on, on=["mineral_std", "country"], how="left")
    merged["on_list"] = merged["on_list"].fillna(False).astype(bool)
    count = merged.groupby("mineral_std")["on_list"].transform("sum")
    first = merged[merged["on_list"]].groupby("mineral_std")["country"].first()
    merged["status"] = [
        "on both lists" if c == 2 else f"{first[m]} only" for m, c in zip(merged["mineral_std"], count)
    ]
    years = lists.dropna(subset=["list_date"]).groupby("country")["list_date"].min().dt.year
    merged["list_year"] = merged["country"].map(years).astype("Int64")
    return merged.rename(columns={"mineral_std": "mineral"})


def _source_of(frame_name: str) -> str:
    return {
        "events": "Events compiled from public reports, one source per event; the official government page added where one was found",
        "frameworks": "Framework memberships compiled from public reports, one source per membership (listed in the sources section)",
    }[frame_name]


def _lists_source(lists: pd.DataFrame) -> str:
    """Source line of the lists chart from the lists themselves: each list's name and the year its
    source gives ("undated in its source" where it gives none, as the chart's subtitle says)."""
    parts = []
    for country, rows in lists.groupby("country", sort=False):
        name = str(rows["list"].iloc[0]).split(" (")[0]
        dates = rows["list_date"].dropna()
        parts.append(f"{name} ({dates.min().year if len(dates) else 'undated in its source'})")
    return "; ".join(parts)


def partnership(as_of: str = "2025-12-31") -> Partnership:
    """Timeline, milestones, framework membership on ``as_of`` and the overlap of critical lists."""
    try:
        when = pd.Timestamp(as_of)
    except (TypeError, ValueError):
        raise ParameterError(f"as_of must be a date YYYY-MM-DD, got {as_of!r}") from None
    events = load_events()
    frameworks = load_frameworks()
    lists = load_critical_mineral_lists()
    membership = membership_matrix(frameworks, when)
    overlap = lists_overlap(lists)
    both = sorted(overlap.loc[overlap["status"] == "on both lists", "mineral"].unique(),
                  key=lambda m: (m not in PRIORITY_MINERALS, m))
    trade = load_trade()
    usgs = load_usgs()
    comp = complementarity(usgs, lists, trade, year=USGS_YEAR, trade_year=TRADE_YEAR)
    comp = latest_china_shares(comp, trade)
    lithium = japan_lithium_hydroxide(trade)
    milestones = milestone_table(events)
    return Partnership(
        as_of=when,
        standfirst=STANDFIRST,
        events=events,
        milestones=milestones,
        milestones_table=milestones.rename(columns=MILESTONE_COLUMNS),
        category_counts=events["category"].value_counts(),
        membership=membership,
        lists_overlap=overlap,
        both_lists=both,
        complementarity=comp,
        complementarity_table=complementarity_display(comp),
        by_mineral=mineral_events_table(events, available(usgs)),
        lithium=lithium,
        findings=_findings(events, when, _both_frameworks(membership), both, comp, lithium),
        caveats=_caveats(events, lists),
        events_source=_source_of("events"),
        frameworks_source=_source_of("frameworks"),
        lists_source=_lists_source(lists),
    )


def _both_frameworks(membership: pd.DataFrame) -> list[str]:
    """The frameworks India and Japan are both members of (names, sorted)."""
    return sorted(
        set(membership.loc[membership["member"] & (membership["iso3"] == "IND"), "framework"])
        & set(membership.loc[membership["member"] & (membership["iso3"] == "JPN"), "framework"])
    )


def _findings(events: pd.DataFrame, when: pd.Timestamp, both_frameworks: list[str], both: list[str], comp: pd.DataFrame,
              lithium: dict[str, object]) -> list[str]:
    """The timeline in numbers, the shared frameworks and critical minerals, India's reserves, Japan's lithium."""
    bilateral = events[events["countries"].map(lambda c: set(c) == set(PARTNERS))]
    since_dialogue = bilateral[bilateral["date_start"] >= pd.Timestamp("2024-11-27")]
    india_reserves = comp[comp["india_reserves_t"].notna() & (comp["india_reserves_t"] > 0)]
    findings = [
        f"From {events['date'].iloc[0][:4]} to {events['date'].iloc[-1][:4]}, {count_noun(len(events), 'sourced event')} "
        f"trace the partnership; {len(bilateral)} are strictly bilateral India–Japan steps, "
        f"{len(since_dialogue)} of them since the first Dialogue on Economic Security (27 November 2024).",
        f"On {fmt_date(when)}, India and Japan were both members of {count_noun(len(both_frameworks), 'framework')}: "
        f"{join_names(both_frameworks)}.",
        f"{count_noun(len(both), 'mineral')} are on both countries' critical lists, among them "
        f"{join_names([m.lower() for m in both[:6]])}"
        + (f" (all {len(both)} in the lists chart)" if len(both) > 6 else "") + ".",
    ]
    if len(india_reserves):
        parts = [f"{row.mineral.lower()} ({fmt_tonnes(row.india_reserves_t)}, {fmt_share(row.india_reserves_share)} of world reserves)"
                 for row in india_reserves.itertuples()]
        findings.append(f"Of the minerals on both lists, India holds reported reserves of {join_names(parts)} ({USGS_YEAR}).")
    findings.append(
        f"Japan still buys most of its battery lithium from China: in {lithium['year']}, China supplied "
        f"{fmt_share(lithium['share'])} of Japan's imports of lithium oxide and hydroxide by value (HS {lithium['hs_code']})."
    )
    return findings


def _caveats(events: pd.DataFrame, lists: pd.DataFrame) -> list[str]:
    """How far the events rest on official pages, how partial dates are drawn, which Japanese list is used."""
    n_primary = int((events["source_type"] == "primary").sum())
    japan = lists[lists["country"] == "Japan"]
    return [
        f"{n_primary} of the {len(events)} events rest on an official government page; for the other "
        f"{len(events) - n_primary} no official page could be found, and they rest on news agencies, law firms or trade "
        "press, many of which reproduce official statements. The timeline and the events table mark each event as "
        "primary or secondary.",
        "Dates known only to the month or year are drawn at the first day of that month or year.",
        f"Japan's list is its {japan['mineral'].nunique()} prioritised rare-metal types"
        + (f" ({japan['list_date'].min().year})" if japan["list_date"].notna().any() else ", which the source read does not date")
        + "; the current JOGMEC stockpiling list could not be sourced in full.",
    ]


#: USGS year (production, reserves) and Comtrade year (Japan's trade with the World) of the
#: complementarity table; China's share of Japan's imports is the latest year (see
#: :func:`latest_china_shares`), the same figure the briefing prints.
USGS_YEAR = 2024
TRADE_YEAR = 2023


def latest_china_shares(comp: pd.DataFrame, trade: pd.DataFrame) -> pd.DataFrame:
    """Replace ``china_share_japan_imports`` by the latest year's share
    (:func:`analysis.reports.common.china_import_share`) and add ``china_share_year``."""
    shares, years = [], []
    for code in comp["china_share_hs_code"]:
        if code:
            latest = china_import_share(trade, "JPN", str(code))
            shares.append(latest["share"])
            years.append(latest["year"])
        else:
            shares.append(float("nan"))
            years.append(pd.NA)
    return comp.assign(china_share_japan_imports=shares, china_share_year=pd.array(years, dtype="Int64"))


def complementarity_display(comp: pd.DataFrame, *, year: int = USGS_YEAR, trade_year: int = TRADE_YEAR) -> pd.DataFrame:
    """Display version of :func:`analysis.indicators.partners.complementarity` (units and years in headers)."""
    def with_share(value: float, share: float) -> str:
        return "n/a" if value != value else f"{fmt_tonnes(value)} ({fmt_share(share)})"

    def china_cell(share: float, code: str, when: object) -> str:
        return "not in the trade data" if share != share else f"{fmt_share(share)} in {int(when)} (HS {code})"

    return pd.DataFrame({
        "Mineral": comp["mineral"],
        f"India production {year}, t (world share)": [with_share(v, s) for v, s in zip(comp["india_production_t"], comp["india_production_share"])],
        f"India reserves {year}, t (world share)": [with_share(v, s) for v, s in zip(comp["india_reserves_t"], comp["india_reserves_share"])],
        f"Japan imports {trade_year}, USD": comp["japan_imports_usd"].map(fmt_usd),
        f"Japan net import ratio {trade_year}": comp["japan_net_import_ratio"].map(fmt_share),
        f"China share of world production {year}": [
            fmt_share(v) if v == v else ("not listed by USGS" if m else "no USGS series")
            for v, m in zip(comp["china_production_share"], comp["production_measure"])
        ],
        "China share of Japan's imports": [
            china_cell(s, c, y) for s, c, y in zip(comp["china_share_japan_imports"], comp["china_share_hs_code"], comp["china_share_year"])
        ],
    })


def mineral_events_table(events: pd.DataFrame, minerals: list[str]) -> pd.DataFrame:
    """Per mineral that an event's title or description names
    (:func:`analysis.indicators.events.events_by_mineral`): how many events, the first and the
    latest date as published, and the events' short labels, oldest first. Minerals with the most
    events first, then by name. Columns: Mineral, Events, First, Latest, What happened."""
    hits = events_by_mineral(events, minerals)
    if hits.empty:
        return pd.DataFrame(columns=["Mineral", "Events", "First", "Latest", "What happened"])
    rows = [
        {"Mineral": mineral, "Events": len(group), "First": group["date"].iloc[0], "Latest": group["date"].iloc[-1],
         "What happened": "; ".join(f"{d}: {label}" for d, label in zip(group["date"], group["label"]))}
        for mineral, group in hits.groupby("mineral", sort=False)
    ]
    table = pd.DataFrame(rows)
    return table.sort_values(["Events", "Mineral"], ascending=[False, True], kind="stable").reset_index(drop=True)


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """Chronological display table: date as published, category, event, source type and the
    source, linked: the official page where one was found, else the compilation's report."""
    return pd.DataFrame({
        "Date": events["date"],
        "Category": events["category"],
        "Event": events["event"],
        "Source type": events["source_type"].map(SOURCE_TYPE_TEXT),
        "Source": events["best_title"],
        "source_url": events["best_url"],
    })

