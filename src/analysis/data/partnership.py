"""Sourced facts of the India–Japan partnership: events, framework memberships, mineral lists.

Each row of the three files carries the title and URL of the page it was read from; the
loaders keep them so reports can cite every row.

``load_events`` columns: ``date`` (as published: YYYY, YYYY-MM or YYYY-MM-DD), ``date_start``
(Timestamp of the first day the date can mean), ``date_precision`` (day | month | year),
``event``, ``category`` (summit | agreement | dialogue | framework | industry | project),
``countries`` (tuple of names as given), ``description``, ``source_title``, ``source_url``,
``source_line``; and, joined from the project's curated sourcing file
(``data/curated/partnership-event-sources.csv``, see :func:`join_event_sources`): ``label``
(short chart label), ``source_type`` (primary | secondary), ``official_url`` and
``official_publisher`` ("" where none was found), ``sourcing_note``, ``best_url`` (the official
page where there is one, else the compilation's source) and ``best_title``.

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
EVENT_SOURCES_RESOURCE = "partnership-event-sources"

SOURCE_TYPES = ("primary", "secondary")
LABEL_MAX = 48
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

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


def read_event_sources(path: str | Path) -> pd.DataFrame:
    """The curated sourcing file: one row per event keyed by (``date``, ``event``) as published.

    Checks each row on its own: ``source_type`` is primary or secondary; a primary row names an
    http(s) ``official_url`` and its publisher, a secondary row names none; ``label`` is 1 to
    48 characters. Columns as in the file plus ``source_line``.
    """
    path = Path(path)
    raw = _read(path, ["date", "event", "label", "source_type", "official_url", "official_publisher", "accessed", "note"])
    raw = raw.assign(source_line=np.arange(len(raw)) + 2)
    for row in raw.itertuples():
        line = int(row.source_line)
        if row.source_type not in SOURCE_TYPES:
            raise DataFileError(path, f"source_type must be one of {', '.join(SOURCE_TYPES)}", row=line,
                                column="source_type", value=row.source_type)
        if not 0 < len(row.label) <= LABEL_MAX:
            raise DataFileError(path, f"label must have 1 to {LABEL_MAX} characters (it has {len(row.label)})",
                                row=line, column="label", value=row.label)
        if row.source_type == "primary":
            if not re.match(r"^https?://", row.official_url):
                raise DataFileError(path, "a primary row needs an http(s) official_url", row=line,
                                    column="official_url", value=row.official_url)
            if not row.official_publisher:
                raise DataFileError(path, "a primary row needs its official_publisher", row=line, column="official_publisher")
        elif row.official_url or row.official_publisher:
            raise DataFileError(path, "a secondary row names no official page (official_url and official_publisher empty);"
                                " mark it primary if the page confirms the event", row=line, column="official_url",
                                value=row.official_url or row.official_publisher)
    return raw


def join_event_sources(events: pd.DataFrame, sources: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """``events`` with the sourcing columns of ``sources`` (see module docstring).

    Every event must have exactly one sourcing row and every sourcing row must name an event;
    otherwise :class:`DataFileError` names the sourcing file (``path``), the line and the event.
    A label may only shorten its event: each number in it must also be in the event or date.
    """
    path = Path(path)
    key = ["date", "event"]
    doubled = sources[sources.duplicated(key, keep="first")]
    if len(doubled):
        row = doubled.iloc[0]
        first = int(sources.loc[(sources["date"] == row["date"]) & (sources["event"] == row["event"]), "source_line"].iloc[0])
        raise DataFileError(path, f"event has more than one sourcing row (first on line {first})",
                            row=int(row["source_line"]), column="event", value=f"{row['date']} {row['event']}")
    merged = events.merge(sources.rename(columns={"source_line": "sourcing_line"}), on=key, how="outer", indicator=True)
    unknown = merged[merged["_merge"] == "right_only"].sort_values("sourcing_line")
    if len(unknown):
        row = unknown.iloc[0]
        raise DataFileError(path, "sourcing row names an event that is not in the events file (date and title must match exactly)",
                            row=int(row["sourcing_line"]), column="event", value=f"{row['date']} {row['event']}")
    missing = merged[merged["_merge"] == "left_only"].sort_values("source_line")
    if len(missing):
        row = missing.iloc[0]
        raise DataFileError(path, f"no sourcing row for the event on line {int(row['source_line'])} of the events file "
                            f"({len(missing)} event(s) lack one)", column="event", value=f"{row['date']} {row['event']}")
    for row in merged.itertuples():
        extra = set(_NUMBER.findall(row.label)) - set(_NUMBER.findall(f"{row.event} {row.date}"))
        if extra:
            raise DataFileError(path, f"label has number(s) {', '.join(sorted(extra))} that its event does not",
                                row=int(row.sourcing_line), column="label", value=row.label)
    primary = merged["source_type"] == "primary"
    joined = merged.drop(columns=["_merge", "sourcing_line", "accessed"]).rename(columns={"note": "sourcing_note"})
    joined["best_url"] = joined["official_url"].where(primary, joined["source_url"])
    joined["best_title"] = joined["official_publisher"].where(primary, joined["source_title"])
    return joined.sort_values(["date_start", "source_line"], kind="stable").reset_index(drop=True)


def read_sourced_events(events_path: str | Path, sources_path: str | Path) -> pd.DataFrame:
    """:func:`read_events` joined with the curated sourcing file (:func:`join_event_sources`)."""
    return join_event_sources(read_events(events_path), read_event_sources(sources_path), sources_path)


def load_events() -> pd.DataFrame:
    return read_sourced_events(check_resource(EVENTS_RESOURCE), check_resource(EVENT_SOURCES_RESOURCE))


def load_frameworks() -> pd.DataFrame:
    return read_frameworks(check_resource(FRAMEWORKS_RESOURCE))


def load_critical_mineral_lists() -> pd.DataFrame:
    return read_critical_mineral_lists(check_resource(LISTS_RESOURCE))
