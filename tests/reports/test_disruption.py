"""Disruption scenario by stage and year: findings equal arithmetic on the raw IEA workbook, the
raw USGS CSV and the trade rows; a combination without data fails at the parameter check in one
line; every matrix entry is valid; the notebook runs."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from analysis.engine.domains import DomainCache
from analysis.engine.publications import load_matrix, reports
from analysis.data import load_quad_imports
from analysis.errors import ParameterError
from analysis.notebook import check_parameters
from analysis.reports import blocks as report
from analysis.reports.disruption import disruption_scenario
from analysis.reports.disruption_cut import supplier_code
from analysis.text import fmt_share, fmt_tonnes
from tests.support.notebooks import ROOT, assert_publishable, charts, execute, html_text

WORKBOOK = ROOT / "data" / "raw" / "iea-critical-minerals" / "CM_Data_Explorer May 2024 (2).xlsx"
USGS_CSV = ROOT / "data" / "raw" / "usgs-mcs-2025" / "MCS2025_World_Data.csv"
#: The IEA block header of each refining scenario (right-hand column group of the sheet: label G, 2023 H, 2030 I).
IEA_BLOCKS = {"Rare earths": "Magnet rare earth elements - Refining", "Cobalt": "Cobalt - Refining"}


def iea_block(header: str) -> tuple[dict[str, tuple[float, float]], float]:
    """{country: (2023 t, 2030 t)} and the 2023 world total (t) of one block, read from the raw sheet."""
    sheet = openpyxl.load_workbook(WORKBOOK, read_only=True, data_only=True)["2 Total supply for key minerals"]
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if isinstance(r[6], str) and r[6].startswith(header))
    values = {}
    for r in rows[start + 1 :]:
        if isinstance(r[6], str) and r[6].startswith("Total"):
            return values, float(r[7]) * 1000
        if isinstance(r[6], str) and r[6] != "Rest of world":
            values[r[6]] = (float(r[7]) * 1000, float(r[8]) * 1000)
    raise AssertionError(f"no total in {header}")


def usgs_2024(commodity: str, country: str) -> float:
    """A 2024 estimate of the raw MCS 2025 world CSV, in tonnes (gallium is given in kilograms)."""
    with open(USGS_CSV, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["COMMODITY"].strip() == commodity and row["COUNTRY"].strip() == country:
                factor = 0.001 if row["UNIT_MEAS"].strip() == "kilograms" else 1.0
                return float(row["PROD_EST_ 2024"]) * factor
    raise AssertionError(f"{commodity} / {country} not in the CSV")


@pytest.fixture(scope="module")
def cobalt():
    return disruption_scenario("Cobalt", "China", 0.5, 0.2, 2023, "refining")


@pytest.fixture(scope="module")
def rare_earths():
    return disruption_scenario("Rare earths", "China", 0.5, 0.2, 2023, "refining")


@pytest.fixture(scope="module")
def gallium():
    return disruption_scenario("Gallium", "China", 0.5, 0.2, 2024, "refining")


@pytest.mark.parametrize("mineral", sorted(IEA_BLOCKS))
def test_refining_cut_is_arithmetic_on_the_iea_sheet(mineral, cobalt, rare_earths):
    scenario = {"Cobalt": cobalt, "Rare earths": rare_earths}[mineral]
    values, world = iea_block(IEA_BLOCKS[mineral])
    lost = 0.5 * values["China"][0]
    assert scenario.result.lost_t == pytest.approx(lost)
    assert scenario.result.world_total_t == pytest.approx(world)
    assert f"**{fmt_tonnes(lost)}**" in scenario.findings[0] and f"**{fmt_share(lost / world)}**" in scenario.findings[0]
    assert f"({fmt_share(values['China'][0] / world)} of the world)" in scenario.findings[0]


@pytest.mark.parametrize("mineral", sorted(IEA_BLOCKS))
def test_iea_2030_new_output_outside_china_against_the_loss(mineral, cobalt, rare_earths):
    scenario = {"Cobalt": cobalt, "Rare earths": rare_earths}[mineral]
    values, _ = iea_block(IEA_BLOCKS[mineral])
    growth = sum(max(later - now, 0.0) for name, (now, later) in values.items() if name != "China")
    lost = 0.5 * values["China"][0]
    assert scenario.capacity.new_capacity_t == pytest.approx(growth)
    assert f"**{fmt_share(min(growth, lost) / lost)}**" in " ".join(scenario.capacity_text)
    assert "projection" in scenario.cases["kind"].iloc[-1].lower()
    assert scenario.cases["share"].iloc[-1] == pytest.approx(max(lost - growth, 0) / scenario.capacity.world_total_t)


def test_no_case_leaves_more_missing_than_no_new_supply(cobalt, rare_earths, gallium):
    for scenario in (cobalt, rare_earths, gallium):
        first = scenario.cases["share"].iloc[0]
        assert (scenario.cases["share"] <= first + 1e-12).all()
        assert scenario.cases["case"].is_unique


def test_gallium_2024_from_the_usgs_csv_and_no_iea_outlook(gallium):
    china = usgs_2024("Gallium", "China")
    assert gallium.result.supplier_output_t == pytest.approx(china)
    assert gallium.result.lost_t == pytest.approx(0.5 * china)
    assert gallium.capacity is None and "does not cover refining of gallium" in gallium.capacity_text[0]
    assert len(gallium.cases) == 4  # no new supply + three partner groups, no projection
    assert gallium.exposure is None and "cannot be computed" in gallium.findings[-1]


def test_rare_earth_mining_2024_from_the_usgs_csv():
    scenario = disruption_scenario("Rare earths", "China", 0.5, 0.2, 2024, "mining")
    china, world = usgs_2024("Rare earths", "China"), usgs_2024("Rare earths", "World total (rounded)")
    assert scenario.result.lost_t == pytest.approx(0.5 * china)
    assert f"**{fmt_share(0.5 * china / world)}**" in scenario.findings[0]
    assert "IEA's own series" in " ".join(scenario.capacity_text)  # a different product from the USGS oxide series
    assert len(scenario.cases) == 4  # so the projection is told in words, not drawn beside the USGS cases


def test_cobalt_exposure_is_reported_share_times_cut(cobalt):
    quad = load_quad_imports()
    rows = quad[(quad["hs_code"] == "2822") & (quad["year"] == 2024)]
    for iso3 in ("IND", "JPN"):
        mine = rows[rows["reporter_iso3"] == iso3]
        share = float(mine.loc[mine["partner_iso3"] == "CHN", "value_usd"].iloc[0] / mine.loc[mine["partner_iso3"] == "WLD", "value_usd"].iloc[0])
        exposed = cobalt.exposure.set_index("reporter_iso3").loc[iso3]
        assert exposed["import_share"] == pytest.approx(share)
        assert exposed["exposure"] == pytest.approx(0.5 * share)
        assert exposed["basis"].startswith("reported by")


def test_graphite_refining_exposure_is_a_labelled_mirror_estimate():
    scenario = disruption_scenario("Graphite", "China", 0.5, 0.2, 2023, "refining")
    assert set(scenario.exposure["basis"].str.split(":").str[0]) == {"mirror estimate"}
    assert (scenario.exposure["exposure"] == 0.5 * scenario.exposure["import_share"]).all()
    assert "mirror estimate" in " ".join(scenario.findings)


@pytest.mark.parametrize(
    "values, fragment",
    [
        ({"mineral": "Cobalt", "stage": "refining", "year": 2024}, "no data for year 2024 with mineral 'Cobalt', stage 'refining' — did you mean 2023? valid: 2023"),
        ({"mineral": "Gallium", "stage": "mining", "year": 2024}, "no data for stage 'mining' with mineral 'Gallium'"),
    ],
)
def test_a_combination_without_data_stops_at_the_parameter_check(monkeypatch, values, fragment):
    monkeypatch.delenv("ECONSEC_BUILD", raising=False)
    with pytest.raises(ParameterError) as info:
        check_parameters("disruption_scenario", supplier="China", cut=0.5, expansion=0.2, **values)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_the_library_names_valid_stages_and_years_too():
    with pytest.raises(ParameterError, match=r"no refining figures for Cobalt in 2024; valid for Cobalt: mining 2021, 2022, 2023, 2024; refining 2023"):
        disruption_scenario("Cobalt", "China", 0.5, 0.2, 2024, "refining")


def test_assumptions_are_stated_with_the_parameters(cobalt, gallium):
    assert "falls by 50%" in cobalt.assumptions["cut"] and "refined cobalt (Co content)" in cobalt.assumptions["cut"]
    assert "by 20% of what they produce now" in cobalt.assumptions["expansion"]
    assert "IEA's observed 2023 values" in cobalt.assumptions["data"]
    assert "estimates" in gallium.assumptions["data"]


def test_cover_chart_only_where_partner_output_is_visible(cobalt, gallium):
    widest = gallium.cover["partner_output_t"].max()
    assert widest < 0.05 * gallium.result.lost_t and not gallium.show_cover_chart
    assert fmt_tonnes(widest) in gallium.cover_note
    assert cobalt.cover["partner_output_t"].max() >= 0.05 * cobalt.result.lost_t and cobalt.show_cover_chart


def test_supplier_names_map_to_iso_codes():
    assert supplier_code("DR Congo") == "COD" and supplier_code("China") == "CHN"
    with pytest.raises(ParameterError, match="unknown supplier 'Atlantis'"):
        supplier_code("Atlantis")


def test_every_matrix_entry_is_valid():
    matrix = load_matrix(ROOT)
    built = reports(matrix, DomainCache(None, "test", matrix.domains), ["disruption_scenario"])
    assert {e.stem for e in built} == {
        "scenario-china-rare-earths-refining", "scenario-china-graphite-refining", "scenario-china-cobalt-refining",
        "scenario-china-gallium-refining", "scenario-china-rare-earths-mining",
    }  # fmt: skip
    # reports() ran the parameter check, combinations included; each set is built by a test above
    assert {(e.params["mineral"], e.params["stage"], e.params["year"]) for e in built} == {
        ("Rare earths", "refining", 2023), ("Graphite", "refining", 2023), ("Cobalt", "refining", 2023),
        ("Gallium", "refining", 2024), ("Rare earths", "mining", 2024),
    }  # fmt: skip
    assert {(e.params["cut"], e.params["expansion"]) for e in built} == {(0.5, 0.2)}


@pytest.mark.slow
@pytest.mark.parametrize(
    "parameters, n_charts",
    [({}, 2), ({"mineral": "Cobalt", "stage": "refining", "year": 2023, "cut": 0.3}, 4)],
    ids=["default", "cobalt-0.3"],
)
def test_notebook_runs(tmp_path, parameters, n_charts):
    nb = execute("disruption_scenario", tmp_path, **parameters)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    specs = charts(nb)
    # shortfall by case, output before/after (+ partner cover where partners' output is visible beside the loss, + exposure)
    assert len(specs) == n_charts
    assert_publishable(specs)
    for spec in specs:
        assert spec["description"] and spec["usermeta"]["econsec"]["source"]
    defaults = {"mineral": "Rare earths", "supplier": "China", "cut": 0.5, "expansion": 0.2, "year": 2023, "stage": "refining"}
    expected = disruption_scenario(**{**defaults, **parameters})
    text = html_text(nb)
    assert report.key_findings(expected.findings).data in text
    assert report.paragraph(expected.assumptions["cut"]).data in text
    assert "Sources" in text and "Data version sha256:" in text


def test_outlook_finding_on_another_series_names_its_product_and_year(cobalt):
    """Issue 13: the rare-earth mining scenario put "would replace 70%" (IEA magnet rare earths, 2023) beside the
    31% shortfall of USGS's 2024 rare earths without saying the 70% is of another product and year."""
    scenario = disruption_scenario("Rare earths", "China", 0.5, 0.2, 2024, "mining")
    finding = next(f for f in scenario.findings if "would replace" in f)
    assert f"of its {scenario.capacity.year} mining of magnet rare earths" in finding
    assert "not the 2024 mine production of rare earths cut above" in finding
    same = next(f for f in cobalt.findings if "would replace" in f)  # IEA series, same year: no extra label
    assert same.endswith(f"cut of its {cobalt.capacity.year} refining.")
