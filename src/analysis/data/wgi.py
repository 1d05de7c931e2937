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

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.data.countries import harmonise_codes
from analysis.data.frame_cache import read_cached
from analysis.data.package import check_resource, econsec_properties, read_datapackage, resources_of_kind
from analysis.data.validation import read_csv_text, require_columns, to_number, validate
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
    return read_csv_text(path, encoding="utf-8-sig")


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


def load_political_stability(package_path: str | Path | None = None) -> pd.DataFrame:
    return read_political_stability(check_resource(STABILITY_RESOURCE, package_path))


def load_wgi(package_path: str | Path | None = None) -> pd.DataFrame:
    return read_cached(read_wgi, check_resource(WGI_RESOURCE, package_path))


# --- WGI pulled from the World Bank API, and governance scores for risk indicators -------------

#: ``econsec.kind`` of responses stored by ``econsec data pull-wgi``: a JSON array, one record
#: per line, exactly as ``wbgapi.data.fetch`` yields them
#: (``{"value": -1.49, "series": "GOV_WGI_CC.EST", "economy": "AFG", "aggregate": false, "time": "YR2018"}``).
PULL_KIND = "wgi-pull"

#: The six WGI dimensions (codes as in the bulk file; the API prefixes them with ``GOV_WGI_``).
DIMENSIONS: dict[str, str] = {
    "VA": "Voice and Accountability",
    "PV": "Political Stability and Absence of Violence/Terrorism",
    "GE": "Government Effectiveness",
    "RQ": "Regulatory Quality",
    "RL": "Rule of Law",
    "CC": "Control of Corruption",
}
ESTIMATE_CODES = tuple(f"{d}.EST" for d in DIMENSIONS)
API_SERIES = tuple(f"GOV_WGI_{code}" for code in ESTIMATE_CODES)
_SERIES = re.compile(r"^(?:GOV_WGI_)?(?P<code>(?:VA|PV|GE|RQ|RL|CC)\.EST)$")
_TIME = re.compile(r"^(?:YR)?(?P<year>\d{4})$")


def read_wgi_pull(path: str | Path) -> pd.DataFrame:
    """Tidy long table (columns of :func:`read_wgi`) from a stored ``wbgapi.data.fetch`` response.

    Empty observations (``value`` null) are dropped, as :func:`read_wgi` drops empty cells;
    ``source_line`` is the line of the record in the file (one record per line).
    """
    path = Path(path)
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(path, f"not a readable JSON file: {exc}") from None
    if not isinstance(records, list):
        raise DataFileError(path, "expected a JSON array of wbgapi records", value=type(records).__name__)
    rows = []
    for number, record in enumerate(records, start=2):  # line 1 is "["
        if not isinstance(record, dict) or not {"value", "series", "economy", "time"} <= set(record):
            raise DataFileError(path, "expected a record with value, series, economy and time", row=number, value=record)
        series = _SERIES.match(str(record["series"]))
        if series is None:
            valid = ", ".join(API_SERIES)
            raise DataFileError(path, f"unknown WGI series; valid: {valid}", row=number, column="series", value=record["series"])
        time = _TIME.match(str(record["time"]))
        if time is None:
            raise DataFileError(path, "expected a year like YR2023", row=number, column="time", value=record["time"])
        value = record["value"]
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise DataFileError(path, "expected a number or null", row=number, column="value", value=value)
        if value is None or record.get("aggregate"):
            continue
        code = series["code"]
        rows.append(
            {
                "economy": str(record["economy"]).strip(),
                "indicator_code": code,
                "indicator": f"{DIMENSIONS[code[:2]]}: Estimate",
                "year": int(time["year"]),
                "value": float(value),
                "source_line": number,
            }
        )
    if not rows:
        raise DataFileError(path, "no WGI estimates in the response")
    frame = pd.DataFrame(rows)
    codes = harmonise_codes(frame["economy"], path=path, column="economy")
    frame = frame.assign(iso3=codes["iso3"], country=codes["country"])
    frame = frame[["iso3", "country", "indicator_code", "indicator", "year", "value", "source_line"]]
    return validate(frame.reset_index(drop=True), WGI_SCHEMA, path)


def _pull_entries(package_path: str | Path | None) -> list[dict]:
    return sorted(resources_of_kind(PULL_KIND, package_path), key=lambda e: econsec_properties(e).get("retrieved", ""))


def load_wgi_pulls(package_path: str | Path | None = None) -> pd.DataFrame:
    """Every response stored by ``econsec data pull-wgi`` (oldest first), long format, with ``source``."""
    frames = [
        read_wgi_pull(check_resource(e["name"], package_path)).assign(source=e["name"]) for e in _pull_entries(package_path)
    ]
    if not frames:
        return pd.DataFrame(columns=["iso3", "country", "indicator_code", "indicator", "year", "value", "source_line", "source"])
    return pd.concat(frames, ignore_index=True)


def six_dimension_estimates(package_path: str | Path | None = None) -> pd.DataFrame:
    """WGI estimates (−2.5…2.5, higher = better) of the six dimensions from every WGI source.

    Sources: the bulk file ``wgi-all-indicators`` (if in the package) and every ``pull-wgi``
    response; where two give the same country × dimension × year, the one added last wins.
    Columns ``iso3``, ``country``, ``indicator_code``, ``year``, ``value``, ``source``.
    """
    frames = []
    names = {e["name"] for e in read_datapackage(package_path)["resources"]}
    if WGI_RESOURCE in names:
        bulk = load_wgi(package_path)
        frames.append(bulk[bulk["indicator_code"].isin(ESTIMATE_CODES)].assign(source=WGI_RESOURCE))
    frames.append(load_wgi_pulls(package_path))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=["iso3", "country", "indicator_code", "year", "value", "source"])
    combined = pd.concat(frames, ignore_index=True)
    combined = combined.drop_duplicates(["iso3", "indicator_code", "year"], keep="last")
    return combined[["iso3", "country", "indicator_code", "year", "value", "source"]].reset_index(drop=True)
