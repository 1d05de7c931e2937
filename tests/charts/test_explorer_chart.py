"""The explorer's trend panel, drawn by Vega itself (vl-convert): a share USGS does not list
(NaN: the country is absent from the table) is not drawn as a 0 % point."""

from __future__ import annotations

import re

import pandas as pd
import vl_convert

from analysis.charts.supply import explorer_chart


def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    # Synthetic (test only): one mineral, two years; Japan unlisted in both, India in one.
    shares = pd.DataFrame({"mineral": ["Testium"] * 2, "stage": ["mining"] * 2, "year": [2023, 2024],
                           "country": ["China", "China"], "share": [0.6, 0.7], "rank": [1, 1]})
    summary = pd.DataFrame({
        "mineral": ["Testium"] * 2, "stage": ["mining"] * 2, "year": [2023, 2024],
        "leader": ["China"] * 2, "leader_share": [0.6, 0.7], "top3_share": [0.8, 0.9],
        "china_share": [0.6, 0.7], "india_share": [0.05, float("nan")], "japan_share": [float("nan")] * 2,
        "hhi_lower": [4000.0, 5000.0], "hhi_upper": [4100.0, 5100.0], "line": ["a", "b"], "partners": ["c", "d"],
    })
    return shares, summary


def _trend_points(svg: str, who: str) -> int:
    return len(re.findall(rf'aria-label="[^"]*Share of: {who};[^"]*" role="graphics-symbol" aria-roledescription="point"', svg))


def test_unlisted_shares_are_not_drawn_as_zero():
    shares, summary = _tables()
    chart = explorer_chart(shares, summary, mineral="Testium", stage="mining", year=2024, source="test data")
    svg = vl_convert.vegalite_to_svg(chart.to_json())
    assert _trend_points(svg, "China") == 2
    assert _trend_points(svg, "India") == 1
    assert _trend_points(svg, "Japan") == 0
