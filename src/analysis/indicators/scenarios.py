"""Disruption scenarios: one supplier cuts output; who is short, who can cover, who is exposed.

A scenario takes one USGS supply series (mineral × measure × year, tonnes) and cuts the
output of one supplier (China by default) by a fraction ``cut`` ∈ [0, 1]. It reports:

* **World shortfall** — ``lost_t = cut × supplier output``, and ``shortfall_share =
  lost_t / world total`` (0–1; equals ``cut × supplier share``, so it rises linearly with the cut).
* **Partner cover at current output** — ``redirect_cover = min(partner output, lost) / lost``:
  the share of the lost tonnes that partner countries' *present* output could replace if all
  of it were redirected to the buyers who lost supply. Redirection moves the shortage to the
  partners' former buyers; the world remains short by ``lost_t``. It measures reach, not relief.
* **Partner cover with expansion** — partners raise output by ``expansion`` (a fraction of their
  current output: 0.2 = +20 %), which is net new supply: ``expansion_t = expansion × partner
  output``; ``expansion_cover = min(expansion_t, lost) / lost`` and
  ``residual_shortfall_share = max(lost − expansion_t, 0) / world total``.
* **Importer exposure** — for each importer, ``exposure = import share from the supplier × cut``:
  the fraction of the importer's imports of the product that disappears if the cut falls evenly
  on all the supplier's customers (a first-order, no-rerouting measure).

Everything is computed with array arithmetic over whole frames (:func:`shortfall_grid` takes
any number of cuts × expansions at once); nothing loops over rows. Scenarios are stylised
what-ifs, not forecasts: no price response, stocks, demand change or substitution.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.errors import ParameterError
from analysis.indicators import _validate as check
from analysis.indicators.concentration import concentration
from analysis.vocabulary import PARTNER_ISO3

#: Default partner set: the India–Japan pair the reports are about. Pass
#: ``partners.bloc_members(frameworks, "Quad").members`` (or any ISO list) for a wider bloc.
DEFAULT_PARTNERS: tuple[str, ...] = PARTNER_ISO3


def shortfall_grid(
    supply: pd.DataFrame,
    world_total_t: float,
    supplier: str,
    partners: Sequence[str],
    cuts: Iterable[float],
    expansions: Iterable[float] = (0.0,),
) -> pd.DataFrame:
    """Shortfall and partner cover for every ``cut × expansion`` pair, by array broadcasting.

    ``supply`` has one row per country: ``iso3`` and ``value_t`` (tonnes). ``world_total_t``
    (t, > 0) is the denominator of shares. ``cuts`` ∈ [0, 1]; ``expansions`` ≥ 0 (fractions of
    partners' output). Columns: ``cut``, ``expansion``, ``supplier_output_t``, ``lost_t``,
    ``shortfall_share``, ``partner_output_t``, ``redirect_cover``, ``expansion_t``,
    ``expansion_cover``, ``residual_shortfall_t``, ``residual_shortfall_share`` (see module
    doc). Covers are NaN when nothing is lost (cut 0 or a supplier with no output).
    """
    check.columns("supply", supply, ["iso3", "value_t"])
    world_total_t = check.non_negative("world_total_t", world_total_t)
    if world_total_t <= 0:
        raise ParameterError(f"world_total_t must be > 0 tonnes, got {world_total_t!r}")
    (supplier,) = check.iso3_codes("supplier", supplier)
    partners = check.iso3_codes("partners", partners)
    if supplier in partners:
        raise ParameterError(f"supplier {supplier!r} cannot also be one of the partners ({', '.join(partners)})")
    cut = np.array([check.fraction("cut", c) for c in cuts], dtype=float)
    expansion = np.array([check.non_negative("expansion", e) for e in expansions], dtype=float)
    if not len(cut) or not len(expansion):
        raise ParameterError("cuts and expansions must each hold at least one value")
    values = supply["value_t"].to_numpy(dtype=float)
    iso3 = supply["iso3"].astype(str).to_numpy()
    if np.isnan(values).any() or (values < 0).any():
        raise ParameterError("supply value_t must be tonnes ≥ 0 with no missing values (drop withheld rows first)")
    supplier_output = float(values[iso3 == supplier].sum())
    partner_output = float(values[np.isin(iso3, partners)].sum())
    c, e = np.meshgrid(cut, expansion, indexing="ij")
    c, e = c.ravel(), e.ravel()
    lost = c * supplier_output
    added = e * partner_output
    with np.errstate(divide="ignore", invalid="ignore"):
        redirect = np.where(lost > 0, np.minimum(partner_output, lost) / lost, np.nan)
        expansion_cover = np.where(lost > 0, np.minimum(added, lost) / lost, np.nan)
    residual = np.maximum(lost - added, 0.0)
    return pd.DataFrame(
        {
            "cut": c,
            "expansion": e,
            "supplier_output_t": supplier_output,
            "lost_t": lost,
            "shortfall_share": lost / world_total_t,
            "partner_output_t": partner_output,
            "redirect_cover": redirect,
            "expansion_t": added,
            "expansion_cover": expansion_cover,
            "residual_shortfall_t": residual,
            "residual_shortfall_share": residual / world_total_t,
        }
    )


def exposure(import_shares: Mapping[str, float] | pd.Series | pd.DataFrame, cut: float | Iterable[float]) -> pd.DataFrame:
    """Importers' exposure = share of their imports from the cut supplier × cut (vectorised).

    ``import_shares``: ISO alpha-3 → 0–1 share of the importer's imports coming from the
    supplier — a mapping, a Series, or a frame with ``reporter_iso3`` and ``china_share`` (one
    row per importer, e.g. one year and product of :func:`~analysis.indicators.dependence.import_dependence`).
    NaN shares (unknown split) stay NaN. ``cut``: one fraction or several. Columns
    ``reporter_iso3``, ``import_share``, ``cut``, ``exposure`` (0–1 of the importer's imports).
    """
    if isinstance(import_shares, pd.DataFrame):
        check.columns("import_shares", import_shares, ["reporter_iso3", "china_share"])
        if import_shares["reporter_iso3"].duplicated().any():
            raise ParameterError(
                "import_shares has several rows per reporter; filter it to one product and one year first"
            )
        shares = pd.Series(import_shares["china_share"].to_numpy(dtype=float), index=import_shares["reporter_iso3"].astype(str))
    else:
        shares = pd.Series(import_shares, dtype=float)
    if shares.empty:
        raise ParameterError("import_shares must name at least one importer")
    check.iso3_codes("import_shares", list(shares.index))
    known = shares.dropna()
    if ((known < 0) | (known > 1 + 1e-9)).any():
        raise ParameterError(f"import_shares must be 0–1 fractions, got {known[(known < 0) | (known > 1 + 1e-9)].iloc[0]!r}")
    cuts = np.array([check.fraction("cut", c) for c in ([cut] if np.isscalar(cut) else cut)], dtype=float)
    s, c = np.meshgrid(shares.to_numpy(dtype=float), cuts, indexing="ij")
    return pd.DataFrame(
        {
            "reporter_iso3": np.repeat(shares.index.to_numpy(), len(cuts)),
            "import_share": s.ravel(),
            "cut": c.ravel(),
            "exposure": (s * c).ravel(),
        }
    )


@dataclass(frozen=True)
class Disruption:
    """Result of :func:`disruption` (tonnes, 0–1 shares; see module doc for definitions).

    ``by_country`` columns: ``iso3``, ``country``, ``role`` (supplier | partner | other),
    ``output_t``, ``after_cut_t``, ``added_t`` (expansion), ``after_t``. ``exposure``:
    see :func:`exposure` (empty if no import shares were given).
    """

    mineral: str
    measure: str
    year: int
    supplier: str
    supplier_share: float
    cut: float
    expansion: float
    partners: tuple[str, ...]
    world_total_t: float
    supplier_output_t: float
    lost_t: float
    shortfall_share: float
    partner_output_t: float
    redirect_cover: float
    expansion_t: float
    expansion_cover: float
    residual_shortfall_t: float
    residual_shortfall_share: float
    by_country: pd.DataFrame
    exposure: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_row(self) -> dict[str, object]:
        """Flat summary for tables."""
        return {
            name: getattr(self, name)
            for name in (
                "mineral", "measure", "year", "supplier", "supplier_share", "cut", "expansion", "world_total_t",
                "lost_t", "shortfall_share", "partner_output_t", "redirect_cover", "expansion_t", "expansion_cover",
                "residual_shortfall_share",
            )
        }  # fmt: skip


def disruption(
    usgs: pd.DataFrame,
    mineral: str,
    measure: str = "mine_production",
    year: int = 2024,
    *,
    supplier: str = "CHN",
    cut: float = 0.5,
    expansion: float = 0.0,
    partners: Sequence[str] = DEFAULT_PARTNERS,
    import_shares: Mapping[str, float] | pd.Series | pd.DataFrame | None = None,
    usgs_type: str | None = None,
) -> Disruption:
    """Cut ``supplier``'s output of one USGS series by ``cut`` and measure the consequences.

    ``usgs``: :func:`analysis.data.load_usgs`; ``mineral``/``measure``/``year``/``usgs_type``
    select the series as in :func:`~analysis.indicators.concentration.concentration` (its world
    total is the denominator). ``supplier``: ISO alpha-3 of a country with a reported value in
    the series. ``cut`` ∈ [0, 1]; ``expansion`` ≥ 0 (fraction of partners' current output);
    ``partners``: ISO alpha-3 codes (default India and Japan; a bloc's members from
    :func:`~analysis.indicators.partners.bloc_members`). ``import_shares``: optional importers'
    shares of imports from the supplier for the exposure table.

    Raises :class:`ParameterError` for an unknown series, a supplier whose value is withheld or
    that USGS does not list (its loss cannot be sized), a cut outside [0, 1] or a negative expansion.
    """
    cut = check.fraction("cut", cut)
    expansion = check.non_negative("expansion", expansion)
    (supplier,) = check.iso3_codes("supplier", supplier)
    partners = check.iso3_codes("partners", partners)
    result = concentration(usgs, mineral, measure, year, usgs_type=usgs_type)
    excluded = set(result.excluded["iso3"].astype(str))
    if supplier in excluded:
        raise ParameterError(f"{supplier}'s {measure.replace('_', ' ')} of {mineral} in {year} is not reported as a number; the cut cannot be sized")
    supply = result.shares[["iso3", "value_t"]]
    listed = set(supply["iso3"].astype(str))
    if supplier not in listed:
        # A supplier USGS does not list has an unknown output, not zero: a "cut" of it cannot be sized.
        raise ParameterError(
            f"USGS lists no {measure.replace('_', ' ')} of {mineral} for {supplier} in {year}; suppliers with a "
            f"number: {', '.join(result.shares['iso3'].astype(str))}"
        )
    grid = shortfall_grid(supply, result.world_total_t, supplier, partners, [cut], [expansion]).iloc[0]
    notes: list[str] = []
    absent = [p for p in partners if p not in listed]
    withheld = [p for p in absent if p in excluded]
    if withheld:
        notes.append(f"Partner output withheld or not available, counted as 0 (so cover is a lower bound): {', '.join(withheld)}.")
    if [p for p in absent if p not in excluded]:
        notes.append(f"Partners with no listed output (0 t): {', '.join(p for p in absent if p not in excluded)}.")
    notes.append(
        "Redirect cover assumes partners send all their present output to the buyers who lost supply; "
        "the world shortfall is unchanged by redirection. Expansion is net new supply."
    )
    by_country = result.shares[["iso3", "country", "value_t"]].rename(columns={"value_t": "output_t"}).copy()
    iso3 = by_country["iso3"].astype(str)
    by_country["role"] = np.select([iso3 == supplier, iso3.isin(partners)], ["supplier", "partner"], "other")
    by_country["after_cut_t"] = np.where(by_country["role"] == "supplier", by_country["output_t"] * (1.0 - cut), by_country["output_t"])
    by_country["added_t"] = np.where(by_country["role"] == "partner", by_country["output_t"] * expansion, 0.0)
    by_country["after_t"] = by_country["after_cut_t"] + by_country["added_t"]
    by_country = by_country[["iso3", "country", "role", "output_t", "after_cut_t", "added_t", "after_t"]]
    exposed = (
        exposure(import_shares, cut)
        if import_shares is not None
        else pd.DataFrame(columns=["reporter_iso3", "import_share", "cut", "exposure"])
    )
    if import_shares is not None and exposed["import_share"].isna().any():
        notes.append(f"No supplier split in the trade data for {', '.join(exposed.loc[exposed['import_share'].isna(), 'reporter_iso3'])}: exposure unknown.")
    return Disruption(
        mineral=mineral,
        measure=measure,
        year=int(year),
        supplier=supplier,
        supplier_share=result.share_of(supplier),
        cut=cut,
        expansion=expansion,
        partners=partners,
        world_total_t=result.world_total_t,
        supplier_output_t=float(grid["supplier_output_t"]),
        lost_t=float(grid["lost_t"]),
        shortfall_share=float(grid["shortfall_share"]),
        partner_output_t=float(grid["partner_output_t"]),
        redirect_cover=float(grid["redirect_cover"]),
        expansion_t=float(grid["expansion_t"]),
        expansion_cover=float(grid["expansion_cover"]),
        residual_shortfall_t=float(grid["residual_shortfall_t"]),
        residual_shortfall_share=float(grid["residual_shortfall_share"]),
        by_country=by_country.reset_index(drop=True),
        exposure=exposed,
        notes=tuple(notes + list(result.notes)),
    )


def disruption_curve(
    usgs: pd.DataFrame,
    mineral: str,
    measure: str = "mine_production",
    year: int = 2024,
    *,
    supplier: str = "CHN",
    cuts: Iterable[float] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0),
    expansions: Iterable[float] = (0.0,),
    partners: Sequence[str] = DEFAULT_PARTNERS,
    usgs_type: str | None = None,
) -> pd.DataFrame:
    """:func:`shortfall_grid` for one USGS series: a frame over ``cuts × expansions`` for charts.

    Same arguments and checks as :func:`disruption`; adds ``mineral``, ``measure``, ``year``,
    ``supplier`` columns.
    """
    (supplier,) = check.iso3_codes("supplier", supplier)
    result = concentration(usgs, mineral, measure, year, usgs_type=usgs_type)
    if supplier in set(result.excluded["iso3"].astype(str)):
        raise ParameterError(f"{supplier}'s {measure.replace('_', ' ')} of {mineral} in {year} is not reported as a number; the cut cannot be sized")
    grid = shortfall_grid(result.shares[["iso3", "value_t"]], result.world_total_t, supplier, partners, cuts, expansions)
    grid.insert(0, "supplier", supplier)
    grid.insert(0, "year", int(year))
    grid.insert(0, "measure", measure)
    grid.insert(0, "mineral", mineral)
    return grid
