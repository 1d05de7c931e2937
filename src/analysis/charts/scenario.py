"""Charts of a supplier-cut scenario: share of world supply still missing per case, partner cover, output before and after,
importers' exposure.

Each function takes a frame of :class:`analysis.reports.disruption.DisruptionScenario` (built by
:mod:`analysis.indicators.scenarios`) and returns a chart passed through
:func:`analysis.charts.theme.publish`. Colours as elsewhere: China (or the cut supplier)
vermillion, India orange, the Quad bluish green, MSP partners sky blue.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.theme import COLOURS, PALETTE, TONNE_FORMAT, publish
from analysis.text import fmt_share, fmt_tonnes, join_names

SLATE = "#5B7083"
#: the "after the scenario" bars: a colour no entity and no other series of the report has
#: the present-output bars of the before/after chart (grey means imports from China in the same report)
BEFORE = "#DDCC77"
AFTER = "#332288"
WIDE_LEGEND = alt.Legend(labelLimit=0)


#: Colour of each kind of case in the shortfall chart: colours no entity has, because the charts
#: beside it give China's vermillion to the lost output and the partners' green to their new
#: output (one colour, one meaning per report).
CASE_COLOURS = {"No new supply": "#000000", "Partners expand": "#882255", "IEA projection": PALETTE[4]}


def shortfall_cases_chart(
    cases: pd.DataFrame, *, cut: float, mineral: str, supplier: str, stage: str, unit_note: str, year: int, source: str
) -> alt.VConcatChart:
    """Share of world supply still missing after the cut: with no new supply, after each partner
    group's expansion, and after the IEA's projected new output elsewhere; each bar labelled with
    its share and tonnes (cases whose bars nearly coincide stay readable by their labels).

    ``cases`` columns: ``case`` (label), ``share`` (0–1 of world supply), ``tonnes``, ``kind``
    (No new supply | Partners expand | IEA projection).
    """
    data = cases[["case", "share", "tonnes", "kind"]].copy()
    data["label"] = [f"{fmt_share(v)} ({fmt_tonnes(t)})" for v, t in zip(data["share"], data["tonnes"])]
    order = data["case"].tolist()
    kinds = [k for k in CASE_COLOURS if k in set(data["kind"])]
    top = float(data["share"].max())
    base = alt.Chart(data).encode(
        y=alt.Y("case:N", sort=order, title=None, axis=alt.Axis(labelLimit=260, labelFontSize=11)),
        x=alt.X("share:Q", title="Share of world supply missing (%)", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, max(top * 1.35, 0.05)])),
        tooltip=[
            alt.Tooltip("case:N", title="Case"),
            alt.Tooltip("share:Q", title="World supply missing", format=".1%"),
            alt.Tooltip("tonnes:Q", title="Tonnes missing", format=",.0f"),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color("kind:N", title=None, sort=kinds, scale=alt.Scale(domain=kinds, range=[CASE_COLOURS[k] for k in kinds]),
                        legend=None)
    )
    labels = base.mark_text(align="left", dx=4, color="#333333", fontSize=11).encode(text="label:N")
    first = data.iloc[0]
    return publish(
        (bars + labels).properties(width=320, height=alt.Step(26)),
        title=f"{mineral}: how much of the world would still go short, {year}",
        subtitle=f"Share of world {stage} missing after a {fmt_share(cut)} cut by {supplier}, {year} (%; tonnes in brackets)",
        source=source,
        description=(
            f"Bar chart of the share of world {mineral.lower()} {stage} ({unit_note}) still missing after a {fmt_share(cut)} cut by {supplier}: "
            + "; ".join(f"{r.case} {fmt_share(r.share)}" for r in data.itertuples())
            + f". Without new supply, {fmt_share(float(first['share']))} is missing."
        ),
        csv_name=f"{mineral}-{supplier}-{stage}-shortfall-{year}",
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
            x=alt.X("tonnes:Q", title=f"Tonnes of {unit_note}", axis=alt.Axis(format=TONNE_FORMAT),
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
        subtitle=f"Tonnes of {unit_note}, {year} {measure_label}; dashed line: tonnes lost",
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
            x=alt.X("tonnes:Q", title=f"Tonnes of {unit_note}", axis=alt.Axis(format=TONNE_FORMAT)),
            color=alt.Color("state:N", title=None, sort=[before, after], scale=alt.Scale(domain=[before, after],
                                                                                         range=[BEFORE, AFTER]), legend=WIDE_LEGEND),
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
        subtitle=(f"Tonnes of {unit_note}, {year} {measure_label}; after: {supplier} −{fmt_share(cut)}, "
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
