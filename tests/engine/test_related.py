"""Related-report links: generated from the publication matrix (shared text parameters), carried
into the HTML page and into the HTML's cache key."""

from __future__ import annotations

from pathlib import Path

from analysis.engine.cache import page_options
from analysis.engine.publications import NotebookSpec, Report, related_reports


def _report(notebook: str, stem: str, **params) -> Report:
    spec = NotebookSpec(id=notebook, path=Path(f"/x/{notebook}.ipynb"), relpath=f"{notebook}.ipynb", title=stem,
                        output=stem, group=notebook)
    return Report(notebook=spec, params=params, stem=stem, title=f"Title of {stem}", origin="test")


MATRIX = [
    _report("profile", "rare-earths", mineral="Rare earths", year=2024),
    _report("profile", "lithium", mineral="Lithium", year=2024),
    _report("scenario", "scenario-china-rare-earths-refining", mineral="Rare earths", supplier="China", year=2023),
    _report("scenario", "scenario-china-rare-earths-mining", mineral="Rare earths", supplier="China", year=2024),
    _report("scenario", "scenario-china-lithium-refining", mineral="Lithium", supplier="China", year=2023),
    _report("briefing", "briefing", year=2024),
]


def test_reports_sharing_a_text_parameter_are_related_in_matrix_order():
    assert [stem for stem, _ in related_reports(MATRIX[0], MATRIX)] == [
        "scenario-china-rare-earths-refining", "scenario-china-rare-earths-mining"]
    # scenarios share the supplier: every China scenario links the others
    assert [stem for stem, _ in related_reports(MATRIX[2], MATRIX)] == [
        "rare-earths", "scenario-china-rare-earths-mining", "scenario-china-lithium-refining"]


def test_a_shared_year_alone_relates_nothing():
    assert related_reports(MATRIX[-1], MATRIX) == ()
    assert related_reports(MATRIX[0], MATRIX)[0][1] == "Title of scenario-china-rare-earths-refining"


def test_related_links_are_part_of_the_html_key_only():
    plain = MATRIX[0]
    linked = Report(**{**plain.__dict__, "related": related_reports(plain, MATRIX)})
    assert page_options("html", ("html", "pdf"), plain) != page_options("html", ("html", "pdf"), linked)
    assert page_options("pdf", ("html", "pdf"), plain) == page_options("pdf", ("html", "pdf"), linked) == {}
