"""The house Altair theme, the notebook renderer, and :func:`publish` for every chart.

Importing :mod:`analysis.charts` registers both once:

* theme ``econsec`` (Altair's theme registry): Okabe–Ito colour-blind-safe palette, one
  system font stack, thousands separators, left-aligned titles with a subtitle;
* renderer ``econsec``: emits a plain Vega-Lite MIME bundle
  (``application/vnd.vegalite.v6+json`` + ``text/plain``). Altair 6's own ``mimetype`` renderer
  writes ``…v6.json`` (not ``+json``), which nbformat rejects when papermill saves; its default
  HTML renderer fetches Vega from a CDN when the page is opened. The build engine turns this
  bundle into one inline chart per output (JavaScript bundle once per page) and into SVG for PDF.
  The renderer is enabled when ``ECONSEC_BUILD=1`` (set by ``econsec build`` for its kernels);
* renderer ``econsec-offline`` (:mod:`analysis.charts.offline`), enabled everywhere else: an
  analyst's JupyterLab, Notebook or VS Code draws charts from the Vega bundle vl-convert ships,
  sent once per kernel session, so charts show with the network blocked.

:func:`publish` gives a chart what every published chart needs: title, a subtitle stating
unit and year, a source line under the plot, an accessible description (Vega-Lite
``description``) and metadata the build uses for the CSV download link and the print table.
"""

from __future__ import annotations

import os
import textwrap
from typing import Any

import altair as alt

#: Okabe & Ito (2008) palette, safe for the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
#: Named colours, each with one meaning in every report (tests/e2e/test_reader_text.py checks
#: that no report maps one colour to two labels or one label to two colours).
COLOURS = {
    "china": "#D55E00",  # vermillion: China, the concentration risk
    "india": "#E69F00",  # orange
    "japan": "#0072B2",  # blue
    "partner": "#009E73",  # bluish green: MSP partners (the partner bloc), minerals on both lists
    "quad": "#56B4E9",  # sky blue: the Quad's members
    "india_japan": "#CC79A7",  # reddish purple: India and Japan together
    "top3": "#332288",  # indigo: the three largest producers together
    "leader": "#8C6D31",  # brown: the largest producer, whoever it is
    "named_other": "#5B7083",  # slate: named producers or exporters other than China, India, Japan
    "other": "#999999",  # grey: rest of world, residuals
    "highlight": "#CC79A7",
}
#: The colour of each label that names an entity or an aggregate, whatever the chart.
ENTITY_COLOURS = {
    "China": COLOURS["china"], "India": COLOURS["india"], "Japan": COLOURS["japan"],
    "MSP": COLOURS["partner"], "MSP partners": COLOURS["partner"], "Quad": COLOURS["quad"],
    "India–Japan": COLOURS["india_japan"], "Top 3": COLOURS["top3"], "Top 3 producers": COLOURS["top3"],
    "Largest producer": COLOURS["leader"], "Other producers": COLOURS["named_other"],
    "Other exporters": COLOURS["named_other"], "Rest of world": COLOURS["other"],
}
#: Individual producers other than China, India and Japan (trend lines): none of the colours above.
PRODUCER_COLOURS = ["#882255", "#999933", "#000000", "#DDCC77", "#661100", "#6F4E7C", "#117733"]


def entity_range(domain: list[str], others: list[str] | None = None) -> list[str]:
    """Colours for a nominal ``domain``: :data:`ENTITY_COLOURS` where the label names an entity,
    else the next of ``others`` (default :data:`PRODUCER_COLOURS`), in order."""
    spare = iter(others or PRODUCER_COLOURS)
    return [ENTITY_COLOURS.get(label) or next(spare) for label in domain]
FONT = "Inter, 'Helvetica Neue', Helvetica, Arial, 'Noto Sans', 'DejaVu Sans', sans-serif"
MIME_TYPE = f"application/vnd.vegalite.v{alt.SCHEMA_VERSION.lstrip('v').split('.')[0]}+json"
WIDTH = 560


#: Number format of a tonnes axis written out in full (the scenario charts always are).
TONNE_FORMAT = ",.0f"


def tonne_axis(max_value: float, title: str) -> alt.Axis:
    """A tonnes axis: figures in full below a million, abbreviated (SI prefixes) from there."""
    return alt.Axis(title=title, format=TONNE_FORMAT if max_value < 1e6 else "~s", tickCount=5)


def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "background": "#ffffff",
            "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": 300},
            "range": {"category": PALETTE},
            "numberFormat": ",.0f",
            "title": {
                "anchor": "start",
                "fontSize": 15,
                "fontWeight": 600,
                "subtitleFontSize": 12,
                "subtitleColor": "#555555",
                "offset": 10,
            },
            "axis": {
                "labelFontSize": 11,
                "titleFontSize": 12,
                "titleFontWeight": 500,
                "titleColor": "#333333",
                "labelColor": "#333333",
                "gridColor": "#e6e6e6",
                "domainColor": "#888888",
                "tickColor": "#888888",
                "labelLimit": 220,
            },
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom", "direction": "horizontal"},
            "bar": {"color": PALETTE[0]},
            "line": {"strokeWidth": 2},
            "point": {"filled": True, "size": 50},
            "text": {"fontSize": 11},
        }
    }


alt.theme.register("econsec", enable=True)(_theme)


def _render(spec: dict[str, Any], **_: Any) -> dict[str, Any]:
    title = spec.get("description") or "chart"
    return {MIME_TYPE: spec, "text/plain": f"<Vega-Lite chart: {title}>"}


alt.renderers.register("econsec", _render)
if os.environ.get("ECONSEC_BUILD") == "1":
    alt.renderers.enable("econsec")
else:
    from analysis.charts import offline

    alt.renderers.enable(offline.NAME)


# Vega-Lite never wraps a title: one long line widens the whole SVG, and the PDF then scales the
# chart (and its labels) down to the page. Lines of at most this many characters stay within
# about 600 px at the theme's font sizes (12 px subtitle, 10 px source), so a chart of the
# default width prints at full size on A4.
SUBTITLE_CHARS = 95
SOURCE_CHARS = 110


def wrap_lines(text: str, width: int) -> str | list[str]:
    """``text`` as one line when it fits ``width`` characters, else a list of lines (Vega-Lite
    draws a list as stacked lines); words are never split."""

    lines = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    return lines[0] if len(lines) == 1 else (lines or text)


def publish(
    chart: alt.TopLevelMixin,
    *,
    title: str,
    subtitle: str,
    source: str,
    description: str,
    csv_name: str | None = None,
    source_chars: int = SOURCE_CHARS,
) -> alt.VConcatChart:
    """A chart ready for a report.

    ``subtitle`` states unit and year ("Tonnes of rare-earth oxide, 2024"); ``source`` becomes
    the line under the plot ("Source: USGS Mineral Commodity Summaries 2025"); ``description``
    is the accessible text label (Vega-Lite ``description``, read by screen readers and shown
    when charts cannot render). ``csv_name`` names the data download in HTML. ``source_chars``
    is the source line's wrap width in characters: narrower for a chart whose width changes in
    the browser (the explorer), whose source line would otherwise be cut at the right edge.

    The source line is the bottom-oriented title of a one-element ``vconcat`` around the chart,
    so it is part of the chart everywhere (notebook, HTML, SVG in PDF).
    """
    if not source.lower().startswith(("source:", "sources:")):
        source = f"Source: {source}"
    inner = chart.properties(title=alt.TitleParams(text=title, subtitle=wrap_lines(subtitle, SUBTITLE_CHARS)))
    wrapped = alt.vconcat(inner).properties(
        title=alt.TitleParams(
            text=wrap_lines(source, source_chars), orient="bottom", anchor="start", fontSize=10, fontWeight="normal", color="#555555", offset=12
        ),
        description=description,
        usermeta={"econsec": {"title": title, "subtitle": subtitle, "source": source, "csv_name": csv_name or title}},
    )
    return wrapped
