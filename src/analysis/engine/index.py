"""``reports/index.html``: the front page — every report of the matrix, grouped, each with its
headline finding, its data vintage, links to HTML and PDF and a "cite this" block.

Built from ``publications.toml``, the built pages and the cache entries (:mod:`analysis.engine.site`),
so it is deterministic (the only date is the build date from ``SOURCE_DATE_EPOCH``) and rewritten
only when its content changes.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis.engine.cache import Project, read_entry
from analysis.engine.files import atomic_write_text, read_text_or_none
from analysis.engine.html import stylesheet
from analysis.engine.publications import Report, section_links
from analysis.engine.site import citation, cite_block, document_start, headline_text, search_entries_text, vintage

#: The front page's search: plain JavaScript over the inlined index (every h2 section of every
#: report), so it works from the published folder opened as files — no server, no library, no
#: network. A query is kept in the address (#q=…) so a search can be linked.
SEARCH_JS = r"""
(function () {
  var index = JSON.parse(document.getElementById('econsec-search-index').textContent);
  var box = document.getElementById('econsec-search');
  var out = document.getElementById('econsec-search-results');
  function snippet(text, word) {
    var at = text.toLowerCase().indexOf(word);
    var start = Math.max(0, at - 80);
    return (start > 0 ? '… ' : '') + text.slice(start, start + 220) + (start + 220 < text.length ? ' …' : '');
  }
  function run() {
    var query = box.value.trim().toLowerCase();
    var words = query.split(/\s+/).filter(function (w) { return w.length > 0; });
    out.textContent = '';
    if (!words.length) { history.replaceState(null, '', location.pathname); return; }
    history.replaceState(null, '', '#q=' + encodeURIComponent(box.value.trim()));
    var hits = index.filter(function (e) {
      var hay = (e.title + ' ' + e.text).toLowerCase();
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    });
    var summary = document.createElement('p');
    summary.className = 'econsec-muted';
    summary.textContent = hits.length + (hits.length === 1 ? ' section matches' : ' sections match') +
      (hits.length > 20 ? ' (first 20 shown)' : '');
    out.appendChild(summary);
    hits.slice(0, 20).forEach(function (e) {
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = e.url;
      link.textContent = e.title;
      var text = document.createElement('p');
      text.textContent = snippet(e.text, words[0]);
      item.appendChild(link);
      item.appendChild(text);
      out.appendChild(item);
    });
  }
  box.addEventListener('input', run);
  var given = /^#q=(.*)$/.exec(location.hash);
  if (given) { box.value = decodeURIComponent(given[1]); run(); }
})();
"""


def _cite_block(report: Report, entry: dict | None, sources: list[str], heading: str, epoch: int) -> str:
    cite = citation(report, entry, sources, publisher=heading, epoch=epoch)
    return cite_block(cite, sources, summary=f"Data ({len(sources)} published sources) and how to cite",
                      download=f"{report.stem}.csl.json")


def subjects(reports: list[Report], sections: Sequence[Mapping[str, Any]] = ()) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """Parameter name → value → (href, title) of every page about that subject, for the front
    page's "By subject" lists: the reports whose text parameters include it (a mineral's profile
    and its scenarios), then the sections of other reports declared to be about it (``sections``:
    the ``[project] sections`` domain function's values, as
    :func:`analysis.engine.publications.related_reports` reads them — each country report's row
    on the mineral). Only parameters that take at least two values in the matrix are subjects a
    reader picks from; pages linked from every report (methods, explorer) are about every
    subject and are listed under their own group."""
    about: dict[str, dict[str, dict[str, str]]] = {}
    for report in reports:
        if not report.notebook.linked_from_all:
            for name, value in report.params.items():
                if isinstance(value, str):
                    about.setdefault(name, {}).setdefault(value, {})[f"{report.stem}.html"] = report.title
    found = {name: values for name, values in about.items() if len(values) >= 2}
    for section in sections:
        for name, value in section["subject"].items():
            pages = found.get(str(name), {}).get(str(value))
            if pages is None:
                continue
            for href, label in section_links(section, reports):
                pages.setdefault(href, label)
    return {name: {value: list(pages.items()) for value, pages in values.items()} for name, values in found.items()}


def _subject_lists(project: Project, reports: list[Report], sections: Sequence[Mapping[str, Any]]) -> str:
    built = {f"{r.stem}.html" for r in reports if project.output(r.stem, "html").exists()}
    blocks = []
    for name, values in subjects(reports, sections).items():
        rows = []
        for value, pages in values.items():
            links = [f'<a href="{html.escape(href)}">{html.escape(title)}</a>'
                     for href, title in pages if href.split("#", 1)[0] in built]
            if links:
                rows.append(f"<tr><th scope=\"row\">{html.escape(value[:1].upper() + value[1:])}</th><td>{' · '.join(links)}</td></tr>")
        if rows:
            blocks.append(f'<h3>By {html.escape(name.replace("_", " "))}</h3>\n<table class="econsec-subjects">\n'
                          + "\n".join(rows) + "\n</table>")
    if not blocks:
        return ""
    return ('<h2 id="by-subject">By subject</h2>\n<p class="econsec-muted">Every page about one mineral, country or '
            "supplier: the reports on it and the sections of other reports about it.</p>\n" + "\n".join(blocks))


def render(project: Project, reports: list[Report], epoch: int, heading: str,
           sections: Sequence[Mapping[str, Any]] = ()) -> str:
    groups: dict[str, list[Report]] = {}
    for report in reports:
        groups.setdefault(report.group, []).append(report)
    date = datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%d")
    parts = []
    search: list[dict[str, str]] = []
    for group, members in groups.items():
        items = []
        for report in members:
            html_path = project.output(report.stem, "html")
            pdf_path = project.output(report.stem, "pdf")
            title = html.escape(report.title)
            link = f'<a href="{html.escape(html_path.name)}">{title}</a>' if html_path.exists() else f"{title} <em>(not built)</em>"
            extras = []
            if pdf_path.exists():
                extras.append(f'<a href="{html.escape(pdf_path.name)}">PDF</a>')
            entry = read_entry(project, report.stem)
            if entry and entry.get("status") == "failed":
                extras.append('<span class="failed">last build failed</span>')
            extra = f' <span class="econsec-links">({" · ".join(extras)})</span>' if extras else ""
            page = read_text_or_none(html_path)
            finding = headline_text(page) if page else ""
            sources = vintage(project, entry)
            lines = [f"{link}{extra}"]
            if finding:
                lines.append(f'<p class="econsec-headline">{html.escape(finding)}</p>')
            if page is not None:
                lines.append(_cite_block(report, entry, sources, heading, epoch))
                search.extend(search_entries_text(page, html_path.name, report.title))
            items.append("<li>" + "\n".join(lines) + "</li>")
        parts.append(f"<h2>{html.escape(group)}</h2>\n<ul class=\"econsec-index\">\n" + "\n".join(items) + "\n</ul>")
    body = "\n".join(parts) or "<p>No reports in publications.toml.</p>"
    by_subject = _subject_lists(project, reports, sections)
    jump = ' Reports by type below, or <a href="#by-subject">by subject</a>.' if by_subject else ""
    search_json = json.dumps(search, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"""{document_start(heading)}
<link rel="alternate" type="application/atom+xml" title="{html.escape(heading)}" href="feed.xml">
<style>
{stylesheet("common.css", "screen.css")}
ul.econsec-index {{ list-style: none; padding: 0; }}
ul.econsec-index li {{ margin: 1.2em 0; }}
ul.econsec-index li p {{ margin: 0.25em 0; }}
.econsec-headline {{ max-width: 48em; }}
details.econsec-cite summary {{ cursor: pointer; font-size: 0.9em; }}
details.econsec-cite pre {{ white-space: pre-wrap; font-size: 0.8em; }}
.failed {{ color: #D55E00; }}
.econsec-search label {{ display: block; font-weight: 600; margin-bottom: 0.3em; }}
.econsec-search input {{ width: 100%; max-width: 30em; font-size: 1em; padding: 0.4em; }}
table.econsec-subjects {{ border-collapse: collapse; width: 100%; }}
table.econsec-subjects th, table.econsec-subjects td {{ text-align: left; vertical-align: top; padding: 0.3em 0.6em 0.3em 0; border-bottom: 1px solid #ddd; }}
table.econsec-subjects th {{ white-space: nowrap; }}
</style>
</head>
<body>
<main class="econsec-report">
<header class="econsec-title"><h1>{html.escape(heading)}</h1>
<p class="econsec-standfirst">Every report is one self-contained HTML page (readable offline) and a PDF. Built {date}. <a href="feed.xml">Atom feed</a>.{jump}</p></header>
<section class="econsec-search" role="search">
<label for="econsec-search">Search every report</label>
<input id="econsec-search" type="search" placeholder="e.g. refining graphite Japan" autocomplete="off">
<ul id="econsec-search-results" class="econsec-index" aria-live="polite"></ul>
</section>
{body}
{by_subject}
</main>
<script type="application/json" id="econsec-search-index">{search_json}</script>
<script>{SEARCH_JS}</script>
</body>
</html>
"""


def write_index(project: Project, reports: list[Report], epoch: int, heading: str,
                sections: Sequence[Mapping[str, Any]] = ()) -> bool:
    """Write ``reports/index.html`` (titled ``heading``, ``[project] title``; ``sections`` as for
    :func:`subjects`) if its content changed; True if written."""
    path = project.reports / "index.html"
    text = render(project, reports, epoch, heading, sections)
    if read_text_or_none(path) == text:
        return False
    project.reports.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)
    return True


def index_path(project: Project) -> Path:
    return project.reports / "index.html"
