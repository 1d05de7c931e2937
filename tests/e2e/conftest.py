"""Fixtures of the end-to-end checks: the reports a reader would get, the system tools, a browser.

Which reports are checked
    ``ECONSEC_CHECK_REPORTS=<dir>`` (``make publish-check`` sets it to ``reports/`` after
    ``make reports``): every report in that folder; it must hold a built ``index.html``.
    Unset (``make test``): one report per notebook of ``publications.toml`` that exists in this
    checkout, with its first parameter set, built (HTML and PDF) into a temporary copy of the
    project, so a fresh clone checks real reports without building all of them.

System tools
    Chromium and poppler-utils come from Debian (``scripts/install-system-deps.sh``, run by
    ``make test``). Where they are missing the tests that need them skip with the reason in
    capitals — unless ``ECONSEC_REQUIRE_SYSTEM_DEPS=1`` (``make publish-check`` and CI's publish
    workflow), where a missing tool fails the run instead.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest

from tests.support.project import REPO, TempProject, first_sets, make_project, stem_of

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


def pytest_generate_tests(metafunc):
    if "report_stem" in metafunc.fixturenames:
        metafunc.parametrize("report_stem", expected_stems() or ["(no report)"])


@pytest.fixture
def known_bug(request):
    """``known_bug(check, stem)``: mark this test xfail(strict) when that report has a listed bug."""

    def mark(check: str, stem: str) -> None:
        reason = KNOWN_BUGS.get((check, stem))
        if reason:
            request.applymarker(pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason))

    return mark


@pytest.fixture(scope="session")
def checked_reports(tmp_path_factory) -> Path:
    """Folder of built reports to check (see the module docstring)."""
    folder = check_reports_dir()
    if folder is not None:
        if not (folder / "index.html").is_file():
            pytest.fail(f"ECONSEC_CHECK_REPORTS={folder}: no index.html there; run `make reports` first", pytrace=False)
        return folder
    sets = subset_sets()
    assert sets, "no notebook of publications.toml exists in this checkout"
    grouped: dict[str, list[dict]] = {}
    for nb, params in sets:
        grouped.setdefault(nb, []).append(params)
    # Under pytest -n every worker asks for the subset: the first builds it into the run's shared
    # temporary folder while the others wait on a lock, then all read the same reports.
    import fcntl

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, failure = shared / "built-subset", shared / "built-subset.failed"
    with open(shared / "built-subset.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "proj" / "reports" / "index.html").is_file() and not failure.exists():
            shutil.rmtree(folder, ignore_errors=True)
            project = make_project(folder / "proj", list(grouped.items()))
            result = project.build("--format", "html,pdf", timeout=900)
            if result.returncode != 0:
                failure.write_text(f"building {[nb for nb, _ in sets]} failed:\n{result.stdout}\n{result.stderr}", encoding="utf-8")
    if failure.exists():
        pytest.fail(failure.read_text(encoding="utf-8"), pytrace=False)
    return folder / "proj" / "reports"


@pytest.fixture(scope="session")
def report_pages(checked_reports) -> list[Path]:
    pages = sorted(p for p in checked_reports.glob("*.html") if p.name != "index.html")
    assert pages, f"no report HTML in {checked_reports}"
    return pages


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


@pytest.fixture(scope="session")
def hostile_project(tmp_path_factory) -> TempProject:
    """The partnership report built from an events.csv with ``<script>`` and ``onerror`` text.

    The changed file's hash is recorded in the copied ``datapackage.json`` (as ``econsec data``
    would after a real edit), so the build accepts it.
    """
    project = make_project(tmp_path_factory.mktemp("hostile") / "proj", [("partnership", [{"as_of": "2025-12-31"}])])
    events = project.data / "raw" / "partnership" / "events.csv"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.rstrip("\n") + "\n" + hostile_events_row(), encoding="utf-8")
    name = next(r["name"] for r in _resources(project) if r["path"].endswith("partnership/events.csv"))
    project.record_hash(name)
    sources = project.data / "curated" / "partnership-event-sources.csv"
    sources.write_text(sources.read_text(encoding="utf-8").rstrip("\n") + "\n" + hostile_sources_row(), encoding="utf-8")
    project.record_hash(next(r["name"] for r in _resources(project) if r["path"].endswith("partnership-event-sources.csv")))
    result = project.build("--format", "html,pdf", timeout=600)
    assert result.returncode == 0, f"the hostile-text build failed:\n{result.stdout}\n{result.stderr}"
    return project


def _resources(project: TempProject) -> list[dict]:
    import json

    return json.loads((project.data / "datapackage.json").read_text(encoding="utf-8"))["resources"]


@pytest.fixture(scope="session")
def browser():
    require_tool("chromium", "REPORTS IN A REAL BROWSER ARE")
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.fail("the Python package playwright is missing from the dev tools (pip install -e '.[dev]')", pytrace=False)
    from tests.support.browser import Browser

    instance = Browser()
    yield instance
    instance.close()


@pytest.fixture(scope="session")
def poppler() -> None:
    require_tool("pdftotext", "PDF TEXT IS")
    require_tool("pdftoppm", "PDF PAGES ARE")

