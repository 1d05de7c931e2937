"""Mineral profile, sections on how supply moved and where it is processed: the trend of
production and concentration since 2021, mining against refining (IEA, with the IEA outlook, or
USGS mine and refinery series) and, for rare earths, Japan's dependence on China.

Each section is one function returning a small typed result; :func:`analysis.reports.mineral_profile.mineral_profile`
composes them."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import load_supply
from analysis.errors import ParameterError
from analysis.indicators.concentration import Concentration
from analysis.indicators.stages import IEA_MINERALS, PROJECTION_LABEL, product_name, stage_comparison
from analysis.indicators.trends import concentration_trend, production_by_country
from analysis.reports.common import hhi_labels, leader_labels
from analysis.reports.country_sections import MirrorSection, mirror_section
from analysis.reports.sections import StageSection, TrendSection, stage_section, trend_section
from analysis.text import fmt_hhi_range, fmt_rank_share, fmt_share, fmt_tonnes, fmt_usd, join_names


@dataclass(frozen=True)
class ProductionTrend:
    """"How production moved": the main series from 2021 to the report's year."""

    #: first and last year, source, notes and revisions across the USGS editions
    editions: TrendSection
    production_trend: pd.DataFrame  # production_by_country
    concentration_trend: pd.DataFrame  # concentration_trend with bloc shares
    table: pd.DataFrame  # display: one row per year
    finding: str


@dataclass(frozen=True)
class StagesDetail:
    """Mining against refining: the IEA section (None when the IEA does not cover the mineral), the
    USGS mine and refinery series side by side (None when USGS has not both) and what is not covered."""

    iea: StageSection | None
    usgs: pd.DataFrame | None
    text: list[str]
    findings: list[str]
    #: the IEA outlook's heading, introduction and table caption (empty when the IEA does not cover the mineral)
    outlook_heading: str
    outlook_intro: str
    outlook_caption: str


@dataclass(frozen=True)
class RareEarthsSection:
    """Japan's rare-earth dependence on China (rare-earth profile only: all None or empty otherwise)."""

    mirror: MirrorSection | None
    table: pd.DataFrame | None
    context: str
    caption: str


def production_trend(usgs: pd.DataFrame, mineral: str, stage: str, label: str, year: int,
                     frameworks: pd.DataFrame) -> ProductionTrend:
    """Production by country and concentration of the main series up to ``year``, with the trend finding."""
    trend = trend_section(usgs, year, (mineral,))
    detail = concentration_trend(usgs, mineral, stage, frameworks=frameworks)
    detail = detail[detail["year"] <= year].reset_index(drop=True)
    by_country = production_by_country(usgs, mineral, stage)
    by_country = by_country[by_country["year"] <= year].reset_index(drop=True)
    return ProductionTrend(editions=trend, production_trend=by_country, concentration_trend=detail,
                           table=_trend_table(detail, frameworks), finding=_trend_sentence(detail, label))


def stages_detail(mineral: str, year: int, frameworks: pd.DataFrame) -> StagesDetail:
    """The IEA stage section where the IEA covers the mineral, else the USGS series that there are."""
    supply = load_supply()
    stages = stage_section(supply, frameworks, minerals=(mineral,)) if mineral in IEA_MINERALS else None
    usgs_stages, text = _usgs_stages(supply, mineral, year, stages is not None)
    return StagesDetail(iea=stages, usgs=usgs_stages, text=text,
                        findings=_stage_sentences(stages, mineral) if stages is not None else [],
                        **_outlook_words(stages))


def rare_earths_section(mineral: str, production: Concentration, stages: StageSection | None) -> RareEarthsSection:
    """Japan's rare-earth imports from China by mirror data, with the world shares that frame them."""
    if mineral != "Rare earths":
        return RareEarthsSection(mirror=None, table=None, context="", caption="")
    rare = mirror_section("Japan", "JPN")
    return RareEarthsSection(mirror=rare, table=_rare_earths_table(rare), context=_rare_earths_context(production, stages),
                             caption=RARE_EARTHS_CAPTION)


#: Caption of the table of China-reported rare-earth exports to Japan (the product group of the mirror estimate).
RARE_EARTHS_CAPTION = "China-reported rare-earth exports to Japan by year (HS 280530 + 284690 + 850511; USD, FOB, and net weight)"


def _outlook_words(stages: StageSection | None) -> dict[str, str]:
    """Heading, introduction and caption of the IEA outlook, with the years the outlook holds."""
    if stages is None:
        return {"outlook_heading": "", "outlook_intro": "", "outlook_caption": ""}
    later = sorted(int(y) for y in stages.outlook["year"].unique() if y > stages.year)
    return {
        "outlook_heading": f"Outlook to {later[-1]} ({PROJECTION_LABEL})",
        "outlook_intro": ("China's share and the partner blocs' combined share of world mining and refining: the observed year, "
                          f"then the {PROJECTION_LABEL} — projections, not observations."),
        "outlook_caption": f"Share of world output, {stages.year} observed and IEA base-case projections for {join_names(later)}",
    }


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
    # The IEA's products and year named, so its shares do not read as the USGS mine series of the same mineral.
    mined_product = product_name(mining["product"])
    mined_text = (f"{fmt_share(china_mined)} of mining ({mined_product}, IEA {stages.year})" if china_mined == china_mined
                  else f"at most {fmt_share(mining['residual_share'])} of mining ({mined_product}, IEA {stages.year}: the IEA does not "
                       "list China by name, so its share is inside the IEA's “Rest of world”)")
    product = product_name(refining["product"])
    if china_refined == china_refined:
        gap = china_refined > (china_mined if china_mined == china_mined else mining["residual_share"])
        head = ("**The chokepoint is refining, and China holds it.**" if gap and china_refined >= 0.5 else
                "**China's hold is larger at the refining stage than at the mine.**" if gap else
                "**China refines less of it than it mines.**")
        out.append(
            f"{head} In {stages.year} China's share of world refining ({product}) was {fmt_share(china_refined)}, against "
            f"{mined_text}; the three largest refiners held {fmt_share(refining['top3_share'])}."
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
