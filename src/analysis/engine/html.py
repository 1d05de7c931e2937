"""Executed notebook → one self-contained, offline HTML page (nbconvert + the econsec template).

* No code, no prompts; cells render flat (template ``econsec_html``).
* The Vega/Vega-Lite/vega-embed bundle from ``vl_convert.javascript_bundle()`` is inlined
  **once**, in ``<head>``, and only on pages with charts. Nothing is loaded from the network.
* Each chart becomes ``<figure class="econsec-chart" id="chart-N">`` holding an empty view
  (``role="img"``, ``aria-label`` = the spec's description), its spec as
  ``<script type="application/json">`` (sorted keys) and a "Download data (CSV)" link whose
  ``data:`` URI holds the spec's inline data. One script at the end of the page draws them all
  with ``vegaEmbed(view, spec, {actions: false, renderer: "svg"})``.
* Deterministic: chart ids are ordinal, JSON is sorted, the template uses no random ids and the
  build date comes from ``SOURCE_DATE_EPOCH``.
"""

from __future__ import annotations

import base64
import html
from functools import lru_cache
from pathlib import Path
from typing import Any

from analysis.engine.vega import Chart, prepare, replace_charts, svg_of, to_csv

TEMPLATES = Path(__file__).parent / "templates"
#: Where the template leaves room for the social-card tags (they need the rendered key findings).
SOCIAL_MARK = "<!--econsec-social-->"

EMBED_JS = """\
(function () {
  "use strict";
  // A chart whose usermeta.econsec.url_state names parameters keeps their values in the page
  // address (#mineral=Lithium&year=2023), so a view can be linked and is restored on load.
  function keepInAddress(view, names) {
    var given = new URLSearchParams(location.hash.replace(/^#/, ""));
    names.forEach(function (name) {
      if (!given.has(name)) { return; }
      var current = view.signal(name), value = given.get(name);
      view.signal(name, typeof current === "number" ? Number(value) : value);
    });
    view.runAsync();
    function write() {
      var state = new URLSearchParams();
      names.forEach(function (name) { state.set(name, String(view.signal(name))); });
      history.replaceState(null, "", "#" + state.toString());
    }
    names.forEach(function (name) { view.addSignalListener(name, write); });
  }
  // usermeta.econsec.view_csv {columns, filters: {param: field}}: a link that downloads the rows
  // of the chart's inline dataset (the one having those columns) matching the parameters now.
  function offerViewCsv(figure, view, spec, wanted, stem) {
    var rows = null;
    Object.keys(spec.datasets || {}).forEach(function (key) {
      var data = spec.datasets[key];
      if (rows === null && data.length && wanted.columns.every(function (c) { return c in data[0]; })) { rows = data; }
    });
    if (rows === null) { return; }
    var link = document.createElement("a");
    link.className = "econsec-view-csv";
    link.href = "#";
    link.textContent = "Download this view (CSV)";
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var filters = wanted.filters || {};
      var chosen = rows.filter(function (row) {
        return Object.keys(filters).every(function (param) { return String(row[filters[param]]) === String(view.signal(param)); });
      });
      var columns = Object.keys(rows[0]);
      var quote = function (v) { v = v === null || v === undefined ? "" : String(v); return /[",\\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; };
      var text = [columns.join(",")].concat(chosen.map(function (r) { return columns.map(function (c) { return quote(r[c]); }).join(","); })).join("\\n");
      var blob = new Blob([text + "\\n"], { type: "text/csv" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = stem + "-" + Object.keys(filters).map(function (p) { return String(view.signal(p)).replace(/[^A-Za-z0-9]+/g, "-").toLowerCase(); }).join("-") + ".csv";
      document.body.appendChild(a); a.click(); a.remove();
    });
    var place = figure.querySelector(".econsec-chart-data") || figure;
    place.appendChild(document.createTextNode(" · "));
    place.appendChild(link);
  }
  var figures = document.querySelectorAll("figure.econsec-chart");
  Array.prototype.forEach.call(figures, function (figure) {
    var view = figure.querySelector(".econsec-chart-view");
    var spec;
    try {
      spec = JSON.parse(figure.querySelector("script.econsec-chart-spec").textContent);
    } catch (error) {
      view.textContent = "This chart's data could not be read.";
      return;
    }
    var meta = (spec.usermeta || {}).econsec || {};
    window.vegaEmbed(view, spec, { actions: false, renderer: "svg" })
      .then(function (result) {
        if (meta.url_state && meta.url_state.length) { keepInAddress(result.view, meta.url_state); }
        if (meta.view_csv) { offerViewCsv(figure, result.view, spec, meta.view_csv, meta.csv_name || "view"); }
        figure.classList.add("econsec-chart-ready");
      })
      .catch(function (error) {
        view.textContent = "This chart could not be drawn (" + error.message + "). " + view.getAttribute("aria-label");
      });
  });
})();"""


_BUNDLE: str | None = None


def load_vega_bundle(cache_dir: str | None = None) -> str:
    """The Vega + Vega-Lite + vega-embed bundle (≈ 900 KB), safe inside one ``<script>``.

    Building it takes vl-convert ≈ 1.3 s, so it is kept in ``cache_dir`` (one file per
    vl-convert version) and in the process.
    """
    global _BUNDLE
    if _BUNDLE is not None:
        return _BUNDLE
    import vl_convert

    version = getattr(vl_convert, "__version__", "unknown")
    if not cache_dir:
        bundle = _make_bundle()
    else:
        import fcntl

        cached = Path(cache_dir) / f"vega-bundle-vl-convert-{version}.js"
        cached.parent.mkdir(parents=True, exist_ok=True)
        # One process builds it, the others wait for the file (workers start together).
        with open(cached.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if cached.exists():
                bundle = cached.read_text(encoding="utf-8")
            else:
                from analysis.engine.files import atomic_write_text

                bundle = _make_bundle()
                atomic_write_text(cached, bundle)
    _BUNDLE = bundle
    return bundle


def _make_bundle() -> str:
    import vl_convert

    bundle = vl_convert.javascript_bundle()
    if "</script" in bundle.lower():  # would end the inline script early
        bundle = bundle.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")
    return bundle


def vega_bundle() -> str:
    return load_vega_bundle(None)


@lru_cache(maxsize=4)
def stylesheet(*names: str) -> str:
    return "\n".join((TEMPLATES / "static" / name).read_text(encoding="utf-8") for name in names)


def chart_html(chart: Chart, card: str | None = None) -> str:
    """The HTML markup of one chart (drawn by the page's embed script); ``card``: the path of its
    card (:mod:`analysis.engine.cards`), linked as "Embed or cite this chart"."""
    description = html.escape(chart.description, quote=True)
    links = []
    for index, (name, table) in enumerate(chart.csv_files(), start=1):
        label = "Download data (CSV)" if index == 1 else f"part {index} (CSV)"
        payload = base64.b64encode(to_csv(table).encode("utf-8")).decode("ascii")
        links.append(
            f'<a class="econsec-csv" download="{html.escape(name)}" '
            f'href="data:text/csv;charset=utf-8;base64,{payload}">{label}</a>'
        )
    if card:
        links.append(f'<a class="econsec-card-link" href="{html.escape(card, quote=True)}">Embed or cite this chart</a>')
    tools = f'<figcaption class="econsec-chart-data">{" · ".join(links)}</figcaption>\n' if links else ""
    return (
        f'<figure class="econsec-chart" id="{chart.id}">\n'
        f'<div class="econsec-chart-view" role="img" aria-label="{description}">'
        f'<noscript><p class="econsec-chart-fallback">{description}</p></noscript></div>\n'
        f"{tools}"
        f'<script type="application/json" class="econsec-chart-spec">{chart.spec_json()}</script>\n'
        f"</figure>\n"
    )


class HtmlConverter:
    """Reusable converter (the nbconvert exporter and its templates load once per process)."""

    def __init__(self) -> None:
        from nbconvert import HTMLExporter

        self.exporter = HTMLExporter(
            template_name="econsec_html",
            extra_template_basedirs=[str(TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )

    def convert(self, nb: Any, page: dict[str, Any]) -> tuple[bytes, int]:
        """``(html bytes, number of charts)`` for an executed notebook and the page's metadata."""
        data, count, _ = self.convert_site(nb, page)
        return data, count

    def convert_site(self, nb: Any, page: dict[str, Any], deps: list[str] | None = None) -> tuple[bytes, int, dict[str, bytes]]:
        """``(html bytes, number of charts, chart cards)``. With ``page["site"]`` (what a build
        passes: publisher, date, data hashes, base URL) the page gets social-card tags, a "cite
        this report" block and a link under each chart to its card, and ``files`` holds the cards,
        their PNG previews and the shared bundle (paths relative to ``reports/``); without it,
        the page alone. ``deps``: the data resources the report read (``None``: all)."""
        from analysis.engine import cards

        from analysis.engine.site import cite_block, headline_text

        prepared, charts = prepare(nb)
        site = page.get("site")
        stem = page.get("stem", "")
        files: dict[str, bytes] = {}
        cite_html = ""
        if site:
            replace_charts(prepared, charts, lambda chart: chart_html(chart, cards.card_path(stem, chart.number)))
            cite, sources = cards.report_citation(page, deps)
            cite_html = cite_block(cite, sources, summary="Cite this report", download=f"{stem}.csl.json")
        else:
            replace_charts(prepared, charts, chart_html)
        resources = {
            "econsec": {
                **page,
                "charts": len(charts),
                "css": stylesheet("common.css", "screen.css"),
                "vega_bundle": vega_bundle() if charts else "",
                "embed_js": EMBED_JS,
                "cite_html": cite_html,
            }
        }
        body, _ = self.exporter.from_notebook_node(prepared, resources=resources)
        social = ""
        if site:
            social = cards.social_meta(page, headline_text(body), cards.card_path(stem, 1, "png") if charts else None)
            css = stylesheet("common.css", "screen.css")
            for chart in charts:
                svg = svg_of(chart)
                files[cards.card_path(stem, chart.number)] = cards.card_html(chart, page, deps, svg, css, EMBED_JS).encode("utf-8")
                files[cards.card_path(stem, chart.number, "png")] = cards.png_of(svg)
            if charts:
                files[f"{cards.FOLDER}/{cards.BUNDLE}"] = cards.bundle_file(vega_bundle())
        body = body.replace(SOCIAL_MARK, social, 1)
        return body.encode("utf-8"), len(charts), files
