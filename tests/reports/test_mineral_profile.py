"""Mineral profile: findings equal values computed from the raw USGS file; the notebook runs."""

from __future__ import annotations

import csv

import pytest

from analysis.indicators.concentration import concentration
from analysis.reports.mineral_profile import mineral_profile
from analysis.text import count_noun, fmt_share, fmt_tonnes
from tests.support.notebooks import assert_publishable, charts, execute, html_text


def raw_value(raw_dir, commodity: str, country: str, column: str = "PROD_EST_ 2024") -> float:
    with open(raw_dir / "usgs-mcs-2025" / "MCS2025_World_Data.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["COMMODITY"].strip() == commodity and row["COUNTRY"].strip() == country and "Mine" in row["TYPE"]:
                return float(row[column])
    raise LookupError((commodity, country))


@pytest.fixture(scope="module")
def rare_earths(usgs):
    return mineral_profile("Rare earths", 2024, usgs)


def test_lead_finding_is_china_share_of_rare_earths_from_the_raw_file(rare_earths, raw_dir):
    china = raw_value(raw_dir, "Rare earths", "China")
    world = raw_value(raw_dir, "Rare earths", "World total (rounded)")
    assert china == 270_000 and world == 390_000  # the published MCS 2025 figures
    lead = rare_earths.findings[0]
    assert f"**{fmt_share(china / world)}**" in lead and "**China**" in lead
    assert fmt_tonnes(china) in lead and fmt_tonnes(world) in lead


def test_findings_equal_the_library(rare_earths, usgs):
    c = concentration(usgs, "Rare earths", "mine_production", 2024)
    text = " ".join(rare_earths.findings)
    assert fmt_share(c.top_k_share) in text
    assert f"{c.hhi_lower:,.0f}" in text
    india = raw_share = c.shares.set_index("iso3").loc["IND", "share"]
    assert fmt_share(india) in text and raw_share > 0  # one rounding rule: analysis.text's default


def raw_2023_edition(raw_dir, stem: str, country: str, column: str) -> float:
    """A value of an MCS 2023 per-commodity world file, read with csv alone."""
    with open(raw_dir / "usgs-mcs-2023" / f"mcs2023-{stem}_world.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Country"].strip() == country and "mine production" in row["Type"]:
                return float(row[column])
    raise LookupError((stem, country))


def test_trend_china_share_2021_to_2024_from_the_raw_editions(rare_earths, raw_dir):
    # 2021 is only in MCS 2023; 2024 only in MCS 2025 (each year from the newest edition reporting it).
    china_2021 = raw_2023_edition(raw_dir, "raree", "China", "Prod_t_2021")
    world_2021 = raw_2023_edition(raw_dir, "raree", "World total (rounded)", "Prod_t_2021")
    china_2024 = raw_value(raw_dir, "Rare earths", "China")
    world_2024 = raw_value(raw_dir, "Rare earths", "World total (rounded)")
    trend = rare_earths.trend.concentration_trend.set_index("year")
    assert trend.loc[2021, "china_share"] == pytest.approx(china_2021 / world_2021)
    assert trend.loc[2024, "china_share"] == pytest.approx(china_2024 / world_2024)
    assert list(trend.index) == [2021, 2022, 2023, 2024]
    finding = next(f for f in rare_earths.findings if "since 2021" in f)
    assert f"from {fmt_share(china_2021 / world_2021)} to {fmt_share(china_2024 / world_2024)}" in finding
    table = rare_earths.trend.table.set_index(rare_earths.trend.table["Year"].str[:4])
    assert table.loc["2021", "China"] == fmt_share(china_2021 / world_2021)
    # partner blocs per year are sums of their listed members' shares, never above the world
    assert (trend[["share_MSP", "share_Quad", "share_India–Japan"]].fillna(0) <= 1).all().all()


def test_revisions_between_editions_are_shown(rare_earths, raw_dir):
    # China's 2023 output: MCS 2024 printed it as an estimate, MCS 2025 revised it.
    with open(raw_dir / "usgs-mcs-2024" / "mcs2024-raree_world-1.csv", encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Country"].strip() == "China"]
    column = next(c for c in rows[0] if "2023" in c and c.lower().startswith("prod"))
    before = float(rows[0][column])
    after = raw_value(raw_dir, "Rare earths", "China", "PROD_2023")
    revisions = rare_earths.trend.editions.revisions
    china = revisions[(revisions["Country"] == "China") & (revisions["Year"] == 2023)].iloc[0]
    assert china["Before (t)"] == f"{before:,.0f}" and china["Now (t)"] == f"{after:,.0f}"


def test_mining_vs_refining_and_outlook_from_the_iea_sheet(rare_earths):
    import openpyxl

    from tests.data.test_iea import WORKBOOK, _china_2023_refining_shares

    sheet = openpyxl.load_workbook(WORKBOOK, data_only=True, read_only=True)
    from analysis.data.iea import SUPPLY_SHEET

    cells = {(c.row, c.column): c.value for row in sheet[SUPPLY_SHEET].iter_rows() for c in row if getattr(c, "value", None) is not None}
    china = _china_2023_refining_shares(cells)["Magnet rare earth elements"]
    stages = rare_earths.stages.iea
    assert stages is not None and stages.year == 2023
    refining = stages.comparison.set_index("stage").loc["refining"]
    assert refining["china_share"] == pytest.approx(china)
    assert f"was {fmt_share(china)}" in " ".join(rare_earths.findings)
    outlook = stages.outlook
    assert set(outlook.loc[outlook["year"] > 2023, "label"]) == {"IEA base-case projection"}
    assert any("2035 projection" in c for c in stages.outlook_table.columns)


def test_stage_gaps_are_said_plainly(usgs):
    manganese = mineral_profile("Manganese", 2024, usgs)
    assert manganese.stages.iea is None and any("not covered" in t for t in manganese.stages.text)
    copper = mineral_profile("Copper", 2024, usgs)
    assert copper.stages.iea is not None and copper.stages.usgs is not None  # IEA and USGS refinery series both shown
    assert list(copper.stages.usgs["Stage"]) == ["Mining", "Refining"]


def test_gallium_has_no_near_empty_cumulative_chart(usgs):
    gallium = mineral_profile("Gallium", 2024, usgs)
    assert gallium.production.concentration.top_k_share >= 0.95 and not gallium.production.show_cumulative
    assert fmt_share(gallium.production.concentration.top_k_share) in gallium.production.cumulative_note
    assert mineral_profile("Lithium", 2024, usgs).production.show_cumulative


def test_producers_text_is_true_to_the_bars(rare_earths):
    drawn = rare_earths.production.top
    assert "ROW" not in set(drawn["iso3"])  # no rest-of-world bar, so the text must not promise one
    assert "rest of world" not in rare_earths.production.producers_intro.lower()
    hidden = len(rare_earths.production.concentration.shares) - len(drawn)
    assert hidden > 0 and f"Not drawn: {count_noun(hidden, 'smaller named producer')}" in rare_earths.production.producers_intro


def test_nickel_imports_by_partner_are_shown_not_denied(usgs):
    nickel = mineral_profile("Nickel", 2024, usgs)
    assert nickel.imports.table is not None and set(nickel.imports.table["Importer"]) == {"India", "Japan"}
    assert "not in the trade statistics" not in nickel.imports.note and "HS 260400" in nickel.imports.note
    assert "HS 260400" in nickel.imports.caption


def test_japan_rare_earth_section_says_what_cannot_be_computed(rare_earths):
    section = rare_earths.japan_rare_earths.mirror
    assert section is not None
    text = " ".join(section.rare_earths_text)
    assert "cannot give a share" in text and "850511" in text
    assert len(rare_earths.japan_rare_earths.table) == len(section.rare_earths_by_year)


def test_countries_usgs_does_not_list_are_not_zero(usgs):
    cobalt = mineral_profile("Cobalt", 2024, usgs)
    assert cobalt.production.position is None  # none of China, India, Japan listed: no chart of zeros
    assert "USGS lists neither China, India nor Japan for cobalt" in cobalt.production.position_note
    assert any("does not list China" in f for f in cobalt.findings)
    rare_earths = mineral_profile("Rare earths", 2024, usgs).production.position
    japan = rare_earths[rare_earths.iso3 == "JPN"]
    assert len(japan) == 2 and japan["share"].isna().all()  # not listed: n/a, not 0 %
    assert rare_earths.loc[rare_earths.iso3 == "IND", "share"].notna().all()


def test_refinery_series_for_gallium(usgs):
    gallium = mineral_profile("Gallium", 2024, usgs)
    assert gallium.production.measure == "refinery_production" and gallium.production.reserves is None
    assert gallium.production.concentration.leader_iso3 == "CHN"
    assert gallium.production.reserves_note == "USGS publishes no reserves figure for gallium."


@pytest.mark.slow
@pytest.mark.parametrize("parameters", [{}, {"mineral": "Cobalt", "year": 2023}], ids=["default", "cobalt-2023"])
def test_notebook_runs(tmp_path, parameters):
    nb = execute("mineral_profile", tmp_path, **parameters)
    specs = charts(nb)
    assert len(specs) >= 5
    assert_publishable(specs)
    text = html_text(nb)
    assert "Sources" in text and "USGS" in text and "Data version sha256:" in text


def test_bloc_before_it_was_formed_is_not_a_missing_share(usgs):
    lithium = mineral_profile("Lithium", 2024, usgs)
    table = lithium.trend.table.assign(year=lithium.trend.table["Year"].str[:4].astype(int)).set_index("year")
    trend = lithium.trend.concentration_trend.set_index("year")
    assert table.loc[2021, "MSP"] == "not yet formed"  # launched in 2022; its one undated member does not make it exist
    assert table.loc[2022, "MSP"] == fmt_share(trend.loc[2022, "share_MSP"])
    assert table.loc[2021, "Quad"] == fmt_share(trend.loc[2021, "share_Quad"])  # Quad members are undated throughout


def test_cobalt_bloc_chart_is_replaced_by_its_figures_when_near_empty(usgs, raw_dir, rare_earths):
    cobalt = mineral_profile("Cobalt", 2024, usgs)
    # near empty: China is not listed, India and Japan have nothing, the blocs hold a few per cent of output
    assert not cobalt.blocs.show and rare_earths.blocs.show
    world = raw_value(raw_dir, "Cobalt", "World total (rounded)")
    quad = sum(raw_value(raw_dir, "Cobalt", c) for c in ("Australia", "United States"))  # the Quad's members USGS lists
    assert f"the Quad's members hold {fmt_share(quad / world)} of world mine production" in cobalt.blocs.note
    assert "USGS lists no mine production or reserves for India and Japan" in cobalt.blocs.note
    assert "A chart would show only two bars" in cobalt.blocs.note


def test_a_mineral_usgs_splits_into_forms_gets_a_profile_of_one_stated_form(raw_dir, usgs):
    """Platinum-group metals: USGS gives palladium and platinum separately (they cannot be added).
    The profile reads the form with figures for the most countries (a tie here: the first listed),
    says so, and its lead share recomputes from the raw file."""
    rows = {}
    with open(raw_dir / "usgs-mcs-2025" / "MCS2025_World_Data.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["COMMODITY"].strip().lower() == "platinum-group metals" and "palladium" in row["TYPE"].lower():
                rows[row["COUNTRY"].strip()] = float(row["PROD_EST_ 2024"])
    world = rows.pop("World total (rounded)")
    rows.pop("Other Countries")
    leader = max(rows, key=rows.get)
    profile = mineral_profile("Platinum-group metals", 2024, usgs)
    assert "palladium" in profile.production.concentration.usgs_type.lower()
    assert f"**{fmt_share(rows[leader] / world)}**" in profile.findings[0] and leader in profile.findings[0]
    note = profile.caveats[0]
    assert "“palladium content”" in note and "“platinum content”" in note and "cannot be added up" in note


def test_the_notebook_words_come_from_the_composition(rare_earths, usgs):
    """Standfirst, captions with years and the fallback sentences are computed, not typed into cells."""
    assert rare_earths.standfirst.startswith("World mine production and reserves by country, 2024,")
    years = sorted(int(y) for y in rare_earths.exports.exports["year"].unique())
    assert rare_earths.exports.caption == f"Exporter concentration of the related products, {', '.join(map(str, years))}"
    final = int(rare_earths.stages.iea.outlook["year"].max())
    assert rare_earths.stages.outlook_heading == f"Outlook to {final} (IEA base-case projection)"
    assert rare_earths.stages.outlook_caption.endswith(f" and {final}")
    assert rare_earths.risk.result is not None and rare_earths.risk.note == ""
    assert rare_earths.production.reserves_note == rare_earths.production.position_note == ""
    assert rare_earths.japan_rare_earths.caption and rare_earths.caveats_note == ""
    manganese = mineral_profile("Manganese", 2024, usgs)
    assert manganese.stages.outlook_heading == "" and manganese.japan_rare_earths.mirror is None


@pytest.mark.parametrize("mineral", ["Rare earths", "Graphite", "Cobalt", "Nickel", "Lithium", "Copper"])
def test_iea_stage_finding_names_the_iea_product_and_year_at_both_stages(mineral):
    """Issue 13: "92%, against 61% of mining (IEA)" read as contradicting USGS's 68% rare-earth mine share:
    the IEA's 61% is of magnet rare earths in 2023, and the finding must say so (every profile with IEA stages)."""
    from analysis.data import load_frameworks
    from analysis.indicators.stages import product_name
    from analysis.reports.mineral_sections import stages_detail

    detail = stages_detail(mineral, 2024, load_frameworks())
    by = detail.iea.comparison.set_index("stage")
    finding = detail.findings[0]
    mined = f"of mining ({product_name(by.loc['mining', 'product'])}, IEA {detail.iea.year}"
    assert mined in finding and f"refining ({product_name(by.loc['refining', 'product'])})" in finding
    if by.loc["mining", "china_share"] != by.loc["mining", "china_share"]:  # unlisted: bounded by Rest of world
        assert f"at most {fmt_share(by.loc['mining', 'residual_share'])} {mined}" in finding


def test_a_coding_mismatch_shows_the_coverage_problem_not_its_numbers():
    """Issue 13: cobalt's HS 282200 row printed "DR Congo (92%) · 96% · 8,551 · 942%" (reported exports 9.4 times
    world imports); the row must show the problem, and the caveat must read as a sentence."""
    from analysis.reports.mineral_trade import MAX_COVERAGE, export_section

    section = export_section("Cobalt")
    odd = section.exports["coverage_ratio"] > MAX_COVERAGE
    assert odd.any()
    for _, row in section.table[odd.to_numpy()].iterrows():
        assert row["Coverage of world imports"].startswith("not comparable")
        assert not any("%" in str(row[c]) for c in ("Largest", "Top 3", "Coverage of world imports"))
    assert section.notes and all(";" not in note for note in section.notes)
    assert "cobalt oxides and hydroxides (HS 282200)" in section.notes[0]


def test_gallium_tie_for_third_is_joint(usgs):
    """Issue 13: South Korea ties Japan at 3 t of gallium: Japan is the joint third-largest producer."""
    gallium = mineral_profile("Gallium", 2024, usgs)
    production = gallium.production.concentration
    assert production.value_of("JPN") == production.value_of("KOR")
    text = " ".join(gallium.findings)
    assert "the joint third-largest producer" in text and "the third-largest producer" not in text
    assert "Japan (joint third with South Korea)" in text
