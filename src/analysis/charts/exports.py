"""Charts of export-side concentration (who ships a processed product) and of bloc shares."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.supply import grouped_share_bars
from analysis.charts.theme import COLOURS, publish
from analysis.text import fmt_share
from analysis.vocabulary import FOCUS

def exporters_bar(shares: pd.DataFrame, *, product: str, hs_code: str, year: int, source: str, n: int = 10) -> alt.VConcatChart:
    """The ``n`` largest exporters of one product by value, with their share of reported exports.

    ``shares`` columns (``ExportConcentration.shares``): ``exporter_iso3``, ``exporter``,
    ``value`` (USD), ``share`` (0–1 of reported exports), ``rank``.
    """
    data = shares.head(n).assign(
        role=lambda d: d["exporter_iso3"].map(FOCUS).fillna("Other exporters"),
        value_musd=lambda d: d["value"] / 1e6,
        label=lambda d: d["share"].map(fmt_share),
    )
    present = [r for r in ["China", "India", "Japan", "Other exporters"] if r in set(data["role"])]
    palette = {"China": COLOURS["china"], "India": COLOURS["india"], "Japan": COLOURS["japan"], "Other exporters": "#5B7083"}
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("exporter:N", sort=data["exporter"].tolist(), title=None),
            x=alt.X("value_musd:Q", title="Exports, million US dollars (FOB, current)", axis=alt.Axis(format=",.0f")),
            color=alt.Color("role:N", title=None, scale=alt.Scale(domain=present, range=[palette[r] for r in present])),
            tooltip=[
                alt.Tooltip("exporter:N", title="Exporter"),
                alt.Tooltip("value:Q", title="Exports (USD)", format=",.0f"),
                alt.Tooltip("share:Q", title="Share of reported exports", format=".1%"),
                alt.Tooltip("rank:Q", title="Rank"),
            ],
        )
        .properties(width=500, height=max(160, 24 * len(data)))
    )
    labels = bars.mark_text(align="left", dx=4).encode(text=alt.Text("label:N"), color=alt.value("#333333"))
    leader = data.iloc[0]
    return publish(
        bars + labels,
        title=f"Who exports {product.lower()} (HS {hs_code}), {year}",
        subtitle=f"Exports by value, million US dollars, {year}; labels give the share of exports reported to UN Comtrade",
        source=source,
        description=(
            f"Bar chart of the {len(data)} largest exporters of {product.lower()} (HS {hs_code}) in {year}; "
            f"{leader['exporter']} ships {leader['share']:.0%} of reported exports."
        ),
        csv_name=f"exporters-{hs_code}-{year}",
    )


def bloc_share_chart(blocs: pd.DataFrame, *, mineral: str, year: int, source: str) -> alt.VConcatChart:
    """Grouped bars: share of world production and reserves held by each bloc, with China's for reference.

    ``blocs`` columns (``analysis.indicators.partners.bloc_shares``): ``bloc``, ``measure_label``,
    ``bloc_share``, ``bloc_value_t``, ``china_share``.
    """
    china = blocs.drop_duplicates("measure_label").assign(bloc="China", bloc_share=lambda d: d["china_share"])
    data = pd.concat([blocs, china], ignore_index=True)
    data = pd.DataFrame({"bloc": data["bloc"], "measure": data["measure_label"], "share": data["bloc_share"],
                         "label": data["bloc_share"].map(fmt_share)})
    order = [b for b in ["MSP", "Quad", "India–Japan", "China"] if b in set(data["bloc"])]
    chart = grouped_share_bars(
        data,
        category="bloc",
        order=order,
        tooltip=[
            alt.Tooltip("bloc:N", title="Bloc"),
            alt.Tooltip("measure:N", title="Measure"),
            alt.Tooltip("label:N", title="Share of world"),
        ],
    )
    return publish(
        chart.properties(width=500, height=220),
        title=f"{mineral}: what partner blocs hold, {year}",
        subtitle=f"Share of world production and reserves (0–100%), members as of end {year + 1}, {year}",
        source=source,
        description=(
            f"Grouped bar chart of the shares of world {mineral.lower()} production and reserves held by MSP partners, "
            f"Quad members and India and Japan together, with China's share for comparison, {year}."
        ),
        csv_name=f"{mineral}-{year}-bloc-shares",
    )
