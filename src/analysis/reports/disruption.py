"""Disruption scenario: one supplier cuts its mining or refining of one mineral in one year.

:func:`disruption_scenario` makes the functions of :mod:`analysis.indicators.scenarios` and
:mod:`analysis.indicators.stages` visible for one parameter set (mineral, stage, year, supplier,
cut, expansion). It composes small named steps, each returning a typed result:

* :mod:`analysis.reports.disruption_cut` — the stage's supply by country
  (:func:`~analysis.reports.disruption_cut.cut_series`, from
  :func:`~analysis.indicators.stages.stage_frame`: USGS where it tabulates the stage, else the
  IEA's observed 2023 figures), checked; the cut with India–Japan, Quad and MSP partners
  expanding and their cover; where the IEA has the series, how much of the loss its 2030
  base-case new output outside the supplier would replace (a projection); the share of world
  supply still missing in each case and the output by country before and after;
* :mod:`analysis.reports.disruption_exposure` — India's and Japan's import shares from the
  supplier at that stage: their own reported split, else a mirror estimate, else a plain
  "cannot be computed";
* :mod:`analysis.reports.disruption_text` — the standfirst, assumptions, findings and caveats,
  every number computed and formatted with :mod:`analysis.text`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import load_supply
from analysis.data.iea import IEA_SOURCE_SHORT
from analysis.indicators.partners import INDIA_JAPAN
from analysis.indicators.scenarios import Disruption
from analysis.indicators.stages import StageDisruption
from analysis.reports.common import usgs_source
from analysis.reports.disruption_cut import (
    BLOCS,
    bloc_label,
    bloc_runs,
    capacity_section,
    cover_section,
    cut_series,
    output_by_country,
    shortfall_cases,
)
from analysis.reports.disruption_exposure import TRADE_SOURCE, exposure_section, import_shares
from analysis.reports.disruption_text import scenario_assumptions, scenario_caveats, scenario_findings, scenario_standfirst


@dataclass(frozen=True)
class DisruptionScenario:
    """Everything the disruption-scenario notebook shows (see :func:`disruption_scenario`)."""

    mineral: str
    stage: str
    supplier: str
    supplier_iso3: str
    cut: float
    expansion: float
    year: int
    measure: str
    #: what is cut, in words ("refinery production", "battery-grade graphite refining")
    measure_label: str
    unit_note: str
    standfirst: str
    #: India and Japan as partners (the default of :func:`analysis.indicators.scenarios.disruption`)
    result: Disruption
    #: bloc name → result with that bloc's members (supplier left out) as partners
    blocs: dict[str, Disruption]
    bloc_members: dict[str, tuple[str, ...]]
    #: one row per bloc: output, cover at present output and with expansion (chart and table data)
    cover: pd.DataFrame
    cover_table: pd.DataFrame
    #: False when every partner group's present output is under :data:`~analysis.reports.disruption_cut.COVER_CHART_MIN` of the loss
    #: (the bars would be invisible; the table and findings say it)
    show_cover_chart: bool
    cover_note: str
    #: IEA cut of the same stage with 2030 base-case output (None when the IEA lacks the series)
    capacity: StageDisruption | None
    capacity_text: list[str]
    #: share of world supply still missing per case: ``case``, ``share``, ``tonnes``, ``kind``
    cases: pd.DataFrame
    #: output by country before and after the cut and the widest bloc's expansion
    output: pd.DataFrame
    output_bloc: str
    #: importers' exposure (``country``, ``product``, ``year``, ``import_share``, ``exposure``, ``basis``) or None
    exposure: pd.DataFrame | None
    exposure_text: list[str]
    #: the scenario's assumptions in words, keyed cut | redirection | expansion | capacity | exposure | not_modelled | data
    assumptions: dict[str, str]
    #: the assumptions for "What the scenario leaves out" (not modelled, the data), those there are
    left_out: list[str]
    findings: list[str]
    caveats: list[str]
    source: str
    trade_source: str


def disruption_scenario(
    mineral: str = "Rare earths",
    supplier: str = "China",
    cut: float = 0.5,
    expansion: float = 0.2,
    year: int = 2023,
    stage: str = "refining",
) -> DisruptionScenario:
    """A supplier-cut scenario for one mineral at one stage in one year, with cover by India–Japan,
    the Quad and MSP partners, the IEA 2030 outlook and India's and Japan's exposure.

    ``supplier`` is a display name ("China", "DR Congo"); ``cut`` ∈ [0, 1] is the fraction of
    its output lost; ``expansion`` ∈ [0, 1] the partners' output increase as a fraction of their
    present output; ``stage`` is ``mining`` or ``refining``; ``year`` a year with figures for
    that stage (:func:`analysis.indicators.stages.stage_sources`; else :class:`ParameterError`
    naming the valid stages and years).
    """
    supply = load_supply()
    s = cut_series(supply, mineral, stage, year, supplier)
    shares_table = import_shares(mineral, stage, s.iso3)
    shares = dict(zip(shares_table["reporter_iso3"], shares_table["import_share"])) if shares_table is not None else None
    runs = bloc_runs(s, mineral, cut, expansion, shares)
    result = runs[INDIA_JAPAN]
    cover = cover_section(runs, s, expansion)
    capacity = capacity_section(supply, mineral, s, supplier, cut)
    exposure = exposure_section(shares_table, result, mineral, supplier, stage, cut)
    assumptions = scenario_assumptions(mineral, supplier, s, result, cut, expansion)
    return DisruptionScenario(
        mineral=mineral, stage=stage, supplier=supplier, supplier_iso3=s.iso3, cut=cut, expansion=expansion,
        year=s.year, measure=s.measure, measure_label=s.label, unit_note=s.unit,
        standfirst=scenario_standfirst(mineral, supplier, s, cut),
        result=result, blocs=runs, bloc_members=s.members,
        cover=cover.cover, cover_table=cover.table, show_cover_chart=cover.show_chart, cover_note=cover.note,
        capacity=capacity.run, capacity_text=capacity.text,
        cases=shortfall_cases(result, runs, capacity.run, expansion, s.from_iea and s.year == 2023),
        output=output_by_country(runs, s.iso3, BLOCS[-1]), output_bloc=bloc_label(BLOCS[-1]),
        exposure=exposure.table, exposure_text=exposure.text,
        assumptions=assumptions, left_out=[assumptions[key] for key in ("not_modelled", "data") if key in assumptions],
        findings=scenario_findings(mineral, supplier, s, result, runs, cut, expansion, capacity.run, exposure.table, exposure.text),
        caveats=scenario_caveats(mineral, supplier, s, capacity.run),
        source=IEA_SOURCE_SHORT + ", 2023 observed" if s.from_iea else usgs_source(s.frame["edition"]),
        trade_source=TRADE_SOURCE,
    )
