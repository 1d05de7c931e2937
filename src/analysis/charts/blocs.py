"""Charts of what the partner blocs hold: China's, India–Japan's, the Quad's and MSP partners' share
of world production and reserves (one mineral in the profile, the priority minerals in the country
report). Frames from :func:`analysis.indicators.partners.bloc_shares`; each chart is passed through
:func:`analysis.charts.theme.publish`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.supply import grouped_share_bars
from analysis.charts.theme import ENTITY_COLOURS, publish
from analysis.text import fmt_share

BLOC_COLOURS = {b: ENTITY_COLOURS[b] for b in ("China", "India–Japan", "Quad", "MSP")}


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


def bloc_supply_chart(blocs: pd.DataFrame, *, year: int, source: str, production_note: str = "") -> alt.VConcatChart:
    """Grouped bars per mineral: China's, India–Japan's, the Quad's and MSP partners' share of world
    production and of world reserves.

    ``blocs`` columns: ``bloc``, ``members``, ``mineral``, ``measure_label``, ``kind``
    (Production | Reserves), ``bloc_share`` (0–1), ``bloc_value_t``, ``world_total_t`` (t).
    ``production_note`` says which production series the minerals use ("mine output; gallium: refinery").
    """
    order = [b for b in BLOC_COLOURS if b in set(blocs["bloc"])]
    minerals = list(dict.fromkeys(blocs["mineral"]))
    data = blocs[["bloc", "members", "mineral", "measure_label", "kind", "bloc_share", "bloc_value_t", "world_total_t"]]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("mineral:N", sort=minerals, title=None),
            yOffset=alt.YOffset("bloc:N", sort=order),
            x=alt.X("bloc_share:Q", title="Share of world total (%)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("bloc:N", title=None, sort=order, scale=alt.Scale(domain=order, range=[BLOC_COLOURS[b] for b in order])),
            tooltip=[
                alt.Tooltip("mineral:N", title="Mineral"),
                alt.Tooltip("measure_label:N", title="Series"),
                alt.Tooltip("bloc:N", title="Country or bloc"),
                alt.Tooltip("members:N", title="Members counted"),
                alt.Tooltip("bloc_share:Q", title="Share of world total", format=".1%"),
                alt.Tooltip("bloc_value_t:Q", title="Tonnes", format=",.0f"),
                alt.Tooltip("world_total_t:Q", title="World total (t)", format=",.0f"),
            ],
        )
        .properties(width=250, height=alt.Step(6))
        .facet(column=alt.Column("kind:N", title=None, sort=["Production", "Reserves"],
                                 header=alt.Header(labelFontSize=12, labelFontWeight=600)))
    )
    return publish(
        chart,
        title=f"What China and the partner blocs supply, {year}",
        subtitle=(f"Share of world production{f' ({production_note})' if production_note else ''} and of world reserves "
                  f"(0–100%), {year}; blocs overlap"),
        source=source,
        description=(
            f"Grouped bar charts of the shares of world production and reserves of {len(minerals)} minerals in {year} "
            f"held by China, India and Japan together, the Quad's members and MSP partners."
        ),
        csv_name=f"bloc-shares-{year}",
    )
