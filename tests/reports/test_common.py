"""Series labels in reader text: the product part of a USGS TYPE, whatever separator an edition used."""

from __future__ import annotations

import pytest

from analysis.indicators.series import SeriesChoice
from analysis.reports.common import series_choice_note, unit_note


@pytest.mark.parametrize(("usgs_type", "expected"), [
    ("Mine production, lithium content", "lithium content"),
    ("Mine production: Platinum", "Platinum"),
    ("Mine production - usable ore", "usable ore"),
    ("Mine poduction, Kaolin", "Kaolin"),  # USGS's spelling in MCS 2025
    ("Mine production: Ilmenite, titanium dioxide (TiO2) content.", "Ilmenite, titanium dioxide (TiO2) content"),
    ("Mine production, estimated", "synthetite, gross weight"),
    ("Primary production", "primary synthetite"),
])
def test_unit_note_reads_the_product_after_any_separator(usgs_type, expected):
    assert unit_note(usgs_type, "Synthetite") == expected


def test_series_choice_note_names_the_form_read_and_every_form_left_out():
    choice = SeriesChoice("Clays", "mine_production", 2024, "Mine poduction, Bentonite",
                          ("Mine poduction, Fuller's earth", "Mine poduction, Kaolin"))
    note = series_choice_note(choice, "mine production")
    assert note.startswith("USGS gives mine production of clays for 2024 as three series")
    assert "“bentonite”" in note and "“fuller's earth” and “kaolin”" in note
    assert note.endswith("a share of world clays (bentonite).")
