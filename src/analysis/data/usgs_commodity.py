"""USGS MCS per-commodity world tables, read into the tidy frame of :mod:`analysis.data.usgs`.

The MCS 2022–2024 releases ship one world file per commodity (``mcs2024-lithi_world.csv``),
read by :func:`read_mcs_commodity_world` — its docstring lists that layout's quirks (units
``t, kt, kg, Mt/mmt/mt, mct, kct, mcm`` and years in column names, ``Prod_note``/``Prod_notes``,
BOM, blank rows and columns, "MCS 2024" or empty Source, footnote digits and the estimate mark
e glued to country names, "e3,900" values); carats and cubic metres keep their unit and get
no ``value_t``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.data.minerals import commodity_name
from analysis.data.usgs_world import (
    UNIT_CODES,
    classify_type,
    estimated_by_note,
    parse_cell,
    read_raw_csv,
    tidy_frame,
)
from analysis.data.validation import require_columns
from analysis.errors import DataFileError


def read_mcs2024_rare_earths(path: str | Path) -> pd.DataFrame:
    """Tidy frame (same columns as :func:`~analysis.data.usgs_world.read_mcs_world`) from MCS 2024's
    rare-earth world file.

    Layout: Source, Country, Type ("Rare earths, mine production, rare-earth-oxide equivalent,
    metric tons": commodity, type and unit in one field), Prod_t_est_2022, Prod_t_est_2023,
    Prod_notes, Reserves_t, Reserves_notes, then empty columns and rows that are ignored. The
    reserves year of the 2024 edition is 2023.
    """
    path = Path(path)
    raw = read_raw_csv(path)
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
                    "estimated": (kind == "PROD" and year == reserves_year) or estimated_by_note(note, year),
                    "note": note,
                    "source_line": line,
                }
            )
    return tidy_frame(records, path)


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


#: Stage of a USGS Type text (:func:`classify_stage`) → the measure its figures are filed under.
#: (Not the supply-table stages of :data:`analysis.vocabulary.STAGE_MEASURE`: these are USGS's own.)
TYPE_STAGE_MEASURE = {"mine": "mine_production", "refinery": "refinery_production", "smelter": "refinery_production",
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


def commodity_header(path: Path, header: list[str]) -> dict:
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
    """Tidy frame (columns of :func:`~analysis.data.usgs_world.read_mcs_world`) from a
    per-commodity MCS world table.

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
    raw = read_raw_csv(path)
    header = list(raw.columns)
    blank = [c for c in header if c.startswith("Unnamed:")]
    stray = _stray_cells(raw, blank)
    roles = commodity_header(path, [c for c in header if c not in blank])
    commodity = mcs_file_commodity(path)
    edition = _file_edition(path, raw[roles["source"]], edition)
    reserves_year = edition - 1

    records: list[dict] = []
    previous_type = ""
    for line, row in enumerate(raw.to_dict("records"), start=2):
        if not any(str(v).strip() for v in row.values()):
            continue  # blank rows after the table
        notes_read: list[str] = list(stray.get(line, []))
        notes_read += _source_notes(path, row[roles["source"]], edition, line)
        usgs_type = _row_type(roles, row, previous_type, notes_read)
        previous_type = usgs_type
        country, country_estimated, country_note = _clean_country(row[roles["country"]])
        if country_note:
            notes_read.append(country_note)
        at = _CellContext(path, commodity, edition, reserves_year, line, usgs_type, country, country_estimated)
        for column, match in roles["values"]:
            records.append(_cell_record(at, roles, row, column, match, notes_read))
    if not records:
        raise DataFileError(path, "not a USGS MCS world table: the header is there but no data row follows")
    return tidy_frame(records, path, check)


def _stray_cells(raw: pd.DataFrame, blank: list[str]) -> dict[int, list[str]]:
    """File line → what columns without a name held there (mcs2024-barit, -vermi), to be noted."""
    stray: dict[int, list[str]] = {}
    for column in blank:
        for index in raw.index[raw[column].str.strip() != ""]:
            position = int(column.split(":")[1]) + 1
            stray.setdefault(int(index) + 2, []).append(
                f"column {position} has no name but holds {raw.loc[index, column].strip()[:40]!r}; ignored")
    return stray


def _file_edition(path: Path, source_column: pd.Series, edition: int | None) -> int:
    """The file's edition: ``edition`` if given, else its one Source ("MCS2024", "MCS 2024"), else
    its name's (every Source empty)."""
    sources = {re.sub(r"\s+", "", s) for s in source_column if s.strip()}
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
    return edition


def _source_notes(path: Path, source_cell: str, edition: int, line: int) -> list[str]:
    """Read notes for a row's Source cell (empty, or the edition with a space); DataFileError when
    it names another edition."""
    notes_read: list[str] = []
    source = source_cell.strip()
    if not source:
        notes_read.append(f"Source empty; edition MCS{edition} from the other rows")
    elif source != f"MCS{edition}":
        if re.sub(r"\s+", "", source) != f"MCS{edition}":
            raise DataFileError(path, f"Source differs from the file's edition MCS{edition}", row=line,
                                column="Source", value=source)
        notes_read.append(f"Source {source!r} read as MCS{edition}")
    return notes_read


def _row_type(roles: dict, row: dict, previous_type: str, notes_read: list[str]) -> str:
    """A row's Type text (spaces collapsed): from the header (mcs2024-fluor) or the cell, else the
    previous row's; how it was found is appended to ``notes_read``."""
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
    return usgs_type


@dataclass(frozen=True)
class _CellContext:
    """What the cells of one row of a per-commodity file share."""

    path: Path
    commodity: str
    edition: int
    reserves_year: int
    line: int
    usgs_type: str
    country: str
    country_estimated: bool


def _cell_record(at: _CellContext, roles: dict, row: dict, column: str, match: re.Match[str],
                 notes_read: list[str]) -> dict:
    """The tidy record of one value cell (``column`` of ``row``)."""
    path, commodity, edition, line, usgs_type = at.path, at.commodity, at.edition, at.line, at.usgs_type
    kind = match["kind"]
    year = int(match["year"]) if match["year"] else at.reserves_year
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
    return {
        "edition": edition,
        "commodity": commodity,
        "commodity_raw": path.name,
        "country_raw": row[roles["country"]],
        "country_match": at.country,
        "type": cell_type,
        "type_raw": usgs_type,
        "stage": stage,
        "measure": TYPE_STAGE_MEASURE[stage],
        "year": year,
        "value": value,
        "unit": unit,
        "value_status": status,
        "estimated": bool(match["est"]) or at.country_estimated or bool(marked) or estimated_by_note(note, year),
        "note": note,
        "read_note": "; ".join(cell_notes),
        "source_line": line,
    }
