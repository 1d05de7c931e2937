"""``econsec data import-mcs``: add a USGS Mineral Commodity Summaries world table to the package.

Accepted layouts (detected from the header, years read from it — nothing is hard-coded):

* ``usgs-mcs-world`` — the all-commodity world table of the data release
  (``MCS2025_World_Data.csv``: SOURCE, COMMODITY, COUNTRY, TYPE, UNIT_MEAS, PROD_2023,
  ``PROD_EST_ 2024``, CAP_…, RESERVES_2024, notes);
* ``usgs-mcs-commodity-world`` — one commodity's world table (``mcs2024-raree_world.csv``:
  Source, Country, Type, Prod_t_est_2022, Prod_t_est_2023, Prod_notes, Reserves_t, …).

The file is validated by the loader's own reader (same pandera schema), copied unchanged to
``data/raw/usgs-mcs-<edition>/<file name>`` and recorded as resource
``usgs-mcs-<edition>-world`` (or ``usgs-mcs-<edition>-<commodity>``) with its DOI, size,
sha256 and ``econsec: {kind, edition, years, imported}``. :func:`analysis.data.usgs.load_usgs`
then combines it with the other editions (newest edition wins; revisions kept visible).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.data.package import read_datapackage, sha256_file
from analysis.data.refresh import RefreshError
from analysis.data.refresh.transaction import DataTransaction, iso_time, utc_now
from analysis.paths import slug
from analysis.data.usgs import MCS_COMMODITY_KIND, MCS_READERS, MCS_WORLD_KIND, load_usgs, mcs_layout

#: DOIs of the MCS data releases named in data/raw/usgs-mcs-2025/PROVENANCE.md; other editions
#: need ``--doi`` (printed on the edition's ScienceBase page).
KNOWN_DOIS: dict[int, str] = {
    2025: "10.5066/P13XCP3R",
    2024: "10.5066/P144BA54",
    2023: "10.5066/P9WCYUI6",
    2022: "10.5066/P9KKMCP4",
}
EXAMPLE_DOI = "10.5066/P13XCP3R (MCS 2025)"

PUBLISHER = "U.S. Geological Survey, National Minerals Information Center"
LICENCE = {
    "name": "US-Gov-PD",
    "title": "U.S. Government work, public domain in the U.S. (17 U.S.C. 105)",
    "path": "https://www.usgs.gov/information-policies-and-instructions/copyrights-and-credits",
}


@dataclass(frozen=True)
class ImportResult:
    """What ``import-mcs`` did."""

    resource: str
    path: Path  # the file in data/raw
    edition: int
    layout: str
    added: bool  # False when the same file was already in the package
    years: dict[str, list[int]]
    snapshot: Path | None = None

    def message(self) -> str:
        if not self.added:
            return f"{self.path.name} is already in the data package as {self.resource!r}; nothing to do"
        years = "; ".join(f"{m.replace('_', ' ')} {', '.join(map(str, y))}" for m, y in self.years.items())
        return (
            f"added {self.resource} (MCS {self.edition}, {self.layout}) → data/{self.path.relative_to(self.path.parents[2])}\n"
            f"  years: {years}\n"
            f"  previous package kept as data/history/{self.snapshot.name if self.snapshot else '?'}; "
            "`econsec data diff` lists what changed"
        )


def _doi_url(doi: str) -> str:
    doi = doi.strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "doi:"):
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix) :]
    if not doi.startswith("10."):
        raise RefreshError(f"--doi {doi!r} is not a DOI (expected 10.xxxx/…, e.g. {EXAMPLE_DOI})")
    return f"https://doi.org/{doi}"


def _years(frame: pd.DataFrame) -> dict[str, list[int]]:
    informative = frame[frame["value_status"] != "no_data"]
    return {
        measure: sorted(int(y) for y in informative.loc[informative["measure"] == measure, "year"].unique())
        for measure in sorted(informative["measure"].unique())
    }


def _schema(path: Path) -> dict[str, Any]:
    header = pd.read_csv(path, nrows=0, dtype=str, encoding="utf-8-sig").columns
    fields = []
    for position, name in enumerate(header, start=1):
        blank = name.startswith("Unnamed:") or not name.strip()
        fields.append({"name": f"field{position}" if blank else name, "type": "any" if blank else "string"})
    return {"fields": fields}


def import_mcs(
    path: str | Path,
    doi: str | None = None,
    *,
    data_dir: Path | None = None,
    clock=utc_now,
) -> ImportResult:
    """Validate ``path`` and add it to the data package atomically (see module doc)."""
    source = Path(path).expanduser()
    if not source.is_file():
        raise RefreshError(f"{source}: no such file")
    layout = mcs_layout(source)  # DataFileError names the file and the expected columns
    frame = MCS_READERS[layout](source)  # the loader's reader and schema: DataFileError on bad cells
    editions = sorted(int(e) for e in frame["edition"].unique())
    if len(editions) != 1:
        raise RefreshError(f"{source}: rows from several editions ({', '.join(map(str, editions))}); import one edition per file")
    edition = editions[0]
    digest = sha256_file(source)

    with DataTransaction("import-mcs", data_dir, clock=clock) as tx:
        for entry in tx.package["resources"]:
            if entry.get("hash") == f"sha256:{digest}":
                existing = tx.data_dir / entry["path"]
                return ImportResult(entry["name"], existing, edition, layout, False, _years(frame))
        if layout == MCS_WORLD_KIND:
            name = f"usgs-mcs-{edition}-world"
            what = "world mine and refinery production, capacity and reserves by country"
        else:
            commodities = sorted(frame["commodity"].unique())
            name = f"usgs-mcs-{edition}-{slug('-'.join(commodities))}"
            what = f"{', '.join(commodities).lower()} world production and reserves by country"
        if name in tx.resource_names:
            raise RefreshError(
                f"{source}: the package already has resource {name!r} with a different file "
                f"(data/{next(e['path'] for e in tx.package['resources'] if e['name'] == name)}); raw files are immutable — "
                "if USGS re-issued the edition, record the new version under a new edition folder by hand and say why"
            )
        if doi is None and edition not in KNOWN_DOIS:
            raise RefreshError(
                f"{source}: no DOI on record for MCS {edition}; pass --doi (the data release's DOI, e.g. {EXAMPLE_DOI})"
            )
        url = _doi_url(doi or KNOWN_DOIS[edition])
        rel = f"raw/usgs-mcs-{edition}/{source.name}"
        years = _years(frame)
        now = iso_time(tx.time)
        encoding = "utf-8-sig" if source.read_bytes()[:3] == b"\xef\xbb\xbf" else "utf-8"
        year_text = "; ".join(f"{m.replace('_', ' ')} {min(y)}–{max(y)}" if len(y) > 1 else f"{m.replace('_', ' ')} {y[0]}" for m, y in years.items() if y)
        entry = {
            "name": name,
            "path": rel,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": encoding,
            "title": f"USGS MCS {edition}: {what}",
            "description": f"Imported with `econsec data import-mcs` from {source.name}. Years: {year_text}.",
            "sources": [
                {
                    "title": f"U.S. Geological Survey, {edition}, Mineral Commodity Summaries {edition} Data Release",
                    "publisher": PUBLISHER,
                    "path": url,
                    "retrieved": f"imported {now} from {source.name} (copied byte for byte)",
                }
            ],
            "licenses": [dict(LICENCE)],
            "schema": _schema(source),
            "bytes": source.stat().st_size,
            "hash": f"sha256:{digest}",
            "type": "table",
            "econsec": {
                "kind": layout,
                "edition": edition,
                "years": years,
                "imported": now,
                "original_name": source.name,
            },
        }
        tx.action = f"import-mcs-{name}"
        tx.add_file(rel, source=source)
        tx.add_resource(entry)
        view = tx.view()
        load_usgs(view)  # the editions must still combine (hash checks, edition consistency)
        snapshot = tx.commit()
        return ImportResult(name, tx.data_dir / rel, edition, layout, True, years, snapshot)


def mcs_editions(package_path: Path | None = None) -> list[tuple[str, int, str]]:
    """(resource, edition, kind) of every MCS table in the package, oldest edition first."""
    package = read_datapackage(package_path)
    rows = [
        (e["name"], int(e["econsec"].get("edition", 0)), e["econsec"]["kind"])
        for e in package["resources"]
        if isinstance(e.get("econsec"), dict) and e["econsec"].get("kind") in (MCS_WORLD_KIND, MCS_COMMODITY_KIND)
    ]
    return sorted(rows, key=lambda r: r[1])

