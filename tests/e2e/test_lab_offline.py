"""An analyst's JupyterLab, offline: Run All on a real notebook draws every chart.

Starts a JupyterLab server on 127.0.0.1 (free port, token, temporary settings) on a temporary
copy of ``notebooks/mineral_profile.ipynb``, opens it in Debian's headless Chromium through
Playwright, aborts every request that is not to that server, runs all cells and compares the
charts the kernel sent (outputs of the ``econsec-offline`` renderer, read from JupyterLab's
notebook model) with the charts Vega drew in the page (``svg[role=graphics-document]`` or a
canvas), then runs all again in the same kernel, saves, reloads the page and counts again (a
reopened, signed notebook), in JupyterLab and in Notebook 7. With
Altair's default renderer instead this reads: 7 charts sent, 0 drawn, 12 CDN requests blocked.
"""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM_FLAGS, chromium_path
from tests.support.e2e import require_tool
from tests.support.project import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "mineral_profile.ipynb"

_NOTEBOOK_STATE = r"""() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  if (!w || !w.content || !w.content.model || !w.sessionContext) return null;
  const cells = w.content.model.cells;
  let code = 0, run = 0, errors = [], sent = 0, low = Infinity, high = 0;
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i);
    if (c.type !== 'code') continue;
    code += 1;
    if (c.executionCount) run += 1;
    low = Math.min(low, c.executionCount || 0); high = Math.max(high, c.executionCount || 0);
    for (let j = 0; j < c.outputs.length; j++) {
      const o = c.outputs.get(j).toJSON();
      if (o.output_type === 'error') errors.push(o.ename + ': ' + o.evalue);
      const h = o.data && o.data['text/html'];
      const text = Array.isArray(h) ? h.join('') : (h || '');
      // a chart, whichever renderer made it (ours, or Altair's default loader)
      if (/class="econsec-chart-view"|id="altair-viz-/.test(text)
          || Object.keys(o.data || {}).some(k => /^application\/vnd\.vegalite\./.test(k))) sent += 1;
    }
  }
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  return {code: code, run: run, errors: errors, sent: sent, low: low, high: high,
          kernel: kernel ? kernel.status : 'none'};
}"""

_DRAWN = """() => {
  const views = Array.from(document.querySelectorAll('.jp-OutputArea-output'))
      .filter(o => o.querySelector('.econsec-chart-view, [id^="altair-viz-"], .vega-embed'));
  let drawn = 0;
  views.forEach(v => { if (v.querySelector('svg[role="graphics-document"], svg.marks, canvas.marks')) drawn += 1; });
  return {views: views.length, drawn: drawn,
          failed: views.filter(v => /could not be drawn|Error loading script/.test(v.innerText)).length};
}"""


#: The report checks' Chromium flags, with the resolver still refusing every host but this one.
FLAGS = [f for f in CHROMIUM_FLAGS if not f.startswith("--host-resolver-rules")] + [
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require_tool("chromium", "JUPYTERLAB OFFLINE CHARTS")
    home = tmp_path_factory.mktemp("lab")
    root = home / "notebooks"
    root.mkdir()
    shutil.copy(REPO / "notebooks" / NOTEBOOK, root / NOTEBOOK)
    port, token = _free_port(), uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if k != "ECONSEC_BUILD"}
    env.update(
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
    )
    log = (home / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
         "--JupyterNotebookApp.expose_app_in_browser=True", "--allow-root"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("jupyter lab did not start:\n" + (home / "server.log").read_text()) from None
                time.sleep(0.3)
        yield base, token, home
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


#: JupyterLab, and Notebook 7 (the classic-notebook interface, served by the same server).
FRONT_ENDS = {"jupyterlab": "/lab/tree/", "notebook7": "/notebooks/"}


@pytest.mark.parametrize("front_end", list(FRONT_ENDS))
def test_run_all_draws_every_chart_with_the_network_blocked(lab, front_end):
    from playwright.sync_api import sync_playwright

    base, token, home = lab
    blocked: list[str] = []
    problems: list[str] = []
    def drive():
        # Playwright's sync API refuses to run where an asyncio loop is running, and an
        # earlier in-process kernel test (nbclient) may leave one on this thread: a fresh
        # thread has none.
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=FLAGS,
                                         env={**os.environ, "HOME": str(home)})
            try:
                context = browser.new_context(viewport={"width": 1300, "height": 1000}, service_workers="block")

                def on_route(route) -> None:
                    if route.request.url.startswith(base + "/"):
                        route.continue_()
                    else:
                        blocked.append(route.request.url)
                        route.abort("blockedbyclient")

                context.route("**/*", on_route)
                page = context.new_page()
                page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
                page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
                name = f"{Path(NOTEBOOK).stem}-{front_end}.ipynb"  # its own kernel
                shutil.copy(home / "notebooks" / NOTEBOOK, home / "notebooks" / name)
                page.goto(f"{base}{FRONT_ENDS[front_end]}{name}?token={token}", wait_until="load", timeout=30000)
                page.wait_for_function(f"() => {{ const s = ({_NOTEBOOK_STATE})(); return s && s.kernel === 'idle'; }}",
                                       timeout=30000)
                page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
                page.wait_for_function(
                    f"() => {{ const s = ({_NOTEBOOK_STATE})();"
                    " return s && (s.errors.length > 0 || (s.run === s.code && s.kernel === 'idle')); }",
                    timeout=40000, polling=250,
                )
                state = page.evaluate(_NOTEBOOK_STATE)
                assert not state["errors"], state["errors"]
                sent = state["sent"]
                try:  # every chart the kernel sent either drawn or given up on
                    page.wait_for_function(
                        f"() => {{ const d = ({_DRAWN})(); return d.drawn + d.failed >= {sent}; }}", timeout=20000)
                except Exception:  # noqa: BLE001 - reported by the counts below
                    pass
                drawn = page.evaluate(_DRAWN)
                drawn["texts"] = page.eval_on_selector_all(
                    ".jp-OutputArea-output", "vs => vs.map(v => v.textContent.slice(0, 120))")
                shot = home / f"{front_end}.png"
                if drawn["views"]:
                    page.locator(".jp-OutputArea-output .econsec-chart-view, .jp-OutputArea-output [id^=altair-viz-]").first.scroll_into_view_if_needed()
                page.screenshot(path=str(shot), full_page=False)
                # Run All again in the same kernel (replaces the output holding the bundle), then
                # saved and reopened (page reload): the outputs come from the file, which Jupyter
                # signed when it saved it, so they are trusted and the saved bundle draws them again.
                first_run = page.evaluate(_NOTEBOOK_STATE)["high"]
                page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
                page.wait_for_function(  # every cell has a count from the second run
                    f"() => {{ const s = ({_NOTEBOOK_STATE})();"
                    f" return s && (s.errors.length > 0 || (s.low > {first_run} && s.kernel === 'idle')); }}",
                    timeout=40000, polling=250,
                )
                assert not page.evaluate(_NOTEBOOK_STATE)["errors"]
                page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
                page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=10000)
                page.reload(wait_until="load")
                page.wait_for_function(f"() => {{ const s = ({_NOTEBOOK_STATE})(); return s && s.code > 0; }}", timeout=30000)
                try:
                    page.wait_for_function(
                        f"() => {{ const d = ({_DRAWN})(); return d.drawn + d.failed >= {sent}; }}", timeout=20000)
                except Exception:  # noqa: BLE001 - reported by the counts below
                    pass
                reopened = page.evaluate(_DRAWN)
            finally:
                browser.close()
        return sent, drawn, reopened, shot

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        sent, drawn, reopened, shot = pool.submit(drive).result()
    print(f"charts sent {sent}, drawn {drawn['drawn']}, failed {drawn['failed']}; reopened: drawn {reopened['drawn']};"
          f" blocked {len(blocked)} requests")
    assert sent >= 5, f"mineral_profile shows at least 5 charts for rare earths, the kernel sent {sent}"
    assert drawn["views"] == sent
    assert drawn["drawn"] == sent, f"{drawn}; {problems[:10]}; screenshot {shot}"
    assert all(not url.startswith(base) for url in blocked)
    assert reopened["drawn"] == sent, f"after saving and reopening: {reopened}"
