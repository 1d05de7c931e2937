"""What the front page, the feed and the citations know about each built report.

Domain-agnostic: everything comes from the built page (its key-findings block), the cache entry
(the data resources the report read, with their hashes) and ``datapackage.json`` (the titles of
those resources' sources). Nothing here knows minerals.

* :func:`headline` — the report's first key finding, as text;
* :func:`vintage` — the published sources the report's data came from ("USGS Mineral Commodity
  Summaries 2025; …"), from the resources it read;
* :func:`data_hash` — one sha256 over the (resource, content hash) pairs the report read, so a
  citation pins the exact data;
* :func:`citation` — CSL-JSON and BibTeX for a report or one of its charts; :func:`cite_block`
  the "how to cite" block the front page, report footers and chart cards share;
* :func:`document_start` — the opening lines of the front page and the chart cards;
* :func:`write_feed` — ``reports/feed.xml``, an Atom feed with one entry per built report whose
  ``updated`` moves only when the report's HTML changes (kept in ``_cache/feed-state.json``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from analysis.engine.cache import Project, read_entry
from analysis.engine.files import atomic_write_text, read_text_or_none
from analysis.engine.fingerprint import KIND_PREFIX
from analysis.engine.publications import Report
from analysis.paths import data_version


class _FirstFinding(HTMLParser):
    """Collects the first item of ``section.econsec-findings`` and the ``p.econsec-standfirst``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside section.econsec-findings
        self.in_item = False
        self.text: list[str] = []
        self.done = False
        self.in_standfirst = False
        self.standfirst: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "p" and "econsec-standfirst" in classes and not self.standfirst:
            self.in_standfirst = True
        if self.done:
            return
        if tag == "section" and "econsec-findings" in classes:
            self.depth = 1
        elif self.depth and tag == "li" and not self.in_item:
            self.in_item = True

    def handle_endtag(self, tag):
        if self.in_standfirst and tag == "p":
            self.in_standfirst = False
        if self.in_item and tag == "li":
            self.in_item, self.done = False, True

    def handle_data(self, data):
        if self.in_standfirst:
            self.standfirst.append(data)
        if self.in_item and not self.done:
            self.text.append(data)


def headline(html_path: Path) -> str:
    """The first key finding (else the standfirst) of a built report page, as plain text ('' when it has neither)."""
    page = read_text_or_none(html_path)
    return headline_text(page) if page is not None else ""


def _resources(project: Project) -> dict[str, dict[str, Any]]:
    try:
        package = json.loads(project.datapackage.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {entry.get("name", ""): entry for entry in package.get("resources", [])}


def _deps(entry: dict[str, Any] | None) -> dict[str, str]:
    deps = (entry or {}).get("deps") or {}
    return {name: (record or {}).get("actual") or (record or {}).get("recorded") or "" for name, record in deps.items()}


def resource_titles(project: Project) -> dict[str, list[str]]:
    """Resource name → the titles of its sources (whitespace collapsed)."""
    return {name: [" ".join(str(s["title"]).split()) for s in entry.get("sources", []) if s.get("title")]
            for name, entry in _resources(project).items()}


def vintage(project: Project, entry: dict[str, Any] | None) -> list[str]:
    """Distinct source titles of the resources the report read, sorted (its data vintage)."""
    resources = _resources(project)
    titles = set()
    for name in _deps(entry):
        for source in resources.get(name, {}).get("sources", []):
            if source.get("title"):
                titles.add(" ".join(str(source["title"]).split()))
    return sorted(titles)


def data_hash(entry: dict[str, Any] | None) -> str:
    """:func:`analysis.paths.data_version` of the data resources the report read (the ``kind:``
    pseudo-resources key the build cache, they are not files a reader can check)."""
    return data_version({name: digest for name, digest in _deps(entry).items() if not name.startswith(KIND_PREFIX)})


def citation(report: Report, entry: dict[str, Any] | None, sources: list[str], *, publisher: str, epoch: int,
             item: tuple[str, str, str] | None = None) -> dict[str, str]:
    """``{"csl": CSL-JSON text, "bibtex": BibTeX text}`` for one report — or, with ``item`` =
    ``(id suffix, title, url)``, for one part of it (a chart card: CSL type ``figure``, BibTeX
    ``@misc``, ``container-title`` the report). The data note (sources, data hash) is the report's."""
    when = datetime.fromtimestamp(epoch, tz=timezone.utc)
    digest = data_hash(entry)
    note = f"Data: {'; '.join(sources)}. Data version {digest}."
    key, title, url = (report.stem, report.title, f"{report.stem}.html") if item is None else (
        f"{report.stem}-{item[0]}", item[1], item[2])
    csl: dict[str, Any] = {
        "id": key,
        "type": "report" if item is None else "figure",
        "title": title,
        "publisher": publisher,
        "issued": {"date-parts": [[when.year, when.month, when.day]]},
        "URL": url,
        "note": note,
    }
    if item is not None:
        csl["container-title"] = report.title
    clean = lambda text: text.replace("{", "").replace("}", "")  # noqa: E731 — BibTeX braces
    if item is None:
        head, where = f"@techreport{{econsec-{key},\n", f"  institution = {{{publisher}}},\n"
    else:
        head = f"@misc{{econsec-{key},\n"
        where = f"  howpublished = {{Chart in: {clean(report.title)}}},\n  publisher = {{{publisher}}},\n"
    bibtex = (
        head
        + f"  title = {{{clean(title)}}},\n"
        + where
        + f"  year = {{{when.year}}},\n"
        f"  month = {{{when.month}}},\n"
        f"  url = {{{url}}},\n"
        f"  note = {{{note}}}\n"
        f"}}"
    )
    return {"csl": json.dumps([csl], indent=1, ensure_ascii=False), "bibtex": bibtex}


def cite_block(cite: dict[str, str], sources: list[str], *, summary: str, download: str) -> str:
    """A ``<details>`` "how to cite" block: the data sources, the BibTeX and a CSL-JSON download
    (``download`` names the file) — used by the front page, each report's footer and each chart card."""
    from urllib.parse import quote

    csl = "data:application/vnd.citationstyles.csl+json;charset=utf-8," + quote(cite["csl"])
    return (
        f'<details class="econsec-cite"><summary>{html_escape(summary)}</summary>'
        + (f'<p class="econsec-muted">{html_escape("; ".join(sources))}</p>' if sources else "")
        + f'<pre>{html_escape(cite["bibtex"])}</pre>'
        f'<a download="{html_escape(download)}" href="{html_escape(csl)}">CSL-JSON</a></details>'
    )


def cite_entry(data: dict[str, str], deps: list[str] | None) -> dict[str, Any]:
    """The part of a cache entry :func:`data_hash` reads, from a build's resource hashes
    (``data``: name → sha256, kinds included) and the resources a report read (``None``: all).
    A kind the package has none of counts with the empty member set's digest, as in the cache."""
    from analysis.engine.fingerprint import digest as content_digest

    names = list(data) if deps is None else deps
    empty = content_digest([])
    return {"deps": {name: {"actual": data.get(name) or (empty if name.startswith(KIND_PREFIX) else "")} for name in names}}


def document_start(title: str) -> str:
    """The opening of a stand-alone page up to its ``<title>`` (doctype, language, charset,
    viewport, generator): shared by the front page and the chart cards; the report template
    writes the same lines."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="econsec build">\n<title>{html_escape(title, quote=True)}</title>'
    )


def headline_text(page: str) -> str:
    """The first key finding of a page's HTML text, as plain text; a page without findings (the
    explorer, the methods page) gives its standfirst instead, '' when it has neither."""
    parser = _FirstFinding()
    parser.feed(page)
    return " ".join("".join(parser.text or parser.standfirst).split())


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed_text(project: Project, reports: list[Report], epoch: int, heading: str) -> tuple[str, dict[str, Any]]:
    """(Atom XML, new feed state). An entry's ``updated`` is the build date at which its HTML
    content hash was first seen; an unchanged report keeps its date."""
    state_path = project.cache / "feed-state.json"
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    new_state: dict[str, Any] = {}
    entries = []
    for report in reports:
        page = project.output(report.stem, "html")
        if not page.exists():
            continue
        entry = read_entry(project, report.stem)
        content = ((entry or {}).get("outputs") or {}).get("html", {}).get("sha256") or hashlib.sha256(page.read_bytes()).hexdigest()
        previous = state.get(report.stem) or {}
        updated = previous.get("updated") if previous.get("sha256") == content else epoch
        new_state[report.stem] = {"sha256": content, "updated": int(updated)}
        summary = headline(page)
        entries.append(
            "  <entry>\n"
            f"    <title>{xml_escape(report.title)}</title>\n"
            f"    <id>urn:econsec:report:{xml_escape(report.stem)}</id>\n"
            f'    <link rel="alternate" type="text/html" href="{xml_escape(page.name)}"/>\n'
            f"    <updated>{_iso(int(updated))}</updated>\n"
            f"    <category term=\"{xml_escape(report.group)}\"/>\n"
            + (f"    <summary>{xml_escape(summary)}</summary>\n" if summary else "")
            + "  </entry>"
        )
    latest = max([v["updated"] for v in new_state.values()], default=epoch)
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <title>{xml_escape(heading)}</title>\n"
        "  <id>urn:econsec:reports</id>\n"
        '  <link rel="self" href="feed.xml"/>\n'
        '  <link rel="alternate" type="text/html" href="index.html"/>\n'
        f"  <updated>{_iso(int(latest))}</updated>\n"
        "  <author><name>econsec</name></author>\n"
        + "\n".join(entries)
        + ("\n" if entries else "")
        + "</feed>\n"
    )
    return text, new_state


def write_feed(project: Project, reports: list[Report], epoch: int, heading: str) -> bool:
    """Write ``reports/feed.xml`` and its state if the feed changed; True if written."""
    text, state = feed_text(project, reports, epoch, heading)
    path = project.reports / "feed.xml"
    if read_text_or_none(path) == text:
        return False
    project.cache.mkdir(parents=True, exist_ok=True)
    atomic_write_text(project.cache / "feed-state.json", json.dumps(state, sort_keys=True, indent=1))
    atomic_write_text(path, text)
    return True


class _Sections(HTMLParser):
    """The reader's text of a report page, cut at its h2 headings: [(anchor id, heading, text)].

    Only ``<main>`` counts (not the navigation, the inlined scripts or styles)."""

    _SKIP = {"script", "style", "svg", "nav"}
    _BLOCK = {"p", "li", "div", "section", "h1", "h3", "h4", "td", "th", "tr", "caption", "br", "figcaption"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_main = 0
        self.skip = 0
        self.in_heading = False
        self.sections: list[list[Any]] = [["", "", []]]

    def handle_starttag(self, tag, attrs):
        if tag in self._BLOCK:
            self.sections[-1][2].append(" ")  # words of two blocks never run together
        if tag == "main":
            self.in_main += 1
        elif tag in self._SKIP:
            self.skip += 1
        elif tag == "h2" and self.in_main and not self.skip:
            self.sections.append([dict(attrs).get("id") or "", "", []])
            self.in_heading = True

    def handle_endtag(self, tag):
        if tag in self._BLOCK:
            self.sections[-1][2].append(" ")
        if tag == "main":
            self.in_main = max(0, self.in_main - 1)
        elif tag in self._SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "h2":
            self.in_heading = False

    def handle_data(self, data):
        if not self.in_main or self.skip:
            return
        if self.in_heading:
            self.sections[-1][1] += data
        else:
            self.sections[-1][2].append(data)


#: characters of section text kept in the search index (enough for a snippet and for the words
#: a reader searches; the index of every report stays small enough to inline in the front page)
SEARCH_TEXT_CHARS = 1500


def search_entries(html_path: Path, title: str) -> list[dict[str, str]]:
    """One search-index entry per h2 section of a built report: ``url`` (page#anchor), ``title``
    (report — section), ``text`` (the section's words, whitespace collapsed, truncated)."""
    page = read_text_or_none(html_path)
    if page is None:
        return []
    return search_entries_text(page, html_path.name, title)


def search_entries_text(page: str, name: str, title: str) -> list[dict[str, str]]:
    """:func:`search_entries` of a page's HTML text ``page`` published as file ``name``."""
    parser = _Sections()
    parser.feed(page)
    entries = []
    for anchor, heading, chunks in parser.sections:
        heading = " ".join(heading.replace("¶", "").split())
        text = " ".join("".join(chunks).split())[:SEARCH_TEXT_CHARS]
        if not text and not heading:
            continue
        url = name + (f"#{anchor}" if anchor else "")
        entries.append({"url": url, "title": f"{title} — {heading}" if heading else title, "text": text})
    return entries
