"""Vega-Lite chart outputs of an executed notebook: find them, and the data behind them.

A chart output is a MIME bundle ``{"application/vnd.vegalite.v6+json": spec, "text/plain": …}``
(the ``econsec`` Altair renderer, enabled in build kernels). The HTML route turns each into a
chart container drawn by vega-embed; the PDF route into an SVG image plus a data table. Both
number charts in document order (``chart-1``, ``chart-2`` …) so the two formats match.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from analysis.paths import slug

VEGALITE_MIME = re.compile(r"^application/vnd\.vegalite\.v\d+\+json$")
#: Tags that remove a cell or its outputs from reports (the executed notebook keeps them).
REMOVE_CELL_TAGS = {"remove-cell", "remove_cell"}
REMOVE_OUTPUT_TAGS = {"remove-output", "remove_output"}


@dataclass
class DataTable:
    name: str
    columns: list[str]
    rows: list[dict[str, Any]]


@dataclass
class Chart:
    """One chart of a report, numbered from 1 in document order."""

    number: int
    mime: str
    spec: dict[str, Any]
    tables: list[DataTable] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"chart-{self.number}"

    @property
    def meta(self) -> dict[str, Any]:
        return (self.spec.get("usermeta") or {}).get("econsec") or {}

    @property
    def title(self) -> str:
        title = self.meta.get("title")
        if title:
            return str(title)
        raw = self.spec.get("title")
        if isinstance(raw, dict):
            raw = raw.get("text")
        if isinstance(raw, list):
            raw = " ".join(map(str, raw))
        return str(raw or self.description or f"Chart {self.number}")

    @property
    def description(self) -> str:
        return str(self.spec.get("description") or self.meta.get("title") or f"Chart {self.number}")

    @property
    def csv_stem(self) -> str:
        return slug(self.meta.get("csv_name") or self.title) or self.id

    def csv_files(self) -> list[tuple[str, "DataTable"]]:
        """``(file name, table)`` of each table with rows: the HTML's CSV downloads, the PDF's attachments."""
        tables = [table for table in self.tables if table.rows]
        return [(f"{self.csv_stem if i == 1 else f'{self.csv_stem}-{i}'}.csv", t) for i, t in enumerate(tables, start=1)]

    def spec_json(self) -> str:
        """Canonical JSON (sorted keys), safe inside ``<script type="application/json">``."""
        text = json.dumps(self.spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.replace("</", "<\\/").replace("<!--", "<\\!--")


_SCHEMA_VERSION = re.compile(r"/v(\d+)\.(\d+)")
#: SVGs of the charts converted lately (spec digest → SVG): a job building HTML (PNG previews)
#: and PDF converts each chart once.
_SVG_MEMO: dict[str, str] = {}


def svg_of(chart: Chart) -> str:
    """The chart as SVG (vl-convert, the Vega-Lite version its ``$schema`` names when available)."""
    import hashlib

    import vl_convert

    key = hashlib.sha256(chart.spec_json().encode("utf-8")).hexdigest()
    if key in _SVG_MEMO:
        return _SVG_MEMO[key]
    version = None
    match = _SCHEMA_VERSION.search(str(chart.spec.get("$schema", "")))
    if match:
        candidate = f"{match[1]}.{match[2]}"
        if candidate in vl_convert.get_vegalite_versions():
            version = candidate
    svg = vl_convert.vegalite_to_svg(chart.spec, vl_version=version) if version else vl_convert.vegalite_to_svg(chart.spec)
    if len(_SVG_MEMO) >= 64:
        _SVG_MEMO.clear()
    _SVG_MEMO[key] = svg
    return svg


def chart_mime(data: dict[str, Any]) -> str | None:
    return next((key for key in sorted(data) if VEGALITE_MIME.match(key)), None)


def _walk_inline_values(node: Any, found: list[list[dict[str, Any]]]) -> None:
    if isinstance(node, dict):
        data = node.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            found.append(data["values"])
        for value in node.values():
            _walk_inline_values(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk_inline_values(value, found)


def data_tables(spec: dict[str, Any]) -> list[DataTable]:
    """Every inline dataset of a spec (top-level ``datasets`` first, then inline ``values``)."""
    tables: list[DataTable] = []
    sources: list[tuple[str, list[Any]]] = sorted((spec.get("datasets") or {}).items())
    inline: list[list[dict[str, Any]]] = []
    _walk_inline_values({k: v for k, v in spec.items() if k != "datasets"}, inline)
    sources += [(f"values-{i}", values) for i, values in enumerate(inline, start=1)]
    for name, values in sources:
        rows = [row if isinstance(row, dict) else {"value": row} for row in values]
        columns: dict[str, None] = {}
        for row in rows:
            columns.update(dict.fromkeys(row))
        tables.append(DataTable(name=name, columns=list(columns), rows=rows))
    return tables


def used_fields(spec: Any) -> set[str]:
    """Field names a spec refers to (encodings, tooltips, sorts, transforms)."""
    found: set[str] = set()
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "field" and isinstance(value, str):
                found.add(value.split(".")[0].replace("\\", ""))
            elif key in ("groupby", "fields") and isinstance(value, list):
                found.update(v for v in value if isinstance(v, str))
            elif key != "datasets":
                found |= used_fields(value)
    elif isinstance(spec, list):
        for value in spec:
            found |= used_fields(value)
    return found


def _field_property(spec: Any, prop: str) -> dict[str, str]:
    """Field → its ``prop`` ("title", "format") in the spec: a tooltip's first, else an encoding's."""
    tooltip: dict[str, str] = {}
    encoding: dict[str, str] = {}

    def walk(node: Any, in_tooltip: bool) -> None:
        if isinstance(node, dict):
            name = node.get("field")
            value = node.get(prop)
            if prop == "format" and value is None and isinstance(node.get("axis"), dict):
                value = node["axis"].get("format")
            if isinstance(name, str) and isinstance(value, str) and value.strip():
                key = name.split(".")[0].replace("\\", "")
                (tooltip if in_tooltip else encoding).setdefault(key, value.strip())
            for key, child in node.items():
                if key not in ("datasets", "data"):
                    walk(child, in_tooltip or key == "tooltip")
        elif isinstance(node, list):
            for child in node:
                walk(child, in_tooltip)

    walk(spec, False)
    return {**encoding, **tooltip}


def field_titles(spec: Any) -> dict[str, str]:
    """Field → the reader's name for it, from the spec itself: a tooltip's ``title`` first (it
    usually carries the unit: "Share of world output"), else an encoding's ``title``. The print
    appendix heads its columns with these instead of code names like ``value_t``; a field the
    spec never titles keeps its name."""
    return _field_property(spec, "title")


def field_formats(spec: Any) -> dict[str, str]:
    """Field → the d3 number format the chart shows it with (``.0%``, ``,.0f``), tooltip first."""
    return _field_property(spec, "format")


def format_as_shown(value: Any, d3_format: str | None) -> str:
    """``value`` printed as the chart prints it: the d3 formats charts use (``.1%``, ``,.0f``,
    ``.2f``) are valid Python format specs too; anything else (``~s``, dates, text) falls back to
    :func:`format_cell`."""
    if d3_format and isinstance(value, (int, float)) and not isinstance(value, bool):
        if d3_format.endswith("%") and "." not in d3_format:
            # an axis's bare "%" is meant for round tick values; d3 and Python would print a
            # value as 88.717949%, so the appendix prints whole percentages
            d3_format = d3_format[:-1] + ".0%"
        try:
            return format(value, d3_format)
        except (ValueError, TypeError):
            pass
    return format_cell(value)


#: Channels whose titled field a reader reads off the chart (an axis, a legend, a facet header);
#: ``text``, ``xOffset``/``yOffset``, ``detail``, ``order``, ``key``, ``href`` only place, label or
#: sort marks, so their fields are helpers.
READER_CHANNELS = ("x", "y", "x2", "y2", "theta", "radius", "color", "fill", "stroke", "size", "shape",
                   "opacity", "strokeDash", "row", "column", "facet")

FACET_CHANNELS = ("facet", "row", "column")


@dataclass
class PrintField:
    """A field of a chart's data as the reader sees it: its title and the format it is shown in."""

    name: str
    title: str
    format: str | None = None
    label_split: str | None = None  # axis/header ``labelExpr: split(datum.value, 'x')``: x is a line break


def _title_text(value: Any) -> str:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return str(value).strip() if isinstance(value, str | list) else ""


_SPLIT_EXPR = re.compile(r"""^\s*split\(\s*datum\.value\s*,\s*(['"])(.+?)\1\s*\)\s*$""")


def _print_field(definition: Any) -> PrintField | None:
    """The reader's view of one field definition, None if it carries no title (a helper)."""
    if not isinstance(definition, dict) or not isinstance(definition.get("field"), str):
        return None
    title = _title_text(definition.get("title"))
    if not title:
        return None
    guides = [g for g in (definition.get("axis"), definition.get("legend"), definition.get("header")) if isinstance(g, dict)]
    fmt = definition.get("format") or next((g["format"] for g in guides if isinstance(g.get("format"), str)), None)
    split = next((m[2] for g in guides if isinstance(g.get("labelExpr"), str) and (m := _SPLIT_EXPR.match(g["labelExpr"]))), None)
    name = definition["field"].split(".")[0].replace("\\", "")
    return PrintField(name=name, title=title, format=fmt if isinstance(fmt, str) and fmt.strip() else None, label_split=split)


def _inline_keys(spec: dict[str, Any]) -> dict[int, str]:
    """``id`` of each inline ``values`` list → its table name in :func:`data_tables` (same walk)."""
    inline: list[list[dict[str, Any]]] = []
    _walk_inline_values({k: v for k, v in spec.items() if k != "datasets"}, inline)
    return {id(values): f"values-{i}" for i, values in enumerate(inline, start=1)}


def _views(node: Any, data: str | None, encoding: dict[str, Any], keys: dict[int, str], found: list) -> None:
    """Every unit view of a spec as ``(table name, encoding)``: data and encodings inherited from
    enclosing layers, facets and concatenations, as Vega-Lite resolves them."""
    if not isinstance(node, dict):
        return
    source = node.get("data")
    if isinstance(source, dict):
        if isinstance(source.get("name"), str):
            data = source["name"]
        elif isinstance(source.get("values"), list):
            data = keys.get(id(source["values"]))
    encoding = {**encoding, **(node.get("encoding") or {})}
    facet = node.get("facet")
    if isinstance(facet, dict):
        encoding = {**encoding, **({"facet": facet} if "field" in facet else {k: v for k, v in facet.items() if k in ("row", "column")})}
    if "mark" in node:
        found.append((data, encoding))
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for child in node.get(key) or []:
            _views(child, data, encoding, keys, found)
    if isinstance(node.get("spec"), dict):
        _views(node["spec"], data, encoding, keys, found)


def print_fields(chart: Chart, table: DataTable) -> list[PrintField]:
    """The fields of ``table`` a reader sees in the chart, in the order the chart shows them.

    A titled facet (panel header) comes first; then a view with a tooltip shows its reader exactly
    the tooltip's titled fields (the print appendix stands in for tooltips), a view without one
    the titled fields of its axes and legends. Untitled fields — positions of labels, offsets, sort keys, the code a legend or
    a facet is keyed on — are helpers and not printed. A chart that titles no field at all keeps
    the old rule (every field it encodes, under its code name)."""
    views: list[tuple[str | None, dict[str, Any]]] = []
    _views(chart.spec, None, {}, _inline_keys(chart.spec), views)
    mine = [encoding for data, encoding in views if data == table.name]
    chosen: dict[str, PrintField] = {}
    for encoding in mine:  # a titled panel header is read whatever the tooltip says
        for channel in FACET_CHANNELS:
            field_ = _print_field(encoding.get(channel))
            if field_ is not None:
                chosen.setdefault(field_.name, field_)
    for encoding in mine:
        tips = encoding.get("tooltip")
        for tip in tips if isinstance(tips, list) else [tips]:
            field_ = _print_field(tip)
            if field_ is not None:
                chosen.setdefault(field_.name, field_)
    for encoding in mine:
        tips = encoding.get("tooltip")
        if any(_print_field(t) for t in (tips if isinstance(tips, list) else [tips])):
            continue
        for channel in READER_CHANNELS:
            field_ = _print_field(encoding.get(channel))
            if field_ is not None:
                chosen.setdefault(field_.name, field_)
    columns = set(table.columns)
    fields = [f for f in chosen.values() if f.name in columns]
    if fields or _titles_any_field(chart.spec):
        return fields
    wanted = used_fields(chart.spec)
    return [PrintField(name=c, title=c) for c in table.columns if c in wanted] or [PrintField(name=c, title=c) for c in table.columns]


def _titles_any_field(spec: Any) -> bool:
    if isinstance(spec, dict):
        if _print_field(spec) is not None:
            return True
        return any(_titles_any_field(v) for k, v in spec.items() if k not in ("datasets", "data"))
    if isinstance(spec, list):
        return any(_titles_any_field(v) for v in spec)
    return False


def print_columns(chart: Chart, table: DataTable) -> list[str]:
    """The columns of ``table`` the print appendix shows (see :func:`print_fields`)."""
    return [f.name for f in print_fields(chart, table)]


def print_value(row: dict[str, Any], field_: PrintField) -> str:
    """A cell as the chart shows it: its number format, a multi-line label on one line."""
    text = format_as_shown(row.get(field_.name), field_.format)
    if field_.label_split and isinstance(row.get(field_.name), str):
        text = " ".join(part.strip() for part in text.split(field_.label_split) if part.strip())
    return text


def to_csv(table: DataTable) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_csv_cell(row.get(column)) for column in table.columns])
    return buffer.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None or isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def format_cell(value: Any) -> str:
    """A value for a printed table: thousands separators, a few significant digits."""
    if value is None or isinstance(value, float) and math.isnan(value):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)  # years stay 2024
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{value:,.0f}" if abs(value) >= 10000 else f"{value:.0f}"
        if abs(value) >= 100:
            return f"{value:,.1f}"
        return f"{value:.4g}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def prepare(nb: Any) -> tuple[Any, list[Chart]]:
    """A copy of ``nb`` ready for conversion, and its charts in document order.

    Removes cells and outputs tagged ``remove-cell`` / ``remove-output``, stderr streams
    (warnings stay in the executed notebook, not in the report) and JavaScript outputs (they
    would need scripts from outside the page). Chart outputs keep their Vega-Lite data under
    ``output.metadata["econsec_chart"]`` = chart number; the converters replace them.
    """
    nb = copy.deepcopy(nb)
    charts: list[Chart] = []
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_CELL_TAGS:
            continue
        if cell.cell_type == "code":
            outputs = []
            for output in [] if tags & REMOVE_OUTPUT_TAGS else cell.get("outputs", []):
                if output.output_type == "stream" and output.get("name") == "stderr":
                    continue
                if output.output_type in ("display_data", "execute_result"):
                    data = output.get("data", {})
                    mime = chart_mime(data)
                    if mime is not None:
                        spec = data[mime]
                        if isinstance(spec, str):
                            spec = json.loads(spec)
                        chart = Chart(number=len(charts) + 1, mime=mime, spec=spec, tables=data_tables(spec))
                        charts.append(chart)
                        output.metadata = dict(output.get("metadata", {}), econsec_chart=chart.number)
                    else:
                        data.pop("application/javascript", None)
                        if not data:
                            continue
                outputs.append(output)
            cell.outputs = outputs
        cells.append(cell)
    nb.cells = cells
    return nb, charts


def replace_charts(nb: Any, charts: list[Chart], render) -> None:
    """Replace every chart output's data with ``{"text/html": render(chart)}``."""
    by_number = {chart.number: chart for chart in charts}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            number = output.get("metadata", {}).get("econsec_chart")
            if number is not None:
                output.data = {"text/html": render(by_number[number])}
                output.metadata = {}
