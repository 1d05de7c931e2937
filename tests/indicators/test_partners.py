"""Partner lens: bloc membership as of a date, bloc shares, India–Japan complementarity."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.errors import ParameterError
from analysis.indicators.partners import EU27, bloc_members, bloc_shares, complementarity

from tests.support.indicators import FRAMEWORKS, LISTS, QUAD_CHINA, QUAD_WORLD, csv_dicts, mcs_rows, mcs_value, quad_rows, synthetic_usgs


def synthetic_frameworks() -> pd.DataFrame:
    """SYNTHETIC membership rows: two founders, one later joiner, one undated, the EU."""
    rows = [
        ("Test Partnership", "AAA", "2020-01-01"),
        ("Test Partnership", "BBB", "2020-01-01"),
        ("Test Partnership", "CCC", "2023-06-01"),
        ("Test Partnership", "DDD", None),
        ("Test Partnership", "EUU", "2020-01-01"),
    ]
    frame = pd.DataFrame(rows, columns=["framework", "iso3", "joined"])
    frame["joined"] = pd.to_datetime(frame["joined"])
    return frame


# ------------------------------------------------------------------ hand-computed


def test_membership_as_of_a_date():
    frameworks = synthetic_frameworks()
    early = bloc_members(frameworks, "Test Partnership", as_of="2022-12-31")
    assert early.members == ("AAA", "BBB", "DDD")  # CCC joined later; DDD undated but included; EU not a country
    late = bloc_members(frameworks, "Test Partnership", as_of="2023-06-01")
    assert "CCC" in late.members
    strict = bloc_members(frameworks, "Test Partnership", as_of="2022-12-31", undated="exclude")
    assert strict.members == ("AAA", "BBB")
    assert any("DDD" in n for n in strict.notes)
    expanded = bloc_members(frameworks, "Test Partnership", expand_eu=True)
    assert set(EU27) <= set(expanded.members) and "EUU" not in expanded.members


def test_bloc_share_by_hand():
    # SYNTHETIC: world 100 = AAA 40 + BBB 10 + ZZZ 50; DDD's value withheld
    usgs = synthetic_usgs({"AAA": 40, "BBB": 10, "ZZZ": 50}, world=100, statuses={"DDD": "withheld"})
    table = bloc_shares(usgs, synthetic_frameworks(), "Test Partnership", as_of="2022-12-31", minerals=["Testium"], measures=["mine_production"])
    row = table.iloc[0]
    assert row["bloc_value_t"] == 50 and row["bloc_share"] == pytest.approx(0.5)
    assert row["members_excluded"] == ("DDD",)
    assert row["leader"] == "ZZZ"


def test_bad_bloc_and_dates():
    frameworks = synthetic_frameworks()
    with pytest.raises(ParameterError, match="unknown bloc 'NATO'; valid: .*India–Japan.*Test Partnership"):
        bloc_members(frameworks, "NATO")
    with pytest.raises(ParameterError, match="as_of must be a date"):
        bloc_members(frameworks, "Test Partnership", as_of="soon")
    with pytest.raises(ParameterError, match="had no members on 2019-01-01"):
        bloc_members(frameworks, "Test Partnership", as_of="2019-01-01", undated="exclude")
    with pytest.raises(ParameterError, match="unknown undated 'maybe'"):
        bloc_members(frameworks, "Test Partnership", undated="maybe")


# ------------------------------------------------------------------ real data (expectations from raw files)


def test_msp_membership_as_of_dates_from_raw(frameworks):
    raw = [r for r in csv_dicts(FRAMEWORKS) if r["framework"] == "Minerals Security Partnership (MSP)"]
    india = next(r for r in raw if r["country"] == "India")
    assert india["joined"] == "2023-06"
    assert "IND" not in bloc_members(frameworks, "MSP", as_of="2023-05-31").members
    assert "IND" in bloc_members(frameworks, "MSP", as_of="2023-06-30").members
    dated = [r for r in raw if r["joined"] and r["joined"] <= "2024-12-31" and r["country"] != "European Union (European Commission)"]
    undated = [r for r in raw if not r["joined"]]
    assert len(bloc_members(frameworks, "MSP", as_of="2024-12-31").members) == len(dated) + len(undated)


def test_quad_and_pair_shares_of_graphite_from_raw(usgs, frameworks):
    rows = dict(mcs_rows("Graphite", "PROD_EST_ 2024"))
    world = float(rows["World total (rounded)"])
    quad = bloc_shares(usgs, frameworks, "Quad", minerals=["Graphite"], measures=["mine_production"]).iloc[0]
    quad_value = sum(float(rows[c]) for c in ("Australia", "India", "Japan", "United States") if c in rows and rows[c].strip())
    assert quad["bloc_value_t"] == pytest.approx(quad_value)
    assert quad["bloc_share"] == pytest.approx(quad_value / world)
    pair = bloc_shares(usgs, frameworks, "India–Japan", minerals=["Graphite"], measures=["mine_production"]).iloc[0]
    assert pair["bloc_share"] == pytest.approx(float(rows["India"]) / world)
    assert pair["china_share"] == pytest.approx(float(rows["China"]) / world)


def test_complementarity_from_raw_lists_usgs_and_trade(usgs, lists, trade):
    raw = csv_dicts(LISTS)
    india_raw = {r["mineral"] for r in raw if r["country"] == "India"}
    japan_raw = {r["mineral"] for r in raw if r["country"] == "Japan"}
    table = complementarity(usgs, lists, trade).set_index("mineral")
    for name in ("Cobalt", "Lithium", "Gallium", "Nickel"):  # spelt the same in both lists
        assert name in india_raw and name in japan_raw
        assert name in table.index
    assert "Graphite" in india_raw and "Graphite" not in japan_raw and "Graphite" not in table.index
    assert "Copper" not in table.index
    # India's rare-earth reserves and output, from the raw USGS file
    reserves = float(mcs_value("Rare earths", "India", "RESERVES_2024").replace(",", ""))
    production = float(mcs_value("Rare earths", "India", "PROD_EST_ 2024").replace(",", ""))
    assert table.loc["Rare earths", "india_reserves_t"] == reserves
    assert table.loc["Rare earths", "india_production_t"] == production
    # India is not a listed cobalt producer: NaN, not zero
    assert table.loc["Cobalt", "india_production_status"] == "not_listed"
    assert math.isnan(table.loc["Cobalt", "india_production_t"])
    # Japan's LiOH imports from China in 2023, from the raw Quad workbooks
    world = next(float(r["primaryValue"]) for r in quad_rows(QUAD_WORLD) if r["reporterISO"] == "JPN" and str(r["cmdCode"]) == "282520" and int(r["refYear"]) == 2023)
    china = next(float(r["primaryValue"]) for r in quad_rows(QUAD_CHINA) if r["reporterISO"] == "JPN" and str(r["cmdCode"]) == "282520" and int(r["refYear"]) == 2023)
    assert table.loc["Lithium", "china_share_japan_imports"] == pytest.approx(china / world)
    assert table.loc["Lithium", "china_share_hs_code"] == "282520"
    assert table.loc["Lithium", "japan_imports_usd"] > world  # LiOH plus lithium carbonate


def test_complementarity_reads_the_one_series_every_report_reads(usgs, lists, trade):
    """USGS splits titanium mineral concentrates (ilmenite, rutile) and platinum-group metals
    (platinum, palladium) into series that cannot be added up; the complementarity reads the form
    the one series rule picks, as the profiles do, so India's ilmenite figures are shown and PGM
    says India is not listed (#13: "several series" had hidden both)."""
    table = complementarity(usgs, lists, trade).set_index("mineral")
    assert "several_series" not in set(table["india_production_status"]) | set(table["india_reserves_status"])
    titanium = table.loc["Titanium mineral concentrates"]
    ilmenite = "ilmentite"  # USGS's spelling in the TYPE
    india = 1000 * float(mcs_value("Titanium Mineral Concentrates", "India", "PROD_EST_ 2024", ilmenite))
    india_reserves = 1000 * float(mcs_value("Titanium Mineral Concentrates", "India", "RESERVES_2024", ilmenite).replace(",", ""))
    china = float(mcs_value("Titanium Mineral Concentrates", "China", "PROD_EST_ 2024", ilmenite).replace(",", ""))
    world = float(mcs_value("Titanium Mineral Concentrates", "World total (ilmenite, rounded)", "PROD_EST_ 2024").replace(",", ""))
    assert titanium["india_production_status"] == "reported" and titanium["india_production_t"] == india
    assert titanium["india_reserves_status"] == "reported" and titanium["india_reserves_t"] == india_reserves
    assert titanium["india_production_share"] == pytest.approx(india / 1000 / world)
    assert titanium["china_production_share"] == pytest.approx(china / world)  # 3,300 of 8,900
    pgm = table.loc["Platinum-group metals"]
    assert pgm["india_production_status"] == "not_listed" and math.isnan(pgm["india_production_t"])
    listed = {country for country, _ in mcs_rows("Platinum-Group metals", "PROD_EST_ 2024")}
    assert "South Africa" in listed and "India" not in listed


def test_years_without_data_are_refused(usgs, frameworks, lists, trade):
    with pytest.raises(ParameterError, match="no mineral × measure has data for 1990"):
        bloc_shares(usgs, frameworks, "Quad", year=1990)
    with pytest.raises(ParameterError, match="no USGS data for year 1990; years: .*2024"):
        complementarity(usgs, lists, trade, year=1990)
    with pytest.raises(ParameterError, match="no trade rows for year\\(s\\) \\[1990\\]"):
        complementarity(usgs, lists, trade, trade_year=1990)
