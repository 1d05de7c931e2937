"""Series choice: one rule picks the series a report reads where USGS splits a mineral into forms.

Unit tests use small synthetic frames (labelled SYNTHETIC); the domain test runs the rule over
every mineral and year of the shipped USGS data."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import ParameterError
from analysis.indicators.concentration import concentration
from analysis.indicators.series import main_series, one_series_per_measure, primary_measure


def synthetic(rows: list[tuple[str, str, str, float | None]], mineral: str = "Synthetite") -> pd.DataFrame:
    """SYNTHETIC USGS-layout rows: (type, iso3, entity_kind, value_t), one mineral, 2024 mine production."""
    return pd.DataFrame({
        "commodity": mineral, "measure": "mine_production", "year": 2024,
        "type": [r[0] for r in rows], "iso3": [r[1] for r in rows], "country": [r[1] for r in rows],
        "entity_kind": [r[2] for r in rows], "value_t": [r[3] for r in rows],
        "value_status": ["reported" if r[3] is not None else "no_data" for r in rows],
    })


def test_series_with_figures_for_most_countries_wins_whatever_the_order():
    frame = synthetic([("A", "USA", "country", 5.0), ("B", "CHN", "country", 1.0), ("B", "AUS", "country", 2.0),
                       ("B", "IND", "country", None), ("A", "WLD", "world", 9.0)])
    assert main_series(frame) == "B"
    assert main_series(frame.iloc[::-1]) == "B"


def test_tie_goes_to_the_series_usgs_lists_first():
    frame = synthetic([("Platinum", "ZAF", "country", 1.0), ("Palladium", "RUS", "country", 2.0)])
    assert main_series(frame) == "Platinum"
    assert main_series(frame.iloc[::-1]) == "Palladium"


def test_no_rows_is_an_error():
    with pytest.raises(ParameterError, match="no rows"):
        main_series(synthetic([]).iloc[0:0])


def test_other_minerals_and_single_series_are_left_alone():
    split = synthetic([("A", "USA", "country", 5.0), ("B", "CHN", "country", 1.0), ("B", "AUS", "country", 2.0)])
    single = synthetic([("C", "USA", "country", 3.0)], mineral="Otherite")
    kept, choices = one_series_per_measure(pd.concat([split, single], ignore_index=True), "Synthetite")
    assert sorted(kept["type"]) == ["B", "B", "C"]
    assert [(c.chosen, c.dropped) for c in choices] == [("B", ("A",))]
    assert one_series_per_measure(single, "Otherite")[1] == ()


def test_world_rows_filed_under_their_own_type_are_not_a_competing_series():
    frame = synthetic([("Mine production", "USA", "country", 5.0), ("Mine production", "CHN", "country", 1.0),
                       ("World total mine production", "WLD", "world", 9.0)])
    kept, choices = one_series_per_measure(frame, "Synthetite")
    assert choices == ()
    assert list(kept["type"]) == ["Mine production", "Mine production"]


def test_every_mineral_and_year_of_the_shipped_data_has_one_series_a_report_can_read(usgs):
    """The class of error: a profile of any mineral in the data must not stop at "several series"."""
    from analysis.reports.domains import minerals, production_years

    minerals_in_domain = set(minerals())

    split_seen, years = 0, production_years()
    for mineral, rows in usgs.groupby("commodity"):
        if mineral not in minerals_in_domain:
            continue
        one, choices = one_series_per_measure(rows, str(mineral))
        split_seen += bool(choices)
        for year in years:
            try:
                measure = primary_measure(one, mineral, year)
            except ParameterError as error:
                assert "no production data" in str(error)  # the mineral has no figures that year
                continue
            result = concentration(one, mineral, measure, year)
            assert 0 < result.top_k_share <= 1 + 1e-9
            chosen = [c.chosen for c in choices if c.measure == measure and c.year == year]
            assert chosen in ([], [result.usgs_type])
            try:
                concentration(one, mineral, "reserves", year)
            except ParameterError as error:
                assert "several series" not in str(error), (mineral, year, error)
    assert split_seen >= 5  # boron, clays, iron ore, mica, platinum-group metals, titanium … are split in the data


def test_world_only_types_beside_one_series_are_dropped_without_a_choice():
    frame = synthetic([("Natural", "USA", "country", 5.0), ("Natural", "TUR", "country", 1.0),
                       ("Synthetic", "WLD", "world", None)])
    frame.loc[2, "value_status"] = "not_applicable"
    kept, choices = one_series_per_measure(frame, "Synthetite")
    assert choices == () and sorted(set(kept["type"])) == ["Natural"]
