"""The build benchmark's matrix handling: the rewritten publications.toml builds the same reports,
and the one-parameter phase finds an edit on any matrix (it crashed on the briefing before)."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("build_bench", REPO / "benchmarks" / "build_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sets(matrix_text: str) -> list[tuple[str, dict]]:
    data = tomllib.loads(matrix_text)
    return [(e["notebook"], p) for e in data["publications"] for p in e["parameters"]]


def test_the_rewritten_matrix_holds_the_same_publications(bench):
    text = (REPO / "publications.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    rewritten = bench.matrix_text(data, _sets(text))
    assert _sets(rewritten) == _sets(text)
    assert tomllib.loads(rewritten)["project"] == data["project"]
    assert tomllib.loads(rewritten)["notebooks"] == data["notebooks"]


def test_one_parameter_edit_on_a_matrix_whose_first_year_report_has_no_mineral(bench):
    reports = [{"id": "briefing", "given": {"year": 2024}}, {"id": "partnership", "given": {"as_of": "2025-12-31"}}]
    flip = bench.one_parameter_flip(reports)
    assert flip["old"] == "{ year = 2024 }"
    assert flip["new"].startswith("{ year = ") and flip["new"] != flip["old"]


def test_one_parameter_edit_never_duplicates_a_report(bench):
    years = [2024, 2023, 2022, 2021]
    reports = [{"id": "mineral_profile", "given": {"mineral": "Lithium", "year": y}} for y in years[:3]]
    flip = bench.one_parameter_flip(reports)
    assert flip == {"old": '{ mineral = "Lithium", year = 2024 }', "new": '{ mineral = "Lithium", year = 2021 }'}
    full = [{"id": "mineral_profile", "given": {"mineral": "Lithium", "year": y}} for y in years]
    assert bench.one_parameter_flip(full) is None
