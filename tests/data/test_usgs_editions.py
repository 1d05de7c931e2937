"""MCS per-commodity world files of the 2023 and 2024 data releases: every real file reads, every
quirk is visible, malformed copies fail with one clear line, and the combined 2021–2024 series
matches figures read from the raw CSVs here with the csv module."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest

from analysis.data.minerals import MCS_FILE_CODES, commodity_name
from analysis.data.usgs import MCS_COMMODITY_KIND, mcs_layout
from analysis.data.usgs_commodity import COMMODITY_VALUE_COLUMN, classify_stage, read_mcs_commodity_world
from analysis.errors import DataFileError, UnknownCountryError

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data-sources" / "usgs-mcs-history"
RAW = ROOT / "data" / "raw"


def edition_files(edition: int) -> list[Path]:
    """The edition's world CSVs: from the shared source folder if present, else the package copies."""
    folder = SHARED / f"mcs{edition}_world"
    if not folder.is_dir():
        folder = RAW / f"usgs-mcs-{edition}"
    return sorted(p for p in folder.iterdir() if re.match(rf"mcs{edition}-.*_world.*\.csv$", p.name, re.I))


FILES = edition_files(2023) + edition_files(2024)
MCS2025 = RAW / "usgs-mcs-2025" / "MCS2025_World_Data.csv"


def raw_table(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]


def number(text: str) -> float:
    return float(text.strip().lstrip("e").replace(",", ""))


def test_both_editions_have_77_world_files():
    assert len(edition_files(2023)) == 77 and len(edition_files(2024)) == 77


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_real_world_file_reads(path):
    header, rows = raw_table(path)
    value_columns = [c for c in header if COMMODITY_VALUE_COLUMN.match(c.strip())]
    assert mcs_layout(path) == MCS_COMMODITY_KIND
    frame = read_mcs_commodity_world(path)
    assert len(frame) == len(rows) * len(value_columns)  # one tidy row per non-blank line × value column
    assert set(frame["edition"]) == {int(path.name[3:7])}
    assert set(frame["commodity"]) <= set(MCS_FILE_CODES.values())
    # units: a mass has value_t = value × factor; carats and cubic metres stay unconverted
    mass = frame["unit"].isin(["metric tons", "thousand metric tons", "kilograms", "million metric tons"])
    assert frame.loc[~mass, "value_t"].isna().all()
    factor = frame["unit"].map({"metric tons": 1, "thousand metric tons": 1e3, "kilograms": 1e-3, "million metric tons": 1e6})
    both = mass & frame["value"].notna()
    assert (frame.loc[both, "value_t"] - frame.loc[both, "value"] * factor[both]).abs().max() < 1e-6 if both.any() else True


def test_mineral_names_join_the_2025_table():
    with open(MCS2025, encoding="utf-8-sig", newline="") as handle:
        names_2025 = {commodity_name(r["COMMODITY"]) for r in csv.DictReader(handle)}
    # every code maps to a 2025 COMMODITY name, except dimension stone (no MCS 2025 chapter) and yttrium
    assert set(MCS_FILE_CODES.values()) - names_2025 == {"Stone (dimension)", "Yttrium"}
    for code in ("lithi", "raree", "cobal", "graph", "nicke", "galli", "manga", "coppe"):
        assert MCS_FILE_CODES[code] in names_2025


def test_stage_from_type_text():
    assert classify_stage("Mine production, lithium content") == "mine"
    assert classify_stage("Mine poduction, Kaolin") == "mine"  # USGS typo
    assert classify_stage("Mne production, grosss weight, marketable chromite ore") == "mine"
    assert classify_stage("Refinery production, copper") == "refinery"
    assert classify_stage("Primary production") == "refinery"  # gallium
    assert classify_stage("Magnesium smelter production") == "smelter"
    assert classify_stage("Plant capacity, fused aluminum oxide") == "capacity"
    assert classify_stage("Plant production, lime") == "other"


def _file(edition: int, code: str) -> Path:
    """The edition's world table of one commodity: in the shared folder ``mcsYYYY-code_world.csv``, in
    the package copy possibly with the suffix the import gave it (``mcs2024-raree_world-1.csv``)."""
    pattern = re.compile(rf"mcs{edition}-{code}_world(-\d+)?\.csv", re.I)
    return next(p for p in edition_files(edition) if pattern.fullmatch(p.name))


def test_quirks_are_visible_in_the_output():
    gallium = read_mcs_commodity_world(_file(2024, "galli"))
    japan = gallium[(gallium.country_raw == "Japane") & (gallium.year == 2022) & (gallium.stage == "refinery")].iloc[0]
    assert japan.iso3 == "JPN" and japan.estimated and "estimate mark 'e'" in japan.read_note
    other = gallium[gallium.country_raw.str.startswith("Other countries")]
    assert (other.iso3 == "OTH").all() and other.read_note.str.contains("footnote").all()
    capacity = gallium[(gallium.stage == "capacity") & (gallium.iso3 == "WLD")].iloc[0]
    header, rows = raw_table(_file(2024, "galli"))
    world = next(r for r in rows if r[1].startswith("World total"))
    assert capacity.value_t == number(world[header.index("Cap_kg_2023")]) * 1e-3  # "1,100,000" kg
    diamonds = read_mcs_commodity_world(_file(2024, "diamo"))
    assert set(diamonds.loc[diamonds.stage == "mine", "unit"]) == {"million carats"}
    assert diamonds["value_t"].isna().all() and diamonds["value"].notna().any()
    fluorspar = read_mcs_commodity_world(_file(2024, "fluor"))  # header cell is the Type text
    assert set(fluorspar.loc[fluorspar.stage != "reserves", "stage"]) == {"mine"}


def test_upper_case_file_name_reads():
    bismuth = next(p for p in edition_files(2024) if p.name.startswith("MCS2024-bismu"))
    assert set(read_mcs_commodity_world(bismuth)["commodity"]) == {"Bismuth"}


def _copy(tmp_path: Path, source: Path, old: str, new: str, name: str | None = None, count: int = 1) -> Path:
    text = source.read_text(encoding="utf-8-sig")
    assert old in text
    target = tmp_path / (name or source.name)
    target.write_text("\ufeff" + text.replace(old, new, count), encoding="utf-8")
    return target


LITHIUM_2024 = "mcs2024-lithi"


@pytest.mark.parametrize(
    "old, new, name, message",
    [
        ("Source,Country,", "Source,Nation,", None, r"not a USGS MCS world table: no column\(s\) Country"),
        ("Prod_t_2022,Prod_t_est_2023", "Output_2022,Output_2023", None, "no a production or capacity column like Prod_t_2022"),
        ("Prod_t_2022", "Prod_lb_2022", None, "unrecognised column 'Prod_lb_2022'"),
        ("Australia,\"Mine production, lithium content\",74700", "Australia,\"Mine production, lithium content\",lots",
         None, r"row \d+, column 'Prod_t_2022': expected a number"),
        ("MCS2024,Australia,", "MCS2024,Atlantis,", None, "cannot harmonise 1 name"),
        ("MCS2024,Australia", "MCS2019,Australia", None, "rows from several editions"),
        ("Source,", "Source,", "mcs2024-unobt_world.csv", "cannot tell the commodity"),
    ],
    ids=["no-country", "no-production-columns", "unknown-unit", "bad-value", "unknown-country", "mixed-editions", "unknown-code"],
)
def test_malformed_copies_fail_with_one_clear_line(tmp_path, old, new, name, message):
    bad = _copy(tmp_path, _file(2024, "lithi"), old, new, name)
    with pytest.raises((DataFileError, UnknownCountryError), match=message) as error:
        mcs_layout(bad)
        read_mcs_commodity_world(bad)
    text = str(error.value)
    assert "\n" not in text and str(bad) in text


def test_a_csv_that_is_not_an_mcs_table_gets_one_line(tmp_path):
    other = tmp_path / "prices.csv"
    other.write_text("date,price\n2024-01-01,3\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"prices\.csv, row 1: not a USGS MCS world table") as error:
        mcs_layout(other)
    assert "\n" not in str(error.value)


def test_unnamed_column_with_values_is_noted_not_silently_dropped():
    barite = read_mcs_commodity_world(_file(2024, "barit"))  # a stray copy of Reserves_kt in an unnamed column
    assert barite.read_note.str.contains("has no name but holds").any()


# ---- the combined 2021–2024 series, against the raw CSVs read with the csv module ----


def per_commodity_value(edition: int, code: str, country: str, column: str) -> float:
    header, rows = raw_table(_file(edition, code))
    row = next(r for r in rows if r[1].strip() == country)
    return number(row[header.index(column)])


def mcs2025_value(commodity: str, country: str, column: str, type_start: str = "Mine production") -> float:
    with open(MCS2025, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["COMMODITY"].strip() == commodity and row["COUNTRY"].strip() == country and row["TYPE"].startswith(type_start):
                return number(row[column])
    raise AssertionError(f"no {commodity} {country} row in MCS 2025")


CASES = [
    ("Lithium", "lithi", "AUS", "Australia", "Prod_t_2021", "Prod_t_est_2022", "Prod_t_2022", "Prod_t_est_2023"),
    ("Rare earths", "raree", "CHN", "China", "Prod_t_2021", "Prod_t_est_2022", "Prod_t_est_2022", "Prod_t_est_2023"),
    ("Cobalt", "cobal", "COD", "Congo (Kinshasa)", "Prod_t_2021", "Prod_t_est_2022", "Prod_t_est_2022", "Prod_t_est_2023"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_series_2021_2024_matches_the_raw_files(usgs, case):
    mineral, code, iso3, country, c2021, c2022_old, c2022, c2023_old = case
    rows = usgs[(usgs.commodity == mineral) & (usgs.iso3 == iso3) & (usgs.stage == "mine") & (usgs.measure == "mine_production")]
    by_year = rows.set_index("year")
    assert sorted(by_year.index) == [2021, 2022, 2023, 2024]
    assert by_year.loc[2021, "value_t"] == per_commodity_value(2023, code, country, c2021)
    assert by_year.loc[2021, "edition"] == 2023
    assert by_year.loc[2022, "value_t"] == per_commodity_value(2024, code, country, c2022)
    assert by_year.loc[2022, "edition"] == 2024
    assert by_year.loc[2023, "value_t"] == mcs2025_value(mineral, country, "PROD_2023")
    assert by_year.loc[2024, "value_t"] == mcs2025_value(mineral, country, "PROD_EST_ 2024")
    # revisions: the older edition's estimate is kept where the newer edition changed it
    for year, edition, old in [(2022, 2023, per_commodity_value(2023, code, country, c2022_old)),
                               (2023, 2024, per_commodity_value(2024, code, country, c2023_old))]:
        row = by_year.loc[year]
        if row.value_t == old:
            assert math.isnan(row.revised_from_t) and row.revised_from_edition is pd_na()
        else:
            assert row.revised_from_t == old and row.revised_from_edition == edition


def pd_na():
    import pandas as pd

    return pd.NA


def test_an_edition_with_the_same_layout_reads_without_code_changes(tmp_path):
    """A 2022-release file (years 2020 and 2021e) in the same layout: edition and years from the file."""
    text = _file(2023, "lithi").read_text(encoding="utf-8-sig")
    text = text.replace("Prod_t_2021", "Prod_t_2020").replace("Prod_t_est_2022", "Prod_t_Est_2021").replace("MCS2023", "MCS2022")
    target = tmp_path / "mcs2022-lithi_world.csv"
    target.write_text("\ufeff" + text, encoding="utf-8")
    frame = read_mcs_commodity_world(target)
    assert set(frame.edition) == {2022}
    assert set(frame.loc[frame.stage == "mine", "year"]) == {2020, 2021}
    assert set(frame.loc[frame.stage == "reserves", "year"]) == {2021}
    assert frame.loc[(frame.stage == "mine") & (frame.year == 2021), "estimated"].all()
