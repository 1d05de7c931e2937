"""The build's frame cache (analysis.data.frame_cache): parsed once, never stale, hashes still checked."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import frame_cache, package, usgs
from analysis.errors import DataFileError

REPO = Path(__file__).resolve().parents[2]


def _count_reads(reader):
    calls = []

    def counting(path, *args):
        calls.append(Path(path).name)
        return reader(path, *args)

    counting.__module__, counting.__qualname__ = reader.__module__, reader.__qualname__
    return counting, calls


def _toy_reader(path, scale=1):
    frame = pd.read_csv(path)
    return frame.assign(value=frame["value"] * scale)


def test_without_the_variable_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.delenv(frame_cache.ENV, raising=False)
    csv = tmp_path / "toy.csv"
    csv.write_text("country,value\nA,1\n", encoding="utf-8")
    reader, calls = _count_reads(_toy_reader)
    frame_cache.read_cached(reader, csv)
    frame_cache.read_cached(reader, csv)
    assert calls == ["toy.csv", "toy.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["toy.csv"]


def test_a_second_read_comes_from_the_cache_and_a_changed_file_is_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setenv(frame_cache.ENV, str(tmp_path / "frames"))
    csv = tmp_path / "toy.csv"
    csv.write_text("country,value\nA,1\nB,2\n", encoding="utf-8")
    reader, calls = _count_reads(_toy_reader)
    first = frame_cache.read_cached(reader, csv, 10)
    second = frame_cache.read_cached(reader, csv, 10)
    assert calls == ["toy.csv"]
    pd.testing.assert_frame_equal(first, second)
    assert second["value"].tolist() == [10, 20]
    second.loc[0, "value"] = -1  # callers get their own copy
    assert frame_cache.read_cached(reader, csv, 10)["value"].tolist() == [10, 20]
    assert frame_cache.read_cached(reader, csv, 3)["value"].tolist() == [3, 6]  # other arguments, other entry
    csv.write_text("country,value\nA,5\nB,2\n", encoding="utf-8")  # same size, new content
    assert frame_cache.read_cached(reader, csv, 10)["value"].tolist() == [50, 20]
    assert calls == ["toy.csv", "toy.csv", "toy.csv"]


def test_a_damaged_entry_is_parsed_again_and_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv(frame_cache.ENV, str(tmp_path / "frames"))
    csv = tmp_path / "toy.csv"
    csv.write_text("country,value\nA,1\n", encoding="utf-8")
    reader, calls = _count_reads(_toy_reader)
    frame_cache.read_cached(reader, csv)
    (entry,) = (tmp_path / "frames").glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert frame_cache.read_cached(reader, csv)["value"].tolist() == [1]
    assert len(calls) == 2
    assert frame_cache.read_cached(reader, csv)["value"].tolist() == [1] and len(calls) == 2
    assert not list((tmp_path / "frames").glob(".*"))  # no temporary file left behind


def test_old_states_of_a_file_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setenv(frame_cache.ENV, str(tmp_path / "frames"))
    csv = tmp_path / "toy.csv"
    reader, calls = _count_reads(_toy_reader)
    for value in range(5):
        csv.write_text(f"country,value\nA,{value}\n", encoding="utf-8")
        frame_cache.read_cached(reader, csv)
    assert len(list((tmp_path / "frames").glob("*.pickle"))) == frame_cache.KEEP
    assert frame_cache.read_cached(reader, csv)["value"].tolist() == [4] and len(calls) == 5  # newest kept


@pytest.fixture()
def data_copy(tmp_path):
    shutil.copytree(REPO / "data", tmp_path / "data", ignore=shutil.ignore_patterns("history"))
    return tmp_path / "data" / "datapackage.json"


def test_load_usgs_from_the_cache_equals_a_fresh_parse_and_records_every_resource(data_copy, tmp_path, monkeypatch):
    fresh = usgs.load_usgs(data_copy)
    monkeypatch.setenv(frame_cache.ENV, str(tmp_path / "frames"))
    usgs.load_usgs(data_copy)  # fills the cache
    monkeypatch.setattr(usgs, "_combine_editions", lambda *a: pytest.fail("parsed again although nothing changed"))
    monkeypatch.setattr(package, "_ACCESSED", {})
    cached = usgs.load_usgs(data_copy)
    pd.testing.assert_frame_equal(cached, fresh)
    recorded = set(package.accessed_resources())
    assert {e["name"] for e in usgs.mcs_resources(data_copy)} == recorded  # dependencies as without the cache
    assert len(recorded) > 150


def test_a_cached_frame_is_never_served_for_a_file_that_no_longer_matches_its_hash(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv(frame_cache.ENV, str(tmp_path / "frames"))
    usgs.load_usgs(data_copy)
    entry = next(e for e in usgs.mcs_resources(data_copy) if e["name"] == "usgs-mcs-2023-cobalt")
    path = data_copy.parent / entry["path"]
    path.write_bytes(path.read_bytes().replace(b"Congo", b"Kongo", 1))
    with pytest.raises(DataFileError, match="sha256 differs"):
        usgs.load_usgs(data_copy)
