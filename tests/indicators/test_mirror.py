"""Mirror estimate: a constructed case with hand-computed answers, and the unmatched-group refusal."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.indicators.mirror import CAVEATS, japan_rare_earths, mirror_import_shares, mirror_shares

PRODUCTS = {
    "Natural graphite (HS 250410)": (("hs6", "250410"),),
    "Graphite (HS 250410 + 380110)": (("group", "Graphite"),),
    "Rare earths (China group)": (("group", "Rare Earths"),),
}


def _china_hs6():
    # SYNTHETIC China-reported exports to JPN: 250410 Jan 30 + Feb 10 USD (40 kg, 20 kg) in 2023,
    # 380110 Mar 50 USD (100 kg); one 2022 month that must not count.
    return pd.DataFrame(
        {
            "month": pd.to_datetime(["2023-01-01", "2023-02-01", "2023-03-01", "2022-12-01"]),
            "partner_iso3": ["JPN"] * 4,
            "hs_code": ["250410", "250410", "380110", "250410"],
            "value_usd": [30.0, 10.0, 50.0, 999.0],
            "quantity_kg": [40.0, 20.0, 100.0, 999.0],
        }
    )


def _china_groups():
    hs6 = _china_hs6()
    graphite = hs6[hs6["month"].dt.year == 2023].groupby("month", as_index=False)[["value_usd", "quantity_kg"]].sum()
    graphite["product_group"] = "Graphite"
    graphite["partner_iso3"] = "JPN"
    rare = pd.DataFrame({"month": pd.to_datetime(["2023-05-01"]), "product_group": ["Rare Earths"],
                         "partner_iso3": ["JPN"], "value_usd": [500.0], "quantity_kg": [5.0]})  # fmt: skip
    return pd.concat([graphite, rare], ignore_index=True)


def _world():
    # SYNTHETIC Japan World imports 2023 (CIF): 250410 80 USD / 75 kg; 380110 120 USD / 125 kg;
    # 280530 300 USD; 284690 200 USD — no 850511, so the rare-earth group cannot be matched.
    return pd.DataFrame(
        {
            "reporter_iso3": ["JPN"] * 4,
            "partner_iso3": ["WLD"] * 4,
            "flow": ["import"] * 4,
            "hs_code": ["250410", "380110", "280530", "284690"],
            "year": [2023] * 4,
            "value_usd": [80.0, 120.0, 300.0, 200.0],
            "net_weight_kg": [75.0, 125.0, 3.0, 2.0],
        }
    )


def test_mirror_share_by_hand():
    table = mirror_shares(_china_hs6(), _china_groups(), _world(), importers=["JPN"], products=PRODUCTS).set_index("product")
    natural = table.loc["Natural graphite (HS 250410)"]
    assert natural["matched"] and natural["label"] == "estimate"
    assert natural["mirror_share_value"] == pytest.approx(40 / 80)  # 30 + 10 USD ÷ 80 USD
    assert natural["mirror_share_weight"] == pytest.approx(60 / 75)
    both = table.loc["Graphite (HS 250410 + 380110)"]
    assert both["mirror_share_value"] == pytest.approx(90 / 200)
    assert both["china_codes"] == ("250410", "380110")
    assert table.attrs["caveats"] == CAVEATS and any("CIF" in c for c in CAVEATS)


def test_an_unmatched_group_gives_no_share_and_names_the_missing_code():
    table = mirror_shares(_china_hs6(), _china_groups(), _world(), importers=["JPN"], products=PRODUCTS).set_index("product")
    rare = table.loc["Rare earths (China group)"]
    assert not rare["matched"] and rare["label"] == "not matched"
    assert math.isnan(rare["mirror_share_value"])
    assert rare["missing_in_importer"] == ("850511",)
    assert "850511" in rare["note"]
    summary = japan_rare_earths(_china_groups(), mirror_shares(_china_hs6(), _china_groups(), _world(), importers=["JPN"],
                                products={"Rare earths (China group)": (("group", "Rare Earths"),)}))  # fmt: skip
    assert summary["by_year"]["value_usd"].tolist() == [500.0]
    assert summary["answer"].startswith("No mirror share can be computed")


def test_import_shares_for_exposure_are_matched_rows_only():
    table = mirror_shares(_china_hs6(), _china_groups(), _world(), importers=["JPN"], products=PRODUCTS)
    shares = mirror_import_shares(table, "Natural graphite (HS 250410)", 2023)
    assert shares.to_dict() == {"JPN": pytest.approx(0.5)}
    with pytest.raises(Exception, match="no matched mirror estimate"):
        mirror_import_shares(table, "Rare earths (China group)", 2023)


def test_real_graphite_group_equals_its_hs6_codes(china_groups):
    """The derived group table's Graphite is HS 250410 + 380110 (checked, not assumed)."""
    from analysis.data import load_china_exports_hs6

    hs6 = load_china_exports_hs6()
    for iso3 in ("JPN", "IND"):
        group = china_groups[(china_groups["product_group"] == "Graphite") & (china_groups["partner_iso3"] == iso3)]
        codes = hs6[hs6["hs_code"].isin(["250410", "380110"]) & (hs6["partner_iso3"] == iso3)]
        assert group["value_usd"].sum() == pytest.approx(codes["value_usd"].sum(), rel=1e-3)


def test_mirror_chart_says_estimate_and_lists_what_is_not_shown():
    from analysis.charts.stages import mirror_chart

    table = mirror_shares(_china_hs6(), _china_groups(), _world(), importers=["JPN"], products=PRODUCTS)
    spec = mirror_chart(table, year=2023, source="test").to_dict()
    assert spec["vconcat"][0]["title"]["text"].startswith("Estimate:")
    assert "rare earths (Japan)" in spec["title"]["text"]  # unmatched product named under the chart


def test_reported_check_pairs_a_heading_with_its_subheadings():
    from analysis.indicators.mirror import reported_check

    table = mirror_shares(_china_hs6(), _china_groups(), _world(), importers=["JPN"], products=PRODUCTS)
    reported = pd.DataFrame({"reporter_iso3": ["JPN", "JPN"], "hs_code": ["2504", "3801"], "year": [2023, 2023],
                             "china_share": [0.9, 0.5]})  # fmt: skip
    out = reported_check(table, reported)
    # 2504 covers 250410 only; 3801 covers neither row entirely (the group mixes 2504 and 3801).
    assert out["product"].tolist() == ["Natural graphite (HS 250410)"]
    assert out["reported_china_share"].tolist() == [0.9]
    assert "wider" in out["comparison"].iloc[0]
