"""``econsec data status``: every resource, where it came from, what it covers, whether it is intact."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.data.package import econsec_properties, recorded_sha256, sha256_file

OK, CHANGED, MISSING = "ok", "CHANGED", "MISSING"
_YEAR_COLUMN = re.compile(r"(?:^|_|\s)(\d{4})$")


@dataclass(frozen=True)
class ResourceStatus:
    name: str
    kind: str
    source: str  # DOI or URL of the first source
    coverage: str  # "MCS 2025: 2023–2024", "2019–2024", …
    sha256: str
    bytes: int
    state: str  # ok | CHANGED | MISSING


def _span(years: list[int]) -> str:
    years = sorted(set(years))
    if not years:
        return "—"
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _years_from_property(value: Any) -> list[int]:
    if isinstance(value, dict):
        return [int(y) for ys in value.values() for y in ys]
    if isinstance(value, list):
        return [int(y) for y in value]
    return []


def _header_years(path: Path) -> list[int]:
    try:
        header = pd.read_csv(path, nrows=0, dtype=str, encoding="utf-8-sig").columns
    except Exception:  # noqa: BLE001 — coverage is informative only
        return []
    return [int(m[1]) for c in header if (m := _YEAR_COLUMN.search(str(c).strip())) and 1900 < int(m[1]) < 2100]


def _table_years(entry: dict[str, Any], path: Path) -> list[int]:
    """Years in a Comtrade extract (read with its loader) or a WGI pull; [] if not a known table."""
    from analysis.data.comtrade import EXTRACT_KIND, READERS

    props = econsec_properties(entry)
    try:
        if props.get("kind") == EXTRACT_KIND and props.get("reader") in READERS:
            return [int(y) for y in READERS[props["reader"]](path, entry["name"])["year"].unique()]
        if entry.get("format") == "csv" and entry.get("type") == "table":
            header = pd.read_csv(path, nrows=0, dtype=str, encoding="utf-8-sig").columns
            column = next((c for c in header if c.lower() in ("period", "period_dt", "year", "refyear", "date")), None)
            if column is not None:
                values = pd.read_csv(path, usecols=[column], dtype=str, encoding="utf-8-sig")[column]
                return sorted({int(v[:4]) for v in values.dropna() if v[:4].isdigit()})
    except Exception:  # noqa: BLE001 — coverage is informative only
        return []
    return []


def coverage(entry: dict[str, Any], path: Path) -> str:
    """Edition and years a resource covers, from its ``econsec`` property or its file."""
    props = econsec_properties(entry)
    edition = props.get("edition")
    years = _years_from_property(props.get("years"))
    if not years and path.exists():
        if str(props.get("kind", "")).startswith("usgs-mcs") or entry["name"].startswith("wgi"):
            years = _header_years(path)
        else:
            years = _table_years(entry, path)
    span = _span(years)
    if edition is not None:
        return f"MCS {edition}: {span}" if str(props.get("kind", "")).startswith("usgs-mcs") else f"{edition}: {span}"
    if props.get("retrieved"):
        return f"{span} (pulled {props['retrieved'][:10]})"
    return span


def resource_status(package_path: Path) -> list[ResourceStatus]:
    """One :class:`ResourceStatus` per resource, in package order."""
    package = json.loads(package_path.read_text(encoding="utf-8"))
    rows = []
    for entry in package["resources"]:
        path = (package_path.parent / entry["path"]).resolve()
        expected = recorded_sha256(entry)
        if not path.exists():
            state = MISSING
        else:
            state = OK if sha256_file(path) == expected else CHANGED
        sources = entry.get("sources") or [{}]
        rows.append(
            ResourceStatus(
                name=entry["name"],
                kind=str(econsec_properties(entry).get("kind", "—")),
                source=str(sources[0].get("path", "—")),
                coverage=coverage(entry, path) if state == OK else "—",
                sha256=expected,
                bytes=int(entry.get("bytes", 0)),
                state=state,
            )
        )
    return rows


def untracked_files(package_path: Path) -> list[Path]:
    """Data files under ``data/raw`` that no resource names (provenance notes ``*.md`` excepted)."""
    package = json.loads(package_path.read_text(encoding="utf-8"))
    data_dir = package_path.parent
    known = {(data_dir / e["path"]).resolve() for e in package["resources"]}
    raw = data_dir / "raw"
    if not raw.is_dir():
        return []
    return sorted(p for p in raw.rglob("*") if p.is_file() and p.suffix.lower() != ".md" and p.resolve() not in known)


def human_bytes(size: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1000
    return f"{size} B"
