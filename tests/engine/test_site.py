"""Front page, feed and citations (analysis.engine.site) on constructed pages and entries."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from analysis.engine.cache import Project
from analysis.engine.site import citation, data_hash, feed_text, headline, vintage

ATOM = "{http://www.w3.org/2005/Atom}"


class _Spec:
    group = "Profiles"


class _Report:
    """The two attributes of analysis.engine.publications.Report the site functions use."""

    def __init__(self, stem: str, title: str) -> None:
        self.stem, self.title, self.notebook = stem, title, _Spec()

    @property
    def group(self) -> str:
        return self.notebook.group


def _page(findings: list[str]) -> str:
    items = "".join(f"<li><strong>Lead.</strong> {f}</li>" for f in findings)
    return f'<html><body><ul><li>menu</li></ul><section class="econsec-findings"><h2>Key findings</h2><ol>{items}</ol></section></body></html>'


def _project(tmp_path: Path) -> Project:
    project = Project(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "datapackage.json").write_text(json.dumps({"resources": [
        {"name": "usgs", "sources": [{"title": "USGS MCS 2025"}]},
        {"name": "trade", "sources": [{"title": "UN Comtrade"}, {"title": "USGS MCS 2025"}]},
        {"name": "unused", "sources": [{"title": "Never read"}]},
    ]}))
    project.reports.mkdir()
    return project


def test_headline_is_the_first_key_finding_as_text(tmp_path):
    page = tmp_path / "r.html"
    page.write_text(_page(["China supplied 69% in 2024.", "Second."]))
    assert headline(page) == "Lead. China supplied 69% in 2024."
    page.write_text("<html><body><p>No findings.</p></body></html>")
    assert headline(page) == ""
    # a page without findings (explorer, methods) is summarised by its standfirst
    page.write_text('<html><body><p class="econsec-standfirst">Pick any   mineral</p><p>Other.</p></body></html>')
    assert headline(page) == "Pick any mineral"
    standfirst_and_findings = _page(["China supplied 69% in 2024."]).replace(
        "<body>", '<body><p class="econsec-standfirst">Who supplies</p>')
    page.write_text(standfirst_and_findings)
    assert headline(page) == "Lead. China supplied 69% in 2024."


def test_vintage_and_hash_come_from_what_the_report_read(tmp_path):
    project = _project(tmp_path)
    entry = {"deps": {"usgs": {"actual": "a" * 64}, "trade": {"actual": "b" * 64}}}
    assert vintage(project, entry) == ["UN Comtrade", "USGS MCS 2025"]
    changed = {"deps": {"usgs": {"actual": "a" * 64}, "trade": {"actual": "c" * 64}}}
    assert data_hash(entry) != data_hash(changed)
    assert data_hash(entry) == data_hash({"deps": dict(reversed(entry["deps"].items()))})


def test_citation_names_title_sources_and_data_hash(tmp_path):
    entry = {"deps": {"usgs": {"actual": "a" * 64}}}
    cite = citation(_Report("cobalt", "Cobalt: who supplies the world"), entry, ["USGS MCS 2025"], publisher="econsec", epoch=1795564800)
    csl = json.loads(cite["csl"])[0]
    assert csl["title"] == "Cobalt: who supplies the world" and csl["issued"]["date-parts"] == [[2026, 11, 25]]
    assert data_hash(entry) in csl["note"] and "USGS MCS 2025" in csl["note"]
    assert cite["bibtex"].startswith("@techreport{econsec-cobalt,") and data_hash(entry) in cite["bibtex"]


def test_feed_has_one_entry_per_built_report_and_dates_move_only_on_change(tmp_path):
    project = _project(tmp_path)
    reports = [_Report("a", "Report A & co"), _Report("b", "Report B"), _Report("c", "Not built")]
    for stem in ("a", "b"):
        project.output(stem, "html").write_text(_page([f"Finding of {stem} <b>bold</b>."]))
    text, state = feed_text(project, reports, 1000, "Site")
    root = ET.fromstring(text)
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Report A & co", "Report B"]
    assert entries[0].find(f"{ATOM}summary").text == "Lead. Finding of a bold."
    (project.cache).mkdir(parents=True)
    (project.cache / "feed-state.json").write_text(json.dumps(state))
    project.output("b", "html").write_text(_page(["A new finding."]))
    text, _ = feed_text(project, reports, 2000, "Site")
    updated = {e.find(f"{ATOM}id").text: e.find(f"{ATOM}updated").text for e in ET.fromstring(text).findall(f"{ATOM}entry")}
    assert updated == {"urn:econsec:report:a": "1970-01-01T00:16:40Z", "urn:econsec:report:b": "1970-01-01T00:33:20Z"}


def test_search_entries_cut_a_page_at_its_h2_sections_and_skip_scripts(tmp_path):
    from analysis.engine.site import search_entries

    page = tmp_path / "r.html"
    page.write_text(
        "<html><body><nav>All reports</nav><main><h1>Title</h1><p>Intro <strong>bold</strong>, text.</p>"
        "<h2 id='A-b'>Section A¶</h2><p>Cobalt refining</p><script>var x = 'hidden';</script>"
        "<h2>Section B</h2><p>Nickel</p></main><footer>built</footer></body></html>", encoding="utf-8")
    entries = search_entries(page, "Report")
    assert [e["url"] for e in entries] == ["r.html", "r.html#A-b", "r.html"]
    assert entries[0]["text"] == "Title Intro bold, text." and entries[1]["title"] == "Report — Section A"
    assert "hidden" not in " ".join(e["text"] for e in entries) and "All reports" not in entries[0]["text"]


def test_data_hash_is_the_kernels_data_version_of_the_files_read():
    """The citation's value equals what the report's Sources section computes from the files it
    read (name → sha256); the cache's ``kind:`` pseudo-resources are not files and do not count."""
    from analysis.paths import data_version

    files = {"usgs": "a" * 64, "trade": "b" * 64}
    entry = {"deps": {**{n: {"actual": d} for n, d in files.items()}, "kind:usgs-mcs-world": {"actual": "c" * 64}}}
    assert data_hash(entry) == data_version(files)
    assert data_version(files).startswith("sha256:") and len(data_version(files)) == len("sha256:") + 16
