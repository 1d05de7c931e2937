"""The supply-risk heat map's fixed bands: one scale for every mineral, anchored at the EU threshold of 1."""

from __future__ import annotations

from analysis.charts.risk import RISK_BANDS, risk_band


def test_bands_are_fixed_and_the_eu_threshold_starts_a_band():
    assert risk_band(0.99) == "0.5–1" and risk_band(1.0) == "1–2"
    assert risk_band(0.0) == RISK_BANDS[0][0] and risk_band(12.0) == RISK_BANDS[-1][0]
    assert [risk_band(v) for v in (0.4, 0.7, 1.5, 3.0, 5.0)] == [b for b, _ in RISK_BANDS]
