"""Narrative blocks for notebooks: paragraphs, key findings, caveats, tables, the sources section.

Notebooks write prose through these helpers instead of markdown cells whenever a sentence
holds a number, so the number is computed (see :mod:`analysis.text`). Every helper escapes
the text it is given (event descriptions and source titles come from data files and must
never be able to inject markup) and returns an ``IPython.display.HTML`` object, which renders
the same in JupyterLab, in the HTML report and in the PDF.

Inline emphasis: ``**bold**`` in a paragraph becomes ``<strong>`` after escaping.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone

import pandas as pd
from IPython.display import HTML

from analysis.data.package import accessed_resources, read_datapackage, recorded_sha256, sources
from analysis.paths import anchor, data_version, git_commit

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", html.escape(str(text)))


def title_block(title: str, subtitle: str) -> HTML:
    """The report's title and standfirst (titles hold parameter values, so they are computed)."""
    return HTML(
        f'<header class="econsec-title"><h1>{html.escape(title)}</h1>'
        f'<p class="econsec-standfirst">{html.escape(subtitle)}</p></header>'
    )


def paragraph(*sentences: str) -> HTML:
    """One paragraph from sentences (escaped; ``**x**`` → bold)."""
    return HTML(f'<p class="econsec-text">{_inline(" ".join(sentences))}</p>')


def heading(text: str, level: int = 2) -> HTML:
    """A section heading whose text holds computed values (static headings stay in markdown)."""
    return HTML(f'<h{level} class="econsec-heading">{html.escape(text)}</h{level}>')


def key_findings(findings: Sequence[str], title: str = "Key findings") -> HTML:
    """A boxed numbered list of the report's main computed findings."""
    items = "".join(f"<li>{_inline(f)}</li>" for f in findings)
    return HTML(f'<section class="econsec-findings"><h2>{html.escape(title)}</h2><ol>{items}</ol></section>')


def caveat(*sentences: str) -> HTML:
    """A visible caveat (withheld values, coverage gaps, derived or secondary data)."""
    return HTML(f'<aside class="econsec-caveat"><strong>Caveat.</strong> {_inline(" ".join(sentences))}</aside>')


def table(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    formats: dict[str, object] | None = None,
    links: dict[str, str] | None = None,
    row_anchors: tuple[str, str] | None = None,
) -> HTML:
    """A small HTML table.

    ``formats`` maps column → callable (e.g. :func:`analysis.text.fmt_share`); ``links`` maps a
    shown column → the column holding its URL (that column is not shown; only http(s) links
    are made, everything is escaped). ``row_anchors = (column, kind)`` gives each row the id
    :func:`analysis.paths.anchor` makes of ``kind`` and the row's value in ``column`` (computed
    before formatting), so other reports can link to that row.
    """
    links = links or {}
    shown = frame.copy()
    for column, formatter in (formats or {}).items():
        shown[column] = shown[column].map(formatter)
    columns = [c for c in shown.columns if c not in set(links.values())]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    ids = [anchor(row_anchors[1], v) for v in frame[row_anchors[0]]] if row_anchors else [None] * len(frame)
    body = []
    for row_id, record in zip(ids, shown.to_dict("records")):
        cells = []
        for column in columns:
            text = html.escape(str(record[column]))
            url = str(record.get(links[column], "")) if column in links else ""
            if url.startswith(("http://", "https://")):
                text = f'<a href="{html.escape(url)}">{text}</a>'
            cells.append(f"<td>{text}</td>")
        opening = f'<tr id="{html.escape(row_id)}">' if row_id else "<tr>"
        body.append(opening + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return HTML(f'<table class="econsec-table">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def build_date() -> str:
    """Build date (UTC, ISO) from ``SOURCE_DATE_EPOCH`` for reproducible builds, else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch else datetime.now(tz=timezone.utc)
    return moment.strftime("%Y-%m-%d")


def sources_section(extra_resources: Sequence[str] = ()) -> HTML:
    """The report's closing "Sources" section, generated from ``data/datapackage.json``.

    Lists every data-package resource this kernel has read (plus ``extra_resources``) with
    title, publisher, DOI or link, licence and the original repository, then the data version
    (:func:`analysis.paths.data_version`, the value the citation carries) and the build's
    revision and date. Call it in the last cell of every notebook.
    """
    names = list(dict.fromkeys([*accessed_resources(), *extra_resources]))
    items = []
    for src in sources(names):
        link = src.get("path", "")
        href = link if link.startswith("http") else ""
        link_html = f'<a href="{html.escape(href)}">{html.escape(link)}</a>' if href else html.escape(link)
        repository = src.get("repository")
        extra = (f"<br><span class='econsec-muted' style='overflow-wrap:anywhere'>Copy used: {html.escape(repository)}</span>"
                 if repository else "")
        items.append(
            f"<li><strong>{html.escape(src.get('title', ''))}</strong>. {html.escape(src.get('publisher', ''))}. "
            f"{link_html}. Licence: {html.escape(src.get('licence', ''))}.{extra}</li>"
        )
    listing = "".join(items) or "<li>No data-package resource was read.</li>"
    package = {r["name"]: r for r in read_datapackage()["resources"]}
    version = data_version({name: recorded_sha256(package[name]) for name in names})
    files = f"{len(names)} data file{'s' if len(names) != 1 else ''}"
    meta = (
        f"Data version {version}, computed over the {files} this report read and their published "
        f"checksums (the same value as in the citation). Built on {build_date()} from revision "
        f"{html.escape(git_commit())} of the report code."
    )
    return HTML(
        '<section class="econsec-sources"><h2>Sources</h2>'
        f"<ol>{listing}</ol><p class='econsec-muted'>{meta}</p></section>"
    )
