"""Altair renderer ``econsec-offline``: charts drawn in JupyterLab, Notebook 7 and VS Code offline.

Altair's default renderer loads Vega, Vega-Lite and vega-embed from a CDN each time a chart is
shown, so with the network blocked every chart reads "Error loading script". JupyterLab's own
Vega mime renderer stops at Vega-Lite 5 (``application/vnd.vegalite.v5+json``) and Altair 6
writes Vega-Lite 6 specs, so no installed front-end draws them on its own.

This renderer sends the Vega bundle that ships inside ``vl-convert-python``
(:func:`vl_convert.javascript_bundle`: Vega 6, Vega-Lite 6.4, vega-embed 7, the same code the
build engine inlines into report HTML) **once per kernel session**, with the first chart. Every
chart output is a ``text/html`` bundle: a placeholder, and a small script that waits for
``window.vegaEmbed`` and draws the spec. The bundle runs inside a function (its top-level
``const`` names would clash if it ever ran twice) and sets ``window.VEGA_DEBUG`` to the bundled
versions, so a chart shown through Altair's own HTML renderer in the same page also uses it
instead of the CDN.

Front-end behaviour:

* JupyterLab / Notebook 7 run scripts of ``text/html`` outputs only when the output is trusted:
  outputs the kernel produced in this session are; a saved notebook reopened by the user who
  saved it is (Jupyter signs what it saves). An untrusted notebook shows each chart's placeholder
  text instead (File ▸ Trust Notebook, or re-run the cells).
* The bundle lives in the output of the first chart shown in the session. When the cell holding
  it runs again (Run All twice, or re-running that cell), its output is replaced, so the bundle
  is sent again with that cell's first chart: a notebook saved after any sequence of runs still
  carries it. The cell is told apart by the ``cellId`` JupyterLab, Notebook 7 and VS Code put in
  each execute request's metadata, and the run by the request's message id. Clearing that output
  by hand and reloading the page leaves the other charts waiting: their placeholder says so;
  restarting the kernel (or :func:`resend_bundle`) sends it again with the next chart.
* Build kernels (``ECONSEC_BUILD=1``) use the plain MIME renderer ``econsec`` instead (see
  :mod:`analysis.charts.theme`): the build engine reads specs, not HTML.

Versions are pinned together in ``constraints.txt``: ``altair`` (Vega-Lite schema
``alt.SCHEMA_VERSION``) and ``vl-convert-python`` (bundle with the matching Vega-Lite minor).
"""

from __future__ import annotations

import html
import json
import re
import uuid
from typing import Any

import altair as alt

NAME = "econsec-offline"
#: Vega-Lite version of the bundle: the minor version of Altair's schema ("v6.4.1" → "6.4").
VEGALITE_MINOR = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
#: How long a chart waits for the bundle before saying it is missing (milliseconds).
WAIT_MS = 15000
EMBED_OPTIONS = {"renderer": "svg", "actions": {"export": True, "source": False, "compiled": False, "editor": False}}

#: Whether this kernel sent the bundle, and from which cell (``cellId``) and run (message id).
_STATE: dict[str, Any] = {"sent": False, "cell": None, "count": None}
_BUNDLE: list[str] = []


def _json_for_script(value: Any) -> str:
    """JSON that cannot end an inline ``<script>`` early (``</`` only occurs inside strings)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True).replace("</", "<\\/").replace("<!--", "<\\!--")


def _code_for_script(code: str) -> str:
    """JavaScript source made safe inline (as the build engine does: only ``</script`` matters)."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)


def bundle_script() -> str:
    """The ``<script>`` that defines ``window.vegaEmbed``/``vega``/``vegaLite`` (about 900 KB)."""
    if not _BUNDLE:
        import vl_convert

        # Raises when the installed vl-convert lacks Altair's Vega-Lite minor: pin them together.
        code = vl_convert.javascript_bundle(vl_version=VEGALITE_MINOR)
        debug = {
            "vega_version": alt.VEGA_VERSION,
            "vegalite_version": alt.VEGALITE_VERSION,
            "vegaembed_version": alt.VEGAEMBED_VERSION,
        }
        _BUNDLE.append(
            f"<script>window.VEGA_DEBUG = window.VEGA_DEBUG || {json.dumps(debug)};\n"
            f"if (!window.vegaEmbed) {{ (function () {{\n{_code_for_script(code)}\n}})(); }}</script>"
        )
    return _BUNDLE[0]


def _execution() -> tuple[str | None, str | None]:
    """The running cell's ``cellId`` and its execute request's message id (``None`` outside a kernel)."""
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        parent = kernel.get_parent("shell") if kernel is not None else {}
    except Exception:  # noqa: BLE001 - no kernel, or an old ipykernel: once per session then
        return None, None
    parent = parent or {}
    return (parent.get("metadata") or {}).get("cellId"), (parent.get("header") or {}).get("msg_id")


def resend_bundle() -> None:
    """Send the Vega bundle again with the next chart (after its first output was cleared)."""
    _STATE["sent"] = False


def chart_html(spec: dict[str, Any]) -> str:
    """Placeholder and drawing script of one chart (needs the bundle somewhere on the page)."""
    chart_id = f"econsec-chart-{uuid.uuid4().hex}"
    label = str(spec.get("description") or "chart")
    pending = (
        f"Chart: {label}. If this text stays, the chart was not drawn: trust the notebook "
        "(File ▸ Trust Notebook) or re-run its cells."
    )
    missing = (
        "This chart could not be drawn: the Vega script this kernel sent with its first chart is not on "
        "this page. Restart the kernel and run all cells, or run analysis.charts.offline.resend_bundle()."
    )
    payload = _json_for_script(spec)
    return (
        f'<div id="{chart_id}" class="econsec-chart-view" role="img" aria-label="{html.escape(label, quote=True)}">'
        f'<p class="econsec-chart-pending">{html.escape(pending)}</p></div>\n'
        "<script>(function () {\n"
        f"  var id = {json.dumps(chart_id)}, spec = {payload}, options = {json.dumps(EMBED_OPTIONS)};\n"
        f"  var started = Date.now(), missing = {json.dumps(missing)};\n"
        "  function draw() {\n"
        "    var el = document.getElementById(id);\n"
        "    if (el && window.vegaEmbed) {\n"
        "      el.textContent = '';\n"
        "      window.vegaEmbed(el, spec, options).catch(function (e) {\n"
        "        el.textContent = 'This chart could not be drawn: ' + e; });\n"
        "      return;\n"
        "    }\n"
        f"    if (Date.now() - started < {WAIT_MS}) {{ setTimeout(draw, 30); return; }}\n"
        "    if (el) el.textContent = missing;\n"
        "  }\n"
        "  draw();\n"
        "})();</script>"
    )


def render(spec: dict[str, Any], **_: Any) -> dict[str, str]:
    """Altair renderer: ``text/html`` (bundle with the session's first chart) + ``text/plain``."""
    parts = []
    cell, run = _execution()
    rerun_of_bundle_cell = cell is not None and cell == _STATE["cell"] and run != _STATE["count"]
    if not _STATE["sent"] or rerun_of_bundle_cell:
        parts.append(bundle_script())
        _STATE.update(sent=True, cell=cell, count=run)
    parts.append(chart_html(spec))
    title = spec.get("description") or "chart"
    return {"text/html": "\n".join(parts), "text/plain": f"<Vega-Lite chart: {title}>"}


alt.renderers.register(NAME, render)
