"""Charts of a supplier-cut scenario: shortfall over cuts, partner cover, output before and after,
importers' exposure.

Each function takes a frame of :class:`analysis.reports.disruption.DisruptionScenario` (built by
:mod:`analysis.indicators.scenarios`) and returns a chart passed through
:func:`analysis.charts.theme.publish`. Colours as elsewhere: China (or the cut supplier)
vermillion, India orange, the Quad bluish green, MSP partners sky blue.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.theme import COLOURS, PALETTE, publish
from analysis.text import fmt_share, fmt_tonnes, join_names

SLATE = "#5B7083"
#: Colour of each line of the shortfall curve, by the start of its label.
CURVE_COLOURS = {"No new supply": "#C4C4C4", "India and Japan": COLOURS["india"], "Quad members": COLOURS["partner"],
                 "MSP partners": PALETTE[4]}
CURVE_DASHES = {"No new supply": [1, 0], "India and Japan": [5, 2], "Quad members": [1, 0], "MSP partners": [6, 3]}
#: The no-new-supply line is drawn wide underneath, so a partner line that nearly coincides stays visible.
CURVE_WIDTHS = {"No new supply": 6.0}
WIDE_LEGEND = alt.Legend(labelLimit=0)


def _key(series: str) -> str:
    return next((k for k in CURVE_COLOURS if series.startswith(k)), series)


def _tonne_axis(max_value: float) -> str:
    return ",.0f"


def shortfall_curve_chart(
    curve: pd.DataFrame, *, cut: float, mineral: str, supplier: str, measure_label: str, year: int, source: str
) -> alt.VConcatChart:
    """World shortfall (share of world output) over the size of the cut, without new supply and
    after each partner group's expansion; the chosen cut marked.

    ``curve`` columns: ``cut`` (0–1), ``series`` (label), ``share`` (0–1 of world output),
    ``tonnes``, ``chosen`` (bool: the scenario's cut).
    """
    order = list(dict.fromkeys(curve["series"]))
    colours = [CURVE_COLOURS.get(_key(s), SLATE) for s in order]
    dashes = [CURVE_DASHES.get(_key(s), [1, 0]) for s in order]
    widths = [CURVE_WIDTHS.get(_key(s), 2.0) for s in order]
    data = curve[["cut", "series", "share", "tonnes", "chosen"]]
    tooltip = [
        alt.Tooltip("series:N", title="Case"),
        alt.Tooltip("cut:Q", title="Cut", format=".0%"),
        alt.Tooltip("share:Q", title="World output missing", format=".1%"),
        alt.Tooltip("tonnes:Q", title="Tonnes missing", format=",.0f"),
    ]
    base = alt.Chart(data).encode(
        x=alt.X("cut:Q", title=f"Cut in {supplier}'s output (%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("share:Q", title=f"World {measure_label} missing (%)", axis=alt.Axis(format="%")),
        color=alt.Color("series:N", title=None, sort=order, scale=alt.Scale(domain=order, range=colours),
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0)),
        strokeDash=alt.StrokeDash("series:N", sort=order, scale=alt.Scale(domain=order, range=dashes), legend=None),
    )
    # The no-new-supply line is a wide band drawn first, so a partner line that nearly coincides with it stays visible.
    wide = [s for s, w in zip(order, widths) if w > 2.0]
    band = base.mark_line(strokeWidth=max(widths)).encode(tooltip=tooltip).transform_filter(
        alt.FieldOneOfPredicate(field="series", oneOf=wide)
    )
    lines = base.mark_line().encode(tooltip=tooltip).transform_filter(
        alt.FieldOneOfPredicate(field="series", oneOf=[s for s in order if s not in wide])
    )
    points = base.mark_point(size=70, filled=True).encode(tooltip=tooltip).transform_filter("datum.chosen")
    rule = (
        alt.Chart(pd.DataFrame({"cut": [cut], "label": [f"This scenario: {fmt_share(cut)} cut"]}))
        .mark_rule(color="#333333", strokeDash=[2, 2])
        .encode(x="cut:Q", tooltip=[alt.Tooltip("label:N", title="Marked")])
    )
    chosen = data[data["chosen"] & (data["series"] == order[0])]
    return publish(
        (band + lines + points + rule).properties(width=520, height=260),
        title=f"{mineral}: how much of the world would go short, {year}",
        subtitle=(f"Share of world {measure_label} missing (0–100%) by size of {supplier}'s cut, {year} output; "
                  f"dotted line: this scenario's cut"),
        source=source,
        description=(
            f"Line chart of the share of world {mineral.lower()} {measure_label} missing as {supplier}'s output is cut from 0 to "
            f"100%, without new supply and after partner groups expand output; at the chosen {fmt_share(cut)} cut, "
            f"{fmt_share(float(chosen['share'].iloc[0]) if len(chosen) else float('nan'))} of world output is missing without new supply."
        ),
        csv_name=f"{mineral}-{supplier}-shortfall-by-cut-{year}",
    )


def cover_chart(
    cover: pd.DataFrame, *, mineral: str, supplier: str, measure_label: str, unit_note: str, year: int, cut: float,
    expansion: float, source: str,
) -> alt.VConcatChart:
    """Per partner group: present output (what could be redirected) and new output from the
    expansion, against the tonnes lost (dashed line).

    ``cover`` columns: ``label`` (group), ``members``, ``lost_t``, ``partner_output_t``,
    ``redirect_cover``, ``expansion_t``, ``expansion_cover`` (0–1), ``residual_shortfall_share``.
    """
    present = "Present output (could be redirected)"
    added = f"New output from a {fmt_share(expansion)} expansion"
    rows = []
    for row in cover.itertuples():
        rows.append({"group": row.label, "members": row.members, "part": present, "tonnes": row.partner_output_t,
                     "cover": row.redirect_cover})
        rows.append({"group": row.label, "members": row.members, "part": added, "tonnes": row.expansion_t,
                     "cover": row.expansion_cover})
    data = pd.DataFrame(rows)
    lost = float(cover["lost_t"].iloc[0])
    groups = cover["label"].tolist()
    top = max(lost, float(data["tonnes"].max()))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("group:N", sort=groups, title=None),
            yOffset=alt.YOffset("part:N", sort=[present, added]),
            x=alt.X("tonnes:Q", title=f"Tonnes ({unit_note})", axis=alt.Axis(format=_tonne_axis(top)),
                    scale=alt.Scale(domain=[0, top * 1.05])),
            color=alt.Color("part:N", title=None, sort=[present, added],
                            scale=alt.Scale(domain=[present, added], range=[SLATE, COLOURS["partner"]]), legend=WIDE_LEGEND),
            tooltip=[
                alt.Tooltip("group:N", title="Partners"),
                alt.Tooltip("members:N", title="Countries"),
                alt.Tooltip("part:N", title="Supply"),
                alt.Tooltip("tonnes:Q", title="Tonnes", format=",.0f"),
                alt.Tooltip("cover:Q", title="Share of the lost tonnes", format=".1%"),
            ],
        )
    )
    rule_data = pd.DataFrame({"tonnes": [lost], "label": [f"Lost: {fmt_tonnes(lost)}"]})
    rule = alt.Chart(rule_data).mark_rule(color=COLOURS["china"], strokeDash=[5, 3], strokeWidth=2).encode(
        x="tonnes:Q", tooltip=[alt.Tooltip("label:N", title=f"{supplier}'s cut")]
    )
    label = alt.Chart(rule_data).mark_text(align="right", dx=-4, dy=2, color=COLOURS["china"], baseline="top").encode(
        x="tonnes:Q", y=alt.value(0), text="label:N", tooltip=[alt.Tooltip("label:N", title=f"{supplier}'s cut")]
    )
    return publish(
        (bars + rule + label).properties(width=500, height=alt.Step(16)),
        title=f"{mineral}: what partners could put against a {fmt_share(cut)} cut by {supplier}, {year}",
        subtitle=f"Tonnes ({unit_note}) of {year} {measure_label}; dashed line: tonnes lost",
        source=source,
        description=(
            f"Grouped bar chart of the {year} {measure_label} of {join_names(groups)} and the new output from a "
            f"{fmt_share(expansion)} expansion, against the {fmt_tonnes(lost)} that a {fmt_share(cut)} cut by {supplier} removes."
        ),
        csv_name=f"{mineral}-{supplier}-partner-cover-{year}",
    )


def output_change_chart(
    output: pd.DataFrame, *, mineral: str, supplier: str, measure_label: str, unit_note: str, year: int, cut: float,
    expansion: float, bloc: str, source: str,
) -> alt.VConcatChart:
    """Output of the largest producers (and India, Japan) before and after the cut and the bloc's expansion.

    ``output`` columns: ``country``, ``role``, ``output_t``, ``after_t``, ``change_t`` (t).
    """
    before, after = f"{year} output", "After the scenario"
    frames = [output.assign(state=before, tonnes=output["output_t"]), output.assign(state=after, tonnes=output["after_t"])]
    data = pd.concat(frames, ignore_index=True)[["country", "role", "state", "tonnes", "output_t", "after_t", "change_t"]]
    order = output["country"].tolist()
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("country:N", sort=order, title=None),
            yOffset=alt.YOffset("state:N", sort=[before, after]),
            x=alt.X("tonnes:Q", title=f"Tonnes ({unit_note})", axis=alt.Axis(format=_tonne_axis(float(data["tonnes"].max())))),
            color=alt.Color("state:N", title=None, sort=[before, after], scale=alt.Scale(domain=[before, after],
                                                                                         range=[COLOURS["other"], SLATE]), legend=WIDE_LEGEND),
            tooltip=[
                alt.Tooltip("country:N", title="Country"),
                alt.Tooltip("role:N", title="Role"),
                alt.Tooltip("output_t:Q", title=f"{year} output (t)", format=",.0f"),
                alt.Tooltip("after_t:Q", title="After the scenario (t)", format=",.0f"),
                alt.Tooltip("change_t:Q", title="Change (t)", format="+,.0f"),
            ],
        )
        .properties(width=500, height=alt.Step(11))
    )
    return publish(
        chart,
        title=f"{mineral}: output by country before and after the scenario, {year}",
        subtitle=(f"Tonnes ({unit_note}) of {year} {measure_label}; after: {supplier} −{fmt_share(cut)}, "
                  f"{bloc} +{fmt_share(expansion)}"),
        source=source,
        description=(
            f"Grouped bar chart of {mineral.lower()} {measure_label} of the largest producers in {year}, before and after "
            f"a {fmt_share(cut)} cut by {supplier} and a {fmt_share(expansion)} expansion by {bloc}."
        ),
        csv_name=f"{mineral}-{supplier}-output-before-after-{year}",
    )


def exposure_chart(exposure: pd.DataFrame, *, supplier: str, cut: float, source: str) -> alt.VConcatChart:
    """India's and Japan's import share from the supplier and their exposure (share × cut).

    ``exposure`` columns: ``country``, ``product``, ``year``, ``import_share``, ``exposure`` (0–1).
    """
    share, lost = f"Imports from {supplier}", f"Lost with a {fmt_share(cut)} cut"
    frames = [exposure.assign(part=share, value=exposure["import_share"]), exposure.assign(part=lost, value=exposure["exposure"])]
    data = pd.concat(frames, ignore_index=True)[["country", "product", "year", "part", "value", "import_share", "exposure"]]
    data["label"] = data["value"].map(lambda v: fmt_share(v))
    base = alt.Chart(data).encode(
        y=alt.Y("country:N", title=None, sort=exposure["country"].tolist()),
        yOffset=alt.YOffset("part:N", sort=[share, lost]),
        x=alt.X("value:Q", title="Share of the country's imports of the product (%)", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=[
            alt.Tooltip("country:N", title="Importer"),
            alt.Tooltip("product:N", title="Product"),
            alt.Tooltip("year:O", title="Year"),
            alt.Tooltip("import_share:Q", title=f"Share of imports from {supplier}", format=".1%"),
            alt.Tooltip("exposure:Q", title="Share lost (import share × cut)", format=".1%"),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color("part:N", title=None, sort=[share, lost], scale=alt.Scale(domain=[share, lost], range=[COLOURS["other"], COLOURS["china"]]),
                        legend=WIDE_LEGEND)
    )
    labels = base.mark_text(align="left", dx=4, color="#333333").encode(text="label:N")
    years = sorted({int(y) for y in exposure["year"]})
    products = join_names(sorted({p[:1].lower() + p[1:] for p in exposure["product"]}))
    return publish(
        (bars + labels).properties(width=480, height=alt.Step(18)),
        title=f"India and Japan: imports lost if {supplier} cut supply by {fmt_share(cut)}",
        subtitle=f"Share of imports of {products} (0–100%, by value), {', '.join(map(str, years))}; no rerouting",
        source=source,
        description=(
            f"Bar chart of India's and Japan's shares of {products} imports from {supplier} and the share lost with a "
            f"{fmt_share(cut)} cut: " + join_names([f"{r.country} {fmt_share(r.exposure)}" for r in exposure.itertuples()]) + "."
        ),
        csv_name=f"exposure-{supplier}-{'-'.join(sorted(set(exposure['product'])))}",
    )
