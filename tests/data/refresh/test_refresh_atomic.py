"""Every step is atomic: an interrupted or failed import leaves data/ byte-for-byte as it was."""

from __future__ import annotations

import errno
import os

import pytest

from analysis.cli import main
from analysis.data.refresh import transaction
from analysis.data.usgs import load_usgs

from tests.support.refresh import MCS2024_RE, assert_no_staging_left, assert_package_valid, tree_digest

IMPORT = ["data", "import-mcs", str(MCS2024_RE)]


@pytest.fixture
def before_rare_earths(project):
    project.remove_resources("usgs-mcs-2024-rare-earths")
    return project


def test_interrupt_between_copy_and_package_write(before_rare_earths, monkeypatch, capsys):
    project = before_rare_earths
    before = tree_digest(project.data)
    real_replace = os.replace
    reached = []

    def interrupted(src, dst, *args, **kwargs):
        if str(dst).endswith("datapackage.json"):
            # the raw file and the history snapshot are already in data/ at this point
            reached.append((project.data / "raw/usgs-mcs-2024/mcs2024-raree_world-1.csv").exists())
            raise KeyboardInterrupt
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(transaction.os, "replace", interrupted)
    assert main(IMPORT) == 130
    assert "econsec: interrupted" in capsys.readouterr().err
    assert reached == [True]
    assert tree_digest(project.data) == before
    assert_package_valid(project)
    assert_no_staging_left(project)
    monkeypatch.undo()
    # and the import can simply be run again
    assert main(IMPORT) == 0
    assert "Rare earths" in set(load_usgs().loc[lambda f: f["year"] == 2022, "commodity"])


def test_disk_full_while_staging(before_rare_earths, monkeypatch, capsys):
    project = before_rare_earths
    before = tree_digest(project.data)

    def full_disk(src, dst, *args, **kwargs):
        with open(dst, "wb") as handle:
            handle.write(open(src, "rb").read(100))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(transaction.shutil, "copyfile", full_disk)
    assert main(IMPORT) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "nothing was written" in err and "Traceback" not in err
    assert tree_digest(project.data) == before
    assert_no_staging_left(project)


def test_failure_after_moving_the_raw_file_is_rolled_back(before_rare_earths, monkeypatch, capsys):
    project = before_rare_earths
    before = tree_digest(project.data)
    real_rename = os.rename

    def fail_on_snapshot(src, dst, *args, **kwargs):
        if "history" in str(dst):
            raise OSError(errno.EIO, "Input/output error")
        return real_rename(src, dst, *args, **kwargs)

    monkeypatch.setattr(transaction.os, "rename", fail_on_snapshot)
    assert main(IMPORT) == 2
    assert "every change was undone" in capsys.readouterr().err
    assert tree_digest(project.data) == before  # raw file and its new folder removed again
    assert_package_valid(project)
    assert_no_staging_left(project)


def test_validation_failure_after_staging_changes_nothing(before_rare_earths, monkeypatch, capsys):
    """The combined loader runs on the staged state before anything moves; if it fails, nothing does."""
    from analysis.data.refresh import mcs
    from analysis.errors import DataFileError

    def broken(path):
        raise DataFileError(path, "simulated: editions do not combine")

    monkeypatch.setattr(mcs, "load_usgs", broken)
    before = tree_digest(before_rare_earths.data)
    assert main(IMPORT) == 2
    assert "simulated: editions do not combine" in capsys.readouterr().err
    assert tree_digest(before_rare_earths.data) == before
    assert_no_staging_left(before_rare_earths)


def test_package_changed_by_someone_else_meanwhile(before_rare_earths, monkeypatch, capsys):
    from analysis.data.refresh import mcs

    project = before_rare_earths
    real_load = mcs.load_usgs
    other = project.package_path.read_bytes().replace(b'"version": "2025.1.0"', b'"version": "2025.1.1"')

    def other_process_writes(path):
        project.package_path.write_bytes(other)
        return real_load(path)

    monkeypatch.setattr(mcs, "load_usgs", other_process_writes)
    assert main(IMPORT) == 2
    assert "changed while this command ran; nothing was written" in capsys.readouterr().err
    assert project.package_path.read_bytes() == other  # the other writer's version is kept
    assert not (project.data / "raw/usgs-mcs-2024/mcs2024-raree_world-1.csv").exists()
    assert_no_staging_left(project)


def test_view_of_the_staged_state_reads_old_files_through_links(before_rare_earths):
    project = before_rare_earths
    with transaction.DataTransaction("test", project.data) as tx:
        tx.add_file("raw/usgs-mcs-2024/mcs2024-raree_world-1.csv", source=MCS2024_RE)
        with pytest.raises(transaction.RefreshError, match="already exists; raw files are never overwritten"):
            tx.add_file("raw/usgs-mcs-2025/MCS2025_World_Data.csv", source=MCS2024_RE)
        with pytest.raises(transaction.RefreshError, match="new files go under data/raw/"):
            tx.add_file("../escape.csv", data=b"x")
        view = tx.view()
        assert (view.parent / "raw/usgs-mcs-2025/MCS2025_World_Data.csv").is_symlink()
        staging = tx.staging
    assert not staging.exists()
