"""Charts of supply over time: production by country and the concentration trend.

Inputs come from :mod:`analysis.indicators.trends` (``production_by_country``,
``concentration_trend``). Each function returns a chart passed through
:func:`analysis.charts.theme.publish` (title, subtitle with unit and years, source line,
description). China vermillion, India orange, Japan blue as in every report; USGS estimates
are drawn as hollow points and say so in the tooltip, revised values show the older edition's
figure in the tooltip.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.theme import COLOURS, PRODUCER_COLOURS, entity_range, publish
from analysis.text import fmt_share, fmt_tonnes
from analysis.vocabulary import HHI_HIGHLY_CONCENTRATED

#: Colours for producers other than China, India and Japan: none of the colours that carry a
#: meaning elsewhere in a report (blocs, top 3, largest producer, rest of world)
OTHER_COLOURS = PRODUCER_COLOURS
FIXED = {"China": COLOURS["china"], "India": COLOURS["india"], "Japan": COLOURS["japan"]}


def _span(years: pd.Series) -> str:
    first, last = int(years.min()), int(years.max())
    return str(first) if first == last else f"{first}–{last}"


def trend_countries(production: pd.DataFrame, top_n: int = 5) -> list[str]:
    """The ``top_n`` largest producers of the latest year, plus China, India and Japan when listed."""
    latest = production[production["year"] == production["year"].max()].dropna(subset=["value_t"])
    top = latest.sort_values("value_t", ascending=False)["country"].head(top_n).tolist()
    extra = [c for c in ("China", "India", "Japan") if c in set(production["country"]) and c not in top]
    return top + extra


def production_trend_chart(
    production: pd.DataFrame,
    *,
    mineral: str,
    stage_label: str,
    unit_note: str,
    source: str,
    top_n: int = 5,
) -> alt.VConcatChart:
    """Lines of tonnes per year for the largest producers (and China, India, Japan).

    ``production``: :func:`analysis.indicators.trends.production_by_country`. ``stage_label``
    ("mine production"), ``unit_note`` qualifies the tonnes ("lithium content").
    """
    countries = trend_countries(production, top_n)
    data = production[production["country"].isin(countries)].dropna(subset=["value_t"]).copy()
    data["status"] = data["estimated"].map({True: "USGS estimate", False: "reported"})
    data["revision"] = [
        f"revised from {fmt_tonnes(old)} (MCS {int(edition)})" if pd.notna(old) else ""
        for old, edition in zip(data["revised_from_t"], data["revised_from_edition"])
    ]
    others = [c for c in countries if c not in FIXED]
    domain = countries
    colours = [FIXED.get(c) or OTHER_COLOURS[others.index(c) % len(OTHER_COLOURS)] for c in countries]
    colour = alt.Color("country:N", scale=alt.Scale(domain=domain, range=colours), legend=alt.Legend(title=None, columns=4))
    years = _span(data["year"])
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value_t:Q", title=f"Tonnes ({unit_note})", axis=alt.Axis(format=",.0f" if data["value_t"].max() < 1e6 else "~s")),
        color=colour,
    )
    tooltip = [
        alt.Tooltip("country:N", title="Country"),
        alt.Tooltip("year:O", title="Year"),
        alt.Tooltip("value_t:Q", title="Tonnes", format=",.0f"),
        alt.Tooltip("share:Q", title="Share of world", format=".1%"),
        alt.Tooltip("status:N", title="Status"),
        alt.Tooltip("edition:Q", title="MCS edition", format="d"),
        alt.Tooltip("revision:N", title="Revision"),
    ]
    lines = base.mark_line()
    reported = base.transform_filter("!datum.estimated").mark_point(size=60, filled=True).encode(tooltip=tooltip)
    estimates = base.transform_filter("datum.estimated").mark_point(size=60, filled=False, fill="#ffffff", strokeWidth=2).encode(
        tooltip=tooltip
    )
    chart = (lines + reported + estimates).properties(width=520, height=300)
    latest = data[data["year"] == data["year"].max()].sort_values("value_t", ascending=False)
    leader = latest.iloc[0]
    first_year = data[data["country"] == leader["country"]].sort_values("year").iloc[0]
    return publish(
        chart,
        title=f"{mineral}: {stage_label} by country, {years}",
        subtitle=f"Tonnes ({unit_note}), {years}; hollow points are USGS estimates",
        source=source,
        description=(
            f"Line chart of {mineral.lower()} {stage_label} from {years} for {', '.join(countries)}. "
            f"{leader['country']} produced {fmt_tonnes(leader['value_t'])} in {int(leader['year'])} "
            f"({fmt_share(leader['share'])} of the world), against {fmt_tonnes(first_year['value_t'])} in {int(first_year['year'])}."
        ),
        csv_name=f"{mineral}-{stage_label}-by-country-{years}",
    )


def concentration_trend_chart(trend: pd.DataFrame, *, mineral: str, stage_label: str, source: str) -> alt.VConcatChart:
    """Leader's share, top-3 share and China's share (top panel) and the HHI range (bottom panel) per year.

    ``trend``: :func:`analysis.indicators.trends.concentration_trend`. Shares 0–1 shown as
    per cent; HHI 0–10 000 as a band from the lower to the upper bound.
    """
    top_column = next(c for c in trend.columns if c.startswith("top") and c.endswith("_share"))
    k = top_column[3:-6]
    labels = {"leader_share": "Largest producer", top_column: f"Top {k}", "china_share": "China"}
    long = trend.melt(id_vars=["year", "leader", "estimated", "edition"], value_vars=list(labels), var_name="measure", value_name="share")
    long["measure"] = long["measure"].map(labels)
    long = long.dropna(subset=["share"])
    years = _span(trend["year"])
    colour = alt.Color(
        "measure:N",
        scale=alt.Scale(domain=list(labels.values()), range=entity_range(list(labels.values()))),
        legend=alt.Legend(title=None),
    )
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0))
    shares = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("share:Q", title="Share of world supply", axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, 1])),
            color=colour,
            strokeDash=alt.StrokeDash(
                "measure:N", scale=alt.Scale(domain=list(labels.values()), range=[[1, 0], [1, 0], [6, 4]]), legend=None
            ),
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
                alt.Tooltip("leader:N", title="Leader"),
                alt.Tooltip("edition:Q", title="MCS edition", format="d"),
            ],
        )
        .properties(width=520, height=220)
    )
    hhi_base = alt.Chart(trend).encode(x=x)
    band = hhi_base.mark_area(opacity=0.35, color=COLOURS["other"]).encode(
        y=alt.Y("hhi_lower:Q", title="HHI (0–10,000)", scale=alt.Scale(domain=[0, 10000])),
        y2="hhi_upper:Q",
        tooltip=[
            alt.Tooltip("year:O", title="Year"),
            alt.Tooltip("hhi_lower:Q", title="HHI lower bound", format=",.0f"),
            alt.Tooltip("hhi_upper:Q", title="HHI upper bound", format=",.0f"),
        ],
    )
    mid = hhi_base.mark_line(point=alt.OverlayMarkDef(color="#333333"), color="#333333").encode(y="hhi_lower:Q")
    rule = alt.Chart(pd.DataFrame({"y": [HHI_HIGHLY_CONCENTRATED]})).mark_rule(strokeDash=[4, 4], color="#999999").encode(y="y:Q")
    hhi = (band + mid + rule).properties(width=520, height=140)
    first, last = trend.iloc[0], trend.iloc[-1]
    return publish(
        alt.vconcat(shares, hhi),
        title=f"{mineral}: concentration of {stage_label}, {years}",
        subtitle=f"Shares of world {stage_label} (%) and HHI range (0–10,000; dashed line {HHI_HIGHLY_CONCENTRATED:,} = highly concentrated), {years}",
        source=source,
        description=(
            f"Two panels for {mineral.lower()} {stage_label}, {years}. The leader's share moved from "
            f"{fmt_share(first['leader_share'])} ({first['leader']}, {int(first['year'])}) to {fmt_share(last['leader_share'])} "
            f"({last['leader']}, {int(last['year'])}); the top-{k} share from {fmt_share(first[top_column])} to "
            f"{fmt_share(last[top_column])}; the HHI lower bound from {first['hhi_lower']:,.0f} to {last['hhi_lower']:,.0f}."
        ),
        csv_name=f"{mineral}-{stage_label}-concentration-{years}",
    )


def priority_trends_chart(trends: pd.DataFrame, *, source: str) -> alt.VConcatChart:
    """Small multiples, one per mineral: leader's, top-3 and China's share of world supply per year.

    ``trends``: :func:`analysis.indicators.trends.concentration_trend` of several minerals
    stacked (column ``mineral``; ``series_label`` names the series, e.g. "mine production").
    Years where USGS gives China no figure have no China point (not listed, not zero); the
    panel title says so.
    """
    top_column = next(c for c in trends.columns if c.startswith("top") and c.endswith("_share"))
    k = top_column[3:-6]
    labels = {"leader_share": "Largest producer", top_column: f"Top {k}", "china_share": "China"}
    data = trends.copy()
    missing = data[data["china_share"].isna()].groupby("mineral")["year"].apply(lambda y: _span(y))
    data["panel"] = [
        f"{m} ({s})" + (f"|China not listed by USGS {missing[m]}" if m in missing.index else "")
        for m, s in zip(data["mineral"], data["series_label"])
    ]
    long = data.melt(id_vars=["panel", "mineral", "year", "leader"], value_vars=list(labels), var_name="measure", value_name="share")
    long["measure"] = long["measure"].map(labels)
    long = long.dropna(subset=["share"])
    long["share_label"] = long["share"].map(fmt_share)
    domain = list(labels.values())
    years = _span(trends["year"])
    chart = (
        alt.Chart(long)
        .mark_line(point=alt.OverlayMarkDef(size=30))
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, labelFontSize=10)),
            y=alt.Y("share:Q", title=None, axis=alt.Axis(format=".0%", tickCount=5, labelFontSize=10), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("measure:N", scale=alt.Scale(domain=domain, range=entity_range(domain)),
                            legend=alt.Legend(title=None, orient="bottom")),
            strokeDash=alt.StrokeDash("measure:N", scale=alt.Scale(domain=domain, range=[[1, 0], [4, 2], [1, 0]]), legend=None),
            tooltip=[
                alt.Tooltip("mineral:N", title="Mineral"),
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("measure:N", title="Share of"),
                alt.Tooltip("share_label:N", title="Share of world"),
                alt.Tooltip("leader:N", title="Largest producer"),
            ],
        )
        .properties(width=230, height=80)
        .facet(facet=alt.Facet("panel:N", title=None, sort=list(dict.fromkeys(data["panel"])),
                               header=alt.Header(labelFontSize=10, labelLimit=0, labelExpr="split(datum.value, '|')")), columns=2, spacing=14)
    )
    first, last = int(trends["year"].min()), int(trends["year"].max())
    ends = trends[trends["year"].isin([first, last])].pivot_table(index="mineral", columns="year", values="leader_share")
    moves = (ends[last] - ends[first]).dropna().sort_values() if first in ends and last in ends else pd.Series(dtype=float)
    return publish(
        chart,
        title=f"How concentration moved, {years}",
        subtitle=f"Share of world supply (0–100%) of the largest producer, the top {k} and China, {years}; where China is the largest producer the two lines coincide",
        source=source,
        description=(
            f"Small multiples of {trends['mineral'].nunique()} priority minerals, {years}: the largest producer's, the top {k}'s "
            "and China's share of world supply per year."
            + (f" The largest producer's share rose most in {moves.index[-1].lower()} ({fmt_share(ends.loc[moves.index[-1], first])} to "
               f"{fmt_share(ends.loc[moves.index[-1], last])})." if len(moves) else "")
        ),
        csv_name=f"priority-minerals-concentration-{years}",
    )
