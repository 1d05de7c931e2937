"""The cumulative-share chart when named producers exceed USGS's rounded world total."""

from __future__ import annotations

import json

import pandas as pd


def test_cumulative_share_over_the_rounded_world_total_is_drawn_and_explained():
    """Issue 13: rare earths' named producers add up to 100.7% of USGS's rounded world total; the
    chart must neither clip that nor leave it unexplained."""
    from analysis.charts.supply import cumulative_share_chart

    shares = pd.DataFrame({"rank": [1, 2, 3], "country": ["A", "B", "C"], "share": [0.7, 0.2, 0.107],
                           "cumulative_share": [0.7, 0.9, 1.007]})
    spec = cumulative_share_chart(shares, mineral="Rare earths", measure_label="mine production", year=2024,
                                  countries_to_80=2, source="Source: test").to_dict()
    text = json.dumps(spec)
    assert "add up to 100.7% of it" in text
    assert "domain" in text and "1.007" in text
    under = cumulative_share_chart(shares.assign(cumulative_share=[0.7, 0.9, 0.99]), mineral="X", measure_label="m",
                                   year=2024, countries_to_80=2, source="Source: test").to_dict()
    assert "rounds its world total" not in json.dumps(under)
