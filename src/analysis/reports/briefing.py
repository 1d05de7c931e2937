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
from analysis.text import count_noun, fmt_hhi_range, fmt_share, fmt_usd, join_names

BLOCS = ("MSP", "Quad")
REPORTERS = {"IND": "India", "JPN": "Japan"}


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
        "China": table["china_share"].map(lambda s: fmt_share(s) if s == s else "not listed"),
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

    findings = _findings(table, imports, year)
    caveats = [
        f"USGS values for {year} are estimates published in early {year + 1}.",
        "China's import shares use India's and Japan's own customs declarations (UN Comtrade), CIF values in current "
        "US dollars; the trade data cover natural graphite (HS 2504), cobalt oxides and hydroxides (2822) and lithium "
        "oxide and hydroxide (282520) — partner detail for rare earths and gallium is not in the data package.",
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
        findings=findings,
        caveats=caveats,
        usgs_source=usgs_source(usgs.loc[usgs["year"] == year, "edition"]),
        trade_source="UN Comtrade Database, imports by reporter from World and from China (areeshafirdaus01/quad-critical-minerals-supply-chain)",
    )


def _findings(table: pd.DataFrame, imports: pd.DataFrame, year: int) -> list[str]:
    findings = []
    china_led = table[table["leader"] == "China"].sort_values("leader_share", ascending=False)
    if len(china_led):
        parts = [f"{fmt_share(r.leader_share)} of world {MEASURE_LABELS[r.measure]} of {r.mineral.lower()}"
                 for r in china_led.itertuples()]
        findings.append(f"**China** accounted for {join_names(parts)} in {year}.")
    findings.append(
        f"Across the {count_noun(len(table), 'priority mineral')}, the three largest producers supplied on average "
        f"**{fmt_share(table['top3_share'].mean())}** of world output in {year}; "
        f"{int((table['hhi_lower'] > 1800).sum())} of {len(table)} are highly concentrated (HHI above 1,800 even at its lower bound)."
    )
    latest = int(imports["year"].max())
    for iso3, name, hs in (("JPN", "Japan", "282520"), ("IND", "India", "2504")):
        rows = imports[(imports["reporter_iso3"] == iso3) & (imports["hs_code"] == hs)].sort_values("year")
        if rows.empty:
            continue
        last, previous = rows.iloc[-1], rows.iloc[-2] if len(rows) > 1 else None
        product = {"282520": "lithium oxide and hydroxide", "2504": "natural graphite"}[hs]
        change = ""
        if previous is not None:
            direction = "down" if last.china_share < previous.china_share else "up"
            change = f", {direction} from {fmt_share(previous.china_share)} in {int(previous.year)}"
        findings.append(
            f"{name} bought **{fmt_share(last.china_share)}** of its {product} imports (HS {hs}, "
            f"{fmt_usd(last.value_usd)} in {int(last.year)}) from China{change}; over "
            f"{int(rows['year'].min())}–{latest} the share ranged from {fmt_share(rows['china_share'].min())} "
            f"to {fmt_share(rows['china_share'].max())}."
        )
    quad_low = table.sort_values("quad_share").iloc[0]
    findings.append(
        f"The Quad's four members together supplied {fmt_share(quad_low.quad_share)} of world "
        f"{MEASURE_LABELS[quad_low.measure]} of {quad_low.mineral.lower()} and MSP partners {fmt_share(quad_low.msp_share)} — "
        f"against China's {fmt_share(quad_low.china_share) if quad_low.china_share == quad_low.china_share else 'unlisted share'}."
    )
    return findings


def events_brief(events: pd.DataFrame) -> pd.DataFrame:
    """Display table of events: date as published, event, source title (linked through ``source_url``)."""
    return pd.DataFrame({"Date": events["date"], "Event": events["event"], "Source": events["source_title"],
                         "source_url": events["source_url"]})


def what_changed_blocks(b: Briefing) -> list[object]:
    """Report blocks for "what changed": the largest changes since the last data refresh, if any
    (``econsec data diff``), then the revisions USGS made between editions."""
    from analysis.reports import blocks as report

    blocks: list[object] = []
    if b.changes_against is None:
        blocks.append(report.paragraph(
            "No earlier state of the data is recorded (data/history/ is empty), so there is no refresh to compare with: "
            "the data package is as first assembled. Run econsec data diff after an import or pull."
        ))
    else:
        blocks.append(report.paragraph(f"Largest changes against {b.changes_against}:"))
        blocks.append(report.table(b.changes[["metric", "text"]].rename(columns={"metric": "Figure", "text": "Change"})))
    if len(b.revisions):
        table = pd.DataFrame({
            "Mineral": b.revisions["commodity"],
            "Country": b.revisions["country"],
            "Year": b.revisions["year"],
            "Now (t)": b.revisions["value_t"].map(lambda v: f"{v:,.0f}"),
            "Before (t)": b.revisions["revised_from_t"].map(lambda v: f"{v:,.0f}"),
            "Editions": [f"MCS {int(new)} revised MCS {int(old)}" for new, old in
                         zip(b.revisions["edition"], b.revisions["revised_from_edition"])],
        })
        blocks.append(report.paragraph(
            f"USGS revises earlier years in each new edition; {len(table)} production figures for priority minerals "
            "differ between the editions in the data package (the newer edition is used throughout):"
        ))
        blocks.append(report.table(table, caption="Revisions between USGS editions"))
    return blocks
