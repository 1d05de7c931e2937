"""Open a report in Debian's headless Chromium, offline, and record what a reader's browser did.

Driven through the DevTools protocol by Playwright, which is told to use ``/usr/bin/chromium``
(it never downloads a browser of its own). The network is blocked twice: Chromium resolves no
host (``--host-resolver-rules``) and every request other than the page itself is aborted and
recorded. What is recorded per page: console errors and warnings, uncaught exceptions, dialogs
(``alert`` …), requests that left the page, chart specs in the page, charts vega-embed drew,
and a full-page screenshot.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = [
    "--no-sandbox",  # root in CI containers
    "--disable-gpu",
    "--disable-dev-shm-usage",  # containers give /dev/shm 64 MB
    '--host-resolver-rules=MAP * ~NOTFOUND',
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]

#: Markers the page's own embed script writes when a chart cannot be drawn.
CHART_FAILURES = ("This chart could not be drawn", "This chart's data could not be read")


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageCheck:
    url: str
    specs: int = 0
    charts: int = 0
    ready: int = 0
    empty_charts: int = 0
    failures_shown: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    globals: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    title: str = ""
    width: int = 0  # the page's scroll width at a 1200-px viewport
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)  # every element id: the fragments a link may target
    screenshot: Path | None = None


# What the page says about its charts, read after vega-embed had its chance.
_CHART_STATE = """() => {
  const specs = document.querySelectorAll('script.econsec-chart-spec');
  let parsed = 0;
  specs.forEach(s => { try { JSON.parse(s.textContent); parsed += 1; } catch (e) {} });
  const views = document.querySelectorAll('figure.econsec-chart .econsec-chart-view');
  let drawn = 0, empty = 0;
  views.forEach(v => {
    const g = v.querySelector('svg.marks, canvas.marks');
    if (!g) return;
    drawn += 1;
    const box = g.getBoundingClientRect();
    const marks = g.tagName.toLowerCase() === 'svg' ? g.querySelectorAll('path, rect, line, text, circle, symbol').length : 1;
    if (box.width < 10 || box.height < 10 || marks === 0) empty += 1;
  });
  return {specs: specs.length, parsed: parsed, charts: drawn, empty: empty,
          ready: document.querySelectorAll('figure.econsec-chart.econsec-chart-ready').length,
          figures: document.querySelectorAll('figure.econsec-chart').length};
}"""


class Browser:
    """One Chromium for a test session; a fresh, offline context per page."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        executable = chromium_path()
        if executable is None:
            raise RuntimeError("chromium is not installed (run scripts/install-system-deps.sh)")
        self._profile = tempfile.mkdtemp(prefix="econsec-chromium-")
        self._manager = sync_playwright()
        self._pw = self._manager.__enter__()
        # Playwright starts Chromium with a new, empty --user-data-dir of its own.
        self.browser = self._pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS,
                                                env={**os.environ, "HOME": self._profile})
        self.version = self.browser.version

    def close(self) -> None:
        try:
            self.browser.close()
        finally:
            self._manager.__exit__(None, None, None)
            shutil.rmtree(self._profile, ignore_errors=True)

    def _offline_context(self, url: str, allow: Path | None = None, refused: list[str] | None = None):
        """A fresh context where every request but ``url`` itself (any #fragment), data:, blob:
        and — when given — files under the folder ``allow`` is refused (and listed in ``refused``)."""
        context = self.browser.new_context(viewport={"width": 1200, "height": 900}, offline=True,
                                           service_workers="block", java_script_enabled=True)
        inside = allow.resolve().as_uri() + "/" if allow is not None else None

        def route(route) -> None:
            target = route.request.url
            if target.split("#")[0] == url or target.startswith(("data:", "blob:")) or (inside and target.startswith(inside)):
                route.continue_()
            else:
                if refused is not None:
                    refused.append(target)
                route.abort("blockedbyclient")

        context.route("**/*", route)
        return context

    def interact(self, path: Path, action, fragment: str = "", *, allow: Path | None = None,
                 refused: list[str] | None = None):
        """Open ``path`` (with ``#fragment`` when given) offline — every request but the file
        itself (and files under ``allow``) blocked, the blocked ones listed in ``refused`` — and
        return ``action(page)``: for tests that type, click and read."""
        url = path.resolve().as_uri()
        context = self._offline_context(url, allow, refused)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            page.goto(url + (f"#{fragment}" if fragment else ""), wait_until="load", timeout=30000)
            result = action(page)
        finally:
            context.close()
        assert not errors, f"{path.name}: {errors}"
        return result

    def check(self, path: Path, *, screenshot: Path | None = None, probe: tuple[str, ...] = (),
              settle_ms: int = 15000) -> PageCheck:
        """Load ``path`` (a file) offline and report what happened (see :class:`PageCheck`)."""
        url = path.resolve().as_uri()
        result = PageCheck(url=url)
        context = self._offline_context(url)
        page = context.new_page()

        def on_request(request) -> None:
            if request.url != url and not request.url.startswith(("data:", "blob:", "about:")):
                result.requests.append(f"{request.method} {request.url}")

        def on_dialog(dialog) -> None:
            result.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("request", on_request)
        page.on("console", lambda m: result.console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning", "assert") else None)
        page.on("pageerror", lambda e: result.errors.append(str(e)))
        page.on("dialog", on_dialog)
        try:
            page.goto(url, wait_until="load", timeout=30000)
            try:  # every chart the page holds either drawn (class added) or given up on
                page.wait_for_function(
                    """() => { const f = document.querySelectorAll('figure.econsec-chart');
                               const done = Array.from(f).filter(x => x.classList.contains('econsec-chart-ready')
                                   || /could not be (drawn|read)/.test(x.textContent));
                               return done.length === f.length; }""",
                    timeout=settle_ms,
                )
            except Exception:  # noqa: BLE001 - a chart that never finishes is reported by the counts below
                pass
            page.wait_for_timeout(200)  # let late errors surface
            state = page.evaluate(_CHART_STATE)
            result.specs = state["specs"] if state["parsed"] == state["specs"] else -1
            result.charts = state["charts"]
            result.ready = state["ready"]
            result.empty_charts = state["empty"]
            result.text = page.inner_text("body")
            result.title = page.title()
            result.width = page.evaluate("() => document.documentElement.scrollWidth")
            result.failures_shown = [m for m in CHART_FAILURES if m in result.text]
            result.links = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
            result.ids = set(page.eval_on_selector_all("[id], a[name]", "es => es.map(e => e.id || e.getAttribute('name'))"))
            for name in probe:
                result.globals[name] = page.evaluate(f"() => typeof window[{name!r}] === 'undefined' ? null : String(window[{name!r}])")
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot), full_page=True)
                result.screenshot = screenshot
        finally:
            context.close()
        return result
