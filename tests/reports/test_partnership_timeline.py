"""The partnership timeline reads in print: a visible label per event, no shared positions,
primary and secondary sources told apart, text of at least 6 pt on the A4 page."""

from __future__ import annotations

import re

import pytest

from analysis.charts.partnership import TIMELINE_FIELDS as F, timeline_chart
from analysis.data import load_events

#: A4 (210 mm) minus the 17 mm side margins of print.css, in CSS px (96 per inch): the widest
#: an SVG is shown in the PDF before it is scaled down.
PDF_TEXT_WIDTH_PX = (210 - 2 * 17) / 25.4 * 96


@pytest.fixture(scope="module")
def events():
    return load_events()


@pytest.fixture(scope="module")
def spec(events):
    return timeline_chart(events, source="test").to_dict()


def marks(node, found=None):
    """Every unit spec (one with a ``mark``) in a spec tree."""
    found = [] if found is None else found
    if isinstance(node, dict):
        if "mark" in node:
            found.append(node)
        for value in node.values():
            marks(value, found)
    elif isinstance(node, list):
        for value in node:
            marks(value, found)
    return found


def mark_type(unit):
    return unit["mark"]["type"] if isinstance(unit["mark"], dict) else unit["mark"]


def rows(spec):
    (name, values), = spec["datasets"].items()
    return values


def test_one_visible_text_label_per_event(spec, events):
    text_marks = [m for m in marks(spec) if mark_type(m) == "text"]
    labelled = [m for m in text_marks if m["encoding"]["text"]["field"] == F["label"]]
    assert len(labelled) == 1
    shown = [r[F["label"]] for r in rows(spec)]
    assert len(shown) == len(events)
    assert sorted(shown) == sorted(events["label"])
    assert all(label.strip() for label in shown)


def test_same_day_events_do_not_share_a_position(spec, events):
    data = rows(spec)
    assert len({r[F["row"]] for r in data}) == len(events)
    busiest = events["date"].value_counts()
    day, count = busiest.index[0], int(busiest.iloc[0])
    assert count > 1, "the data has a day with several events (29 August 2025)"
    assert len({r[F["row"]] for r in data if r[F["date"]] == day}) == count
    for unit in marks(spec):  # labels and dots are placed by the event's own row
        if mark_type(unit) in ("text", "point"):
            assert unit["encoding"]["y"]["field"] == F["row"]


def test_rows_run_oldest_first(spec):
    data = rows(spec)
    assert [r[F["when"]] for r in sorted(data, key=lambda r: r[F["row"]])] == sorted(r[F["when"]] for r in data)


def test_primary_and_secondary_sources_have_different_markers_and_a_legend(spec, events):
    (point,) = [m for m in marks(spec) if mark_type(m) == "point"]
    shape = point["encoding"]["shape"]
    assert shape["legend"] is not None and shape["title"]
    domain, shapes = shape["scale"]["domain"], shape["scale"]["range"]
    assert len(set(shapes)) == len(domain) == 2
    kinds = {r[F["source_kind"]] for r in rows(spec)}
    assert kinds <= set(domain)
    assert sum("primary" in r[F["source_kind"]] for r in rows(spec)) == int((events["source_type"] == "primary").sum())


def test_no_hover_instruction_and_years_in_title(spec, events):
    meta = spec["usermeta"]["econsec"]
    words = f"{meta['title']} {meta['subtitle']} {spec['description']}".lower()
    assert "hover" not in words
    first, last = events["date"].iloc[0][:4], events["date"].iloc[-1][:4]
    assert f"{first}–{last}" in meta["title"]


def test_text_is_at_least_6_pt_on_the_pdf_page(spec):
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec)
    width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg)[1])
    scale = min(1.0, PDF_TEXT_WIDTH_PX / width)
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)(?:px)?"', svg)]
    sizes += [float(s) for s in re.findall(r"font-size:\s*([\d.]+)px", svg)]
    assert sizes, "the SVG states its font sizes"
    smallest_pt = min(sizes) * scale * 0.75  # 1 CSS px = 0.75 pt
    assert smallest_pt >= 6, (min(sizes), width)
