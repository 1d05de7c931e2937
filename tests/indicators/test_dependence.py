"""Import dependence and export concentration: hand-computed cases, properties, raw-file checks."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import ParameterError
from analysis.indicators.dependence import import_dependence, import_sources, supplier_share_table
from analysis.indicators.exports import export_concentration, export_concentration_table
from analysis.indicators.trade import dedupe_trade, mineral_trade

from tests.support.indicators import NICKEL, QUAD_CHINA, QUAD_WORLD, csv_dicts, quad_rows, synthetic_trade, trade_2023_rows

# ------------------------------------------------------------------ hand-computed (synthetic frames)


def test_supplier_share_bases():
    # SYNTHETIC: IND has World + China rows; JPN lists partners but not China; USA has World only
    frame = synthetic_trade(
        [
            ("IND", "WLD", "import", "2504", 2023, 200.0, 50.0),
            ("IND", "CHN", "import", "2504", 2023, 50.0, 20.0),
            ("JPN", "WLD", "import", "2504", 2023, 100.0, 10.0),
            ("JPN", "MOZ", "import", "2504", 2023, 100.0, 10.0),
            ("USA", "WLD", "import", "2504", 2023, 80.0, 0.0),  # 0 kg beside a value: not reported
        ]
    )
    table = supplier_share_table(frame).set_index("reporter_iso3")
    assert table.loc["IND", "supplier_share"] == pytest.approx(0.25)
    assert table.loc["IND", "supplier_share_weight"] == pytest.approx(0.4)
    assert table.loc["IND", "supplier_basis"] == "reported"
    assert table.loc["JPN", "supplier_share"] == 0.0
    assert table.loc["JPN", "supplier_basis"] == "absent_from_partner_detail"
    assert math.isnan(table.loc["USA", "supplier_share"])
    assert table.loc["USA", "supplier_basis"] == "no_partner_detail"
    assert math.isnan(table.loc["USA", "total_net_weight_kg"])


def test_supplier_share_without_world_rows_uses_the_partner_sum():
    # SYNTHETIC bilateral (BACI-like) rows: no World row
    frame = synthetic_trade([("IND", "CHN", "import", "2504", 2023, 30.0, 1.0), ("IND", "MOZ", "import", "2504", 2023, 90.0, 3.0)])
    row = supplier_share_table(frame).iloc[0]
    assert row["total_value_usd"] == 120.0 and row["supplier_share"] == pytest.approx(0.25)


def test_import_dependence_yoy_and_gap_years():
    # SYNTHETIC: 2019 100, 2020 150, (2021 missing), 2022 120
    frame = synthetic_trade(
        [("JPN", "WLD", "import", "282520", y, v, v / 10) for y, v in ((2019, 100.0), (2020, 150.0), (2022, 120.0))]
        + [("JPN", "CHN", "import", "282520", y, v * 0.8, v / 20) for y, v in ((2019, 100.0), (2020, 150.0), (2022, 120.0))]
    )
    table = import_dependence(frame, "JPN").set_index("year")
    assert table.loc[2020, "yoy_change"] == pytest.approx(0.5)
    assert math.isnan(table.loc[2019, "yoy_change"]) and math.isnan(table.loc[2022, "yoy_change"])
    assert list(table["china_share"]) == pytest.approx([0.8, 0.8, 0.8])
    assert list(table["china_share_weight"]) == pytest.approx([0.5, 0.5, 0.5])
    assert table.loc[2019, "unit_value_usd_per_kg"] == pytest.approx(10.0)
    assert set(table["mineral"]) == {"Lithium"}


def test_dedupe_keeps_priority_source_and_reports_disagreement():
    frame = synthetic_trade(
        [
            ("BEL", "WLD", "import", "260400", 2023, 126.0, 1.0, "comtrade-2023-all-reporters"),
            ("BEL", "WLD", "import", "260400", 2023, 146.0, 1.0, "comtrade-nickel-by-partner"),
        ]
    )
    kept, notes = dedupe_trade(frame)
    assert list(kept["value_usd"]) == [146.0]
    assert any("disagree" in n and "kept 146" in n for n in notes)
    # a newer download (source not in the priority list) wins over the shipped extracts
    newer = pd.concat([frame, synthetic_trade([("BEL", "WLD", "import", "260400", 2023, 150.0, 1.0, "comtrade-pull-2026")])])
    kept, _ = dedupe_trade(newer)
    assert list(kept["value_usd"]) == [150.0]


def test_export_concentration_by_hand():
    # SYNTHETIC: exports A 60, B 30, C 10 (World partner); imports reported 125
    frame = synthetic_trade(
        [
            ("AAA", "WLD", "export", "282520", 2023, 60.0, 6.0),
            ("BBB", "WLD", "export", "282520", 2023, 30.0, np.nan),
            ("CCC", "WLD", "export", "282520", 2023, 10.0, 1.0),
            ("XXX", "WLD", "import", "282520", 2023, 100.0, 10.0),
            ("YYY", "WLD", "import", "282520", 2023, 25.0, 2.0),
        ]
    )
    result = export_concentration(frame, "282520")
    assert result.hhi == pytest.approx(60**2 + 30**2 + 10**2)
    assert result.top_k_share == pytest.approx(1.0)
    assert result.leader_iso3 == "AAA" and result.leader_share == pytest.approx(0.6)
    assert result.coverage_ratio == pytest.approx(0.8)
    assert result.shares["share_of_world_imports"].iloc[0] == pytest.approx(0.48)
    assert any("80% of world imports" in n for n in result.notes)
    by_weight = export_concentration(frame, "282520", measure="net_weight_kg")
    assert by_weight.missing_exporters == ("BBB",)
    assert by_weight.share_of("AAA") == pytest.approx(6 / 7)
    table = export_concentration_table(frame).iloc[0]
    assert table["hhi"] == pytest.approx(result.hhi) and table["coverage_ratio"] == pytest.approx(0.8)
    assert table["leader"] == "AAA" and table["n_exporters"] == 3


def test_mirror_export_concentration_reads_importers_partner_rows():
    # SYNTHETIC: two importers report what they bought from CHN and AUS
    frame = synthetic_trade(
        [
            ("JPN", "CHN", "import", "2504", 2023, 30.0, 1.0),
            ("JPN", "AUS", "import", "2504", 2023, 10.0, 1.0),
            ("IND", "CHN", "import", "2504", 2023, 50.0, 1.0),
            ("IND", "WLD", "import", "2504", 2023, 90.0, 1.0),  # World rows are not an exporter
        ]
    )
    row = export_concentration_table(frame, source="mirror").iloc[0]
    assert row["leader"] == "CHN" and row["leader_share"] == pytest.approx(80 / 90)
    assert row["hhi"] == pytest.approx((100 * 80 / 90) ** 2 + (100 * 10 / 90) ** 2)


def test_mineral_trade_counts_a_heading_once():
    # SYNTHETIC: heading 2504 (100) contains subheading 250410 (80); exports only as 250410
    frame = synthetic_trade(
        [
            ("JPN", "WLD", "import", "2504", 2023, 100.0, 10.0),
            ("JPN", "WLD", "import", "250410", 2023, 80.0, 8.0),
            ("JPN", "WLD", "export", "250410", 2023, 20.0, 2.0),
            ("JPN", "WLD", "import", "850760", 2023, 999.0, 9.0),  # battery stage: left out
        ]
    )
    row = mineral_trade(frame, "JPN", 2023).set_index("mineral").loc["Graphite"]
    assert row["imports_usd"] == 100.0 and row["exports_usd"] == 20.0
    assert row["net_import_ratio"] == pytest.approx(80 / 120)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda f: import_dependence(f, "XYZ"), "unknown reporter 'XYZ'.*valid: IND"),
        (lambda f: import_dependence(f, "India"), "reporter must hold ISO alpha-3 codes"),
        (lambda f: import_dependence(f, "IND", hs_codes="9999"), "unknown hs_code\\(s\\) 9999"),
        (lambda f: export_concentration(f, "2504", measure="tonnes"), "unknown measure 'tonnes'; valid: value_usd, net_weight_kg"),
        (lambda f: export_concentration(f, "9999"), "unknown hs_code '9999'; valid: 2504"),
        (lambda f: export_concentration_table(f, top_k=0), "top_k must be an integer ≥ 1"),
        (lambda f: supplier_share_table(f, flow="re-export"), "unknown flow 're-export'"),
    ],
)
def test_bad_arguments(call, message):
    frame = synthetic_trade([("IND", "WLD", "import", "2504", 2023, 1.0, 1.0), ("IND", "WLD", "export", "2504", 2023, 1.0, 1.0)])
    with pytest.raises(ParameterError, match=message):
        call(frame)


# ------------------------------------------------------------------ properties

exporters = st.dictionaries(st.sampled_from([f"E{i:02d}" for i in range(40)]), st.floats(min_value=0.01, max_value=1e9), min_size=1)


@given(exporters, st.randoms(use_true_random=False))
def test_export_shares_sum_to_one_hhi_bounds_and_row_order_invariance(values, rnd):
    rows = [(code, "WLD", "export", "282520", 2023, value, 1.0) for code, value in values.items()]
    result = export_concentration(synthetic_trade(rows), "282520")
    assert result.shares["share"].sum() == pytest.approx(1.0)
    assert 10_000 / len(values) - 1e-6 <= result.hhi <= 10_000 + 1e-6
    assert result.top_k_share <= 1 + 1e-12
    rnd.shuffle(rows)
    table = export_concentration_table(synthetic_trade(rows)).iloc[0]
    assert table["hhi"] == pytest.approx(result.hhi)
    assert table["top_k_share"] == pytest.approx(result.top_k_share)


@given(st.floats(min_value=1.0, max_value=1e9), st.floats(min_value=0.0, max_value=1.0))
def test_supplier_share_is_a_fraction_when_supplier_is_part_of_world(world, part):
    frame = synthetic_trade([("IND", "WLD", "import", "2504", 2023, world, 1.0), ("IND", "CHN", "import", "2504", 2023, world * part, 1.0)])
    share = supplier_share_table(frame)["supplier_share"].iloc[0]
    assert 0.0 <= share <= 1.0 + 1e-12
    assert share == pytest.approx(part)


# ------------------------------------------------------------------ real data (expectations from raw files)


def _quad_by_year(path, reporter, code):
    return {int(r["refYear"]): float(r["primaryValue"]) for r in quad_rows(path) if r["reporterISO"] == reporter and str(r["cmdCode"]) == code}


def test_japan_lithium_hydroxide_mostly_from_china_every_year(trade):
    world = _quad_by_year(QUAD_WORLD, "JPN", "282520")
    china = _quad_by_year(QUAD_CHINA, "JPN", "282520")
    assert sorted(world) == list(range(2019, 2025))
    table = import_dependence(trade, "JPN", hs_codes="282520").set_index("year")
    for year in range(2019, 2025):
        expected = china[year] / world[year]
        assert expected > 0.5  # "mostly from China"
        assert table.loc[year, "china_share"] == pytest.approx(expected, rel=1e-12)
        assert table.loc[year, "value_usd"] == pytest.approx(world[year])


def test_india_graphite_china_share_falls_in_2024(trade):
    world = _quad_by_year(QUAD_WORLD, "IND", "2504")
    china = _quad_by_year(QUAD_CHINA, "IND", "2504")
    table = import_dependence(trade, "IND", hs_codes="2504").set_index("year")
    assert table.loc[2024, "china_share"] == pytest.approx(china[2024] / world[2024])
    assert table.loc[2024, "yoy_change"] == pytest.approx(world[2024] / world[2023] - 1)
    assert table.loc[2024, "china_share"] < table.loc[2023, "china_share"]


def test_export_concentration_of_lithium_hydroxide_2023_from_raw(trade_2023):
    rows = [r for r in trade_2023_rows() if r["hs"] == "282520" and r["partner"] == "W00"]
    exports = defaultdict(float)
    for r in rows:
        if r["flow"] == "X" and r["value"]:
            exports[r["reporter"]] += float(r["value"])
    imports = sum(float(r["value"]) for r in rows if r["flow"] == "M" and r["value"])
    total = sum(exports.values())
    result = export_concentration(trade_2023, "282520")
    assert result.leader_iso3 == max(exports, key=exports.get) == "CHN"
    assert result.share_of("CHN") == pytest.approx(exports["CHN"] / total)
    assert result.hhi == pytest.approx(sum((100 * v / total) ** 2 for v in exports.values() if v > 0))
    assert result.coverage_ratio == pytest.approx(total / imports)
    assert any("world imports" in n for n in result.notes)


def test_japan_nickel_ore_sources_2023_from_raw(trade):
    rows = [r for r in csv_dicts(NICKEL) if r["reporterISO"] == "JPN" and r["flowCode"] == "M" and r["cmdCode"] == "260400" and r["period"] == "2023"]
    world = next(float(r["primaryValue"]) for r in rows if r["partnerISO"] == "W00")
    ncl = next(float(r["primaryValue"]) for r in rows if r["partnerISO"] == "NCL")
    sources = import_sources(trade, "JPN", "260400", 2023).set_index("partner_iso3")
    assert sources.index[0] == "NCL"
    assert sources.loc["NCL", "share"] == pytest.approx(ncl / world)
    dependence = import_dependence(trade, "JPN", hs_codes="260400", years=2023).iloc[0]
    assert dependence["china_basis"] == "absent_from_partner_detail" and dependence["china_share"] == 0.0


def test_zero_world_weight_is_not_read_as_zero_kilograms(trade):
    world_kg = {int(r["refYear"]): r["netWgt"] for r in quad_rows(QUAD_WORLD) if r["reporterISO"] == "JPN" and str(r["cmdCode"]) == "282520"}
    assert float(world_kg[2020]) == 0.0  # the raw file says 0 kg beside USD 392 million
    table = import_dependence(trade, "JPN", hs_codes="282520").set_index("year")
    assert math.isnan(table.loc[2020, "net_weight_kg"]) and math.isnan(table.loc[2020, "china_share_weight"])


def test_export_concentration_summary_lists_processed_products_only():
    # SYNTHETIC: one processed code (282520), one ore code (260500)
    frame = synthetic_trade(
        [
            ("AAA", "WLD", "export", "282520", 2023, 75.0, 1.0),
            ("BBB", "WLD", "export", "282520", 2023, 25.0, 1.0),
            ("XXX", "WLD", "import", "282520", 2023, 200.0, 1.0),
            ("CCC", "WLD", "export", "260500", 2023, 10.0, 1.0),
        ]
    )
    from analysis.indicators.exports import export_concentration_summary

    table = export_concentration_summary(frame)
    assert list(table["hs_code"]) == ["282520"]
    assert table["hhi"].iloc[0] == pytest.approx(75**2 + 25**2)
    assert table["coverage_ratio"].iloc[0] == pytest.approx(0.5)
    assert "50% of world imports" in table["coverage_note"].iloc[0]
    with pytest.raises(ParameterError, match="unknown stage 'refined'"):
        export_concentration_summary(frame, stages=["refined"])
