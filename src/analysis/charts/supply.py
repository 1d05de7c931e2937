"""Charts of world supply: producers, cumulative concentration, reserves, country position, the
priority-mineral overview of the briefing, and the explorer's chart of every mineral × stage × year
(:func:`explorer_chart`: Vega-Lite parameters bound to inputs — no kernel, no server; the page
keeps the choice in its address and offers the current view as CSV, ``usermeta.econsec.url_state``
/ ``view_csv``, read by the engine's embed script).

Each function takes a tidy frame from :mod:`analysis.indicators` and returns a chart already
passed through :func:`analysis.charts.theme.publish` (title, unit/year subtitle, source line,
description). Colours carry meaning across reports: China vermillion, India orange, Japan
blue, the rest of the world grey.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.theme import COLOURS, entity_range, publish, tonne_axis
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


def _ranked_bars(top: pd.DataFrame, *, axis_title: str, value_label: str, share_label: str) -> alt.LayerChart:
    """Horizontal bars in the order of ``top`` (largest first), coloured by role, share labels at the ends."""
    data = top.assign(role=_roles(top), label=top["share"].map(fmt_share))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("country:N", sort=data["country"].tolist(), title=None),
            x=alt.X("value_t:Q", axis=tonne_axis(data["value_t"].max(), axis_title)),
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
    # USGS rounds its world total, so the named producers can add up to a little more than it: the
    # axis then reaches their sum and the subtitle says why, rather than clipping the line at 100%.
    total = float(data["cumulative_share"].max()) if len(data) else 0.0
    over = (f"; USGS rounds its world total, and the named producers add up to {fmt_share(total, 1)} of it"
            if total > 1 else "")
    base = alt.Chart(data).encode(
        x=alt.X("rank:Q", title="Number of largest producers", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("cumulative_share:Q", title="Cumulative share of world supply", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, max(1.0, total)], nice=False)),
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
        subtitle=f"Cumulative share of world {measure_label} (0–100%), countries ranked by output, {year}{over}",
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


#: bars shown per view (the largest producers; the CSV has every country)
EXPLORER_TOP_N = 12


#: width of each panel (px): wider than the title and subtitle, which are anchored at the panels'
#: left edge and would otherwise run past the page's right edge once short country labels
#: (cobalt: Finland, Canada …) move that edge to the right
EXPLORER_PANEL_WIDTH = 560


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
        .transform_filter(chosen & (alt.datum.year == pick_year) & (alt.datum.rank <= EXPLORER_TOP_N))
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
        .properties(width=EXPLORER_PANEL_WIDTH, height=260)
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
        .properties(width=EXPLORER_PANEL_WIDTH, height=34)
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
        .properties(width=EXPLORER_PANEL_WIDTH, height=180, title=alt.TitleParams("Over the years (same mineral and stage)", fontSize=12))
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
