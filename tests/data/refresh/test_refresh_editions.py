"""`econsec data import-mcs`: editions side by side, combined, revisions visible."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
from tests.support.refresh import MCS2024_RE, MCS2025, REAL_DATA, assert_no_staging_left, assert_package_valid, tree_digest

from analysis.cli import main
from analysis.data.package import accessed_kinds, kind_members
from analysis.data.usgs import load_usgs, revisions
from analysis.data.usgs_world import read_mcs_world

USGS = ("usgs-mcs-2025-world", "usgs-mcs-2024-rare-earths")


def rare_earths_world_2025(column: str) -> float:
    """A World-total cell of MCS2025_World_Data.csv's rare-earth row, read with the csv module."""
    with open(MCS2025, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["COMMODITY"].strip() == "Rare earths" and row["COUNTRY"].strip().startswith("World total"):
                return float(row[column].replace(",", ""))
    raise AssertionError("no rare-earth World row")


def rare_earths_2024(country: str, column: str) -> float:
    with open(MCS2024_RE, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Country"].strip().startswith(country):
                return float(row[column].replace(",", ""))
    raise AssertionError(f"no {country} row")


def import_both(project, order=(MCS2024_RE, MCS2025)) -> None:
    project.remove_resources(*USGS)
    for path in order:
        assert main(["data", "import-mcs", str(path)]) == 0


def test_2024_rare_earth_file_and_2025_data_give_2022_to_2024_with_2023_revision(project, capsys):
    project.remove_imported_editions()
    import_both(project)
    out = capsys.readouterr().out
    assert "added usgs-mcs-2024-rare-earths" in out and "added usgs-mcs-2025-world" in out

    usgs = load_usgs()
    world = usgs[(usgs["commodity"] == "Rare earths") & (usgs["iso3"] == "WLD") & (usgs["measure"] == "mine_production")]
    world = world.set_index("year")
    assert sorted(world.index) == [2022, 2023, 2024]
    assert world.loc[2022, "value_t"] == rare_earths_2024("World", "Prod_t_est_2022")
    assert world.loc[2022, "edition"] == 2024
    assert world.loc[2023, "value_t"] == rare_earths_world_2025("PROD_2023")  # the newer edition wins
    assert world.loc[2023, "revised_from_t"] == rare_earths_2024("World", "Prod_t_est_2023")
    assert world.loc[2023, "revised_from_edition"] == 2024
    assert world.loc[2024, "value_t"] == rare_earths_world_2025("PROD_EST_ 2024")

    notes = revisions(usgs)
    world_note = notes[(notes["iso3"] == "WLD") & (notes["commodity"] == "Rare earths")]["note"].tolist()
    old = rare_earths_2024("World", "Prod_t_est_2023")
    assert world_note == [f"MCS 2025: {rare_earths_world_2025('PROD_2023'):,.0f} t, revised from {old:,.0f} t (MCS 2024, "
                          f"{rare_earths_world_2025('PROD_2023') / old - 1:+.1%})"]
    assert_package_valid(project)
    assert_no_staging_left(project)


def test_import_order_does_not_change_the_combined_series(project):
    import_both(project, order=(MCS2025, MCS2024_RE))
    newest_first = load_usgs()
    import_both(project, order=(MCS2024_RE, MCS2025))
    pd.testing.assert_frame_equal(load_usgs(), newest_first)


def test_imported_entries_reproduce_the_shipped_name_path_hash_and_size(project):
    shipped = {e["name"]: e for e in json.loads((REAL_DATA / "datapackage.json").read_text())["resources"]}
    import_both(project)
    for name in USGS:
        entry = project.resource(name)
        for key in ("path", "hash", "bytes", "encoding"):
            assert entry[key] == shipped[name][key], (name, key)
        assert entry["econsec"]["edition"] == shipped[name]["econsec"]["edition"]
        assert entry["econsec"]["kind"] == shipped[name]["econsec"]["kind"]
        assert entry["sources"][0]["path"] == shipped[name]["sources"][0]["path"]  # the DOI
    years = project.resource("usgs-mcs-2025-world")["econsec"]["years"]
    header = open(MCS2025, encoding="utf-8-sig").readline()
    assert years["reserves"] == [int(header.split("RESERVES_")[1][:4])]  # read from the header


def test_reimporting_the_same_file_changes_nothing(project, capsys):
    before = tree_digest(project.data)
    assert main(["data", "import-mcs", str(MCS2025)]) == 0
    assert "already in the data package as 'usgs-mcs-2025-world'" in capsys.readouterr().out
    assert tree_digest(project.data) == before


def test_malformed_mcs_file_names_file_row_column_and_value(project, tmp_path, capsys):
    lines = MCS2025.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.startswith("MCS2025,Rare earths,China"))
    lines[number] = lines[number].replace(",255000,", ",25S000,", 1)
    bad = tmp_path / "MCS2025_World_Data.csv"
    bad.write_text("".join(lines), encoding="utf-8-sig")
    project.remove_resources("usgs-mcs-2025-world")
    before = tree_digest(project.data)

    assert main(["data", "import-mcs", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and f"row {number + 1}" in err and "'PROD_2023'" in err and "'25S000'" in err
    assert "Traceback" not in err
    assert tree_digest(project.data) == before
    assert_package_valid(project)


def test_a_file_that_is_not_an_mcs_table_lists_the_accepted_layouts(project, capsys):
    before = tree_digest(project.data)
    assert main(["data", "import-mcs", str(REAL_DATA / "raw/partnership/events.csv")]) == 2
    err = capsys.readouterr().err
    assert "not a USGS MCS world table" in err and "SOURCE, COMMODITY, COUNTRY, TYPE, UNIT_MEAS" in err
    assert main(["data", "import-mcs", str(project.root / "missing.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert tree_digest(project.data) == before


def test_edition_without_known_doi_needs_doi(project, monkeypatch, capsys):
    from analysis.data.refresh import mcs

    monkeypatch.setattr(mcs, "KNOWN_DOIS", {})
    project.remove_resources("usgs-mcs-2024-rare-earths")
    before = tree_digest(project.data)
    assert main(["data", "import-mcs", str(MCS2024_RE)]) == 2
    assert "no DOI on record for MCS 2024; pass --doi" in capsys.readouterr().err
    assert tree_digest(project.data) == before
    assert main(["data", "import-mcs", str(MCS2024_RE), "--doi", "not-a-doi"]) == 2
    assert "is not a DOI" in capsys.readouterr().err
    assert main(["data", "import-mcs", str(MCS2024_RE), "--doi", "doi:10.5066/P144BA54"]) == 0
    assert project.resource("usgs-mcs-2024-rare-earths")["sources"][0]["path"] == "https://doi.org/10.5066/P144BA54"


def test_a_different_file_for_an_edition_already_present_is_refused(project, tmp_path, capsys):
    text = MCS2025.read_text(encoding="utf-8-sig").replace(",255000,", ",256000,", 1)
    reissued = tmp_path / "MCS2025_World_Data_v2.csv"
    reissued.write_text(text, encoding="utf-8-sig")
    before = tree_digest(project.data)
    assert main(["data", "import-mcs", str(reissued)]) == 2
    assert "already has resource 'usgs-mcs-2025-world' with a different file" in capsys.readouterr().err
    assert tree_digest(project.data) == before


def test_newest_edition_keeps_every_type_and_the_capacity_value_of_each_line(project):
    usgs = load_usgs()
    edition = read_mcs_world(MCS2025)
    key = ["commodity", "measure", "year", "type"]
    expected = edition.groupby(key)["iso3"].agg(lambda s: sorted(set(s)))
    combined = usgs[usgs["edition"] == 2025].groupby(key)["iso3"].agg(lambda s: sorted(set(s)))
    pd.testing.assert_series_equal(combined, expected)
    # a capacity row's value is in CAP_2023 (its PROD_2023 cell is empty): it must survive
    with open(MCS2025, encoding="utf-8-sig", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["COMMODITY"] == "Abrasives" and r["COUNTRY"] == "Australia")
    value = usgs[(usgs["commodity"] == "Abrasives") & (usgs["iso3"] == "AUS") & (usgs["year"] == 2023)
                 & (usgs["type"] == " ".join(row["TYPE"].split()))]["value_t"]
    assert value.tolist() == [float(row["CAP_2023"])]
    # revisions only ever come from an older edition
    revised = usgs[usgs["revised_from_edition"].notna()]
    assert (revised["revised_from_edition"] < revised["edition"]).all()


def test_package_without_kind_properties_reads_the_same(project):
    project.remove_imported_editions()
    expected = load_usgs()
    package = project.package()
    for entry in package["resources"]:
        entry.pop("econsec", None)
    project.package_path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n")
    pd.testing.assert_frame_equal(load_usgs(), expected)


def test_discovery_is_recorded_so_a_new_edition_invalidates_reports(project):
    project.remove_imported_editions()
    project.remove_resources("usgs-mcs-2024-rare-earths")
    load_usgs()
    assert {"usgs-mcs-world", "usgs-mcs-commodity-world"} <= set(accessed_kinds())
    before = kind_members(["usgs-mcs-world", "usgs-mcs-commodity-world"])
    assert before["usgs-mcs-commodity-world"] == []
    assert main(["data", "import-mcs", str(MCS2024_RE)]) == 0
    after = kind_members(["usgs-mcs-world", "usgs-mcs-commodity-world"])
    assert after["usgs-mcs-world"] == before["usgs-mcs-world"]  # existing entries untouched
    assert after["usgs-mcs-commodity-world"] == [f"usgs-mcs-2024-rare-earths={project.resource('usgs-mcs-2024-rare-earths')['hash']}"]


@pytest.mark.parametrize("name", USGS)
def test_shipped_entries_carry_kind_and_edition(name):
    entry = next(e for e in json.loads((REAL_DATA / "datapackage.json").read_text())["resources"] if e["name"] == name)
    assert entry["econsec"]["edition"] == int(name.split("-")[2])
