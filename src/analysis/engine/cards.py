"""Chart cards: one small, citable, embeddable page per chart of a report, and its PNG preview.

Made by the HTML conversion from the same executed notebook (no re-execution), as part of the
report's HTML output (:mod:`analysis.engine.runner` writes them atomically, records them in the
report's cache entry and removes the cards of charts a report no longer has):

* ``reports/charts/<stem>-<n>.html`` (``n``: the chart's number in the report, as its ``#chart-n``
  anchor) — the chart drawn by the Vega bundle the reports use, read from one shared local file
  ``reports/charts/vega-bundle.js`` (≈ 900 KB once, instead of once per card); its title,
  subtitle, source and description as text; a link back to the chart in the report; an
  ``<iframe>`` snippet to embed it; "cite this chart" (CSL-JSON and BibTeX with the report's data
  sources and data hash, :func:`analysis.engine.site.citation`) — these in the page's footer, as
  on report pages, after the reader's part in ``<main>``. No request leaves the folder,
  and nothing forbids framing.
* ``reports/charts/<stem>-<n>.png`` — a preview ≈ 1200 px wide (``og:image`` of the report's
  first chart): the chart's SVG (shared with the PDF route when both formats are built) rasterised
  by vl-convert, then reduced to 64 colours (≈ 10× smaller, same bytes on every build).

Links are relative (the folder works opened as files). ``[project] base_url`` in
``publications.toml`` makes the embed snippet, the citations and the social-card image absolute.
"""

from __future__ import annotations

import html
import io
import re
from typing import Any

from analysis.engine.vega import Chart

#: The cards' folder inside ``reports/`` and the shared bundle file in it.
FOLDER = "charts"
BUNDLE = "vega-bundle.js"
#: Width of the PNG previews in pixels (what social cards show best).
PNG_WIDTH = 1200
PNG_COLOURS = 64

CARD_CSS = """\
body { margin: 0; padding: 0.6rem 0.8rem 1rem; font-size: 15px; }
main.econsec-card, footer.econsec-card-footer { max-width: 46rem; }
.econsec-card-about { margin: 0.2rem 0 0; font-size: 0.85em; color: var(--muted); }
.econsec-card-about a { color: inherit; }
details.econsec-card-share { margin-top: 0.6rem; font-size: 0.85em; }
details.econsec-card-share summary, details.econsec-cite summary { cursor: pointer; }
details.econsec-card-share h2 { font-size: 1em; margin: 0.9em 0 0.3em; }
.econsec-card-embed { width: 100%; font: 0.85em ui-monospace, monospace; min-height: 4.5em; }
details.econsec-cite pre { white-space: pre-wrap; font-size: 0.85em; }
.econsec-card-text dt { font-weight: 600; }
.econsec-card-text dd { margin: 0 0 0.4em 0; }
figure.econsec-chart { margin: 0; }
"""

#: Fills the embed snippet with the card's own address once it is served from a web site.
SNIPPET_JS = """\
(function () {
  "use strict";
  if (!/^https?:$/.test(location.protocol)) { return; }
  var box = document.getElementById("econsec-embed-code");
  var here = location.href.split("#")[0];
  box.value = box.value.replace(/src="[^"]*"/, 'src="' + here + '"');
})();"""


def card_stem(stem: str, number: int) -> str:
    return f"{stem}-{number}"


def card_path(stem: str, number: int, ext: str = "html") -> str:
    """Path of a chart's card (or PNG) relative to ``reports/``."""
    return f"{FOLDER}/{card_stem(stem, number)}.{ext}"


def absolute(base_url: str, relative: str) -> str:
    """``relative`` (to ``reports/``) under the published address, when one is configured."""
    return f"{base_url.rstrip('/')}/{relative}" if base_url else relative


def svg_size(svg: str) -> tuple[float, float]:
    width = re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg)
    height = re.search(r'<svg[^>]*\sheight="([\d.]+)"', svg)
    return (float(width[1]) if width else 600.0, float(height[1]) if height else 400.0)


def png_of(svg: str) -> bytes:
    """A ≈ 1200-px-wide PNG of a chart's SVG, flattened on white and reduced to 64 colours
    (deterministic: same SVG, same bytes)."""
    import vl_convert
    from PIL import Image

    width, _ = svg_size(svg)
    raw = vl_convert.svg_to_png(svg, scale=PNG_WIDTH / width)
    with Image.open(io.BytesIO(raw)) as image:
        image.load()
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A") if image.mode == "RGBA" else None)
    reduced = flat.quantize(colors=PNG_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    reduced.save(out, "PNG", compress_level=6)
    return out.getvalue()


class _Cited:
    """The two attributes :func:`analysis.engine.site.citation` reads from a report."""

    def __init__(self, stem: str, title: str) -> None:
        self.stem, self.title = stem, title


def report_citation(page: dict[str, Any], deps: list[str] | None, item: tuple[str, str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """(citation, data sources) of the report (or of one of its charts) from the page metadata."""
    from analysis.engine.site import citation, cite_entry

    site = page.get("site") or {}
    data = site.get("data") or {}
    names = list(data) if deps is None else list(deps)
    titles = site.get("titles") or {}
    sources = sorted({t for name in names for t in titles.get(name, [])})
    entry = cite_entry(data, deps)
    cite = citation(_Cited(page["stem"], page["title"]), entry, sources, publisher=site.get("publisher", ""),
                    epoch=int(site.get("epoch", 0)), item=item)
    return cite, sources


def card_html(chart: Chart, page: dict[str, Any], deps: list[str] | None, svg: str, css: str, embed_js: str) -> str:
    """The card page of one chart (see the module docstring)."""
    from analysis.engine.site import cite_block, document_start

    stem, number = page["stem"], chart.number
    base_url = (page.get("site") or {}).get("base_url", "")
    own = card_path(stem, number)
    url = absolute(base_url, own)
    esc = lambda text: html.escape(str(text), quote=True)  # noqa: E731
    meta = chart.meta
    subtitle, source = str(meta.get("subtitle") or ""), str(meta.get("source") or "")
    _, height = svg_size(svg)
    snippet = (f'<iframe src="{esc(url)}" title="{esc(chart.title)}" width="100%" height="{int(height) + 90}" '
               f'style="border: 0" loading="lazy"></iframe>')
    cite, sources = report_citation(page, deps, (f"chart-{number}", chart.title, url))
    back = f"../{stem}.html#{chart.id}"
    text = [("Title", chart.title)] + ([("Subtitle", subtitle)] if subtitle else []) + (
        [("Source", re.sub(r"^sources?:\s*", "", source, flags=re.I))] if source else []) + [("Description", chart.description)]
    facts = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in text)
    return f"""{document_start(chart.title)}
<meta name="description" content="{esc(chart.description)}">
<meta property="og:title" content="{esc(chart.title)}">
<meta property="og:type" content="article">
<meta property="og:image" content="{esc(absolute(base_url, card_path(stem, number, 'png')) if base_url else card_stem(stem, number) + '.png')}">
<meta name="twitter:card" content="summary_large_image">
<link rel="canonical" href="{esc(url if base_url else card_stem(stem, number) + '.html')}">
<style>
{css}
{CARD_CSS}
</style>
<script src="{BUNDLE}"></script>
</head>
<body>
<main class="econsec-card">
<figure class="econsec-chart" id="{chart.id}">
<div class="econsec-chart-view" role="img" aria-label="{esc(chart.description)}"><noscript><p class="econsec-chart-fallback">{esc(chart.description)}</p></noscript></div>
<script type="application/json" class="econsec-chart-spec">{chart.spec_json()}</script>
</figure>
<p class="econsec-card-about">Figure {number} of <a href="{esc(back)}" target="_top">{esc(page["title"])}</a> · <a href="{esc(card_stem(stem, number))}.png" target="_top">Image (PNG)</a></p>
</main>
<footer class="econsec-card-footer">
<details class="econsec-card-share"><summary>Embed or cite this chart</summary>
<dl class="econsec-card-text">{facts}</dl>
<h2>Embed</h2>
<label for="econsec-embed-code">Copy this code into a web page:</label>
<textarea id="econsec-embed-code" class="econsec-card-embed" readonly>{esc(snippet)}</textarea>
<h2>Cite</h2>
{cite_block(cite, sources, summary="Cite this chart", download=f"{card_stem(stem, number)}.csl.json")}
</details>
</footer>
<script>
{embed_js}
</script>
<script>
{SNIPPET_JS}
</script>
</body>
</html>
"""


def bundle_file(bundle: str) -> bytes:
    """``reports/charts/vega-bundle.js``: the bundle, wrapped as the report pages wrap it."""
    return f"(function () {{\n{bundle}\n}})();\n".encode("utf-8")


def social_meta(page: dict[str, Any], description: str, first_png: str | None) -> str:
    """Open Graph and Twitter card tags of a report page (relative image URL unless a base is set)."""
    esc = lambda text: html.escape(str(text), quote=True)  # noqa: E731
    base_url = (page.get("site") or {}).get("base_url", "")
    tags = [
        f'<meta property="og:title" content="{esc(page["title"])}">',
        f'<meta property="og:description" content="{esc(description or page["title"])}">',
        f'<meta name="description" content="{esc(description or page["title"])}">',
        '<meta property="og:type" content="article">',
    ]
    if base_url:
        tags.append(f'<meta property="og:url" content="{esc(absolute(base_url, page["stem"] + ".html"))}">')
    if first_png:
        tags.append(f'<meta property="og:image" content="{esc(absolute(base_url, first_png))}">')
    tags.append(f'<meta name="twitter:card" content="{"summary_large_image" if first_png else "summary"}">')
    return "\n".join(tags)
