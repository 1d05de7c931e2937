"""The explorer: one chart whose controls pick a mineral, a stage and a year (Vega-Lite
parameters bound to inputs — no kernel, no server). The page keeps the choice in its address
and offers the current view as CSV (``usermeta.econsec.url_state`` / ``view_csv``, read by the
engine's embed script)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.theme import COLOURS, entity_range, publish

#: bars shown per view (the largest producers; the CSV has every country)
TOP_N = 12


#: width of each panel (px): wider than the title and subtitle, which are anchored at the panels'
#: left edge and would otherwise run past the page's right edge once short country labels
#: (cobalt: Finland, Canada …) move that edge to the right
PANEL_WIDTH = 560


def explorer_chart(shares: pd.DataFrame, summary: pd.DataFrame, *, mineral: str, stage: str, year: int,
                   source: str) -> alt.VConcatChart:
    """Country shares of the chosen mineral × stage × year (bars, China, India and Japan coloured)
    above the chosen mineral × stage's concentration over the years (lines).

    ``shares`` / ``summary``: :func:`analysis.indicators.explorer.explorer_tables`. ``mineral``,
    ``stage``, ``year``: the view shown first.
    """
    minerals = sorted(summary["mineral"].unique())
    years = sorted(int(y) for y in summary["year"].unique())
    pick_mineral = alt.param(name="mineral", value=mineral, bind=alt.binding_select(options=minerals, name="Mineral "))
    pick_stage = alt.param(name="stage", value=stage,
                           bind=alt.binding_radio(options=sorted(summary["stage"].unique()), name="Stage "))
    pick_year = alt.param(name="year", value=int(year), bind=alt.binding_select(options=years, name="Year "))
    chosen = (alt.datum.mineral == pick_mineral) & (alt.datum.stage == pick_stage)

    focus_scale = alt.Scale(domain=["China", "India", "Japan", "Other"],  # Other: named countries, not the residual
                            range=[COLOURS["china"], COLOURS["india"], COLOURS["japan"], COLOURS["named_other"]])
    bars = (
        alt.Chart(shares)
        .transform_filter(chosen & (alt.datum.year == pick_year) & (alt.datum.rank <= TOP_N))
        .mark_bar()
        .encode(
            x=alt.X("share:Q", title="Share of world output (0–100%)", axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("country:N", sort=alt.EncodingSortField("share", order="descending"), title=None),
            color=alt.Color("focus:N", scale=focus_scale, title=None),
            tooltip=[alt.Tooltip("country:N", title="Country"), alt.Tooltip("share:Q", title="Share of world", format=".1%"),
                     alt.Tooltip("value_t:Q", title="Output (tonnes)", format=",.0f"),
                     alt.Tooltip("product:N", title="Series")],
        )
        .properties(width=PANEL_WIDTH, height=260)
    )
    headline = (
        alt.Chart(summary)
        .transform_filter(chosen & (alt.datum.year == pick_year))
        .transform_calculate(
            line="datum.mineral + ', ' + datum.stage + ' ' + datum.year + ': ' + datum.leader + ' ' + "
                 "format(datum.leader_share, '.0%') + ' · top 3 ' + format(datum.top3_share, '.0%') + "
                 "' · HHI ' + format(datum.hhi, ',.0f')",
            partners="'India ' + (datum.india_share > 0 ? format(datum.india_share, '.1%') : 'not listed') + "
                     "' · Japan ' + (datum.japan_share > 0 ? format(datum.japan_share, '.1%') : 'not listed') + "
                     "' · series: ' + datum.product",
        )
        .mark_text(align="left", baseline="top", fontSize=12, lineHeight=16)
        .encode(text="lines:N", x=alt.value(0), y=alt.value(0))
        .transform_calculate(lines="[datum.line, datum.partners]")
        .properties(width=PANEL_WIDTH, height=34)
    )
    measures = {"leader_share": "Largest producer", "top3_share": "Top 3", "china_share": "China",
                "india_share": "India", "japan_share": "Japan"}
    trend = (
        alt.Chart(summary)
        .transform_filter(chosen)
        .transform_fold(list(measures), as_=["measure", "share"])
        .transform_filter("isValid(datum.share)")  # a country USGS does not list is not drawn as 0 %
        .transform_calculate(who=" : ".join(f"datum.measure == '{k}' ? '{v}'" for k, v in measures.items()) + " : ''")
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("share:Q", title="Share of world output (0–100%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("who:N", title=None,
                            scale=alt.Scale(domain=list(measures.values()),
                                            range=entity_range(list(measures.values())))),
            tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("who:N", title="Share of"),
                     alt.Tooltip("share:Q", title="Share of world", format=".1%"),
                     alt.Tooltip("leader:N", title="Largest producer")],
        )
        .properties(width=PANEL_WIDTH, height=180, title=alt.TitleParams("Over the years (same mineral and stage)", fontSize=12))
    )
    chart = (alt.vconcat(headline, bars, trend, spacing=12).add_params(pick_mineral, pick_stage, pick_year)
             .resolve_scale(color="independent"))
    published = publish(
        chart,
        title=f"Who supplies each mineral: country shares and concentration, {years[0]}–{years[-1]}",
        subtitle="Pick a mineral, a stage and a year; share of world output (0–100%), largest producers; "
                 "India, Japan and China coloured",
        source=source,
        description=(f"Interactive explorer of {len(minerals)} minerals: country shares of world mining or refining "
                     f"output for a chosen year ({years[0]}–{years[-1]}), leader, top-3 share and HHI, and their trend."),
        csv_name="explorer-view",
        source_chars=85,  # the plot is ~510 px wide when the chosen view has short country names
    )
    published.usermeta["econsec"].update({
        "url_state": ["mineral", "stage", "year"],
        "view_csv": {"columns": ["country", "share", "rank"], "filters": {"mineral": "mineral", "stage": "stage", "year": "year"}},
    })
    return published
