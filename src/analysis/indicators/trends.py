"""Trends across MCS editions: concentration per mineral × stage × year, production by country,
and the revisions that matter.

Input: the tidy frame of :func:`analysis.data.load_usgs` — every edition combined, newest
edition winning per mineral × measure × year, older values kept in ``revised_from_t`` /
``revised_from_edition``. Quantities in tonnes (``value_t``), shares 0–1 of USGS's world total,
HHI 0–10 000 as a lower–upper range; every year is computed by
:func:`analysis.indicators.concentration.concentration` with its conventions (withheld values
never counted as zero, residual bounds for the HHI).

``stage`` is the value-chain stage of :mod:`analysis.data.usgs` (``mine``, ``refinery``,
``smelter``, ``capacity``, ``other``); it selects rows by the ``stage`` column and the matching
``measure``, so a mineral's refining series (``refinery``) is usable like its mine series.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.data.usgs_commodity import TYPE_STAGE_MEASURE
from analysis.errors import ParameterError
from analysis.indicators.concentration import concentration
from analysis.vocabulary import CHINA, INDIA, JAPAN

#: Production stage of a USGS Type text → measure of the tidy USGS frame: the data layer's map
#: without reserves (a trend is of output, not of reserves).
STAGE_MEASURES: dict[str, str] = {stage: measure for stage, measure in TYPE_STAGE_MEASURE.items() if stage != "reserves"}


def _stage_rows(usgs: pd.DataFrame, mineral: str, stage: str) -> pd.DataFrame:
    if stage not in STAGE_MEASURES:
        raise ParameterError(f"unknown stage {stage!r}; valid: {', '.join(STAGE_MEASURES)}")
    if "stage" not in usgs.columns:
        raise ParameterError("the USGS frame has no 'stage' column; load it with analysis.data.load_usgs()")
    minerals = sorted(usgs["commodity"].unique())
    if mineral not in minerals:
        raise ParameterError(f"unknown mineral {mineral!r}; valid: {', '.join(minerals)}")
    rows = usgs[(usgs["commodity"] == mineral) & (usgs["stage"] == stage) & (usgs["measure"] == STAGE_MEASURES[stage])]
    if rows.empty:
        stages = sorted(usgs.loc[usgs["commodity"] == mineral, "stage"].unique())
        raise ParameterError(f"no {stage} data for {mineral}; stages: {', '.join(stages)}")
    return rows


def trend_years(usgs: pd.DataFrame, mineral: str, stage: str = "mine") -> list[int]:
    """Years with at least one reported country value for the mineral and stage, ascending."""
    rows = _stage_rows(usgs, mineral, stage)
    reported = rows[(rows["entity_kind"] == "country") & (rows["value_status"] == "reported")]
    return sorted(int(y) for y in reported["year"].unique())


def concentration_trend(
    usgs: pd.DataFrame,
    mineral: str,
    stage: str = "mine",
    years: Iterable[int] | None = None,
    *,
    top_k: int = 3,
    frameworks: pd.DataFrame | None = None,
    blocs: Sequence[str] = ("India–Japan", "Quad", "MSP"),
) -> pd.DataFrame:
    """Concentration of one mineral × stage, one row per year.

    Columns: ``mineral``, ``stage``, ``measure``, ``year``, ``edition`` (the MCS edition that
    supplied the year), ``estimated`` (True if any country value of the year is a USGS
    estimate), ``usgs_type``, ``world_total_t`` (t), ``world_total_basis``, ``world_qualifier``
    (USGS's remark on its world row — "excluding U.S. production" changes what a share means),
    ``leader``,
    ``leader_iso3``, ``leader_share``, ``top{k}_share``, ``hhi_lower``, ``hhi_upper``,
    ``residual_share``, ``china_share``, ``india_share``, ``japan_share`` (0–1; NaN when USGS
    gives the country no number — never 0), ``n_excluded`` and, with ``frameworks``
    (:func:`analysis.data.load_frameworks`), ``share_<bloc>`` per bloc: the members' summed
    share, members as of 31 December of the year (see
    :func:`analysis.indicators.partners.bloc_members`).

    Years without a computable series (all withheld, several Types) are skipped and named in
    ``attrs["skipped"]``; ``attrs["notes"]`` holds each year's concentration notes.
    """
    rows = _stage_rows(usgs, mineral, stage)
    measure = STAGE_MEASURES[stage]
    wanted = sorted(int(y) for y in (years if years is not None else rows["year"].unique()))
    members: dict[tuple[str, int], tuple[str, ...]] = {}
    if frameworks is not None:
        from analysis.indicators.partners import bloc_members

        for bloc in blocs:
            for year in wanted:
                try:
                    members[(bloc, year)] = bloc_members(frameworks, bloc, as_of=f"{year}-12-31").members
                except ParameterError as error:
                    if str(error).startswith("unknown bloc"):
                        raise
                    members[(bloc, year)] = ()  # the bloc did not exist yet
    records, skipped, notes = [], {}, {}
    for year in wanted:
        try:
            result = concentration(rows, mineral, measure, year, top_k=top_k)
        except ParameterError as error:
            skipped[year] = str(error)
            continue
        year_rows = rows[(rows["year"] == year) & (rows["type"] == result.usgs_type)]
        countries = year_rows[year_rows["entity_kind"] == "country"]
        record = {
            "mineral": mineral,
            "stage": stage,
            "measure": measure,
            "year": year,
            "edition": int(year_rows["edition"].max()),
            "estimated": bool(countries["estimated"].any()),
            "usgs_type": result.usgs_type,
            "world_total_t": result.world_total_t,
            "world_total_basis": result.world_total_basis,
            # USGS's remark on the world row, e.g. "rounded), excluding u.s. production" (lithium, MCS 2024)
            "world_qualifier": "; ".join(sorted(set(
                year_rows.loc[year_rows["entity_kind"] == "world"].get("qualifier", pd.Series(dtype=str)).astype(str)))),
            "leader": result.leader,
            "leader_iso3": result.leader_iso3,
            "leader_share": result.leader_share,
            f"top{top_k}_share": result.top_k_share,
            "hhi_lower": result.hhi_lower,
            "hhi_upper": result.hhi_upper,
            "residual_share": result.residual_share,
            "china_share": result.share_of(CHINA),
            "india_share": result.share_of(INDIA),
            "japan_share": result.share_of(JAPAN),
            "n_excluded": len(result.excluded),
        }
        for bloc in blocs if frameworks is not None else ():
            inside = result.shares[result.shares["iso3"].isin(members[(bloc, year)])]
            record[f"share_{bloc}"] = float(inside["share"].sum()) if len(inside) else float("nan")
        records.append(record)
        notes[year] = result.notes
    if not records:
        raise ParameterError(f"{mineral} {stage}: no year has a computable series ({'; '.join(skipped.values())})")
    table = pd.DataFrame(records)
    table.attrs.update(skipped=skipped, notes=notes)
    return table


def production_by_country(usgs: pd.DataFrame, mineral: str, stage: str = "mine", years: Iterable[int] | None = None) -> pd.DataFrame:
    """Country values of one mineral × stage per year, with each country's share of the world.

    Columns: ``year``, ``iso3``, ``country``, ``value_t`` (t; NaN when withheld/not available),
    ``value_status``, ``share`` (0–1 of the year's world total from :func:`concentration_trend`;
    NaN without a number), ``edition``, ``estimated``, ``revised_from_t``, ``revised_from_edition``.
    Countries only; several rows of one country (qualified rows) are summed.
    """
    trend = concentration_trend(usgs, mineral, stage, years)
    rows = _stage_rows(usgs, mineral, stage)
    keep = rows.merge(trend[["year", "usgs_type", "world_total_t"]], left_on=["year", "type"], right_on=["year", "usgs_type"])
    keep = keep[keep["entity_kind"] == "country"]
    grouped = keep.groupby(["year", "iso3", "country"], as_index=False, sort=True).agg(
        value_t=("value_t", lambda s: s.sum(min_count=1)),
        value_status=("value_status", lambda s: "reported" if (s == "reported").any() else s.iloc[0]),
        world_total_t=("world_total_t", "first"),
        edition=("edition", "max"),
        estimated=("estimated", "any"),
        revised_from_t=("revised_from_t", lambda s: s.sum(min_count=1)),
        revised_from_edition=("revised_from_edition", "max"),
    )
    grouped.loc[grouped["value_status"] != "reported", "value_t"] = np.nan
    grouped["share"] = grouped["value_t"] / grouped["world_total_t"]
    columns = ["year", "iso3", "country", "value_t", "value_status", "share", "edition", "estimated",
               "revised_from_t", "revised_from_edition"]
    return grouped[columns].reset_index(drop=True)


def material_revisions(
    usgs: pd.DataFrame,
    mineral: str,
    stage: str = "mine",
    *,
    min_change: float = 0.05,
    min_world_share: float = 0.01,
) -> pd.DataFrame:
    """Revisions between editions large enough to mention, largest first.

    A country's value is a *material* revision when the newer edition changed it by at least
    ``min_change`` (0.05 = 5 %) of the older value **and** by at least ``min_world_share``
    (0.01 = 1 %) of the year's world total — so a big relative change for a tiny producer, or a
    tiny change for a big one, is left out. World-total revisions are listed when they pass
    the first test. Columns: ``mineral``, ``stage``, ``year``, ``country``, ``iso3``,
    ``edition``, ``value_t``, ``revised_from_edition``, ``revised_from_t``, ``change_t``,
    ``change`` (fraction of the old value), ``change_of_world`` (fraction of the world total).
    """
    if not 0 <= min_change < 1 or not 0 <= min_world_share < 1:
        raise ParameterError(f"min_change and min_world_share are fractions in [0, 1); got {min_change!r}, {min_world_share!r}")
    rows = _stage_rows(usgs, mineral, stage)
    world = rows[rows["entity_kind"] == "world"].groupby("year")["value_t"].max()
    revised = rows[rows["revised_from_edition"].notna() & rows["value_t"].notna() & rows["revised_from_t"].notna()].copy()
    revised = revised[revised["entity_kind"].isin(["country", "world"])]
    revised["change_t"] = revised["value_t"] - revised["revised_from_t"]
    revised["change"] = revised["change_t"] / revised["revised_from_t"].where(revised["revised_from_t"] != 0)
    revised["change_of_world"] = revised["change_t"] / revised["year"].map(world)
    big = revised["change"].abs() >= min_change
    weighty = (revised["change_of_world"].abs() >= min_world_share) | (revised["entity_kind"] == "world")
    out = revised[big & weighty].assign(mineral=mineral, stage=stage)
    out["revised_from_edition"] = out["revised_from_edition"].astype(int)
    columns = ["mineral", "stage", "year", "country", "iso3", "edition", "value_t", "revised_from_edition",
               "revised_from_t", "change_t", "change", "change_of_world"]
    out = out.sort_values("change_t", key=lambda s: s.abs(), ascending=False, kind="stable")
    return out[columns].reset_index(drop=True)
