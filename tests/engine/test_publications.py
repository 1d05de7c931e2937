"""publications.toml: structure checks, selection, -p overrides (no kernel)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.engine.publications import load_matrix, notebook_defaults, reports
from analysis.errors import ParameterError

from tests.support.project import ENGINE_FIXTURES as FIXTURES


def domains(name: str) -> list:
    return {"minerals": ["Cobalt", "Lithium", "Rare earths"], "production_years": [2023, 2024]}[name]


@pytest.fixture
def root(tmp_path) -> Path:
    (tmp_path / "notebooks").mkdir()
    for nb in (FIXTURES / "notebooks").glob("*.ipynb"):
        shutil.copy(nb, tmp_path / "notebooks" / nb.name)
    shutil.copy(FIXTURES / "publications.toml", tmp_path / "publications.toml")
    return tmp_path


def edit(root: Path, old: str, new: str) -> None:
    path = root / "publications.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_matrix_and_defaults(root):
    matrix = load_matrix(root)
    assert list(matrix.notebooks) == ["charts", "typed"]
    typed = matrix.notebooks["typed"].parameters
    assert [p.type for p in typed.values()] == ["str", "list[int]", "float", "bool"]
    assert typed["code"].default == "001"
    assert notebook_defaults(root / "notebooks" / "charts.ipynb") == {"mineral": "Lithium", "year": 2024}
    built = reports(matrix, domains)
    assert [r.stem for r in built] == ["charts-lithium", "charts-cobalt", "typed-029"]
    assert built[0].title == "Lithium: supply charts, 2024"
    assert built[2].params == {"code": "029", "items": [1, 2], "cut": 0.25, "flag": True}


def test_output_names_are_slugified(root):
    edit(root, '{ mineral = "Cobalt", year = 2024 }', '{ mineral = "Rare earths", year = 2024 }')
    assert "charts-rare-earths" in [r.stem for r in reports(load_matrix(root), domains)]


def test_selection_by_stem_notebook_and_pattern(root):
    matrix = load_matrix(root)
    assert [r.stem for r in reports(matrix, domains, ["charts-cobalt"])] == ["charts-cobalt"]
    assert [r.stem for r in reports(matrix, domains, ["charts"])] == ["charts-lithium", "charts-cobalt"]
    assert [r.stem for r in reports(matrix, domains, ["typed-*"])] == ["typed-029"]
    with pytest.raises(ParameterError, match="unknown report or notebook 'charts-cobolt' — did you mean 'charts-cobalt'"):
        reports(matrix, domains, ["charts-cobolt"])


def test_overrides_are_typed_by_the_schema(root):
    matrix = load_matrix(root)
    (report,) = reports(matrix, domains, ["typed"], ["code=007", "items=[3,4]", "cut=1", "flag=no"])
    assert report.params == {"code": "007", "items": [3, 4], "cut": 1.0, "flag": False}
    assert report.stem == "typed-007"
    changed = reports(matrix, domains, ["charts"], ["year=2023"])
    assert [r.params["year"] for r in changed] == [2023, 2023]
    with pytest.raises(ParameterError, match="unknown mineral 'Litium' — did you mean 'Lithium'"):
        reports(matrix, domains, ["charts-lithium"], ["mineral=Litium"])
    with pytest.raises(ParameterError, match="unknown parameter 'yeer'"):
        reports(matrix, domains, [], ["yeer=2023"])
    with pytest.raises(ParameterError, match=r"cut 2.0 is out of range"):
        reports(matrix, domains, ["typed"], ["cut=2"])


def test_every_matrix_entry_is_validated_even_when_not_selected(root):
    edit(root, '{ mineral = "Cobalt", year = 2024 }', '{ mineral = "Cobalt", year = 2031 }')
    with pytest.raises(ParameterError, match=r"notebook charts \(publications.toml \[\[publications\]\] #1 set 2\): unknown year 2031 — did you mean 2024\?"):
        reports(load_matrix(root), domains, ["typed"])


def test_duplicate_outputs_are_refused(root):
    edit(root, '{ mineral = "Cobalt", year = 2024 }', '{ mineral = "Lithium", year = 2023 }')
    with pytest.raises(ParameterError, match="output 'charts-lithium' is also produced by"):
        reports(load_matrix(root), domains)


@pytest.mark.parametrize(
    "old,new,message",
    [
        ('type = "list[int]"', 'type = "list"', "type 'list' is not one of"),
        ('domain = "minerals"', 'domain = "mineralz"', "unknown domain 'mineralz' — did you mean 'minerals'"),
        ('help = "production year"', 'hlp = "x"', "unknown key 'hlp'"),
        ('output = "charts-{mineral}"', 'output = "charts-{country}"', "not a declared parameter"),
        ("[notebooks.typed.parameters.flag]", "[notebooks.typed.parameters.flags]", "does not assign 'flags'"),
        ('notebook = "typed"', 'notebook = "typd"', "unknown notebook 'typd' — did you mean 'typed'"),
        ('path = "notebooks/typed.ipynb"', 'path = "notebooks/missing.ipynb"', "does not exist"),
    ],
)
def test_malformed_matrix_gives_one_line(root, old, new, message):
    edit(root, old, new)
    with pytest.raises(ParameterError) as info:
        reports(load_matrix(root), domains)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_project_sections_must_name_a_domain_function(root):
    edit(root, 'domains = "analysis.reports.domains"', 'domains = "analysis.reports.domains"\nsections = "report_sectionz"')
    with pytest.raises(ParameterError) as info:
        load_matrix(root)
    assert "unknown domain 'report_sectionz' — did you mean 'report_sections'" in str(info.value)
    edit(root, 'sections = "report_sectionz"', 'sections = "report_sections"')
    assert load_matrix(root).sections == "report_sections"
