"""The print appendix heads columns with the chart's own field titles and prints values in the
chart's own number formats (a reader never sees ``value_t`` or 0.5793 for "58%")."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.engine.pdf import appendix_entry
from analysis.engine.vega import Chart, data_tables, field_formats, field_titles, format_as_shown, print_columns


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


def _chart(spec: dict, number: int = 1) -> Chart:
    return Chart(number=number, mime="application/vnd.vegalite.v6+json", spec=spec, tables=data_tables(spec))


def _layered_spec() -> dict:
    """The house pattern the reader review found printed raw: bars with a tooltip, a text layer
    placing labels at a helper position, colour keyed on a code, and a reference rule with its own
    data whose field shares a name with the bars' (``measure``)."""
    frame = pd.DataFrame({
        "mineral": ["Cobalt", "Cobalt", "Nickel", "Nickel"], "who": ["China", "Top 3", "China", "Top 3"],
        "measure": ["mine_production"] * 4, "share": [0.0044, 0.89, 0.03, 0.74],
        "label": ["0.4%", "89%", "3%", "74%"], "label_at": [0.05, 0.9, 0.05, 0.75],
        "panel": ["Cobalt (mine)|China not listed", "Cobalt (mine)|China not listed", "Nickel (mine)", "Nickel (mine)"],
    })
    tooltip = [alt.Tooltip("mineral:N", title="Mineral"), alt.Tooltip("who:N", title="Producer"),
               alt.Tooltip("label:N", title="Share of world")]
    base = alt.Chart(frame).encode(y=alt.Y("who:N", title=None))
    bars = base.mark_bar().encode(x=alt.X("share:Q", title="Share of world output", axis=alt.Axis(format="%")),
                                  color=alt.Color("measure:N", legend=None), tooltip=tooltip)
    text = base.mark_text().encode(x="label_at:Q", text="label:N", tooltip=tooltip)
    rule_data = pd.DataFrame({"y": [0.8], "measure": ["threshold_80"]})
    rule = alt.Chart(rule_data).mark_rule().encode(x="y:Q", tooltip=[alt.Tooltip("measure:N", title="Measure")])
    return (bars + text + rule).to_dict()


def test_helper_fields_and_axis_duplicates_of_the_tooltip_are_not_printed():
    chart = _chart(_layered_spec())
    entry = appendix_entry(chart)
    bars = entry["tables"][0]
    assert bars["columns"] == ["Mineral", "Producer", "Share of world"]
    assert [[c["text"] for c in row] for row in bars["rows"]][0] == ["Cobalt", "China", "0.4%"]
    assert not any(code in str(entry) for code in ("label_at", "panel", "mine_production", "share"))


def test_titles_and_formats_are_read_per_dataset():
    """A field titled in one layer's tooltip is printed only for that layer's data: the rule's
    ``measure`` is its own (titled there), the bars' ``measure`` (a code, untitled) is not printed."""
    chart = _chart(_layered_spec())
    bars, rule = chart.tables if len(chart.tables[0].rows) == 4 else chart.tables[::-1]
    assert print_columns(chart, bars) == ["mineral", "who", "label"]
    assert print_columns(chart, rule) == ["measure"]


def test_rows_the_reader_cannot_tell_apart_print_once_and_split_labels_join():
    frame = pd.DataFrame({"country": ["China", "China", "Japan", "Japan"], "state": ["before", "after"] * 2,
                          "tonnes": [750, 375, 3, 4], "output_t": [750, 750, 3, 3], "after_t": [375, 375, 4, 4],
                          "panel": ["A|b", "A|b", "C", "C"]})
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("tonnes:Q", title="Tonnes"), y=alt.Y("country:N", title=None), yOffset="state:N",
        color=alt.Color("state:N", title=None),
        tooltip=[alt.Tooltip("country:N", title="Country"), alt.Tooltip("output_t:Q", title="2024 output (t)", format=",.0f"),
                 alt.Tooltip("after_t:Q", title="After (t)", format=",.0f")],
    ).facet(alt.Facet("panel:N", title="Panel", header=alt.Header(labelExpr="split(datum.value, '|')")))
    entry = appendix_entry(_chart(chart.to_dict()))
    (table,) = entry["tables"]
    assert table["columns"] == ["Panel", "Country", "2024 output (t)", "After (t)"]
    assert [[c["text"] for c in row] for row in table["rows"]] == [["A b", "China", "750", "375"], ["C", "Japan", "3", "4"]]


def test_a_long_table_is_cut_and_names_its_attachment():
    from analysis.engine.pdf import APPENDIX_ROWS

    frame = pd.DataFrame({"year": list(range(1950, 2030)), "value": [float(i) for i in range(80)]})
    spec = alt.Chart(frame).mark_line().encode(x=alt.X("year:O", title="Year"), y=alt.Y("value:Q", title="Tonnes")).to_dict()
    spec["usermeta"] = {"econsec": {"title": "Output", "csv_name": "Output 1950–2029"}}
    (table,) = appendix_entry(_chart(spec))["tables"]
    assert len(table["rows"]) == APPENDIX_ROWS and table["total"] == 80 and table["file"] == "output-1950-2029.csv"
