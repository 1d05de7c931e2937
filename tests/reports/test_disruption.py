"""Disruption scenario: findings equal arithmetic on the raw USGS and Comtrade rows and the
library's scenario functions; every matrix entry is valid; the notebook runs with two parameter sets."""

from __future__ import annotations

import pytest

from analysis.reports import blocks as report
from analysis.engine.domains import DomainCache
from analysis.engine.publications import load_matrix, reports
from analysis.data import load_frameworks, load_quad_imports
from analysis.errors import ParameterError
from analysis.indicators.partners import bloc_members
from analysis.indicators.scenarios import disruption
from analysis.reports.disruption import disruption_scenario, supplier_code
from analysis.text import fmt_share, fmt_tonnes
from tests.support.notebooks import ROOT, assert_publishable, charts, execute, html_text


def usgs_value(usgs, mineral: str, iso3: str, measure: str = "mine_production", year: int = 2024) -> float:
    rows = usgs[(usgs["commodity"] == mineral) & (usgs["iso3"] == iso3) & (usgs["measure"] == measure)
                & (usgs["year"] == year) & usgs["value_t"].notna()]
    return float(rows["value_t"].sum())


@pytest.fixture(scope="module")
def rare_earths():
    return disruption_scenario()


@pytest.fixture(scope="module")
def graphite():
    return disruption_scenario("Graphite", "China", 0.3, 0.2)


def test_defaults_are_rare_earths_china_half_cut(rare_earths):
    assert (rare_earths.mineral, rare_earths.supplier_iso3, rare_earths.cut, rare_earths.expansion) == ("Rare earths", "CHN", 0.5, 0.2)
    assert rare_earths.year == 2024 and rare_earths.measure == "mine_production"


def test_shortfall_finding_is_arithmetic_on_the_usgs_rows(rare_earths, usgs):
    china = usgs_value(usgs, "Rare earths", "CHN")
    world = usgs_value(usgs, "Rare earths", "WLD")
    lost = 0.5 * china
    finding = rare_earths.findings[0]
    assert f"**{fmt_tonnes(lost)}**" in finding and f"**{fmt_share(lost / world)}**" in finding
    assert f"{fmt_share(china / world)} of the world" in finding
    assert rare_earths.result.lost_t == pytest.approx(lost)


def test_partner_cover_is_arithmetic_on_the_usgs_rows(rare_earths, usgs):
    quad = bloc_members(load_frameworks(), "Quad").members
    output = sum(usgs_value(usgs, "Rare earths", code) for code in quad)
    lost = 0.5 * usgs_value(usgs, "Rare earths", "CHN")
    finding = next(f for f in rare_earths.findings if f.startswith("Quad members"))
    assert fmt_tonnes(output) in finding
    assert f"**{fmt_share(min(output, lost) / lost)}**" in finding
    assert f"adds {fmt_tonnes(0.2 * output)} (**{fmt_share(0.2 * output / lost)}** of the loss)" in finding
    pair = next(f for f in rare_earths.findings if f.startswith("India and Japan"))
    india_japan = usgs_value(usgs, "Rare earths", "IND") + usgs_value(usgs, "Rare earths", "JPN")
    assert f"produce {fmt_tonnes(india_japan)}" in pair


def test_cover_table_matches_the_library_for_every_bloc(rare_earths, usgs):
    frameworks = load_frameworks()
    for bloc in ("Quad", "MSP"):
        members = tuple(c for c in bloc_members(frameworks, bloc).members if c != "CHN")
        expected = disruption(usgs, "Rare earths", "mine_production", 2024, cut=0.5, expansion=0.2, partners=members)
        row = rare_earths.cover.set_index("bloc").loc[bloc]
        assert row["redirect_cover"] == pytest.approx(expected.redirect_cover)
        assert row["residual_shortfall_share"] == pytest.approx(expected.residual_shortfall_share)


def test_no_partner_split_means_no_exposure_estimate(rare_earths):
    assert rare_earths.exposure is None
    assert "cannot be measured; it is not estimated here" in rare_earths.findings[-1]


def test_graphite_exposure_is_import_share_times_cut_from_the_workbooks(graphite):
    quad = load_quad_imports()
    rows = quad[(quad["hs_code"] == "2504") & (quad["year"] == 2024)]
    for iso3 in ("IND", "JPN"):
        mine = rows[rows["reporter_iso3"] == iso3]
        share = float(mine.loc[mine["partner_iso3"] == "CHN", "value_usd"].iloc[0] / mine.loc[mine["partner_iso3"] == "WLD", "value_usd"].iloc[0])
        exposed = graphite.exposure.set_index("reporter_iso3").loc[iso3]
        assert exposed["import_share"] == pytest.approx(share)
        assert exposed["exposure"] == pytest.approx(0.3 * share)
    finding = next(f for f in graphite.findings if "would remove" in f)
    japan = graphite.exposure.set_index("reporter_iso3").loc["JPN"]
    assert f"**{fmt_share(japan['exposure'])}** of Japan's" in finding and "natural graphite (HS 2504)" in finding


def test_curve_rises_with_the_cut_and_marks_the_chosen_one(graphite, usgs):
    share = usgs_value(usgs, "Graphite", "CHN") / usgs_value(usgs, "Graphite", "WLD")
    plain = graphite.curve[graphite.curve["series"] == "No new supply"].set_index("cut")["share"]
    assert plain.loc[1.0] == pytest.approx(share) and plain.loc[0.3] == pytest.approx(0.3 * share)
    assert plain.is_monotonic_increasing
    chosen = graphite.curve[graphite.curve["chosen"]]
    assert set(chosen["cut"]) == {0.3} and len(chosen) == 4  # no new supply + three partner groups


def test_cobalt_cut_by_dr_congo_says_why_not_china(usgs):
    assert usgs_value(usgs, "Cobalt", "CHN") == 0  # USGS lists no Chinese cobalt mine output
    scenario = disruption_scenario("Cobalt", "DR Congo", 0.5, 0.2)
    assert scenario.supplier_iso3 == "COD" and scenario.exposure is None
    text = " ".join(scenario.findings)
    assert "USGS lists no Chinese mine production of cobalt" in text and "no cobalt refinery table" in text
    assert "exposure to a cut by DR Congo cannot be measured" in text
    with pytest.raises(ParameterError, match="lists no mine production of cobalt for China"):
        disruption_scenario("Cobalt", "China", 0.5, 0.2)


def test_assumptions_are_stated_with_the_parameters(graphite):
    assert "falls by 30%" in graphite.assumptions["cut"]
    assert "by 20% of what they produce now" in graphite.assumptions["expansion"]
    assert "nobody rerouted" in graphite.assumptions["exposure"]
    assert "estimates" in graphite.assumptions["data"]


def test_supplier_names_map_to_iso_codes():
    assert supplier_code("DR Congo") == "COD" and supplier_code("China") == "CHN"
    with pytest.raises(ParameterError, match="unknown supplier 'Atlantis'"):
        supplier_code("Atlantis")


def test_every_matrix_entry_is_valid():
    matrix = load_matrix(ROOT)
    built = reports(matrix, DomainCache(None, "test", matrix.domains), ["disruption_scenario"])
    assert len(built) == 4
    for entry in built:
        scenario = disruption_scenario(**entry.params)
        assert scenario.result.lost_t > 0 and scenario.findings


@pytest.mark.slow
@pytest.mark.parametrize(
    "parameters, n_charts",
    [({}, 3), ({"mineral": "Graphite", "supplier": "China", "cut": 0.3}, 4)],
    ids=["default", "graphite-0.3"],
)
def test_notebook_runs(tmp_path, parameters, n_charts):
    nb = execute("disruption_scenario", tmp_path, **parameters)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    specs = charts(nb)
    assert len(specs) == n_charts  # shortfall curve, partner cover, output before/after (+ exposure)
    assert_publishable(specs)
    for spec in specs:
        assert spec["description"] and spec["usermeta"]["econsec"]["source"]
    expected = disruption_scenario(**{"mineral": "Rare earths", "supplier": "China", "cut": 0.5, "expansion": 0.2, **parameters})
    text = html_text(nb)
    assert report.key_findings(expected.findings).data in text
    assert report.paragraph(expected.assumptions["cut"]).data in text
    assert "Sources" in text and "data hash" in text
