"""Monthly flows around dated events: hand-computed windows and a raw-file check."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.errors import ParameterError
from analysis.indicators.timeseries import flows_around_events, tag_events

from tests.support.indicators import CHINA_GROUPS, csv_dicts


def synthetic_flows(skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """SYNTHETIC monthly exports to India: 10 USD/month until May 2023, 20 from July (June 15)."""
    months = pd.date_range("2023-01-01", "2023-12-01", freq="MS")
    rows = [
        {"month": m, "product_group": "Graphite", "mineral": "Graphite", "partner": "India", "partner_iso3": "IND",
         "value_usd": 10.0 if m.month < 6 else 15.0 if m.month == 6 else 20.0, "quantity_kg": 1.0}
        for m in months if f"{m:%Y-%m}" not in skip
    ]  # fmt: skip
    return pd.DataFrame(rows)


def synthetic_events() -> pd.DataFrame:
    """SYNTHETIC events: a graphite measure (day), a summit naming no mineral, a year-only project."""
    return pd.DataFrame(
        {
            "date": ["2023-06-15", "2023-06-20", "2023"],
            "date_start": pd.to_datetime(["2023-06-15", "2023-06-20", "2023-01-01"]),
            "date_precision": ["day", "day", "year"],
            "event": ["Export licences for graphite", "Annual summit", "Graphite plant opens"],
            "category": ["industry", "summit", "project"],
            "description": ["", "Leaders met.", ""],
        }
    )


def test_window_means_and_change_by_hand():
    result = flows_around_events(synthetic_flows(), synthetic_events(), partners=["IND"], window_months=3)
    window = result.windows.set_index("event").loc["Export licences for graphite"]
    assert window["before_mean_usd"] == 10.0 and window["after_mean_usd"] == 20.0  # June itself left out
    assert window["change_usd"] == pytest.approx(1.0)
    assert window["before_months"] == 3 and window["after_months"] == 3 and bool(window["complete"])
    assert "Annual summit" not in set(result.windows["event"])  # names no mineral
    year_only = result.windows.set_index("event").loc["Graphite plant opens"]
    assert year_only["before_months"] == 0 and math.isnan(year_only["change_usd"])
    assert any("only to the year" in n for n in result.notes)
    aligned = result.aligned[result.aligned["event"] == "Export licences for graphite"]
    assert list(aligned["offset"]) == [-3, -2, -1, 0, 1, 2, 3]


def test_match_all_attaches_every_event():
    result = flows_around_events(synthetic_flows(), synthetic_events(), partners=["IND"], window_months=2, match="all")
    assert "Annual summit" in set(result.windows["event"])


def test_missing_months_skipped_or_zero():
    flows = synthetic_flows(skip=("2023-04",))
    skipped = flows_around_events(flows, synthetic_events(), partners=["IND"], window_months=3).windows.iloc[0]
    assert skipped["before_months"] == 2 and skipped["before_mean_usd"] == 10.0 and not bool(skipped["complete"])
    zeros = flows_around_events(flows, synthetic_events(), partners=["IND"], window_months=3, fill_missing_months=True).windows.iloc[0]
    assert zeros["before_months"] == 3 and zeros["before_mean_usd"] == pytest.approx(20 / 3)


def test_tagging_uses_the_pattern_table():
    tagged = tag_events(synthetic_events()).set_index("event")
    assert tagged.loc["Export licences for graphite", "minerals"] == ("Graphite",)
    assert tagged.loc["Annual summit", "minerals"] == ()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"partners": ["USA"]}, "unknown partner\\(s\\) USA in the export flows; valid: IND"),
        ({"window_months": 0}, "window_months must be an integer ≥ 1"),
        ({"match": "some"}, "unknown match 'some'; valid: mineral, all"),
        ({"minerals": ["Copper"]}, "unknown mineral\\(s\\) Copper for these flows; valid: Graphite"),
        ({"categories": ["war"]}, "unknown event categor"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        flows_around_events(synthetic_flows(), synthetic_events(), **({"partners": ["IND"]} | kwargs))


def test_graphite_controls_from_raw(china_groups, events):
    rows = [r for r in csv_dicts(CHINA_GROUPS) if r["partner_name"] == "India" and r["broad_group"] == "Graphite"]
    value = {r["period_dt"][:7]: float(r["val"]) for r in rows}
    before = [value[m] for m in ("2023-06", "2023-07", "2023-08", "2023-09", "2023-10", "2023-11")]
    after = [value[m] for m in ("2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06")]
    result = flows_around_events(china_groups, events, partners=["IND"], minerals=["Graphite"], window_months=6)
    row = result.windows.set_index("event").loc["China's graphite export controls take effect"]
    assert row["before_mean_usd"] == pytest.approx(sum(before) / 6)
    assert row["after_mean_usd"] == pytest.approx(sum(after) / 6)
    assert row["change_usd"] == pytest.approx(sum(after) / sum(before) - 1)
    assert bool(row["complete"]) and bool(row["in_range"])
