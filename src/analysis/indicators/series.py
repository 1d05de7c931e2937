"""Which USGS production series stands for a mineral: the one rule every report uses.

Mine production where USGS reports a number for the mineral and year (the upstream stage),
else refinery production, else the generic ``production`` series some commodities carry.
"""

from __future__ import annotations

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
