"""Helpers of the end-to-end checks (their fixtures are in ``tests/e2e/conftest.py``): which
reports are checked, the system tools they need, and the hostile text of the escaping checks.

See the docstring of ``tests/e2e/conftest.py`` for how the checked reports are chosen
(``ECONSEC_CHECK_REPORTS``) and how a missing system tool skips or fails
(``ECONSEC_REQUIRE_SYSTEM_DEPS``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.support.project import REPO, TempProject, first_sets, stem_of

HOSTILE_SCRIPT = '<script>window.__pwned = "script"; alert("script ran")</script>'
HOSTILE_IMG = '"><img src=x onerror="window.__pwned=\'img\'; alert(\'img onerror ran\')">'


def require_tool(name: str, why: str) -> str:
    path = shutil.which(name)
    if path:
        return path
    message = (f"{name.upper()} IS NOT INSTALLED — {why} NOT CHECKED. Install it with "
               "`bash scripts/install-system-deps.sh` (Debian: apt-get install chromium poppler-utils).")
    if os.environ.get("ECONSEC_REQUIRE_SYSTEM_DEPS") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


#: Known bugs of other modules, seen in one report by one check: (check, report stem) → reason.
#: The test of that report is marked xfail(strict=True), so it fails again once the bug is fixed
#: (and the entry must go). Checks: "browser-console", "browser-charts", "pdf-poppler", "pdf-text",
#: "pdf-stranded".
KNOWN_BUGS: dict[tuple[str, str], str] = {
}


def check_reports_dir() -> Path | None:
    given = os.environ.get("ECONSEC_CHECK_REPORTS")
    if not given:
        return None
    folder = Path(given)
    return folder if folder.is_absolute() else REPO / folder


def expected_stems() -> list[str]:
    """Report stems the checks will see, known before anything is built (for test ids)."""
    folder = check_reports_dir()
    if folder is not None:
        return sorted(p.stem for p in folder.glob("*.html") if p.name != "index.html")
    return [stem_of(nb, params) for nb, params in subset_sets()]


def subset_sets() -> list[tuple[str, dict]]:
    """What ``make test`` builds: each notebook's first publication, plus every publication that
    has a known bug listed above (so its xfail runs on a fresh clone too)."""
    from tests.support.project import available_notebooks, real_matrix

    chosen = first_sets()
    stems = {stem_of(nb, params) for nb, params in chosen}
    wanted = {stem for _, stem in KNOWN_BUGS} - stems
    for publication in real_matrix().get("publications", []):
        if publication["notebook"] not in available_notebooks():
            continue
        for params in publication["parameters"]:
            if stem_of(publication["notebook"], params) in wanted:
                chosen.append((publication["notebook"], params))
    return chosen


def hostile_events_row() -> str:
    """One events.csv row whose text fields carry markup that must be shown, never run."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([
        "2024-03-01",
        f"Hostile summit {HOSTILE_SCRIPT}",
        "summit",
        "India; Japan",
        f"Hostile description {HOSTILE_IMG} end",
        f"Hostile source {HOSTILE_IMG}",
        "https://example.org/hostile",
    ])
    return buffer.getvalue()


def hostile_sources_row() -> str:
    """The sourcing row (``partnership-event-sources.csv``) that the hostile event needs; its
    timeline label carries markup too."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([
        "2024-03-01",
        f"Hostile summit {HOSTILE_SCRIPT}",
        "<i>Hostile</i> <b>label</b>",
        "secondary",
        "",
        "",
        "2026-12-02",
        "test row",
    ])
    return buffer.getvalue()


def resources(project: TempProject) -> list[dict]:
    return json.loads((project.data / "datapackage.json").read_text(encoding="utf-8"))["resources"]
