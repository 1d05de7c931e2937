"""Concentration of world supply: hand-computed cases, properties, and checks against the raw USGS file."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import ParameterError
from analysis.indicators.concentration import (
    concentration,
    concentration_table,
    countries_to_reach,
    hhi,
    hhi_bounds,
    reserves_to_production,
    top_producers,
)

from tests.support.indicators import mcs_rows, mcs_value, synthetic_usgs

# ------------------------------------------------------------------ hand-computed (synthetic frames)


def test_shares_hhi_range_top3_and_n80_by_hand():
    # SYNTHETIC: world 100 t = A 50 + B 30 + C 10 + Other 10
    frame = synthetic_usgs({"AAA": 50, "BBB": 30, "CCC": 10}, world=100, other=10)
    result = concentration(frame, "Testium", "mine_production", 2024)
    assert result.leader_iso3 == "AAA" and result.leader_share == pytest.approx(0.5)
    assert list(result.shares["share"]) == pytest.approx([0.5, 0.3, 0.1])
    assert result.top_k_share == pytest.approx(0.9)
    assert result.hhi_lower == pytest.approx(50**2 + 30**2 + 10**2)  # 3500: residual fragmented
    assert result.hhi_upper == pytest.approx(3500 + 10**2)  # 3600: residual one supplier
    assert result.residual_share == pytest.approx(0.1)
    assert result.countries_to_80 == 2  # 50 % + 30 % reaches 80 %
    assert result.world_total_basis == "usgs_world_total"


def test_withheld_value_is_excluded_not_zero():
    # SYNTHETIC: D withheld; the 20 t it and the rest leave unexplained stay in the residual
    frame = synthetic_usgs({"AAA": 60, "BBB": 20}, world=100, statuses={"DDD": "withheld"})
    result = concentration(frame, "Testium", "mine_production", 2024)
    assert list(result.excluded["iso3"]) == ["DDD"]
    assert list(result.excluded["value_status"]) == ["withheld"]
    assert math.isnan(result.share_of("DDD"))
    assert math.isnan(result.share_of("ZZZ")) and not result.is_listed("ZZZ")  # not listed: unknown, not zero
    assert result.is_listed("AAA")
    assert result.residual_share == pytest.approx(0.2)
    assert result.hhi_upper == pytest.approx(3600 + 400 + 400)
    assert any("DDD (withheld)" in note for note in result.notes)


def test_lower_bound_world_uses_the_larger_of_bound_and_rows():
    # SYNTHETIC: world ">100" but the rows sum to 120 → denominator 120
    frame = synthetic_usgs({"AAA": 90, "BBB": 30}, world=">100")
    result = concentration(frame, "Testium", "mine_production", 2024)
    assert result.world_total_basis == "lower_bound"
    assert result.world_total_t == 120
    assert result.share_of("AAA") == pytest.approx(0.75)
    # and the bound when it is larger than the rows
    result = concentration(synthetic_usgs({"AAA": 40}, world=">100"), "Testium", "mine_production", 2024)
    assert result.world_total_t == 100 and result.residual_share == pytest.approx(0.6)


def test_missing_world_total_uses_sum_of_rows():
    result = concentration(synthetic_usgs({"AAA": 30, "BBB": 10}, world=None, other=10), "Testium", "mine_production", 2024)
    assert result.world_total_basis == "sum_of_rows"
    assert result.world_total_t == 50
    assert result.share_of("AAA") == pytest.approx(0.6)
    assert result.residual_share == pytest.approx(0.2)


def test_rounded_world_total_below_named_sum_keeps_other_row_as_residual():
    # SYNTHETIC: USGS rounding — named countries 105 t of a rounded world of 100 t, Other 2 t
    result = concentration(synthetic_usgs({"AAA": 60, "BBB": 45}, world=100, other=2), "Testium", "mine_production", 2024)
    assert result.residual_share == pytest.approx(0.02)
    assert any("sum to 105.0%" in note for note in result.notes)


def test_all_countries_withheld_raises_instead_of_crashing_later():
    frame = synthetic_usgs({}, world=100, statuses={"AAA": "withheld", "BBB": "not_available"})
    with pytest.raises(ParameterError, match="no country has a reported value.*AAA \\(withheld\\)"):
        concentration(frame, "Testium", "mine_production", 2024)


def test_aggregate_rows_are_named_in_notes():
    frame = synthetic_usgs({"AAA": 50}, world=100)
    aggregate = frame.iloc[[0]].assign(iso3="USA+CAN", entity_kind="aggregate", country="United States and Canada", value_t=30.0)
    result = concentration(pd.concat([frame, aggregate], ignore_index=True), "Testium", "mine_production", 2024)
    assert any("United States and Canada" in note for note in result.notes)
    assert result.residual_share == pytest.approx(0.5)


def test_top_producers_rest_row_closes_the_world_total():
    result = concentration(synthetic_usgs({"AAA": 50, "BBB": 30, "CCC": 10}, world=100, other=10), "Testium", "mine_production", 2024)
    top = top_producers(result, 2)
    assert list(top["iso3"]) == ["AAA", "BBB", "ROW"]
    assert top["value_t"].sum() == pytest.approx(100)
    assert top.loc[top["is_rest"], "share"].iloc[0] == pytest.approx(0.2)


def test_reserves_to_production_by_hand():
    # SYNTHETIC: reserves A 1000 t, B withheld; production A 50 t, B 10 t; world 2000 / 100
    reserves = synthetic_usgs({"AAA": 1000}, world=2000, statuses={"BBB": "withheld"}, measure="reserves")
    production = synthetic_usgs({"AAA": 50, "BBB": 10}, world=100)
    table = reserves_to_production(pd.concat([reserves, production], ignore_index=True), "Testium", 2024).set_index("iso3")
    assert table.loc["AAA", "rp_years"] == pytest.approx(20)
    assert table.loc["WLD", "rp_years"] == pytest.approx(20)
    assert math.isnan(table.loc["BBB", "rp_years"])  # withheld reserves: no ratio, not 0


# ------------------------------------------------------------------ argument checks


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mineral": "Unobtainium"}, "unknown mineral 'Unobtainium'; valid: Testium"),
        ({"measure": "mining"}, "unknown measure 'mining'; valid: mine_production"),
        ({"year": 1999}, "in 1999; years: 2024"),
        ({"top_k": 0}, "top_k must be an integer ≥ 1, got 0"),
    ],
)
def test_bad_arguments_name_the_valid_choices(kwargs, message):
    frame = synthetic_usgs({"AAA": 1}, world=1)
    arguments = {"mineral": "Testium", "measure": "mine_production", "year": 2024} | kwargs
    top_k = arguments.pop("top_k", 3)
    with pytest.raises(ParameterError, match=message.replace("(", "\\(").replace(")", "\\)")):
        concentration(frame, **arguments, top_k=top_k)


def test_hhi_helpers_reject_bad_input():
    with pytest.raises(ParameterError, match="residual_share must be a fraction in \\[0, 1\\], got -0.1"):
        hhi_bounds([0.5], -0.1)
    with pytest.raises(ParameterError, match="shares must be finite"):
        hhi([0.5, -0.2])
    with pytest.raises(ParameterError, match="threshold must be a fraction in \\(0, 1\\]"):
        countries_to_reach(pd.Series([0.5]), 1.5)


def test_concentration_table_refuses_unknown_minerals_and_names_skipped_ones():
    frame = pd.concat(
        [synthetic_usgs({"AAA": 1}, world=1), synthetic_usgs({"AAA": 1}, world=1, mineral="Otherium", measure="reserves")],
        ignore_index=True,
    )
    with pytest.raises(ParameterError, match="unknown mineral\\(s\\) 'Typoium'"):
        concentration_table(frame, ["Testium", "Typoium"])
    table = concentration_table(frame, ["Testium", "Otherium"])
    assert list(table["mineral"]) == ["Testium"]
    assert "Otherium" in table.attrs["skipped"]


# ------------------------------------------------------------------ properties

shares_strategy = st.lists(st.floats(min_value=0.0, max_value=1.0, allow_nan=False), min_size=1, max_size=30).filter(
    lambda xs: sum(xs) > 0
)


@given(shares_strategy, st.randoms(use_true_random=False))
def test_hhi_bounds_and_order_invariance(raw, rnd):
    total = sum(raw)
    shares = [x / total for x in raw]
    value = hhi(shares)
    assert 10_000 / len(shares) - 1e-6 <= value <= 10_000 + 1e-6  # equal shares ≤ HHI ≤ monopoly
    shuffled = shares[:]
    rnd.shuffle(shuffled)
    assert hhi(shuffled) == pytest.approx(value, rel=1e-12, abs=1e-9)


@given(shares_strategy, st.floats(min_value=0.0, max_value=1.0))
def test_lower_bound_never_exceeds_upper_bound(raw, residual):
    named = [x / sum(raw) * (1 - residual) for x in raw]
    lower, upper = hhi_bounds(named, residual)
    assert 0 <= lower <= upper <= 10_000 + 1e-6


@given(st.dictionaries(st.sampled_from(["AAA", "BBB", "CCC", "DDD", "EEE"]), st.integers(min_value=1, max_value=10**7), min_size=1),
       st.integers(min_value=0, max_value=10**7))
def test_shares_and_residual_sum_to_one_when_world_is_the_row_sum(values, other):
    # SYNTHETIC: the world total equals countries + Other exactly (no rounding)
    world = sum(values.values()) + other
    result = concentration(synthetic_usgs(values, world=world, other=other or None), "Testium", "mine_production", 2024)
    assert result.shares["share"].sum() + result.residual_share == pytest.approx(1.0)
    assert result.hhi_lower <= result.hhi_upper
    assert result.shares["share"].is_monotonic_decreasing
    assert result.shares["cumulative_share"].iloc[-1] == pytest.approx(result.shares["share"].sum())
    n80 = result.countries_to_80
    if n80 is not None:
        assert result.shares["share"].head(n80).sum() >= 0.8 - 1e-9
        assert n80 == 1 or result.shares["share"].head(n80 - 1).sum() < 0.8


@given(shares_strategy, st.floats(min_value=0.05, max_value=1.0), st.floats(min_value=0.05, max_value=1.0))
def test_countries_to_reach_is_monotone_in_the_threshold(raw, t1, t2):
    shares = pd.Series(sorted((x / sum(raw) for x in raw), reverse=True))
    low, high = sorted((t1, t2))
    n_low, n_high = countries_to_reach(shares, low), countries_to_reach(shares, high)
    assert n_low is not None and n_high is not None
    assert n_low <= n_high


# ------------------------------------------------------------------ real data (expectations from the raw CSV)


def _number(cell: str) -> float:
    return float(cell.replace(",", "").lstrip(">"))


def test_congo_cobalt_2024_from_the_raw_file(usgs):
    congo = _number(mcs_value("Cobalt", "Congo (Kinshasa)", "PROD_EST_ 2024"))
    world = _number(mcs_value("Cobalt", "World total (rounded)", "PROD_EST_ 2024"))
    assert (congo, world) == (220_000, 290_000)
    result = concentration(usgs, "Cobalt", "mine_production", 2024)
    assert result.world_total_t == world
    assert result.leader == "DR Congo"
    assert result.value_of("COD") == congo
    assert result.share_of("COD") == pytest.approx(congo / world)


@pytest.mark.parametrize(("mineral", "year_column", "year"), [("Rare earths", "PROD_EST_ 2024", 2024), ("Graphite", "PROD_2023", 2023)])
def test_hhi_and_top3_recomputed_from_raw_rows(usgs, mineral, year_column, year):
    rows = mcs_rows(mineral, year_column)
    world = next(_number(v) for c, v in rows if c.startswith("World total"))
    named = sorted(
        (_number(v) for c, v in rows if v.strip() and not c.startswith(("World total", "Other")) and not v.startswith(">")),
        reverse=True,
    )
    other = sum(_number(v) for c, v in rows if c.lower().startswith("other") and v.strip())
    result = concentration(usgs, mineral, "mine_production", year)
    assert result.hhi_lower == pytest.approx(sum((100 * v / world) ** 2 for v in named))
    assert result.top_k_share == pytest.approx(sum(named[:3]) / world)
    residual = max(other / world, 1 - sum(named) / world, 0)
    assert result.hhi_upper - result.hhi_lower == pytest.approx((100 * residual) ** 2)


def test_withheld_us_lithium_is_listed_as_excluded(usgs):
    raw = mcs_value("Lithium", "United States", "PROD_EST_ 2024")
    assert raw.strip() == ""  # empty cell whose note says withheld
    result = concentration(usgs, "Lithium", "mine_production", 2024)
    assert "USA" in set(result.excluded["iso3"])
    assert math.isnan(result.share_of("USA"))


def test_world_reserves_to_production_of_cobalt_from_raw(usgs):
    reserves = _number(mcs_value("Cobalt", "World total (rounded)", "RESERVES_2024"))
    production = _number(mcs_value("Cobalt", "World total (rounded)", "PROD_EST_ 2024"))
    table = reserves_to_production(usgs, "Cobalt", 2024).set_index("iso3")
    assert table.loc["WLD", "rp_years"] == pytest.approx(reserves / production)
    assert np.isfinite(table.loc["COD", "rp_years"])


def test_reserves_to_production_picks_a_series_where_usgs_has_several():
    # SYNTHETIC: two production series (X and Y content) and reserves on the X rows only
    x = synthetic_usgs({"AAA": 10}, world=10).assign(type="Mine production, X content")
    y = synthetic_usgs({"AAA": 40}, world=40).assign(type="Mine production, Y content")
    reserves = synthetic_usgs({"AAA": 800}, world=800, measure="reserves").assign(type="Mine production, X content")
    frame = pd.concat([x, y, reserves], ignore_index=True)
    with pytest.raises(ParameterError, match="several series; choose usgs_type from: Mine production, X content; Mine production, Y content"):
        reserves_to_production(frame, "Testium", 2024)
    table = reserves_to_production(frame, "Testium", 2024, usgs_type="Mine production, Y content").set_index("iso3")
    assert table.loc["AAA", "rp_years"] == pytest.approx(800 / 40)


@pytest.mark.parametrize("measure, label", [("mine_production", "mine production"), ("reserves", "reserves")])
def test_every_coverage_note_names_its_measure(measure, label):
    """Issue 13: a profile prints production's and reserves' notes in one caveat box; "Excluded from named
    shares …: Myanmar (not available)" read as a production caveat though it was about reserves."""
    cases = [
        synthetic_usgs({"AAA": 60, "BBB": 20}, world=100, statuses={"DDD": "not_available"}, measure=measure),
        synthetic_usgs({"AAA": 90, "BBB": 30}, world=">100", measure=measure),
        synthetic_usgs({"AAA": 30, "BBB": 10}, world=None, other=10, measure=measure),
        synthetic_usgs({"AAA": 60, "BBB": 45}, world=100, other=2, measure=measure),
    ]
    for frame in cases:
        notes = [n for n in concentration(frame, "Testium", measure, 2024).notes if not n.startswith("HHI range")]
        assert notes and all(label in note for note in notes), notes


def test_tied_countries_share_a_rank_and_are_called_joint():
    """Issue 13: Japan and South Korea both refined 3 t of gallium; Japan is not "the third-largest" alone."""
    from analysis.text import fmt_ordinal, fmt_rank_share

    result = concentration(synthetic_usgs({"AAA": 90, "BBB": 4, "JPN": 3, "KOR": 3, "EEE": 1}, world=101), "Testium", "mine_production", 2024)
    assert result.rank_of("JPN") == (3, True) and result.rank_of("KOR") == (3, True)
    assert result.rank_of("BBB") == (2, False) and result.rank_of("EEE") == (5, False)
    assert fmt_ordinal(*result.rank_of("JPN")) == "joint third-largest"
    assert fmt_rank_share(3, 0.004, True) == "joint third-largest (0.4%)"
    with pytest.raises(ParameterError):
        result.rank_of("ZZZ")
