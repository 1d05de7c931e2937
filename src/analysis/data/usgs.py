"""USGS Mineral Commodity Summaries (MCS): world production, capacity and reserves.

Tidy output (one row per edition × commodity × country × type × measure × year):

=================  ==========================================================================
column             meaning
=================  ==========================================================================
edition            MCS edition year (2025 for MCS2025_World_Data.csv)
commodity          display name (trimmed, sentence case, "Gemanium" → "Germanium")
commodity_raw      COMMODITY exactly as in the file (trailing spaces kept); per-commodity files
                   have no COMMODITY column: the file name, whose code names the commodity
country_raw        COUNTRY exactly as in the file
iso3               ISO 3166 alpha-3, or WLD / OTH / USA+CAN (see :mod:`analysis.data.countries`)
entity_kind        country | world | other | aggregate
country            short display name ("DR Congo")
qualifier          USGS's parenthesised remark on the country ("beneficiated"), else ""
type               USGS TYPE, trimmed ("Mine production, rare-earth-oxide equivalent"); per-commodity
                   files: without the commodity name in front and the unit at the end, plus the
                   column's series word ("… (sponge)")
type_raw           the Type text as published (spaces collapsed)
stage              mine | refinery | smelter | capacity | other | reserves (value-chain stage)
measure            mine_production | refinery_production | production | capacity | reserves
year               calendar year the value refers to (production/capacity year; reserves year)
value              number in ``unit``; NaN when not a number (see ``value_status``)
unit               unit as published ("metric tons", "thousand metric tons", "kilograms", …)
value_t            ``value`` in tonnes where ``unit`` is a mass, else NaN
value_status       reported | lower_bound | upper_bound ("<100") | withheld | not_available |
                   not_applicable | included_in_world_total | included_elsewhere ("Included with
                   ilmenite") | below_half_unit ("Less than ½ unit") | qualitative | no_data
estimated          True for USGS estimates (the ``PROD_EST_`` columns, "estimated" notes)
note               the row's PROD/CAP/RESERVE note, trimmed
read_note          what the reader did to this row's raw text, "" if nothing (footnote digits or
                   estimate mark removed from a country, empty Source, a stray unnamed column…)
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
* the MCS 2022–2024 releases ship one world file per commodity (``mcs2024-lithi_world.csv``),
  read by :func:`read_mcs_commodity_world` — its docstring lists that layout's quirks (units
  ``t, kt, kg, Mt/mmt/mt, mct, kct, mcm`` and years in column names, ``Prod_note``/``Prod_notes``,
  BOM, blank rows and columns, "MCS 2024" or empty Source, footnote digits and the estimate mark
  e glued to country names, "e3,900" values); carats and cubic metres keep their unit and get
  no ``value_t``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.data.countries import harmonise_names
from analysis.data.frame_cache import cached, read_cached
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

#: UNIT_MEAS cells a data release gets wrong, by (edition, commodity, unit as published) → the unit
#: the commodity chapter states. MCS2025's titanium mineral concentrates rows say "metric tons",
#: but the chapter's table is "thousand metric tons of TiO2 content" (China 3,300; world 8,900).
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


def _read_raw_csv(path: Path) -> pd.DataFrame:
    return read_csv_text(path, encoding="utf-8-sig")


def _tidy(records: list[dict], path: Path, check: bool = True) -> pd.DataFrame:
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
                    "estimated": bool(match["est"]) or _estimated_by_note(note, year),
                    "note": note,
                    "source_line": position,
                }
            )
    return _tidy(records, path, check)


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

#: A value column of a per-commodity world file: kind, optional series word(s) ("Sponge",
#: "ore_K2O_equiv"), unit code, optional estimate flag (``est``/``Est``), optional year.
COMMODITY_VALUE_COLUMN = re.compile(
    r"^(?P<kind>Prod|Cap|Reserves)(?:_(?P<series>[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*?))??"
    r"_(?P<unit>" + "|".join(sorted(UNIT_CODES, key=len, reverse=True)) + r")"
    r"(?:_(?P<est>[Ee]st))?(?:_(?P<year>\d{4}))?$"
)
NOTE_COLUMN = re.compile(r"^(?P<kind>Prod|Cap|Reserves?)_notes?$", re.IGNORECASE)
#: Placeholders USGS prints in the Type cell of world-total rows.
EMPTY_TYPES = {"", "na", "xx"}
FILE_NAME = re.compile(r"^mcs(?P<edition>\d{4})-(?P<code>[a-z-]+?)_world(?:-\d+)?\.csv$", re.IGNORECASE)

STAGES = ("mine", "refinery", "smelter", "capacity", "other", "reserves")
_MINE = re.compile(r"\bmi?ne\s+p\w*duction")  # "Mine production", "Mine poduction", "Mne production"


def classify_stage(usgs_type: str) -> str:
    """Stage of the value chain a USGS Type text names: mine | refinery | smelter | capacity | other.

    Typos in the published Type texts count ("Mine poduction, Kaolin", "Mne production"); gallium
    and germanium "Primary production" is refinery output; a Type naming production *and*
    capacity (titanium sponge) is production here — the column (``Cap_…``) says which is capacity.
    """
    text = " ".join(usgs_type.lower().split())
    if _MINE.search(text) or text.startswith("mine "):
        return "mine"
    if "smelter" in text:
        return "smelter"
    if "refinery" in text or text.startswith("primary"):
        return "refinery"
    if "capacity" in text and "production" not in text:
        return "capacity"
    return "other"


STAGE_MEASURE = {"mine": "mine_production", "refinery": "refinery_production", "smelter": "refinery_production",
                 "capacity": "capacity", "other": "production", "reserves": "reserves"}


_TYPE_UNIT = re.compile(r"\s*[,\-]\s*(?:(?:thousand |million )?metric tons|kilograms)$", re.I)
_STAGE_START = re.compile(r"^(?:mine|refinery|smelter|plant|primary|contained)\b", re.I)


def _clean_type(usgs_type: str, commodity: str) -> str:
    """Type text without the commodity name in front and the unit at the end, first letter upper.

    "Rare earths, mine production, rare-earth-oxide equivalent, metric tons" → "Mine production,
    rare-earth-oxide equivalent" (the wording of the all-commodity table, so editions join);
    "Silver - mine production, contained silver - metric tons" → "Mine production, contained
    silver". The unit is read from the column name; the published text stays in ``type_raw``.
    """
    text = usgs_type
    head = re.match(r"^(?P<name>[^,\-]+?)\s*[,\-]\s*(?P<rest>.+)$", text)
    if head and head["name"].lower() == commodity.lower() and _STAGE_START.match(head["rest"]):
        text = head["rest"]
    text = _TYPE_UNIT.sub("", text).strip()
    return text[:1].upper() + text[1:] if text else usgs_type


def _clean_country(name: str) -> tuple[str, bool, str]:
    """(name to harmonise, marked as estimate, read note) for an MCS Country cell.

    USGS's superscripts lose their formatting in the CSVs: footnote numbers ("Other countries6")
    and the estimate mark e ("Japane", "Korea, Republic ofe", "Russiae") end up glued to the
    name. They are removed only when the name without them is a known country or entity and the
    name with them is not; the row's ``read_note`` says so.
    """
    from analysis.data.countries import match_name

    text = " ".join(name.replace("\xa0", " ").split())
    entity = match_name(text)
    if entity is not None and entity.qualifier == "e" and text.endswith("e"):  # "Other countriese"
        return text[:-1].rstrip(), True, f"estimate mark 'e' removed from country {text!r}"
    if entity is not None and not re.search(r"\D\d{1,2}$", text):
        return text, False, ""
    footnote = re.fullmatch(r"(?P<base>.*?\D)(?P<mark>\d{1,2})", text)
    if footnote and match_name(footnote["base"].rstrip()) is not None:
        return footnote["base"].rstrip(), False, f"footnote {footnote['mark']} removed from country {text!r}"
    if text.endswith("e") and match_name(text[:-1].rstrip()) is not None:
        return text[:-1].rstrip(), True, f"estimate mark 'e' removed from country {text!r}"
    return text, False, ""


def mcs_file_commodity(path: Path) -> str:
    """Commodity of a per-commodity world file, from the code in its name (see MCS_FILE_CODES)."""
    from analysis.data.minerals import MCS_FILE_CODES

    match = FILE_NAME.match(path.name)
    if match is None or match["code"].lower() not in MCS_FILE_CODES:
        raise DataFileError(
            path,
            "cannot tell the commodity: per-commodity MCS world files are named mcs<edition>-<code>_world.csv "
            f"with a code of analysis.data.minerals.MCS_FILE_CODES (e.g. mcs2024-lithi_world.csv)",
        )
    return MCS_FILE_CODES[match["code"].lower()]


def _commodity_header(path: Path, header: list[str]) -> dict:
    """Roles of the columns of a per-commodity world file; DataFileError naming what is missing."""
    names = [c.strip() for c in header]
    missing = [c for c in ("Source", "Country") if c not in names]
    values = [(raw, m) for raw, m in zip(header, (COMMODITY_VALUE_COLUMN.match(n) for n in names)) if m]
    timed = [(raw, m) for raw, m in values if m["year"] or m["kind"] == "Reserves"]
    if missing or not any(m["kind"] in ("Prod", "Cap") and m["year"] for _, m in values):
        what = []
        if missing:
            what.append(f"column(s) {', '.join(missing)}")
        if not any(m["kind"] in ("Prod", "Cap") and m["year"] for _, m in values):
            what.append("a production or capacity column like Prod_t_2022 / Prod_kt_est_2023 / Cap_kg_2023")
        found = ", ".join(n for n in names if n)[:200]
        raise DataFileError(path, f"not a USGS MCS world table: no {' and no '.join(what)}; header has {found}", row=1)
    type_column, type_in_header = None, False
    if "Type" in names:
        type_column = header[names.index("Type")]
    else:  # mcs2024-fluor: the third header cell is the type text itself
        candidate = header[names.index("Country") + 1] if names.index("Country") + 1 < len(header) else ""
        if candidate.strip() and not COMMODITY_VALUE_COLUMN.match(candidate.strip()) and not NOTE_COLUMN.match(candidate.strip()):
            type_column, type_in_header = candidate, True
        else:
            raise DataFileError(path, "not a USGS MCS world table: no Type column (production stage) after Country", row=1)
    notes = {}
    for raw, name in zip(header, names):
        note = NOTE_COLUMN.match(name)
        if note:
            kind = note["kind"].capitalize()
            notes["Reserve" if kind.startswith("Reserve") else kind] = raw
    known = {header[names.index("Source")], header[names.index("Country")], type_column, *notes.values(), *(r for r, _ in values)}
    unknown = [raw for raw in header if raw not in known and raw.strip()]
    if unknown:
        raise DataFileError(
            path,
            f"unrecognised column {unknown[0].strip()!r}: expected Source, Country, Type, Prod_<unit>[_est]_<year>, "
            f"Cap_<unit>[_est]_<year>, Reserves_<unit>[_<year>] and *_notes columns (units {', '.join(UNIT_CODES)})",
            row=1,
            column=unknown[0].strip(),
        )
    return {"source": header[names.index("Source")], "country": header[names.index("Country")], "type": type_column,
            "type_in_header": type_in_header, "notes": notes, "values": timed}


def read_mcs_commodity_world(path: str | Path, edition: int | None = None, *, check: bool = True) -> pd.DataFrame:
    """Tidy frame (columns of :func:`read_mcs_world`) from a per-commodity MCS world table.

    Layout of the MCS 2022–2024 data releases (``mcs2024-lithi_world.csv``): Source, Country,
    Type, then ``Prod_<unit>[_est]_<year>`` / ``Cap_<unit>[_est]_<year>`` columns, notes and
    ``Reserves_<unit>``. Everything is read from the header: years, unit (``t, kt, kg, Mt/mmt/mt,
    mct, kct, mcm``), estimate flag (``_est``/``_Est``) and series words (``Prod_Sponge_t_…``).
    The commodity comes from the file name's code (:data:`~analysis.data.minerals.MCS_FILE_CODES`).

    Quirks handled (each one visible in ``read_note`` where it touches a row):

    * BOM (read as ``utf-8-sig``); trailing columns with no name and all-blank rows are ignored
      — an unnamed column that holds a value is an error;
    * ``Prod_note`` or ``Prod_notes``; capacity columns without ``Cap_notes`` use the Prod notes;
    * ``Source`` "MCS 2024" (with a space) or empty → the file's edition (noted);
    * ``Type`` with or without the unit; the column unit rules, and the Type text is kept as
      published (spaces collapsed); "NA"/"XX"/empty Type on a total row → previous row's Type;
      a header whose third cell is the Type text (mcs2024-fluor) → that text for every row;
    * country footnote digits and the estimate mark e glued to names (see :func:`_clean_country`);
      countries with a product remark ("Argentina, crude ore") keep it as ``qualifier``;
    * cells W/NA/XX/empty/``"1,700"``/``>n`` as in :func:`parse_cell`;
    * reserves without a year refer to the year before the edition (MCS 2024 → end of 2023).
    """
    path = Path(path)
    raw = _read_raw_csv(path)
    header = list(raw.columns)
    blank = [c for c in header if c.startswith("Unnamed:")]
    stray: dict[int, list[str]] = {}  # file line → what unnamed columns held (mcs2024-barit, -vermi)
    for column in blank:
        for index in raw.index[raw[column].str.strip() != ""]:
            position = int(column.split(":")[1]) + 1
            stray.setdefault(int(index) + 2, []).append(
                f"column {position} has no name but holds {raw.loc[index, column].strip()[:40]!r}; ignored")
    roles = _commodity_header(path, [c for c in header if c not in blank])
    commodity = mcs_file_commodity(path)

    sources = {re.sub(r"\s+", "", s) for s in raw[roles["source"]] if s.strip()}
    file_match = FILE_NAME.match(path.name)
    if edition is None:
        if len(sources) > 1:
            raise DataFileError(path, f"rows from several editions ({', '.join(sorted(sources))}); one edition per file",
                                column="Source")
        source = sources.pop() if sources else (f"MCS{file_match['edition']}" if file_match else "")
        match = re.fullmatch(r"MCS(\d{4})", source)
        if match is None:
            raise DataFileError(path, "cannot tell the edition from Source (expected MCS2024); pass edition=",
                                column="Source", value=source)
        edition = int(match[1])
    reserves_year = edition - 1

    records: list[dict] = []
    previous_type = ""
    for line, row in enumerate(raw.to_dict("records"), start=2):
        if not any(str(v).strip() for v in row.values()):
            continue  # blank rows after the table
        notes_read: list[str] = list(stray.get(line, []))
        source = row[roles["source"]].strip()
        if not source:
            notes_read.append(f"Source empty; edition MCS{edition} from the other rows")
        elif source != f"MCS{edition}":
            if re.sub(r"\s+", "", source) != f"MCS{edition}":
                raise DataFileError(path, f"Source differs from the file's edition MCS{edition}", row=line,
                                    column="Source", value=source)
            notes_read.append(f"Source {source!r} read as MCS{edition}")
        if roles["type_in_header"]:
            usgs_type = " ".join(roles["type"].split())
        else:
            usgs_type = " ".join(row[roles["type"]].split())
        if usgs_type.lower() in EMPTY_TYPES:
            if previous_type:
                notes_read.append(f"Type {usgs_type!r}; the previous row's Type used")
                usgs_type = previous_type
            else:  # mcs2024-fepig: no Type on any row
                notes_read.append(f"Type {usgs_type!r} and no earlier row's Type; stage unknown (other)")
                usgs_type = "Type not stated"
        previous_type = usgs_type
        country, country_estimated, country_note = _clean_country(row[roles["country"]])
        if country_note:
            notes_read.append(country_note)
        for column, match in roles["values"]:
            kind = match["kind"]
            year = int(match["year"]) if match["year"] else reserves_year
            note_column = roles["notes"].get({"Prod": "Prod", "Cap": "Cap", "Reserves": "Reserve"}[kind])
            if note_column is None and kind == "Cap":
                note_column = roles["notes"].get("Prod")
            note = " ".join(row.get(note_column, "").replace("\xa0", " ").split()) if note_column else ""
            cell = row[column]
            cell_notes = list(notes_read)
            marked = re.fullmatch(r"\s*e\s*(\d[\d,]*(?:\.\d+)?)\s*", cell)  # "e3,900": estimate mark on the value
            if marked:
                cell = marked[1]
                cell_notes.append(f"estimate mark 'e' removed from value {row[column].strip()!r}")
            value, status = parse_cell(cell, note, year, path=path, row=line, column=column.strip())
            unit, _ = UNIT_CODES[match["unit"]]
            series = (match["series"] or "").replace("_", " ")
            clean_type = _clean_type(usgs_type, commodity)
            cell_type = f"{clean_type} ({series.lower()})" if series else clean_type
            stage = {"Cap": "capacity", "Reserves": "reserves"}.get(kind) or classify_stage(usgs_type)
            if "," in cell:
                cell_notes.append(f"thousands separator in {row[column].strip()!r}")
            records.append(
                {
                    "edition": edition,
                    "commodity": commodity,
                    "commodity_raw": path.name,
                    "country_raw": row[roles["country"]],
                    "country_match": country,
                    "type": cell_type,
                    "type_raw": usgs_type,
                    "stage": stage,
                    "measure": STAGE_MEASURE[stage],
                    "year": year,
                    "value": value,
                    "unit": unit,
                    "value_status": status,
                    "estimated": bool(match["est"]) or country_estimated or bool(marked) or _estimated_by_note(note, year),
                    "note": note,
                    "read_note": "; ".join(cell_notes),
                    "source_line": line,
                }
            )
    if not records:
        raise DataFileError(path, "not a USGS MCS world table: the header is there but no data row follows")
    return _tidy(records, path, check)


def load_mcs_2025() -> pd.DataFrame:
    """MCS 2025 world data from the data package (hash-checked)."""
    return read_cached(read_mcs_world, check_resource(MCS_2025_RESOURCE))


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
MCS_READERS = {MCS_WORLD_KIND: lambda path: read_mcs_world(path), MCS_COMMODITY_KIND: lambda path: read_mcs_commodity_world(path)}
#: The same readers without the per-file schema check: :func:`load_usgs` checks the combined
#: frame once (pandera's fixed cost per call dominated reading 155 small files).
_UNCHECKED_READERS = {MCS_WORLD_KIND: lambda path: read_mcs_world(path, check=False),
                      MCS_COMMODITY_KIND: lambda path: read_mcs_commodity_world(path, check=False)}

#: Header columns that identify each layout (see :func:`mcs_layout`); a per-commodity table
#: also needs at least one ``Prod_<unit>_<year>`` or ``Cap_<unit>_<year>`` column.
LAYOUT_COLUMNS = {
    MCS_WORLD_KIND: ("SOURCE", "COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS"),
    MCS_COMMODITY_KIND: ("Source", "Country"),
}


def mcs_layout(path: str | Path) -> str:
    """Which MCS layout a CSV has (a key of :data:`MCS_READERS`), read from its header only."""
    path = Path(path)
    try:
        header = pd.read_csv(path, nrows=0, dtype=str, encoding="utf-8-sig").columns
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(path, f"not a readable CSV file: {exc}") from None
    present = {str(c).strip() for c in header}
    if set(LAYOUT_COLUMNS[MCS_WORLD_KIND]) <= present:
        return MCS_WORLD_KIND
    if "COMMODITY" not in present and ({"Source", "Country"} & present or any(COMMODITY_VALUE_COLUMN.match(c) for c in present)):
        # a per-commodity table, or a broken one: its own check names what is missing
        _commodity_header(path, [str(c) for c in header if not str(c).startswith("Unnamed:")])
        return MCS_COMMODITY_KIND
    found = ", ".join([c for c in map(str, header) if c.strip() and not c.startswith("Unnamed:")][:8])
    raise DataFileError(
        path,
        "not a USGS MCS world table: the header has neither SOURCE, COMMODITY, COUNTRY, TYPE, UNIT_MEAS "
        f"(all-commodity table) nor Source, Country and Prod_<unit>_<year> columns (per-commodity table); found {found}",
        row=1,
    )


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
    descriptor = read_datapackage(package_path)
    paths = [check_resource(entry["name"], package_path, package=descriptor) for entry in entries]
    kinds = [(entry["name"], econsec_properties(entry)["kind"], econsec_properties(entry).get("edition")) for entry in entries]
    return cached("usgs.load_usgs", paths, lambda: _combine_editions(entries, paths), kinds)


def _combine_editions(entries: list[dict], paths: list[Path]) -> pd.DataFrame:
    """Read the (hash-checked) MCS files, check each edition, combine them (newest wins)."""
    frames = []
    for entry, path in zip(entries, paths):
        frame = _UNCHECKED_READERS[econsec_properties(entry)["kind"]](path)
        edition = econsec_properties(entry).get("edition")
        if edition is not None and set(frame["edition"]) != {int(edition)}:
            raise DataFileError(
                path,
                f"resource {entry['name']!r} is recorded as edition {edition} but its SOURCE column says "
                f"{', '.join(map(str, sorted(set(frame['edition']))))}",
                column="SOURCE",
            )
        frames.append(frame)
    combined = pd.concat(frames, ignore_index=True)
    try:
        USGS_SCHEMA.validate(combined, lazy=True)
    except pa.errors.SchemaErrors:  # find the file and line: check each file on its own
        for frame, path in zip(frames, paths):
            validate(frame, USGS_SCHEMA, path)
        raise
    return latest_edition(combined)


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


