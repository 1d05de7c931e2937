"""Disruption scenario, the cut: the stage's supply by country, the cut with each partner bloc
expanding, how much of the loss the blocs and the IEA's 2030 outlook would cover, the share of
world supply still missing and the output by country before and after.

Each step is one function returning a small typed result; :func:`analysis.reports.disruption.disruption_scenario`
composes them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data import load_frameworks
from analysis.data.countries import DISPLAY_NAMES, display_name, match_name
from analysis.errors import ParameterError
from analysis.indicators.concentration import MEASURE_LABELS, Concentration, concentration
from analysis.indicators.partners import INDIA_JAPAN, bloc_members
from analysis.indicators.scenarios import Disruption, disruption
from analysis.indicators.stages import IEA_SOURCE, PROJECTION_LABEL, StageDisruption, refining_disruption, stage_frame
from analysis.reports.common import unit_note
from analysis.text import count_noun, fmt_share, fmt_tonnes, join_names
from analysis.vocabulary import INDIA, JAPAN, PARTNER_NAMES, STAGES

#: Partner groups whose cover is computed, narrowest first (short names of ``bloc_members``).
BLOCS: tuple[str, ...] = (INDIA_JAPAN, "Quad", "MSP")
#: Producers shown by name in the before/after chart (plus supplier, India and Japan).
TOP_PRODUCERS = 8
#: Smallest partner output, as a share of the lost tonnes, for which the cover chart is drawn.
COVER_CHART_MIN = 0.05
#: The IEA year whose base-case output is compared with the loss.
CAPACITY_YEAR = 2030


def supplier_code(name: str) -> str:
    """ISO alpha-3 of a supplier's display name ("DR Congo" → "COD", "China" → "CHN")."""
    reverse = {display: code for code, display in DISPLAY_NAMES.items()}
    if name in reverse:
        return reverse[name]
    entity = match_name(name)
    if entity is None or entity.kind != "country":
        raise ParameterError(f"unknown supplier {name!r}; give a country name as USGS lists it, e.g. 'China' or 'DR Congo'")
    return entity.code


def joined_names(codes: tuple[str, ...] | list[str]) -> str:
    return join_names(sorted(display_name(c) for c in codes))


def bloc_label(bloc: str) -> str:
    return {INDIA_JAPAN: "India and Japan", "Quad": "Quad members", "MSP": "MSP partners"}.get(bloc, bloc)


def who(bloc: str, codes: tuple[str, ...]) -> str:
    """"Quad members (Australia, India, Japan and United States)"; long lists become a count."""
    if bloc == INDIA_JAPAN:
        return bloc_label(bloc)
    inside = joined_names(codes) if len(codes) <= 5 else count_noun(len(codes), "country", "countries")
    return f"{bloc_label(bloc)} ({inside})"


# --- 1. the series ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CutSeries:
    """The validated scenario inputs: the stage's supply by country, its source and the partner blocs."""

    year: int
    stage: str
    iso3: str
    frame: pd.DataFrame
    measure: str
    label: str
    product: str
    unit: str
    from_iea: bool
    series: Concentration
    listed: set[str]
    members: dict[str, tuple[str, ...]]
    left_out: list[str]


def cut_series(supply: pd.DataFrame, mineral: str, stage: str, year: int, supplier: str) -> CutSeries:
    """The stage's supply by country in ``year``, the supplier checked against it, the partner blocs."""
    frame = stage_frame(supply, mineral, stage, year)
    iso3 = supplier_code(supplier)
    measure = str(frame["measure"].iloc[0])
    product = str(frame["type"].iloc[0])
    from_iea = str(frame["source"].iloc[0]).startswith("iea")
    label = stage if from_iea else MEASURE_LABELS[measure]  # the IEA measures a product at a stage, not USGS's series
    unit = product if from_iea else unit_note(product, mineral)
    series = concentration(frame, mineral, measure, int(year))
    listed = set(series.shares["iso3"].astype(str))
    if iso3 not in listed:
        producers = join_names(series.shares["country"].head(5).tolist())
        raise ParameterError(
            f"no {stage} figure of {mineral.lower()} for {supplier} in {year}, so a cut removes nothing; "
            f"the largest listed are {producers}"
        )
    frameworks = load_frameworks()
    members: dict[str, tuple[str, ...]] = {}
    left_out: list[str] = []
    for bloc in BLOCS:
        codes = bloc_members(frameworks, bloc).members
        if iso3 in codes:
            left_out.append(bloc)
        members[bloc] = tuple(c for c in codes if c != iso3)
    return CutSeries(int(year), stage, iso3, frame, measure, label, product, unit, from_iea, series, listed, members, left_out)


# --- 2. the cut, per partner bloc -------------------------------------------------------------


@dataclass(frozen=True)
class CoverSection:
    """How much of the loss each partner bloc could cover: chart data, table, and whether to draw it."""

    cover: pd.DataFrame
    table: pd.DataFrame
    #: False when every partner group's present output is under COVER_CHART_MIN of the loss
    show_chart: bool
    note: str


def bloc_runs(s: CutSeries, mineral: str, cut: float, expansion: float, shares: dict[str, float] | None) -> dict[str, Disruption]:
    return {
        bloc: disruption(s.frame, mineral, s.measure, s.year, supplier=s.iso3, cut=cut, expansion=expansion,
                         partners=s.members[bloc], import_shares=shares or None)
        for bloc in BLOCS
    }  # fmt: skip


def cover_section(runs: dict[str, Disruption], s: CutSeries, expansion: float) -> CoverSection:
    """Each bloc's cover of the loss, and the note that replaces the chart when the bars would be invisible."""
    lost_t = runs[INDIA_JAPAN].lost_t
    cover, table = _cover(runs, s.members, s.label, f"+{fmt_share(expansion)}")
    return CoverSection(
        cover=cover, table=table,
        show_chart=bool(cover["partner_output_t"].max() >= COVER_CHART_MIN * lost_t),
        note=(
            f"Even the widest partner group's present {s.label} ({fmt_tonnes(float(cover['partner_output_t'].max()))}) is under "
            f"{fmt_share(COVER_CHART_MIN)} of the {fmt_tonnes(lost_t)} lost, too small to draw beside it: the table gives the tonnes."
        ),
    )


def _cover(runs: dict[str, Disruption], members: dict[str, tuple[str, ...]], label: str, expansion_label: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cover per bloc: (chart data, formatted table)."""
    cover = pd.DataFrame([
        {
            "bloc": bloc,
            "label": bloc_label(bloc),
            "members": joined_names(members[bloc]),
            "lost_t": run.lost_t,
            "partner_output_t": run.partner_output_t,
            "redirect_cover": run.redirect_cover,
            "expansion_t": run.expansion_t,
            "expansion_cover": run.expansion_cover,
            "residual_shortfall_t": run.residual_shortfall_t,
            "residual_shortfall_share": run.residual_shortfall_share,
        }
        for bloc, run in runs.items()
    ])
    cover_table = pd.DataFrame({
        "Partners": cover["label"],
        (f"Their {label} output" if label in STAGES else f"Their {label}"): cover["partner_output_t"].map(fmt_tonnes),
        "Share of the loss they could redirect": cover["redirect_cover"].map(fmt_share),
        f"New output at {expansion_label}": cover["expansion_t"].map(fmt_tonnes),
        "Share of the loss it replaces": cover["expansion_cover"].map(fmt_share),
        "World shortfall left": cover["residual_shortfall_share"].map(fmt_share),
    })
    return cover, cover_table


# --- 3. IEA 2030 output outside the supplier ----------------------------------------------------


@dataclass(frozen=True)
class CapacitySection:
    """The IEA cut of the same stage with its 2030 base case (None when the IEA lacks the series) in words."""

    run: StageDisruption | None
    text: list[str]


def capacity_section(supply: pd.DataFrame, mineral: str, s: CutSeries, supplier: str, cut: float) -> CapacitySection:
    """The same cut on the IEA's series with its 2030 base case, or why there is none."""
    try:
        run = refining_disruption(supply, mineral, cut=cut, year=2023, capacity_year=CAPACITY_YEAR, stage=s.stage, supplier=s.iso3)
    except ParameterError:
        return CapacitySection(None, [
            f"The IEA outlook does not cover {s.stage} of {mineral.lower()}, so there is no projection of new output "
            f"outside {supplier} to set against the loss."
        ])
    product = str(supply.loc[(supply["source"] == IEA_SOURCE) & (supply["mineral"] == mineral) & (supply["stage"] == s.stage),
                             "product"].iloc[0])
    basis = (
        "" if s.from_iea and s.year == 2023
        else f", on the IEA's own series ({product}, 2023 base year), which measures a different product from the one cut here"
    )
    text = [
        f"**{PROJECTION_LABEL} for {CAPACITY_YEAR}.** {s.stage.capitalize()} outside {supplier} that the IEA names grows by "
        f"{fmt_tonnes(run.new_capacity_t)} from 2023 to {CAPACITY_YEAR} — **{fmt_share(run.new_capacity_cover)}** of the "
        f"{fmt_tonnes(run.lost_t)} a {fmt_share(cut)} cut of {supplier}'s 2023 {s.stage} removes{basis}. "
        "It is a projection of announced projects, not output that exists today."
    ]
    return CapacitySection(run, text)


# --- 4. share of world supply still missing -----------------------------------------------------


def shortfall_cases(result: Disruption, runs: dict[str, Disruption], capacity: StageDisruption | None, expansion: float,
                    same_series: bool) -> pd.DataFrame:
    """One row per case: no new supply, each bloc's expansion, IEA 2030 output outside the supplier."""
    rows = [{"case": "No new supply", "share": result.shortfall_share, "tonnes": result.lost_t, "kind": "No new supply"}]
    for bloc, run in runs.items():
        rows.append({"case": f"{bloc_label(bloc)} +{fmt_share(expansion)}", "share": run.residual_shortfall_share,
                     "tonnes": run.residual_shortfall_t, "kind": "Partners expand"})
    if capacity is not None and same_series:  # on another series (other product, base year) it is told in words only
        left = max(capacity.lost_t - capacity.new_capacity_t, 0.0)
        rows.append({"case": f"IEA {CAPACITY_YEAR} new output (projection)",
                     "share": left / capacity.world_total_t, "tonnes": left, "kind": "IEA projection"})
    return pd.DataFrame(rows)


def output_by_country(runs: dict[str, Disruption], iso3: str, widest: str) -> pd.DataFrame:
    """Output by country before and after (the widest bloc's expansion)."""
    by_country = runs[widest].by_country
    keep = by_country.head(TOP_PRODUCERS)
    extra = by_country[by_country["iso3"].isin([iso3, INDIA, JAPAN]) & ~by_country["iso3"].isin(keep["iso3"])]
    output = pd.concat([keep, extra], ignore_index=True)
    return output.assign(
        role=np.select([output["iso3"] == iso3, output["iso3"] == INDIA, output["iso3"] == JAPAN, output["role"] == "partner"],
                       ["Supplier cut", PARTNER_NAMES[INDIA], PARTNER_NAMES[JAPAN], f"Other {bloc_label(widest)}"], "Other producers"),
        change_t=output["after_t"] - output["output_t"],
    )
