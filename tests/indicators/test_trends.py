"""Trend indicators and charts: small constructed cases with hand-computed answers, and the real
2021–2024 rare-earth series against the raw CSVs."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import ParameterError
from analysis.indicators.trends import concentration_trend, material_revisions, production_by_country

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


def _row(year, iso3, country, kind, value, *, edition=2025, old=np.nan, old_edition=pd.NA, status="reported"):
    return {
        "commodity": "Testium", "measure": "mine_production", "stage": "mine", "type": "Mine production",
        "year": year, "iso3": iso3, "country": country, "entity_kind": kind, "value_t": value, "value": value,
        "unit": "metric tons", "value_status": status, "note": "", "edition": edition, "estimated": year == 2024,
        "revised_from_t": old, "revised_from_edition": old_edition,
    }


@pytest.fixture
def frame():
    rows = [
        # 2023: China 60, Australia 30, Japan 0 (reported zero), Other 10, World 100
        _row(2023, "CHN", "China", "country", 60.0, old=50.0, old_edition=2024),
        _row(2023, "AUS", "Australia", "country", 30.0, old=29.0, old_edition=2024),
        _row(2023, "JPN", "Japan", "country", 0.0),
        _row(2023, "OTH", "Other countries", "other", 10.0),
        _row(2023, "WLD", "World", "world", 100.0, old=90.0, old_edition=2024),
        # 2024: China 50, Australia 40, India withheld, World 100 (residual 10 by difference)
        _row(2024, "CHN", "China", "country", 50.0),
        _row(2024, "AUS", "Australia", "country", 40.0),
        _row(2024, "IND", "India", "country", np.nan, status="withheld"),
        _row(2024, "WLD", "World", "world", 100.0),
    ]
    out = pd.DataFrame(rows)
    out["revised_from_edition"] = out["revised_from_edition"].astype("Int64")
    return out


def test_concentration_trend_hand_computed(frame):
    trend = concentration_trend(frame, "Testium", "mine").set_index("year")
    assert list(trend.index) == [2023, 2024]
    assert trend.loc[2023, "leader"] == "China" and trend.loc[2023, "leader_share"] == pytest.approx(0.6)
    assert trend.loc[2023, "top3_share"] == pytest.approx(0.9)
    assert trend.loc[2023, "hhi_lower"] == pytest.approx(60**2 + 30**2)
    assert trend.loc[2023, "hhi_upper"] == pytest.approx(60**2 + 30**2 + 10**2)
    assert trend.loc[2023, "japan_share"] == 0.0  # listed with a reported zero
    assert math.isnan(trend.loc[2023, "india_share"])  # not listed: unknown, never 0
    assert math.isnan(trend.loc[2024, "india_share"])  # withheld: unknown, never 0
    assert trend.loc[2024, "china_share"] == pytest.approx(0.5) and trend.loc[2024, "estimated"]


def test_bloc_shares_use_members_as_of_each_year(frame):
    frameworks = pd.DataFrame({"framework": ["Quad", "Quad"], "iso3": ["AUS", "JPN"],
                               "joined": [pd.Timestamp("2024-06-01"), pd.NaT]})
    trend = concentration_trend(frame, "Testium", frameworks=frameworks, blocs=("Quad", "India–Japan")).set_index("year")
    assert trend.loc[2023, "share_Quad"] == pytest.approx(0.0)  # only Japan (undated, counted) with 0
    assert trend.loc[2024, "share_Quad"] == pytest.approx(0.4)  # Australia joined in 2024
    assert trend.loc[2023, "share_India–Japan"] == pytest.approx(0.0)


def test_material_revisions_need_both_thresholds(frame):
    table = material_revisions(frame, "Testium")
    # China +10 (20 % of 50, 10 % of world) is material; Australia +1 (3 %) is not; World +10 listed
    assert list(zip(table["iso3"], table["change_t"])) == [("CHN", 10.0), ("WLD", 10.0)]
    assert table.set_index("iso3").loc["CHN", "change"] == pytest.approx(0.2)
    assert table.set_index("iso3").loc["CHN", "change_of_world"] == pytest.approx(0.1)
    assert material_revisions(frame, "Testium", min_world_share=0.2).iso3.tolist() == ["WLD"]


def test_production_by_country_shares(frame):
    table = production_by_country(frame, "Testium").set_index(["year", "iso3"])
    assert table.loc[(2024, "AUS"), "share"] == pytest.approx(0.4)
    assert math.isnan(table.loc[(2024, "IND"), "value_t"]) and table.loc[(2024, "IND"), "value_status"] == "withheld"


def test_unknown_stage_and_mineral_are_named(frame):
    with pytest.raises(ParameterError, match="unknown stage 'mines'; valid: mine, refinery"):
        concentration_trend(frame, "Testium", "mines")
    with pytest.raises(ParameterError, match="unknown mineral 'Testum'"):
        concentration_trend(frame, "Testum")


def _raw_share(path: Path, country: str, column: str) -> float:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r.get("Country", "").strip()]
    value = {r["Country"].strip(): r[column] for r in rows}
    world = next(v for k, v in value.items() if k.startswith("World total"))
    return float(value[country].replace(",", "")) / float(world.replace(",", ""))


def test_real_rare_earth_trend_matches_the_raw_files(usgs):
    trend = concentration_trend(usgs, "Rare earths", "mine").set_index("year")
    assert list(trend.index) == [2021, 2022, 2023, 2024]
    assert trend.loc[2021, "edition"] == 2023 and trend.loc[2022, "edition"] == 2024
    assert trend.loc[2021, "china_share"] == pytest.approx(_raw_share(RAW / "usgs-mcs-2023/mcs2023-raree_world.csv", "China", "Prod_t_2021"))
    assert trend.loc[2022, "china_share"] == pytest.approx(_raw_share(RAW / "usgs-mcs-2024/mcs2024-raree_world-1.csv", "China", "Prod_t_est_2022"))


def test_trend_charts_carry_title_units_years_source_and_description(usgs):
    from analysis.charts.trends import concentration_trend_chart, production_trend_chart

    production = production_by_country(usgs, "Lithium", "mine")
    chart = production_trend_chart(production, mineral="Lithium", stage_label="mine production",
                                   unit_note="lithium content", source="USGS MCS 2023–2025").to_dict()
    inner = chart["vconcat"][0]
    assert inner["title"]["text"] == "Lithium: mine production by country, 2021–2024"
    assert "Tonnes (lithium content), 2021–2024" in inner["title"]["subtitle"]
    assert chart["title"]["text"].startswith("Source: USGS") and "Australia" in chart["description"]
    trend = concentration_trend(usgs, "Lithium", "mine")
    chart = concentration_trend_chart(trend, mineral="Lithium", stage_label="mine production", source="USGS").to_dict()
    assert "2021–2024" in chart["vconcat"][0]["title"]["text"] and "HHI" in chart["description"]
