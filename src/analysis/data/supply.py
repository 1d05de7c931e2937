"""One stage-aware supply table: USGS mine/refinery rows and IEA mining/refining rows together.

Columns of :func:`stage_supply` / :func:`load_supply` (one row per source × mineral × stage ×
entity × year):

=============  ==============================================================================
column         meaning
=============  ==============================================================================
mineral        package mineral name ("Cobalt", "Rare earths", …)
stage          ``mining`` | ``refining``
product        what is measured (USGS ``type`` such as "Refinery production, copper"; IEA
               product such as "lithium chemicals (Li content)")
iso3           ISO alpha-3; ``WLD`` world total; ``OTH`` USGS "Other countries"; ``ROW`` IEA
               "Rest of world"
country        display name
entity_kind    ``country`` | ``world`` | ``rest_of_world`` | ``aggregate``
year           calendar year
value_t        tonnes; NaN when the source gives no number (see ``value_status``)
value_status   USGS status (reported, withheld, lower_bound, …); ``reported`` for IEA rows
basis          ``observed`` (USGS reported, IEA 2023) | ``estimate`` (USGS preliminary
               estimates, e.g. 2024e) | ``projection`` (IEA base case 2030/2035/2040)
source         data-package resource the row comes from
edition        USGS MCS edition (int) or IEA edition ("May 2024")
=============  ==============================================================================

Observed and projected figures share the table but never a row: filter on ``basis`` (and on
``source`` — USGS and IEA measure different products, e.g. rare-earth oxide vs magnet rare
earths) before computing a share. :func:`stage_series` returns exactly one source's series.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.errors import ParameterError
from analysis.vocabulary import MEASURE_STAGE as USGS_STAGES, STAGES

# USGS_STAGES (USGS measure → stage) leaves out "production", USGS's undifferentiated form: its stage is unknown.

BASES = ("observed", "estimate", "projection")
COLUMNS = ["mineral", "stage", "product", "iso3", "country", "entity_kind", "year", "value_t", "value_status",
           "basis", "source", "edition"]  # fmt: skip
_KINDS = {"country": "country", "world": "world", "other": "rest_of_world", "aggregate": "aggregate"}


def usgs_resource_names(package_path: str | None = None) -> dict[int, str]:
    """MCS edition → name of the package resource holding it (for the ``source`` column)."""
    from analysis.data.package import econsec_properties, read_datapackage

    names: dict[int, str] = {}
    for entry in read_datapackage(package_path)["resources"]:
        props = econsec_properties(entry)
        if str(props.get("kind", "")).startswith("usgs-mcs") and props.get("edition") is not None:
            names.setdefault(int(props["edition"]), entry["name"])
    return names


def stage_supply(usgs: pd.DataFrame, iea: pd.DataFrame, usgs_sources: Mapping[int, str] | None = None) -> pd.DataFrame:
    """USGS (:func:`analysis.data.load_usgs`) and IEA (:func:`analysis.data.iea.read_iea_supply`) rows in one table.

    Only USGS mine and refinery production rows are kept (``measure`` mine_production or
    refinery_production). ``usgs_sources`` maps an MCS edition to its resource name (default
    ``"usgs-mcs-<edition>"``). Columns: see module doc.
    """
    for name, frame, required in (
        ("usgs", usgs, ["commodity", "measure", "type", "iso3", "country", "entity_kind", "year", "value_t", "value_status", "estimated", "edition"]),
        ("iea", iea, ["mineral", "stage", "product", "iso3", "country", "entity_kind", "year", "value_t", "basis", "source"]),
    ):
        missing = [c for c in required if c not in frame.columns]
        if missing:
            raise ParameterError(f"{name} lacks column(s) {', '.join(missing)}")
    rows = usgs[usgs["measure"].isin(list(USGS_STAGES))]
    names = dict(usgs_sources or {})
    editions = rows["edition"].astype(int)
    left = pd.DataFrame(
        {
            "mineral": rows["commodity"].astype(str),
            "stage": rows["measure"].map(USGS_STAGES),
            "product": rows["type"].astype(str),
            "iso3": rows["iso3"].astype(str),
            "country": rows["country"].astype(str),
            "entity_kind": rows["entity_kind"].map(_KINDS).fillna(rows["entity_kind"]).astype(str),
            "year": rows["year"].astype(int),
            "value_t": rows["value_t"].astype(float),
            "value_status": rows["value_status"].astype(str),
            "basis": np.where(rows["estimated"].astype(bool), "estimate", "observed"),
            "source": editions.map(lambda e: names.get(e, f"usgs-mcs-{e}")),
            "edition": editions.astype(object),
        }
    )
    right = pd.DataFrame(
        {
            "mineral": iea["mineral"].astype(str),
            "stage": iea["stage"].astype(str),
            "product": iea["product"].astype(str),
            "iso3": iea["iso3"].astype(str),
            "country": iea["country"].astype(str),
            "entity_kind": iea["entity_kind"].astype(str),
            "year": iea["year"].astype(int),
            "value_t": iea["value_t"].astype(float),
            "value_status": "reported",
            "basis": iea["basis"].astype(str),
            "source": iea["source"].astype(str),
            "edition": iea["edition"] if "edition" in iea.columns else "May 2024",
        }
    )
    return pd.concat([left, right], ignore_index=True)[COLUMNS]


def stage_series(
    supply: pd.DataFrame, mineral: str, stage: str, year: int, source: str, *, product: str | None = None
) -> pd.DataFrame:
    """Rows of one series (one source, mineral, stage, year and product) of :func:`stage_supply`.

    Raises :class:`ParameterError` naming what exists when the series is absent, or when the
    selection holds several products (USGS gives some minerals in more than one form) and
    ``product`` does not pick one.
    """
    if stage not in STAGES:
        raise ParameterError(f"unknown stage {stage!r}; valid: {', '.join(STAGES)}")
    rows = supply[(supply["source"] == source) & (supply["mineral"] == mineral) & (supply["stage"] == stage)]
    if rows.empty:
        have = supply[(supply["mineral"] == mineral)][["source", "stage"]].drop_duplicates()
        listing = ", ".join(f"{s} {t}" for s, t in have.itertuples(index=False)) or "none"
        raise ParameterError(f"no {stage} series of {mineral} in {source}; available for {mineral}: {listing}")
    in_year = rows[rows["year"] == int(year)]
    if in_year.empty:
        raise ParameterError(f"{source} has no {stage} of {mineral} for {year}; years: {', '.join(map(str, sorted(rows['year'].unique())))}")
    products = sorted(in_year["product"].unique())
    if product is not None:
        in_year = in_year[in_year["product"] == product]
        if in_year.empty:
            raise ParameterError(f"unknown product {product!r}; valid: {', '.join(products)}")
    elif len(products) > 1:
        raise ParameterError(f"{source} gives {mineral} {stage} {year} as several products; pick one of: {', '.join(products)}")
    return in_year.reset_index(drop=True)


def load_supply() -> pd.DataFrame:
    """:func:`stage_supply` of the package's USGS editions and IEA workbook."""
    from analysis.data.iea import load_iea_supply
    from analysis.data.usgs import load_usgs

    return stage_supply(load_usgs(), load_iea_supply(), usgs_resource_names())
