"""Stage-resolved indicators: a constructed two-source table with hand-computed answers, the real
IEA workbook (expected values computed from the sheet with openpyxl), and scenario properties."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.data.supply import stage_series, stage_supply
from analysis.errors import ParameterError
from analysis.indicators.stages import (
    IEA_MINERALS,
    PROJECTION_LABEL,
    china_stage_gaps,
    product_name,
    refining_disruption,
    stage_comparison,
    stage_concentration,
    stage_outlook,
    widest_gap,
)

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = ROOT / "data" / "raw" / "iea-critical-minerals" / "CM_Data_Explorer May 2024 (2).xlsx"


def _iea_rows(mineral, stage, year, values, basis):
    """SYNTHETIC IEA-layout rows: {iso3: tonnes}, with ROW residual and WLD total."""
    kinds = {"ROW": "rest_of_world", "WLD": "world"}
    return [
        {"mineral": mineral, "stage": stage, "product": f"{mineral} {stage}", "iso3": iso3, "country": iso3,
         "entity_kind": kinds.get(iso3, "country"), "year": year, "value_t": value, "basis": basis, "source": "iea-test"}
        for iso3, value in values.items()
    ]  # fmt: skip


@pytest.fixture(scope="module")
def synthetic():
    # SYNTHETIC: refining of "Cobalt" in 2023 — CHN 60, FIN 20, JPN 10, ROW 10 (world 100);
    # 2030 projection — CHN 70, FIN 30, JPN 30, ROW 20 (world 150). Mining 2023: COD 80, ROW 20.
    rows = (
        _iea_rows("Cobalt", "refining", 2023, {"CHN": 60.0, "FIN": 20.0, "JPN": 10.0, "ROW": 10.0, "WLD": 100.0}, "observed")
        + _iea_rows("Cobalt", "refining", 2030, {"CHN": 70.0, "FIN": 30.0, "JPN": 30.0, "ROW": 20.0, "WLD": 150.0}, "projection")
        + _iea_rows("Cobalt", "mining", 2023, {"COD": 80.0, "ROW": 20.0, "WLD": 100.0}, "observed")
        + _iea_rows("Cobalt", "mining", 2030, {"COD": 90.0, "ROW": 30.0, "WLD": 120.0}, "projection")
    )
    usgs = pd.DataFrame(
        {"commodity": ["Cobalt"], "measure": ["mine_production"], "type": ["Mine production"], "iso3": ["COD"],
         "country": ["DR Congo"], "entity_kind": ["country"], "year": [2023], "value_t": [5.0],
         "value_status": ["reported"], "estimated": [False], "edition": [2025]}
    )  # fmt: skip
    return stage_supply(usgs, pd.DataFrame(rows), {2025: "usgs-test"})


def test_supply_table_keeps_sources_and_bases_apart(synthetic):
    assert set(synthetic["source"]) == {"usgs-test", "iea-test"}
    assert set(synthetic.loc[synthetic["year"] == 2030, "basis"]) == {"projection"}
    usgs = stage_series(synthetic, "Cobalt", "mining", 2023, "usgs-test")
    assert usgs["value_t"].tolist() == [5.0]  # never mixed with the IEA's 80 t
    with pytest.raises(ParameterError, match="no refining series of Cobalt in usgs-test"):
        stage_series(synthetic, "Cobalt", "refining", 2023, "usgs-test")


def test_stage_comparison_by_hand(synthetic):
    table = stage_comparison(synthetic, ["Cobalt"], 2023, source="iea-test").set_index("stage")
    refining = table.loc["refining"]
    assert refining["china_share"] == pytest.approx(0.60)
    assert refining["top3_share"] == pytest.approx(0.90)
    assert refining["hhi_lower"] == pytest.approx(60**2 + 20**2 + 10**2)  # residual fragmented
    assert refining["hhi_upper"] == pytest.approx(60**2 + 20**2 + 10**2 + 10**2)  # residual one refiner
    assert refining["japan_rank"] == 3 and refining["japan_share"] == pytest.approx(0.10)
    assert not refining["india_listed"] and math.isnan(refining["india_share"])  # unknown, not zero
    assert math.isnan(table.loc["mining", "china_share"])


def test_outlook_by_hand(synthetic):
    frameworks = pd.DataFrame({"framework": ["Quad"] * 4, "iso3": ["AUS", "IND", "JPN", "USA"], "joined": [pd.NaT] * 4})
    out = stage_outlook(synthetic, frameworks, blocs=("Quad",), minerals=["Cobalt"], years=(2023, 2030), source="iea-test")
    out = out.set_index(["stage", "year", "group"])
    assert out.loc[("refining", 2030, "China"), "share"] == pytest.approx(70 / 150)
    assert out.loc[("refining", 2030, "Quad"), "share"] == pytest.approx(30 / 150)
    assert out.loc[("refining", 2030, "Quad"), "label"] == PROJECTION_LABEL
    assert out.loc[("refining", 2023, "Quad"), "label"] == "observed"
    assert math.isnan(out.loc[("mining", 2023, "China"), "share"])  # China not listed for mining


def test_refining_disruption_by_hand(synthetic):
    result = refining_disruption(synthetic, "Cobalt", cut=0.5, source="iea-test", import_shares={"JPN": 0.4})
    assert result.lost_t == pytest.approx(30.0)
    assert result.shortfall_share == pytest.approx(0.30)
    assert result.present_cover == pytest.approx(1.0)  # FIN 20 + JPN 10 = 30 t vs 30 t lost
    assert result.partner_cover == pytest.approx(10 / 30)  # Japan only (India not listed)
    assert result.new_capacity_t == pytest.approx(10 + 20)  # FIN +10, JPN +20 to 2030
    assert result.new_capacity_cover == pytest.approx(1.0)
    assert result.exposure.set_index("reporter_iso3").loc["JPN", "exposure"] == pytest.approx(0.2)
    assert any("IND" in note for note in result.notes)


@settings(max_examples=12)
@given(cut=st.floats(0, 1))
def test_disruption_properties_on_the_real_workbook(iea_supply, cut):
    for mineral in IEA_MINERALS:
        result = refining_disruption(iea_supply, mineral, cut=cut)
        china = result.by_country.set_index("iso3").loc["CHN", "output_t"]
        assert result.lost_t <= cut * china + 1e-6
        assert result.shortfall_share <= cut * result.supplier_share + 1e-12
        if result.lost_t > 0:
            for cover in (result.present_cover, result.partner_cover, result.new_capacity_cover):
                assert 0 <= cover <= 1  # coverage never exceeds the shortfall
            assert result.partner_cover <= result.present_cover + 1e-12  # partners are among present refiners


@pytest.fixture(scope="session")
def iea_supply():
    from analysis.data.supply import load_supply

    return load_supply()


def _sheet_block_values(label_prefix: str, column_offset: int = 0):
    """{country: 2023 kt} and the total of one refining block, scanning the sheet's right-hand labels."""
    sheet = openpyxl.load_workbook(WORKBOOK, data_only=True)["2 Total supply for key minerals"]
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if isinstance(r[6], str) and r[6].startswith(label_prefix))
    values = {}
    for r in rows[start + 1 :]:
        if isinstance(r[6], str) and r[6].startswith("Total"):
            return values, r[7]
        if isinstance(r[6], str) and r[6] not in ("Rest of world",):
            values[r[6]] = r[7]
    raise AssertionError("no total")


def test_real_comparison_matches_the_sheet(iea_supply):
    table = stage_comparison(iea_supply).set_index(["mineral", "stage"])
    copper, total = _sheet_block_values("Copper - Refining")
    assert table.loc[("Copper", "refining"), "china_share"] == pytest.approx(copper["China"] / total)
    assert table.loc[("Copper", "refining"), "japan_share"] == pytest.approx(copper["Japan"] / total)
    assert table.loc[("Copper", "refining"), "india_share"] == pytest.approx(copper["India"] / total)
    ranked = sorted(copper.values(), reverse=True)
    assert table.loc[("Copper", "refining"), "top3_share"] == pytest.approx(sum(ranked[:3]) / total)
    assert table.loc[("Copper", "refining"), "japan_rank"] == ranked.index(copper["Japan"]) + 1
    graphite, total = _sheet_block_values("Graphite - Battery grade")
    assert table.loc[("Graphite", "refining"), "japan_share"] == pytest.approx(graphite["Japan"] / total)


def test_usgs_refining_series_goes_through_the_same_concentration(iea_supply):
    result = stage_concentration(iea_supply, "Copper", "refining", 2023, source="usgs-mcs-2025-world")
    assert result.measure == "refinery_production" and result.leader_iso3 == "CHN"


def test_charts_label_projections_and_estimates(synthetic):
    """The chart builders put 'projection' / 'estimate' into what a reader sees, with source and description."""
    import json

    from analysis.charts.stages import stage_outlook_chart, stage_shares_chart

    frameworks = pd.DataFrame({"framework": ["Quad"] * 2, "iso3": ["IND", "JPN"], "joined": [pd.NaT] * 2})
    outlook = stage_outlook(synthetic, frameworks, blocs=("Quad",), minerals=["Cobalt"], years=(2023, 2030), source="iea-test")
    spec = stage_outlook_chart(outlook, source="test source").to_dict()
    assert "IEA base-case projection" in spec["vconcat"][0]["title"]["text"]
    assert spec["title"]["text"] == "Source: test source" and spec["description"]
    shares = stage_shares_chart(stage_comparison(synthetic, ["Cobalt"], 2023, source="iea-test"), source="s").to_dict()
    assert "not listed" in json.dumps(shares)  # India's unknown refining is labelled, not drawn as 0


def test_stage_sources_prefer_usgs_and_fall_back_to_iea_observed(synthetic):
    from analysis.indicators.stages import stage_frame, stage_sources

    table = stage_sources(synthetic).set_index(["mineral", "stage", "year"])
    # SYNTHETIC table above: USGS has Cobalt mining 2023 (COD 5 t), the IEA mining and refining 2023 + projections
    assert table.loc[("Cobalt", "mining", 2023), "source"] == "usgs-test"
    assert table.loc[("Cobalt", "refining", 2023), "source"] == "iea-test"
    assert 2030 not in set(table.index.get_level_values("year"))  # projections are never a scenario year
    frame = stage_frame(synthetic, "Cobalt", "refining", 2023)
    assert set(frame["measure"]) == {"refinery_production"}
    countries = frame[frame["entity_kind"] == "country"].set_index("iso3")["value_t"].to_dict()
    assert countries == {"CHN": 60.0, "FIN": 20.0, "JPN": 10.0}
    with pytest.raises(ParameterError, match=r"no refining figures for Cobalt in 2030; valid for Cobalt: mining 2023; refining 2023"):
        stage_frame(synthetic, "Cobalt", "refining", 2030)


def _comparison(rows):
    """SYNTHETIC stage_comparison rows: (mineral, stage, china_share or NaN, residual_share)."""
    return pd.DataFrame([{"mineral": m, "stage": s, "china_share": c, "residual_share": r} for m, s, c, r in rows])


def test_unlisted_china_at_mining_bounds_the_gap_by_the_residual():
    """Issue 13: China not listed at mining (IEA cobalt: inside a 20% Rest of world) while refining 77% —
    the gap is at least 57 points and wider than a listed 18% → 65% (47 points), so cobalt is the widest."""
    nan = float("nan")
    gaps = china_stage_gaps(_comparison([
        ("Lithium", "mining", 0.18, 0.06), ("Lithium", "refining", 0.65, 0.01),
        ("Cobalt", "mining", nan, 0.20), ("Cobalt", "refining", 0.77, 0.09),
        ("Nickel", "mining", nan, 0.16), ("Nickel", "refining", 0.28, 0.20),
    ])).set_index("mineral")
    assert gaps.loc["Cobalt", "mining_at_most"] == pytest.approx(0.20)
    assert gaps.loc["Cobalt", "gap"] == pytest.approx(0.57) and not gaps.loc["Cobalt", "exact"]
    assert gaps.loc["Cobalt", "gap_at_most"] == pytest.approx(0.77)
    assert gaps.loc["Lithium", "gap"] == pytest.approx(0.47) and gaps.loc["Lithium", "exact"]
    widest, certain = widest_gap(gaps.reset_index())
    assert widest["mineral"] == "Cobalt" and certain


def test_widest_gap_falls_back_to_listed_minerals_when_a_bound_leaves_it_open():
    nan = float("nan")
    gaps = china_stage_gaps(_comparison([
        ("Lithium", "mining", 0.18, 0.06), ("Lithium", "refining", 0.65, 0.01),
        ("Cobalt", "mining", nan, 0.40), ("Cobalt", "refining", 0.77, 0.09),  # gap between 37 and 77 points
    ]))
    widest, certain = widest_gap(gaps)
    assert widest["mineral"] == "Lithium" and not certain


def test_product_name_reads_as_a_reader_names_the_product():
    assert product_name("magnet rare earths (Nd, Pr, Dy, Tb), refined") == "magnet rare earths"
    assert product_name("cobalt, mined (Co content)") == "cobalt"
    assert product_name("battery-grade graphite") == "battery-grade graphite"
    assert product_name("lithium chemicals (Li content)") == "lithium chemicals"
