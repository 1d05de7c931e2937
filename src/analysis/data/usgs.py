"""USGS Mineral Commodity Summaries (MCS): world production, capacity and reserves, every edition
in the data package combined (:func:`load_usgs`, newest edition wins per year).

The files are read by :mod:`analysis.data.usgs_world` (the all-commodity table, 2025 layout) and
:mod:`analysis.data.usgs_commodity` (the per-commodity tables of MCS 2022–2024); both return
the same tidy frame.

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
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analysis.data.frame_cache import cached, read_cached
from analysis.data.package import check_resource, econsec_properties, read_datapackage, resources_of_kind
from analysis.data.usgs_commodity import (
    COMMODITY_VALUE_COLUMN,
    commodity_header,
    read_mcs2024_rare_earths,
    read_mcs_commodity_world,
)
from analysis.data.usgs_world import USGS_SCHEMA, read_mcs_world
from analysis.data.validation import validate
from analysis.errors import DataFileError

MCS_2025_RESOURCE = "usgs-mcs-2025-world"
MCS_2024_RARE_EARTHS_RESOURCE = "usgs-mcs-2024-rare-earths"


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
        commodity_header(path, [str(c) for c in header if not str(c).startswith("Unnamed:")])
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


