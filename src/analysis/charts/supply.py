"""Charts of world supply: producers, cumulative concentration, reserves, country position, and
the priority-mineral overview of the briefing.

Each function takes a tidy frame from :mod:`analysis.indicators` and returns a chart already
passed through :func:`analysis.charts.theme.publish` (title, unit/year subtitle, source line,
description). Colours carry meaning across reports: China vermillion, India orange, Japan
blue, the rest of the world grey.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.theme import COLOURS, entity_range, publish
from analysis.text import fmt_share, fmt_tonnes, join_names
from analysis.vocabulary import FOCUS

ROLE_DOMAIN = ["China", "India", "Japan", "Other producers", "Rest of world"]
ROLE_RANGE = entity_range(ROLE_DOMAIN)
ROLE_BY_ISO = {**FOCUS, "ROW": "Rest of world"}


def _roles(frame: pd.DataFrame) -> pd.Series:
    return frame["iso3"].map(ROLE_BY_ISO).fillna("Other producers")


def _role_colour(roles: pd.Series) -> alt.Color:
    """Colour by role, with a legend listing only the roles present."""
    present = [r for r in ROLE_DOMAIN if r in set(roles)]
    colours = [c for r, c in zip(ROLE_DOMAIN, ROLE_RANGE) if r in present]
    return alt.Color("role:N", scale=alt.Scale(domain=present, range=colours), legend=alt.Legend(title=None))


def _tonne_axis(max_value: float, title: str) -> alt.Axis:
    return alt.Axis(title=title, format=",.0f" if max_value < 1e6 else "~s", tickCount=5)


def _ranked_bars(top: pd.DataFrame, *, axis_title: str, value_label: str, share_label: str) -> alt.LayerChart:
    """Horizontal bars in the order of ``top`` (largest first), coloured by role, share labels at the ends."""
    data = top.assign(role=_roles(top), label=top["share"].map(fmt_share))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("country:N", sort=data["country"].tolist(), title=None),
            x=alt.X("value_t:Q", axis=_tonne_axis(data["value_t"].max(), axis_title)),
            color=_role_colour(data["role"]),
            tooltip=[
                alt.Tooltip("country:N", title="Country"),
                alt.Tooltip("value_t:Q", title=value_label, format=",.0f"),
                alt.Tooltip("share:Q", title=share_label, format=".1%"),
            ],
        )
        .properties(width=520, height=max(160, 26 * len(data)))
    )
    labels = bars.mark_text(align="left", dx=4).encode(text=alt.Text("label:N"), color=alt.value("#333333"))
    return bars + labels


def producers_bar(
    top: pd.DataFrame, *, mineral: str, measure_label: str, year: int, unit_note: str, source: str
) -> alt.VConcatChart:
    """Horizontal bars of the largest producers plus "Rest of world" (from ``top_producers``).

    ``top`` columns: ``country``, ``iso3``, ``value_t``, ``share``. ``unit_note`` qualifies the
    tonnes ("rare-earth-oxide equivalent").
    """
    leader = top.iloc[0]
    named = int((top["iso3"] != "ROW").sum())
    return publish(
        _ranked_bars(top, axis_title=f"Tonnes ({unit_note})", value_label="Tonnes", share_label="Share of world"),
        title=f"{mineral}: world {measure_label} by country, {year}",
        subtitle=f"Tonnes ({unit_note}), {year}; labels give the share of the world total",
        source=source,
        description=(
            f"Bar chart of {mineral.lower()} {measure_label} in {year} for the {named} largest producers"
            f"{' and the rest of the world' if named < len(top) else ''}. {leader['country']} leads with "
            f"{fmt_tonnes(leader['value_t'])} ({fmt_share(leader['share'])})."
        ),
        csv_name=f"{mineral}-{measure_label}-{year}-producers",
    )


def reserves_bar(top: pd.DataFrame, *, mineral: str, year: int, unit_note: str, source: str) -> alt.VConcatChart:
    """Horizontal bars of the largest reserve holders plus "Rest of world" (``top_producers`` of reserves)."""
    leader = top.iloc[0]
    return publish(
        _ranked_bars(top, axis_title=f"Tonnes ({unit_note})", value_label="Reserves (t)", share_label="Share of world reserves"),
        title=f"{mineral}: reserves by country, {year}",
        subtitle=f"Tonnes ({unit_note}), reserves as of {year}; labels give the share of world reserves",
        source=source,
        description=(
            f"Bar chart of {mineral.lower()} reserves in {year} for the largest holders and the rest of the world. "
            f"{leader['country']} holds {fmt_tonnes(leader['value_t'])} ({fmt_share(leader['share'])})."
        ),
        csv_name=f"{mineral}-reserves-{year}",
    )


def cumulative_share_chart(
    shares: pd.DataFrame, *, mineral: str, measure_label: str, year: int, countries_to_80: int | None, source: str
) -> alt.VConcatChart:
    """Cumulative share of world supply by producer rank, with the 80 % line.

    ``shares`` columns: ``rank``, ``country``, ``share``, ``cumulative_share`` (from ``Concentration.shares``).
    """
    data = shares[["rank", "country", "share", "cumulative_share"]]
    base = alt.Chart(data).encode(
        x=alt.X("rank:Q", title="Number of largest producers", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("cumulative_share:Q", title="Cumulative share of world supply", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
    )
    line = base.mark_line(interpolate="step-after", color=COLOURS["japan"])
    points = base.mark_point(color=COLOURS["japan"]).encode(
        tooltip=[
            alt.Tooltip("rank:Q", title="Rank"),
            alt.Tooltip("country:N", title="Country"),
            alt.Tooltip("share:Q", title="Share", format=".1%"),
            alt.Tooltip("cumulative_share:Q", title="Cumulative share", format=".1%"),
        ]
    )
    rule = (
        alt.Chart(pd.DataFrame({"y": [0.8], "label": ["80% of supply"]}))
        .mark_rule(strokeDash=[4, 4], color=COLOURS["other"])
        .encode(y="y:Q", tooltip=[alt.Tooltip("label:N", title="Threshold")])
    )
    reach = f"{countries_to_80} countries reach 80%" if countries_to_80 else "named countries do not reach 80%"
    return publish(
        (line + points + rule).properties(width=520, height=240),
        title=f"{mineral}: how few countries supply the world, {year}",
        subtitle=f"Cumulative share of world {measure_label} (0–100%), countries ranked by output, {year}",
        source=source,
        description=f"Step chart of the cumulative share of world {mineral.lower()} {measure_label} in {year} by producer rank; {reach}.",
        csv_name=f"{mineral}-{measure_label}-{year}-cumulative",
    )


def grouped_share_bars(data: pd.DataFrame, *, category: str, order: list[str], tooltip: list[alt.Tooltip]) -> alt.LayerChart:
    """Bars of ``share`` (0–1) per ``category``, one bar per ``measure`` within each, with a ``label``
    at each bar's end — so zero and unpublished ("n/a") values stay visible where no bar is drawn."""
    base = alt.Chart(data).encode(
        y=alt.Y(f"{category}:N", sort=order, title=None),
        yOffset=alt.YOffset("measure:N"),
        x=alt.X("share:Q", title="Share of world total (0–100%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        tooltip=tooltip,
    )
    # colour is the entity (China, India, a bloc: one colour per entity across the report);
    # the measure is told by opacity — production solid, reserves light — and the legend
    measures = list(dict.fromkeys(data["measure"]))
    bars = base.mark_bar().encode(
        color=alt.Color(f"{category}:N", scale=alt.Scale(domain=order, range=entity_range(order)), legend=None),
        opacity=alt.Opacity("measure:N", title=None, scale=alt.Scale(domain=measures, range=[1.0, 0.4][: len(measures)]),
                            legend=alt.Legend(symbolType="square", symbolFillColor="#555555", symbolStrokeWidth=0)),
    )
    labels = (
        base.mark_text(align="left", dx=4, color="#333333")
        .encode(x=alt.X("share_plot:Q"), text=alt.Text("label:N"))
        .transform_calculate(share_plot="isValid(datum.share) ? datum.share : 0")
    )
    return bars + labels


def position_chart(position: pd.DataFrame, *, mineral: str, year: int, source: str) -> alt.VConcatChart:
    """Grouped bars: share of world production and of world reserves for China, India, Japan.

    ``position`` columns: ``country``, ``iso3``, ``measure`` (label), ``share`` (0–1, NaN = not
    available), ``value_t``.
    """
    data = position.assign(label=position["share"].map(fmt_share))  # the narrative's rounding rule (analysis.text)
    chart = grouped_share_bars(
        data,
        category="country",
        order=["China", "India", "Japan"],
        tooltip=[
            alt.Tooltip("country:N", title="Country"),
            alt.Tooltip("measure:N", title="Measure"),
            alt.Tooltip("value_t:Q", title="Tonnes", format=",.0f"),
            alt.Tooltip("label:N", title="Share of world"),
        ],
    )
    return publish(
        chart.properties(width=520, height=200),
        title=f"{mineral}: where China, India and Japan stand, {year}",
        subtitle=f"Share of world production and of world reserves (0–100%), {year}",
        source=source,
        description=(
            f"Grouped bar chart of China's, India's and Japan's shares of world {mineral.lower()} production "
            f"and reserves in {year}."
        ),
        csv_name=f"{mineral}-{year}-china-india-japan",
    )


def supply_overview_chart(supply: pd.DataFrame, *, year: int, source: str) -> alt.VConcatChart:
    """Dot plot per priority mineral: leader's share, top-3 share, China's share, Quad and MSP shares.

    ``supply`` columns (from :func:`analysis.reports.briefing.supply_table`): ``mineral``,
    ``leader``, ``leader_share``, ``china_share``, ``top3_share``, ``quad_share``, ``msp_share``.
    """
    long = supply.melt(
        id_vars=["mineral", "leader"],
        value_vars=["top3_share", "china_share", "msp_share", "quad_share"],
        var_name="measure",
        value_name="share",
    ).dropna(subset=["share"])
    labels = {"top3_share": "Top 3 producers", "china_share": "China", "msp_share": "MSP partners", "quad_share": "Quad"}
    long["measure"] = long["measure"].map(labels)
    order = supply.sort_values("top3_share", ascending=False)["mineral"].tolist()
    domain = ["Top 3 producers", "China", "MSP partners", "Quad"]
    colours = entity_range(domain)
    long["label"] = long["share"].map(fmt_share)
    # each measure on its own sub-row of the mineral, so equal shares do not hide each other
    y = alt.Y("mineral:N", sort=order, title=None, axis=alt.Axis(labelFontWeight="bold"))
    y_offset = alt.YOffset("measure:N", sort=domain, scale=alt.Scale(domain=domain, paddingOuter=0.3))
    points = (
        alt.Chart(long)
        .mark_point(filled=True, size=70, opacity=0.95)
        .encode(
            y=y,
            yOffset=y_offset,
            x=alt.X("share:Q", title="Share of world production (0–100%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("measure:N", title=None, scale=alt.Scale(domain=domain, range=colours)),
            shape=alt.Shape("measure:N", title=None, scale=alt.Scale(domain=domain, range=["diamond", "circle", "square", "triangle-up"])),
            tooltip=[
                alt.Tooltip("mineral:N", title="Mineral"),
                alt.Tooltip("measure:N", title="Who"),
                alt.Tooltip("label:N", title="Share of world"),
                alt.Tooltip("leader:N", title="Largest producer"),
            ],
        )
    )
    unlisted = supply.loc[supply["china_share"].isna(), ["mineral"]].assign(measure="China", x=0.0, text="China: not listed by USGS")
    note = alt.Chart(unlisted).mark_text(align="left", dx=2, fontSize=9, color=COLOURS["china"]).encode(
        y=y, yOffset=y_offset, x="x:Q", text="text:N"
    )
    chart = (points + note).properties(width=520, height=alt.Step(9))
    return publish(
        chart,
        title="Who supplies the priority minerals",
        subtitle=f"Share of world mine (gallium: refinery) production, {year}",
        source=source,
        description=(
            f"Dot plot of {len(order)} priority minerals showing the top-3 producers' share, China's share and the "
            f"shares of MSP partners and Quad members in world production in {year}."
            + (f" USGS does not list China for {join_names(sorted(supply.loc[supply['china_share'].isna(), 'mineral'].str.lower()))}."
               if supply["china_share"].isna().any() else "")
        ),
        csv_name=f"priority-minerals-{year}",
    )
