"""Concentration of world supply: country shares, leader, top-k share, HHI range, N to 80 %.

Input: the tidy USGS frame of :func:`analysis.data.load_usgs` (columns documented in
:mod:`analysis.data.usgs`). All quantities are in tonnes (``value_t``); shares are 0–1
fractions of the world total; the Herfindahl–Hirschman index (HHI) is on the 0–10 000 scale
(shares in per cent, squared and summed), as competition authorities and the IEA use it.

Conventions, stated once here and repeated in every result's ``notes``:

* **Denominator.** Shares are of USGS's world total (a rounded figure, so named shares need
  not sum to exactly 1). Where the world total is missing or only a lower bound (``>90000000``),
  the denominator is the larger of that bound and the sum of all rows (countries plus "Other
  countries"), and the notes say so.
* **Residual.** What named countries do not account for (USGS's "Other countries" plus
  rounding) is the *residual share*. Its contribution to the HHI is unknown: the **lower bound**
  treats it as perfectly fragmented (contributes 0), the **upper bound** as one supplier
  (contributes residual²). Charts say which bound they show.
* **Missing values.** Withheld (W), not available (NA), qualitative ("Large") or bounded
  country values are never treated as zero: they are left out of the named shares and listed
  in ``excluded`` with their status, so a reader sees what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.errors import ParameterError
from analysis.vocabulary import MEASURES

MEASURE_LABELS = {
    "mine_production": "mine production",
    "refinery_production": "refinery production",
    "reserves": "reserves",
    "capacity": "capacity",
    "production": "production",
}


@dataclass(frozen=True)
class Concentration:
    """Concentration of one supply series (mineral × measure × year).

    ``shares`` columns: ``iso3``, ``country``, ``value_t`` (tonnes), ``share`` (0–1 of the
    world total), ``rank`` (1 = largest), ``cumulative_share``. Countries only, largest first.
    ``excluded`` columns: ``country``, ``value_status``, ``value_t`` (bounds keep their number),
    ``note``.
    """

    mineral: str
    measure: str
    year: int
    usgs_type: str
    unit: str
    world_total_t: float
    world_total_basis: str  # "usgs_world_total" | "sum_of_rows" | "lower_bound"
    shares: pd.DataFrame
    residual_share: float
    hhi_lower: float
    hhi_upper: float
    top_k: int
    top_k_share: float
    countries_to_80: int | None
    excluded: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def leader_iso3(self) -> str:
        """ISO alpha-3 of the largest supplier."""
        return str(self.shares["iso3"].iloc[0])

    @property
    def leader(self) -> str:
        """Display name of the largest supplier."""
        return str(self.shares["country"].iloc[0])

    @property
    def leader_share(self) -> float:
        """Largest supplier's share (0–1) of the world total."""
        return float(self.shares["share"].iloc[0])

    def share_of(self, iso3: str) -> float:
        """Share (0–1) of one country; NaN when USGS gives no number for it.

        A country USGS does not list (or lists with an empty, withheld or unavailable cell) has
        an *unknown* share — its output, if any, is inside the residual — never 0. Countries
        listed with a reported zero return 0.0.
        """
        row = self.shares.loc[self.shares["iso3"] == iso3, "share"]
        return float(row.iloc[0]) if len(row) else float("nan")

    def value_of(self, iso3: str) -> float:
        """Tonnes of one country; NaN when USGS gives no number for it (see :meth:`share_of`)."""
        row = self.shares.loc[self.shares["iso3"] == iso3, "value_t"]
        return float(row.iloc[0]) if len(row) else float("nan")

    def rank_of(self, iso3: str) -> tuple[int, bool]:
        """(rank, joint) of a listed country: 1 + the number of countries with more output, and whether
        another listed country has exactly as much (Japan and South Korea at 3 t of gallium are both
        third, "joint third-largest"; the ``rank`` column orders them, it does not rank them)."""
        value = self.value_of(iso3)
        if value != value:
            raise ParameterError(f"{iso3} is not listed for {self.mineral} {MEASURE_LABELS[self.measure]} {self.year}")
        values = self.shares["value_t"]
        return int((values > value).sum()) + 1, bool((values == value).sum() > 1)

    def is_listed(self, iso3: str) -> bool:
        """Whether USGS gives a number (possibly zero) for the country in this series."""
        return bool((self.shares["iso3"] == iso3).any())

    def to_row(self) -> dict[str, object]:
        """Flat summary for tables (one row per mineral in the briefing)."""
        return {
            "mineral": self.mineral,
            "measure": self.measure,
            "year": self.year,
            "world_total_t": self.world_total_t,
            "leader": self.leader,
            "leader_iso3": self.leader_iso3,
            "leader_share": self.leader_share,
            "china_share": self.share_of("CHN"),
            f"top{self.top_k}_share": self.top_k_share,
            "hhi_lower": self.hhi_lower,
            "hhi_upper": self.hhi_upper,
            "countries_to_80": self.countries_to_80,
            "residual_share": self.residual_share,
            "n_excluded": len(self.excluded),
        }


def _shares_array(name: str, shares: pd.Series | np.ndarray) -> np.ndarray:
    values = np.asarray(shares, dtype=float)
    if values.ndim != 1:
        raise ParameterError(f"{name} must be one-dimensional, got shape {values.shape}")
    if len(values) and (not np.isfinite(values).all() or (values < 0).any()):
        bad = values[~np.isfinite(values) | (values < 0)][0]
        raise ParameterError(f"{name} must be finite 0–1 fractions ≥ 0, got {bad!r}")
    return values


def hhi(shares: pd.Series | np.ndarray) -> float:
    """Herfindahl–Hirschman index on the 0–10 000 scale from 0–1 shares: Σ (100·s)².

    ``shares`` are fractions of one total (they should sum to at most 1; USGS rounding can
    push named shares slightly above 1, which is accepted). Order does not matter. An empty
    input gives 0. Raises :class:`ParameterError` for negative or non-finite shares.
    """
    values = _shares_array("shares", shares)
    return float(np.sum((100.0 * values) ** 2))


def hhi_bounds(named_shares: pd.Series | np.ndarray, residual_share: float) -> tuple[float, float]:
    """(lower, upper) HHI (0–10 000) when ``residual_share`` of supply is of unknown structure.

    Lower bound: the residual is infinitely fragmented and adds nothing. Upper bound: the
    residual is one supplier and adds ``(100·residual)²``. ``residual_share`` is a 0–1 fraction.
    """
    if not np.isfinite(residual_share) or residual_share < 0 or residual_share > 1:
        raise ParameterError(f"residual_share must be a fraction in [0, 1], got {residual_share!r}")
    base = hhi(named_shares)
    return base, base + (100.0 * residual_share) ** 2


def countries_to_reach(shares_desc: pd.Series, threshold: float = 0.8) -> int | None:
    """How many of the largest countries together reach ``threshold`` of supply (None if never).

    ``shares_desc`` are 0–1 shares sorted largest first; ``threshold`` is a fraction in (0, 1].
    """
    if not np.isfinite(threshold) or not 0 < threshold <= 1:
        raise ParameterError(f"threshold must be a fraction in (0, 1], got {threshold!r}")
    cumulative = np.cumsum(_shares_array("shares_desc", shares_desc))
    reached = np.nonzero(cumulative >= threshold - 1e-12)[0]
    return int(reached[0]) + 1 if len(reached) else None


def available(usgs: pd.DataFrame, measure: str | None = None) -> list[str]:
    """Minerals with at least one numeric country value (for ``measure`` if given), sorted."""
    rows = usgs[(usgs["entity_kind"] == "country") & usgs["value_t"].notna()]
    if measure is not None:
        rows = rows[rows["measure"] == measure]
    return sorted(rows["commodity"].unique())


def series(usgs: pd.DataFrame, mineral: str, measure: str, year: int, usgs_type: str | None = None) -> pd.DataFrame:
    """Rows of one supply series; raises :class:`ParameterError` naming the valid choices."""
    if measure not in MEASURES:
        raise ParameterError(f"unknown measure {measure!r}; valid: {', '.join(MEASURES)}")
    minerals = sorted(usgs["commodity"].unique())
    if mineral not in minerals:
        raise ParameterError(f"unknown mineral {mineral!r}; valid: {', '.join(minerals)}")
    rows = usgs[(usgs["commodity"] == mineral) & (usgs["measure"] == measure)]
    if rows.empty:
        measures = sorted(usgs.loc[usgs["commodity"] == mineral, "measure"].unique())
        raise ParameterError(f"no {measure} data for {mineral}; available: {', '.join(measures)}")
    years = sorted(rows["year"].unique())
    if year not in years:
        raise ParameterError(f"no {MEASURE_LABELS[measure]} data for {mineral} in {year}; years: {', '.join(map(str, years))}")
    rows = rows[rows["year"] == year]
    # Reserves and capacity repeat on every production row of a commodity (copper's refinery
    # rows carry empty reserves): a TYPE whose cells are all empty is not a series.
    informative = rows.groupby("type")["value_status"].transform(lambda s: (s != "no_data").any())
    if not informative.any() and rows["type"].nunique() > 1:
        raise ParameterError(f"USGS gives no {MEASURE_LABELS[measure]} figures for {mineral} in {year} (every cell is empty)")
    rows = rows[informative] if informative.any() else rows
    types = sorted(rows["type"].unique())
    if usgs_type is None:
        if len(types) > 1:
            raise ParameterError(f"{mineral} {MEASURE_LABELS[measure]} has several series; choose usgs_type from: {'; '.join(types)}")
        usgs_type = types[0]
    elif usgs_type not in types:
        raise ParameterError(f"unknown usgs_type {usgs_type!r} for {mineral}; valid: {'; '.join(types)}")
    return rows[rows["type"] == usgs_type]


def concentration(
    usgs: pd.DataFrame,
    mineral: str,
    measure: str = "mine_production",
    year: int = 2024,
    *,
    top_k: int = 3,
    usgs_type: str | None = None,
) -> Concentration:
    """Concentration indicators of one supply series (see module doc for conventions).

    ``mineral`` is a USGS commodity name (``available(usgs)`` lists them), ``measure`` one of
    :data:`MEASURES`, ``year`` a year of that series, ``top_k`` ≥ 1 (3, as the IEA reports it).
    Values in tonnes, shares 0–1 of the world total, HHI 0–10 000 as a lower–upper range.
    Raises :class:`ParameterError` naming the valid choices for anything unknown, and when
    no country of the series has a reported number (all withheld or not available).
    """
    if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise ParameterError(f"top_k must be an integer ≥ 1, got {top_k!r}")
    rows = series(usgs, mineral, measure, year, usgs_type)
    usgs_type = str(rows["type"].iloc[0])
    units = rows["unit"].unique()
    countries = rows[rows["entity_kind"] == "country"]
    # Several USGS rows can name one country ("Brazil (beneficiated)"); they are distinct
    # series only in odd commodities — sum them per country.
    numeric = countries[countries["value_status"] == "reported"]
    excluded = countries[~countries["value_status"].isin(["reported", "no_data"])]
    notes: list[str] = []

    world = rows[rows["entity_kind"] == "world"]
    other = rows[rows["entity_kind"] == "other"]
    named_total = float(numeric["value_t"].sum())
    rows_total = named_total + float(other.loc[other["value_status"] == "reported", "value_t"].sum())
    label = MEASURE_LABELS[measure]  # every note names its measure: a profile prints production's and reserves' notes together
    world_total, basis, world_note = _world_total(world, rows_total, label)
    notes.extend([world_note] if world_note else [])
    if not np.isfinite(world_total) or world_total <= 0:
        raise ParameterError(f"{mineral} {MEASURE_LABELS[measure]} {year}: no reported values to compute shares from")
    if numeric.empty:
        listed = ", ".join(f"{c} ({s.replace('_', ' ')})" for c, s in zip(excluded["country"], excluded["value_status"]))
        raise ParameterError(
            f"{mineral} {MEASURE_LABELS[measure]} {year}: no country has a reported value"
            + (f" (excluded: {listed})" if listed else "")
            + "; country shares cannot be computed"
        )
    aggregates = rows[(rows["entity_kind"] == "aggregate") & (rows["value_status"] == "reported")]
    if len(aggregates):
        notes.append(
            "Rows that group several countries are left out of the named shares and fall in the residual: "
            + ", ".join(aggregates["country"].astype(str))
            + "."
        )

    shares = _named_shares(numeric, world_total)
    residual, residual_note = _residual(shares, other, world_total, label)
    notes.extend([residual_note] if residual_note else [])
    lower, upper = hhi_bounds(shares["share"], residual)
    if len(excluded):
        listed = ", ".join(f"{c} ({s.replace('_', ' ')})" for c, s in zip(excluded["country"], excluded["value_status"]))
        notes.append(f"Excluded from the named shares of {label}, not counted as zero: {listed}.")
    if len(units) > 1:
        notes.append(f"Rows use several units ({', '.join(units)}); all converted to tonnes.")
    notes.append(
        f"HHI range {lower:,.0f}–{upper:,.0f}: lower bound treats the {residual:.1%} residual "
        "(USGS 'Other countries' and rounding) as fully fragmented, upper bound as one supplier."
    )
    return Concentration(
        mineral=mineral,
        measure=measure,
        year=year,
        usgs_type=usgs_type,
        unit="t",
        world_total_t=world_total,
        world_total_basis=basis,
        shares=shares[["iso3", "country", "value_t", "share", "rank", "cumulative_share"]],
        residual_share=residual,
        hhi_lower=lower,
        hhi_upper=upper,
        top_k=top_k,
        top_k_share=float(shares["share"].head(top_k).sum()),
        countries_to_80=countries_to_reach(shares["share"], 0.8),
        excluded=excluded[["iso3", "country", "value_status", "value_t", "note"]].reset_index(drop=True),
        notes=tuple(notes),
    )


def _world_total(world: pd.DataFrame, rows_total: float, label: str) -> tuple[float, str, str | None]:
    """World total of a series, its basis and the note saying how it was taken (None: USGS's own total)."""
    world_status = world["value_status"].iloc[0] if len(world) else "no_data"
    if len(world) and world_status == "reported":
        return float(world["value_t"].iloc[0]), "usgs_world_total", None
    if len(world) and world_status == "lower_bound":
        bound = float(world["value_t"].iloc[0])
        world_total = max(bound, rows_total)
        return world_total, "lower_bound", (
            f"USGS gives the world total of {label} only as a lower bound (>{bound:,.0f} t); shares of {label} use "
            f"{'the sum of reported rows' if rows_total > bound else 'that bound'} ({world_total:,.0f} t) and are upper estimates."
        )
    return rows_total, "sum_of_rows", f"USGS gives no world total of {label}; shares of {label} use the sum of reported rows."


def _named_shares(numeric: pd.DataFrame, world_total: float) -> pd.DataFrame:
    """Named countries' values summed per country, largest first, with share, rank and cumulative share."""
    shares = (
        numeric.groupby(["iso3", "country"], as_index=False, sort=False)["value_t"].sum()
        .sort_values(["value_t", "iso3"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    shares["share"] = shares["value_t"] / world_total
    shares["rank"] = np.arange(1, len(shares) + 1)
    shares["cumulative_share"] = shares["share"].cumsum()
    return shares


def _residual(shares: pd.DataFrame, other: pd.DataFrame, world_total: float, label: str) -> tuple[float, str | None]:
    """Share not attributed to named countries, and a note when named shares overshoot the rounded total.

    The residual is at least USGS's "Other countries" row, and at least what named countries
    leave of the world total (rounding can make named shares sum to more than 1)."""
    other_share = float(other.loc[other["value_status"] == "reported", "value_t"].sum()) / world_total
    named_sum = float(shares["share"].sum())
    residual = max(other_share, 1.0 - named_sum, 0.0)
    if named_sum > 1.0 + 1e-9:
        return residual, (
            f"Named countries' {label} sum to {named_sum:.1%} of the rounded world total (USGS rounding); "
            f"the residual is taken as the 'Other countries' row ({other_share:.1%})."
        )
    return residual, None


def concentration_table(
    usgs: pd.DataFrame, minerals: list[str] | tuple[str, ...], measure: str = "mine_production", year: int = 2024, *, top_k: int = 3
) -> pd.DataFrame:
    """One :meth:`Concentration.to_row` per mineral.

    Minerals that lack the series (no ``measure`` data, not that year, no reported country
    value) are skipped and named in the frame's ``attrs["skipped"]``; an unknown mineral name,
    measure or ``top_k`` raises :class:`ParameterError` (a typo must not silently shorten a table).
    """
    if measure not in MEASURES:
        raise ParameterError(f"unknown measure {measure!r}; valid: {', '.join(MEASURES)}")
    if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise ParameterError(f"top_k must be an integer ≥ 1, got {top_k!r}")
    known = set(usgs["commodity"].unique())
    unknown = [m for m in minerals if m not in known]
    if unknown:
        raise ParameterError(f"unknown mineral(s) {', '.join(map(repr, unknown))}; valid: {', '.join(sorted(known))}")
    rows = []
    skipped: dict[str, str] = {}
    for mineral in minerals:
        try:
            rows.append(concentration(usgs, mineral, measure, year, top_k=top_k).to_row())
        except ParameterError as error:
            skipped[mineral] = str(error)
    table = pd.DataFrame(rows)
    table.attrs["skipped"] = skipped
    return table


def top_producers(result: Concentration, n: int = 8) -> pd.DataFrame:
    """The ``n`` largest countries plus one "Rest of world" row (residual and smaller countries).

    Columns ``country``, ``iso3``, ``value_t``, ``share``, ``is_rest``. The rest row's value is
    the world total minus the top ``n`` (so bars sum to the world total); there is no rest row
    when the top ``n`` already reach the (rounded) world total.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ParameterError(f"n must be an integer ≥ 1, got {n!r}")
    top = result.shares.head(n)[["country", "iso3", "value_t", "share"]].copy()
    top["is_rest"] = False
    rest_value = result.world_total_t - float(top["value_t"].sum())
    if rest_value > 0:
        rest = pd.DataFrame(
            [{"country": "Rest of world", "iso3": "ROW", "value_t": rest_value, "share": rest_value / result.world_total_t, "is_rest": True}]
        )
        top = pd.concat([top, rest], ignore_index=True)
    return top


def reserves_to_production(
    usgs: pd.DataFrame,
    mineral: str,
    year: int = 2024,
    *,
    production_measure: str = "mine_production",
    usgs_type: str | None = None,
    reserves_type: str | None = None,
) -> pd.DataFrame:
    """Reserves-to-production ratio in years, per country and for the world.

    R/P = reserves (t) / annual production (t) of the same year: how many years current output
    could continue from today's reserves (a static indicator — reserves grow with exploration
    and prices). Columns ``iso3``, ``country``, ``entity_kind``, ``reserves_t``,
    ``production_t``, ``rp_years`` (NaN where either side is missing or production is 0),
    ``reserves_status`` (``lower_bound`` rows give a lower bound on R/P).

    ``usgs_type`` / ``reserves_type`` pick the production / reserves series where USGS has
    several (e.g. platinum and palladium); both default to the only series there is.
    """
    keys = ["iso3", "country", "entity_kind"]
    reserves = series(usgs, mineral, "reserves", year, reserves_type)
    production = series(usgs, mineral, production_measure, year, usgs_type)
    total = lambda values: values.sum(min_count=1)  # noqa: E731 — all-missing stays NaN, not 0
    r = reserves.groupby(keys, as_index=False).agg(reserves_t=("value_t", total), reserves_status=("value_status", "first"))
    p = production.groupby(keys, as_index=False).agg(production_t=("value_t", total))
    merged = r.merge(p, on=keys, how="outer")
    with np.errstate(divide="ignore", invalid="ignore"):
        merged["rp_years"] = np.where(merged["production_t"] > 0, merged["reserves_t"] / merged["production_t"], np.nan)
    merged = merged[merged["entity_kind"].isin(["country", "world"])]
    return merged.sort_values(["entity_kind", "reserves_t"], ascending=[False, False], kind="stable").reset_index(drop=True)
