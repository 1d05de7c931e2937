"""The narrative formatters moved from the country-dependence composition into analysis.text
(hand-written expectations)."""

import math

import pandas as pd
import pytest

from analysis.text import fmt_date, fmt_pp, fmt_sr, fmt_weight_kg


@pytest.mark.parametrize(("lower", "upper", "expected"), [(0.671, 0.839, "0.7–0.8"), (3.691, 3.689, "3.7"), (7.2548, 7.2548, "7.3"), (0.82, 0.84, "0.8")])
def test_supply_risk_range_collapses_when_both_bounds_round_alike(lower, upper, expected):
    assert fmt_sr(lower, upper) == expected


@pytest.mark.parametrize(
    ("precision", "expected"), [("day", "1 December 2023"), ("month", "December 2023"), ("year", "2023")]
)
def test_dates_are_written_to_their_precision(precision, expected):
    assert fmt_date(pd.Timestamp("2023-12-01"), precision) == expected


def test_share_changes_in_points_with_one_decimal():
    assert fmt_pp(0.032) == "+3.2 pp"
    assert fmt_pp(-0.1) == "−10.0 pp"  # a true minus sign


def test_weights_below_a_tonne_stay_in_kilograms():
    assert fmt_weight_kg(512.0) == "512 kg"
    assert fmt_weight_kg(2.5e6) == "2,500 t"
    assert fmt_weight_kg(math.nan) == "n/a"


def test_fmt_ordinal_words_and_suffixes():
    from analysis.text import fmt_ordinal

    assert [fmt_ordinal(n) for n in (1, 2, 3, 10)] == ["largest", "second-largest", "third-largest", "tenth-largest"]
    assert [fmt_ordinal(n) for n in (11, 12, 13, 21, 22, 23, 101)] == [
        "11th-largest", "12th-largest", "13th-largest", "21st-largest", "22nd-largest", "23rd-largest", "101st-largest"]


def test_fmt_rank_share_is_ordinal_words_then_the_share():
    from analysis.text import fmt_rank_share

    assert fmt_rank_share(3, 0.062) == "third-largest (6%)"
    assert fmt_rank_share(7.0, 0.0074) == "seventh-largest (0.7%)"
    assert fmt_rank_share(1, 0.69) == "largest (69%)"
