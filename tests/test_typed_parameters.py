"""Every notebook's ``parameters`` cell is typed as ``publications.toml`` declares it, for papermill too."""

from __future__ import annotations

import tomllib

import papermill
import pytest

from tests.support.project import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
SCHEMA = tomllib.loads((REPO / "publications.toml").read_text(encoding="utf-8"))["notebooks"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_papermill_infers_the_declared_types(path):
    inferred = papermill.inspect_notebook(str(path))
    declared = SCHEMA[path.stem]["parameters"]
    # exactly the declared parameters (the check_parameters line is not taken for one), typed
    assert {name: p["inferred_type_name"] for name, p in inferred.items()} == {
        name: spec["type"] for name, spec in declared.items()
    }
    assert all(p["help"] for p in inferred.values())  # the comment after each default
