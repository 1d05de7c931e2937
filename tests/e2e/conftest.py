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

import os
import shutil
from pathlib import Path

import pytest

from tests.support.e2e import (
    KNOWN_BUGS,
    check_reports_dir,
    expected_stems,
    hostile_events_row,
    hostile_sources_row,
    require_tool,
    resources,
    subset_sets,
)
from tests.support.project import TempProject, make_project


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
    name = next(r["name"] for r in resources(project) if r["path"].endswith("partnership/events.csv"))
    project.record_hash(name)
    sources = project.data / "curated" / "partnership-event-sources.csv"
    sources.write_text(sources.read_text(encoding="utf-8").rstrip("\n") + "\n" + hostile_sources_row(), encoding="utf-8")
    project.record_hash(next(r["name"] for r in resources(project) if r["path"].endswith("partnership-event-sources.csv")))
    result = project.build("--format", "html,pdf", timeout=600)
    assert result.returncode == 0, f"the hostile-text build failed:\n{result.stdout}\n{result.stderr}"
    return project


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

