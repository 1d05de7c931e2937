"""Briefing: the India–Japan critical-minerals partnership at a glance.

Key findings, one row per priority mineral (leader, China's share, top-3, HHI range, partner
blocs, India's and Japan's position), China's share of India's and Japan's imports over time,
the partnership's recent milestones, and what changed in the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data import load_events, load_frameworks, load_quad_imports, load_usgs
from analysis.charts.stages import IEA_SOURCE_LINE
from analysis.data.supply import load_supply
from analysis.indicators.stages import IEA_MINERALS, PROJECTION_LABEL, stage_comparison, stage_outlook
from analysis.indicators.trends import concentration_trend, material_revisions
from analysis.reports.common import LITHIUM_HYDROXIDE_PRODUCT, japan_lithium_hydroxide
from analysis.indicators.changes import largest_changes
from analysis.reports.changes import changes_since
from analysis.data.minerals import PRIORITY_MINERALS
from analysis.errors import ParameterError
from analysis.indicators.concentration import MEASURE_LABELS, Concentration, concentration
from analysis.indicators.dependence import import_dependence
from analysis.indicators.partners import bloc_shares
from analysis.reports.common import usgs_source
from analysis.indicators.series import primary_measure
from analysis.vocabulary import PRODUCTION_MEASURES
from analysis.text import count_noun, fmt_hhi_range, fmt_share, fmt_usd, join_names, number_word

BLOCS = ("MSP", "Quad")
REPORTERS = {"IND": "India", "JPN": "Japan"}


@dataclass(frozen=True)
class TrendSection:
    """"How concentration moved": one :func:`concentration_trend` per priority mineral, stacked."""

    first: int
    last: int
    trends: pd.DataFrame  # concentration_trend rows of every mineral + ``series_label``
    table: pd.DataFrame  # display: first year vs last year per mineral
    revisions: pd.DataFrame  # display: material revisions between editions (may be empty)
    notes: list[str]
    source: str


@dataclass(frozen=True)
class StageSection:
    """"Mining vs refining" (IEA, observed year) and the IEA outlook (base-case projections)."""

    year: int
    comparison: pd.DataFrame  # stage_comparison
    table: pd.DataFrame  # display: China, top 3, HHI at mining and refining per mineral
    refiners: pd.DataFrame  # display: Japan's and India's rank and share as refiners
    outlook: pd.DataFrame  # stage_outlook
    outlook_table: pd.DataFrame  # display: China and blocs, observed year and projections
    notes: list[str]
    source: str


#: The IEA source line (the workbook in the package is a re-saved copy; PROVENANCE.md).
IEA_COPY_NOTE = ("The IEA workbook used here (May 2024 edition) is a copy that a third party opened and re-saved in Excel, not a "
                 "pristine IEA download; its 2023 refining shares agree with those the IEA published in its Global Critical "
                 "Minerals Outlook 2024.")


def _series_stage(usgs: pd.DataFrame, mineral: str, measure: str, year: int) -> str:
    """The USGS value-chain stage of a mineral's series (``mine``, ``refinery`` …), read from the rows."""
    rows = usgs[(usgs["commodity"] == mineral) & (usgs["measure"] == measure) & (usgs["year"] == year)]
    return str(rows["stage"].iloc[0])


def _arrow(first: float, last: float, fmt=fmt_share) -> str:
    return f"{fmt(first)} → {fmt(last)}"


def trend_section(usgs: pd.DataFrame, year: int, minerals: tuple[str, ...] = PRIORITY_MINERALS, revisions_shown: int = 8) -> TrendSection:
    """Concentration of each priority mineral's main series in every year USGS has (2021 → ``year``),
    the first vs the last year as a table, and the revisions between editions worth mentioning."""
    frames, revisions = [], []
    for mineral in minerals:
        try:
            measure = primary_measure(usgs, mineral, year)
        except ParameterError:
            continue
        stage = _series_stage(usgs, mineral, measure, year)
        trend = concentration_trend(usgs, mineral, stage)
        trend = trend[trend["year"] <= year].assign(series_label=MEASURE_LABELS[measure])
        frames.append(trend)
        revisions.append(material_revisions(usgs, mineral, stage).assign(series_label=MEASURE_LABELS[measure]))
    trends = pd.concat(frames, ignore_index=True)
    first, last = int(trends["year"].min()), int(trends["year"].max())
    rows = []
    for mineral, t in trends.groupby("mineral", sort=False):
        a, b = t[t["year"] == first].iloc[0], t[t["year"] == last].iloc[0]
        china = _arrow(a.china_share, b.china_share) if a.china_share == a.china_share and b.china_share == b.china_share else (
            f"{fmt_share(a.china_share) if a.china_share == a.china_share else 'not listed by USGS'} → "
            f"{fmt_share(b.china_share) if b.china_share == b.china_share else 'not listed by USGS'}")
        rows.append({
            "Mineral": mineral,
            "Series": b.series_label,
            f"Largest producer {last}": b.leader if a.leader == b.leader else f"{b.leader} ({a.leader} in {first})",
            "Its share": _arrow(a.leader_share, b.leader_share),
            "China": china,
            "Top 3": _arrow(a.top3_share, b.top3_share),
            "HHI (0–10,000)": f"{fmt_hhi_range(a.hhi_lower, a.hhi_upper)} → {fmt_hhi_range(b.hhi_lower, b.hhi_upper)}",
        })
    material = pd.concat(revisions, ignore_index=True)
    material = material[material["iso3"] != "WLD"] if "iso3" in material else material
    material = material[material["country"] != "World"]
    material = material.sort_values("change_of_world", key=lambda c: c.abs(), ascending=False).head(revisions_shown)
    revisions_display = pd.DataFrame({
        "Mineral": material["mineral"],
        "Country": material["country"],
        "Year": material["year"].astype(int),
        "Before (t)": material["revised_from_t"].map(lambda v: f"{v:,.0f}"),
        "Now (t)": material["value_t"].map(lambda v: f"{v:,.0f}"),
        "Change": material["change"].map(lambda c: ("+" if c > 0 else "−") + fmt_share(abs(c))),
        "Editions": [f"MCS {int(o)} → MCS {int(n)}" for o, n in zip(material["revised_from_edition"], material["edition"])],
    }).reset_index(drop=True)
    notes = []
    for row in trends[trends["world_qualifier"].str.contains("excluding u.s.", case=False, na=False)].itertuples():
        notes.append(f"USGS's world total for {row.mineral.lower()} in {row.year} excludes U.S. production, so shares that year are of the rest of the world.")
    no_china = trends[trends["china_share"].isna()].groupby("mineral")["year"].apply(list)
    for mineral, yrs in no_china.items():
        notes.append(f"USGS does not list China's {mineral.lower()} {trends.loc[trends['mineral'] == mineral, 'series_label'].iloc[0]} "
                     f"in {join_names([str(y) for y in yrs])} (no figure, not zero).")
    return TrendSection(first=first, last=last, trends=trends, table=pd.DataFrame(rows), revisions=revisions_display,
                        notes=notes, source=_editions_source(trends["edition"]))


def _editions_source(editions: pd.Series) -> str:
    """Short source line for a chart drawn from several MCS editions (full citations in the sources section)."""
    first, last = int(editions.min()), int(editions.max())
    span = str(first) if first == last else f"{first}, {last}" if last == first + 1 else f"{first}–{last}"
    return f"USGS Mineral Commodity Summaries {span} (each year from the newest edition that reports it)"


def _rank_text(share: float, rank: float, listed: bool) -> str:
    return f"#{int(rank)} ({fmt_share(share)})" if listed else "not listed by the IEA"


def stage_section(supply: pd.DataFrame, frameworks: pd.DataFrame, year: int = 2023, minerals: tuple[str, ...] = IEA_MINERALS) -> StageSection:
    """China's share, top 3 and HHI at mining and refining (IEA, ``year`` observed), Japan's and
    India's place as refiners, and China's and the partner blocs' shares in the IEA base-case
    projections (blocs: members named by the IEA, as of 31 December of ``year``)."""
    comparison = stage_comparison(supply, minerals, year)
    by = comparison.set_index(["mineral", "stage"])
    rows, refiners = [], []
    for mineral in dict.fromkeys(comparison["mineral"]):
        m, r = by.loc[(mineral, "mining")], by.loc[(mineral, "refining")]
        rows.append({
            "Mineral": mineral,
            "China, mining": fmt_share(m.china_share) if m.china_share == m.china_share else "not listed by the IEA",
            "China, refining": fmt_share(r.china_share) if r.china_share == r.china_share else "not listed by the IEA",
            "Top 3, mining": fmt_share(m.top3_share),
            "Top 3, refining": fmt_share(r.top3_share),
            "HHI, mining": fmt_hhi_range(m.hhi_lower, m.hhi_upper),
            "HHI, refining": fmt_hhi_range(r.hhi_lower, r.hhi_upper),
        })
        refiners.append({
            "Mineral": mineral,
            "Refined product": r["product"],
            "Largest refiner": f"{r.leader} ({fmt_share(r.leader_share)})",
            "Japan: rank (share)": _rank_text(r.japan_share, r.japan_rank, bool(r.japan_listed)),
            "India: rank (share)": _rank_text(r.india_share, r.india_rank, bool(r.india_listed)),
        })
    outlook = stage_outlook(supply, frameworks, minerals=minerals, as_of=f"{year}-12-31")
    years = sorted(outlook["year"].unique())
    projected = [y for y in years if y != year]
    groups = list(dict.fromkeys(outlook["group"]))
    pivot = outlook.set_index(["mineral", "stage", "group", "year"])["share"]
    members = outlook.set_index(["mineral", "stage", "group", "year"])["members_listed"]
    outlook_rows, same = [], []
    for mineral in dict.fromkeys(outlook["mineral"]):
        for stage in ("mining", "refining"):
            row = {"Mineral": mineral, "Stage": stage}
            for y in years:
                v = pivot[(mineral, stage, "China", y)]
                row[f"China {y}" + (" projection" if y in projected else "")] = fmt_share(v) if v == v else "not listed"
            for g in groups[1:]:
                v = pivot[(mineral, stage, g, projected[-1])]
                row[f"{g} {projected[-1]} projection"] = fmt_share(v) if v == v else "no member listed"
            named = {members[(mineral, stage, g, projected[-1])] for g in groups[1:]}
            if len(named) == 1 and next(iter(named)):
                same.append(f"{mineral.lower()} {stage}")
            outlook_rows.append(row)
    notes = [
        f"{year} is observed; {join_names([str(y) for y in projected])} are the {PROJECTION_LABEL} (operating and announced "
        "projects weighted by their probability of coming online), not observations.",
        "Bloc shares count only members the IEA names; members inside its 'Rest of world' are not counted, so they are lower bounds.",
        IEA_COPY_NOTE,
    ]
    if same:
        notes.append(f"In {join_names(same)} the IEA names the same members of all three blocs, so MSP, Quad and India–Japan show one figure.")
    return StageSection(
        year=year, comparison=comparison, table=pd.DataFrame(rows), refiners=pd.DataFrame(refiners), outlook=outlook,
        outlook_table=pd.DataFrame(outlook_rows), notes=notes, source=IEA_SOURCE_LINE,
    )


@dataclass(frozen=True)
class Briefing:
    """Everything the briefing notebook shows (see :func:`briefing`)."""

    year: int
    supply: pd.DataFrame
    supply_display: pd.DataFrame
    china_imports: pd.DataFrame
    recent_events: pd.DataFrame
    revisions: pd.DataFrame
    changes: pd.DataFrame
    changes_against: str | None
    trends: TrendSection
    stages: StageSection
    lithium: dict[str, object]
    findings: list[str]
    caveats: list[str]
    usgs_source: str
    trade_source: str


def _position(c: Concentration, iso3: str) -> tuple[float, str]:
    """(share, display text) of a country in one series: "0.7% (#7)", "not listed"."""
    row = c.shares[c.shares["iso3"] == iso3]
    if row.empty:
        return np.nan, "not listed"
    share, rank = float(row["share"].iloc[0]), int(row["rank"].iloc[0])
    return share, f"{fmt_share(share, 1)} (#{rank})"


def supply_table(usgs: pd.DataFrame, frameworks: pd.DataFrame, year: int, as_of: str) -> pd.DataFrame:
    """One row per priority mineral with the concentration of its main production series.

    Columns: ``mineral``, ``measure``, ``world_total_t``, ``leader``, ``leader_share``,
    ``china_share`` (NaN where USGS does not list China), ``top3_share``, ``hhi_lower``,
    ``hhi_upper``, ``msp_share``, ``quad_share`` (0–1 of world, members as of ``as_of``),
    ``india_share``, ``india_text``, ``japan_share``, ``japan_text``.
    """
    rows = []
    for mineral in PRIORITY_MINERALS:
        try:
            measure = primary_measure(usgs, mineral, year)
            c = concentration(usgs, mineral, measure, year)
        except ParameterError:
            continue
        china_share, _ = _position(c, "CHN")
        india_share, india_text = _position(c, "IND")
        japan_share, japan_text = _position(c, "JPN")
        row = {
            "mineral": mineral, "measure": measure, "world_total_t": c.world_total_t, "leader": c.leader,
            "leader_share": c.leader_share, "china_share": china_share, "top3_share": c.top_k_share,
            "hhi_lower": c.hhi_lower, "hhi_upper": c.hhi_upper, "india_share": india_share, "india_text": india_text,
            "japan_share": japan_share, "japan_text": japan_text,
        }
        for bloc in BLOCS:
            shares = bloc_shares(usgs, frameworks, bloc, as_of=as_of, minerals=[mineral], measures=[measure], year=year)
            row[f"{bloc.lower()}_share"] = float(shares["bloc_share"].iloc[0]) if len(shares) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def supply_display(table: pd.DataFrame) -> pd.DataFrame:
    """Formatted version of :func:`supply_table` for the report (units in the headers)."""
    return pd.DataFrame({
        "Mineral": table["mineral"],
        "Measure": table["measure"].map(MEASURE_LABELS),
        "Leader (share)": [f"{l} ({fmt_share(s)})" for l, s in zip(table["leader"], table["leader_share"])],
        "China": table["china_share"].map(lambda s: fmt_share(s) if s == s else "not listed by USGS"),
        "Top 3": table["top3_share"].map(fmt_share),
        "HHI (0–10,000)": [fmt_hhi_range(a, b) for a, b in zip(table["hhi_lower"], table["hhi_upper"])],
        "MSP partners": table["msp_share"].map(fmt_share),
        "Quad": table["quad_share"].map(fmt_share),
        "India (rank)": table["india_text"],
        "Japan (rank)": table["japan_text"],
    })


def briefing(year: int = 2024) -> Briefing:
    """Compose the briefing for production ``year`` (USGS) with the latest trade years available."""
    usgs = load_usgs()
    frameworks = load_frameworks()
    as_of = f"{year + 1}-12-31"
    table = supply_table(usgs, frameworks, year, as_of)
    quad = load_quad_imports()
    imports = pd.concat([import_dependence(quad, reporter) for reporter in REPORTERS], ignore_index=True)
    imports = imports.assign(country=imports["reporter_iso3"].map(REPORTERS))
    events = load_events()
    bilateral = events[events["countries"].map(lambda c: set(c) == {"India", "Japan"})]
    recent = bilateral[bilateral["date_start"] >= pd.Timestamp(f"{year}-01-01")]

    revisions = usgs[
        usgs["commodity"].isin(PRIORITY_MINERALS) & usgs["revised_from_t"].notna() & usgs["value_t"].notna()
        & usgs["entity_kind"].isin(["world", "country"])
        & usgs["measure"].isin(PRODUCTION_MEASURES)
    ][["commodity", "country", "measure", "year", "value_t", "revised_from_t", "edition", "revised_from_edition"]]

    changes = changes_since()
    against = changes.attrs.get("against")

    trends = trend_section(usgs, year)
    stages = stage_section(load_supply(), frameworks)
    lithium = japan_lithium_hydroxide(quad)
    findings = _findings(table, imports, year, trends, stages, lithium)
    caveats = [
        f"USGS values for {year} are estimates published in early {year + 1}.",
        "China's import shares use India's and Japan's own customs declarations (UN Comtrade), CIF values in current "
        "US dollars; the trade data cover natural graphite (HS 2504), cobalt oxides and hydroxides (2822) and lithium "
        "oxide and hydroxide (282520). The customs records used here have no partner breakdown for rare earths or "
        "gallium; the country reports show what China's own export statistics can and cannot tell about them.",
        "Bloc shares count only members USGS lists by name; the EU counts through its member states that are MSP "
        "partners themselves. Quad members have no sourced joining date and are counted as members throughout.",
    ]
    return Briefing(
        year=year,
        supply=table,
        supply_display=supply_display(table),
        china_imports=imports,
        recent_events=recent,
        revisions=revisions.reset_index(drop=True),
        changes=largest_changes(changes) if len(changes) else changes,
        changes_against=against,
        trends=trends,
        stages=stages,
        lithium=lithium,
        findings=findings,
        caveats=caveats,
        usgs_source=usgs_source(usgs.loc[usgs["year"] == year, "edition"]),
        trade_source="UN Comtrade Database, imports by reporter from World and from China (areeshafirdaus01/quad-critical-minerals-supply-chain)",
    )


def _findings(
    table: pd.DataFrame, imports: pd.DataFrame, year: int, trends: TrendSection, stages: StageSection, lithium: dict[str, object]
) -> list[str]:
    """Key findings, each leading with what it means: concentration, the refining chokepoint,
    the direction since the first year, India's and Japan's dependence, the IEA outlook."""
    findings = []
    china_led = table[table["leader"] == "China"].sort_values("leader_share", ascending=False)
    high = table[table["hhi_lower"] > 1800]
    if len(china_led):
        parts = [f"{r.mineral.lower()} ({fmt_share(r.leader_share)} of world {MEASURE_LABELS[r.measure]})" for r in china_led.itertuples()]
        findings.append(
            f"**Most priority minerals come from a few countries, and China leads in several.** "
            f"{number_word(len(high)).capitalize()} of the {count_noun(len(table), 'priority mineral')} were highly concentrated in {year} "
            f"(HHI above 1,800 even at its lower bound); China was the largest producer of {join_names(parts)}."
        )
    comparison = stages.comparison.set_index(["mineral", "stage"])
    gaps = []
    for mineral in dict.fromkeys(stages.comparison["mineral"]):
        mining, refined = comparison.loc[(mineral, "mining")], comparison.loc[(mineral, "refining"), "china_share"]
        # China not listed at mining: its share is below the IEA's Rest of world, an upper bound
        mined_at_most = mining["china_share"] if mining["china_share"] == mining["china_share"] else mining["residual_share"]
        if refined == refined and refined > mined_at_most:
            gaps.append((mineral, mining["china_share"], refined))
    n_iea = stages.comparison["mineral"].nunique()
    if gaps:
        widest = max((g for g in gaps if g[1] == g[1]), key=lambda g: g[2] - g[1], default=gaps[0])
        which = f"all {number_word(n_iea)} minerals" if len(gaps) == n_iea else f"{number_word(len(gaps))} of the {number_word(n_iea)} minerals"
        findings.append(
            f"**The bottleneck is refining more than mining.** In {stages.year} China's share of world refining was larger than its "
            f"share of mining for {which} the IEA covers; the gap is widest for {widest[0].lower()} ({fmt_share(widest[1])} of mining, "
            f"{fmt_share(widest[2])} of refining). China's refining shares: "
            + join_names([f"{m.lower()} {fmt_share(r)}" for m, _, r in sorted(gaps, key=lambda g: -g[2])]) + "."
        )
    t = trends.trends
    ends = t[t["year"].isin([trends.first, trends.last])].pivot_table(index="mineral", columns="year", values="top3_share")
    rose = ends[ends[trends.last] > ends[trends.first]]
    fell = ends[ends[trends.last] < ends[trends.first]]
    findings.append(
        f"**Supply is getting more concentrated, not less.** Between {trends.first} and {trends.last} the top three producers' "
        f"share rose for {number_word(len(rose))} of the {number_word(len(ends))} priority minerals"
        + (f" and fell for {join_names([m.lower() for m in fell.index])}" if len(fell) else "") + "."
    )
    dependence = (
        f"**Japan's battery supply chain depends on China.** In {lithium['year']}, China supplied {fmt_share(lithium['share'])} of "
        f"Japan's imports of {LITHIUM_HYDROXIDE_PRODUCT} by value (HS {lithium['hs_code']}, {fmt_usd(lithium['value_usd'])})."
    )
    rows = imports[(imports["reporter_iso3"] == "IND") & (imports["hs_code"] == "2504")].sort_values("year")
    if len(rows):
        last = rows.iloc[-1]
        peak = rows.loc[rows["china_share"].idxmax()]
        if last.china_share >= 0.5:
            india = f"India, too, bought {fmt_share(last.china_share)} of its natural graphite imports from China in {int(last.year)}"
        elif peak.china_share - last.china_share >= 0.1:
            india = (f"India has moved its natural graphite purchases away from China: {fmt_share(peak.china_share)} of its imports "
                     f"came from China in {int(peak.year)}, {fmt_share(last.china_share)} in {int(last.year)}")
        else:
            india = f"India bought {fmt_share(last.china_share)} of its natural graphite imports from China in {int(last.year)}"
        dependence += f" {india} (HS 2504, by value)."
    findings.append(dependence)
    outlook = stages.outlook
    final = int(outlook["year"].max())
    china = outlook[(outlook["group"] == "China") & (outlook["stage"] == "refining")].pivot_table(index="mineral", columns="year", values="share")
    still = china[china[final] > 0.5]
    if len(still):
        findings.append(
            f"**The IEA does not expect this to change quickly.** In the {PROJECTION_LABEL} China would still refine more than half "
            f"of world output of {count_noun(len(still), 'mineral')} in {final}: "
            + join_names([f"{m.lower()} {fmt_share(v)}" for m, v in still[final].sort_values(ascending=False).items()]) + "."
        )
    return findings


def events_brief(events: pd.DataFrame) -> pd.DataFrame:
    """Display table of events: date as published, event, source title (linked through ``source_url``)."""
    return pd.DataFrame({"Date": events["date"], "Event": events["event"], "Source": events["source_title"],
                         "source_url": events["source_url"]})


def what_changed_blocks(b: Briefing) -> list[object]:
    """Report blocks for "what changed": the largest changes since the last recorded data
    refresh, if any. (Revisions between USGS editions are in the trend section.)"""
    from analysis.reports import blocks as report

    blocks: list[object] = []
    if b.changes_against is None:
        blocks.append(report.paragraph(
            "No earlier state of the data is recorded, so there is no refresh to compare with: the data are as first assembled. "
            "Revisions USGS made between its editions are listed under “How concentration moved” above."
        ))
    else:
        blocks.append(report.paragraph(f"Largest changes against {b.changes_against}:"))
        blocks.append(report.table(b.changes[["metric", "text"]].rename(columns={"metric": "Figure", "text": "Change"})))
    return blocks


def revision_blocks(t: TrendSection) -> list[object]:
    """Report blocks for the revisions between USGS editions in the trend section (none if empty)."""
    from analysis.reports import blocks as report

    if t.revisions.empty:
        return [report.paragraph("USGS made no revision of these series between its editions large enough to mention.")]
    return [
        report.paragraph(
            "Each USGS edition revises earlier years. The largest revisions for these series, ranked by their weight in the "
            "world total (at least 5% of the old value and 1% of world supply); the newer edition is used throughout:"
        ),
        report.table(t.revisions, caption="Largest revisions between USGS editions"),
    ]
