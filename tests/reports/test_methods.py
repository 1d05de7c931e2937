"""Methods page: the worked example recomputes from the raw USGS file, the indicator table is
complete, and the notebook runs and prints the example's figures."""

from __future__ import annotations

import csv

import pytest

from analysis.reports.methods import INDICATORS, methods, stage_coverage, worked_example
from analysis.data import load_usgs
from analysis.text import fmt_share
from tests.support.notebooks import ROOT, execute, html_text

USGS_CSV = ROOT / "data" / "raw" / "usgs-mcs-2025" / "MCS2025_World_Data.csv"


def raw_rare_earth_mine_output_2024() -> dict[str, float]:
    """Country → 2024 rare-earth mine production (t REO), straight from the raw MCS 2025 CSV."""
    out = {}
    with open(USGS_CSV, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["COMMODITY"].strip() == "Rare earths" and row["TYPE"].startswith("Mine production"):
                value = row["PROD_EST_ 2024"].strip().replace(",", "")
                if value:
                    out[row["COUNTRY"].strip()] = float(value)
    return out


def test_worked_example_matches_the_raw_file():
    raw = raw_rare_earth_mine_output_2024()
    world = raw.pop("World total (rounded)")
    china_share = raw["China"] / world
    top3 = sum(sorted((v for k, v in raw.items() if k != "Other countries"), reverse=True)[:3]) / world
    result, text = worked_example(load_usgs(), 2024)
    assert result.world_total_t == pytest.approx(world)
    assert fmt_share(china_share) in text[0] and fmt_share(top3) in text[1]
    named = sum((v / world * 100) ** 2 for k, v in raw.items() if k != "Other countries")
    assert result.hhi_lower == pytest.approx(named, rel=0.01)


def test_stage_coverage_counts_each_stage_and_source_once():
    supply = __import__("analysis.data.supply", fromlist=["load_supply"]).load_supply()
    coverage = stage_coverage(supply)
    assert set(coverage["Stage"]) == {"mining", "refining"}
    assert not coverage.duplicated(["Stage", "Source"]).any()
    countries = supply[supply["entity_kind"] == "country"]
    iea_refined = countries[countries["source"].str.startswith("iea") & (countries["stage"] == "refining")]
    row = coverage[(coverage["Stage"] == "refining") & (coverage["Source"].str.startswith("IEA"))].iloc[0]
    assert row["Minerals"] == iea_refined["mineral"].nunique()


def test_every_indicator_states_a_unit():
    assert all(len(row) == 4 and row[3] for row in INDICATORS)


@pytest.mark.slow
def test_methods_notebook_prints_the_worked_example(tmp_path):
    m = methods(2024)
    text = html_text(execute("methods", tmp_path, year=2024))
    assert m.example_text[0].split(":")[0] in text and fmt_share(m.example.top_k_share) in text
    assert "Sources" in text
