"""Sourced facts of the India–Japan partnership: events, framework memberships, mineral lists.

Each row of the three files carries the title and URL of the page it was read from; the
loaders keep them so reports can cite every row.

``load_events`` columns: ``date`` (as published: YYYY, YYYY-MM or YYYY-MM-DD), ``date_start``
(Timestamp of the first day the date can mean), ``date_precision`` (day | month | year),
``event``, ``category`` (summit | agreement | dialogue | framework | industry | project),
``countries`` (tuple of names as given), ``description``, ``source_title``, ``source_url``,
``source_line``.

``load_frameworks`` columns: ``framework``, ``country`` (as given), ``iso3`` (``EUU`` for the
EU), ``country_display``, ``joined`` (Timestamp or NaT where no source gave the date),
``joined_precision``, ``source_title``, ``source_url``, ``source_line``.

``load_critical_mineral_lists`` columns: ``list``, ``country``, ``mineral`` (as given),
``mineral_std`` (USGS commodity name), ``list_date`` (Timestamp or NaT), ``source_title``,
``source_url``, ``source_line``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.data.countries import harmonise_names
from analysis.data.minerals import standard_mineral
from analysis.data.package import check_resource
from analysis.data.validation import read_csv_text, require_columns, validate
from analysis.errors import DataFileError

EVENTS_RESOURCE = "partnership-events"
FRAMEWORKS_RESOURCE = "partnership-frameworks"
LISTS_RESOURCE = "critical-mineral-lists"

CATEGORIES = ("summit", "agreement", "dialogue", "framework", "industry", "project")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

EVENT_SCHEMA = pa.DataFrameSchema(
    {
        "category": pa.Column(str, pa.Check.isin(CATEGORIES)),
        "event": pa.Column(str, pa.Check.str_length(min_value=1)),
        "source_url": pa.Column(str, pa.Check.str_matches(r"^https?://")),
    },
    strict=False,
)
SOURCED = pa.DataFrameSchema({"source_url": pa.Column(str, pa.Check.str_matches(r"^https?://"))}, strict=False)


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    raw = read_csv_text(path)
    require_columns(raw, columns, path)
    return raw.apply(lambda col: col.str.strip())


def parse_dates(raw: pd.Series, path: Path, column: str, *, allow_empty: bool) -> tuple[pd.Series, pd.Series]:
    """(first day, precision) of partial ISO dates "2025", "2025-08", "2025-08-29"."""
    starts, precisions = [], []
    for position, text in enumerate(raw):
        if text == "" and allow_empty:
            starts.append(pd.NaT)
            precisions.append("")
            continue
        if not DATE.match(text):
            raise DataFileError(path, "expected a date YYYY, YYYY-MM or YYYY-MM-DD", row=position + 2, column=column, value=text)
        precision = {4: "year", 7: "month", 10: "day"}[len(text)]
        padded = text + {"year": "-01-01", "month": "-01", "day": ""}[precision]
        try:
            starts.append(pd.Timestamp(padded))
        except ValueError:
            raise DataFileError(path, "not a calendar date", row=position + 2, column=column, value=text) from None
        precisions.append(precision)
    return pd.Series(starts, index=raw.index, dtype="datetime64[ns]"), pd.Series(precisions, index=raw.index)


def read_events(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    raw = _read(path, ["date", "event", "category", "countries", "description", "source_title", "source_url"])
    start, precision = parse_dates(raw["date"], path, "date", allow_empty=False)
    tidy = raw.assign(
        date_start=start,
        date_precision=precision,
        countries=raw["countries"].map(lambda s: tuple(p.strip() for p in s.split(";") if p.strip())),
        source_line=np.arange(len(raw)) + 2,
    )
    columns = ["date", "date_start", "date_precision", "event", "category", "countries", "description",
               "source_title", "source_url", "source_line"]
    return validate(tidy[columns], EVENT_SCHEMA, path).sort_values(["date_start", "source_line"], kind="stable").reset_index(drop=True)


def read_frameworks(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    raw = _read(path, ["framework", "country", "joined", "source_title", "source_url"])
    names = harmonise_names(raw["country"], path=path, column="country")
    joined, precision = parse_dates(raw["joined"], path, "joined", allow_empty=True)
    tidy = raw.assign(
        iso3=names["iso3"],
        country_display=names["country"],
        joined=joined,
        joined_precision=precision,
        source_line=np.arange(len(raw)) + 2,
    )
    columns = ["framework", "country", "iso3", "country_display", "joined", "joined_precision",
               "source_title", "source_url", "source_line"]
    return validate(tidy[columns], SOURCED, path)


def read_critical_mineral_lists(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    raw = _read(path, ["list", "country", "mineral", "list_date", "source_title", "source_url"])
    list_date, _ = parse_dates(raw["list_date"], path, "list_date", allow_empty=True)
    tidy = raw.assign(
        mineral_std=raw["mineral"].map(standard_mineral),
        list_date=list_date,
        source_line=np.arange(len(raw)) + 2,
    )
    columns = ["list", "country", "mineral", "mineral_std", "list_date", "source_title", "source_url", "source_line"]
    return validate(tidy[columns], SOURCED, path)


def load_events() -> pd.DataFrame:
    return read_events(check_resource(EVENTS_RESOURCE))


def load_frameworks() -> pd.DataFrame:
    return read_frameworks(check_resource(FRAMEWORKS_RESOURCE))


def load_critical_mineral_lists() -> pd.DataFrame:
    return read_critical_mineral_lists(check_resource(LISTS_RESOURCE))
