"""``reports/index.html``: every report of the matrix, grouped, with links to HTML and PDF.

Built from ``publications.toml`` and the files present, so it is deterministic (the only date
is the build date from ``SOURCE_DATE_EPOCH``) and rewritten only when its content changes.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone
from pathlib import Path

from analysis.engine.cache import Project, read_entry
from analysis.engine.files import atomic_write_text
from analysis.engine.html import stylesheet
from analysis.engine.publications import Report


def _params(report: Report) -> str:
    return ", ".join(f"{k} = {v}" for k, v in report.params.items())


def render(project: Project, reports: list[Report], epoch: int, heading: str) -> str:
    groups: dict[str, list[Report]] = {}
    for report in reports:
        groups.setdefault(report.group, []).append(report)
    date = datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%d")
    parts = []
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
            items.append(f'<li>{link}{extra}<br><span class="econsec-muted">{html.escape(_params(report))}</span></li>')
        parts.append(f"<h2>{html.escape(group)}</h2>\n<ul class=\"econsec-index\">\n" + "\n".join(items) + "\n</ul>")
    body = "\n".join(parts) or "<p>No reports in publications.toml.</p>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="econsec build">
<title>{html.escape(heading)}</title>
<style>
{stylesheet("common.css", "screen.css")}
ul.econsec-index {{ list-style: none; padding: 0; }}
ul.econsec-index li {{ margin: 0.8em 0; }}
.failed {{ color: #D55E00; }}
</style>
</head>
<body>
<main class="econsec-report">
<header class="econsec-title"><h1>{html.escape(heading)}</h1>
<p class="econsec-standfirst">Every report is one self-contained HTML page (readable offline) and a PDF. Built {date}.</p></header>
{body}
</main>
</body>
</html>
"""


def write_index(project: Project, reports: list[Report], epoch: int, heading: str) -> bool:
    """Write ``reports/index.html`` (titled ``heading``, ``[project] title``) if its content changed; True if written."""
    path = project.reports / "index.html"
    text = render(project, reports, epoch, heading)
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    project.reports.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)
    return True


def index_path(project: Project) -> Path:
    return project.reports / "index.html"
