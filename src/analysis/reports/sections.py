"""Sections shared by the briefing and the mineral profiles: how concentration moved across
USGS editions (with the revisions that matter) and mining vs refining with the IEA outlook.

Each builder returns a small typed result of computed frames, display tables and notes; the
numbers come from :mod:`analysis.indicators.trends` and :mod:`analysis.indicators.stages`,
formatted with :mod:`analysis.text`. The briefing calls them for all priority minerals, a
mineral profile for its one mineral.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data.iea import IEA_SOURCE_CHART
from analysis.data.minerals import PRIORITY_MINERALS
from analysis.errors import ParameterError
from analysis.indicators.concentration import MEASURE_LABELS
from analysis.indicators.series import primary_measure
from analysis.indicators.stages import IEA_MINERALS, PROJECTION_LABEL, stage_comparison, stage_outlook
from analysis.indicators.trends import concentration_trend, material_revisions
from analysis.text import fmt_hhi_range, fmt_rank_share, fmt_share, join_names

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
    return fmt_rank_share(rank, share) if listed else "not listed by the IEA"


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
        outlook_table=pd.DataFrame(outlook_rows), notes=notes, source=IEA_SOURCE_CHART,
    )


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
