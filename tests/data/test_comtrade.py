"""UN Comtrade loaders: the shifted-header file read positionally, duplicates, code checks."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from analysis.data.comtrade import read_comtrade_csv, read_comtrade_xlsx, read_shifted_header_csv
from analysis.errors import DataFileError, UnknownCountryError
from tests.support.files import copy_with

SHIFTED = ("trade", "critical-minerals-risk-index", "trade_data.csv")
QUAD_WORLD = ("trade", "quad-critical-minerals-supply-chain", "p3 minerals quad world.xlsx")
QUAD_CHINA = ("trade", "quad-critical-minerals-supply-chain", "p3 minerals quad china.xlsx")


@pytest.fixture(scope="module")
def shifted(raw_dir):
    return read_shifted_header_csv(raw_dir.joinpath(*SHIFTED), "test")


def test_shifted_header_values_land_in_their_true_columns(shifted, raw_dir):
    # Independently: in the raw data rows, position 6 is reporterISO, 19 cmdCode, 42 primaryValue, 8 flowCode.
    with open(raw_dir.joinpath(*SHIFTED), newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    expected = {(r[6], r[19], r[8]): float(r[42]) for r in rows if r[6] in {"JPN", "IND"} and r[19] == "282520"}
    got = shifted[shifted.reporter_iso3.isin(["JPN", "IND"]) & (shifted.hs_code == "282520")]
    for row in got.itertuples():
        assert row.value_usd == expected[(row.reporter_iso3, row.hs_code, {"import": "M", "export": "X"}[row.flow])]
    assert len(got) == len(expected) == 4
    assert set(shifted.year) == {2023} and set(shifted.partner_iso3) == {"WLD"}


def test_repeated_rows_are_dropped_once(shifted, raw_dir):
    with open(raw_dir.joinpath(*SHIFTED), newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    distinct = {tuple(r[:47]) for r in rows}
    assert len(rows) > len(distinct)  # the file does repeat rows
    assert len(shifted) == len(distinct)
    assert not shifted.duplicated(["reporter_iso3", "flow", "hs_code", "year"]).any()


def test_india_reporter_code_699_is_india(shifted):
    india = shifted[shifted.reporter_iso3 == "IND"]
    assert len(india) and set(india.reporter_code) == {699}


def test_shifted_layout_is_checked_not_assumed(tmp_path, raw_dir):
    # A file whose data is NOT shifted (typeCode present) must be refused, not misread.
    bad = copy_with(tmp_path, raw_dir.joinpath(*SHIFTED), ("\nA,20230101,2023,52", "\nQ,20230101,2023,52"), encoding="utf-8")
    with pytest.raises(DataFileError, match="freqCode"):
        read_shifted_header_csv(bad, "test")


def test_reporter_code_contradicting_iso_raises(tmp_path, raw_dir):
    bad = copy_with(tmp_path, raw_dir.joinpath(*SHIFTED), (",699,IND,", ",699,JPN,"), encoding="utf-8")
    with pytest.raises(DataFileError, match="699"):
        read_shifted_header_csv(bad, "test")


def test_unknown_iso_code_raises(tmp_path, raw_dir):
    bad = copy_with(tmp_path, raw_dir.joinpath(*SHIFTED), (",36,AUS,", ",36,QQQ,"), encoding="utf-8")
    with pytest.raises(UnknownCountryError, match="QQQ"):
        read_shifted_header_csv(bad, "test")


def test_text_in_value_column_is_named(tmp_path, raw_dir):
    source = raw_dir / "trade" / "critical-minerals-replication" / "UN_nickel_trade.csv"
    bad = copy_with(tmp_path, source, (",482.0,1000.0,", ",lots,1000.0,"), encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        read_comtrade_csv(bad, "test")
    assert "'primaryValue'" in str(error.value) and "'lots'" in str(error.value) and "row 2" in str(error.value)


def test_quad_xlsx_china_never_exceeds_world(raw_dir):
    world = read_comtrade_xlsx(raw_dir.joinpath(*QUAD_WORLD), "world")
    china = read_comtrade_xlsx(raw_dir.joinpath(*QUAD_CHINA), "china")
    assert len(world) == len(china) == 72
    raw_world = pd.read_excel(raw_dir.joinpath(*QUAD_WORLD))
    assert world.value_usd.sum() == pytest.approx(raw_world.primaryValue.sum())
    keys = ["reporter_iso3", "hs_code", "year"]
    both = world.merge(china, on=keys, suffixes=("_world", "_china"))
    assert len(both) == 72
    assert (both.value_usd_china <= both.value_usd_world).all()
    assert set(china.partner_iso3) == {"CHN"} and set(world.partner_iso3) == {"WLD"}


def test_two_independent_downloads_agree_for_2023(raw_dir, shifted):
    world = read_comtrade_xlsx(raw_dir.joinpath(*QUAD_WORLD), "world")
    a = world[(world.year == 2023) & (world.reporter_iso3 == "JPN") & (world.hs_code == "282520")].value_usd.iloc[0]
    b = shifted[(shifted.reporter_iso3 == "JPN") & (shifted.hs_code == "282520") & (shifted.flow == "import")].value_usd.iloc[0]
    assert a == pytest.approx(b)
