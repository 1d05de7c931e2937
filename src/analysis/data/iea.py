"""IEA Critical Minerals Data Explorer (May 2024): mining and refining supply by country.

The workbook accompanies the IEA *Global Critical Minerals Outlook 2024* (CC BY 4.0; cite
"IEA (2024), Critical Minerals Data Explorer, IEA, Paris"). The package holds a copy that a
third party opened and re-saved in Excel (see ``raw/iea-critical-minerals/PROVENANCE.md``).

Sheet ``2 Total supply for key minerals`` is laid out for display: a years row
(``2023 2030 2035 2040 | 2023 2030 2035 2040``) heads two side-by-side groups of columns; each
group is a column of labels followed by the year columns. Below it, blocks separated by blank
rows start with a header cell ``"<Mineral> - <Stage>"`` (``Copper - Mining``, ``Lithium -
Chemicals``, ``Graphite - Battery grade``, ``Magnet rare earth elements - Refining``), list the
top countries, then ``Rest of world``, a total (``Total``; the cobalt refining total is
labelled ``Total clean technologies``) and ``Top 3 share`` (dropped: recomputed downstream).
The reader finds the years row and the blocks by their text, never by row number, and checks
that countries + Rest of world add up to the total (:data:`TOTAL_TOLERANCE`).

Tidy output of :func:`read_iea_supply` / :func:`load_iea_supply`, one row per mineral × stage ×
entity × year:

=============  ==============================================================================
column         meaning
=============  ==============================================================================
mineral        package mineral name ("Lithium", "Rare earths", … as in :mod:`.minerals`)
product        what is measured ("lithium chemicals (Li content)", "battery-grade graphite")
stage          ``mining`` | ``refining`` (lithium chemicals and battery-grade graphite are
               the IEA's refining stage)
stage_label    the IEA's own stage word ("Mining (natural)", "Chemicals", "Battery grade")
iso3           ISO alpha-3; ``ROW`` for Rest of world, ``WLD`` for the total
country        display name ("DR Congo", "Rest of world", "World")
entity_kind    ``country`` | ``rest_of_world`` | ``world``
year           2023 (observed base year) or 2030/2035/2040 (projections)
value_t        tonnes (the sheet gives kt; ×1000)
basis          ``observed`` for the first (base) year of the years row, ``projection`` for the
               later years (IEA base case: operating and announced projects weighted by
               their probability of coming online)
source         data-package resource name
sheet, cell    where the number is in the workbook ("2 Total supply for key minerals", "H18")
source_line    spreadsheet row of the number
=============  ==============================================================================

A country not listed in a block (Japan in lithium chemicals) has an *unknown* output inside
Rest of world, never 0; listed zeros (Indonesia's 2023 cobalt refining) are zeros.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.data.countries import harmonise_names
from analysis.data.frame_cache import read_cached
from analysis.data.package import check_resource
from analysis.data.validation import validate
from analysis.errors import DataFileError

SUPPLY_RESOURCE = "iea-critical-minerals-2024"
SUPPLY_SHEET = "2 Total supply for key minerals"

#: How reports and charts cite this source, one line per use (the texts differ on purpose):
#: the stage charts and tables, with the "Source: " prefix and the copy's provenance;
IEA_SOURCE_CHART = "Source: IEA (2024), Critical Minerals Data Explorer (CC BY 4.0; third-party re-saved copy of the May 2024 workbook)"
#: the country report's stage section, which shows only the observed 2023 values;
IEA_SOURCE_OBSERVED = "IEA (2024), Critical Minerals Data Explorer, May 2024 workbook (CC BY 4.0), observed 2023 values"
#: the disruption scenario, where the year ("2023 observed") is appended after it.
IEA_SOURCE_SHORT = "IEA (2024), Critical Minerals Data Explorer (CC BY 4.0)"

#: Countries + Rest of world may differ from the printed total by this much (kt) or this
#: fraction of the total, whichever is larger: the sheet's numbers are floats with residuals.
TOTAL_TOLERANCE_KT = 0.05
TOTAL_TOLERANCE_REL = 1e-3

#: The IEA's mineral words → package mineral name and the product measured at each stage.
MINERALS: dict[str, tuple[str, dict[str, str]]] = {
    "copper": ("Copper", {"mining": "copper, mined (Cu content)", "refining": "refined copper"}),
    "cobalt": ("Cobalt", {"mining": "cobalt, mined (Co content)", "refining": "refined cobalt (Co content)"}),
    "lithium": ("Lithium", {"mining": "lithium, mined (Li content)", "refining": "lithium chemicals (Li content)"}),
    "nickel": ("Nickel", {"mining": "nickel, mined (Ni content)", "refining": "refined nickel (Ni content)"}),
    "graphite": ("Graphite", {"mining": "natural graphite, mined", "refining": "battery-grade graphite"}),
    "magnet rare earth elements": (
        "Rare earths",
        {"mining": "magnet rare earths (Nd, Pr, Dy, Tb), mined", "refining": "magnet rare earths (Nd, Pr, Dy, Tb), refined"},
    ),
}
#: The IEA's stage words (lower case, parenthesised remarks dropped) → stage.
STAGES: dict[str, str] = {"mining": "mining", "refining": "refining", "chemicals": "refining", "battery grade": "refining"}

UNITS_TO_TONNES = {"kt": 1e3, "t": 1.0, "mt": 1e6}

_HEADER = re.compile(r"^(?P<mineral>.+?)\s+[-–]\s+(?P<stage>.+)$")
_UNIT = re.compile(r"\((kt|t|Mt)\)\s*$", re.IGNORECASE)
_REST = {"rest of world", "rest of the world", "others", "other countries"}

SCHEMA = pa.DataFrameSchema(
    {
        "mineral": pa.Column(str, pa.Check.isin(sorted({m for m, _ in MINERALS.values()}))),
        "stage": pa.Column(str, pa.Check.isin(["mining", "refining"])),
        "iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
        "entity_kind": pa.Column(str, pa.Check.isin(["country", "rest_of_world", "world"])),
        "year": pa.Column(int, pa.Check.in_range(1990, 2100)),
        "value_t": pa.Column(float, pa.Check.ge(-1e-6)),  # Rest of world residuals may be -0.000…
        "basis": pa.Column(str, pa.Check.isin(["observed", "projection"])),
        "source_line": pa.Column(int, pa.Check.ge(1)),
    },
    strict=False,
)


def _cell(column: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def _is_year(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return float(value).is_integer() and 1990 <= value <= 2100


def _text(value: object) -> str:
    return str(value).strip() if value is not None else ""


def _number(value: object, path: Path, where: str, row: int, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise DataFileError(path, f"{where}: expected a number for {label!r}", row=row, value=value)
    return float(value)


def _sheet_rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — any failure to open is a bad file
        raise DataFileError(path, f"not a readable .xlsx workbook: {exc}") from None
    try:
        if sheet not in book.sheetnames:
            raise DataFileError(path, f"no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}")
        return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


def _unit_factor(rows: list[tuple[object, ...]], path: Path, sheet: str) -> float:
    """Tonnes per unit of the sheet, from its title ("… base case (kt)")."""
    for row in rows:
        for value in row:
            match = _UNIT.search(_text(value))
            if match:
                return UNITS_TO_TONNES[match[1].lower()]
    raise DataFileError(path, f"sheet {sheet!r}: no title cell states the unit, e.g. '(kt)'; refusing to guess")


def _year_groups(rows: list[tuple[object, ...]], path: Path, sheet: str) -> tuple[int, list[tuple[int, list[tuple[int, int]]]]]:
    """Row index of the years row and its groups: (label column, [(column, year), …]) (0-based)."""
    for r, row in enumerate(rows):
        years = [c for c, v in enumerate(row) if _is_year(v)]
        if len(years) < 2:
            continue
        groups: list[list[int]] = []
        for c in years:
            if groups and c == groups[-1][-1] + 1:
                groups[-1].append(c)
            else:
                groups.append([c])
        out = []
        for cols in groups:
            if cols[0] == 0:
                raise DataFileError(path, f"sheet {sheet!r}, cell {_cell(1, r + 1)}: the years row has no label column left of it", row=r + 1)
            values = [int(row[c]) for c in cols]
            if values != sorted(set(values)):
                raise DataFileError(
                    path, f"sheet {sheet!r}, row {r + 1}: years must increase within a group, found {values}", row=r + 1
                )
            out.append((cols[0] - 1, [(c, int(row[c])) for c in cols]))
        return r, out
    raise DataFileError(path, f"sheet {sheet!r}: no years row (a row with two or more year cells such as 2023, 2030) found")


def _tolerance(total: float) -> float:
    return max(TOTAL_TOLERANCE_KT, TOTAL_TOLERANCE_REL * abs(total))


def _reconcile(
    block: list[dict[str, object]],
    total: dict[int, tuple[float, str]],
    year_cols: list[tuple[int, int]],
    label: str,
    sheet: str,
    path: Path,
    total_row: int,
) -> list[dict[str, object]]:
    """Check countries + Rest of world = Total; return the block with an exclusive residual.

    In some blocks (nickel mining and refining, graphite mining and battery grade) the sheet's
    ``Rest of world`` is ``Total − the first five countries`` although a sixth country is listed:
    that country is counted twice. When the sum exceeds the total by exactly the last listed
    country(ies) in *every* year, those countries are taken out of Rest of world (the total is
    the IEA's denominator: its ``Top 3 share`` row divides by it) and the rows say so in
    ``note``. Any other mismatch raises naming the cell and the values.
    """
    countries = [b for b in block if b["kind"] == "country"]
    rest = next(b for b in block if b["kind"] == "rest_of_world")
    years = [year for _, year in year_cols]

    def parts(k: int, year: int) -> float:
        return sum(float(b["numbers"][year][0]) for b in countries[:k]) + float(rest["numbers"][year][0])  # type: ignore[index]

    for k in range(len(countries), 0, -1):
        if all(abs(parts(k, y) - total[y][0]) <= _tolerance(total[y][0]) for y in years):
            break
    else:
        k = len(countries)
    inside = countries[k:]
    if k == len(countries) or not all(abs(parts(k, y) - total[y][0]) <= _tolerance(total[y][0]) for y in years):
        for year in years:
            printed, cell = total[year]
            summed = parts(len(countries), year)
            if abs(summed - printed) > _tolerance(printed):
                raise DataFileError(
                    path,
                    f"sheet {sheet!r}, cell {cell}: {label} {year} total is {printed:g} but countries + Rest of world "
                    f"add up to {summed:g} (difference {summed - printed:+g}, tolerance {_tolerance(printed):g})",
                    row=total_row,
                )
        return block
    names = ", ".join(str(b["name"]) for b in inside)
    adjusted = {}
    for year in years:
        value, cell = rest["numbers"][year]  # type: ignore[index]
        exclusive = float(value) - sum(float(b["numbers"][year][0]) for b in inside)  # type: ignore[index]
        if exclusive < -_tolerance(total[year][0]):
            raise DataFileError(
                path,
                f"sheet {sheet!r}, cell {cell}: {label} {year} Rest of world {value:g} is smaller than {names} "
                "which it would have to include for the total to add up",
                row=int(rest["row"]),
            )
        adjusted[year] = (max(exclusive, 0.0), cell)
    note = f"the sheet's Rest of world includes {names} (listed separately); this residual excludes it"
    rest_fixed = {**rest, "numbers": adjusted, "note": note}
    return [rest_fixed if b is rest else b for b in block]


def read_iea_supply(path: str | Path, *, sheet: str = SUPPLY_SHEET, source: str = SUPPLY_RESOURCE) -> pd.DataFrame:
    """Tidy mining and refining supply by country from the IEA workbook (see module doc).

    Raises :class:`DataFileError` naming sheet, cell and values when the years row or a block's
    total is missing, an unknown mineral or stage header appears, a value is not a number, or
    countries + Rest of world do not add up to the total within the tolerance.
    """
    path = Path(path)
    rows = _sheet_rows(path, sheet)
    factor = _unit_factor(rows, path, sheet)
    years_row, groups = _year_groups(rows, path, sheet)
    records: list[dict[str, object]] = []
    for label_col, year_cols in groups:
        base_year = year_cols[0][1]
        r = years_row + 1
        while r < len(rows):
            label = _text(rows[r][label_col] if label_col < len(rows[r]) else None)
            match = _HEADER.match(label)
            if not match:
                r += 1
                continue
            header_row = r + 1
            header_cell = _cell(label_col + 1, header_row)
            mineral, products, stage = _block_subject(match, label, path, sheet, header_cell, r + 1)
            r, block, total, total_row = _block_rows(rows, r + 1, label_col, year_cols, label, path, sheet)
            if total is None:
                raise DataFileError(
                    path, f"sheet {sheet!r}: block {label!r} (cell {header_cell}) has no 'Total' row", row=header_row
                )
            if not any(b["kind"] == "rest_of_world" for b in block):
                raise DataFileError(path, f"sheet {sheet!r}: block {label!r} (cell {header_cell}) has no 'Rest of world' row", row=header_row)
            block = _reconcile(block, total, year_cols, label, sheet, path, total_row)
            for entry in [*block, {"name": "World", "kind": "world", "row": total_row, "numbers": total}]:
                for _, year in year_cols:
                    value, cell = entry["numbers"][year]  # type: ignore[index]
                    records.append(
                        {
                            "mineral": mineral,
                            "product": products[stage],
                            "stage": stage,
                            "stage_label": match["stage"].strip(),
                            "name": entry["name"],
                            "entity_kind": entry["kind"],
                            "year": year,
                            "value_t": value * factor,
                            "basis": "observed" if year == base_year else "projection",
                            "source": source,
                            "sheet": sheet,
                            "cell": cell,
                            "source_line": entry["row"],
                            "note": entry.get("note", ""),
                        }
                    )
    if not records:
        raise DataFileError(path, f"sheet {sheet!r}: no '<Mineral> - <Stage>' block headers found below the years row")
    return _tidy_supply(records, path, sheet)


def _block_subject(match: re.Match[str], label: str, path: Path, sheet: str, header_cell: str,
                   row: int) -> tuple[str, dict[str, str], str]:
    """(mineral, its products by stage, stage) of a ``<Mineral> - <Stage>`` block header; an
    unknown mineral or stage is a DataFileError."""
    mineral_word = match["mineral"].strip().lower()
    stage_word = re.sub(r"\s*\(.*\)\s*$", "", match["stage"]).strip().lower()
    if mineral_word not in MINERALS:
        raise DataFileError(
            path,
            f"sheet {sheet!r}, cell {header_cell}: unknown mineral in block header; known: {', '.join(MINERALS)}",
            row=row,
            value=label,
        )
    if stage_word not in STAGES:
        raise DataFileError(
            path,
            f"sheet {sheet!r}, cell {header_cell}: unknown stage in block header; known: {', '.join(STAGES)}",
            row=row,
            value=label,
        )
    mineral, products = MINERALS[mineral_word]
    return mineral, products, STAGES[stage_word]


def _block_rows(rows: list[tuple[object, ...]], r: int, label_col: int, year_cols: list[tuple[int, int]], label: str,
                path: Path, sheet: str) -> tuple[int, list[dict[str, object]], dict[int, tuple[float, str]] | None, int]:
    """The rows of one block from index ``r`` (the row after its header): (index where reading
    stopped, country and Rest-of-world entries, the Total row's numbers or None, its line)."""
    block: list[dict[str, object]] = []
    total: dict[int, tuple[float, str]] | None = None
    total_row = 0
    while r < len(rows):
        row = rows[r]
        name = _text(row[label_col] if label_col < len(row) else None)
        values = [row[c] if c < len(row) else None for c, _ in year_cols]
        if not name and all(v is None for v in values):
            if total is not None:
                break  # a blank row after the total ends the block
            r += 1  # blank rows inside a block pad it to its neighbour's height
            continue
        if not name:
            raise DataFileError(
                path, f"sheet {sheet!r}, row {r + 1}: numbers without a label in block {label!r}", row=r + 1,
                value=[v for v in values if v is not None][:4],
            )
        if _HEADER.match(name):
            break
        lower = name.lower()
        if lower.startswith("top ") and lower.endswith("share"):
            r += 1
            continue
        if lower.startswith("notes"):
            break
        kind = "world" if lower.startswith("total") else "rest_of_world" if lower in _REST else "country"
        numbers = {}
        for (c, year), value in zip(year_cols, values, strict=True):
            where = f"sheet {sheet!r}, cell {_cell(c + 1, r + 1)} ({label} / {name} / {year})"
            numbers[year] = (_number(value, path, where, r + 1, name), _cell(c + 1, r + 1))
        if kind == "world":
            total = numbers
            total_row = r + 1
        else:
            block.append({"name": name, "kind": kind, "row": r + 1, "numbers": numbers})
        r += 1
    return r, block, total, total_row


def _tidy_supply(records: list[dict[str, object]], path: Path, sheet: str) -> pd.DataFrame:
    """The tidy frame of the records: no mineral × stage × name × year twice, row labels
    harmonised to countries, Rest of world and World named, validated."""
    tidy = pd.DataFrame.from_records(records)
    duplicated = tidy.duplicated(["mineral", "stage", "name", "year"])
    if duplicated.any():
        first = tidy[duplicated].iloc[0]
        raise DataFileError(path, f"sheet {sheet!r}, cell {first['cell']}: {first['mineral']} {first['stage']} listed twice for {first['name']!r}")
    tidy["iso3"] = ""
    tidy["country"] = ""
    countries = tidy["entity_kind"] == "country"
    names = harmonise_names(tidy.loc[countries, "name"], path=path, column="label", rows=tidy.loc[countries, "source_line"])
    kinds = names["entity_kind"]
    if (kinds != "country").any():
        bad = tidy.loc[countries].loc[kinds != "country"].iloc[0]
        raise DataFileError(path, f"sheet {sheet!r}, cell {bad['cell']}: row label is not a country", row=int(bad["source_line"]), value=bad["name"])
    tidy.loc[countries, "iso3"] = names["iso3"]
    tidy.loc[countries, "country"] = names["country"]
    tidy.loc[tidy["entity_kind"] == "rest_of_world", ["iso3", "country"]] = ["ROW", "Rest of world"]
    tidy.loc[tidy["entity_kind"] == "world", ["iso3", "country"]] = ["WLD", "World"]
    tidy["year"] = tidy["year"].astype(int)
    tidy["source_line"] = tidy["source_line"].astype(int)
    columns = ["mineral", "product", "stage", "stage_label", "iso3", "country", "entity_kind", "year", "value_t",
               "basis", "note", "source", "sheet", "cell", "source_line"]  # fmt: skip
    return validate(tidy[columns].reset_index(drop=True), SCHEMA, path)


def load_iea_supply() -> pd.DataFrame:
    """The package's IEA workbook, read with :func:`read_iea_supply` after its sha256 check."""
    return read_cached(read_iea_supply, check_resource(SUPPLY_RESOURCE))
