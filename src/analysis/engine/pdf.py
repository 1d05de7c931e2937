"""Executed notebook → PDF, without LaTeX and without a browser.

Charts become vector SVG (``vl_convert.vegalite_to_svg``, the same Vega-Lite version the HTML
page embeds), the page is laid out by the ``econsec_pdf`` template and ``print.css`` (A4, page
numbers, running title, headings kept with what follows, charts never split) and rendered by
WeasyPrint. What only works on screen degrades to print: tooltips become an appendix with a table
of each chart's data ("Figure N" under each chart points to it) — the fields the chart shows a
reader, under the chart's own titles and formats — and the CSV downloads become files attached to
the PDF (same names), which a cut appendix table points to.

PDF metadata dates come from the build date (``SOURCE_DATE_EPOCH``), so the bytes are
reproducible.
"""

from __future__ import annotations

import base64
import html
import re
from datetime import datetime, timezone
from typing import Any

from analysis.engine.vega import Chart, prepare, print_fields, print_value, replace_charts, svg_of, to_csv
from analysis.engine.html import TEMPLATES, stylesheet

#: Rows of a chart's data printed in the appendix (the attached CSV has them all).
APPENDIX_ROWS = 25
#: Tables with at most this many rows are kept on one page; longer ones flow across pages.
KEEP_TABLE_ROWS = 20
#: Tallest chart printed at full size (CSS px; the A4 body is about 970 px tall): a taller one is
#: scaled down so a heading and a few lines of text fit above it on its page.
MAX_FIGURE_PX = 780
#: …and whose rows take at most this many lines (multi-line cells count): a table kept whole while
#: taller than the page is pushed past the heading and paragraph introducing it.
KEEP_TABLE_LINES = 36
#: Smallest text a scaled-down chart may print (the reader-text check, which estimates sizes from
#: text boxes about 5 % low, fails under 6 pt).
MIN_FONT_PT = 6.5
_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)


def print_width(svg: str) -> float | None:
    """The width a chart is printed at: its own, unless it is taller than :data:`MAX_FIGURE_PX` —
    then scaled down to that height (never so far that its smallest text falls under
    :data:`MIN_FONT_PT`), so that a page-tall chart still shares its page with the heading and
    paragraph introducing it instead of leaving them alone on the page before."""
    size = re.search(r'<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"', svg)
    if not size:
        width = re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg)
        return float(width[1]) if width else None
    width, height = float(size[1]), float(size[2])
    if height <= MAX_FIGURE_PX:
        return width
    fonts = [float(f) for f in re.findall(r'font-size[=:]\s*"?([\d.]+)', svg)] or [12.0]
    floor = MIN_FONT_PT / (0.75 * min(fonts))  # CSS px → pt
    return width * min(1.0, max(MAX_FIGURE_PX / height, floor))


def chart_print_html(chart: Chart) -> str:
    svg = svg_of(chart)
    payload = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    style = f' style="width: {print_width(svg):.0f}px"' if print_width(svg) else ""
    files = chart.csv_files()
    if appendix_entry(chart)["tables"]:
        reference = " Data: appendix."
    elif files:
        reference = f" Data: attached to this PDF as {', '.join(name for name, _ in files)}."
    else:
        reference = ""
    return (
        f'<figure class="econsec-chart" id="{chart.id}">\n'
        f'<img class="econsec-chart-svg" src="data:image/svg+xml;base64,{payload}" '
        f'alt="{html.escape(chart.description, quote=True)}"{style}>\n'
        f"<figcaption>Figure {chart.number}.{html.escape(reference)}</figcaption>\n"
        f"</figure>\n"
    )


def appendix_entry(chart: Chart) -> dict[str, Any]:
    """A chart's appendix: per table, the fields a reader sees in the chart (:func:`print_fields`)
    as the chart shows them, each distinct row once, the first :data:`APPENDIX_ROWS` of them; a
    cut table names the CSV attached to the PDF that holds them all."""
    tables = []
    for name, table in chart.csv_files():
        fields = print_fields(chart, table)
        if not fields:
            continue
        rows, seen = [], set()
        for row in table.rows:
            cells = tuple(print_value(row, field_) for field_ in fields)
            if cells in seen:
                continue
            seen.add(cells)
            rows.append([
                {"text": text, "numeric": isinstance(row.get(f.name), (int, float)) and not isinstance(row.get(f.name), bool)}
                for text, f in zip(cells, fields)
            ])
        tables.append({"columns": [f.title for f in fields], "rows": rows[:APPENDIX_ROWS], "total": len(rows),
                       "more": max(0, len(rows) - APPENDIX_ROWS), "file": name})
    tables.sort(key=lambda t: -t["total"])  # the chart's own data before a reference line's one row
    return {
        "number": chart.number,
        "id": chart.id,
        "title": chart.title,
        "subtitle": str(chart.meta.get("subtitle") or ""),
        "source": str(chart.meta.get("source") or ""),
        "tables": tables,
    }


def attachments(charts: list[Chart], moment: datetime) -> list[Any]:
    """Each chart's data as CSV files attached to the PDF (the HTML's download names), dated
    ``moment`` (the build date: WeasyPrint would stamp the current time)."""
    from weasyprint import Attachment

    return [
        Attachment(string=to_csv(table), name=name, description=f"Data of figure {chart.number}: {chart.title}",
                   created=moment, modified=moment)
        for chart in charts for name, table in chart.csv_files()
    ]


def table_lines(table: str) -> int:
    """Printed text lines a table takes, roughly: each row as many lines as its longest cell needs
    at its share of the page width (about 140 characters of 8.5 pt text)."""
    total = 0
    for row in re.findall(r"<tr\b.*?</tr>", table, re.S | re.I):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[dh]\b.*?</t[dh]>", row, re.S | re.I)]
        width = max(8, 140 // max(1, len(cells)))
        total += max([1] + [-(-len(text) // width) for text in cells])
    return total


def keep_short_tables(nb: Any) -> None:
    """Wrap short HTML tables of the outputs in ``<div class="econsec-keep">`` (never split)."""

    def wrap(match: re.Match) -> str:
        table = match.group(0)
        rows = len(re.findall(r"<tr\b", table, re.I))
        short = rows <= KEEP_TABLE_ROWS and table_lines(table) <= KEEP_TABLE_LINES
        return f'<div class="econsec-keep">{table}</div>' if short else table

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
        body, charts = self._print(nb, page)
        return body, len(charts)

    def _print(self, nb: Any, page: dict[str, Any]) -> tuple[str, list[Chart]]:
        prepared, charts = prepare(nb)
        keep_short_tables(prepared)
        replace_charts(prepared, charts, chart_print_html)
        entries = [appendix_entry(chart) for chart in charts]
        resources = {
            "econsec": {
                **page,
                "charts": [entry for entry in entries if entry["tables"]],
                "css": stylesheet("common.css", "print.css"),
                "keep_rows": KEEP_TABLE_ROWS,
            }
        }
        body, _ = self.exporter.from_notebook_node(prepared, resources=resources)
        return body, charts

    def convert(self, nb: Any, page: dict[str, Any], base_url: str) -> tuple[bytes, int]:
        """``(pdf bytes, number of charts)``."""
        from weasyprint import HTML

        body, charts = self._print(nb, page)
        moment = datetime.strptime(page["build_datetime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        pdf = HTML(string=body, base_url=base_url).write_pdf(font_config=self.fonts, attachments=attachments(charts, moment))
        return pdf, len(charts)
