"""USGS Mineral Commodity Summaries (MCS): world production, capacity and reserves.

Tidy output (one row per edition × commodity × country × type × measure × year):

=================  ==========================================================================
column             meaning
=================  ==========================================================================
edition            MCS edition year (2025 for MCS2025_World_Data.csv)
commodity          display name (trimmed, sentence case, "Gemanium" → "Germanium")
commodity_raw      COMMODITY exactly as in the file (trailing spaces kept)
country_raw        COUNTRY exactly as in the file
iso3               ISO 3166 alpha-3, or WLD / OTH / USA+CAN (see :mod:`analysis.data.countries`)
entity_kind        country | world | other | aggregate
country            short display name ("DR Congo")
qualifier          USGS's parenthesised remark on the country ("beneficiated"), else ""
type               USGS TYPE, trimmed ("Mine production, rare-earth-oxide equivalent")
measure            mine_production | refinery_production | production | capacity | reserves
year               calendar year the value refers to (production/capacity year; reserves year)
value              number in ``unit``; NaN when not a number (see ``value_status``)
unit               unit as published ("metric tons", "thousand metric tons", "kilograms", …)
value_t            ``value`` in tonnes where ``unit`` is a mass, else NaN
value_status       reported | lower_bound | withheld | not_available | not_applicable |
                   included_in_world_total | qualitative | no_data
estimated          True for USGS estimates (the ``PROD_EST_`` columns, "estimated" notes)
note               the row's PROD/CAP/RESERVE note, trimmed
source_line        line of the file the value comes from (header = 1)
=================  ==========================================================================

Quirks of the published files, handled here and visible in the output:

* trailing and doubled spaces in COMMODITY and COUNTRY ("Lithium ", "Russia ");
* the header's years carry a space: ``PROD_EST_ 2024`` — years are read from the header with a
  regular expression, never hard-coded, so other editions load the same way;
* missing values are empty cells whose *note* says why: "W for 23-24" (withheld to avoid
  disclosing company data), "NA"/"na" (not available), "XX" (not applicable), "Included in World
  total"; qualitative reserves ("Large", "Moderate") — all kept as NaN with a status, never 0;
* bounds such as ``>90000000`` (or ``>17,000,000``) → value 90 000 000 with status ``lower_bound``;
* units differ by commodity and, for reserves, sometimes by note ("Reserve data is thousand
  metric tons", iron ore "Crude Ore, million metric tons");
* the MCS 2024 rare-earth file has its own layout (unit inside TYPE, ~35 empty trailing columns
  and ~25 empty rows, values "NA").
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.data.countries import harmonise_names
from analysis.data.minerals import commodity_name
from analysis.data.package import check_resource, econsec_properties, read_datapackage, resources_of_kind
from analysis.data.validation import read_csv_text, require_columns, validate
from analysis.errors import DataFileError
from analysis.vocabulary import MEASURES

MCS_2025_RESOURCE = "usgs-mcs-2025-world"
MCS_2024_RARE_EARTHS_RESOURCE = "usgs-mcs-2024-rare-earths"

#: Multiplier from a USGS unit to tonnes; units that are not masses are absent.
TONNES_PER_UNIT: dict[str, float] = {
    "metric tons": 1.0,
    "thousand metric tons": 1e3,
    "thousand metric dry tons": 1e3,  # dry weight is still a mass
    "million metric tons": 1e6,
    "kilograms": 1e-3,
}

#: Reserve notes that restate the unit of the reserves column.
RESERVE_UNIT_NOTES: dict[str, str] = {
    "reserve data is thousand metric tons": "thousand metric tons",
    "crude ore, million metric tons": "million metric tons",
}

#: TYPE texts that name the same series differently in one country's row. Applied on load so
#: a series has one TYPE; the raw text is one ``source_line`` away.
TYPE_CORRECTIONS: dict[tuple[str, str], str] = {
    # MCS2025 cobalt: the U.S. row omits "cobalt content"; the chapter table is one series.
    ("Cobalt", "Mine production, estimated"): "Mine production, cobalt content, estimated",
}

#: Qualitative reserve words USGS prints instead of a number.
QUALITATIVE = {"large", "moderate", "moderate to large", "small", "very small"}

VALUE_COLUMN = re.compile(r"^(?P<kind>PROD|CAP|RESERVES)_(?P<est>EST_)?\s*(?P<year>\d{4})$")
NUMBER = re.compile(r"^(?P<bound>>)?\s*(?P<number>\d[\d,]*(?:\.\d+)?)$")

STATUSES = (
    "reported",
    "lower_bound",
    "withheld",
    "not_available",
    "not_applicable",
    "included_in_world_total",
    "qualitative",
    "no_data",
)

USGS_SCHEMA = pa.DataFrameSchema(
    {
        "edition": pa.Column(int, pa.Check.in_range(1990, 2100)),
        "commodity": pa.Column(str, pa.Check.str_length(min_value=1)),
        "iso3": pa.Column(str),
        "entity_kind": pa.Column(str, pa.Check.isin(["country", "world", "other", "aggregate"])),
        "measure": pa.Column(str, pa.Check.isin(MEASURES)),
        "year": pa.Column(int, pa.Check.in_range(1990, 2100)),
        "value": pa.Column(float, pa.Check.ge(0), nullable=True),
        "unit": pa.Column(str),
        "value_t": pa.Column(float, pa.Check.ge(0), nullable=True),
        "value_status": pa.Column(str, pa.Check.isin(STATUSES)),
        "estimated": pa.Column(bool),
        "source_line": pa.Column(int, pa.Check.ge(2)),
    },
    strict=False,
)


def classify_type(usgs_type: str) -> str:
    """Measure of a production row from USGS's TYPE text.

    "Mine production, …" → ``mine_production``; refinery, smelter and *primary* production
    (gallium, germanium: recovered in refineries) → ``refinery_production``; plant capacity →
    ``capacity``; anything else (cement, salt, plant production) → ``production``.
    """
    text = usgs_type.lower()
    if "capacity" in text:
        return "capacity"
    if "mine production" in text or text.startswith("mine "):
        return "mine_production"
    if "refinery" in text or "smelter" in text or text.startswith("primary"):
        return "refinery_production"
    return "production"


def _status_from_note(note: str, year: int) -> str:
    """Why an empty cell is empty, read from the row's note ("W for 23-24", "NA", "XX")."""
    text = note.strip().lower()
    if not text:
        return "no_data"
    if re.match(r"^w\b", text):
        return "withheld"
    na_for = re.match(r"^na for (\d{4})", text)
    if na_for:
        return "not_available" if int(na_for[1]) == year else "no_data"
    if text.startswith("na"):
        return "not_available"
    if text.startswith("xx"):
        return "not_applicable"
    if text.startswith("included in world total"):
        return "included_in_world_total"
    if text.rstrip(".") in QUALITATIVE:
        return "qualitative"
    return "no_data"


def _estimated_by_note(note: str, year: int) -> bool:
    """Whether a note marks ``year``'s value as a USGS estimate ("estimated 2023", "estimated")."""
    text = note.lower()
    if "estimated" not in text:
        return False
    named = re.search(r"estimated(?: for)? (\d{4})", text)
    return named is None or int(named[1]) == year


def parse_cell(raw: str, note: str, year: int, *, path: Path, row: int, column: str) -> tuple[float, str]:
    """(value, value_status) of one USGS cell; raises :class:`DataFileError` on anything else."""
    text = raw.strip()
    if text == "":
        return np.nan, _status_from_note(note, year)
    upper = text.upper()
    if upper == "W":
        return np.nan, "withheld"
    if upper == "NA":
        return np.nan, "not_available"
    if upper == "XX":
        return np.nan, "not_applicable"
    if text.lower() in QUALITATIVE:
        return np.nan, "qualitative"
    match = NUMBER.match(text)
    if match is None:
        raise DataFileError(
            path,
            "expected a number, '>number', W, NA, XX or an empty cell",
            row=row,
            column=column,
            value=raw,
        )
    value = float(match["number"].replace(",", ""))
    return value, "lower_bound" if match["bound"] else "reported"


def _read_raw_csv(path: Path) -> pd.DataFrame:
    return read_csv_text(path, encoding="utf-8-sig")


def _tidy(records: list[dict], path: Path) -> pd.DataFrame:
    tidy = pd.DataFrame.from_records(records)
    names = harmonise_names(tidy["country_raw"], path=path, column="COUNTRY", rows=tidy["source_line"])
    tidy = pd.concat([tidy, names], axis=1)
    factor = tidy["unit"].map(TONNES_PER_UNIT)
    tidy["value_t"] = tidy["value"] * factor
    columns = [
        "edition",
        "commodity",
        "commodity_raw",
        "country_raw",
        "iso3",
        "entity_kind",
        "country",
        "qualifier",
        "type",
        "measure",
        "year",
        "value",
        "unit",
        "value_t",
        "value_status",
        "estimated",
        "note",
        "source_line",
    ]
    return validate(tidy[columns], USGS_SCHEMA, path)


def read_mcs_world(path: str | Path, edition: int | None = None) -> pd.DataFrame:
    """Tidy frame from an MCS world-data CSV in the 2025 layout (any edition).

    Years come from the header (``PROD_2023``, ``PROD_EST_ 2024``, ``CAP_…``, ``RESERVES_2024``);
    ``edition`` defaults to the SOURCE column ("MCS2025" → 2025).
    """
    path = Path(path)
    raw = _read_raw_csv(path)
    require_columns(raw, ["SOURCE", "COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS"], path)
    value_columns = [(c, VALUE_COLUMN.match(c.strip())) for c in raw.columns]
    value_columns = [(c, m) for c, m in value_columns if m]
    if not value_columns:
        raise DataFileError(path, "no PROD_<year>, CAP_<year> or RESERVES_<year> columns in the header")
    if edition is None:
        sources = set(raw["SOURCE"].str.strip())
        match = re.fullmatch(r"MCS(\d{4})", sources.pop()) if len(sources) == 1 else None
        if match is None:
            raise DataFileError(path, "cannot tell the edition from SOURCE; pass edition=", column="SOURCE")
        edition = int(match[1])

    records: list[dict] = []
    for position, row in enumerate(raw.to_dict("records"), start=2):
        usgs_type = " ".join(row["TYPE"].split())
        usgs_type = TYPE_CORRECTIONS.get((commodity_name(row["COMMODITY"]), usgs_type), usgs_type)
        unit = row["UNIT_MEAS"].strip()
        for column, match in value_columns:
            kind, year = match["kind"], int(match["year"])
            note_column = {"PROD": "PROD_NOTES", "CAP": "CAP_NOTES", "RESERVES": "RESERVE_NOTES"}[kind]
            note = " ".join(row.get(note_column, "").replace("\xa0", " ").split())
            value, status = parse_cell(row[column], note, year, path=path, row=position, column=column)
            cell_unit = unit
            if kind == "RESERVES":
                for phrase, note_unit in RESERVE_UNIT_NOTES.items():
                    if phrase in note.lower():
                        cell_unit = note_unit
            measure = {"CAP": "capacity", "RESERVES": "reserves"}.get(kind) or classify_type(usgs_type)
            records.append(
                {
                    "edition": edition,
                    "commodity": commodity_name(row["COMMODITY"]),
                    "commodity_raw": row["COMMODITY"],
                    "country_raw": row["COUNTRY"],
                    "type": usgs_type,
                    "measure": measure,
                    "year": year,
                    "value": value,
                    "unit": cell_unit,
                    "value_status": status,
                    "estimated": bool(match["est"]) or _estimated_by_note(note, year),
                    "note": note,
                    "source_line": position,
                }
            )
    return _tidy(records, path)


def read_mcs2024_rare_earths(path: str | Path) -> pd.DataFrame:
    """Tidy frame (same columns as :func:`read_mcs_world`) from MCS 2024's rare-earth world file.

    Layout: Source, Country, Type ("Rare earths, mine production, rare-earth-oxide equivalent,
    metric tons": commodity, type and unit in one field), Prod_t_est_2022, Prod_t_est_2023,
    Prod_notes, Reserves_t, Reserves_notes, then empty columns and rows that are ignored. The
    reserves year of the 2024 edition is 2023.
    """
    path = Path(path)
    raw = _read_raw_csv(path)
    require_columns(raw, ["Source", "Country", "Type", "Prod_notes", "Reserves_t", "Reserves_notes"], path)
    prod_columns = [(c, int(m[1])) for c in raw.columns if (m := re.fullmatch(r"Prod_t_est_(\d{4})", c.strip()))]
    if not prod_columns:
        raise DataFileError(path, "no Prod_t_est_<year> columns in the header")
    reserves_year = max(year for _, year in prod_columns)
    records: list[dict] = []
    for line, row in enumerate(raw.to_dict("records"), start=2):
        if not any(str(v).strip() for v in row.values()):
            continue  # the file carries ~25 all-empty rows after the table
        source = row["Source"].strip()
        match = re.fullmatch(r"MCS(\d{4})", source)
        if match is None:
            raise DataFileError(path, "expected SOURCE like MCS2024", row=line, column="Source", value=source)
        parts = [p.strip() for p in row["Type"].split(",")]
        if len(parts) < 3:
            raise DataFileError(path, "expected 'commodity, type…, unit'", row=line, column="Type", value=row["Type"])
        commodity, usgs_type, unit = parts[0], ", ".join(parts[1:-1]), parts[-1]
        usgs_type = usgs_type[:1].upper() + usgs_type[1:]
        cells = [(c, y, "PROD", row["Prod_notes"]) for c, y in prod_columns]
        cells.append(("Reserves_t", reserves_year, "RESERVES", row["Reserves_notes"]))
        for column, year, kind, note in cells:
            note = " ".join(note.replace("\xa0", " ").split())
            value, status = parse_cell(row[column], note, year, path=path, row=line, column=column)
            records.append(
                {
                    "edition": int(match[1]),
                    "commodity": commodity_name(commodity),
                    "commodity_raw": commodity,
                    "country_raw": row["Country"],
                    "type": usgs_type,
                    "measure": "reserves" if kind == "RESERVES" else classify_type(usgs_type),
                    "year": year,
                    "value": value,
                    "unit": unit,
                    "value_status": status,
                    # MCS 2024 marks its latest production year as an estimate ("e" in the chapter)
                    "estimated": (kind == "PROD" and year == reserves_year) or _estimated_by_note(note, year),
                    "note": note,
                    "source_line": line,
                }
            )
    return _tidy(records, path)


def load_mcs_2025() -> pd.DataFrame:
    """MCS 2025 world data from the data package (hash-checked)."""
    return read_mcs_world(check_resource(MCS_2025_RESOURCE))


def load_mcs_2024_rare_earths() -> pd.DataFrame:
    """MCS 2024 rare-earth world table from the data package (hash-checked)."""
    return read_mcs2024_rare_earths(check_resource(MCS_2024_RARE_EARTHS_RESOURCE))


def latest_edition(frame: pd.DataFrame) -> pd.DataFrame:
    """One value per commodity × country × type × measure × year: the newest edition's.

    Editions are combined series by series: for each commodity × measure × year the newest
    edition that reports it supplies *all* its rows (every TYPE, every country), and older
    editions' rows for that year are dropped. Where an older edition gave a different value for
    the same commodity × country × type × measure × year, the row keeps it in
    ``revised_from_t`` (tonnes) and ``revised_from_edition``, so reports can show the revision
    (e.g. rare earths 2023: MCS 2024 said 350 000 t world, MCS 2025 376 000 t; see
    :func:`revisions`). If USGS reworded a TYPE between editions and the year has one TYPE in
    each edition, the two are matched regardless of wording.

    Within one edition nothing is dropped except the second reading of the same file line: a
    capacity row's PROD_ and CAP_ columns both describe capacity, and the one that carries a
    value is kept.
    """
    measure_key = ["commodity", "measure", "year"]
    keys = ["commodity", "iso3", "qualifier", "measure", "year", "type"]
    frame = frame.assign(_informative=frame["value_status"] != "no_data")
    # the same file line read twice (PROD_ and CAP_ columns of a capacity row): keep the informative one
    frame = frame.sort_values(["edition", "source_line", "_informative"], ascending=[False, True, False], kind="stable")
    frame = frame.drop_duplicates(["edition", "source_line"] + keys, keep="first")
    newest_edition = frame.groupby(measure_key)["edition"].transform("max")
    newest = frame[frame["edition"] == newest_edition].copy()
    older = frame[frame["edition"] < newest_edition].copy()

    # the next-newest edition's value for the same key is the one that was revised
    older = older.sort_values(["edition"], ascending=False, kind="stable")
    older["_occurrence"] = older.groupby(["edition"] + keys).cumcount()
    older = older[older["edition"] == older.groupby(measure_key)["edition"].transform("max")]
    newest["_occurrence"] = newest.groupby(keys).cumcount()
    previous = older[keys + ["_occurrence", "value_t", "edition"]].rename(
        columns={"value_t": "revised_from_t", "edition": "revised_from_edition"}
    )
    merged = newest.merge(previous, on=keys + ["_occurrence"], how="left")

    # reworded TYPE: one type per commodity × measure × year on each side → match without it
    single_new = newest.groupby(measure_key)["type"].transform("nunique") == 1
    single_old = older.groupby(measure_key)["type"].transform("nunique") == 1
    loose_keys = [k for k in keys if k != "type"] + ["_occurrence"]
    loose_old = older[single_old].rename(columns={"value_t": "_loose_t", "edition": "_loose_edition", "type": "_old_type"})
    loose_new = newest[single_new][loose_keys + ["type"]]
    loose = loose_new.merge(loose_old[loose_keys + ["_loose_t", "_loose_edition", "_old_type"]], on=loose_keys)
    loose = loose[loose["_old_type"] != loose["type"]].drop(columns=["_old_type"])
    if len(loose):
        merged = merged.merge(loose, on=loose_keys + ["type"], how="left")
        fill = merged["revised_from_edition"].isna() & merged["_loose_edition"].notna()
        merged.loc[fill, "revised_from_t"] = merged.loc[fill, "_loose_t"]
        merged.loc[fill, "revised_from_edition"] = merged.loc[fill, "_loose_edition"]
        merged = merged.drop(columns=["_loose_t", "_loose_edition"])

    same = np.isclose(merged["revised_from_t"], merged["value_t"]) | (
        merged["revised_from_t"].isna() & merged["value_t"].isna()
    )
    merged.loc[same, ["revised_from_t", "revised_from_edition"]] = np.nan
    merged["revised_from_edition"] = merged["revised_from_edition"].astype("Int64")
    merged = merged.drop(columns=["_informative", "_occurrence"])
    return merged.sort_values(["commodity", "measure", "year", "source_line"], kind="stable").reset_index(drop=True)


#: ``econsec.kind`` of USGS MCS resources → reader. "usgs-mcs-world" is the all-commodity world
#: table in the 2025 layout (``MCS2025_World_Data.csv``); "usgs-mcs-commodity-world" a
#: per-commodity world table in the 2024 layout (``mcs2024-raree_world.csv``).
MCS_WORLD_KIND = "usgs-mcs-world"
MCS_COMMODITY_KIND = "usgs-mcs-commodity-world"
MCS_READERS = {MCS_WORLD_KIND: lambda path: read_mcs_world(path), MCS_COMMODITY_KIND: lambda path: read_mcs2024_rare_earths(path)}

#: Header columns that identify each layout (see :func:`mcs_layout`).
LAYOUT_COLUMNS = {
    MCS_WORLD_KIND: ("SOURCE", "COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS"),
    MCS_COMMODITY_KIND: ("Source", "Country", "Type", "Prod_notes", "Reserves_t"),
}


def mcs_layout(path: str | Path) -> str:
    """Which MCS layout a CSV has (a key of :data:`MCS_READERS`), read from its header only."""
    path = Path(path)
    try:
        header = pd.read_csv(path, nrows=0, dtype=str, encoding="utf-8-sig").columns
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(path, f"not a readable CSV file: {exc}") from None
    present = {str(c).strip() for c in header}
    for kind, columns in LAYOUT_COLUMNS.items():
        if set(columns) <= present:
            return kind
    layouts = "; ".join(f"{kind}: {', '.join(cols)}" for kind, cols in LAYOUT_COLUMNS.items())
    found = ", ".join(list(present)[:8])
    raise DataFileError(path, f"not a USGS MCS world table; the header must have the columns of one layout ({layouts}); found {found}", row=1)


def mcs_resources(package_path: str | Path | None = None) -> list[dict]:
    """Package entries of every USGS MCS table (both layouts), in package order.

    A package written before resources carried ``econsec.kind`` falls back to the two shipped
    resource names.
    """
    entries = [e for kind in MCS_READERS for e in resources_of_kind(kind, package_path)]
    if entries:
        return entries
    package = read_datapackage(package_path)
    legacy = {MCS_2025_RESOURCE: MCS_WORLD_KIND, MCS_2024_RARE_EARTHS_RESOURCE: MCS_COMMODITY_KIND}
    return [{**e, "econsec": {"kind": legacy[e["name"]]}} for e in package["resources"] if e["name"] in legacy]


def load_usgs(package_path: str | Path | None = None) -> pd.DataFrame:
    """All USGS editions in the data package combined (newest edition wins per year).

    Every resource whose ``econsec.kind`` is an MCS layout is read (hash-checked) and the
    editions are combined by :func:`latest_edition`, so an edition imported with
    ``econsec data import-mcs`` is picked up without code changes. ``package_path`` reads
    another state of the package (used by ``econsec data diff``).
    """
    entries = mcs_resources(package_path)
    if not entries:
        raise DataFileError(
            package_path or "datapackage.json",
            "no USGS Mineral Commodity Summaries table in the data package; add one with `econsec data import-mcs PATH`",
        )
    frames = []
    for entry in entries:
        path = check_resource(entry["name"], package_path)
        frame = MCS_READERS[econsec_properties(entry)["kind"]](path)
        edition = econsec_properties(entry).get("edition")
        if edition is not None and set(frame["edition"]) != {int(edition)}:
            raise DataFileError(
                path,
                f"resource {entry['name']!r} is recorded as edition {edition} but its SOURCE column says "
                f"{', '.join(map(str, sorted(set(frame['edition']))))}",
                column="SOURCE",
            )
        frames.append(frame)
    return latest_edition(pd.concat(frames, ignore_index=True))


def revision_note(value_t: float, revised_from_t: float, revised_from_edition: int, edition: int, unit: str = "t") -> str:
    """"MCS 2025: 376,000 t, revised from 350,000 t (MCS 2024, +7.4%)" — for tables and footnotes."""

    def amount(value: float) -> str:
        return f"{value:,.0f} {unit}" if np.isfinite(value) else "no value"

    change = (value_t - revised_from_t) / revised_from_t if np.isfinite(value_t) and revised_from_t else float("nan")
    pct = f", {change:+.1%}" if np.isfinite(change) else ""
    return f"MCS {edition}: {amount(value_t)}, revised from {amount(revised_from_t)} (MCS {revised_from_edition}{pct})"


def revisions(usgs: pd.DataFrame) -> pd.DataFrame:
    """Values a newer edition revised, one row each, with a readable ``note``.

    Input: :func:`load_usgs` output. Columns ``commodity``, ``country``, ``iso3``, ``measure``,
    ``type``, ``year``, ``edition``, ``value_t``, ``revised_from_t``, ``revised_from_edition``,
    ``change_t``, ``note``; largest relative change first within each commodity.
    """
    rows = usgs[usgs["revised_from_edition"].notna()].copy()
    rows["change_t"] = rows["value_t"] - rows["revised_from_t"]
    rows["note"] = [
        revision_note(v, r, int(e_old), int(e))
        for v, r, e_old, e in zip(rows["value_t"], rows["revised_from_t"], rows["revised_from_edition"], rows["edition"])
    ]
    columns = ["commodity", "country", "iso3", "measure", "type", "year", "edition", "value_t", "revised_from_t",
               "revised_from_edition", "change_t", "note"]
    return rows[columns].reset_index(drop=True)


