"""Charts of export-side concentration: who ships a processed product."""

from __future__ import annotations

import altair as alt
import pandas as pd

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

