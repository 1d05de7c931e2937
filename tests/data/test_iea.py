"""The IEA supply loader on the real workbook, checked against the sheet read with openpyxl directly."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from analysis.data.iea import SUPPLY_SHEET, load_iea_supply, read_iea_supply
from analysis.errors import DataFileError

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = ROOT / "data" / "raw" / "iea-critical-minerals" / "CM_Data_Explorer May 2024 (2).xlsx"


@pytest.fixture(scope="module")
def supply():
    return load_iea_supply()


@pytest.fixture(scope="module")
def sheet_cells():
    """{(row, col): value} of the supply sheet, read without the loader."""
    book = openpyxl.load_workbook(WORKBOOK, data_only=True)
    sheet = book[SUPPLY_SHEET]
    return {(c.row, c.column): c.value for row in sheet.iter_rows() for c in row if c.value is not None}


def _china_2023_refining_shares(cells) -> dict[str, float]:
    """China / total in the first year column of each right-hand block, found by scanning text."""
    shares = {}
    right_label_col = 7  # column G holds the refining labels in this edition (checked below)
    header = None
    for (row, col), value in sorted(cells.items()):
        if col != right_label_col or not isinstance(value, str):
            continue
        if " - " in value:
            header = value.split(" - ")[0]
            china = None
        elif value == "China" and header:
            china = cells[(row, col + 1)]
        elif value.startswith("Total") and header:
            shares[header] = china / cells[(row, col + 1)]
            header = None
    return shares


def test_china_refining_shares_match_the_sheet(supply, sheet_cells):
    assert sheet_cells[(4, 8)] == 2023  # the refining block's first year column
    expected = _china_2023_refining_shares(sheet_cells)
    names = {"Copper": "Copper", "Cobalt": "Cobalt", "Lithium": "Lithium", "Nickel": "Nickel",
             "Graphite": "Graphite", "Magnet rare earth elements": "Rare earths"}  # fmt: skip
    assert set(expected) == set(names)
    refining = supply[(supply["stage"] == "refining") & (supply["year"] == 2023)].set_index(["mineral", "iso3"])["value_t"]
    for sheet_name, mineral in names.items():
        share = refining[(mineral, "CHN")] / refining[(mineral, "WLD")]
        assert share == pytest.approx(expected[sheet_name], rel=1e-9), mineral
    # The published GCMO-2024 headline for battery-grade graphite is > 90 %.
    assert expected["Graphite"] > 0.9


def test_units_basis_and_entities(supply, sheet_cells):
    japan_cobalt = supply.query("mineral == 'Cobalt' and stage == 'refining' and iso3 == 'JPN' and year == 2023")
    assert japan_cobalt["value_t"].item() == pytest.approx(sheet_cells[(20, 8)] * 1000)  # kt → t
    assert set(supply.loc[supply["year"] == 2023, "basis"]) == {"observed"}
    assert set(supply.loc[supply["year"] > 2023, "basis"]) == {"projection"}
    assert set(supply["entity_kind"]) == {"country", "rest_of_world", "world"}
    assert supply.query("mineral == 'Cobalt' and stage == 'refining' and year == 2023 and entity_kind == 'world'")[
        "cell"
    ].item() == "H24"  # the block labelled 'Total clean technologies'
    assert "DR Congo" in set(supply["country"])
    lithium = supply.query("mineral == 'Lithium' and stage == 'refining'")
    assert set(lithium["stage_label"]) == {"Chemicals"}


def test_every_block_adds_up_after_the_double_count_is_removed(supply):
    parts = supply[supply["entity_kind"] != "world"].groupby(["mineral", "stage", "year"])["value_t"].sum()
    totals = supply[supply["entity_kind"] == "world"].set_index(["mineral", "stage", "year"])["value_t"]
    assert (parts - totals).abs().max() < 100  # tonnes (0.1 kt)
    # Nickel mining: the sheet's Rest of world is Total − the first five countries, yet
    # Australia is listed sixth; the residual here excludes Australia.
    nickel = supply.query("mineral == 'Nickel' and stage == 'mining' and year == 2023").set_index("iso3")["value_t"]
    assert nickel["ROW"] == pytest.approx(675.3e3 - 111.4e3, abs=1)
    assert "Australia" in supply.query("mineral == 'Nickel' and stage == 'mining' and iso3 == 'ROW'")["note"].iloc[0]


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "copy.xlsx"
    shutil.copyfile(WORKBOOK, target)
    return target


def test_a_total_that_does_not_add_up_fails_naming_the_cell(tmp_path):
    path = _copy(tmp_path)
    book = openpyxl.load_workbook(path)
    book[SUPPLY_SHEET]["H14"] = 99999  # copper refining total 2023
    book.save(path)
    with pytest.raises(DataFileError, match=r"cell H14: Copper - Refining 2023 total is 99999 but countries \+ Rest of world add up to 26336"):
        read_iea_supply(path)


def test_a_missing_years_row_fails(tmp_path):
    path = _copy(tmp_path)
    book = openpyxl.load_workbook(path)
    for cell in book[SUPPLY_SHEET][4]:
        cell.value = None
    book.save(path)
    with pytest.raises(DataFileError, match="no years row"):
        read_iea_supply(path)


def test_an_unknown_stage_header_fails(tmp_path):
    path = _copy(tmp_path)
    book = openpyxl.load_workbook(path)
    book[SUPPLY_SHEET]["G17"] = "Cobalt - Recycling"
    book.save(path)
    with pytest.raises(DataFileError, match=r"cell G17: unknown stage"):
        read_iea_supply(path)
