"""Every HTML report in a real browser (Debian's headless Chromium), with the network blocked.

Per report: every chart spec in the page drawn by vega-embed (an SVG with marks of a real
size), no console error or warning, no uncaught exception, no dialog, no request beyond the
page itself; a full-page screenshot kept under ``<reports>/_checks/`` for a reviewer. The
index links only files that exist. Hostile event text is shown literally and never runs.
"""

from __future__ import annotations

import json
from urllib.parse import unquote, urlparse

import pytest

from tests.support.e2e import HOSTILE_IMG, HOSTILE_SCRIPT

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="session")
def page_checks(browser, checked_reports):
    """Each report page loaded once (lazily); a summary is written next to the screenshots."""
    checks = {}
    yield checks, browser, checked_reports
    if checks:
        shots = checked_reports / "_checks"
        summary = {stem: {"specs": c.specs, "charts": c.charts, "console": c.console, "errors": c.errors,
                          "requests": c.requests, "dialogs": c.dialogs, "page_width": c.width,
                          "screenshot": str(c.screenshot)} for stem, c in sorted(checks.items())}
        (shots / "browser-checks.json").write_text(json.dumps({"chromium": browser.version, "pages": summary}, indent=1),
                                                   encoding="utf-8")


@pytest.fixture
def page(page_checks, report_stem):
    checks, browser, folder = page_checks
    if report_stem not in checks:
        path = folder / f"{report_stem}.html"
        assert path.is_file(), f"{path} was not built"
        checks[report_stem] = browser.check(path, screenshot=folder / "_checks" / f"{report_stem}.png")
    return checks[report_stem]


def test_the_expected_reports_were_built(report_pages, report_stem):
    assert report_stem in {p.stem for p in report_pages}


def test_every_chart_spec_is_drawn(page, report_stem, known_bug):
    known_bug("browser-charts", report_stem)
    assert page.specs >= 0, "a chart spec in the page is not valid JSON"
    assert page.failures_shown == [], page.failures_shown
    assert (page.charts, page.ready, page.empty_charts) == (page.specs, page.specs, 0), (
        f"{page.charts} charts drawn ({page.ready} ready, {page.empty_charts} empty) for {page.specs} specs")


def test_no_console_errors_exceptions_or_dialogs(page, report_stem, known_bug):
    known_bug("browser-console", report_stem)
    errors = [line for line in page.console if not line.startswith("warning:")]
    assert errors + page.errors + page.dialogs == []


def test_no_request_leaves_the_page(page):
    assert page.requests == []


def test_a_screenshot_of_the_whole_page(page, report_stem, checked_reports):
    from PIL import Image

    assert page.screenshot == checked_reports / "_checks" / f"{report_stem}.png"
    with Image.open(page.screenshot) as image:
        width, height = image.size
        assert width >= 1200 and height > 900, image.size  # the full page, longer than one screen
        colours = image.convert("L").resize((60, max(1, height // 20))).getcolors(maxcolors=256 * 256)
        assert colours and len(colours) > 8, "screenshot is nearly uniform"


def test_title_and_sources_section(page):
    assert page.title.strip()
    assert "Sources" in page.text


def test_charts_were_counted_somewhere(page_checks, report_pages):
    """Guard against a vacuous pass: at least one checked report has charts."""
    checks, browser, folder = page_checks
    for path in report_pages:
        if path.stem not in checks:
            checks[path.stem] = browser.check(path, screenshot=folder / "_checks" / f"{path.stem}.png")
    assert sum(max(c.specs, 0) for c in checks.values()) > 0


def test_index_links_every_report_and_nothing_missing(browser, checked_reports, report_pages):
    check = browser.check(checked_reports / "index.html", screenshot=checked_reports / "_checks" / "index.png")
    assert not (check.console or check.errors or check.requests or check.dialogs), check
    local = []
    for href in check.links:
        parsed = urlparse(href)
        if parsed.scheme in ("http", "https", "mailto"):
            continue
        if parsed.scheme == "data":  # an inline download (the cite block's CSL-JSON): must parse
            assert "," in href and len(href.split(",", 1)[1]) > 0, f"index has an empty data: link {href[:60]}"
            continue
        target = (checked_reports / unquote(parsed.path or "index.html")).resolve()
        assert target.is_file(), f"index links {href}, which does not exist"
        if parsed.fragment:  # the "By subject" lists link sections of other reports
            assert f'id="{unquote(parsed.fragment)}"' in target.read_text(encoding="utf-8"), \
                f"index links {href}: {target.name} has no such id"
        local.append(target.name)
    assert {p.name for p in report_pages} <= set(local), "the index misses a report"


def test_every_internal_link_of_a_report_page_resolves(page, page_checks, report_stem):
    """Each link of the page that stays in the published folder names a file that exists and,
    with a #fragment, an element the target page holds (as the browser sees it: ids made by
    nbconvert for headings, table rows anchored for cross-links)."""
    from tests.support.project import real_matrix, stem_of

    checks, browser, folder = page_checks
    # links are made from the whole matrix: in a folder holding only the tested subset, a link to a
    # matrix report that subset did not build is expected to dangle; in a full build nothing may
    matrix_pages = {f"{stem_of(p['notebook'], params)}.{ext}" for p in real_matrix()["publications"]
                    for params in p["parameters"] for ext in ("html", "pdf")}
    complete = all((folder / name).is_file() for name in matrix_pages if name.endswith(".html"))
    local = 0
    for href in page.links:
        parsed = urlparse(href)
        if parsed.scheme in ("http", "https", "mailto", "data"):
            continue
        local += 1
        target = (folder / unquote(parsed.path)).resolve() if parsed.path else (folder / f"{report_stem}.html")
        if not target.is_file() and not complete and target.name in matrix_pages:
            continue
        assert target.is_file(), f"{report_stem}.html links {href}: no such file"
        if parsed.fragment and target.suffix == ".html":
            stem = target.stem
            if stem not in checks:
                checks[stem] = browser.check(target, screenshot=folder / "_checks" / f"{stem}.png")
            assert unquote(parsed.fragment) in checks[stem].ids, f"{report_stem}.html links {href}: {stem}.html has no such id"
    assert local >= 2, f"{report_stem}.html links {local} pages of the site (at least the index and the methods page expected)"


def test_hostile_event_text_is_shown_literally_and_never_runs(browser, hostile_project):
    page = hostile_project.reports / "partnership.html"
    check = browser.check(page, probe=("__pwned",), screenshot=hostile_project.reports / "_checks" / "partnership.png")
    assert check.globals == {"__pwned": None}, "injected script ran"
    assert check.dialogs == [], check.dialogs
    assert check.requests == [], f"injected <img src=x> was fetched: {check.requests}"
    assert check.errors == [] and check.console == [], check.console + check.errors
    assert f"Hostile summit {HOSTILE_SCRIPT}" in check.text
    assert f"Hostile source {HOSTILE_IMG}" in check.text
    assert check.charts == check.specs > 0


def test_the_checker_sees_what_it_claims_to(browser, tmp_path):
    """A page that breaks every rule: the checks above must be able to fail."""
    page = tmp_path / "broken.html"
    page.write_text(
        """<!doctype html><html><head><title>broken</title></head><body>
        <figure class="econsec-chart"><div class="econsec-chart-view"></div>
        <script type="application/json" class="econsec-chart-spec">{"mark": "bar"}</script></figure>
        <img src="https://cdn.example.org/x.png"><img src="missing.png">
        <script>console.error("deliberate"); window.__pwned = 1; alert("hi");</script>
        </body></html>""",
        encoding="utf-8",
    )
    check = browser.check(page, probe=("__pwned",), settle_ms=500)
    assert (check.specs, check.charts) == (1, 0)
    assert any("deliberate" in line for line in check.console)
    assert check.dialogs == ["alert: hi"]
    assert check.globals == {"__pwned": "1"}
    assert any("cdn.example.org" in r for r in check.requests)
    assert any(r.endswith("/missing.png") for r in check.requests)


def test_network_is_really_blocked(browser, tmp_path):
    """Even a request the page makes by itself (fetch) never reaches a host."""
    page = tmp_path / "fetch.html"
    page.write_text(
        """<!doctype html><title>f</title><script>
        fetch("https://pypi.org/simple/").then(() => { window.__pwned = "reached"; },
                                                () => { window.__pwned = "blocked"; });
        </script>""",
        encoding="utf-8",
    )
    check = browser.check(page, probe=("__pwned",), settle_ms=500)
    assert check.globals == {"__pwned": "blocked"}
    assert check.requests == ["GET https://pypi.org/simple/"]


def test_front_page_search_finds_a_word_from_a_report_and_keeps_it_in_the_address(browser, checked_reports, report_pages):
    """Search works from the folder opened as files: a word that occurs in exactly one report's
    headings or text finds a section of that report, and the query lands in the URL."""
    import re
    from collections import Counter

    from analysis.engine.site import search_entries

    words_of = {p.name: {w.lower() for w in re.findall(r"[A-Za-z]{9,}", " ".join(
                    e["title"] + " " + e["text"] for e in search_entries(p, p.stem)))} for p in report_pages}
    counts = Counter(w for words in words_of.values() for w in words)
    page_name, word = next((name, w) for name, words in sorted(words_of.items()) for w in sorted(words) if counts[w] == 1)

    def search(page):
        page.fill("#econsec-search", word)
        page.wait_for_timeout(100)
        links = page.eval_on_selector_all("#econsec-search-results a", "as => as.map(a => a.getAttribute('href'))")
        return links, page.evaluate("() => location.hash")

    links, address = browser.interact(checked_reports / "index.html", search)
    assert links and all(link.split("#")[0] == page_name for link in links), (word, links)
    assert address == f"#q={word}"
    reopened = browser.interact(checked_reports / "index.html", lambda page: None)  # no error on a plain load
    assert reopened is None


def test_explorer_controls_change_the_chart_the_address_and_the_csv(browser, checked_reports):
    """The explorer restores a view from its address, redraws when a control changes, writes the
    new choice back to the address, and downloads the rows of the current view."""
    import csv as csv_module
    import io

    page_path = checked_reports / "explorer.html"
    if not page_path.exists():
        pytest.skip("the explorer is not among the checked reports")

    def explore(page):
        page.wait_for_selector("figure.econsec-chart-ready", timeout=20000)
        page.wait_for_timeout(300)
        restored = page.eval_on_selector("select[name='mineral']", "s => s.value")
        before = page.inner_text("figure.econsec-chart")
        page.select_option("select[name='mineral']", "Lithium")
        page.wait_for_timeout(500)
        after = page.inner_text("figure.econsec-chart") + " " + " ".join(
            page.eval_on_selector_all("figure.econsec-chart svg text", "ts => ts.map(t => t.textContent)"))
        address = page.evaluate("() => location.hash")
        with page.expect_download() as download_info:
            page.click("a.econsec-view-csv")
        text = open(download_info.value.path(), encoding="utf-8").read()
        return restored, before, after, address, text

    restored, before, after, address, text = browser.interact(page_path, explore, "mineral=Cobalt&stage=refining&year=2023")
    assert restored == "Cobalt"
    assert "Lithium, refining 2023" in after
    assert "mineral=Lithium" in address and "stage=refining" in address and "year=2023" in address
    rows = list(csv_module.DictReader(io.StringIO(text)))
    assert rows and {(r["mineral"], r["stage"], r["year"]) for r in rows} == {("Lithium", "refining", "2023")}
    assert abs(sum(float(r["share"]) for r in rows) - 1) < 0.2  # the named countries of one view, not the whole table


def test_a_chart_card_draws_its_chart_inside_an_iframe_of_another_page(browser, checked_reports, tmp_path):
    """A card (reports/charts/<stem>-<n>.html) embedded by its own snippet in a page elsewhere
    draws its chart with the shared local bundle; nothing outside the reports folder is asked for."""
    import html as html_module
    import re

    cards = sorted((checked_reports / "charts").glob("*-1.html"))
    assert cards, "no chart card was built"
    card = cards[0]
    snippet = html_module.unescape(re.search(r'<textarea id="econsec-embed-code"[^>]*>(.*?)</textarea>',
                                             card.read_text(encoding="utf-8"), re.S)[1])
    assert snippet.startswith('<iframe src="charts/')
    host = tmp_path / "host.html"
    host.write_text("<!doctype html><html><head><meta charset='utf-8'><title>host</title></head><body><h1>Elsewhere</h1>"
                    + snippet.replace('src="charts/', f'src="{(checked_reports / "charts").resolve().as_uri()}/') + "</body></html>",
                    encoding="utf-8")
    refused: list[str] = []

    def look(page):
        frame = page.frame_locator("iframe")
        frame.locator("figure.econsec-chart.econsec-chart-ready").wait_for(timeout=20000)
        marks = frame.locator("figure.econsec-chart svg.marks")
        box = marks.first.bounding_box()
        return marks.count(), box, frame.locator("a[href^='../']").first.get_attribute("href")

    count, box, back = browser.interact(host, look, allow=checked_reports / "charts", refused=refused)
    assert count == 1 and box and box["width"] > 200 and box["height"] > 100, box
    assert back == f"../{card.name.rsplit('-', 1)[0]}.html#chart-1"
    assert refused == []
