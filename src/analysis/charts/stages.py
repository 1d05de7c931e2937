"""Charts of stage-resolved supply: mining vs refining, the IEA outlook, the mirror estimate.

Inputs are the frames of :mod:`analysis.indicators.stages` and :mod:`analysis.indicators.mirror`;
every chart goes through :func:`analysis.charts.theme.publish`. Projections and estimates are
labelled in the chart itself (title, subtitle and a text mark), not only in the prose.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.theme import COLOURS, entity_range, publish
from analysis.data.iea import IEA_SOURCE_CHART
from analysis.text import fmt_share
from analysis.vocabulary import PARTNER_NAMES

#: The bars of the stage-shares chart: comparison column → who the share is of (not a USGS measure; see vocabulary.MEASURES).
SHARE_BARS = [("china_share", "China"), ("top3_share", "Top 3"), ("japan_share", "Japan"), ("india_share", "India")]
SHARE_BAR_COLOURS = entity_range([w for _, w in SHARE_BARS])
STAGE_LABELS = {"mining": "Mining", "refining": "Refining"}


def stage_shares_chart(comparison: pd.DataFrame, *, source: str = IEA_SOURCE_CHART) -> alt.VConcatChart:
    """Side-by-side shares at the mining and refining stage: China, top 3, Japan, India, per mineral.

    ``comparison``: :func:`analysis.indicators.stages.stage_comparison` (one year, one source).
    Countries the source does not list have no bar and a "not listed" tooltip entry — their
    output is unknown, not zero.
    """
    years = sorted(comparison["year"].unique())
    if len(years) != 1:
        raise ValueError(f"stage_shares_chart expects one year, got {years}")
    year = int(years[0])
    long = comparison.melt(
        id_vars=["mineral", "stage", "product", "hhi_lower", "hhi_upper"],
        value_vars=[m for m, _ in SHARE_BARS],
        var_name="measure",
        value_name="share",
    )
    long["who"] = long["measure"].map(dict(SHARE_BARS))
    long["stage_label"] = long["stage"].map(STAGE_LABELS)
    long["label"] = long["share"].map(lambda s: fmt_share(s) if pd.notna(s) else "not listed")
    long["label_at"] = long["share"].fillna(0.0)  # "not listed" is written at 0, where no bar is drawn
    long["hhi"] = long.apply(lambda r: f"{r['hhi_lower']:,.0f}–{r['hhi_upper']:,.0f}", axis=1)
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("who:N", sort=[w for _, w in SHARE_BARS], title=None),
            x=alt.X("share:Q", title="Share of world output", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("who:N", scale=alt.Scale(domain=[w for _, w in SHARE_BARS], range=SHARE_BAR_COLOURS), legend=None),
            tooltip=[
                alt.Tooltip("mineral:N", title="Mineral"),
                alt.Tooltip("stage_label:N", title="Stage"),
                alt.Tooltip("product:N", title="Product"),
                alt.Tooltip("who:N", title="Share of"),
                alt.Tooltip("label:N", title="Share"),
                alt.Tooltip("hhi:N", title="HHI (0–10,000)"),
            ],
        )
        .properties(width=200, height=90)
    )
    text = bars.mark_text(align="left", dx=3, fontSize=10).encode(
        x="label_at:Q", text="label:N", color=alt.value("#333333")
    )
    chart = (bars + text).facet(
        row=alt.Row("mineral:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold")),
        column=alt.Column("stage_label:N", title=None, sort=["Mining", "Refining"]),
    )
    refining = comparison[comparison["stage"] == "refining"].set_index("mineral")["china_share"].dropna()
    top = refining.idxmax() if len(refining) else None
    return publish(
        chart,
        title=f"Mining vs refining: who holds each stage, {year}",
        subtitle=f"Share of world output (0–100%), {year}, observed; lithium refining = chemicals, graphite refining = battery grade",
        source=source,
        description=(
            f"Bar charts of China's, the top three countries', Japan's and India's shares of world mining and refining in {year} "
            f"for {', '.join(comparison['mineral'].unique())}."
            + (f" China's largest refining share is in {top.lower()} ({fmt_share(refining[top])})." if top else "")
            + " Countries the source does not list are marked not listed (unknown, not zero)."
        ),
        csv_name=f"mining-vs-refining-{year}",
    )


def stage_outlook_chart(outlook: pd.DataFrame, *, stage: str = "refining", source: str = IEA_SOURCE_CHART) -> alt.VConcatChart:
    """China's and partner blocs' shares over 2023 → 2030 → 2035 at one stage, projections marked.

    ``outlook``: :func:`analysis.indicators.stages.stage_outlook`. Observed points are filled,
    projected points hollow on a dashed segment, and the projection years carry the text
    "IEA base-case projection".
    """
    data = outlook[outlook["stage"] == stage].dropna(subset=["share"]).copy()
    if data.empty:
        raise ValueError(f"no {stage} rows with a share in the outlook")
    groups = list(dict.fromkeys(data["group"]))
    colour = alt.Color("group:N", scale=alt.Scale(domain=groups, range=entity_range(groups)), legend=alt.Legend(title=None))
    data["share_label"] = data["share"].map(fmt_share)
    tooltip = [
        alt.Tooltip("mineral:N", title="Mineral"),
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("year:O", title="Year"),
        alt.Tooltip("share_label:N", title="Share of world"),
        alt.Tooltip("label:N", title="Basis"),
    ]
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("share:Q", title=f"Share of world {stage}", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=colour,
    )
    line = base.mark_line(strokeDash=[5, 3]).encode(detail="group:N")
    points = base.mark_point(size=55).encode(
        shape=alt.Shape("label:N", scale=alt.Scale(domain=["observed", "IEA base-case projection"], range=["circle", "diamond"]),
                        legend=alt.Legend(title=None)),
        tooltip=tooltip,
    )
    years = sorted(data.loc[data["basis"] == "projection", "year"].unique())
    band = (
        alt.Chart(pd.DataFrame({"year": years, "text": ["projection"] * len(years)}))
        .mark_text(dy=-4, fontSize=9, color="#777777", baseline="bottom")
        .encode(x="year:O", y=alt.value(0), text="text:N")
    )
    chart = (line + points + band).properties(width=170, height=150).facet(
        facet=alt.Facet("mineral:N", title=None), columns=3
    )
    first, last = int(data["year"].min()), int(data["year"].max())
    china = data[(data["group"] == "China") & (data["year"] == last)].set_index("mineral")["share"]
    return publish(
        chart,
        title=f"{STAGE_LABELS[stage]} outlook {first}–{last}: China and partner blocs (IEA base-case projection)",
        subtitle=f"Share of world {stage}; {first} observed, {', '.join(map(str, years))} projected; bloc shares are lower bounds",
        source=source,
        description=(
            f"Line charts per mineral of the shares of China and of {', '.join(g for g in groups if g != 'China')} in world {stage}, "
            f"{first} observed and {', '.join(map(str, years))} as IEA base-case projections."
            + " Bloc shares count only members the IEA names; where blocs have the same named members their lines coincide."
            + (f" In the projection for {last}, China's share is highest in {china.idxmax().lower()} ({fmt_share(china.max())})." if len(china) else "")
        ),
        csv_name=f"{stage}-outlook-{first}-{last}",
    )


def mirror_chart(mirror: pd.DataFrame, *, year: int, source: str) -> alt.VConcatChart:
    """China's estimated share of Japan's and India's imports (mirror estimate), matched products only.

    ``mirror``: :func:`analysis.indicators.mirror.mirror_shares`. Bars show the value-based
    estimate, ticks the weight-based one; unmatched products are listed in the subtitle, not drawn.
    """
    rows = mirror[(mirror["year"] == int(year))].copy()
    matched = rows[rows["matched"]].copy()
    if matched.empty:
        raise ValueError(f"no matched mirror estimate for {year}")
    matched["importer"] = matched["importer_iso3"].map(PARTNER_NAMES).fillna(matched["importer_iso3"])
    matched["value_label"] = matched["mirror_share_value"].map(fmt_share)
    matched["weight_label"] = matched["mirror_share_weight"].map(lambda s: fmt_share(s) if pd.notna(s) else "n/a")
    matched["codes"] = matched["china_codes"].map(lambda c: "HS " + " + ".join(c))
    tooltip = [
        alt.Tooltip("importer:N", title="Importer"),
        alt.Tooltip("product:N", title="Product"),
        alt.Tooltip("codes:N", title="Matched codes"),
        alt.Tooltip("value_label:N", title="China's share by value"),
        alt.Tooltip("weight_label:N", title="China's share by weight"),
        alt.Tooltip("china_exports_usd:Q", title="China-reported exports (USD, FOB)", format=",.0f"),
        alt.Tooltip("importer_world_imports_usd:Q", title="Importer's World imports (USD, CIF)", format=",.0f"),
    ]
    y = alt.Y("product:N", title=None, sort=list(dict.fromkeys(matched["product"])))
    bars = alt.Chart(matched).mark_bar(color=COLOURS["china"], opacity=0.85).encode(
        y=y,
        x=alt.X("mirror_share_value:Q", title="China's estimated share of imports", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, max(1.0, float(matched[["mirror_share_value", "mirror_share_weight"]].max().max()))])),
        tooltip=tooltip,
    )
    ticks = alt.Chart(matched).mark_tick(color="#333333", thickness=2, size=18).encode(y=y, x="mirror_share_weight:Q", tooltip=tooltip)
    text = bars.mark_text(align="right", dx=-4, fontSize=10, color="white").encode(text="value_label:N")
    chart = (bars + ticks + text).properties(width=300, height=alt.Step(26)).facet(row=alt.Row("importer:N", title=None))
    unmatched = rows[~rows["matched"]]
    gaps: dict[str, list[str]] = {}
    for importer, product in zip(unmatched["importer_iso3"], unmatched["product"]):
        short = product.split(" (")[0].split(",")[0].split("/")[0].lower()
        if PARTNER_NAMES.get(importer, importer) not in gaps.setdefault(short, []):
            gaps[short].append(PARTNER_NAMES.get(importer, importer))
    missing = "; ".join(f"{product} ({', '.join(who)})" for product, who in gaps.items())
    return publish(
        chart,
        title=f"Estimate: China's share of Japan's and India's imports, {year} (mirror method)",
        subtitle=f"Estimate, not reported data: China's exports (FOB) ÷ World imports (CIF), same HS codes; bars value, ticks weight",
        source=source + (f". Not matched or no data, not shown: {missing}" if missing else ""),
        description=(
            f"Bar chart of mirror estimates for {year}: "
            + "; ".join(f"{r.importer} {r.product}: {r.value_label}" for r in matched.itertuples())
            + (f". Not matched or no data, so not shown: {missing}." if missing else ".")
        ),
        csv_name=f"mirror-estimate-{year}",
    )
