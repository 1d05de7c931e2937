"""The print appendix heads columns with the chart's own field titles and prints values in the
chart's own number formats (a reader never sees ``value_t`` or 0.5793 for "58%")."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.engine.pdf import appendix_entry
from analysis.engine.vega import Chart, data_tables, field_formats, field_titles, format_as_shown


def _spec() -> dict:
    frame = pd.DataFrame({"country": ["China", "Chile"], "value_t": [1234.5, 99.0], "share": [0.5793, 0.0421],
                          "note": ["a", "b"]})
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("value_t:Q", title="Tonnes"),
        y=alt.Y("country:N", title=None),
        color=alt.Color("note:N"),
        tooltip=[alt.Tooltip("country:N", title="Country"), alt.Tooltip("share:Q", title="Share of world", format=".0%"),
                 alt.Tooltip("value_t:Q", title="Output (tonnes)", format=",.0f")],
    )
    return chart.to_dict()


def test_tooltip_titles_win_over_axis_titles_and_untitled_fields_keep_their_name():
    titles = field_titles(_spec())
    assert titles["value_t"] == "Output (tonnes)"
    assert titles["share"] == "Share of world"
    assert "note" not in titles


def test_formats_follow_the_tooltip_and_unknown_formats_fall_back():
    formats = field_formats(_spec())
    assert formats == {"share": ".0%", "value_t": ",.0f"}
    assert format_as_shown(0.5793, ".0%") == "58%"
    assert format_as_shown(1234.5, ",.0f") == "1,234"
    assert format_as_shown(0.88717949, "%") == "89%"  # an axis's bare % means whole percentages
    assert format_as_shown(1500, "~s") == format_as_shown(1500, None)  # d3-only type: plain cell


def test_appendix_prints_reader_headers_and_shown_values():
    spec = _spec()
    entry = appendix_entry(Chart(number=1, mime="application/vnd.vegalite.v6+json", spec=spec, tables=data_tables(spec)))
    table = entry["tables"][0]
    assert "value_t" not in table["columns"] and "Output (tonnes)" in table["columns"]
    column = table["columns"].index("Share of world")
    assert [row[column]["text"] for row in table["rows"]] == ["58%", "4%"]
