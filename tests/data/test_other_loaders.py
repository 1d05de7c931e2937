"""WGI (comma decimals), partnership files and China's monthly exports."""

from __future__ import annotations

import csv

import pytest

from analysis.data.china_exports import read_china_exports_groups, read_china_exports_hs6
from analysis.data.partnership import read_critical_mineral_lists, read_events, read_frameworks
from analysis.data.wgi import read_political_stability, read_wgi
from analysis.errors import DataFileError
from tests.support.files import copy_with

STABILITY = ("trade", "critical-minerals-risk-index", "stability_data.csv")


def test_comma_decimals_are_read(raw_dir):
    frame = read_political_stability(raw_dir.joinpath(*STABILITY)).set_index("iso3")
    with open(raw_dir.joinpath(*STABILITY), newline="", encoding="utf-8") as handle:
        raw = {r["Country Code"]: r["2023"] for r in csv.DictReader(handle)}
    for code in ("JPN", "IND", "CHN"):
        assert frame.loc[code, "percentile_rank"] == pytest.approx(float(raw[code].replace(",", ".")))
    assert frame.percentile_rank.dropna().between(0, 100).all()
    assert frame.percentile_rank.isna().sum() == sum(1 for v in raw.values() if not v.strip())


def test_wgi_point_decimal_in_comma_file_would_be_text(tmp_path, raw_dir):
    bad = copy_with(tmp_path, raw_dir.joinpath(*STABILITY), ('"81,5165863037109"', '"high"'), encoding="utf-8")
    with pytest.raises(DataFileError, match="'high'"):
        read_political_stability(bad)


def test_wgi_all_indicators(raw_dir):
    frame = read_wgi(raw_dir / "trade" / "wgi" / "WGIData.csv")
    dims = {c.split(".")[0] for c in frame.indicator_code}
    assert dims == {"CC", "GE", "PV", "RQ", "RL", "VA"}
    assert frame.year.max() == 2018


def test_events_dates_and_precision(raw_dir):
    events = read_events(raw_dir / "partnership" / "events.csv")
    assert len(events) == 50
    moc = events[events.event.str.contains("Memorandum of Cooperation in the Field of Mineral Resources")].iloc[0]
    assert moc.date == "2025-08" and moc.date_precision == "month"
    assert events.source_url.str.startswith("http").all()
    assert events.date_start.is_monotonic_increasing


def test_events_bad_date_is_named(tmp_path, raw_dir):
    bad = copy_with(tmp_path, raw_dir / "partnership" / "events.csv", ("2024-11-27,", "27/11/2024,"), encoding="utf-8")
    with pytest.raises(DataFileError, match="27/11/2024"):
        read_events(bad)


def test_frameworks_and_lists(raw_dir):
    frameworks = read_frameworks(raw_dir / "partnership" / "frameworks.csv")
    assert "EUU" in set(frameworks.iso3)
    assert frameworks.joined.isna().sum() == 5  # Norway MSP and the four Quad rows have no sourced date
    lists = read_critical_mineral_lists(raw_dir / "partnership" / "critical_mineral_lists.csv")
    assert lists.groupby("country").size().to_dict() == {"India": 30, "Japan": 31}
    assert {"Rare earths"} <= set(lists.loc[lists.country == "India", "mineral_std"])
    assert {"Rare earths"} <= set(lists.loc[lists.country == "Japan", "mineral_std"])


def test_china_exports(raw_dir):
    hs6 = read_china_exports_hs6(raw_dir / "trade" / "ChinaCriticalMineralComtrade" / "deep_dive_hs6_monthly.csv")
    groups = read_china_exports_groups(raw_dir / "trade" / "ChinaCriticalMineralComtrade" / "country_monthly_stats.csv")
    assert {"IND", "JPN"} <= set(hs6.partner_iso3)
    assert hs6.month.min().year == 2017 and hs6.month.max().year == 2024
    assert set(groups.loc[groups.partner_iso3 == "IND", "product_group"]) == {"Graphite", "Gallium/Germanium"}
