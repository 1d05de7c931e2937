"""Charts of governance-weighted supply risk (EU CRM method) and its sensitivity: one mineral's
grid (the profile) and the priority minerals side by side (the country report)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.theme import COLOURS, publish
from analysis.text import count_noun, join_names

#: Fixed supply-risk bands (EU CRM scale; 1 = the EU threshold), lightest to darkest; each band includes its lower edge.
#: ColorBrewer RdPu: no band can be read as China's vermillion or India's orange (analysis.charts.theme.COLOURS).
RISK_BANDS: list[tuple[str, str]] = [
    ("under 0.5", "#feebe2"),
    ("0.5–1", "#fbb4b9"),
    ("1–2", "#f768a1"),
    ("2–4", "#c51b8a"),
    ("4 or more", "#7a0177"),
]


#: Second series colour beside China's (slate): suppliers other than China.
SLATE = COLOURS["named_other"]
#: cells at or above the EU supply-risk threshold: a dark red no entity uses
ABOVE_THRESHOLD = "#67000D"


def risk_band(value: float) -> str:
    """The fixed band of a supply-risk value (see :data:`RISK_BANDS`)."""
    edges = (0.5, 1.0, 2.0, 4.0)
    return RISK_BANDS[sum(value >= e for e in edges)][0]


def risk_sensitivity_chart(grid: pd.DataFrame, *, mineral: str, year: int, basis: str, source: str) -> alt.VConcatChart:
    """Heat map of supply risk (upper bound) over end-of-life recycling input rate × substitution index.

    ``grid`` columns (from :func:`analysis.indicators.risk.supply_risk_sensitivity`): ``eol_rir``,
    ``substitution_index``, ``sr_lower``, ``sr_upper``, ``critical_upper``. The EU flags SR ≥ 1
    (with economic importance ≥ 2.8) as critical.
    """
    data = grid.assign(
        recycling=grid["eol_rir"].map(lambda v: f"{v:.0%}"),
        substitution=grid["substitution_index"].map(lambda v: f"{v:.1f}"),
        threshold=grid["critical_upper"].map({True: "SR ≥ 1", False: "SR < 1"}),
        band=grid["sr_upper"].map(risk_band),
    )
    recycling_order = [f"{v:.0%}" for v in sorted(grid["eol_rir"].unique())]
    substitution_order = [f"{v:.1f}" for v in sorted(grid["substitution_index"].unique(), reverse=True)]
    base = alt.Chart(data).encode(
        x=alt.X("recycling:N", sort=recycling_order, title="End-of-life recycling input rate (EoL-RIR, 0–100%)",
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("substitution:N", sort=substitution_order, title="Substitution index (SI, 1 = no substitute)"),
        tooltip=[
            alt.Tooltip("recycling:N", title="EoL-RIR"),
            alt.Tooltip("substitution:N", title="SI"),
            alt.Tooltip("sr_lower:Q", title="Supply risk, lower bound", format=".1f"),
            alt.Tooltip("sr_upper:Q", title="Supply risk, upper bound", format=".1f"),
            alt.Tooltip("threshold:N", title="EU threshold"),
        ],
    )
    # One fixed scale for every mineral, anchored at the EU threshold of 1: the same colour means the
    # same risk in every report, and cells at or above the threshold carry a dark outline.
    cells = base.mark_rect().encode(
        color=alt.Color("band:N", title="Supply risk (EU threshold: 1)", sort=[b for b, _ in RISK_BANDS],
                        scale=alt.Scale(domain=[b for b, _ in RISK_BANDS], range=[c for _, c in RISK_BANDS]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", labelFontSize=11, titleFontSize=11)),
    )
    outline = base.transform_filter("datum.sr_upper >= 1").mark_rect(fill=None, stroke="#222222", strokeWidth=1.5)
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("sr_upper:Q", format=".1f"),
        color=alt.condition("datum.sr_upper >= 2", alt.value("white"), alt.value("#222222")),
    )
    worst = grid.loc[(grid["eol_rir"] == grid["eol_rir"].min()) & (grid["substitution_index"] == grid["substitution_index"].max()), "sr_upper"]
    return publish(
        (cells + outline + text).properties(width=360, height=220),
        title=f"{mineral}: supply risk if recycling or substitution improved, {year}",
        subtitle=f"EU CRM supply risk (dimensionless), {year}; outlined: at or above the EU threshold of 1",
        source=f"{source}; governance: {basis}",
        description=(
            f"Heat map of the EU-method supply risk of {mineral.lower()} for end-of-life recycling input rates and "
            f"substitution indices; the worst case (no recycling, no substitute) is {float(worst.iloc[0]):.1f}."
        ),
        csv_name=f"{mineral}-supply-risk-sensitivity-{year}",
    )


def supply_risk_chart(risk: pd.DataFrame, *, year: int, source: str) -> alt.VConcatChart:
    """Bars of worst-case supply risk (upper bound) per mineral, with the EU threshold of 1.

    ``risk`` columns: ``label`` (mineral and series), ``sr_lower``, ``sr_upper`` (0–10 scale),
    ``sr_text``, ``top_country``, ``top_share`` (0–1), ``top_governance`` (0–10).
    """
    data = risk.assign(leader=risk["top_country"].where(risk["top_country"] == "China", "Another country"))
    order = data["label"].tolist()
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=order, title=None),
        tooltip=[
            alt.Tooltip("label:N", title="Mineral (series)"),
            alt.Tooltip("sr_lower:Q", title="Supply risk, lower bound", format=".1f"),
            alt.Tooltip("sr_upper:Q", title="Supply risk, upper bound", format=".1f"),
            alt.Tooltip("top_country:N", title="Largest supplier"),
            alt.Tooltip("top_share:Q", title="Its share of world supply", format=".1%"),
            alt.Tooltip("top_governance:Q", title="Its governance score (0–10, higher = less stable)", format=".1f"),
        ],
    )
    bars = base.mark_bar().encode(
        # whole-number labels need whole-number ticks: a 0–8 domain ticks every 0.5 and ".0f" printed "0 1 1 2 2 …"
        x=alt.X("sr_upper:Q", title="Supply risk, EU CRM method (0–10 scale, dimensionless)",
                axis=alt.Axis(format=".0f", tickMinStep=1)),
        color=alt.Color("leader:N", title="Largest supplier", scale=alt.Scale(domain=["China", "Another country"],
                                                                              range=[COLOURS["china"], SLATE])),
    )
    # Labels start right of the threshold line where a bar ends before it, so the line never crosses them.
    labels = base.mark_text(align="left", dx=4, color="#333333").encode(x="label_x:Q", text="sr_text:N").transform_calculate(
        label_x="max(datum.sr_upper, 1)"
    )
    threshold = (
        alt.Chart(pd.DataFrame({"x": [1.0], "label": ["EU threshold: SR ≥ 1"]}))
        .mark_rule(strokeDash=[4, 3], color="#333333")
        .encode(x="x:Q", tooltip=[alt.Tooltip("label:N", title="Threshold")])
    )
    top = data.iloc[0]
    return publish(
        (bars + labels + threshold).properties(width=480, height=26 * len(data)),
        title=f"Supply risk of {count_noun(len(data), 'priority mineral')}, {year}",
        subtitle=f"EU CRM supply risk (0–10 scale), worst case: no recycling, no substitute; world supply {year}",
        source=source,
        description=(
            f"Bar chart of the worst-case EU-method supply risk of {len(data)} minerals from world supply in {year}; "
            f"{top['mineral'].lower()} is highest at {top['sr_text']}; dashed line at the EU threshold of 1."
        ),
        csv_name=f"supply-risk-{year}",
    )


def sensitivity_grid_chart(sensitivity: pd.DataFrame, order: list[str], *, year: int, source: str) -> alt.VConcatChart:
    """Small multiples, one per mineral: supply risk over EoL-RIR × SI, cells at or above 1 marked.

    ``sensitivity`` columns (``supply_risk_sensitivity`` with ``mineral``): ``mineral``,
    ``eol_rir``, ``substitution_index``, ``sr_lower``, ``sr_upper``, ``critical_upper``.
    """
    data = sensitivity.assign(
        recycling=(100 * sensitivity["eol_rir"]).round().astype(int),
        threshold=sensitivity["critical_upper"].map({True: "SR ≥ 1 (EU threshold)", False: "SR < 1"}),
    )
    data = data[["mineral", "eol_rir", "recycling", "substitution_index", "sr_lower", "sr_upper", "threshold"]]
    base = alt.Chart().encode(
        x=alt.X("recycling:O", title="EoL-RIR (%)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("substitution_index:O", title="SI", sort="descending", axis=alt.Axis(format=".1f")),
        tooltip=[
            alt.Tooltip("mineral:N", title="Mineral"),
            alt.Tooltip("eol_rir:Q", title="EoL recycling input rate", format=".0%"),
            alt.Tooltip("substitution_index:Q", title="Substitution index", format=".1f"),
            alt.Tooltip("sr_lower:Q", title="Supply risk, lower bound", format=".1f"),
            alt.Tooltip("sr_upper:Q", title="Supply risk, upper bound", format=".1f"),
            alt.Tooltip("threshold:N", title="EU threshold"),
        ],
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("threshold:N", title=None, scale=alt.Scale(domain=["SR ≥ 1 (EU threshold)", "SR < 1"],
                                                                   range=[ABOVE_THRESHOLD, "#D9E6F2"]))
    )
    text = base.mark_text(fontSize=9).encode(
        text=alt.Text("sr_upper:Q", format=".1f"),
        color=alt.condition("datum.sr_upper >= 1", alt.value("white"), alt.value("#222222")),
    )
    chart = alt.layer(cells, text, data=data).properties(width=132, height=108).facet(
        facet=alt.Facet("mineral:N", sort=order, header=alt.Header(title=None, labelFontSize=11, labelFontWeight=600)),
        columns=4,
    )
    always = [m for m in order if data.loc[data["mineral"] == m, "sr_lower"].min() >= 1]
    return publish(
        chart,
        title=f"How supply risk moves with recycling and substitution, {year}",
        subtitle=(f"EU CRM supply risk (0–10 scale, upper bound) by end-of-life recycling input rate (EoL-RIR, 0–50%) "
                  f"and substitution index (SI, 1 = no substitute), {year}"),
        source=source,
        description=(
            f"Heat maps, one per mineral, of supply risk over a grid of recycling rates and substitution indices; "
            f"cells at or above the EU threshold of 1 are dark. Above it across the whole grid: {join_names(always) or 'none'}."
        ),
        csv_name=f"supply-risk-sensitivity-{year}",
    )
