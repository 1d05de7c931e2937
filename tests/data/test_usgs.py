"""USGS MCS loaders: real files (values checked against the raw CSV read independently) and
malformed copies made in tmp_path."""

from __future__ import annotations

import csv
import math

import pytest

from analysis.data.usgs_commodity import read_mcs2024_rare_earths
from analysis.data.usgs_world import read_mcs_world
from analysis.errors import DataFileError, UnknownCountryError
from tests.support.files import copy_with


def raw_rows(raw_dir):
    with open(raw_dir / "usgs-mcs-2025" / "MCS2025_World_Data.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def mcs(raw_dir):
    return read_mcs_world(raw_dir / "usgs-mcs-2025" / "MCS2025_World_Data.csv")


def pick(frame, commodity, iso3, measure, year):
    rows = frame[(frame.commodity == commodity) & (frame.iso3 == iso3) & (frame.measure == measure) & (frame.year == year)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_every_cell_becomes_one_row(mcs, raw_dir):
    rows = raw_rows(raw_dir)
    value_columns = ["PROD_2023", "PROD_EST_ 2024", "CAP_2023", "CAP_EST_ 2024", "RESERVES_2024"]
    assert len(mcs) == len(rows) * len(value_columns)


def test_rare_earth_values_match_the_raw_file(mcs, raw_dir):
    raw = {(r["COMMODITY"].strip(), r["COUNTRY"].strip()): r for r in raw_rows(raw_dir)}
    china = raw[("Rare earths", "China")]
    world = raw[("Rare earths", "World total (rounded)")]
    assert pick(mcs, "Rare earths", "CHN", "mine_production", 2024).value_t == float(china["PROD_EST_ 2024"])
    assert pick(mcs, "Rare earths", "WLD", "mine_production", 2024).value_t == float(world["PROD_EST_ 2024"])
    assert pick(mcs, "Rare earths", "CHN", "mine_production", 2023).value_t == float(china["PROD_2023"])


def test_names_are_trimmed_and_misspelling_corrected(mcs):
    commodities = set(mcs.commodity)
    assert "Lithium" in commodities and "Lithium " not in commodities
    assert "Germanium" in commodities and "Gemanium" not in commodities
    assert set(mcs.loc[mcs.commodity == "Germanium", "commodity_raw"]) == {"Gemanium"}
    # "Russia " with a trailing space harmonises to RUS, raw text kept
    russia = mcs[(mcs.iso3 == "RUS") & (mcs.commodity == "Cobalt")]
    assert set(russia.country_raw) == {"Russia "}


def test_withheld_is_missing_with_a_flag_never_zero(mcs):
    us_lithium = pick(mcs, "Lithium", "USA", "mine_production", 2024)
    assert math.isnan(us_lithium.value) and us_lithium.value_status == "withheld"
    assert "W for 23-24" in us_lithium.note


def test_not_available_reserves_are_flagged(mcs):
    burma = pick(mcs, "Rare earths", "MMR", "reserves", 2024)
    assert math.isnan(burma.value_t) and burma.value_status == "not_available"


def test_bounds_keep_the_number_and_a_flag(mcs, raw_dir):
    world = pick(mcs, "Rare earths", "WLD", "reserves", 2024)
    assert world.value_t == 90_000_000 and world.value_status == "lower_bound"
    comma_bound = mcs[mcs.value_status.eq("lower_bound") & mcs.value.eq(17_000_000)]
    assert len(comma_bound) == 1  # '>17,000,000' in the file


def test_units_are_normalised_to_tonnes_and_kept(mcs):
    manganese = pick(mcs, "Manganese", "ZAF", "mine_production", 2024)
    assert manganese.unit == "thousand metric tons" and manganese.value_t == manganese.value * 1000
    gallium = pick(mcs, "Gallium", "CHN", "refinery_production", 2024)
    assert gallium.unit == "kilograms" and gallium.value_t == pytest.approx(gallium.value / 1000)
    carats = mcs[mcs.unit.str.contains("carats")]
    assert len(carats) and carats.value_t.isna().all()  # not a mass: no tonnes


def test_reserve_unit_restated_in_a_note_is_used(mcs):
    molybdenum = pick(mcs, "Molybdenum", "USA", "reserves", 2024)
    assert molybdenum.unit == "thousand metric tons"
    assert molybdenum.value_t == molybdenum.value * 1000


def test_titanium_concentrates_are_thousand_tonnes_as_the_chapter_states(mcs, raw_dir):
    """MCS2025's data release labels titanium mineral concentrates "metric tons"; the chapter's table
    is in thousand metric tons of TiO2 content (#13), so India's 210 is 210,000 t, not 210 t."""
    raw = next(r for r in raw_rows(raw_dir) if r["COMMODITY"].strip() == "Titanium Mineral Concentrates"
               and r["COUNTRY"].strip() == "India" and "ilmentite" in r["TYPE"])
    assert raw["UNIT_MEAS"] == "metric tons" and raw["PROD_EST_ 2024"] == "210"
    rows = mcs[(mcs.commodity == "Titanium mineral concentrates") & (mcs.iso3 == "IND") & (mcs.year == 2024)
               & (mcs.measure == "mine_production") & mcs.type.str.contains("ilmentite")]
    assert len(rows) == 1 and rows.iloc[0].unit == "thousand metric tons" and rows.iloc[0].value_t == 210_000


def test_world_and_other_rows_are_kept_and_distinguishable(mcs):
    rare_earths = mcs[(mcs.commodity == "Rare earths") & (mcs.measure == "mine_production") & (mcs.year == 2024)]
    kinds = rare_earths.set_index("country_raw").entity_kind
    assert kinds["World total (rounded)"] == "world"
    assert kinds["Other Countries"] == "other"
    assert (rare_earths.entity_kind == "country").sum() == len(rare_earths) - 2


def test_years_are_read_from_the_header(tmp_path, raw_dir):
    shifted = copy_with(tmp_path, raw_dir / "usgs-mcs-2025" / "MCS2025_World_Data.csv",
                        ("PROD_2023,PROD_EST_ 2024", "PROD_2024,PROD_EST_ 2025"))
    frame = read_mcs_world(shifted)
    production_years = set(frame.loc[frame.measure == "mine_production", "year"])
    assert production_years == {2024, 2025}


def test_text_in_a_numeric_column_names_file_row_column_value(tmp_path, raw_dir):
    bad = copy_with(tmp_path, raw_dir / "usgs-mcs-2025" / "MCS2025_World_Data.csv",
                    ('China,"Mine production, rare-earth-oxide equivalent",metric tons,255000',
                     'China,"Mine production, rare-earth-oxide equivalent",metric tons,lots'))
    with pytest.raises(DataFileError) as error:
        read_mcs_world(bad)
    message = str(error.value)
    assert bad.name in message and "column 'PROD_2023'" in message and "'lots'" in message
    line = next(i for i, text in enumerate(bad.read_text(encoding="utf-8-sig").splitlines(), 1) if ",lots," in text)
    assert f"row {line}" in message


def test_unknown_country_raises_naming_it(tmp_path, raw_dir):
    bad = copy_with(tmp_path, raw_dir / "usgs-mcs-2025" / "MCS2025_World_Data.csv",
                    ("Rare earths,Thailand,", "Rare earths,Atlantis,"))
    with pytest.raises(UnknownCountryError, match="Atlantis"):
        read_mcs_world(bad)


def test_missing_column_is_named(tmp_path, raw_dir):
    bad = copy_with(tmp_path, raw_dir / "usgs-mcs-2025" / "MCS2025_World_Data.csv", ("UNIT_MEAS", "UNITS"))
    with pytest.raises(DataFileError, match="UNIT_MEAS"):
        read_mcs_world(bad)


def test_truncated_file_is_refused(tmp_path, raw_dir):
    source = (raw_dir / "usgs-mcs-2025" / "MCS2025_World_Data.csv").read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(source[: len(source) // 2])  # ends mid-row
    with pytest.raises(DataFileError):
        read_mcs_world(cut)


def test_mcs2024_rare_earth_file(raw_dir):
    frame = read_mcs2024_rare_earths(raw_dir / "usgs-mcs-2024" / "mcs2024-raree_world-1.csv")
    assert set(frame.edition) == {2024}
    assert set(frame.loc[frame.measure == "mine_production", "year"]) == {2022, 2023}
    assert pick(frame, "Rare earths", "CHN", "mine_production", 2023).value_t == 240_000
    assert pick(frame, "Rare earths", "MMR", "reserves", 2023).value_status == "not_available"
    assert (frame.unit == "metric tons").all()


def test_combined_series_keeps_the_revision_visible(usgs):
    world = usgs[(usgs.commodity == "Rare earths") & (usgs.iso3 == "WLD") & (usgs.measure == "mine_production")]
    by_year = world.set_index("year")
    assert sorted(by_year.index) == [2021, 2022, 2023, 2024]  # MCS 2023, 2024 and 2025 in the package
    assert by_year.loc[2021, "edition"] == 2023 and by_year.loc[2022, "edition"] == 2024
    assert by_year.loc[2023, "edition"] == 2025 and by_year.loc[2023, "value_t"] == 376_000
    assert by_year.loc[2023, "revised_from_t"] == 350_000 and by_year.loc[2023, "revised_from_edition"] == 2024
