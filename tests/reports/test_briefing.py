"""Briefing: key findings equal the library's results; the notebook runs."""

from __future__ import annotations

import pytest

from analysis.data import load_quad_imports
from analysis.data.minerals import PRIORITY_MINERALS
from analysis.indicators.concentration import concentration
from analysis.reports.briefing import briefing
from analysis.text import fmt_ordinal, fmt_share, number_word
from tests.support.notebooks import assert_publishable, charts, execute, html_text


@pytest.fixture(scope="module")
def b():
    return briefing(2024)


def test_supply_table_covers_priority_minerals_with_library_values(b, usgs):
    assert set(b.supply["mineral"]) == set(PRIORITY_MINERALS)
    graphite = b.supply.set_index("mineral").loc["Graphite"]
    expected = concentration(usgs, "Graphite", "mine_production", 2024)
    assert graphite["china_share"] == pytest.approx(expected.share_of("CHN"))
    assert graphite["hhi_lower"] == pytest.approx(expected.hhi_lower)


def test_between_three_and_five_findings_each_leading_with_a_bold_message(b):
    assert 3 <= len(b.findings) <= 5
    assert all(f.startswith("**") and f.index("**", 2) < 90 for f in b.findings)


def test_japan_lithium_hydroxide_finding_from_the_trade_files(b):
    quad = load_quad_imports()
    rows = quad[(quad.reporter_iso3 == "JPN") & (quad.hs_code == "282520") & (quad.year == quad.year.max())]
    share = rows.loc[rows.partner_iso3 == "CHN", "value_usd"].sum() / rows.loc[rows.partner_iso3 == "WLD", "value_usd"].sum()
    finding = next(f for f in b.findings if "lithium oxide and hydroxide" in f)
    assert f"In {int(quad.year.max())}, China supplied {fmt_share(share)} of Japan's imports" in finding


def test_lithium_hydroxide_share_is_the_same_value_and_year_in_briefing_and_partnership(b):
    from analysis.reports.partnership import partnership

    p = partnership()
    assert (p.lithium["share"], p.lithium["year"]) == (b.lithium["share"], b.lithium["year"])
    sentence = f"In {b.lithium['year']}, China supplied {fmt_share(b.lithium['share'])} of Japan's imports of lithium oxide and hydroxide"
    assert any(sentence in f for f in b.findings)
    assert any(sentence.replace("In ", "in ", 1) in f for f in p.findings)
    cell = p.complementarity_table.set_index("Mineral").loc["Lithium", "China share of Japan's imports"]
    assert cell == f"{fmt_share(b.lithium['share'])} in {b.lithium['year']} (HS 282520)"
    # no other China share of Japan's lithium imports appears in either report's text
    other_years = [fmt_share(v) for v in load_quad_imports().pipe(_japan_lithium_shares).values() if fmt_share(v) != fmt_share(b.lithium["share"])]
    texts = " ".join(b.findings + p.findings)
    assert not any(f"supplied {s} of Japan" in texts for s in other_years)


def _japan_lithium_shares(quad):
    rows = quad[(quad.reporter_iso3 == "JPN") & (quad.hs_code == "282520")]
    china = rows[rows.partner_iso3 == "CHN"].groupby("year")["value_usd"].sum()
    world = rows[rows.partner_iso3 == "WLD"].groupby("year")["value_usd"].sum()
    return (china / world).to_dict()


def test_net_import_ratio_printed_as_per_cent():
    from analysis.reports.partnership import partnership

    column = next(c for c in partnership().complementarity_table.columns if "net import ratio" in c)
    values = partnership().complementarity_table[column]
    assert values[values != "n/a"].str.fullmatch(r"−?\d+(\.\d)?%").all()



def test_the_composer_assembles_sections_with_the_words_the_notebook_shows(b):
    assert b.standfirst.endswith("— 2024 data")
    recent = b.recent_events
    assert recent.intro.startswith("Bilateral India–Japan steps since 1 January 2024;")
    assert len(recent.events) and (recent.events["date_start"] >= "2024-01-01").all()
    assert list(recent.table.columns) == ["Date", "Event", "Source", "source_url"] and len(recent.table) == len(recent.events)
    assert set(b.imports.china_imports["country"]) == {"India", "Japan"} and b.imports.source.startswith("UN Comtrade")
    assert b.revisions.revisions["revised_from_t"].notna().all()
    assert b.changes.against is not None or b.changes.changes.empty  # nothing to compare with: no changes

# --- trend and stage figures recomputed from the raw files -------------------------------------

def _mcs_rows(raw_dir, edition: int, commodity: str, year: int) -> tuple[dict[str, float], float]:
    """Country → tonnes and the world total of one mine-production year, read with csv from the MCS file."""
    import csv

    if edition == 2025:
        path = raw_dir / "usgs-mcs-2025" / "MCS2025_World_Data.csv"
        column = "PROD_EST_ 2024" if year == 2024 else f"PROD_{year}"
        rows = [r for r in csv.DictReader(path.open(encoding="utf-8-sig")) if r["COMMODITY"] == commodity and r["TYPE"] == "Mine production"]
        country_key = "COUNTRY"
    else:
        path = next((raw_dir / f"usgs-mcs-{edition}").glob(f"mcs{edition}-{commodity[:5].lower()}_world.csv"))
        rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
        column = next(c for c in rows[0] if c.startswith("Prod_t") and c.endswith(str(year)))
        country_key = "Country"
    values = {r[country_key].strip(): float(r[column]) for r in rows if r[column].strip().replace(".", "").isdigit()}
    world = next(v for k, v in values.items() if k.lower().startswith("world"))
    return {k: v for k, v in values.items() if not k.lower().startswith("world")}, world


@pytest.mark.parametrize("edition, year", [(2023, 2021), (2025, 2024)])
def test_graphite_trend_recomputed_from_the_mcs_csv(b, raw_dir, edition, year):
    countries, world = _mcs_rows(raw_dir, edition, "Graphite", year)
    row = b.trends.trends.set_index(["mineral", "year"]).loc[("Graphite", year)]
    top3 = sum(sorted(countries.values(), reverse=True)[:3]) / world
    hhi_lower = sum((100 * v / world) ** 2 for v in countries.values())
    assert row["china_share"] == pytest.approx(countries["China"] / world)
    assert row["top3_share"] == pytest.approx(top3)
    assert row["hhi_lower"] == pytest.approx(hhi_lower, rel=1e-6)
    shown = b.trends.table.set_index("Mineral").loc["Graphite"]
    first, last = shown["China"].split(" → ")
    assert (first if year == b.trends.first else last) == fmt_share(countries["China"] / world)


def _iea_block(raw_dir, header: str, year: int) -> dict[str, float]:
    """Label → kt of one block of the IEA supply sheet for ``year``, found by its header text."""
    import openpyxl

    book = openpyxl.load_workbook(raw_dir / "iea-critical-minerals" / "CM_Data_Explorer May 2024 (2).xlsx", read_only=True, data_only=True)
    rows = [list(r) for r in book["2 Total supply for key minerals"].iter_rows(values_only=True)]
    years_row = next(r for r in rows if sum(v in (2023, 2030, 2035, 2040) for v in r) >= 8)
    for i, r in enumerate(rows):
        for c, v in enumerate(r):
            if isinstance(v, str) and v.strip() == header:
                col = next(j for j in range(c + 1, len(years_row)) if years_row[j] == year)
                block = {}
                for below in rows[i + 1:]:
                    label = below[c]
                    if not isinstance(label, str):  # the other group's block is longer: blank rows here
                        continue
                    block[label.strip()] = float(below[col])
                    if label.strip().startswith("Total"):
                        break
                return block
    raise AssertionError(f"no block {header!r}")


def _iea_shares(block: dict[str, float]) -> tuple[dict[str, float], float]:
    total = next(v for k, v in block.items() if k.startswith("Total"))
    countries = {k: v for k, v in block.items() if not k.startswith(("Total", "Rest of world", "Top 3"))}
    return countries, total


@pytest.mark.parametrize("mineral, header", [("Lithium", "Lithium - Chemicals"), ("Rare earths", "Magnet rare earth elements - Refining"),
                                             ("Cobalt", "Cobalt - Refining")])
def test_china_refining_share_2023_and_2035_recomputed_from_the_iea_workbook(b, raw_dir, mineral, header):
    countries, total = _iea_shares(_iea_block(raw_dir, header, 2023))
    assert b.stages.table.set_index("Mineral").loc[mineral, "China, refining"] == fmt_share(countries["China"] / total)
    later, later_total = _iea_shares(_iea_block(raw_dir, header, 2035))
    row = b.stages.outlook_table.set_index(["Mineral", "Stage"]).loc[(mineral, "refining")]
    assert row["China 2035 projection"] == fmt_share(later["China"] / later_total)


def test_japan_rank_as_graphite_and_copper_refiner_recomputed_from_the_iea_workbook(b, raw_dir):
    refiners = b.stages.refiners.set_index("Mineral")
    for mineral, header in (("Graphite", "Graphite - Battery grade"), ("Copper", "Copper - Refining")):
        countries, total = _iea_shares(_iea_block(raw_dir, header, 2023))
        ranked = sorted(countries, key=countries.get, reverse=True)
        assert refiners.loc[mineral, "Japan: rank (share)"] == f"{fmt_ordinal(ranked.index('Japan') + 1)} ({fmt_share(countries['Japan'] / total)})"
    assert refiners.loc["Lithium", "Japan: rank (share)"] == "not listed by the IEA"


def test_outlook_table_labels_every_later_year_as_projection(b):
    later = [c for c in b.stages.outlook_table.columns if any(str(y) in c for y in (2030, 2035))]
    assert later and all(c.endswith("projection") for c in later)
    assert any("IEA base-case projection" in n for n in b.stages.notes)
    assert any("re-saved" in n for n in b.stages.notes)


@pytest.mark.slow
def test_notebook_runs(tmp_path):
    nb = execute("briefing", tmp_path)
    specs = charts(nb)
    assert len(specs) == 4
    assert_publishable(specs)
    assert "Key findings" in html_text(nb)


@pytest.mark.slow
def test_notebook_runs_for_2023(tmp_path):
    nb = execute("briefing", tmp_path, year=2023)
    assert "2023" in html_text(nb)


def test_refining_gap_counts_a_mineral_china_is_unlisted_at_by_its_bound(b):
    """Issue 13: cobalt (China inside the IEA's 20% Rest of world at mining, 77% of refining) is at least
    57 points, wider than lithium's 47; the finding must not call lithium the widest."""
    from analysis.indicators.stages import china_stage_gaps

    finding = next(f for f in b.findings if "bottleneck is refining" in f)
    gaps = china_stage_gaps(b.stages.comparison).set_index("mineral")
    cobalt = gaps.loc["Cobalt"]
    assert not cobalt["exact"] and cobalt["gap"] > gaps.loc["Lithium", "gap"]
    assert f"widest for cobalt, at least {100 * cobalt['gap']:.0f} percentage points" in finding
    assert f"at most the {fmt_share(cobalt['mining_at_most'])}" in finding
    assert "widest for lithium" not in finding


def test_iea_shares_in_findings_name_the_product_and_year(b):
    """Issue 13: "rare earths 92%" (IEA magnet rare earths) must not read as the USGS rare-earth series."""
    finding = next(f for f in b.findings if "bottleneck is refining" in f)
    assert f"China's refining shares (IEA, {b.stages.year}): magnet rare earths " in finding
    assert "battery-grade graphite" in finding
    outlook = next(f for f in b.findings if "IEA does not expect" in f)
    assert "magnet rare earths" in outlook


def test_top3_direction_counts_moves_the_table_does_not_show_as_unchanged(b):
    """Issue 13: manganese 73.6% → 74.0% prints as 74% → 74% in the table, so it did not "rise"."""
    finding = next(f for f in b.findings if "top three producers' share" in f)
    table = b.trends.table.set_index("Mineral")["Top 3"]
    rose = [m for m, arrow in table.items() if int(arrow.split(" → ")[1].rstrip("%")) > int(arrow.split(" → ")[0].rstrip("%"))]
    assert f"rose for {number_word(len(rose))} of the" in finding
    for mineral, arrow in table.items():
        first, last = arrow.split(" → ")
        if first == last:
            assert f"{last} for {mineral.lower()}" in finding
