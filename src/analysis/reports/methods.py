"""Methods page: what each indicator of the reports measures, how, in which unit, and from which
data — with worked examples computed from the same data the reports use (no typed figures)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import load_usgs
from analysis.data.supply import load_supply
from analysis.indicators.concentration import Concentration, concentration
from analysis.indicators.series import primary_measure
from analysis.reports.common import governance_basis_text, load_governance
from analysis.text import count_noun, fmt_hhi_range, fmt_share, fmt_tonnes, join_names
from analysis.vocabulary import HHI_HIGHLY_CONCENTRATED

#: The page's standfirst (under the title from publications.toml).
STANDFIRST = "What each figure in the reports measures, how it is computed, in which unit, and what it cannot tell"

#: the mineral of the worked example: the one the partnership is most about
EXAMPLE_MINERAL = "Rare earths"

#: Indicator, what it answers, how it is computed, unit — the reference table of the page.
INDICATORS: tuple[tuple[str, str, str, str], ...] = (
    ("Share of world supply", "How much of the world's output one country (or bloc) provides",
     "country output ÷ world total published by the source, same year, same stage", "0–100%"),
    ("Top-3 share", "How much the three largest suppliers provide together (the IEA's headline indicator)",
     "sum of the three largest country shares", "0–100%"),
    ("Herfindahl–Hirschman index (HHI)", "How concentrated supply is across all suppliers",
     "sum of squared percentage shares; a range when the source groups small producers as 'other countries' "
     "(lower bound: that group split into many tiny producers; upper bound: one producer)",
     f"0–10,000; above {HHI_HIGHLY_CONCENTRATED:,} = highly concentrated"),
    ("Mining vs refining", "Where concentration sits along the chain",
     "the same share, top-3 and HHI computed separately for mine output and refined output", "0–100%, 0–10,000"),
    ("China's share of imports", "How dependent India or Japan is on China for a product",
     "imports from China ÷ imports from the world, as the importer reports them (UN Comtrade), by value and "
     "by net weight", "0–100%"),
    ("Mirror estimate", "China's share of imports where the importer reports no partner split",
     "China-reported exports to the importer ÷ the importer's reported imports from the world, same HS codes "
     "on both sides", "0–100% (an estimate)"),
    ("Governance-weighted supply risk", "Concentration weighted by how stable the suppliers are "
     "(EU critical raw materials method)",
     "sum over countries of squared share × governance score (0–10, higher = less stable), scaled by recycling "
     "and substitution; our data have neither, so the reports show a range of both",
     "index; 1 or more = the EU's supply-risk threshold"),
    ("Disruption scenario", "How much of world supply goes short if one supplier cuts output",
     "loss = supplier's output × cut; short = loss − partners' extra output (their output × expansion), "
     "as a share of world supply", "tonnes and 0–100%"),
)


@dataclass(frozen=True)
class Methods:
    """Everything the methods notebook shows (see :func:`methods`)."""

    year: int
    #: the title block's standfirst
    standfirst: str
    indicators: pd.DataFrame
    example: Concentration
    example_text: list[str]
    stage_coverage: pd.DataFrame
    stage_text: str
    #: "Governance scores used: …." (the scores' basis and year)
    governance_text: str
    caveats: list[str]


def indicator_table() -> pd.DataFrame:
    """The reference table: one row per indicator (columns Indicator, Answers, Computed as, Unit)."""
    return pd.DataFrame(INDICATORS, columns=["Indicator", "Answers", "Computed as", "Unit"])


def worked_example(usgs: pd.DataFrame, year: int, mineral: str = EXAMPLE_MINERAL) -> tuple[Concentration, list[str]]:
    """Concentration of ``mineral``'s production series in ``year`` and the sentences that walk
    through it: the leader's share, the top-3 share and the HHI range with its two bounds."""
    measure = primary_measure(usgs, mineral, year)
    result = concentration(usgs, mineral, measure, year)
    shares = result.shares.sort_values("share", ascending=False)
    top = shares.head(3)
    leader = top.iloc[0]
    squares = " + ".join(f"{row.share * 100:.0f}²" for row in top.itertuples())
    text = [
        f"{mineral}, {year}: USGS puts world {measure.replace('_', ' ')} at {fmt_tonnes(result.world_total_t)}. "
        f"{leader['country']} produced {fmt_tonnes(leader['value_t'])}, a share of {fmt_share(leader['share'])}.",
        f"The three largest producers ({join_names(list(top['country']))}) hold {fmt_share(result.top_k_share)} together.",
        f"The HHI starts {squares} + … for the named producers and comes to {fmt_hhi_range(result.hhi_lower, result.hhi_upper)} "
        f"once the producers the source groups together ({fmt_share(result.residual_share)} of output) are bounded.",
    ]
    return result, text


def stage_coverage(supply: pd.DataFrame) -> pd.DataFrame:
    """Minerals with country data per stage and source family (columns Stage, Source, Minerals, Years)."""
    frame = supply[supply["entity_kind"] == "country"].copy()
    frame["Source"] = frame["source"].map(lambda s: "IEA Critical Minerals Dataset" if s.startswith("iea") else "USGS MCS")
    rows = []
    for (stage, source), group in frame.groupby(["stage", "Source"], sort=True):
        years = sorted(group["year"].unique())
        rows.append({"Stage": stage, "Source": source, "Minerals": group["mineral"].nunique(),
                     "Years": f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])})
    return pd.DataFrame(rows)


def methods(year: int = 2024) -> Methods:
    """The methods page for production year ``year`` (the year of the worked example)."""
    usgs = load_usgs()
    example, example_text = worked_example(usgs, year)
    supply = load_supply()
    coverage = stage_coverage(supply)
    countries = supply[supply["entity_kind"] == "country"]
    iea = sorted(countries.loc[countries["source"].str.startswith("iea"), "mineral"].unique())
    usgs_refined = sorted(countries.loc[~countries["source"].str.startswith("iea") & (countries["stage"] == "refining"),
                                        "mineral"].unique())
    stage_text = (
        f"The IEA dataset gives mining and refining by country for {count_noun(len(iea), 'mineral')} "
        f"({join_names([m.lower() for m in iea])}): observed values and base-case projections, which the reports "
        f"always label as projections. USGS gives refinery or smelter output by country for "
        f"{count_noun(len(usgs_refined), 'mineral')} ({join_names([m.lower() for m in usgs_refined])})."
    )
    governance = governance_basis_text(load_governance(year))
    caveats = [
        "USGS figures for the latest year are estimates, revised in the next edition; the reports use the newest "
        "edition for each year and show material revisions.",
        "Where USGS withholds a country's figure, that country counts as unknown, not zero; the HHI range widens.",
        "Trade values are current US dollars: imports CIF, exports FOB. A mirror estimate compares the two and is "
        "biased down by freight and insurance; the weight ratio is not.",
        "IEA projections are the IEA's base case (stated policies), not forecasts of this project.",
    ]
    return Methods(year=year, standfirst=STANDFIRST, indicators=indicator_table(), example=example, example_text=example_text,
                   stage_coverage=coverage, stage_text=stage_text, governance_text=f"Governance scores used: {governance}.",
                   caveats=caveats)
