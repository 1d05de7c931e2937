"""Which USGS production series stands for a mineral: the one rule every report uses.

Mine production where USGS reports a number for the mineral and year (the upstream stage),
else refinery production, else the generic ``production`` series some commodities carry; and, where USGS splits that
measure into several forms, which form a report reads (:func:`main_series`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.errors import ParameterError
from analysis.vocabulary import SERIES_PREFERENCE


def primary_measure(usgs: pd.DataFrame, mineral: str, year: int) -> str:
    """Mine production where USGS reports it for the mineral and year, else refinery production."""
    rows = usgs[(usgs["commodity"] == mineral) & (usgs["year"] == year) & (usgs["entity_kind"] == "country")]
    for measure in SERIES_PREFERENCE:
        if rows.loc[rows["measure"] == measure, "value_t"].notna().any():
            return measure
    raise ParameterError(f"no production data with numbers for {mineral} in {year}")


@dataclass(frozen=True)
class SeriesChoice:
    """Which of several USGS series (TYPEs) of one mineral, measure and year a report reads.

    ``chosen`` is the TYPE kept; ``dropped`` the others, in the order USGS lists them."""

    mineral: str
    measure: str
    year: int
    chosen: str
    dropped: tuple[str, ...]


def main_series(rows: pd.DataFrame, type_column: str = "type") -> str:
    """The series of ``rows`` (one mineral, measure and year) that stands for the mineral.

    USGS splits some minerals into forms that cannot be added up (platinum and palladium;
    ilmenite and rutile; bentonite, fuller's earth and kaolin). The rule: the series with
    numbers for the most countries (the nearest to a world series), ties going to the one USGS
    lists first. ``rows``: USGS-layout rows with ``entity_kind``, ``value_t`` and ``type_column``.
    """
    if rows.empty:
        raise ParameterError("no rows to choose a series from")
    order = list(dict.fromkeys(rows[type_column].astype(str)))
    numeric = rows[(rows["entity_kind"] == "country") & rows["value_t"].notna()]
    counts = numeric[type_column].astype(str).value_counts()
    return max(order, key=lambda name: (int(counts.get(name, 0)), -order.index(name)))


def one_series_per_measure(usgs: pd.DataFrame, mineral: str) -> tuple[pd.DataFrame, tuple[SeriesChoice, ...]]:
    """``usgs`` with one series per measure and year for ``mineral`` (the :func:`main_series` rule),
    and the choices made, so every section of a report reads the same series and can say which.

    Reserves and capacity repeat on every production row of a commodity: a TYPE whose country
    cells are all empty ("no data") is not a series and never counts as a competing one; its rows
    (world totals some editions file under their own TYPE, say) are dropped with the other
    series', as :func:`analysis.indicators.concentration.series` never reads them for the chosen
    one. Only a choice between two or more competing series is returned. Rows of other minerals
    are returned unchanged.
    """
    mine = usgs["commodity"] == mineral
    keep = pd.Series(True, index=usgs.index)
    choices: list[SeriesChoice] = []
    for (measure, year), rows in usgs[mine].groupby(["measure", "year"], sort=True):
        # competing series: TYPEs with country cells that hold something (world-total rows that an
        # edition files under their own TYPE are not a competing series; they go with the others)
        informative = rows[(rows["value_status"] != "no_data") & (rows["entity_kind"] == "country")]
        types = list(dict.fromkeys(informative["type"].astype(str)))
        if not types or rows["type"].nunique() < 2:
            continue
        chosen = main_series(informative) if len(types) > 1 else types[0]
        keep.loc[rows.index[rows["type"].astype(str) != chosen]] = False
        if len(types) > 1:
            choices.append(SeriesChoice(mineral, str(measure), int(year), chosen, tuple(t for t in types if t != chosen)))
    return usgs[keep], tuple(choices)
