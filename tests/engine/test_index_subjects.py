"""The front page's "By subject" lists (analysis.engine.index.subjects) on a constructed matrix."""

from __future__ import annotations

from types import SimpleNamespace

from analysis.engine.index import subjects


def _report(stem: str, notebook: str, linked_from_all: bool = False, **params):
    spec = SimpleNamespace(id=notebook, linked_from_all=linked_from_all)
    return SimpleNamespace(stem=stem, title=stem.replace("-", " "), notebook=spec, params=params)


MATRIX = [
    _report("rare-earths", "profile", mineral="Rare earths", year=2024),
    _report("lithium", "profile", mineral="Lithium", year=2024),
    _report("scenario-re", "scenario", mineral="Rare earths", supplier="China", stage="refining", cut=0.5),
    _report("country-india", "country", country="India"),
    _report("country-japan", "country", country="Japan"),
    _report("explorer", "explorer", linked_from_all=True, mineral="Rare earths"),
]
SECTIONS = [
    {"subject": {"mineral": "Rare earths"}, "notebook": "country", "params": {"country": "India"},
     "fragment": "mineral-rare-earths", "label": "India: imports of rare earths"},
    {"subject": {"mineral": "Rare earths"}, "notebook": "country", "params": {"country": "Japan"},
     "fragment": "mineral-rare-earths", "label": "Japan: imports of rare earths"},
    {"subject": {"mineral": "Cobalt"}, "notebook": "country", "params": {"country": "India"},
     "fragment": "mineral-cobalt", "label": "India: imports of cobalt"},
]


def test_a_mineral_lists_its_reports_then_the_sections_about_it():
    found = subjects(MATRIX, SECTIONS)
    assert found["mineral"]["Rare earths"] == [
        ("rare-earths.html", "rare earths"),
        ("scenario-re.html", "scenario re"),
        ("country-india.html#mineral-rare-earths", "India: imports of rare earths"),
        ("country-japan.html#mineral-rare-earths", "Japan: imports of rare earths"),
    ]
    assert found["mineral"]["Lithium"] == [("lithium.html", "lithium")]
    # a section about a subject no report of the matrix is about is not a subject of its own
    assert "Cobalt" not in found["mineral"]


def test_only_parameters_with_two_values_are_subjects_and_site_wide_pages_are_left_out():
    found = subjects(MATRIX, SECTIONS)
    assert set(found) == {"mineral", "country"}  # supplier and stage take one value here
    assert found["country"] == {"India": [("country-india.html", "country india")],
                                "Japan": [("country-japan.html", "country japan")]}
    assert all("explorer.html" not in dict(pages) for values in found.values() for pages in values.values())


def test_without_sections_only_reports_are_listed():
    found = subjects(MATRIX)
    assert [href for href, _ in found["mineral"]["Rare earths"]] == ["rare-earths.html", "scenario-re.html"]
