"""World Bank Worldwide Governance Indicators (WGI).

Two files:

* ``wgi-political-stability-2023``: "Political Stability and Absence of Violence/Terrorism:
  Percentile Rank", 2023, one row per economy, **comma decimal separator** inside quotes
  ("81,5165863037109"). → :func:`load_political_stability` with columns ``iso3``, ``country``,
  ``year``, ``percentile_rank`` (0–100, higher = more stable), ``source_line``.
* ``wgi-all-indicators``: the WGI bulk CSV, six dimensions (CC, GE, PV, RQ, RL, VA) × estimate,
  percentile rank, bounds, standard error, 1996–2018 (an older vintage). → :func:`load_wgi`, long
  format with ``iso3``, ``country``, ``indicator_code``, ``indicator``, ``year``, ``value``,
  ``source_line``; empty cells dropped (the World Bank leaves years without an estimate blank).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.data.countries import harmonise_codes
from analysis.data.package import check_resource
from analysis.data.validation import require_columns, to_number, validate
from analysis.errors import DataFileError

STABILITY_RESOURCE = "wgi-political-stability-2023"
WGI_RESOURCE = "wgi-all-indicators"

STABILITY_SCHEMA = pa.DataFrameSchema(
    {
        "iso3": pa.Column(str, unique=True),
        "year": pa.Column(int),
        "percentile_rank": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
    },
    strict=False,
)

WGI_SCHEMA = pa.DataFrameSchema(
    {"iso3": pa.Column(str), "year": pa.Column(int), "value": pa.Column(float)},
    strict=False,
)


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(path, f"not a readable CSV file: {exc}") from None


def read_political_stability(path: str | Path) -> pd.DataFrame:
    """Tidy WGI political-stability percentile ranks (comma decimals handled)."""
    path = Path(path)
    raw = _read(path)
    require_columns(raw, ["Country", "Country Code", "Indicator Name"], path)
    years = [c for c in raw.columns if re.fullmatch(r"\d{4}", c.strip())]
    if len(years) != 1:
        raise DataFileError(path, f"expected exactly one year column, found {years}", row=1)
    codes = harmonise_codes(raw["Country Code"].str.strip(), path=path, column="Country Code")
    tidy = pd.DataFrame(
        {
            "iso3": codes["iso3"],
            "country": codes["country"],
            "year": int(years[0]),
            "percentile_rank": to_number(raw[years[0]], path, years[0], decimal=","),
            "source_line": np.arange(len(raw)) + 2,
        }
    )
    return validate(tidy, STABILITY_SCHEMA, path)


def read_wgi(path: str | Path) -> pd.DataFrame:
    """Tidy long WGI table (all indicators, all years present in the file)."""
    path = Path(path)
    raw = _read(path)
    require_columns(raw, ["Country Name", "Country Code", "Indicator Name", "Indicator Code"], path)
    years = [c for c in raw.columns if re.fullmatch(r"\d{4}", c.strip())]
    codes = harmonise_codes(raw["Country Code"].str.strip(), path=path, column="Country Code")
    raw = raw.assign(iso3=codes["iso3"], country=codes["country"], source_line=np.arange(len(raw)) + 2)
    for year in years:
        raw[year] = to_number(raw[year], path, year)
    long = raw.melt(
        id_vars=["iso3", "country", "Indicator Code", "Indicator Name", "source_line"],
        value_vars=years,
        var_name="year",
        value_name="value",
    ).dropna(subset=["value"])
    long = long.rename(columns={"Indicator Code": "indicator_code", "Indicator Name": "indicator"})
    long["year"] = long["year"].astype(int)
    long = long[["iso3", "country", "indicator_code", "indicator", "year", "value", "source_line"]]
    return validate(long.reset_index(drop=True), WGI_SCHEMA, path)


def load_political_stability() -> pd.DataFrame:
    return read_political_stability(check_resource(STABILITY_RESOURCE))


def load_wgi() -> pd.DataFrame:
    return read_wgi(check_resource(WGI_RESOURCE))
