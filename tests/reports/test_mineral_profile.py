"""Mineral profile: findings equal values computed from the raw USGS file; the notebook runs."""

from __future__ import annotations

import csv

import pytest

from analysis.indicators.concentration import concentration
from analysis.reports.mineral_profile import mineral_profile
from analysis.text import fmt_share, fmt_tonnes
from tests.support.notebooks import assert_publishable, charts, execute, html_text


def raw_value(raw_dir, commodity: str, country: str, column: str = "PROD_EST_ 2024") -> float:
    with open(raw_dir / "usgs-mcs-2025" / "MCS2025_World_Data.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["COMMODITY"].strip() == commodity and row["COUNTRY"].strip() == country and "Mine" in row["TYPE"]:
                return float(row[column])
    raise LookupError((commodity, country))


@pytest.fixture(scope="module")
def rare_earths(usgs):
    return mineral_profile("Rare earths", 2024, usgs)


def test_lead_finding_is_china_share_of_rare_earths_from_the_raw_file(rare_earths, raw_dir):
    china = raw_value(raw_dir, "Rare earths", "China")
    world = raw_value(raw_dir, "Rare earths", "World total (rounded)")
    assert china == 270_000 and world == 390_000  # the published MCS 2025 figures
    lead = rare_earths.findings[0]
    assert f"**{fmt_share(china / world)}**" in lead and "**China**" in lead
    assert fmt_tonnes(china) in lead and fmt_tonnes(world) in lead


def test_findings_equal_the_library(rare_earths, usgs):
    c = concentration(usgs, "Rare earths", "mine_production", 2024)
    text = " ".join(rare_earths.findings)
    assert fmt_share(c.top_k_share) in text
    assert f"{c.hhi_lower:,.0f}" in text
    india = raw_share = c.shares.set_index("iso3").loc["IND", "share"]
    assert fmt_share(india, 1) in text and raw_share > 0


def test_countries_usgs_does_not_list_are_not_zero(usgs):
    cobalt = mineral_profile("Cobalt", 2024, usgs)
    assert cobalt.position is None  # none of China, India, Japan listed: no chart of zeros
    assert any("does not list China" in f for f in cobalt.findings)
    rare_earths = mineral_profile("Rare earths", 2024, usgs).position
    japan = rare_earths[rare_earths.iso3 == "JPN"]
    assert len(japan) == 2 and japan["share"].isna().all()  # not listed: n/a, not 0 %
    assert rare_earths.loc[rare_earths.iso3 == "IND", "share"].notna().all()


def test_refinery_series_for_gallium(usgs):
    gallium = mineral_profile("Gallium", 2024, usgs)
    assert gallium.measure == "refinery_production" and gallium.reserves is None
    assert gallium.production.leader_iso3 == "CHN"


@pytest.mark.slow
@pytest.mark.parametrize("parameters", [{}, {"mineral": "Cobalt", "year": 2023}], ids=["default", "cobalt-2023"])
def test_notebook_runs(tmp_path, parameters):
    nb = execute("mineral_profile", tmp_path, **parameters)
    specs = charts(nb)
    assert len(specs) >= 5
    assert_publishable(specs)
    text = html_text(nb)
    assert "Sources" in text and "USGS" in text and "data hash" in text
