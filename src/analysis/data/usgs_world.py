"""USGS MCS all-commodity world table (``MCS2025_World_Data.csv`` layout, any edition) and the
tidy frame every MCS reader returns (its columns: :mod:`analysis.data.usgs`).

Shared with the per-commodity tables (:mod:`analysis.data.usgs_commodity`): the cell parser
(:func:`parse_cell`), unit factors (:data:`TONNES_PER_UNIT`, :data:`UNIT_CODES`), the schema and
:func:`tidy_frame`.

Quirks of the all-commodity file, handled here and visible in the output:

* trailing and doubled spaces in COMMODITY and COUNTRY ("Lithium ", "Russia ");
* the header's years carry a space: ``PROD_EST_ 2024`` — years are read from the header with a
  regular expression, never hard-coded, so other editions load the same way;
* missing values are empty cells whose *note* says why: "W for 23-24" (withheld to avoid
  disclosing company data), "NA"/"na" (not available), "XX" (not applicable), "Included in World
  total"; qualitative reserves ("Large", "Moderate") — all kept as NaN with a status, never 0;
* bounds such as ``>90000000`` (or ``>17,000,000``) → value 90 000 000 with status ``lower_bound``;
* units differ by commodity and, for reserves, sometimes by note ("Reserve data is thousand
  metric tons", iron ore "Crude Ore, million metric tons").
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.data.countries import harmonise_names
from analysis.data.minerals import commodity_name
from analysis.data.validation import read_csv_text, require_columns, validate
from analysis.errors import DataFileError
from analysis.vocabulary import MEASURES

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

#: UNIT_MEAS cells a data release gets wrong, by (edition, commodity, unit as published) → the unit
#: the figures are in. MCS2025's titanium mineral concentrates rows say "metric tons", but the same
#: figures are thousand metric tons of TiO2 content: MCS2024's table of the commodity
#: (mcs2024-timin_world.csv) heads them ``Prod_kt``/``Reserves_kt`` with the same magnitudes
#: (United States 200, Australia 400) and notes the U.S. 200 is "rounded to the nearest 100,000 tons".
UNIT_CORRECTIONS: dict[tuple[int, str, str], str] = {
    (2025, "Titanium mineral concentrates", "metric tons"): "thousand metric tons",
}

#: Qualitative reserve words USGS prints instead of a number.
QUALITATIVE = {"large", "moderate", "moderate to large", "small", "very small"}

VALUE_COLUMN = re.compile(r"^(?P<kind>PROD|CAP|RESERVES)_(?P<est>EST_)?\s*(?P<year>\d{4})$")
NUMBER = re.compile(r"^(?P<bound>[<>])?\s*(?P<number>\d[\d,]*(?:\.\d+)?)$")
#: Words USGS writes in value cells of per-commodity files, → value_status (value NaN).
CELL_TEXTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^included in world total\.?$", re.I), "included_in_world_total"),
    (re.compile(r"^included with\b", re.I), "included_elsewhere"),  # "Included with ilmenite"
    (re.compile(r"^less than (½|1/2|0\.5) unit\.?$", re.I), "below_half_unit"),
    (re.compile(r'^categorized as "?(?P<word>[a-z ]+?)"?\.?$', re.I), "qualitative"),
]

STATUSES = (
    "reported",
    "lower_bound",
    "withheld",
    "not_available",
    "not_applicable",
    "included_in_world_total",
    "included_elsewhere",
    "upper_bound",
    "below_half_unit",
    "qualitative",
    "no_data",
)

USGS_SCHEMA = pa.DataFrameSchema(
    {
        "edition": pa.Column(int, pa.Check.in_range(1990, 2100)),
        "commodity": pa.Column(str, pa.Check.str_length(min_value=1)),
        "iso3": pa.Column(str),
        "entity_kind": pa.Column(str, pa.Check.isin(["country", "world", "other", "aggregate"])),
        "stage": pa.Column(str, pa.Check.isin(["mine", "refinery", "smelter", "capacity", "other", "reserves"])),
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


def estimated_by_note(note: str, year: int) -> bool:
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
    for pattern, status in CELL_TEXTS:
        if pattern.match(text):
            return np.nan, status
    match = NUMBER.match(text)
    if match is None:
        raise DataFileError(
            path,
            "expected a number, '>number', '<number', W, NA, XX, 'Included in World total', "
            "'Less than ½ unit' or an empty cell",
            row=row,
            column=column,
            value=raw,
        )
    value = float(match["number"].replace(",", ""))
    return value, {">": "lower_bound", "<": "upper_bound"}.get(match["bound"] or "", "reported")


def read_raw_csv(path: Path) -> pd.DataFrame:
    return read_csv_text(path, encoding="utf-8-sig")


def tidy_frame(records: list[dict], path: Path, check: bool = True) -> pd.DataFrame:
    tidy = pd.DataFrame.from_records(records)
    match_names = tidy.pop("country_match") if "country_match" in tidy else tidy["country_raw"]
    names = harmonise_names(match_names, path=path, column="COUNTRY", rows=tidy["source_line"])
    tidy = pd.concat([tidy, names], axis=1)
    if "stage" not in tidy:  # all-commodity layout: the stage follows the measure
        smelter = tidy["type"].str.lower().str.contains("smelter")
        tidy["stage"] = tidy["measure"].map(
            {"mine_production": "mine", "refinery_production": "refinery", "capacity": "capacity",
             "production": "other", "reserves": "reserves"})
        tidy.loc[smelter & (tidy["measure"] == "refinery_production"), "stage"] = "smelter"
    if "read_note" not in tidy:
        tidy["read_note"] = ""
    if "type_raw" not in tidy:
        tidy["type_raw"] = tidy["type"]
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
        "type_raw",
        "stage",
        "measure",
        "year",
        "value",
        "unit",
        "value_t",
        "value_status",
        "estimated",
        "note",
        "read_note",
        "source_line",
    ]
    return validate(tidy[columns], USGS_SCHEMA, path) if check else tidy[columns]


def read_mcs_world(path: str | Path, edition: int | None = None, *, check: bool = True) -> pd.DataFrame:
    """Tidy frame from an MCS world-data CSV in the 2025 layout (any edition).

    Years come from the header (``PROD_2023``, ``PROD_EST_ 2024``, ``CAP_…``, ``RESERVES_2024``);
    ``edition`` defaults to the SOURCE column ("MCS2025" → 2025).
    """
    path = Path(path)
    raw = read_raw_csv(path)
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
        unit = UNIT_CORRECTIONS.get((edition, commodity_name(row["COMMODITY"]), unit), unit)
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
                    "estimated": bool(match["est"]) or estimated_by_note(note, year),
                    "note": note,
                    "source_line": position,
                }
            )
    return tidy_frame(records, path, check)


#: Unit codes in the column names of MCS per-commodity world files → (unit as USGS writes it in
#: the all-commodity table's UNIT_MEAS, tonnes per unit or None when the unit is not a mass).
UNIT_CODES: dict[str, tuple[str, float | None]] = {
    "t": ("metric tons", 1.0),
    "kt": ("thousand metric tons", 1e3),
    "kg": ("kilograms", 1e-3),
    "Mt": ("million metric tons", 1e6),
    "mmt": ("million metric tons", 1e6),
    # only in mcs2024-feore Reserves_mt, whose note says "Crude ore, million metric tons"
    "mt": ("million metric tons", 1e6),
    "mct": ("million carats", None),  # diamonds: carats are not converted to tonnes
    "kct": ("thousand carats", None),  # gemstones
    "mcm": ("million cubic meters", None),  # helium: a volume
}
for _unit, _factor in UNIT_CODES.values():
    if _factor is not None:
        TONNES_PER_UNIT.setdefault(_unit, _factor)
    else:
        TONNES_PER_UNIT.pop(_unit, None)
