"""Governance-weighted supply risk (EU CRM method): hand-computed cases, properties, raw-file checks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import ParameterError
from analysis.indicators.risk import (
    governance_from_stability,
    governance_from_wgi,
    hhi_wgi_bounds,
    import_reliance,
    supply_risk,
    supply_risk_sensitivity,
)

from tests.support.indicators import STABILITY, csv_dicts, mcs_value, stability_rank, synthetic_usgs


def scores(**values: float) -> pd.DataFrame:
    """SYNTHETIC governance scores (0–10, higher = worse)."""
    return pd.DataFrame({"iso3": list(values), "governance_score": list(values.values()), "basis": "synthetic"})


# ------------------------------------------------------------------ hand-computed


def test_hhi_wgi_by_hand_without_residual():
    lower, upper, contributions = hhi_wgi_bounds({"AAA": 0.6, "BBB": 0.4}, scores(AAA=5.0, BBB=2.0))
    assert lower == pytest.approx(0.36 * 5 + 0.16 * 2)  # 2.12
    assert upper == pytest.approx(lower)
    assert contributions.set_index("iso3").loc["AAA", "contribution"] == pytest.approx(1.8)


def test_residual_and_unscored_countries_widen_the_range():
    # A 0.5 (score 5), B 0.3 (score 2), C 0.1 unscored, residual 0.1
    lower, upper, _ = hhi_wgi_bounds({"AAA": 0.5, "BBB": 0.3, "CCC": 0.1}, scores(AAA=5.0, BBB=2.0))
    assert lower == pytest.approx(0.25 * 5 + 0.09 * 2)  # 1.43: C at 0, residual fragmented
    assert upper == pytest.approx(1.43 + 0.01 * 10 + 0.01 * 10)  # C at 10, residual one supplier at 10


def test_trade_factor_multiplies_a_country_term():
    lower, _, _ = hhi_wgi_bounds({"AAA": 0.6, "BBB": 0.4}, scores(AAA=5.0, BBB=2.0), trade_factors={"AAA": 1.2})
    assert lower == pytest.approx(0.36 * 5 * 1.2 + 0.16 * 2)


def test_governance_rescalings():
    stability = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC"], "percentile_rank": [80.0, 0.0, np.nan], "year": 2023})
    scored = governance_from_stability(stability).set_index("iso3")["governance_score"]
    assert scored.to_dict() == pytest.approx({"AAA": 2.0, "BBB": 10.0})
    dims = ["VA.EST", "PV.EST", "GE.EST", "RQ.EST", "RL.EST", "CC.EST"]
    wgi = pd.DataFrame(
        {"iso3": ["AAA"] * 6 + ["BBB"] * 5, "indicator_code": dims + dims[:5], "year": 2018, "value": [0.5] * 6 + [1.0] * 5}
    )
    six = governance_from_wgi(wgi, 2018).set_index("iso3")
    assert six.loc["AAA", "governance_score"] == pytest.approx((2.5 - 0.5) * 2)  # 4.0
    assert "BBB" not in six.index  # needs all six dimensions


def test_import_reliance_by_hand():
    assert import_reliance(0.0, 10.0, 0.0) == 1.0
    assert import_reliance(10.0, 10.0, 0.0) == pytest.approx(0.5)
    assert import_reliance(10.0, 5.0, 8.0) == 0.0  # net exporter
    assert math.isnan(import_reliance(0.0, 5.0, 5.0))  # no apparent consumption
    assert list(import_reliance(np.array([0.0, 30.0]), np.array([10.0, 10.0]), np.array([0.0, 0.0]))) == pytest.approx([1.0, 0.25])
    with pytest.raises(ParameterError, match="imports_t must be finite tonnes ≥ 0"):
        import_reliance(1.0, -1.0, 0.0)


def test_supply_risk_global_term_and_full_formula_by_hand():
    # SYNTHETIC: world 100 t = A 60 + B 40; scores A 5, B 2 → HHI_WGI,GS = 2.12
    usgs = synthetic_usgs({"AAA": 60, "BBB": 40}, world=100)
    governance = scores(AAA=5.0, BBB=2.0)
    worst = supply_risk(usgs, governance, "Testium")
    assert worst.sr_lower == pytest.approx(2.12) and worst.sr_upper == pytest.approx(2.12)
    assert any("worst case" in n for n in worst.notes)
    assumed = supply_risk(usgs, governance, "Testium", eol_rir=0.2, substitution_index=0.9)
    assert assumed.sr_lower == pytest.approx(2.12 * 0.8 * 0.9)
    # full formula: IR 0.5; sourcing all from B (score 2) → HHI_WGI,EUS = 1 × 2 = 2
    full = supply_risk(usgs, governance, "Testium", import_reliance=0.5, sourcing_shares={"BBB": 1.0}, eol_rir=0.2, substitution_index=0.9)
    assert full.sr_lower == pytest.approx((2.12 * 0.25 + 2.0 * 0.75) * 0.8 * 0.9)
    assert full.hhi_wgi_sourcing_lower == pytest.approx(2.0)


def test_sensitivity_grid_by_hand():
    usgs = synthetic_usgs({"AAA": 60, "BBB": 40}, world=100)
    risk = supply_risk(usgs, scores(AAA=5.0, BBB=2.0), "Testium")
    grid = supply_risk_sensitivity(risk, eol_rir=[0.0, 0.5], substitution_index=[0.5, 1.0]).set_index(["eol_rir", "substitution_index"])
    assert grid.loc[(0.0, 1.0), "sr_lower"] == pytest.approx(2.12)
    assert grid.loc[(0.5, 0.5), "sr_upper"] == pytest.approx(2.12 * 0.25)
    assert bool(grid.loc[(0.5, 0.5), "critical_lower"]) is False  # 0.53 < 1
    assert bool(grid.loc[(0.0, 1.0), "critical_lower"]) is True


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"eol_rir": 1.5}, "eol_rir must be in \\[0, 1\\], got 1.5"),
        ({"substitution_index": -0.1}, "substitution_index must be in \\[0, 1\\]"),
        ({"import_reliance": 0.5}, "import_reliance needs sourcing_shares"),
        ({"sourcing_shares": {"AAA": 1.0}}, "sourcing_shares needs import_reliance"),
        ({"import_reliance": 0.5, "sourcing_shares": {"AAA": 0.8, "BBB": 0.5}}, "sourcing_shares must sum to at most 1"),
        ({"mineral": "Unobtainium"}, "unknown mineral 'Unobtainium'"),
    ],
)
def test_bad_arguments(kwargs, message):
    usgs = synthetic_usgs({"AAA": 60, "BBB": 40}, world=100)
    arguments = {"mineral": "Testium"} | kwargs
    mineral = arguments.pop("mineral")
    with pytest.raises(ParameterError, match=message):
        supply_risk(usgs, scores(AAA=5.0, BBB=2.0), mineral, **arguments)


# ------------------------------------------------------------------ properties

country_values = st.dictionaries(st.sampled_from(["AAA", "BBB", "CCC", "DDD"]), st.integers(min_value=1, max_value=10**6), min_size=1)
score_values = st.fixed_dictionaries({c: st.floats(min_value=0.0, max_value=10.0) for c in ["AAA", "BBB", "CCC"]})


@given(country_values, st.integers(min_value=0, max_value=10**6), score_values,
       st.floats(min_value=0.0, max_value=1.0), st.floats(min_value=0.0, max_value=1.0))
def test_sr_bounds_range_and_monotonicity(values, other, governance, eol, si):
    usgs = synthetic_usgs(values, world=sum(values.values()) + other, other=other or None)
    frame = scores(**governance)
    risk = supply_risk(usgs, frame, "Testium", eol_rir=eol, substitution_index=si)
    assert 0.0 <= risk.sr_lower <= risk.sr_upper <= 10.0 + 1e-9
    more_recycling = supply_risk(usgs, frame, "Testium", eol_rir=min(1.0, eol + 0.1), substitution_index=si)
    assert more_recycling.sr_upper <= risk.sr_upper + 1e-12
    less_substitutable = supply_risk(usgs, frame, "Testium", eol_rir=eol, substitution_index=min(1.0, si + 0.1))
    assert less_substitutable.sr_lower >= risk.sr_lower - 1e-12


# ------------------------------------------------------------------ real data (expectations from raw files)


def test_cobalt_congo_contribution_from_raw_files(usgs, stability):
    congo = float(mcs_value("Cobalt", "Congo (Kinshasa)", "PROD_EST_ 2024").replace(",", ""))
    world = float(mcs_value("Cobalt", "World total (rounded)", "PROD_EST_ 2024").replace(",", ""))
    rank = stability_rank("COD")
    risk = supply_risk(usgs, stability, "Cobalt", "mine_production", 2024)
    row = risk.contributions.set_index("iso3").loc["COD"]
    assert row["governance_score"] == pytest.approx((100 - rank) / 10)
    assert row["contribution"] == pytest.approx((congo / world) ** 2 * (100 - rank) / 10)
    assert risk.contributions["iso3"].iloc[0] == "COD"  # the largest term
    assert risk.sr_lower >= row["contribution"]


def test_unscored_producer_is_named(usgs, stability):
    # New Caledonia mines nickel and its 2023 political-stability cell is empty in the raw file
    raw = [r for r in csv_dicts(STABILITY) if r["Country Code"] == "NCL"]
    assert len(raw) == 1 and raw[0]["2023"].strip() == ""
    risk = supply_risk(usgs, stability, "Nickel", "mine_production", 2024)
    assert "NCL" in risk.unscored
    assert risk.sr_upper > risk.sr_lower


def test_six_dimension_scores_from_the_bulk_file(wgi):
    six = governance_from_wgi(wgi, 2018).set_index("iso3")
    china = wgi[(wgi["iso3"] == "CHN") & (wgi["year"] == 2018) & wgi["indicator_code"].str.endswith(".EST")]
    assert len(china) == 6
    assert six.loc["CHN", "governance_score"] == pytest.approx((2.5 - china["value"].mean()) * 2)


def test_governance_scores_auto_prefers_six_dimensions_only_when_as_recent():
    """Constructed case: AAA has six estimates for 2023 (mean 0.5 → 2 × (2.5 − 0.5) = 4.0) and a
    2023 rank; BBB has six for 2018 only and a 2023 rank of 80 → (100 − 80) / 10 = 2.0."""
    from analysis.indicators.risk import governance_scores

    codes = ["VA.EST", "PV.EST", "GE.EST", "RQ.EST", "RL.EST", "CC.EST"]
    estimates = pd.DataFrame(
        [("AAA", "A", code, 2023, value, "bulk") for code, value in zip(codes, [0.0, 1.0, 0.5, 0.5, 0.2, 0.8])]
        + [("BBB", "B", code, 2018, 1.0, "bulk") for code in codes],
        columns=["iso3", "country", "indicator_code", "year", "value", "source"],
    )
    ranks = pd.DataFrame(
        {"iso3": ["AAA", "BBB"], "country": ["A", "B"], "year": [2023, 2023], "percentile_rank": [60.0, 80.0], "source": "ranks"}
    )
    auto = governance_scores(estimates, ranks).set_index("iso3")
    assert auto.loc["AAA", "governance_score"] == pytest.approx(4.0)
    assert auto.loc["AAA", "basis"] == "mean of six WGI dimensions 2023"
    assert auto.loc["BBB", "governance_score"] == pytest.approx(2.0)
    assert auto.loc["BBB", "basis"] == "political stability percentile 2023"
    stability = governance_scores(estimates, ranks, basis="political_stability").set_index("iso3")
    assert stability.loc["AAA", "governance_score"] == pytest.approx(4.0)  # (100 − 60) / 10, by coincidence equal
    six_2018 = governance_scores(estimates, None, year=2020, basis="six_dimensions").set_index("iso3")
    assert list(six_2018.index) == ["BBB"] and six_2018.loc["BBB", "governance_score"] == pytest.approx(3.0)
    with pytest.raises(ParameterError, match="valid: auto, six_dimensions, political_stability"):
        governance_scores(estimates, ranks, basis="eu")
