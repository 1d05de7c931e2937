"""Briefing: key findings equal the library's results; the notebook runs."""

from __future__ import annotations

import pytest

from analysis.data import load_quad_imports
from analysis.data.minerals import PRIORITY_MINERALS
from analysis.indicators.concentration import concentration
from analysis.reports.briefing import briefing
from analysis.text import fmt_share
from tests.support.notebooks import assert_publishable, charts, execute, html_text


@pytest.fixture(scope="module")
def b():
    return briefing(2024)


def test_supply_table_covers_priority_minerals_with_library_values(b, usgs):
    assert set(b.supply["mineral"]) == set(PRIORITY_MINERALS)
    graphite = b.supply.set_index("mineral").loc["Graphite"]
    expected = concentration(usgs, "Graphite", "mine_production", 2024)
    assert graphite["china_share"] == pytest.approx(expected.share_of("CHN"))
    assert graphite["hhi_lower"] == pytest.approx(expected.hhi_lower)


def test_between_three_and_five_findings(b):
    assert 3 <= len(b.findings) <= 5


def test_japan_lithium_hydroxide_finding_from_the_trade_files(b):
    quad = load_quad_imports()
    rows = quad[(quad.reporter_iso3 == "JPN") & (quad.hs_code == "282520") & (quad.year == quad.year.max())]
    share = rows.loc[rows.partner_iso3 == "CHN", "value_usd"].sum() / rows.loc[rows.partner_iso3 == "WLD", "value_usd"].sum()
    finding = next(f for f in b.findings if f.startswith("Japan"))
    assert f"**{fmt_share(share)}**" in finding


def test_average_top3_finding(b):
    finding = next(f for f in b.findings if "on average" in f)
    assert fmt_share(b.supply["top3_share"].mean()) in finding


@pytest.mark.slow
def test_notebook_runs(tmp_path):
    nb = execute("briefing", tmp_path)
    specs = charts(nb)
    assert len(specs) == 2
    assert_publishable(specs)
    assert "Key findings" in html_text(nb)


@pytest.mark.slow
def test_notebook_runs_for_2023(tmp_path):
    nb = execute("briefing", tmp_path, year=2023)
    assert "2023" in html_text(nb)
