"""Country dependence: findings equal values computed from the raw trade files and the library;
every matrix entry is valid; the notebook runs with two parameter sets."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.reports import blocks as report
from analysis.engine.domains import DomainCache
from analysis.engine.publications import load_matrix, reports
from analysis.data import (
    load_china_exports_hs6,
    load_frameworks,
    load_nickel_by_partner,
    load_political_stability,
    load_quad_imports,
)
from analysis.errors import ParameterError
from analysis.indicators.partners import bloc_shares
from analysis.indicators.risk import governance_from_stability, supply_risk, supply_risk_sensitivity
from analysis.reports.country_dependence import country_dependence
from analysis.text import fmt_change
from analysis.text import fmt_share, fmt_usd
from tests.support.notebooks import ROOT, assert_publishable, charts, execute, html_text

#: Charts the notebook shows: China's share, import values, monthly exports, supply risk,
#: its sensitivity grid, bloc shares.
CHARTS = 6


@pytest.fixture(scope="module")
def india():
    return country_dependence("India")


@pytest.fixture(scope="module")
def japan():
    return country_dependence("Japan")


def raw_china_share(reporter: str, hs_code: str, year: int) -> float:
    """China ÷ World import value straight from the two Quad workbooks (no indicator code)."""
    quad = load_quad_imports()
    rows = quad[(quad["reporter_iso3"] == reporter) & (quad["hs_code"] == hs_code) & (quad["year"] == year)]
    china = rows.loc[rows["partner_iso3"] == "CHN", "value_usd"].sum()
    world = rows.loc[rows["partner_iso3"] == "WLD", "value_usd"].sum()
    return float(china / world)


@pytest.mark.parametrize("country, iso3", [("India", "IND"), ("Japan", "JPN")])
def test_share_finding_equals_the_raw_workbooks(country, iso3, india, japan):
    report = india if country == "India" else japan
    finding = report.findings[0]
    assert report.latest_year == 2024
    for hs_code in ("2504", "2822", "282520"):
        share = raw_china_share(iso3, hs_code, 2024)
        before = raw_china_share(iso3, hs_code, 2023)
        assert f"**{fmt_share(share)}**" in finding
        assert f"(HS {hs_code}; 2023: {fmt_share(before)})" in finding
        row = report.dependence[(report.dependence["hs_code"] == hs_code) & (report.dependence["year"] == 2024)].iloc[0]
        assert row["china_share"] == pytest.approx(share)
        assert row["share_change"] == pytest.approx(share - before)


def test_graphite_shock_equals_monthly_means_of_the_raw_table(india):
    """Six months either side of 1 December 2023 (the event month left out), HS 250410 to India."""
    hs6 = load_china_exports_hs6()
    line = hs6[(hs6["partner_iso3"] == "IND") & (hs6["hs_code"] == "250410")].set_index("month")["value_usd"]
    before = line[pd.Timestamp("2023-06-01"):pd.Timestamp("2023-11-01")]
    after = line[pd.Timestamp("2024-01-01"):pd.Timestamp("2024-06-01")]
    assert len(before) == 6 and len(after) == 6
    change = after.mean() / before.mean() - 1
    assert change < -0.5  # the collapse the provenance notes describe
    shock = next(f for f in india.findings if "graphite export controls take effect" in f)
    assert f"(HS 250410) {fmt_change(change)}" in shock
    assert fmt_usd(before.mean()) in shock and fmt_usd(after.mean()) in shock
    assert "mirror data" in shock


def test_supply_risk_equals_the_library(india, usgs):
    governance = governance_from_stability(load_political_stability())
    expected = {
        "Gallium": supply_risk(usgs, governance, "Gallium", "refinery_production", 2024),
        "Rare earths": supply_risk(usgs, governance, "Rare earths", "mine_production", 2024),
        "Lithium": supply_risk(usgs, governance, "Lithium", "mine_production", 2024),
    }
    risk = india.risk.set_index("mineral")
    for mineral, result in expected.items():
        assert risk.loc[mineral, "sr_lower"] == pytest.approx(result.sr_lower)
        assert risk.loc[mineral, "sr_upper"] == pytest.approx(result.sr_upper)
    assert risk.index[0] == "Gallium"  # highest worst-case SR
    assert expected["Lithium"].sr_upper < 1 <= expected["Gallium"].sr_lower
    finding = next(f for f in india.findings if "supply-risk threshold" in f)
    above = int((risk["sr_lower"] >= 1).sum())
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight"]
    assert f"**{words[above]} of the eight priority minerals**" in finding
    grid = supply_risk_sensitivity(expected["Rare earths"])
    shown = india.sensitivity[india.sensitivity["mineral"] == "Rare earths"].reset_index(drop=True)
    pd.testing.assert_series_equal(shown["sr_upper"], grid["sr_upper"], check_names=False)


def test_bloc_finding_equals_bloc_shares(india, usgs):
    quad = bloc_shares(usgs, load_frameworks(), "Quad", year=2024).set_index(["mineral", "measure"])["bloc_share"]
    finding = next(f for f in india.findings if "Quad's members produced" in f)
    for mineral, measure in (("Rare earths", "mine_production"), ("Graphite", "mine_production"), ("Gallium", "refinery_production")):
        assert fmt_share(quad[(mineral, measure)], 1) in finding


def test_nickel_sources_equal_the_raw_partner_file(japan):
    nickel = load_nickel_by_partner()
    rows = nickel[(nickel["reporter_iso3"] == "JPN") & (nickel["flow"] == "import") & (nickel["hs_code"] == "260400")
                  & (nickel["year"] == 2024)]
    world = float(rows.loc[rows["partner_iso3"] == "WLD", "value_usd"].iloc[0])
    caledonia = float(rows.loc[rows["partner_iso3"] == "NCL", "value_usd"].iloc[0])
    text = " ".join(japan.nickel_text)
    assert f"New Caledonia {fmt_share(caledonia / world)}" in text
    assert "none came from China" in text and "CHN" not in set(rows["partner_iso3"])
    assert japan.nickel_year == 2024


def test_monthly_flows_keep_missing_months_as_gaps(india):
    """HS 811292 to India has months absent from the derived table: NaN in the chart data, not 0."""
    hs6 = load_china_exports_hs6()
    present = hs6[(hs6["partner_iso3"] == "IND") & (hs6["hs_code"] == "811292")]
    line = india.flows[india.flows["series"] == "811292"]
    assert line["value_usd"].notna().sum() == len(present) < len(line)
    assert set(india.event_marks["series"]) == {"250410", "380110", "811292"}


def test_japan_has_the_rare_earth_group_and_later_events_are_named(japan, india):
    assert japan.flows["series"].eq("Rare Earths").any() and not india.flows["series"].eq("Rare Earths").any()
    assert any("cannot be measured yet" in t and "2025-04-04" in t for t in japan.shock_text)


def test_unknown_country_is_refused():
    with pytest.raises(ParameterError, match="unknown country 'Australia'; valid: India, Japan"):
        country_dependence("Australia")


def test_every_matrix_entry_is_valid():
    """Each parameter set in publications.toml passes the schema and domains and composes."""
    matrix = load_matrix(ROOT)
    built = reports(matrix, DomainCache(None, "test", matrix.domains), ["country_dependence"])
    assert [r.params["country"] for r in built] == ["India", "Japan"]
    for entry in built:
        assert country_dependence(**entry.params).findings


@pytest.mark.slow
@pytest.mark.parametrize("parameters", [{}, {"country": "Japan"}], ids=["default", "japan"])
def test_notebook_runs(tmp_path, parameters):
    nb = execute("country_dependence", tmp_path, **parameters)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    specs = charts(nb)
    assert len(specs) == CHARTS
    assert_publishable(specs)
    for spec in specs:
        assert spec["usermeta"]["econsec"]["source"] and spec["description"]
        assert any(str(y) in spec["usermeta"]["econsec"]["subtitle"] for y in range(2017, 2026))
    text = html_text(nb)
    expected = country_dependence(parameters.get("country", "India"))
    assert report.key_findings(expected.findings).data in text
    assert "Sources" in text and "data hash" in text
    assert json.dumps(specs).count('"tooltip"') >= CHARTS
