"""``econsec data import-mcs``: add a USGS Mineral Commodity Summaries world table to the package.

Accepted layouts (detected from the header, years read from it — nothing is hard-coded):

* ``usgs-mcs-world`` — the all-commodity world table of the data release
  (``MCS2025_World_Data.csv``: SOURCE, COMMODITY, COUNTRY, TYPE, UNIT_MEAS, PROD_2023,
  ``PROD_EST_ 2024``, CAP_…, RESERVES_2024, notes);
* ``usgs-mcs-commodity-world`` — one commodity's world table of the MCS 2022–2024 releases
  (``mcs2024-lithi_world.csv``: Source, Country, Type, Prod_<unit>[_est]_<year>, notes,
  Reserves_<unit>, …; see :func:`analysis.data.usgs_commodity.read_mcs_commodity_world`).

``import-mcs DIR`` imports every world CSV of an edition folder (``mcs2024-*_world.csv``,
``MCS2025_World_Data.csv``; names matched case-insensitively) in ONE transaction: every file is
read and validated first, and the first bad one stops the import with its one-line error and
nothing written. A file whose bytes are already in the package (same sha256, whatever its name)
is skipped, so re-importing is a no-op and nothing is counted twice. Each file stays its own
resource (``usgs-mcs-2024-lithium``), so the sources section of a report cites exactly the
tables it read; ``econsec data status`` summarises them per edition.

The file is validated by the loader's own reader (same pandera schema), copied unchanged to
``data/raw/usgs-mcs-<edition>/<file name>`` and recorded as resource
``usgs-mcs-<edition>-world`` (or ``usgs-mcs-<edition>-<commodity>``) with its DOI, size,
sha256 and ``econsec: {kind, edition, years, imported}``. :func:`analysis.data.usgs.load_usgs`
then combines it with the other editions (newest edition wins; revisions kept visible).
"""

from __future__ import annotations

import re
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


def _layout_quirks(path: Path) -> list[str]:
    """Frictionless error types the raw file triggers by its layout, not its values.

    USGS's spreadsheet exports carry header cells with no name ("blank-label": the dozens of
    trailing empty columns) and all-empty rows after the table ("blank-row"). The reader ignores
    both (see :func:`analysis.data.usgs_commodity.read_mcs_commodity_world`); the list is recorded as
    ``econsec.layout_quirks`` so the package validates with exactly these checks skipped.
    """
    import csv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    quirks = []
    if rows and any(not cell.strip() for cell in rows[0]):
        quirks.append("blank-label")
    if any(not any(cell.strip() for cell in row) for row in rows[1:]):
        quirks.append("blank-row")
    return quirks


def _schema(path: Path) -> dict[str, Any]:
    header = pd.read_csv(path, nrows=0, dtype=str, encoding="utf-8-sig").columns
    fields = []
    for position, name in enumerate(header, start=1):
        blank = name.startswith("Unnamed:") or not name.strip()
        fields.append({"name": f"field{position}" if blank else name, "type": "any" if blank else "string"})
    return {"fields": fields}


@dataclass(frozen=True)
class _Checked:
    """One file read and validated by the loader's own reader, before anything is staged."""

    source: Path
    layout: str
    frame: pd.DataFrame
    edition: int
    digest: str


def _check_file(source: Path) -> _Checked:
    if not source.is_file():
        raise RefreshError(f"{source}: no such file")
    layout = mcs_layout(source)  # DataFileError names the file and what is missing
    frame = MCS_READERS[layout](source)  # the loader's reader and schema: DataFileError on bad cells
    editions = sorted(int(e) for e in frame["edition"].unique())
    if len(editions) != 1:
        raise RefreshError(f"{source}: rows from several editions ({', '.join(map(str, editions))}); import one edition per file")
    return _Checked(source, layout, frame, editions[0], sha256_file(source))


def _existing(tx: DataTransaction, checked: _Checked) -> dict | None:
    """The package entry that already holds this exact file (same sha256), if any."""
    return next((e for e in tx.package["resources"] if e.get("hash") == f"sha256:{checked.digest}"), None)


def _stage(tx: DataTransaction, checked: _Checked, doi: str | None, taken: set[str]) -> tuple[str, str, dict[str, list[int]]]:
    """Stage one checked file and its resource entry in ``tx``; returns (name, data-relative path, years)."""
    source, frame, edition, layout = checked.source, checked.frame, checked.edition, checked.layout
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
    if name in taken:
        raise RefreshError(f"{source}: a second file for resource {name!r} in the same import; import one file per commodity")
    taken.add(name)
    if doi is None and edition not in KNOWN_DOIS:
        raise RefreshError(f"{source}: no DOI on record for MCS {edition}; pass --doi (the data release's DOI, e.g. {EXAMPLE_DOI})")
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
        "hash": f"sha256:{checked.digest}",
        "type": "table",
        "econsec": {
            "kind": layout,
            "edition": edition,
            "years": years,
            "imported": now,
            "original_name": source.name,
        },
    }
    quirks = _layout_quirks(source)
    if quirks:  # the file is kept byte for byte; frictionless validation skips exactly these checks
        entry["econsec"]["layout_quirks"] = quirks
    tx.add_file(rel, source=source)
    tx.add_resource(entry)
    return name, rel, years


def import_mcs(
    path: str | Path,
    doi: str | None = None,
    *,
    data_dir: Path | None = None,
    clock=utc_now,
) -> ImportResult:
    """Validate ``path`` and add it to the data package atomically (see module doc)."""
    checked = _check_file(Path(path).expanduser())
    with DataTransaction("import-mcs", data_dir, clock=clock) as tx:
        existing = _existing(tx, checked)
        if existing is not None:
            return ImportResult(existing["name"], tx.data_dir / existing["path"], checked.edition, checked.layout, False,
                                _years(checked.frame))
        name, rel, years = _stage(tx, checked, doi, set())
        tx.action = f"import-mcs-{name}"
        load_usgs(tx.view())  # the editions must still combine (hash checks, edition consistency)
        snapshot = tx.commit()
        return ImportResult(name, tx.data_dir / rel, checked.edition, checked.layout, True, years, snapshot)


#: File names an edition folder's world tables have (matched case-insensitively):
#: ``mcs2024-lithi_world.csv``, ``MCS2024-bismu_world.csv``, ``MCS2025_World_Data.csv``.
WORLD_FILE = re.compile(r"^mcs\d{4}[-_].*world.*\.csv$", re.IGNORECASE)


@dataclass(frozen=True)
class FolderImportResult:
    """What ``import-mcs DIR`` did: every world CSV of the folder, in one step."""

    folder: Path
    added: list[str]  # resource names
    already: list[tuple[str, str]]  # (file name, resource already holding the same bytes)
    ignored: list[str]  # files of the folder that are not world CSVs
    editions: list[int]
    commodities: list[str]
    years: list[int]
    rows: int  # tidy rows read from the added files
    snapshot: Path | None

    def message(self) -> str:
        lines = []
        if self.added:
            lines.append(
                f"added {len(self.added)} file(s) from {self.folder} (MCS {', '.join(map(str, self.editions))}) in one step: "
                f"{len(self.commodities)} commodities, years {min(self.years)}–{max(self.years)}, {self.rows:,} rows"
            )
            lines.append(f"  previous package kept as data/history/{self.snapshot.name if self.snapshot else '?'}; "
                         "`econsec data diff` lists what changed")
        else:
            lines.append(f"{self.folder}: all {len(self.already)} world CSVs are already in the data package; nothing to do")
        if self.added:  # a no-op lists nothing; a partly new folder says which files were there already
            for file_name, resource in self.already:
                lines.append(f"  already in the package: {file_name} (same sha256 as resource {resource!r}); not added again")
        if self.ignored:
            lines.append(f"  not world tables, ignored: {', '.join(self.ignored)}")
        return "\n".join(lines)


def import_mcs_folder(
    folder: str | Path,
    doi: str | None = None,
    *,
    data_dir: Path | None = None,
    clock=utc_now,
) -> FolderImportResult:
    """Import every world CSV of an edition folder in ONE transaction: all files or none.

    Every file is read and validated first (the first bad one raises its one-line error and
    nothing is staged); files whose bytes are already in the package (same sha256, whatever the
    name — e.g. ``mcs2024-raree_world-1.csv`` vs ``mcs2024-raree_world.csv``) are skipped, so
    nothing is counted twice and re-importing a folder is a no-op.
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise RefreshError(f"{folder}: no such folder")
    files = sorted(p for p in folder.iterdir() if p.is_file() and WORLD_FILE.match(p.name))
    ignored = sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv" and not WORLD_FILE.match(p.name))
    if not files:
        raise RefreshError(f"{folder}: no MCS world CSV (names like mcs2024-lithi_world.csv or MCS2025_World_Data.csv)")
    checked = [_check_file(p) for p in files]
    digests: dict[str, Path] = {}
    for item in checked:
        if item.digest in digests:
            raise RefreshError(f"{item.source}: same bytes as {digests[item.digest].name}; remove one copy")
        digests[item.digest] = item.source
    with DataTransaction("import-mcs", data_dir, clock=clock) as tx:
        added, already, frames, taken = [], [], [], set()
        for item in checked:
            existing = _existing(tx, item)
            if existing is not None:
                already.append((item.source.name, existing["name"]))
                continue
            name, _, _ = _stage(tx, item, doi, taken)
            added.append(name)
            frames.append(item.frame)
        editions = sorted({item.edition for item in checked})
        if not added:
            return FolderImportResult(folder, [], already, ignored, editions, [], [], 0, None)
        tx.action = f"import-mcs-{slug(folder.name)}-{len(added)}-files"
        load_usgs(tx.view())  # the editions must still combine (hash checks, edition consistency)
        snapshot = tx.commit()
    combined = pd.concat(frames, ignore_index=True)
    informative = combined[combined["value_status"] != "no_data"]
    return FolderImportResult(
        folder, added, already, ignored, editions,
        sorted(combined["commodity"].unique()), sorted(int(y) for y in informative["year"].unique()), len(combined), snapshot,
    )


def mcs_editions(package_path: Path | None = None) -> list[tuple[str, int, str]]:
    """(resource, edition, kind) of every MCS table in the package, oldest edition first."""
    package = read_datapackage(package_path)
    rows = [
        (e["name"], int(e["econsec"].get("edition", 0)), e["econsec"]["kind"])
        for e in package["resources"]
        if isinstance(e.get("econsec"), dict) and e["econsec"].get("kind") in (MCS_WORLD_KIND, MCS_COMMODITY_KIND)
    ]
    return sorted(rows, key=lambda r: r[1])

