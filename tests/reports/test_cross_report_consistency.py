"""One figure, one value across reports: the briefing's supply table, each mineral profile, the
explorer and the methods page's worked example compute the same shares and HHI from the same
series, and the profile's findings print the briefing's rounded value."""

from __future__ import annotations

import pytest

from analysis.data.supply import load_supply
from analysis.indicators.explorer import explorer_tables
from analysis.reports.briefing import briefing
from analysis.reports.methods import methods
from analysis.reports.mineral_profile import mineral_profile
from analysis.text import fmt_share

YEAR = 2024


@pytest.fixture(scope="module")
def brief():
    return briefing(YEAR)


@pytest.fixture(scope="module")
def explorer_summary():
    return explorer_tables(load_supply())[1]


def test_every_priority_mineral_has_the_same_figures_in_briefing_profile_and_explorer(brief, explorer_summary):
    stage_of = {"mine_production": "mining", "refinery_production": "refining"}
    for row in brief.supply.itertuples():
        profile = mineral_profile(row.mineral, YEAR)
        c = profile.production.concentration
        leader = c.shares.sort_values("share", ascending=False).iloc[0]
        assert (row.leader, row.leader_share) == (leader["country"], pytest.approx(leader["share"])), row.mineral
        assert row.top3_share == pytest.approx(c.top_k_share) and row.hhi_lower == pytest.approx(c.hhi_lower), row.mineral
        # the profile says the leader's share in the rounding the briefing's table uses
        assert fmt_share(row.leader_share) in " ".join(profile.findings), (row.mineral, fmt_share(row.leader_share))
        view = explorer_summary[(explorer_summary["mineral"] == row.mineral)
                                & (explorer_summary["stage"] == stage_of[row.measure]) & (explorer_summary["year"] == YEAR)]
        assert len(view) == 1, row.mineral
        assert view["top3_share"].iloc[0] == pytest.approx(row.top3_share), row.mineral
        assert view["hhi"].iloc[0] == pytest.approx(row.hhi_lower), row.mineral


def test_the_methods_example_is_the_rare_earths_profile(brief):
    example = methods(YEAR).example
    row = brief.supply.set_index("mineral").loc["Rare earths"]
    assert example.top_k_share == pytest.approx(row["top3_share"]) and example.hhi_lower == pytest.approx(row["hhi_lower"])
