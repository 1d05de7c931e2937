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
    assert [href for href, _ in related_reports(MATRIX[0], MATRIX)] == [
        "scenario-china-rare-earths-refining.html", "scenario-china-rare-earths-mining.html"]
    # scenarios share the supplier: every China scenario links the others
    assert [href for href, _ in related_reports(MATRIX[2], MATRIX)] == [
        "rare-earths.html", "scenario-china-rare-earths-mining.html", "scenario-china-lithium-refining.html"]


def test_a_shared_year_alone_relates_nothing():
    assert related_reports(MATRIX[-1], MATRIX) == ()
    assert related_reports(MATRIX[0], MATRIX)[0][1] == "Title of scenario-china-rare-earths-refining"


def test_related_links_are_part_of_the_html_key_only():
    plain = MATRIX[0]
    linked = Report(**{**plain.__dict__, "related": related_reports(plain, MATRIX)})
    assert page_options("html", ("html", "pdf"), plain) != page_options("html", ("html", "pdf"), linked)
    assert page_options("pdf", ("html", "pdf"), plain) == page_options("pdf", ("html", "pdf"), linked) == {}


COUNTRIES = [_report("country", "country-india", country="India"), _report("country", "country-japan", country="Japan"),
             _report("partnership", "partnership", as_of="2025-12-31")]
SECTIONS = [
    {"subject": {"mineral": "Rare earths"}, "notebook": "country", "params": {"country": "India"},
     "fragment": "mineral-rare-earths", "label": "India: imports of rare earths"},
    {"subject": {"mineral": "Lithium"}, "notebook": "country", "params": {"country": "Japan"},
     "fragment": "mineral-lithium", "label": "Japan: imports of lithium"},
    {"subject": {"mineral": "Rare earths"}, "notebook": "partnership", "params": {},
     "fragment": "mineral-rare-earths", "label": "Partnership events on rare earths (16)"},
    {"subject": {"mineral": "Gallium"}, "notebook": "partnership", "params": {},  # no gallium report in the matrix
     "fragment": "mineral-gallium", "label": "Partnership events on gallium (2)"},
]


def test_a_report_on_a_subject_links_the_sections_of_other_reports_about_it():
    links = dict(related_reports(MATRIX[0], MATRIX + COUNTRIES, SECTIONS))
    assert links["country-india.html#mineral-rare-earths"] == "India: imports of rare earths"
    assert links["partnership.html#mineral-rare-earths"] == "Partnership events on rare earths (16)"
    assert not any("lithium" in href or "japan" in href for href in links)
    # a scenario on the mineral is about it too (its subject includes the mineral)
    assert "country-india.html#mineral-rare-earths" in dict(related_reports(MATRIX[2], MATRIX + COUNTRIES, SECTIONS))


def test_the_section_s_report_links_back_to_the_report_exactly_about_the_subject():
    india = dict(related_reports(COUNTRIES[0], MATRIX + COUNTRIES, SECTIONS))
    assert list(india) == ["rare-earths.html"]  # not the scenarios, not Japan's lithium row
    partnership = dict(related_reports(COUNTRIES[2], MATRIX + COUNTRIES, SECTIONS))
    assert list(partnership) == ["rare-earths.html"]  # gallium has no report: no link
    assert list(dict(related_reports(COUNTRIES[1], MATRIX + COUNTRIES, SECTIONS))) == ["lithium.html"]


def test_a_section_whose_target_report_is_not_in_the_matrix_gives_no_link():
    assert not any("#" in href for href, _ in related_reports(MATRIX[0], MATRIX, SECTIONS))


def _everywhere(notebook: str, stem: str, **params) -> Report:
    report = _report(notebook, stem, **params)
    return Report(**{**report.__dict__, "notebook": NotebookSpec(**{**report.notebook.__dict__, "linked_from_all": True})})


def test_a_page_every_report_links_is_about_no_subject_of_its_own():
    explorer = _everywhere("explorer", "explorer", mineral="Rare earths", stage="mining")
    methods = _everywhere("methods", "methods", year=2024)
    matrix = MATRIX + COUNTRIES + [explorer, methods]
    # the explorer's first mineral does not make it a rare-earths page …
    assert [href for href, _ in related_reports(explorer, matrix, SECTIONS)] == ["methods.html"]
    assert [href for href, _ in related_reports(methods, matrix, SECTIONS)] == ["explorer.html"]
    # … and every report links both
    for report in (MATRIX[1], COUNTRIES[1]):
        assert {"explorer.html", "methods.html"} <= set(dict(related_reports(report, matrix, SECTIONS)))
