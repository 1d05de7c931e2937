"""The supply-risk bars' axis prints whole numbers only at whole-number ticks (#13: "0 1 1 2 2 3 3")."""

from __future__ import annotations

import pandas as pd

from analysis.charts.risk import supply_risk_chart
from tests.support.readertext import axis_tick_problems


def test_supply_risk_axis_ticks_at_whole_numbers():
    # SYNTHETIC scores (not data) spanning 0.8–7.3, the range of the 2024 country reports
    risk = pd.DataFrame({
        "label": ["Gallium (refinery)", "Lithium (mine)"], "mineral": ["Gallium", "Lithium"], "sr_lower": [7.25, 0.82],
        "sr_upper": [7.25, 0.82], "sr_text": ["7.3", "0.8"], "top_country": ["China", "Australia"],
        "top_share": [0.99, 0.37], "top_governance": [6.0, 1.0],
    })
    spec = supply_risk_chart(risk, year=2024, source="SYNTHETIC").to_dict()
    assert axis_tick_problems(spec) == []
    axes = [n["encoding"]["x"]["axis"] for n in spec.get("vconcat", [spec])[0].get("layer", []) if "axis" in n.get("encoding", {}).get("x", {})]
    assert axes and all(a.get("tickMinStep", 0) >= 1 or "." in a.get("format", "") and not a["format"].startswith(".0") for a in axes)
