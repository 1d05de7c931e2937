"""Helpers for the indicator tests: raw-file readers that do not go through the loaders (so
expectations are computed independently of the code under test) and builders of small
SYNTHETIC frames whose values are chosen for hand computation."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
MCS2025 = RAW / "usgs-mcs-2025" / "MCS2025_World_Data.csv"
TRADE_2023 = RAW / "trade" / "critical-minerals-risk-index" / "trade_data.csv"
STABILITY = RAW / "trade" / "critical-minerals-risk-index" / "stability_data.csv"
NICKEL = RAW / "trade" / "critical-minerals-replication" / "UN_nickel_trade.csv"
QUAD_WORLD = RAW / "trade" / "quad-critical-minerals-supply-chain" / "p3 minerals quad world.xlsx"
QUAD_CHINA = RAW / "trade" / "quad-critical-minerals-supply-chain" / "p3 minerals quad china.xlsx"
CHINA_GROUPS = RAW / "trade" / "ChinaCriticalMineralComtrade" / "country_monthly_stats.csv"
FRAMEWORKS = RAW / "partnership" / "frameworks.csv"
LISTS = RAW / "partnership" / "critical_mineral_lists.csv"


# ------------------------------------------------------------------ raw readers (no loaders)


def mcs_value(commodity: str, country: str, column: str, type_contains: str = "") -> str:
    """Raw cell of MCS2025_World_Data.csv (COMMODITY and COUNTRY compared after stripping)."""
    with MCS2025.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["COMMODITY"].strip() == commodity and row["COUNTRY"].strip() == country and type_contains in row["TYPE"]:
                return row[column]
    raise AssertionError(f"test setup: {commodity}/{country} not in {MCS2025.name}")


def mcs_rows(commodity: str, column: str) -> list[tuple[str, str]]:
    """(COUNTRY, cell) for every row of one commodity in MCS2025_World_Data.csv."""
    with MCS2025.open(encoding="utf-8-sig", newline="") as handle:
        return [(r["COUNTRY"].strip(), r[column]) for r in csv.DictReader(handle) if r["COMMODITY"].strip() == commodity]


def stability_rank(iso3: str) -> float:
    """Raw 2023 political-stability percentile rank (comma decimal) of one economy."""
    with STABILITY.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Country Code"].strip() == iso3:
                return float(row["2023"].replace(",", "."))
    raise AssertionError(f"test setup: {iso3} not in {STABILITY.name}")


def trade_2023_rows() -> list[dict[str, str]]:
    """Rows of the shifted-header 2023 file read positionally (data column i = header i + 1),
    exact repeats dropped (the author listed some rows once per mineral tag)."""
    seen, rows = set(), []
    with TRADE_2023.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for cells in reader:
            key = tuple(cells[:46])
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                {"reporter": cells[6], "flow": cells[8], "partner": cells[11], "hs": cells[19], "value": cells[42], "weight": cells[36]}
            )
    return rows


def quad_rows(path: Path) -> list[dict[str, object]]:
    """Rows of a Quad .xlsx extract read with openpyxl (reporterISO, cmdCode, refYear, primaryValue)."""
    import openpyxl

    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h) for h in next(rows)]
    return [dict(zip(header, r)) for r in rows if any(v is not None for v in r)]


def csv_dicts(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# ------------------------------------------------------------------ synthetic builders


def synthetic_usgs(values: dict[str, float], *, world: float | str | None, other: float | None = None,
                   statuses: dict[str, str] | None = None, mineral: str = "Testium", measure: str = "mine_production",
                   year: int = 2024) -> pd.DataFrame:
    """A SYNTHETIC frame in the tidy USGS layout: one series with the given country values (t).

    ``world``: a number (reported), ``">N"`` (lower bound) or None (no world row).
    ``statuses``: country → value_status for countries whose value is not a number.
    """
    rows = []
    for iso3, value in values.items():
        rows.append((iso3, "country", iso3, value, "reported"))
    for iso3, status in (statuses or {}).items():
        rows.append((iso3, "country", iso3, float("nan"), status))
    if other is not None:
        rows.append(("OTH", "other", "Other countries", other, "reported"))
    if isinstance(world, str):
        rows.append(("WLD", "world", "World", float(world.lstrip(">")), "lower_bound"))
    elif world is not None:
        rows.append(("WLD", "world", "World", world, "reported"))
    frame = pd.DataFrame(rows, columns=["iso3", "entity_kind", "country", "value_t", "value_status"])
    frame["commodity"] = mineral
    frame["type"] = "Mine production, synthetic"
    frame["measure"] = measure
    frame["year"] = year
    frame["unit"] = "metric tons"
    frame["value"] = frame["value_t"]
    frame["note"] = ""
    frame["qualifier"] = ""
    return frame


def synthetic_trade(rows: list[tuple]) -> pd.DataFrame:
    """A SYNTHETIC tidy trade frame from (reporter, partner, flow, hs_code, year, value_usd, kg[, source])."""
    columns = ["reporter_iso3", "partner_iso3", "flow", "hs_code", "year", "value_usd", "net_weight_kg", "source"]
    padded = [tuple(r) + ("synthetic",) * (8 - len(r)) for r in rows]
    frame = pd.DataFrame(padded, columns=columns)
    frame["reporter"] = frame["reporter_iso3"]
    frame["partner"] = frame["partner_iso3"]
    frame["partner_kind"] = ["world" if p == "WLD" else "country" for p in frame["partner_iso3"]]
    frame["value_usd"] = frame["value_usd"].astype(float)
    frame["net_weight_kg"] = frame["net_weight_kg"].astype(float)
    return frame
