"""Explorer tables: one summary row per mineral × stage × year, shares that add up within a
view, and figures that match the concentration the reports compute."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.supply import load_supply
from analysis.indicators.concentration import concentration
from analysis.indicators.explorer import explorer_tables
from analysis.data import load_usgs
from analysis.reports.explorer import coverage_table


@pytest.fixture(scope="module")
def tables():
    return explorer_tables(load_supply())


def test_one_summary_row_per_view_and_shares_of_one_view_stay_within_the_world(tables):
    shares, summary = tables
    assert not summary.duplicated(["mineral", "stage", "year"]).any()
    totals = shares.groupby(["mineral", "stage", "year"])["share"].sum()
    # USGS rounds its world totals, not the country figures: named shares can add up to a few
    # per cent over 1 (natural zeolites 2022: 105%), never to much more
    assert (totals <= 1.06).all() and (totals > 0).all() and len(totals) == len(summary)


def test_the_rare_earths_view_matches_the_profile_concentration(tables):
    _, summary = tables
    row = summary[(summary["mineral"] == "Rare earths") & (summary["stage"] == "mining") & (summary["year"] == 2024)].iloc[0]
    result = concentration(load_usgs(), "Rare earths", "mine_production", 2024)
    assert row["leader"] == "China"
    assert row["top3_share"] == pytest.approx(result.top_k_share) and row["hhi"] == pytest.approx(result.hhi_lower)


def test_coverage_lists_each_mineral_stage_once_with_its_years(tables):
    _, summary = tables
    coverage = coverage_table(summary)
    assert len(coverage) == summary.groupby(["mineral", "stage"]).ngroups
    cobalt = coverage[(coverage["Mineral"] == "Cobalt") & (coverage["Stage"] == "refining")]
    assert cobalt["Years"].iloc[0] == ", ".join(str(y) for y in sorted(
        summary[(summary["mineral"] == "Cobalt") & (summary["stage"] == "refining")]["year"]))


def test_a_focus_country_the_source_does_not_list_has_no_share_not_a_zero(tables):
    """Japan mines no rare earths in USGS's table (absent, not 0 t): its share is missing; where a
    focus country is listed, its summary share is the one of the country rows."""
    shares, summary = tables
    key = ["mineral", "stage", "year"]
    listed = shares[shares["iso3"] == "JPN"].set_index(key)["share"]
    japan = summary.set_index(key)["japan_share"]
    assert japan[japan.index.isin(listed.index)].sort_index().tolist() == pytest.approx(listed.sort_index().tolist())
    unlisted = japan[~japan.index.isin(listed.index)]
    assert len(unlisted) > 0 and unlisted.isna().all()
    assert pd.isna(japan[("Rare earths", "mining", 2024)])
