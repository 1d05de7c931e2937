"""Charts of the briefing: China's share of India's and Japan's imports; the priority-mineral overview."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.theme import COLOURS, PALETTE, publish
from analysis.data.minerals import product_label



def china_import_share_chart(imports: pd.DataFrame, *, source: str) -> alt.VConcatChart:
    """China's share of each country's imports per product and year (lines, one panel per country).

    ``imports`` columns (from :func:`analysis.indicators.dependence.import_dependence`):
    ``country``, ``hs_code``, ``year``, ``china_share`` (0–1), ``value_usd``, ``china_value_usd``.
    """
    data = imports.assign(product=imports["hs_code"].map(product_label))
    data = data[["country", "product", "year", "china_share", "value_usd", "china_value_usd"]]
    first, last = int(data["year"].min()), int(data["year"].max())
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("china_share:Q", title="Share of imports from China (by value)", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("product:N", title=None, scale=alt.Scale(range=PALETTE[:3]),
                        legend=alt.Legend(labelLimit=360, columns=2)),
        tooltip=[
            alt.Tooltip("country:N", title="Importer"),
            alt.Tooltip("product:N", title="Product"),
            alt.Tooltip("year:O", title="Year"),
            alt.Tooltip("china_share:Q", title="Share from China", format=".1%"),
            alt.Tooltip("china_value_usd:Q", title="From China (USD)", format=",.0f"),
            alt.Tooltip("value_usd:Q", title="From the world (USD)", format=",.0f"),
        ],
    )
    lines = (base.mark_line() + base.mark_point()).properties(width=250, height=220)
    chart = lines.facet(column=alt.Column("country:N", title=None, header=alt.Header(labelFontSize=13, labelFontWeight=600)))
    return publish(
        chart,
        title="How much India and Japan buy from China",
        subtitle=f"Share of each country's imports from China, by value (0–100%), {first}–{last}",
        source=source,
        description=(
            f"Line charts, one per importer (India, Japan), of the share of imports bought from China for three "
            f"processed minerals from {first} to {last}."
        ),
        csv_name="china-share-of-imports",
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
    colours = ["#555555", COLOURS["china"], COLOURS["partner"], COLOURS["japan"]]
    chart = (
        alt.Chart(long)
        .mark_point(filled=True, size=110, opacity=0.9)
        .encode(
            y=alt.Y("mineral:N", sort=order, title=None),
            x=alt.X("share:Q", title="Share of world production (0–100%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("measure:N", title=None, scale=alt.Scale(domain=domain, range=colours)),
            shape=alt.Shape("measure:N", title=None, scale=alt.Scale(domain=domain, range=["diamond", "circle", "square", "triangle-up"])),
            tooltip=[
                alt.Tooltip("mineral:N", title="Mineral"),
                alt.Tooltip("measure:N", title="Who"),
                alt.Tooltip("share:Q", title="Share of world", format=".1%"),
                alt.Tooltip("leader:N", title="Largest producer"),
            ],
        )
        .properties(width=520, height=30 * len(order))
    )
    return publish(
        chart,
        title="Who supplies the priority minerals",
        subtitle=f"Share of world mine (gallium: refinery) production, {year}",
        source=source,
        description=(
            f"Dot plot of {len(order)} priority minerals showing the top-3 producers' share, China's share and the "
            f"shares of MSP partners and Quad members in world production in {year}."
        ),
        csv_name=f"priority-minerals-{year}",
    )
