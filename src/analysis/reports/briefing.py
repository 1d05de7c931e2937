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
from analysis.data.supply import load_supply
from analysis.indicators.stages import PROJECTION_LABEL, china_stage_gaps, product_name, widest_gap
from analysis.reports.sections import (  # noqa: F401  (re-exported: the briefing notebook imports them from here)
    IEA_COPY_NOTE,
    StageSection,
    TrendSection,
    revision_blocks,
    stage_section,
    trend_section,
)
from analysis.reports.common import LITHIUM_HYDROXIDE_PRODUCT, japan_lithium_hydroxide
from analysis.indicators.changes import largest_changes
from analysis.reports.changes import changes_since
from analysis.data.minerals import PRIORITY_MINERALS
from analysis.errors import ParameterError
from analysis.indicators.concentration import MEASURE_LABELS, Concentration, concentration
from analysis.indicators.dependence import import_dependence
from analysis.indicators.partners import bloc_shares
from analysis.reports.common import hhi_labels, leader_labels, usgs_source
from analysis.indicators.series import primary_measure
from analysis.vocabulary import HHI_HIGHLY_CONCENTRATED, PARTNER_NAMES, PARTNERS, PRODUCTION_MEASURES
from analysis.text import count_noun, fmt_rank_share, fmt_share, fmt_usd, join_names, number_word

BLOCS = ("MSP", "Quad")
REPORTERS = PARTNER_NAMES


@dataclass(frozen=True)
class ImportsSection:
    """China's share of India's and Japan's imports per product and year, from their own customs records."""

    #: :func:`analysis.indicators.dependence.import_dependence` rows of both reporters, with ``country``
    china_imports: pd.DataFrame
    source: str


@dataclass(frozen=True)
class EventsSection:
    """The partnership in brief: bilateral India–Japan events since 1 January of the report's year."""

    events: pd.DataFrame
    #: display: date, event, source (linked through ``source_url``)
    table: pd.DataFrame
    intro: str


@dataclass(frozen=True)
class RevisionsSection:
    """Production figures of the priority minerals that a later USGS edition revised."""

    revisions: pd.DataFrame


@dataclass(frozen=True)
class ChangesSection:
    """The largest changes since the last recorded data refresh (empty, ``against`` None, when none is recorded)."""

    changes: pd.DataFrame
    against: str | None


@dataclass(frozen=True)
class Briefing:
    """Everything the briefing notebook shows (see :func:`briefing`)."""

    year: int
    #: the title block's standfirst
    standfirst: str
    supply: pd.DataFrame
    supply_display: pd.DataFrame
    imports: ImportsSection
    recent_events: EventsSection
    revisions: RevisionsSection
    changes: ChangesSection
    trends: TrendSection
    stages: StageSection
    lithium: dict[str, object]
    findings: list[str]
    caveats: list[str]
    usgs_source: str


def _position(c: Concentration, iso3: str) -> tuple[float, str]:
    """(share, display text) of a country in one series: "seventh-largest (0.7%)", "not listed"."""
    row = c.shares[c.shares["iso3"] == iso3]
    if row.empty:
        return np.nan, "not listed"
    share = float(row["share"].iloc[0])
    rank, joint = c.rank_of(iso3)
    return share, fmt_rank_share(rank, share, joint)


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
        "Leader (share)": leader_labels(table),
        "China": table["china_share"].map(lambda s: fmt_share(s) if s == s else "not listed by USGS"),
        "Top 3": table["top3_share"].map(fmt_share),
        "HHI (0–10,000)": hhi_labels(table),
        "MSP partners": table["msp_share"].map(fmt_share),
        "Quad": table["quad_share"].map(fmt_share),
        "India (rank)": table["india_text"],
        "Japan (rank)": table["japan_text"],
    })


def imports_section(quad: pd.DataFrame) -> ImportsSection:
    """China's share of India's and Japan's imports of the products in the trade extract, by year."""
    imports = pd.concat([import_dependence(quad, reporter) for reporter in REPORTERS], ignore_index=True)
    return ImportsSection(
        china_imports=imports.assign(country=imports["reporter_iso3"].map(REPORTERS)),
        source="UN Comtrade Database, imports by reporter from World and from China (areeshafirdaus01/quad-critical-minerals-supply-chain)",
    )


def events_section(year: int) -> EventsSection:
    """The strictly bilateral India–Japan events dated on or after 1 January ``year``."""
    events = load_events()
    bilateral = events[events["countries"].map(lambda c: set(c) == set(PARTNERS))]
    recent = bilateral[bilateral["date_start"] >= pd.Timestamp(f"{year}-01-01")]
    return EventsSection(
        events=recent, table=events_brief(recent),
        intro=f"Bilateral India–Japan steps since 1 January {year}; the partnership report has the full timeline with sources.",
    )


def revisions_section(usgs: pd.DataFrame) -> RevisionsSection:
    """World and country production figures of the priority minerals revised between USGS editions."""
    revisions = usgs[
        usgs["commodity"].isin(PRIORITY_MINERALS) & usgs["revised_from_t"].notna() & usgs["value_t"].notna()
        & usgs["entity_kind"].isin(["world", "country"])
        & usgs["measure"].isin(PRODUCTION_MEASURES)
    ][["commodity", "country", "measure", "year", "value_t", "revised_from_t", "edition", "revised_from_edition"]]
    return RevisionsSection(revisions=revisions.reset_index(drop=True))


def changes_section() -> ChangesSection:
    """The largest changes against the last recorded state of the data (:func:`analysis.reports.changes.changes_since`)."""
    changes = changes_since()
    return ChangesSection(changes=largest_changes(changes) if len(changes) else changes, against=changes.attrs.get("against"))


def briefing(year: int = 2024) -> Briefing:
    """Compose the briefing for production ``year`` (USGS) with the latest trade years available."""
    usgs = load_usgs()
    frameworks = load_frameworks()
    table = supply_table(usgs, frameworks, year, f"{year + 1}-12-31")
    quad = load_quad_imports()
    imports = imports_section(quad)
    recent = events_section(year)
    revisions = revisions_section(usgs)
    changes = changes_section()
    trends = trend_section(usgs, year)
    stages = stage_section(load_supply(), frameworks)
    lithium = japan_lithium_hydroxide(quad)
    return Briefing(
        year=year,
        standfirst=("How concentrated world supply is, how much India and Japan depend on China, and what the partnership "
                    f"has done — {year} data"),
        supply=table, supply_display=supply_display(table), imports=imports, recent_events=recent,
        revisions=revisions, changes=changes, trends=trends, stages=stages, lithium=lithium,
        findings=_findings(table, imports.china_imports, year, trends, stages, lithium),
        caveats=_caveats(year),
        usgs_source=usgs_source(usgs.loc[usgs["year"] == year, "edition"]),
    )


def _caveats(year: int) -> list[str]:
    """The estimates of the latest USGS year, what the import shares rest on, whom the bloc shares count."""
    return [
        f"USGS values for {year} are estimates published in early {year + 1}.",
        "China's import shares use India's and Japan's own customs declarations (UN Comtrade), CIF values in current "
        "US dollars; the trade data cover natural graphite (HS 2504), cobalt oxides and hydroxides (2822) and lithium "
        "oxide and hydroxide (282520). The customs records used here have no partner breakdown for rare earths or "
        "gallium; the country reports show what China's own export statistics can and cannot tell about them.",
        "Bloc shares count only members USGS lists by name; the EU counts through its member states that are MSP "
        "partners themselves. Quad members have no sourced joining date and are counted as members throughout.",
    ]


def _findings(
    table: pd.DataFrame, imports: pd.DataFrame, year: int, trends: TrendSection, stages: StageSection, lithium: dict[str, object]
) -> list[str]:
    """Key findings, each leading with what it means: concentration, the refining chokepoint,
    the direction since the first year, India's and Japan's dependence, the IEA outlook."""
    found = [
        _concentration_finding(table, year),
        _refining_finding(stages),
        _direction_finding(trends),
        _dependence_finding(imports, lithium),
        _outlook_finding(stages),
    ]
    return [f for f in found if f is not None]


def _concentration_finding(table: pd.DataFrame, year: int) -> str | None:
    """How many priority minerals are highly concentrated, and which China leads (None when it leads none)."""
    china_led = table[table["leader"] == "China"].sort_values("leader_share", ascending=False)
    high = table[table["hhi_lower"] > HHI_HIGHLY_CONCENTRATED]
    if not len(china_led):
        return None
    parts = [f"{r.mineral.lower()} ({fmt_share(r.leader_share)} of world {MEASURE_LABELS[r.measure]})" for r in china_led.itertuples()]
    return (
        f"**Most priority minerals come from a few countries, and China leads in several.** "
        f"{number_word(len(high)).capitalize()} of the {count_noun(len(table), 'priority mineral')} were highly concentrated in {year} "
        f"(HHI above {HHI_HIGHLY_CONCENTRATED:,} even at its lower bound); China was the largest producer of {join_names(parts)}."
    )


def _refining_finding(stages: StageSection) -> str | None:
    """The minerals whose refining China holds more of than their mining (None when there are none).

    Where the IEA does not list China at mining its share is at most the IEA's Rest of world, so
    the gap is a lower bound (:func:`~analysis.indicators.stages.china_stage_gaps`); the widest gap
    is named only when the bounds make it certain, else among the minerals listed at both stages."""
    gaps = china_stage_gaps(stages.comparison)
    gaps = gaps[gaps["gap"] > 0]
    n_iea = stages.comparison["mineral"].nunique()
    if gaps.empty:
        return None
    widest, certain = widest_gap(gaps)
    which = f"all {number_word(n_iea)} minerals" if len(gaps) == n_iea else f"{number_word(len(gaps))} of the {number_word(n_iea)} minerals"
    refined = stages.comparison[stages.comparison["stage"] == "refining"].set_index("mineral")["product"].map(product_name)
    text = (f"**The bottleneck is refining more than mining.** In {stages.year} China's share of world refining was larger than its "
            f"share of mining for {which} the IEA covers")
    if widest is not None:
        name, points = widest["mineral"].lower(), f"{100 * widest['gap']:.0f} percentage points"
        where = "" if certain else ", among the minerals the IEA lists China for at both stages,"
        if widest["exact"]:
            text += (f"; the gap is widest{where} for {name} ({fmt_share(widest['mining_share'])} of mining, "
                     f"{fmt_share(widest['refining_share'])} of refining: {points})")
        else:
            text += (f"; the gap is widest for {name}, at least {points}: the IEA does not list China among {name} miners, so its "
                     f"share of mining is at most the {fmt_share(widest['mining_at_most'])} the IEA puts under “Rest of world”, "
                     f"against {fmt_share(widest['refining_share'])} of refining")
    return (text + f". China's refining shares (IEA, {stages.year}): "
            + join_names([f"{refined[r.mineral]} {fmt_share(r.refining_share)}" for r in gaps.sort_values("refining_share", ascending=False).itertuples()])
            + ".")


def _direction_finding(trends: TrendSection) -> str:
    """For how many priority minerals the top three's share rose between the first and the last year.

    Compared at the precision the trend table prints (whole per cent), so a move the table shows
    as "74% → 74%" counts as unchanged, not as a rise."""
    t = trends.trends
    ends = t[t["year"].isin([trends.first, trends.last])].pivot_table(index="mineral", columns="year", values="top3_share")
    shown = (100 * ends).round()
    rose = ends[shown[trends.last] > shown[trends.first]]
    fell = ends[shown[trends.last] < shown[trends.first]]
    same = ends[shown[trends.last] == shown[trends.first]]
    others = ([f"was unchanged at {join_names([f'{fmt_share(v)} for {m.lower()}' for m, v in same[trends.last].items()])}"]
              if len(same) else []) + ([f"fell for {join_names([m.lower() for m in fell.index])}"] if len(fell) else [])
    return (
        f"**Supply is getting more concentrated, not less.** Between {trends.first} and {trends.last} the top three producers' "
        f"share rose for {number_word(len(rose))} of the {number_word(len(ends))} priority minerals"
        + (f", {others[0]} and {others[1]}" if len(others) == 2 else f" and {others[0]}" if others else "") + "."
    )


def _dependence_finding(imports: pd.DataFrame, lithium: dict[str, object]) -> str:
    """Japan's lithium-hydroxide imports from China, and India's natural-graphite imports from China where known."""
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
    return dependence


def _outlook_finding(stages: StageSection) -> str | None:
    """The minerals China would still refine more than half of in the IEA outlook's last year (None when none)."""
    outlook = stages.outlook
    final = int(outlook["year"].max())
    china = outlook[(outlook["group"] == "China") & (outlook["stage"] == "refining")].pivot_table(index="mineral", columns="year", values="share")
    still = china[china[final] > 0.5]
    refined = stages.comparison[stages.comparison["stage"] == "refining"].set_index("mineral")["product"].map(product_name)
    if not len(still):
        return None
    return (
        f"**The IEA does not expect this to change quickly.** In the {PROJECTION_LABEL} China would still refine more than half "
        f"of world output of {count_noun(len(still), 'mineral')} in {final}: "
        + join_names([f"{refined[m]} {fmt_share(v)}" for m, v in still[final].sort_values(ascending=False).items()]) + "."
    )


def events_brief(events: pd.DataFrame) -> pd.DataFrame:
    """Display table of events: date as published, event, source title (linked through ``source_url``)."""
    return pd.DataFrame({"Date": events["date"], "Event": events["event"], "Source": events["source_title"],
                         "source_url": events["source_url"]})


def what_changed_blocks(b: Briefing) -> list[object]:
    """Report blocks for "what changed": the largest changes since the last recorded data
    refresh, if any. (Revisions between USGS editions are in the trend section.)"""
    from analysis.reports import blocks as report

    blocks: list[object] = []
    if b.changes.against is None:
        blocks.append(report.paragraph(
            "No earlier state of the data is recorded, so there is no refresh to compare with: the data are as first assembled. "
            "Revisions USGS made between its editions are listed under “How concentration moved” above."
        ))
    else:
        blocks.append(report.paragraph(f"Largest changes against {b.changes.against}:"))
        blocks.append(report.table(b.changes.changes[["metric", "text"]].rename(columns={"metric": "Figure", "text": "Change"})))
    return blocks
