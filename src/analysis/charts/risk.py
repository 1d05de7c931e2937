"""Charts of governance-weighted supply risk (EU CRM method) and its sensitivity."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.theme import publish

#: Fixed supply-risk bands (EU CRM scale; 1 = the EU threshold), lightest to darkest; each band includes its lower edge.
#: ColorBrewer RdPu: no band can be read as China's vermillion or India's orange (analysis.charts.theme.COLOURS).
RISK_BANDS: list[tuple[str, str]] = [
    ("under 0.5", "#feebe2"),
    ("0.5–1", "#fbb4b9"),
    ("1–2", "#f768a1"),
    ("2–4", "#c51b8a"),
    ("4 or more", "#7a0177"),
]


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
