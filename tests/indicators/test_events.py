"""Which events are about which mineral (analysis.indicators.events). Synthetic events, built here."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.indicators.events import events_by_mineral, mineral_pattern


@pytest.mark.parametrize("name,text,hit", [
    ("Rare earths", "China blocks rare-earth shipments", True),
    ("Rare earths", "a Rare Earths refinery", True),
    ("Rare earths", "rare earth", True),
    ("Rare earths", "rare metals and earthworks", False),
    ("Tin", "Latin America", False),
    ("Tin", "tin smelter", True),
    ("Platinum-group metals", "platinum group metal recycling", True),
    ("Gallium", "gallium and germanium export controls", True),
    ("Lithium", "lithium-ion batteries", True),
    ("Nickel", "nickel-cobalt", True),
    ("Cobalt", "nickel-cobalt", True),
])
def test_mineral_pattern(name, text, hit):
    assert bool(mineral_pattern(name).search(text)) is hit


def test_events_by_mineral_counts_title_and_description_keeps_order_and_omits_unnamed_minerals():
    events = pd.DataFrame({  # synthetic
        "date": ["2010-09", "2023-07-03", "2024-01"],
        "event": ["Rare-earth shipments halted", "Gallium controls", "Summit"],
        "description": ["", "Gallium and germanium need licences.", "Leaders discuss rare earths and graphite."],
        "label": ["a", "b", "c"],
    })
    hits = events_by_mineral(events, ["Rare earths", "Gallium", "Copper", "Graphite", "Rare earths"])
    assert list(zip(hits["mineral"], hits["date"])) == [
        ("Rare earths", "2010-09"), ("Rare earths", "2024-01"), ("Gallium", "2023-07-03"), ("Graphite", "2024-01")]
    assert events_by_mineral(events, ["Copper"]).empty


def test_an_empty_mineral_name_is_refused():
    with pytest.raises(ValueError):
        mineral_pattern("  ")
