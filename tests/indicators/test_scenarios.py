"""Disruption scenarios: hand-computed cases, properties, and a raw-file check."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import ParameterError
from analysis.indicators.scenarios import disruption, disruption_curve, exposure, shortfall_grid

from tests.support.indicators import mcs_value, synthetic_usgs

# SYNTHETIC supply: supplier AAA 60 t, partner BBB 30 t, other CCC 10 t; world 100 t
SUPPLY = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC"], "value_t": [60.0, 30.0, 10.0]})


def test_shortfall_and_cover_by_hand():
    row = shortfall_grid(SUPPLY, 100.0, "AAA", ["BBB"], [0.5], [0.5]).iloc[0]
    assert row["lost_t"] == 30.0
    assert row["shortfall_share"] == pytest.approx(0.30)
    assert row["redirect_cover"] == pytest.approx(1.0)  # 30 t of partner output vs 30 t lost
    assert row["expansion_t"] == pytest.approx(15.0)
    assert row["expansion_cover"] == pytest.approx(0.5)
    assert row["residual_shortfall_share"] == pytest.approx(0.15)


def test_covers_are_capped_at_one_and_undefined_without_loss():
    grid = shortfall_grid(SUPPLY, 100.0, "AAA", ["BBB", "CCC"], [0.0, 0.1], [10.0]).set_index("cut")
    assert math.isnan(grid.loc[0.0, "redirect_cover"])
    assert grid.loc[0.1, "redirect_cover"] == 1.0 and grid.loc[0.1, "expansion_cover"] == 1.0
    assert grid.loc[0.1, "residual_shortfall_t"] == 0.0


def test_exposure_by_hand():
    table = exposure({"IND": 0.1, "JPN": 0.8, "USA": np.nan}, [0.5, 1.0]).set_index(["reporter_iso3", "cut"])
    assert table.loc[("JPN", 0.5), "exposure"] == pytest.approx(0.4)
    assert table.loc[("IND", 1.0), "exposure"] == pytest.approx(0.1)
    assert math.isnan(table.loc[("USA", 0.5), "exposure"])  # unknown split stays unknown


def test_disruption_one_call_by_hand():
    usgs = synthetic_usgs({"AAA": 60, "BBB": 30, "CCC": 10}, world=100)
    result = disruption(usgs, "Testium", supplier="AAA", cut=0.5, expansion=0.5, partners=["BBB"], import_shares={"JPN": 0.8})
    assert result.shortfall_share == pytest.approx(0.3) and result.supplier_share == pytest.approx(0.6)
    by_country = result.by_country.set_index("iso3")
    assert by_country.loc["AAA", "after_t"] == 30.0 and by_country.loc["BBB", "after_t"] == 45.0
    assert by_country.loc["CCC", "role"] == "other"
    assert result.exposure["exposure"].iloc[0] == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cut": 1.2}, "cut must be in \\[0, 1\\], got 1.2"),
        ({"cut": -0.1}, "cut must be in \\[0, 1\\]"),
        ({"expansion": -0.5}, "expansion must be a finite number ≥ 0"),
        ({"partners": ["AAA"]}, "supplier 'AAA' cannot also be one of the partners"),
        ({"supplier": "DDD"}, "DDD's mine production of Testium in 2024 is not reported as a number"),
        ({"supplier": "china"}, "supplier must hold ISO alpha-3 codes"),
        ({"import_shares": {"JPN": 1.5}}, "import_shares must be 0–1 fractions"),
    ],
)
def test_bad_arguments(kwargs, message):
    usgs = synthetic_usgs({"AAA": 60, "BBB": 30}, world=100, statuses={"DDD": "withheld"})
    arguments = {"supplier": "AAA", "partners": ["BBB"]} | kwargs
    with pytest.raises(ParameterError, match=message):
        disruption(usgs, "Testium", **arguments)


# ------------------------------------------------------------------ properties

supply_values = st.lists(st.floats(min_value=0.0, max_value=1e7), min_size=3, max_size=8)


@given(supply_values, st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=2, max_size=10), st.floats(min_value=0.0, max_value=3.0))
def test_shortfall_is_monotone_in_the_cut(values, cuts, expansion):
    supply = pd.DataFrame({"iso3": [chr(65 + i) * 3 for i in range(len(values))], "value_t": values})
    world = max(sum(values), 1.0)
    grid = shortfall_grid(supply, world, "AAA", ["BBB"], sorted(cuts), [expansion])
    assert grid["lost_t"].is_monotonic_increasing
    assert grid["shortfall_share"].is_monotonic_increasing
    assert grid["residual_shortfall_t"].is_monotonic_increasing
    assert (grid["shortfall_share"] <= values[0] / world + 1e-12).all()
    covers = grid[["redirect_cover", "expansion_cover"]].dropna().to_numpy()
    assert ((covers >= 0) & (covers <= 1)).all()


@given(supply_values, st.floats(min_value=0.01, max_value=1.0), st.lists(st.floats(min_value=0.0, max_value=5.0), min_size=2, max_size=8))
def test_residual_shortfall_falls_as_expansion_rises(values, cut, expansions):
    supply = pd.DataFrame({"iso3": [chr(65 + i) * 3 for i in range(len(values))], "value_t": values})
    grid = shortfall_grid(supply, max(sum(values), 1.0), "AAA", ["BBB", "CCC"], [cut], sorted(expansions))
    assert grid["residual_shortfall_t"].is_monotonic_decreasing


# ------------------------------------------------------------------ real data


def test_halving_china_graphite_2024_from_raw(usgs):
    china = float(mcs_value("Graphite", "China", "PROD_EST_ 2024").replace(",", ""))
    india = float(mcs_value("Graphite", "India", "PROD_EST_ 2024").replace(",", ""))
    world = float(mcs_value("Graphite", "World total (rounded)", "PROD_EST_ 2024").replace(",", ""))
    result = disruption(usgs, "Graphite", "mine_production", 2024, cut=0.5, expansion=0.2, partners=["IND", "JPN"])
    assert result.lost_t == pytest.approx(0.5 * china)
    assert result.shortfall_share == pytest.approx(0.5 * china / world)
    assert result.partner_output_t == pytest.approx(india)  # Japan mines no graphite in the table
    assert result.expansion_cover == pytest.approx(0.2 * india / (0.5 * china))
    curve = disruption_curve(usgs, "Graphite", cuts=[0.0, 0.5, 1.0])
    assert list(curve["shortfall_share"]) == pytest.approx([0.0, 0.5 * china / world, china / world])
