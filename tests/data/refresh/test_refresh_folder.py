"""`econsec data import-mcs DIR`: every world CSV of an edition folder in one atomic step."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.refresh import REAL_DATA, assert_no_staging_left, assert_package_valid, tree_digest

from analysis.cli import main

EDITION_2023 = REAL_DATA / "raw" / "usgs-mcs-2023"
CODES = ("lithi", "cobal", "galli")


def _folder(tmp_path: Path, codes=CODES) -> Path:
    folder = tmp_path / "mcs2023_world"
    folder.mkdir()
    for code in codes:
        shutil.copyfile(EDITION_2023 / f"mcs2023-{code}_world.csv", folder / f"mcs2023-{code}_world.csv")
    (folder / "mcs2023-lithi_meta.xml").write_text("<metadata/>", encoding="utf-8")  # not a CSV: ignored
    return folder


def _without_2023(project) -> None:
    names = [e["name"] for e in project.package()["resources"] if e["name"].startswith("usgs-mcs-2023-")]
    project.remove_resources(*names)
    shutil.rmtree(project.data / "raw" / "usgs-mcs-2023", ignore_errors=True)


def test_folder_import_adds_every_file_in_one_step_then_is_a_no_op(project, tmp_path, capsys):
    _without_2023(project)
    folder = _folder(tmp_path)
    assert main(["data", "import-mcs", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "added 3 file(s)" in out and "3 commodities, years 2021–2022" in out
    names = {e["name"] for e in project.package()["resources"]}
    assert {"usgs-mcs-2023-lithium", "usgs-mcs-2023-cobalt", "usgs-mcs-2023-gallium"} <= names
    assert len(list((project.data / "history").iterdir())) == 1  # one transaction, one snapshot
    assert_package_valid(project)

    before = tree_digest(project.data)
    assert main(["data", "import-mcs", str(folder)]) == 0
    assert "all 3 world CSVs are already in the data package; nothing to do" in capsys.readouterr().out
    assert tree_digest(project.data) == before


def test_folder_import_is_atomic_when_one_file_is_bad(project, tmp_path, capsys):
    _without_2023(project)
    folder = _folder(tmp_path)
    bad = folder / "mcs2023-galli_world.csv"
    bad.write_text(bad.read_text(encoding="utf-8-sig").replace("MCS2023,China,", "MCS2023,Atlantis,", 1), encoding="utf-8")
    before = tree_digest(project.data)
    assert main(["data", "import-mcs", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "mcs2023-galli_world.csv" in err and "Atlantis" in err
    assert tree_digest(project.data) == before  # the two good files were not added either
    assert not (project.data / "raw" / "usgs-mcs-2023").exists()
    assert_no_staging_left(project)


def test_file_already_in_the_package_under_another_name_is_not_added_twice(project, tmp_path, capsys):
    folder = tmp_path / "mcs2024_world"
    folder.mkdir()
    # the shipped rare-earth file (data/raw/usgs-mcs-2024/mcs2024-raree_world-1.csv) under USGS's name
    shutil.copyfile(REAL_DATA / "raw/usgs-mcs-2024/mcs2024-raree_world-1.csv", folder / "mcs2024-raree_world.csv")
    before = tree_digest(project.data)
    assert main(["data", "import-mcs", str(folder)]) == 0
    assert "already in the data package" in capsys.readouterr().out
    assert tree_digest(project.data) == before


def test_status_lists_three_editions(project, capsys):
    assert main(["data", "status"]) == 0
    out = capsys.readouterr().out
    assert "MCS 2023  77 per-commodity  2021–2022" in out
    assert "MCS 2024  77 per-commodity  2022–2023" in out
    assert "MCS 2025  1 all-commodity   2023–2024" in out
