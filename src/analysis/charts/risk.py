"""Charts of governance-weighted supply risk (EU CRM method) and its sensitivity."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.theme import publish


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
            alt.Tooltip("sr_lower:Q", title="Supply risk, lower bound", format=".2f"),
            alt.Tooltip("sr_upper:Q", title="Supply risk, upper bound", format=".2f"),
            alt.Tooltip("threshold:N", title="EU threshold"),
        ],
    )
    cells = base.mark_rect().encode(
        color=alt.Color("sr_upper:Q", title="Supply risk (upper bound)", scale=alt.Scale(scheme="oranges", domainMin=0),
                        legend=alt.Legend(format=".1f"))
    )
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("sr_upper:Q", format=".1f"),
        color=alt.condition(f"datum.sr_upper > {0.6 * float(grid['sr_upper'].max()):.6f}", alt.value("white"), alt.value("#222222")),
    )
    worst = grid.loc[(grid["eol_rir"] == grid["eol_rir"].min()) & (grid["substitution_index"] == grid["substitution_index"].max()), "sr_upper"]
    return publish(
        (cells + text).properties(width=360, height=220),
        title=f"{mineral}: supply risk if recycling or substitution improved, {year}",
        subtitle=f"EU CRM supply risk (dimensionless; ≥ 1 counts towards criticality), global-supply term, {year}",
        source=f"{source}; governance: {basis}",
        description=(
            f"Heat map of the EU-method supply risk of {mineral.lower()} for end-of-life recycling input rates and "
            f"substitution indices; the worst case (no recycling, no substitute) is {float(worst.iloc[0]):.1f}."
        ),
        csv_name=f"{mineral}-supply-risk-sensitivity-{year}",
    )
