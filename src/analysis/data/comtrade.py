"""UN Comtrade extracts (Comtrade Plus API v1 schema): annual trade by reporter, partner, product.

Tidy output, one row per reporter × partner × flow × HS code × year:

================  ===========================================================================
column            meaning
================  ===========================================================================
reporter_iso3     ISO alpha-3 of the reporting economy (S19 etc. for Comtrade "nes" areas)
reporter          display name
reporter_code     Comtrade numeric reporter code (India = 699, not ISO 356)
partner_iso3      ISO alpha-3 of the partner; ``WLD`` for the World total (Comtrade W00)
partner           display name
partner_kind      country | world | area | historic
flow              ``import`` or ``export`` (as reported by the reporter)
hs_code           HS code as a string ("2504", "282520")
hs_description    Comtrade's product description
mineral           mineral of the HS code from :data:`analysis.data.minerals.HS_PRODUCTS` (or NA)
year              reference year
value_usd         primaryValue, current US dollars (CIF for imports, FOB for exports)
net_weight_kg     netWgt in kilograms; NaN where the reporter gave none
classification    HS edition as reported (H5 = HS2017, H6 = HS2022, …)
source            data-package resource the row comes from
source_line       line in the file (header = 1; for .xlsx the spreadsheet row)
================  ===========================================================================

The 2023 all-reporter file (``trade/critical-minerals-risk-index/trade_data.csv``) was saved by
its author with the header shifted one column to the right of the data: the data rows lack
the leading ``typeCode`` value, so each value sits under the name of the *next* column, and
one empty column precedes the author's ``Mineral`` tag. It is read positionally: data column
*i* takes header name *i + 1* for the 46 Comtrade columns, then the empty column, then
``Mineral``. The reader checks the shift is exactly that (freqCode "A" in the first column,
refMonth 52, the spare column empty) and refuses the file otherwise. The author also listed
some rows once per mineral tag (850760 five times): exact repeats are dropped, and repeats
whose values disagree raise.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.data.countries import comtrade_code_to_iso3, harmonise_codes
from analysis.data.frame_cache import read_cached
from analysis.data.minerals import mineral_of_hs
from analysis.data.package import check_resource, econsec_properties, read_datapackage, resources_of_kind
from analysis.data.validation import read_csv_text, require_columns, to_number, validate
from analysis.errors import DataFileError

QUAD_WORLD_RESOURCE = "comtrade-quad-imports-world"
QUAD_CHINA_RESOURCE = "comtrade-quad-imports-china"
ALL_REPORTERS_2023_RESOURCE = "comtrade-2023-all-reporters"
NICKEL_RESOURCE = "comtrade-nickel-by-partner"

TRADE_COLUMNS = [
    "reporter_iso3",
    "reporter",
    "reporter_code",
    "partner_iso3",
    "partner",
    "partner_kind",
    "flow",
    "hs_code",
    "hs_description",
    "mineral",
    "year",
    "value_usd",
    "net_weight_kg",
    "classification",
    "source",
    "source_line",
]

TRADE_SCHEMA = pa.DataFrameSchema(
    {
        "reporter_iso3": pa.Column(str),
        "partner_iso3": pa.Column(str),
        "flow": pa.Column(str, pa.Check.isin(["import", "export"])),
        "hs_code": pa.Column(str, pa.Check.str_matches(r"^\d{4,6}$")),
        "year": pa.Column(int, pa.Check.in_range(1988, 2100)),
        "value_usd": pa.Column(float, pa.Check.ge(0), nullable=True),
        "net_weight_kg": pa.Column(float, pa.Check.ge(0), nullable=True),
        "source_line": pa.Column(int, pa.Check.ge(2)),
    },
    strict=False,
)

#: The Comtrade v1 columns the loaders need.
REQUIRED = [
    "refYear",
    "reporterCode",
    "reporterISO",
    "flowCode",
    "partnerCode",
    "partnerISO",
    "cmdCode",
    "cmdDesc",
    "netWgt",
    "primaryValue",
    "classificationCode",
]

FLOWS = {"M": "import", "X": "export"}


def tidy_comtrade(raw: pd.DataFrame, path: Path, source: str, *, first_row: int = 2) -> pd.DataFrame:
    """Tidy trade frame from Comtrade v1 columns (strings or numbers), validated.

    ``first_row`` is the file line of ``raw``'s first row. Reporter codes are checked against
    the ISO column through the override table (so a file calling India 356 or 699 both work,
    and a code that contradicts its ISO field raises).
    """
    require_columns(raw, REQUIRED, path)
    raw = raw.reset_index(drop=True)
    lines = pd.Series(np.arange(len(raw)) + first_row)
    flow = raw["flowCode"].astype(str).str.strip().map(FLOWS)
    if flow.isna().any():
        position = int(flow.isna().to_numpy().argmax())
        raise DataFileError(
            path, "flowCode must be M or X", row=int(lines[position]), column="flowCode", value=raw["flowCode"][position]
        )
    reporter = harmonise_codes(raw["reporterISO"].astype(str).str.strip(), path=path, column="reporterISO", first_row=first_row)
    partner = harmonise_codes(raw["partnerISO"].astype(str).str.strip(), path=path, column="partnerISO", first_row=first_row)
    reporter_code = to_number(_text(raw["reporterCode"]), path, "reporterCode", first_row=first_row).astype(int)
    _check_codes(reporter_code, reporter["iso3"], lines, path)
    hs_code = _text(raw["cmdCode"]).str.strip().str.replace(r"\.0$", "", regex=True)
    tidy = pd.DataFrame(
        {
            "reporter_iso3": reporter["iso3"],
            "reporter": reporter["country"],
            "reporter_code": reporter_code,
            "partner_iso3": partner["iso3"],
            "partner": partner["country"],
            "partner_kind": partner["entity_kind"],
            "flow": flow,
            "hs_code": hs_code,
            "hs_description": raw["cmdDesc"].astype(str).str.strip(),
            "mineral": hs_code.map(mineral_of_hs).astype("string"),
            "year": to_number(_text(raw["refYear"]), path, "refYear", first_row=first_row).astype(int),
            "value_usd": to_number(_text(raw["primaryValue"]), path, "primaryValue", first_row=first_row),
            "net_weight_kg": to_number(_text(raw["netWgt"]), path, "netWgt", first_row=first_row),
            "classification": raw["classificationCode"].astype(str).str.strip(),
            "source": source,
            "source_line": lines,
        }
    )
    return validate(tidy[TRADE_COLUMNS], TRADE_SCHEMA, path)


def _text(series: pd.Series) -> pd.Series:
    """Cells as strings with empty cells as "" (Excel numbers and CSV text alike)."""
    return series.astype("string").fillna("")


def _check_codes(codes: pd.Series, iso3: pd.Series, lines: pd.Series, path: Path) -> None:
    for code in pd.unique(codes):
        try:
            expected, _kind = comtrade_code_to_iso3(int(code))
        except KeyError:
            continue  # no ISO numeric match and no override: the ISO column is authoritative
        mismatch = (codes == code) & (iso3 != expected)
        if mismatch.any():
            position = int(mismatch.to_numpy().argmax())
            raise DataFileError(
                path,
                f"reporterCode {code} means {expected} but reporterISO says {iso3[position]}",
                row=int(lines[position]),
                column="reporterISO",
                value=iso3[position],
            )


def read_comtrade_xlsx(path: str | Path, source: str) -> pd.DataFrame:
    """Tidy frame from a Comtrade v1 "get data" export saved as .xlsx (first sheet)."""
    path = Path(path)
    try:
        raw = pd.read_excel(path, sheet_name=0, dtype={"cmdCode": str})
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise DataFileError(path, f"not a readable .xlsx workbook: {exc}") from None
    return tidy_comtrade(raw, path, source)


def read_comtrade_csv(path: str | Path, source: str) -> pd.DataFrame:
    """Tidy frame from a Comtrade v1 CSV with a normal header (e.g. the nickel file)."""
    path = Path(path)
    raw = read_csv_text(path)
    if "refYear" not in raw.columns and "period" in raw.columns:
        raw = raw.rename(columns={"period": "refYear"})  # annual pulls name the year "period"
    if "classificationCode" not in raw.columns:
        raw["classificationCode"] = ""  # not in this extract; the API returns HS as reported
    return tidy_comtrade(raw, path, source)


def read_shifted_header_csv(path: str | Path, source: str) -> pd.DataFrame:
    """Tidy frame from the 2023 all-reporter file whose header is shifted one column (see module doc)."""
    path = Path(path)
    body = read_csv_text(path)
    header = body.columns.tolist()
    if len(header) != 48 or header[0] != "typeCode" or header[-1] != "Mineral" or body.shape[1] != 48:
        raise DataFileError(
            path,
            "expected the 48-column shifted layout (typeCode … isAggregate, Mineral) described in trade/PROVENANCE.md",
            row=1,
        )
    # The author renamed reporterCode/reporterISO; restore the Comtrade names.
    renamed = {"CountryCode": "reporterCode", "Country": "reporterISO"}
    names = [renamed.get(n, n) for n in header[1:47]] + ["_spare", "Mineral"]
    body.columns = names
    checks = [("freqCode", body["freqCode"] == "A"), ("refMonth", body["refMonth"] == "52"), ("_spare", body["_spare"] == "")]
    for column, ok in checks:
        if not ok.all():
            position = int((~ok).to_numpy().argmax())
            raise DataFileError(
                path,
                "the header shift is not the documented one (data column 0 = freqCode 'A', refMonth 52, spare column empty)",
                row=position + 2,
                column=column,
                value=body[column].iloc[position],
            )
    body["source_line"] = np.arange(len(body)) + 2
    comtrade_columns = names[:46]
    duplicated = body.duplicated(subset=comtrade_columns, keep="first")
    key = ["reporterCode", "flowCode", "partnerCode", "cmdCode", "refYear"]
    unique = body[~duplicated]
    clash = unique.duplicated(subset=key, keep=False)
    if clash.any():
        position = int(clash.to_numpy().argmax())
        raise DataFileError(
            path,
            "the same reporter, flow, partner, product and year appears with different values",
            row=int(unique["source_line"].iloc[position]),
            column="cmdCode",
            value=unique["cmdCode"].iloc[position],
        )
    lines = unique["source_line"].to_numpy()
    tidy = tidy_comtrade(unique.drop(columns=["source_line"]), path, source)
    tidy["source_line"] = lines
    return tidy


def load_quad_imports(package_path: str | Path | None = None) -> pd.DataFrame:
    """India, Japan, Australia, USA imports of HS 2504, 2822, 282520 from World and China, 2019–2024."""
    world = read_cached(read_comtrade_xlsx, check_resource(QUAD_WORLD_RESOURCE, package_path), QUAD_WORLD_RESOURCE)
    china = read_cached(read_comtrade_xlsx, check_resource(QUAD_CHINA_RESOURCE, package_path), QUAD_CHINA_RESOURCE)
    return pd.concat([world, china], ignore_index=True)


def load_all_reporters_2023(package_path: str | Path | None = None) -> pd.DataFrame:
    """All reporters' 2023 imports and exports (partner World) of ~42 critical-mineral HS codes."""
    return read_cached(read_shifted_header_csv, check_resource(ALL_REPORTERS_2023_RESOURCE, package_path), ALL_REPORTERS_2023_RESOURCE)


def load_nickel_by_partner(package_path: str | Path | None = None) -> pd.DataFrame:
    """Nickel ores (260400, 2000–2024) and mattes (750110, 2000–2014) by partner, all reporters."""
    return read_cached(read_comtrade_csv, check_resource(NICKEL_RESOURCE, package_path), NICKEL_RESOURCE)


#: ``econsec.kind`` of annual Comtrade extracts shipped with the package; ``econsec.reader``
#: says how each file is read.
EXTRACT_KIND = "comtrade-extract"
#: ``econsec.kind`` of responses stored by ``econsec data pull-comtrade`` (the client's
#: DataFrame written as CSV: Comtrade v1 columns, read like the nickel extract).
PULL_KIND = "comtrade-pull"
READERS = {"xlsx": read_comtrade_xlsx, "shifted-header-csv": read_shifted_header_csv, "csv": read_comtrade_csv}
_SHIPPED_READERS = {
    QUAD_WORLD_RESOURCE: "xlsx",
    QUAD_CHINA_RESOURCE: "xlsx",
    ALL_REPORTERS_2023_RESOURCE: "shifted-header-csv",
    NICKEL_RESOURCE: "csv",
}


def trade_resources(package_path: str | Path | None = None) -> list[dict]:
    """Entries of every annual Comtrade table: shipped extracts (package order), then pulls (oldest first).

    A package written before resources carried ``econsec.kind`` falls back to the shipped names.
    """
    extracts = resources_of_kind(EXTRACT_KIND, package_path)
    if not extracts:
        package = read_datapackage(package_path)
        extracts = [
            {**e, "econsec": {"kind": EXTRACT_KIND, "reader": _SHIPPED_READERS[e["name"]]}}
            for e in package["resources"]
            if e["name"] in _SHIPPED_READERS
        ]
    pulls = sorted(resources_of_kind(PULL_KIND, package_path), key=lambda e: econsec_properties(e).get("retrieved", ""))
    return extracts + pulls


def read_trade_resource(entry: dict, package_path: str | Path | None = None) -> pd.DataFrame:
    """Tidy frame of one Comtrade resource entry (hash-checked), by its ``econsec.reader``."""
    props = econsec_properties(entry)
    reader = "csv" if props.get("kind") == PULL_KIND else props.get("reader", "csv")
    if reader not in READERS:
        raise DataFileError(
            package_path or "datapackage.json",
            f"resource {entry['name']!r} has econsec.reader {reader!r}; valid: {', '.join(READERS)}",
        )
    return read_cached(READERS[reader], check_resource(entry["name"], package_path), entry["name"])


def load_comtrade_pulls(package_path: str | Path | None = None) -> pd.DataFrame:
    """Every response stored by ``econsec data pull-comtrade`` (oldest pull first), tidy."""
    entries = sorted(resources_of_kind(PULL_KIND, package_path), key=lambda e: econsec_properties(e).get("retrieved", ""))
    frames = [read_trade_resource(e, package_path) for e in entries]
    return pd.concat(frames, ignore_index=True) if frames else tidy_comtrade(pd.DataFrame(columns=REQUIRED), Path("-"), "")


def load_trade(package_path: str | Path | None = None) -> pd.DataFrame:
    """Every annual Comtrade table in the data package, stacked (column ``source`` tells them apart).

    The shipped extracts come first, then every pull made with ``econsec data pull-comtrade``
    in retrieval order. The extracts overlap (the 2023 World rows of India and Japan appear in
    two files, equal to the dollar), and a pull repeats what it re-downloads: the one rule that
    keeps one row per reporter × partner × flow × product × year is
    :func:`analysis.indicators.trade.dedupe_trade` (a newer pull wins over the shipped extracts).
    """
    frames = [read_trade_resource(e, package_path) for e in trade_resources(package_path)]
    if not frames:
        raise DataFileError(package_path or "datapackage.json", "no Comtrade table in the data package; add one with `econsec data pull-comtrade`")
    return pd.concat(frames, ignore_index=True)
