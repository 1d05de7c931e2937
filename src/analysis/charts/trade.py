"""Charts of imports and a country's dependence on China: import shares (China's share of India's
and Japan's imports per product, used by the profiles and the briefing), import values, monthly
flows around export controls. (Supply risk is charted in :mod:`analysis.charts.risk`, the partner
blocs' share of supply in :mod:`analysis.charts.blocs`.)

Each function takes a frame prepared by :mod:`analysis.reports.country_dependence` (whose
columns come from :mod:`analysis.indicators`) and returns a chart already passed through
:func:`analysis.charts.theme.publish`. China is vermillion everywhere, as in the other reports.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.theme import COLOURS, publish
from analysis.data.minerals import product_label
from analysis.text import fmt_share, fmt_usd, join_names, lower_first


def _header(label: str) -> str:
    """Facet header on two lines: "Natural graphite (HS 2504)" → "Natural graphite|HS 2504"."""
    return label.replace(" (HS ", "|HS ").rstrip(")") if " (HS " in label else label


_SPLIT_HEADER = alt.Header(labelExpr="split(datum.value, '|')", title=None, labelFontSize=11, labelFontWeight=600)


def china_share_chart(dependence: pd.DataFrame, *, country: str, source: str) -> alt.VConcatChart:
    """China's share of the country's imports per product and year, by value and by net weight.

    ``dependence`` columns: ``label`` (product and HS code), ``year``, ``value_usd``,
    ``china_value_usd``, ``china_share``, ``china_share_weight`` (0–1), ``share_change`` (0–1 points).
    """
    first, last = int(dependence["year"].min()), int(dependence["year"].max())
    frames = []
    for column, measure in (("china_share", "By value (US dollars)"), ("china_share_weight", "By net weight (kg)")):
        frames.append(dependence.assign(measure=measure, share=dependence[column]))
    data = pd.concat(frames, ignore_index=True)
    data = data.assign(product=data["label"].map(_header), change_pp=100 * data["share_change"].where(data["measure"].str.startswith("By value")))
    data = data[["product", "label", "year", "measure", "share", "value_usd", "china_value_usd", "change_pp"]]
    base = alt.Chart().encode(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("share:Q", title="China's share of imports (%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        # both lines are China's share, so both are China's colour; value and weight differ by dash
        color=alt.value(COLOURS["china"]),
        strokeDash=alt.StrokeDash("measure:N", title=None, scale=alt.Scale(domain=["By value (US dollars)", "By net weight (kg)"],
                                                                              range=[[1, 0], [5, 3]]),
                                  legend=alt.Legend(symbolStrokeColor=COLOURS["china"])),
    )
    tooltip = [
        alt.Tooltip("label:N", title="Product"),
        alt.Tooltip("year:O", title="Year"),
        alt.Tooltip("measure:N", title="Share"),
        alt.Tooltip("share:Q", title="China's share", format=".1%"),
        alt.Tooltip("change_pp:Q", title="Change in value share (percentage points)", format="+.1f"),
        alt.Tooltip("china_value_usd:Q", title="Imports from China (USD)", format=",.0f"),
        alt.Tooltip("value_usd:Q", title="Imports from the World (USD)", format=",.0f"),
    ]
    lines = base.mark_line().encode(tooltip=tooltip)
    points = base.mark_point(size=40).encode(tooltip=tooltip)
    chart = alt.layer(lines, points, data=data).properties(width=165, height=200).facet(
        column=alt.Column("product:N", header=_SPLIT_HEADER, sort=list(dict.fromkeys(data["product"])))
    )
    latest = dependence[dependence["year"] == last]
    summary = join_names([f"{lower_first(r.label)} {fmt_share(r.china_share)}" for r in latest.itertuples()])
    return publish(
        chart,
        title=f"{country}: China's share of imports, {first}–{last}",
        subtitle=f"Share of {country}'s imports coming from China (0–100%), by value (US dollars) and by net weight (kg), {first}–{last}",
        source=source,
        description=(
            f"Line charts, one per product, of China's share of {country}'s imports by value and by net weight, "
            f"{first}–{last}. In {last}, by value: {summary}."
        ),
        csv_name=f"{country}-china-share-of-imports-{first}-{last}",
    )


def import_value_chart(dependence: pd.DataFrame, *, country: str, source: str) -> alt.VConcatChart:
    """Stacked bars of import value from China and from the rest of the world, per product and year.

    ``dependence`` columns: ``label``, ``year``, ``value_usd``, ``china_value_usd``, ``rest_value_usd`` (USD).
    """
    first, last = int(dependence["year"].min()), int(dependence["year"].max())
    frames = []
    for column, part in (("china_value_usd", "From China"), ("rest_value_usd", "From the rest of the world")):
        frames.append(dependence.assign(part=part, value_musd=dependence[column] / 1e6, share=dependence[column] / dependence["value_usd"]))
    data = pd.concat(frames, ignore_index=True)
    data = data.assign(product=data["label"].map(_header), order=(data["part"] != "From China").astype(int),
                       total_musd=data["value_usd"] / 1e6)
    data = data[["product", "label", "year", "part", "order", "value_musd", "share", "total_musd"]]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("value_musd:Q", title="Imports (USD million)", axis=alt.Axis(format=",.0f")),
            color=alt.Color("part:N", title=None, scale=alt.Scale(domain=["From China", "From the rest of the world"],
                                                                   range=[COLOURS["china"], COLOURS["other"]])),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("label:N", title="Product"),
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("part:N", title="Origin"),
                alt.Tooltip("value_musd:Q", title="Imports (USD million)", format=",.1f"),
                alt.Tooltip("share:Q", title="Share of the year's imports", format=".1%"),
                alt.Tooltip("total_musd:Q", title="Imports from the World (USD million)", format=",.1f"),
            ],
        )
        .properties(width=165, height=200)
        .facet(column=alt.Column("product:N", header=_SPLIT_HEADER, sort=list(dict.fromkeys(data["product"]))))
        .resolve_scale(y="independent")
    )
    latest = dependence[dependence["year"] == last]
    summary = join_names([f"{lower_first(r.label)} {fmt_usd(r.value_usd)}" for r in latest.itertuples()])
    return publish(
        chart,
        title=f"{country}: imports from China and from the rest of the world, {first}–{last}",
        subtitle=f"Import value, USD million (CIF, current prices), {first}–{last}; each product has its own scale",
        source=source,
        description=(
            f"Stacked bar charts, one per product, of {country}'s imports from China and from the rest of the world, "
            f"{first}–{last}. Imports in {last}: {summary}."
        ),
        csv_name=f"{country}-imports-by-origin-{first}-{last}",
    )


def monthly_exports_chart(flows: pd.DataFrame, marks: pd.DataFrame, *, country: str, source: str) -> alt.VConcatChart:
    """China's reported monthly exports to the country, one panel per product, with event lines.

    ``flows`` columns: ``month``, ``label`` (product), ``value_kusd`` (USD thousand, NaN for
    months absent from the table: drawn as gaps), ``quantity_t``. ``marks`` columns: ``when``
    (event date), ``event``, ``label`` (the product panel the event concerns).
    """
    first, last = pd.Timestamp(flows["month"].min()), pd.Timestamp(flows["month"].max())
    lines = flows.assign(kind="flow", event="", month=flows["month"].dt.strftime("%Y-%m-%d"))
    events = marks.assign(kind="event", month=marks["when"].dt.strftime("%Y-%m-%d"), value_kusd=float("nan"), quantity_t=float("nan"))
    data = pd.concat([lines[["kind", "label", "month", "value_kusd", "quantity_t", "event"]],
                      events[["kind", "label", "month", "value_kusd", "quantity_t", "event"]]], ignore_index=True)
    order = list(dict.fromkeys(flows["label"]))
    x = alt.X("month:T", title=None, axis=alt.Axis(format="%Y", tickCount="year"),
              scale=alt.Scale(domain=[first.strftime("%Y-%m-%d"), last.strftime("%Y-%m-%d")]))
    flow_tooltip = [
        alt.Tooltip("label:N", title="Product"),
        alt.Tooltip("month:T", title="Month", format="%B %Y"),
        alt.Tooltip("value_kusd:Q", title="Exports (USD thousand, FOB)", format=",.0f"),
        alt.Tooltip("quantity_t:Q", title="Quantity (t)", format=",.1f"),
    ]
    line = alt.Chart().mark_line(color=COLOURS["china"], strokeWidth=1.5).encode(
        x=x, y=alt.Y("value_kusd:Q", title="USD thousand per month", axis=alt.Axis(format=",.0f", tickCount=4)),
        tooltip=flow_tooltip,
    ).transform_filter("datum.kind == 'flow'")
    points = alt.Chart().mark_point(color=COLOURS["china"], size=10, opacity=0.6).encode(
        x=x, y="value_kusd:Q", tooltip=flow_tooltip,
    ).transform_filter("datum.kind == 'flow' && isValid(datum.value_kusd)")
    rules = alt.Chart().mark_rule(color="#333333", strokeDash=[4, 3], strokeWidth=1.2).encode(
        x=x,
        tooltip=[alt.Tooltip("event:N", title="Event"), alt.Tooltip("month:T", title="Date", format="%d %B %Y"),
                 alt.Tooltip("label:N", title="Product")],
    ).transform_filter("datum.kind == 'event'")
    chart = (
        alt.layer(line, points, rules, data=data)
        .properties(width=520, height=110)
        .facet(row=alt.Row("label:N", sort=order, header=alt.Header(title=None, labelAngle=0, labelOrient="top",
                                                                       labelAnchor="start", labelFontSize=11,
                                                                       labelFontWeight=600, labelLimit=520)))
        .resolve_scale(y="independent")
    )
    events_text = join_names(sorted({f"{e} ({w:%d %B %Y})" for e, w in zip(marks["event"], marks["when"])}))
    return publish(
        chart,
        title=f"China's reported exports to {country}, {first:%Y}–{last:%Y}",
        subtitle=(
            f"USD thousand per month (FOB, current prices), {first:%B %Y}–{last:%B %Y}; dashed lines: export-control "
            "events; gaps: months absent from the table"
        ),
        source=source,
        description=(
            f"Monthly line charts of China's reported exports to {country}, one panel per product "
            f"({join_names(order)}), {first:%B %Y} to {last:%B %Y}, with dashed lines at: {events_text or 'no event in range'}."
        ),
        csv_name=f"china-exports-to-{country}-monthly",
    )


#: the products' point shapes in :func:`china_import_share_chart`, and its legend: markers as drawn (filled, China's colour)
PRODUCT_SHAPES = ["circle", "square", "triangle-up"]
_PRODUCT_LEGEND = alt.Legend(labelLimit=360, columns=2, symbolFillColor=COLOURS["china"], symbolStrokeColor=COLOURS["china"])


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
        # every line is a share from China, so all are China's colour; the product is the line's dash and point
        color=alt.value(COLOURS["china"]),
        # one legend, of the point shapes: its markers are the ones drawn on the lines (filled, China's colour); the dash
        # repeats the product on the line between points. Two legends (dash and shape) widened the chart past the page.
        strokeDash=alt.StrokeDash("product:N", title=None, scale=alt.Scale(range=[[1, 0], [6, 3], [2, 2]]), legend=None),
        shape=alt.Shape("product:N", title=None, scale=alt.Scale(range=PRODUCT_SHAPES), legend=_PRODUCT_LEGEND),
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
