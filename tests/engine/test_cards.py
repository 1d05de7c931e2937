"""Chart cards (analysis.engine.cards): made from a synthetic executed notebook, no kernel.

The PNG checks read the file's own header (signature, IHDR width); the citation's data hash is
recomputed here from the resource hashes the page was given.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
from html.parser import HTMLParser

import pytest

from analysis.engine.cache import BuildInputs, Project, decide
from analysis.engine.html import HtmlConverter
from analysis.engine.runner import write_extra_files

from .test_convert import PAGE, SPEC, notebook

DATA = {"usgs-2025": "a" * 64, "comtrade": "b" * 64, "unread": "c" * 64}
SITE = {"epoch": 1795564800, "data": DATA, "titles": {"usgs-2025": ["USGS MCS 2025"], "comtrade": ["UN Comtrade"]},
        "publisher": "Test publisher", "base_url": "", "deps": None}
READ = ["usgs-2025", "comtrade"]


@pytest.fixture(scope="module")
def converted():
    page = {**PAGE, "site": SITE}
    converter = HtmlConverter()
    first = converter.convert_site(notebook(), page, READ)
    second = converter.convert_site(notebook(), page, READ)
    return first, second


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


class _Attrs(HTMLParser):
    """Every (tag, attribute, value) of a page, and its text outside scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self._script = 0

    def handle_starttag(self, tag, attrs):
        self._script += tag == "script"
        self.attrs.extend((tag, k, v or "") for k, v in attrs)

    def handle_endtag(self, tag):
        self._script -= tag == "script"

    def handle_data(self, data):
        if not self._script:
            self.text.append(data)


def parsed(page: str) -> _Attrs:
    parser = _Attrs()
    parser.feed(page)
    return parser


def test_every_chart_gets_a_card_a_png_and_the_shared_bundle(converted):
    (_, count, files), _ = converted
    assert count == 2
    assert sorted(files) == ["charts/synthetic-1.html", "charts/synthetic-1.png", "charts/synthetic-2.html",
                             "charts/synthetic-2.png", "charts/vega-bundle.js"]
    bundle = files["charts/vega-bundle.js"].decode()
    assert "window.vegaEmbed=" in bundle.replace(" ", "") and len(bundle) > 500_000


def test_card_states_title_subtitle_source_alt_text_and_links_back(converted):
    (_, _, files), _ = converted
    card = files["charts/synthetic-1.html"].decode()
    page = parsed(card)
    text = " ".join(" ".join(page.text).split())
    meta = SPEC["usermeta"]["econsec"]
    assert f"<title>{meta['title']}</title>" in card
    assert meta["subtitle"] in text and "test" in text  # subtitle and the source line ("Source: test")
    assert ("div", "aria-label", "Bar chart of </script> test values") in page.attrs  # the spec's description
    assert ("a", "href", "../synthetic.html#chart-1") in page.attrs
    assert ("meta", "content", "synthetic-1.png") in page.attrs  # og:image of the card itself
    snippet = re.search(r'<textarea id="econsec-embed-code"[^>]*>(.*?)</textarea>', card, re.S)[1]
    assert snippet.startswith("&lt;iframe src=&quot;charts/synthetic-1.html&quot;")
    # nothing is requested from outside the folder: the only script file is the bundle beside it
    fetched = [(t, v) for t, k, v in page.attrs if k == "src" or (t == "link" and k == "href")]
    assert sorted(fetched) == [("link", "synthetic-1.html"), ("script", "vega-bundle.js")]
    assert "X-Frame-Options" not in card and "frame-ancestors" not in card
    # the spec drawn is the report's spec
    spec = json.loads(re.search(r'<script type="application/json" class="econsec-chart-spec">(.*?)</script>', card, re.S)[1]
                      .replace("<\\/", "</"))
    assert spec == SPEC


def test_cite_this_chart_names_the_chart_and_pins_the_data(converted):
    (_, _, files), _ = converted
    card = files["charts/synthetic-2.html"].decode()
    # recomputed: sha256 over the sorted "name sha256" lines of the resources the report read
    expected = hashlib.sha256("\n".join(f"{n} {DATA[n]}" for n in sorted(READ)).encode()).hexdigest()[:16]
    bibtex = re.search(r"<pre>(@misc\{.*?)</pre>", card, re.S)[1]
    assert bibtex.startswith("@misc{econsec-synthetic-chart-2,")
    assert f"sha256:{expected}" in bibtex and "title = {Test chart}" in bibtex
    assert "url = {charts/synthetic-2.html}" in bibtex and "USGS MCS 2025; UN Comtrade" not in bibtex  # sorted
    assert "UN Comtrade; USGS MCS 2025" in bibtex
    csl_href = re.search(r'href="(data:application/vnd\.citationstyles\.csl\+json[^"]*)"', card)[1]
    from urllib.parse import unquote
    import html as html_module

    csl = json.loads(unquote(html_module.unescape(csl_href).split(",", 1)[1]))[0]
    assert (csl["type"], csl["title"], csl["container-title"]) == ("figure", "Test chart", PAGE["title"])
    assert expected in csl["note"]


def test_png_preview_is_about_1200_pixels_wide(converted):
    (_, _, files), _ = converted
    width, height = png_size(files["charts/synthetic-1.png"])
    assert 1190 <= width <= 1210 and height > 50


def test_same_notebook_same_bytes(converted):
    first, second = converted
    assert first[0] == second[0]
    assert first[2] == second[2]


def test_report_page_has_social_tags_card_links_and_a_cite_block(converted):
    (page_bytes, _, _), _ = converted
    page = page_bytes.decode()
    head = page.split("</head>")[0]
    assert '<meta property="og:title" content="Synthetic: a test">' in head
    assert '<meta property="og:type" content="article">' in head
    assert '<meta property="og:image" content="charts/synthetic-1.png">' in head
    assert '<meta name="twitter:card" content="summary_large_image">' in head
    assert page.count("Embed or cite this chart") == 2 and 'href="charts/synthetic-2.html"' in page
    footer = page.split('<footer class="econsec-footer">')[1]
    assert "Cite this report" in footer and "@techreport{econsec-synthetic," in footer


def test_without_build_context_the_page_stands_alone():
    data, count, files = HtmlConverter().convert_site(notebook(), PAGE)
    page = data.decode()
    assert count == 2 and files == {}
    assert "Embed or cite" not in page and "og:image" not in page and "<!--econsec-social-->" not in page


def test_base_url_makes_snippet_citation_and_image_absolute():
    site = {**SITE, "base_url": "https://example.org/reports/"}
    data, _, files = HtmlConverter().convert_site(notebook(), {**PAGE, "site": site}, READ)
    assert '<meta property="og:image" content="https://example.org/reports/charts/synthetic-1.png">' in data.decode()
    card = files["charts/synthetic-1.html"].decode()
    assert "src=&quot;https://example.org/reports/charts/synthetic-1.html&quot;" in card
    assert "url = {https://example.org/reports/charts/synthetic-1.html}" in card


def test_cards_of_a_lost_chart_are_removed_and_the_shared_bundle_kept(tmp_path):
    project = Project(tmp_path)
    project.reports.mkdir()
    three = {f"charts/r-{n}.{ext}": f"{n}{ext}".encode() for n in (1, 2, 3) for ext in ("html", "png")}
    three["charts/vega-bundle.js"] = b"bundle"
    records = write_extra_files(project, three, {})
    assert sorted(p.name for p in (project.reports / "charts").iterdir()) == sorted(n.split("/")[1] for n in three)
    bundle_mtime = (project.reports / "charts/vega-bundle.js").stat().st_mtime_ns
    two = {k: v for k, v in three.items() if "r-3" not in k and "vega-bundle" not in k}
    write_extra_files(project, two, records)
    names = sorted(p.name for p in (project.reports / "charts").iterdir())
    assert names == ["r-1.html", "r-1.png", "r-2.html", "r-2.png", "vega-bundle.js"]
    # the same bundle again is not rewritten (several reports share it)
    write_extra_files(project, {"charts/vega-bundle.js": b"bundle"}, {})
    assert (project.reports / "charts/vega-bundle.js").stat().st_mtime_ns == bundle_mtime


@pytest.mark.slow
def test_cards_are_part_of_the_reports_html_output(tmp_path):
    """Built with the report, skipped with it (a no-op build writes nothing), and a card deleted
    by hand makes the report stale: it is converted again (no kernel), to the same bytes."""
    from tests.support.engine import environment, run_build, statuses

    from tests.support.project import make_project

    project = make_project(tmp_path / "proj")
    assert statuses(run_build(project, names=["charts-lithium"], formats=("html",))) == {"charts-lithium": "built"}
    charts = project.reports / "charts"
    names = sorted(p.name for p in charts.iterdir())
    count = json.loads(project.entry_path("charts-lithium").read_text())["outputs"]["html"]["charts"]
    assert count > 0 and names == sorted([f"charts-lithium-{n}.{e}" for n in range(1, count + 1) for e in ("html", "png")]
                                         + ["vega-bundle.js"])
    page = (project.reports / "charts-lithium.html").read_text(encoding="utf-8")
    assert page.count('class="econsec-card-link"') == count
    assert '<meta property="og:image" content="charts/charts-lithium-1.png">' in page

    def snapshot():
        return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(project.reports.rglob("*")) if p.is_file()}

    before = snapshot()
    assert statuses(run_build(project, names=["charts-lithium"], formats=("html",))) == {"charts-lithium": "fresh"}
    assert snapshot() == before

    (charts / "charts-lithium-1.png").unlink()
    with environment(ECONSEC_ROOT=str(project.root)):
        inputs = BuildInputs.compute(project)
        from analysis.engine.plan import load_reports

        (report,) = [r for r in load_reports(project, inputs) if r.stem == "charts-lithium"]
        decision = decide(report, ("html",), inputs)
    assert (decision.action, decision.reason) == ("convert", "charts/charts-lithium-1.png missing or changed on disk")
    assert statuses(run_build(project, names=["charts-lithium"], formats=("html",))) == {"charts-lithium": "converted"}
    # the cards come back byte for byte (the report page itself is re-made too; its CSV links
    # may list columns in another order when converted from the re-read executed notebook)
    after = snapshot()
    assert {p: data for p, (_, data) in after.items() if "charts" in p.parent.name} == {
        p: data for p, (_, data) in before.items() if "charts" in p.parent.name}
