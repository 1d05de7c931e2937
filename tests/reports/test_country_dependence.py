"""Country dependence: findings equal values computed from the raw trade files and the library;
every matrix entry is valid; the notebook runs with two parameter sets."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.reports import blocks as report
from analysis.engine.domains import DomainCache
from analysis.engine.publications import load_matrix, reports
from analysis.data import (
    load_china_exports_hs6,
    load_frameworks,
    load_nickel_by_partner,
    load_political_stability,
    load_quad_imports,
)
from analysis.errors import ParameterError
from analysis.indicators.partners import bloc_shares
from analysis.indicators.risk import governance_from_stability, supply_risk, supply_risk_sensitivity
from analysis.reports.country_dependence import country_dependence as _compose
from analysis.text import fmt_change
from analysis.text import fmt_share, fmt_usd
from tests.support.cache import composed_once
from tests.support.notebooks import ROOT, assert_publishable, charts, execute, html_text

#: Each country's report is composed once for the module (fixtures, the matrix check and the
#: notebook comparison read the same result; none of them changes it).
country_dependence = composed_once(_compose)

#: Charts the notebook shows: China's share, import values, monthly exports, mining vs
#: refining (IEA), supply risk, its sensitivity grid, bloc shares.
CHARTS = 7


@pytest.fixture(scope="module")
def india():
    return country_dependence("India")


@pytest.fixture(scope="module")
def japan():
    return country_dependence("Japan")


def raw_china_share(reporter: str, hs_code: str, year: int) -> float:
    """China ÷ World import value straight from the two Quad workbooks (no indicator code)."""
    quad = load_quad_imports()
    rows = quad[(quad["reporter_iso3"] == reporter) & (quad["hs_code"] == hs_code) & (quad["year"] == year)]
    china = rows.loc[rows["partner_iso3"] == "CHN", "value_usd"].sum()
    world = rows.loc[rows["partner_iso3"] == "WLD", "value_usd"].sum()
    return float(china / world)


@pytest.mark.parametrize("country, iso3", [("India", "IND"), ("Japan", "JPN")])
def test_share_finding_equals_the_raw_workbooks(country, iso3, india, japan):
    report = india if country == "India" else japan
    finding = next(f for f in report.findings if f.startswith("In 2024, China's share of"))
    assert report.latest_year == 2024
    for hs_code in ("2504", "2822", "282520"):
        share = raw_china_share(iso3, hs_code, 2024)
        before = raw_china_share(iso3, hs_code, 2023)
        assert f"**{fmt_share(share)}**" in finding
        assert f"(HS {hs_code}; 2023: {fmt_share(before)})" in finding
        row = report.dependence[(report.dependence["hs_code"] == hs_code) & (report.dependence["year"] == 2024)].iloc[0]
        assert row["china_share"] == pytest.approx(share)
        assert row["share_change"] == pytest.approx(share - before)


def test_graphite_shock_equals_monthly_means_of_the_raw_table(india):
    """Six months either side of 1 December 2023 (the event month left out), HS 250410 to India."""
    hs6 = load_china_exports_hs6()
    line = hs6[(hs6["partner_iso3"] == "IND") & (hs6["hs_code"] == "250410")].set_index("month")["value_usd"]
    before = line[pd.Timestamp("2023-06-01"):pd.Timestamp("2023-11-01")]
    after = line[pd.Timestamp("2024-01-01"):pd.Timestamp("2024-06-01")]
    assert len(before) == 6 and len(after) == 6
    change = after.mean() / before.mean() - 1
    assert change < -0.5  # the collapse the provenance notes describe
    shock = next(f for f in india.findings if "graphite export controls take effect" in f)
    assert f"(HS 250410) {fmt_change(change)}" in shock
    assert fmt_usd(before.mean()) in shock and fmt_usd(after.mean()) in shock
    assert "China's own export records" in shock and "not India's customs data" in shock


def test_supply_risk_equals_the_library(india, usgs):
    governance = governance_from_stability(load_political_stability())
    expected = {
        "Gallium": supply_risk(usgs, governance, "Gallium", "refinery_production", 2024),
        "Rare earths": supply_risk(usgs, governance, "Rare earths", "mine_production", 2024),
        "Lithium": supply_risk(usgs, governance, "Lithium", "mine_production", 2024),
    }
    risk = india.risk.set_index("mineral")
    for mineral, result in expected.items():
        assert risk.loc[mineral, "sr_lower"] == pytest.approx(result.sr_lower)
        assert risk.loc[mineral, "sr_upper"] == pytest.approx(result.sr_upper)
    assert risk.index[0] == "Gallium"  # highest worst-case SR
    assert expected["Lithium"].sr_upper < 1 <= expected["Gallium"].sr_lower
    finding = next(f for f in india.findings if "supply-risk threshold" in f)
    above = int((risk["sr_lower"] >= 1).sum())
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight"]
    assert f"**{words[above]} of the eight priority minerals**" in finding
    grid = supply_risk_sensitivity(expected["Rare earths"])
    shown = india.sensitivity[india.sensitivity["mineral"] == "Rare earths"].reset_index(drop=True)
    pd.testing.assert_series_equal(shown["sr_upper"], grid["sr_upper"], check_names=False)


def test_bloc_finding_equals_bloc_shares(india, usgs):
    quad = bloc_shares(usgs, load_frameworks(), "Quad", year=2024).set_index(["mineral", "measure"])["bloc_share"]
    finding = next(f for f in india.findings if "Quad's members produced" in f)
    for mineral, measure in (("Rare earths", "mine_production"), ("Graphite", "mine_production"), ("Gallium", "refinery_production")):
        assert fmt_share(quad[(mineral, measure)]) in finding  # the one share rule: whole percent from 1%


def test_nickel_sources_equal_the_raw_partner_file(japan):
    nickel = load_nickel_by_partner()
    rows = nickel[(nickel["reporter_iso3"] == "JPN") & (nickel["flow"] == "import") & (nickel["hs_code"] == "260400")
                  & (nickel["year"] == 2024)]
    world = float(rows.loc[rows["partner_iso3"] == "WLD", "value_usd"].iloc[0])
    caledonia = float(rows.loc[rows["partner_iso3"] == "NCL", "value_usd"].iloc[0])
    text = " ".join(japan.nickel_text)
    assert f"New Caledonia {fmt_share(caledonia / world)}" in text
    assert "none came from China" in text and "CHN" not in set(rows["partner_iso3"])
    assert japan.nickel_year == 2024


def test_monthly_flows_keep_missing_months_as_gaps(india):
    """HS 811292 to India has months absent from the derived table: NaN in the chart data, not 0."""
    hs6 = load_china_exports_hs6()
    present = hs6[(hs6["partner_iso3"] == "IND") & (hs6["hs_code"] == "811292")]
    line = india.flows[india.flows["series"] == "811292"]
    assert line["value_usd"].notna().sum() == len(present) < len(line)
    assert set(india.event_marks["series"]) == {"250410", "380110", "811292"}


def test_japan_has_the_rare_earth_group_and_later_events_are_named(japan, india):
    assert japan.flows["series"].eq("Rare Earths").any() and not india.flows["series"].eq("Rare Earths").any()
    assert any("cannot be measured yet" in t and "2025-04-04" in t for t in japan.shock_text)


def test_unknown_country_is_refused():
    with pytest.raises(ParameterError, match="unknown country 'Australia'; valid: India, Japan"):
        country_dependence("Australia")


def test_every_matrix_entry_is_valid():
    """Each parameter set in publications.toml passes the schema and domains and composes."""
    matrix = load_matrix(ROOT)
    built = reports(matrix, DomainCache(None, "test", matrix.domains), ["country_dependence"])
    assert [r.params["country"] for r in built] == ["India", "Japan"]
    for entry in built:
        assert country_dependence(**entry.params).findings


@pytest.mark.slow
@pytest.mark.parametrize("parameters", [{}, {"country": "Japan"}], ids=["default", "japan"])
def test_notebook_runs(tmp_path, parameters):
    nb = execute("country_dependence", tmp_path, **parameters)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    specs = charts(nb)
    assert len(specs) == CHARTS
    assert_publishable(specs)
    for spec in specs:
        assert spec["usermeta"]["econsec"]["source"] and spec["description"]
        assert any(str(y) in spec["usermeta"]["econsec"]["subtitle"] for y in range(2017, 2026))
    text = html_text(nb)
    expected = country_dependence(parameters.get("country", "India"))
    assert report.key_findings(expected.findings).data in text
    assert "Sources" in text and "Data version sha256:" in text
    assert json.dumps(specs).count('"tooltip"') >= CHARTS


# --------------------------------------------------------------------------------------------
# Mirror estimate and refiner rank, recomputed from the raw files (csv / openpyxl, no loaders)
# --------------------------------------------------------------------------------------------

RAW_TRADE = ROOT / "data" / "raw" / "trade"
CHINA_GROUPS_CSV = RAW_TRADE / "ChinaCriticalMineralComtrade" / "country_monthly_stats.csv"
WORLD_2023_CSV = RAW_TRADE / "critical-minerals-risk-index" / "trade_data.csv"
IEA_XLSX = ROOT / "data" / "raw" / "iea-critical-minerals" / "CM_Data_Explorer May 2024 (2).xlsx"


def raw_china_exports(group: str, partner: str, year: int) -> tuple[float, float]:
    """(USD, kg) China reported exporting of one product group to ``partner`` in ``year``: the raw monthly rows summed."""
    import csv

    value = weight = 0.0
    with open(CHINA_GROUPS_CSV, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["broad_group"] == group and row["partner_name"] == partner and row["period_dt"].startswith(str(year)):
                value += float(row["val"])
                weight += float(row["qty"])
    return value, weight


def raw_world_imports(reporter: str) -> dict[str, tuple[float, float]]:
    """HS code → (USD, kg) of ``reporter``'s 2023 imports from the World in the all-reporter file.

    The file's header is shifted one column to the right of its data (trade/PROVENANCE.md): the
    value under header ``h[i + 1]`` is data field ``i``. Exact duplicate rows counted once.
    """
    import csv

    with open(WORLD_2023_CSV, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        at = {name: header.index(name) - 1 for name in ("Country", "flowCode", "partnerCode", "cmdCode", "primaryValue", "netWgt")}
        seen, out = set(), {}
        for row in reader:
            key = tuple(row[:46])
            if key in seen:
                continue
            seen.add(key)
            if row[at["Country"]] == reporter and row[at["flowCode"]] == "M" and row[at["partnerCode"]] == "0":
                usd, kg = out.get(row[at["cmdCode"]], (0.0, 0.0))
                out[row[at["cmdCode"]]] = (usd + float(row[at["primaryValue"]]), kg + float(row[at["netWgt"]] or "nan"))
    return out


def test_japan_graphite_mirror_estimate_equals_the_raw_files(japan):
    china_usd, china_kg = raw_china_exports("Graphite", "Japan", 2023)
    world = raw_world_imports("JPN")
    imports_usd = world["250410"][0] + world["380110"][0]
    imports_kg = world["250410"][1] + world["380110"][1]
    share, share_kg = china_usd / imports_usd, china_kg / imports_kg
    assert 0.3 < share < 1  # an estimate in the plausible range, not a coding mismatch
    expected = (f"{fmt_share(share)} of its imports of graphite products, natural and artificial (HS 250410 + 380110), "
                f"by value ({fmt_share(share_kg)} by weight) in 2023")
    assert expected in japan.mirror.finding and expected in japan.findings[1]
    assert "mirror estimate" in japan.findings[1] and "not Japan's customs data" in japan.findings[1]
    row = japan.mirror.mirror.set_index("product").loc["Graphite (HS 250410 + 380110)"]
    assert row["mirror_share_value"] == pytest.approx(share, rel=1e-9)


def test_japan_rare_earths_answer_states_what_the_raw_files_support(japan):
    """China's rare-earth group holds HS 850511, which Japan's 2023 World imports lack: no share, the two sums stated."""
    china_usd, _ = raw_china_exports("Rare Earths", "Japan", 2023)
    world = raw_world_imports("JPN")
    assert "850511" not in world and {"280530", "284690"} <= set(world)
    text = " ".join(japan.mirror.rare_earths_text)
    assert text.startswith("How dependent is Japan on China for rare earths? The data here cannot give a share.")
    assert fmt_usd(china_usd) in text
    assert fmt_usd(world["280530"][0] + world["284690"][0]) in text
    assert "but not HS 850511" in text
    row = japan.mirror.table.set_index("Product").loc["Rare earths (China group: HS 280530 + 284690 + 850511)"]
    assert row["Estimate: China's share by value"] == "no estimate"
    yearly = {y: raw_china_exports("Rare Earths", "Japan", y)[0] for y in range(2017, 2025)}
    peak = max(yearly, key=yearly.get)
    assert f"{fmt_usd(yearly[peak])} in {peak}, the highest of 2017–2024" in text


def test_gallium_has_no_estimate_because_japan_lacks_the_code(japan):
    assert "811292" not in raw_world_imports("JPN")
    assert any(t.startswith("Gallium: no estimate.") for t in japan.mirror.text)
    assert "gallium" in japan.findings[1] and "cannot give a share" in japan.findings[1]


def raw_refining_2023() -> dict[str, dict[str, float]]:
    """IEA block header → {country: 2023 kt} for the refining blocks (right-hand group of the sheet)."""
    import openpyxl

    sheet = openpyxl.load_workbook(IEA_XLSX, read_only=True, data_only=True)["2 Total supply for key minerals"]
    blocks: dict[str, dict[str, float]] = {}
    current = None
    for row in sheet.iter_rows(values_only=True):
        label, value = row[6], row[7]
        if isinstance(label, str) and " - " in label and value is None:
            current = label
            blocks[current] = {}
        elif current and isinstance(label, str) and isinstance(value, (int, float)) and label != "Top 3 share":
            blocks[current][label] = float(value)
    return blocks


def test_refiner_ranks_equal_the_iea_workbook(japan, india):
    blocks = raw_refining_2023()
    names = {"Copper - Refining": "copper", "Cobalt - Refining": "cobalt", "Graphite - Battery grade": "battery-grade graphite"}
    words = {1: "largest", 2: "second-largest", 3: "third-largest", 4: "fourth-largest", 5: "fifth-largest"}
    for report, who in ((japan, "Japan"), (india, "India")):
        listed = 0
        for header, block in blocks.items():
            countries = {k: v for k, v in block.items() if k != "Rest of world" and not k.startswith("Total")}
            total = next(v for k, v in block.items() if k.startswith("Total"))
            if who not in countries:
                continue
            listed += 1
            rank = 1 + sum(v > countries[who] for v in countries.values())
            phrase = f"{words[rank]} refiner of {names[header]}"
            assert phrase in report.refining.finding
            assert f"{names[header]} {fmt_share(countries[who] / total)}" in report.refining.finding
        assert listed == int(report.refining.rows["listed"].sum())
    assert "third-largest refiner of copper" in japan.refining.finding  # hand-read: China, Chile, then Japan
    assert "fifth-largest refiner of copper" in india.refining.finding


def _figures(text: str) -> list[tuple[str, str]]:
    """(what, per cent) pairs: each percentage with the ten words before it, lower-cased."""
    import re

    plain = text.replace("**", "")
    out = []
    for match in re.finditer(r"(\d[\d,.]*%)", plain):
        before = " ".join(plain[: match.start()].split()[-10:]).lower()
        out.append((before, match.group(1)))
    return out


@pytest.mark.parametrize("country", ["India", "Japan"])
def test_no_figure_is_printed_twice_with_different_values(country, india, japan):
    """China's share of gallium (and any other mineral's world output) appears with one value in the findings."""
    import re

    report = india if country == "India" else japan
    text = " ".join(report.findings).replace("**", "")
    for mineral in ("gallium", "graphite", "rare earths"):
        # "<mineral> ... N% (of world ... production|output) in 2024" and the bloc list "... with a, b and c of 2024 output".
        values = set(re.findall(rf"{mineral} is highest \([^)]*?China supplying (\d+%) of world", text))
        lead = re.search(r"Where China supplies most of the world — ([^,—]+(?:, [^,—]+)*?), with ([^—]+?) of 2024 output", text)
        if lead:
            minerals = [m.strip() for m in re.split(r", | and ", lead.group(1))]
            shares = [s.strip() for s in re.split(r", | and ", lead.group(2))]
            if mineral in minerals:
                values.add(shares[minerals.index(mineral)])
        assert len(values) <= 1, (mineral, values)
    assert "99%" in text and "98%" not in text  # gallium: 750 of 760 t in USGS 2025, one value


@pytest.mark.parametrize("country", ["India", "Japan"])
def test_findings_lead_with_own_customs_data_and_name_each_figures_basis(country, india, japan):
    """#13: "India bought most of its graphite from China … 66%" beside "10% for natural graphite" read
    as a contradiction. The country's own customs figure comes first and says so; the mirror estimate
    names its wider product group and its basis, so the two cannot be read as one figure."""
    report = india if country == "India" else japan
    own, mirror = report.findings[0], report.findings[1]
    assert own.startswith(f"In 2024, China's share of {country}'s import value, by {country}'s own customs data, was")
    assert "natural graphite (HS 2504" in own
    assert mirror == report.mirror.finding
    assert "graphite products, natural and artificial (HS 250410 + 380110)" in mirror
    assert "China's own export records (a mirror estimate" in mirror and f"not {country}'s customs data" in mirror
    assert "most of its graphite from China" not in " ".join(report.findings)


def test_complementarity_lists_every_indian_reserve_usgs_gives(india):
    """#13: titanium concentrates were left out of "USGS lists Indian reserves for two of them" and PGM
    read "several series" though USGS has no Indian row."""
    text = " ".join(india.complementarity_text)
    assert "USGS lists Indian reserves for three of them: rare earths" in text and "titanium mineral concentrates (15.0 million t, 3% of" in text
    assert "titanium" not in text.split("Not shown")[-1]
    cells = india.complementarity.set_index("Mineral")
    assert cells.loc["Platinum-group metals", "India: production 2024 (share of world)"] == "not listed"
    assert cells.loc["Rare earths", "India: reserves (share of world)"] == "6.9 million t (8%)"
    assert "several series" not in cells.to_string()


def test_reader_text_has_no_build_jargon(india, japan):
    for report in (india, japan):
        words = " ".join(report.findings + report.risk_text + report.mirror.text + report.refining.text
                         + [c for cs in report.caveats.values() for c in cs] + list(report.sources.values()))
        for jargon in ("data/raw", "data package", "econsec", "value_t", "HHI_WGI", "1 countries", "as concentrated than",
                       "derived table", "WGI dimensions", "(mirror data)"):
            assert jargon not in words
        assert all(v.endswith("%") or v == "n/a" for v in report.mineral_imports["Net import ratio"])
