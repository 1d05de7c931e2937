"""The curated sourcing file joined to the partnership events: one row per event, validated."""

from __future__ import annotations

import csv

import pytest

from analysis.data.partnership import read_sourced_events
from analysis.errors import DataFileError

ROOT_EVENTS = ("partnership", "events.csv")
HEADER = "date,event,label,source_type,official_url,official_publisher,accessed,note\n"
EVENTS = (
    "date,event,category,countries,description,source_title,source_url\n"
    "2024-11-27,First dialogue held,dialogue,India; Japan,d,Report A,https://news.example/a\n"
    "2025-08,MoC on minerals signed,agreement,India; Japan,d,Report B,https://news.example/b\n"
)
GOOD = [
    "2024-11-27,First dialogue held,First dialogue,secondary,,,2026-12-02,none found\n",
    "2025-08,MoC on minerals signed,MoC signed,primary,https://gov.example/moc,Ministry X,2026-12-02,read\n",
]


def write(tmp_path, rows: list[str]):
    events = tmp_path / "events.csv"
    events.write_text(EVENTS, encoding="utf-8")
    sources = tmp_path / "sources.csv"
    sources.write_text(HEADER + "".join(rows), encoding="utf-8")
    return events, sources


def test_shipped_files_give_every_event_one_source_type_and_the_best_url(raw_dir):
    from tests.support.project import REPO as ROOT

    curated = ROOT / "data" / "curated" / "partnership-event-sources.csv"
    events = read_sourced_events(raw_dir.joinpath(*ROOT_EVENTS), curated)
    with open(raw_dir.joinpath(*ROOT_EVENTS), encoding="utf-8", newline="") as handle:
        raw = {(r["date"], r["event"]): r for r in csv.DictReader(handle)}
    with open(curated, encoding="utf-8", newline="") as handle:
        sourcing = {(r["date"], r["event"]): r for r in csv.DictReader(handle)}
    assert len(events) == len(raw) == len(sourcing)
    for row in events.itertuples():
        curated_row, raw_row = sourcing[(row.date, row.event)], raw[(row.date, row.event)]
        assert row.source_type == curated_row["source_type"]
        expected = curated_row["official_url"] if curated_row["source_type"] == "primary" else raw_row["source_url"]
        assert row.best_url == expected
    # The one official page the published compilation already cited (METI) is primary.
    meti = events[events.source_url.str.contains("meti.go.jp")]
    assert len(meti) == 1 and meti.source_type.iloc[0] == "primary"


def test_small_join_by_hand(tmp_path):
    events = read_sourced_events(*write(tmp_path, GOOD))
    assert events["source_type"].tolist() == ["secondary", "primary"]
    assert events["best_url"].tolist() == ["https://news.example/a", "https://gov.example/moc"]
    assert events["best_title"].tolist() == ["Report A", "Ministry X"]
    assert events["label"].tolist() == ["First dialogue", "MoC signed"]


@pytest.mark.parametrize(
    ("rows", "message", "line"),
    [
        ([GOOD[0]], r"no sourcing row for the event on line 3 of the events file", None),
        ([GOOD[0], GOOD[1], GOOD[1]], r"more than one sourcing row \(first on line 3\)", 4),
        ([GOOD[0], GOOD[1].replace("MoC on minerals", "MoC on mineral")], r"names an event that is not in the events file", 3),
        ([GOOD[0], GOOD[1].replace(",primary,", ",official,")], r"source_type must be one of primary, secondary", 3),
        ([GOOD[0], GOOD[1].replace("https://gov.example/moc", "")], r"primary row needs an http\(s\) official_url", 3),
        ([GOOD[0], GOOD[1].replace("Ministry X", "")], r"primary row needs its official_publisher", 3),
        ([GOOD[0].replace(",,,", ",https://gov.example/x,,"), GOOD[1]], r"secondary row names no official page", 2),
        ([GOOD[0].replace("First dialogue,", "First dialogue of 2023,"), GOOD[1]], r"label has number\(s\) 2023", 2),
        ([GOOD[0].replace("First dialogue,", "x" * 49 + ","), GOOD[1]], r"label must have 1 to 48 characters \(it has 49\)", 2),
        ([GOOD[0], GOOD[1].replace("MoC signed", "")], r"label must have 1 to 48 characters", 3),
    ],
    ids=["missing", "duplicate", "unknown-event", "bad-type", "primary-no-url", "primary-no-publisher",
         "secondary-with-url", "invented-number", "long-label", "empty-label"],
)
def test_malformed_sourcing_file_fails_with_a_clear_line(tmp_path, rows, message, line):
    events, sources = write(tmp_path, rows)
    with pytest.raises(DataFileError, match=message) as caught:
        read_sourced_events(events, sources)
    assert caught.value.path == sources
    assert caught.value.row == line
