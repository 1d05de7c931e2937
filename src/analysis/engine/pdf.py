"""Executed notebook → PDF, without LaTeX and without a browser.

Charts become vector SVG (``vl_convert.vegalite_to_svg``, the same Vega-Lite version the HTML
page embeds), the page is laid out by the ``econsec_pdf`` template and ``print.css`` (A4, page
numbers, running title, headings kept with what follows, charts never split) and rendered by
WeasyPrint. What only works on screen degrades to print: tooltips and CSV downloads become an
appendix with a table of each chart's data ("Figure N" under each chart points to it).

PDF metadata dates come from the build date (``SOURCE_DATE_EPOCH``), so the bytes are
reproducible.
"""

from __future__ import annotations

import base64
import html
import re
from typing import Any

from analysis.engine.vega import Chart, field_formats, svg_of, field_titles, format_as_shown, prepare, print_columns, replace_charts
from analysis.engine.html import TEMPLATES, stylesheet

#: Rows of a chart's data printed in the appendix (the CSV in the HTML has them all).
APPENDIX_ROWS = 25
#: Tables with at most this many rows are kept on one page; longer ones flow across pages.
KEEP_TABLE_ROWS = 20
_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)


def chart_print_html(chart: Chart) -> str:
    svg = svg_of(chart)
    payload = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    width = re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg)
    style = f' style="width: {float(width[1]):.0f}px"' if width else ""
    reference = " Data: appendix." if any(t.rows for t in chart.tables) else ""
    return (
        f'<figure class="econsec-chart" id="{chart.id}">\n'
        f'<img class="econsec-chart-svg" src="data:image/svg+xml;base64,{payload}" '
        f'alt="{html.escape(chart.description, quote=True)}"{style}>\n'
        f"<figcaption>Figure {chart.number}.{reference}</figcaption>\n"
        f"</figure>\n"
    )


def appendix_entry(chart: Chart) -> dict[str, Any]:
    tables = []
    for table in chart.tables:
        if not table.rows:
            continue
        columns = print_columns(chart, table)
        formats = field_formats(chart.spec)
        rows = [
            [
                {"text": format_as_shown(row.get(column), formats.get(column)), "numeric": isinstance(row.get(column), (int, float))
                 and not isinstance(row.get(column), bool)}
                for column in columns
            ]
            for row in table.rows[:APPENDIX_ROWS]
        ]
        titles = field_titles(chart.spec)
        headers = [titles.get(column, column) for column in columns]
        tables.append({"columns": headers, "rows": rows, "more": max(0, len(table.rows) - APPENDIX_ROWS)})
    return {
        "number": chart.number,
        "id": chart.id,
        "title": chart.title,
        "subtitle": str(chart.meta.get("subtitle") or ""),
        "source": str(chart.meta.get("source") or ""),
        "tables": tables,
    }


def keep_short_tables(nb: Any) -> None:
    """Wrap short HTML tables of the outputs in ``<div class="econsec-keep">`` (never split)."""

    def wrap(match: re.Match) -> str:
        table = match.group(0)
        rows = len(re.findall(r"<tr\b", table, re.I))
        return f'<div class="econsec-keep">{table}</div>' if rows <= KEEP_TABLE_ROWS else table

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data and "econsec_chart" not in output.get("metadata", {}):
                html_text = data["text/html"]
                html_text = "".join(html_text) if isinstance(html_text, list) else html_text
                data["text/html"] = _TABLE.sub(wrap, html_text)


class PdfConverter:
    """Reusable converter (exporter and WeasyPrint's font configuration load once)."""

    def __init__(self) -> None:
        from nbconvert import HTMLExporter
        from weasyprint.text.fonts import FontConfiguration

        self.exporter = HTMLExporter(
            template_name="econsec_pdf",
            extra_template_basedirs=[str(TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        self.fonts = FontConfiguration()

    def print_html(self, nb: Any, page: dict[str, Any]) -> tuple[str, int]:
        prepared, charts = prepare(nb)
        keep_short_tables(prepared)
        replace_charts(prepared, charts, chart_print_html)
        resources = {
            "econsec": {
                **page,
                "charts": [appendix_entry(chart) for chart in charts if any(t.rows for t in chart.tables)],
                "css": stylesheet("common.css", "print.css"),
            }
        }
        body, _ = self.exporter.from_notebook_node(prepared, resources=resources)
        return body, len(charts)

    def convert(self, nb: Any, page: dict[str, Any], base_url: str) -> tuple[bytes, int]:
        """``(pdf bytes, number of charts)``."""
        from weasyprint import HTML

        body, count = self.print_html(nb, page)
        pdf = HTML(string=body, base_url=base_url).write_pdf(font_config=self.fonts)
        return pdf, count
