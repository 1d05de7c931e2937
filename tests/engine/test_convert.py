"""Conversion of an executed notebook to HTML and PDF (no kernel: a synthetic notebook)."""

from __future__ import annotations

import base64
import re

import nbformat
import pytest

from analysis.engine.vega import data_tables, format_cell, prepare, print_columns, to_csv, used_fields

SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json",
    "description": "Bar chart of </script> test values",
    "usermeta": {"econsec": {"title": "Test chart", "subtitle": "Tonnes, 2024", "source": "Source: test", "csv_name": "Test data 2024"}},
    "datasets": {"data-abc": [{"country": "Chile", "value_t": 49000.0, "iso3": "CHL"}, {"country": "China", "value_t": 41000.0, "iso3": "CHN"}]},
    "data": {"name": "data-abc"},
    "mark": "bar",
    "encoding": {"x": {"field": "value_t", "type": "quantitative"}, "y": {"field": "country", "type": "nominal"}},
}
PAGE = {"title": "Synthetic: a test", "group": "Tests", "stem": "synthetic", "build_date": "2026-11-25",
        "build_datetime": "2026-11-25T00:00:00Z", "pdf_name": "synthetic.pdf", "provenance": "test"}


def notebook():
    nb = nbformat.v4.new_notebook()
    md = nbformat.v4.new_markdown_cell("## A heading\n\nSome text.")
    chart = nbformat.v4.new_code_cell("chart")
    chart.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: noise\n"),
        nbformat.v4.new_output("display_data", data={"application/vnd.vegalite.v6+json": SPEC, "text/plain": "<chart>"}),
        nbformat.v4.new_output("display_data", data={"application/javascript": "alert(1)"}),
        nbformat.v4.new_output("stream", name="stdout", text="printed\n"),
    ]
    hidden = nbformat.v4.new_code_cell("secret", metadata={"tags": ["remove-cell"]})
    hidden.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hidden output\n")]
    second = nbformat.v4.new_code_cell("chart2")
    second.outputs = [nbformat.v4.new_output("execute_result", data={"application/vnd.vegalite.v6+json": SPEC, "text/plain": "x"}, execution_count=2)]
    nb.cells = [md, chart, hidden, second]
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i}"
    return nb


def test_prepare_numbers_charts_and_drops_noise():
    prepared, charts = prepare(notebook())
    assert [c.id for c in charts] == ["chart-1", "chart-2"]
    assert charts[0].title == "Test chart" and charts[0].csv_stem == "test-data-2024"
    kinds = [(o.output_type, o.get("name")) for c in prepared.cells for o in c.get("outputs", [])]
    assert ("stream", "stderr") not in kinds
    assert len(prepared.cells) == 3  # the remove-cell cell is gone
    assert "</script>" not in charts[0].spec_json()


def test_data_tables_csv_and_print_columns():
    (table,) = data_tables(SPEC)
    assert to_csv(table) == "country,value_t,iso3\nChile,49000.0,CHL\nChina,41000.0,CHN\n"
    assert used_fields(SPEC) == {"value_t", "country"}
    chart = prepare(notebook())[1][0]
    assert print_columns(chart, table) == ["country", "value_t"]
    assert [format_cell(v) for v in (2024, 49000.0, 0.12345, None)] == ["2024", "49,000", "0.1235", "–"]


def test_html_has_one_bundle_every_chart_and_nothing_from_the_network(tmp_path):
    from analysis.engine.html import HtmlConverter, load_vega_bundle

    page, count = HtmlConverter().convert(notebook(), PAGE)
    text = page.decode("utf-8")
    assert count == 2
    assert text.count(load_vega_bundle(str(tmp_path))) == 1
    assert text.count('<figure class="econsec-chart"') == 2 and 'id="chart-2"' in text
    assert not re.search(r"<script[^>]*\ssrc\s*=", text)
    assert "alert(1)" not in text and "FutureWarning" not in text and "hidden output" not in text
    assert "printed" in text and "A heading" in text
    payload = re.search(r'download="test-data-2024.csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"', text)[1]
    assert base64.b64decode(payload).decode().startswith("country,value_t,iso3")
    assert 'aria-label="Bar chart of &lt;/script&gt; test values"' in text
    again, _ = HtmlConverter().convert(notebook(), PAGE)
    assert again == page


def test_page_without_charts_carries_no_bundle():
    from analysis.engine.html import HtmlConverter

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Only text.")]
    text = HtmlConverter().convert(nb, PAGE)[0].decode()
    assert "vegaEmbed" not in text and "<script" not in text


@pytest.mark.slow
def test_pdf_has_each_chart_and_its_data_appendix():
    from pypdf import PdfReader
    import io

    from analysis.engine.pdf import PdfConverter

    converter = PdfConverter()
    body, count = converter.print_html(notebook(), PAGE)
    assert count == 2 and body.count('class="econsec-chart-svg"') == 2
    assert "Appendix: data behind the charts" in body and "Figure 2. Test chart" in body
    pdf, _ = converter.convert(notebook(), PAGE, ".")
    reader = PdfReader(io.BytesIO(pdf))
    assert sorted(d for d in reader.named_destinations if d.startswith("chart-")) == ["chart-1", "chart-2"]
    # each chart's data attached under the HTML's CSV download name, whole (the same file twice here)
    assert reader.attachments["test-data-2024.csv"] == [to_csv(data_tables(SPEC)[0]).encode()] * 2
    assert converter.convert(notebook(), PAGE, ".")[0] == pdf  # reproducible bytes (attachment dates too)


def test_short_tables_are_kept_whole_long_ones_flow():
    from analysis.engine.pdf import KEEP_TABLE_ROWS, keep_short_tables

    def table(rows):
        return "<table class='econsec-table'><caption>c</caption>" + "<tr><td>x</td></tr>" * rows + "</table>"

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("t")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p>a</p>" + table(3) + table(KEEP_TABLE_ROWS + 5)})]
    nb.cells = [cell]
    keep_short_tables(nb)
    html = nb.cells[0].outputs[0].data["text/html"]
    assert html.count('<div class="econsec-keep">') == 1
    assert html.index('<div class="econsec-keep">') < html.index("<table") < html.index("</div>")
