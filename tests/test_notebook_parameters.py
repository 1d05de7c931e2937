"""A bad parameter in a notebook's ``parameters`` cell stops there in the CLI's one line."""

from __future__ import annotations

import nbformat
import pytest

from analysis.errors import ParameterError
from analysis.notebook import check_parameters
from tests.support.project import REPO


def test_misspelt_mineral_names_the_closest_and_the_valid_ones(monkeypatch):
    monkeypatch.delenv("ECONSEC_BUILD", raising=False)
    with pytest.raises(ParameterError) as info:
        check_parameters("mineral_profile", mineral="Litium", year=2024)
    line = str(info.value)
    assert "\n" not in line
    assert "unknown mineral 'Litium' — did you mean 'Lithium'? valid: " in line
    assert info.value._render_traceback_() == [f"ParameterError: {line}"]


def test_values_come_from_the_callers_namespace(monkeypatch):
    monkeypatch.delenv("ECONSEC_BUILD", raising=False)
    namespace = {"check_parameters": check_parameters, "country": "India"}
    exec('result = check_parameters(notebook="country_dependence")', namespace)  # noqa: S102
    assert namespace["result"] is None  # nothing for the parameters cell to display
    namespace["country"] = "Inida"
    with pytest.raises(ParameterError, match=r"unknown country 'Inida' — did you mean 'India'\?"):
        exec('check_parameters(notebook="country_dependence")', namespace)  # noqa: S102


def test_out_of_range_float(monkeypatch):
    monkeypatch.delenv("ECONSEC_BUILD", raising=False)
    with pytest.raises(ParameterError, match="cut 1.5 is out of range"):
        check_parameters("disruption_scenario", mineral="Rare earths", stage="refining", year=2023, supplier="China",
                         cut=1.5, expansion=0.2)


def test_scenario_stage_without_data_names_the_valid_ones(monkeypatch):
    monkeypatch.delenv("ECONSEC_BUILD", raising=False)
    with pytest.raises(ParameterError) as info:
        check_parameters("disruption_scenario", mineral="Gallium", stage="mining", year=2024, supplier="China",
                         cut=0.5, expansion=0.2)
    line = str(info.value)
    assert "\n" not in line
    assert "no data for stage 'mining' with mineral 'Gallium'" in line and line.endswith("valid: refining")


@pytest.mark.slow
def test_in_a_kernel_the_error_is_one_line_and_stops_the_notebook(monkeypatch):
    monkeypatch.delenv("ECONSEC_BUILD", raising=False)  # the kernel inherits this process's environment
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(REPO / "notebooks" / "mineral_profile.ipynb", as_version=4)
    nb.cells[0].source = nb.cells[0].source.replace('"Rare earths"', '"Litium"')
    nb.cells = nb.cells[:2]
    with pytest.raises(CellExecutionError):
        NotebookClient(nb, kernel_name="python3", timeout=60).execute()
    (error,) = [o for o in nb.cells[0].outputs if o.output_type == "error"]
    assert error.ename == "ParameterError"
    assert error.traceback == [f"ParameterError: {error.evalue}"]
    assert "unknown mineral 'Litium' — did you mean 'Lithium'?" in error.evalue
    assert nb.cells[1].outputs == []  # nothing after the parameters cell ran


@pytest.mark.slow
def test_a_good_parameters_cell_shows_nothing(monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.delenv("ECONSEC_BUILD", raising=False)
    nb = nbformat.read(REPO / "notebooks" / "disruption_scenario.ipynb", as_version=4)
    nb.cells = nb.cells[:1]
    NotebookClient(nb, kernel_name="python3", timeout=60).execute()
    assert nb.cells[0].outputs == []
