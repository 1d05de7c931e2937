"""Governance-weighted supply risk after the EU Critical Raw Materials (CRM) methodology.

Method
------
European Commission (2017), *Methodology for establishing the EU list of critical raw
materials — Guidelines*, with its background report: Blengini, G.A. et al. (2017),
*Assessment of the Methodology for Establishing the EU List of Critical Raw Materials —
Background report*, JRC, EUR 28654 EN, doi:10.2760/73303. The same method produced the 2017,
2020 and 2023 EU lists and is the one Regulation (EU) 2024/1252 (Critical Raw Materials Act),
Annex II, section 2, refers to. The supply-risk (SR) formula is::

    SR = [ HHI_WGI,GS × IR/2  +  HHI_WGI,EUS × (1 − IR/2) ] × (1 − EoL_RIR) × SI_SR

    HHI_WGI = Σ_c  S_c² × WGI_c × t_c

* ``S_c`` — country c's share (0–1) of **global supply** (GS, here: USGS world production or
  reserves) or of the importer's **actual sourcing** (EUS in the EU method: domestic production
  plus imports, by country of origin);
* ``WGI_c`` — the World Bank Worldwide Governance Indicators score rescaled to 0–10, **higher
  = worse governance**. The EU uses the average of the six WGI dimensions (voice and
  accountability, political stability, government effectiveness, regulatory quality, rule of
  law, control of corruption). The data package holds the 2023 *political stability*
  percentile rank (0–100, higher = more stable), so the default score here is
  ``(100 − percentile_rank) / 10`` — one dimension, not six: say so beside any figure.
  :func:`governance_from_wgi` gives the six-dimension average from the older WGI bulk file
  (1996–2018) for comparison; its linear rescaling of the −2.5…+2.5 estimates,
  ``(2.5 − mean) × 2`` clipped to 0–10, is ours (the Guidelines' exact rescaling was not
  re-checked for this package);
* ``t_c`` — the EU trade-related variable (export restrictions raise it, trade agreements
  lower it); not in our data, so 1 unless ``trade_factors`` is given;
* ``IR`` — import reliance, ``(imports − exports) / (domestic production + imports − exports)``,
  0–1 (:func:`import_reliance`); it weights the global-supply and sourcing terms. Without IR
  (the default) only the global-supply term is computed: ``SR = HHI_WGI,GS × (1 − EoL_RIR) × SI``;
* ``EoL_RIR`` — end-of-life recycling input rate (share of input from post-consumer scrap, 0–1);
* ``SI_SR`` — substitution index for supply risk (0–1; 1 = no substitute).

EoL-RIR and SI are **not in our data**. They are arguments whose defaults (0 and 1) give the
documented worst case — no recycling, no substitute — and :func:`supply_risk_sensitivity`
shows how SR moves across a grid of both. A report shows that sensitivity, never an invented
value. The EU treats materials with SR ≥ 1 (and economic importance ≥ 2.8) as critical; shares
are fractions and WGI is 0–10, so ``HHI_WGI`` lies in 0–10.

Unknowns as bounds
------------------
USGS's "Other countries" residual has unknown structure and unknown governance, and a few
producers have no WGI score (New Caledonia, Taiwan). As in
:mod:`analysis.indicators.concentration`, HHI_WGI is a range: the **lower bound** counts the
residual as fully fragmented and unscored producers at the best score (0); the **upper bound**
counts the residual as one supplier and unscored producers at the worst score (10). SR inherits
both bounds; charts say which one they show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.data.wgi import ESTIMATE_CODES
from analysis.errors import ParameterError
from analysis.indicators import _validate as check
from analysis.indicators.concentration import concentration

#: Worst governance score on the 0–10 scale (used for unknowns in upper bounds).
WORST = 10.0
#: The six WGI dimensions (estimate codes) the EU method averages: the data layer's list.
WGI_DIMENSIONS: tuple[str, ...] = ESTIMATE_CODES
#: Illustrative grids for :func:`supply_risk_sensitivity` — ranges to explore, not estimates.
DEFAULT_EOL_RIR_GRID: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
DEFAULT_SI_GRID: tuple[float, ...] = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


# --------------------------------------------------------------------------------------------
# Governance scores
# --------------------------------------------------------------------------------------------


#: How the governance scores are made from WGI (0–10, higher = worse governance): one formula each.
SIX_DIMENSION_RULE = (
    "EU criticality convention: mean of the six WGI estimates (−2.5…+2.5, higher = better), "
    "rescaled linearly to 0–10 and inverted: score = 2 × (2.5 − mean), clipped to 0–10"
)
STABILITY_RULE = "political stability percentile rank p (0–100, higher = more stable): score = (100 − p) / 10"
#: ``basis`` values of :func:`governance_scores`
GOVERNANCE_BASES = ("auto", "six_dimensions", "political_stability")


def score_from_stability_rank(percentile_rank):
    """:data:`STABILITY_RULE`: 0–10 (higher = worse) from a political-stability percentile rank 0–100."""
    return (100.0 - percentile_rank) / 10.0


def score_from_six_mean(mean):
    """:data:`SIX_DIMENSION_RULE`: 0–10 (higher = worse) from the mean of the six WGI estimates."""
    return np.clip((2.5 - np.asarray(mean, dtype=float)) * 2.0, 0.0, WORST)


def six_dimension_means(estimates: pd.DataFrame, **carry: tuple[str, str]) -> pd.DataFrame:
    """Mean of the six WGI estimates per ``iso3`` × ``year``, for country-years with all six.

    ``estimates``: long WGI rows (``iso3``, ``indicator_code``, ``year``, ``value``). Columns
    ``iso3``, ``year``, ``mean`` and any ``carry`` aggregations (``name=(column, how)``), sorted
    by ``iso3`` and ``year``; empty when no country-year is complete. The one averaging step of
    :func:`governance_scores` and :func:`governance_from_wgi`.
    """
    rows = estimates[estimates["indicator_code"].isin(WGI_DIMENSIONS)]
    dimensions = rows.groupby(["iso3", "year"])["indicator_code"].transform("nunique")
    complete = rows[dimensions == len(WGI_DIMENSIONS)]
    if complete.empty:
        return pd.DataFrame(columns=["iso3", "year", "mean", *carry])
    return complete.groupby(["iso3", "year"], as_index=False).agg(mean=("value", "mean"), **carry)


def governance_scores(
    estimates: pd.DataFrame, ranks: pd.DataFrame | None, *, year: int | None = None, basis: str = "auto"
) -> pd.DataFrame:
    """Governance score per country, 0–10, higher = worse governance, saying how it was made.

    ``estimates``: :func:`analysis.data.wgi.six_dimension_estimates` (``iso3``, ``country``,
    ``indicator_code``, ``year``, ``value``, ``source``); ``ranks``: political-stability
    percentile ranks (:func:`analysis.data.load_political_stability` with a ``source`` column)
    or ``None``. ``basis``:

    * ``"six_dimensions"`` — :data:`SIX_DIMENSION_RULE` (the EU convention), for countries with
      all six estimates in one year (the latest such year ≤ ``year``);
    * ``"political_stability"`` — :data:`STABILITY_RULE`;
    * ``"auto"`` (default) — per country, the six dimensions where present for a year at least
      as recent as the political-stability year, else political stability.

    Columns: ``iso3``, ``country``, ``year``, ``governance_score``, ``basis`` ("mean of six WGI
    dimensions 2023" / "political stability percentile 2023"), ``source`` — the shape
    :func:`supply_risk` takes as ``governance``. An empty result raises ParameterError.
    """
    if basis not in GOVERNANCE_BASES:
        raise ParameterError(f"unknown governance basis {basis!r}; valid: {', '.join(GOVERNANCE_BASES)}")
    columns = ["iso3", "country", "year", "governance_score", "basis", "source"]
    six = pd.DataFrame(columns=columns)
    if basis in ("auto", "six_dimensions") and len(estimates):
        chosen_estimates = estimates if year is None else estimates[estimates["year"] <= year]
        means = six_dimension_means(chosen_estimates, country=("country", "first"), source=("source", "last"))
        if len(means):
            latest = means.sort_values("year").drop_duplicates("iso3", keep="last")
            six = latest.assign(
                governance_score=score_from_six_mean(latest["mean"]),
                basis=[f"mean of six WGI dimensions {y}" for y in latest["year"]],
            )[columns]
    stability = pd.DataFrame(columns=columns)
    if basis in ("auto", "political_stability") and ranks is not None and len(ranks):
        usable = ranks[ranks["percentile_rank"].notna()]
        if year is not None:
            usable = usable[usable["year"] <= year]
        stability = usable.assign(
            governance_score=score_from_stability_rank(usable["percentile_rank"]),
            basis=[f"political stability percentile {y}" for y in usable["year"]],
        )[columns]
    if basis == "six_dimensions":
        chosen = six
    elif basis == "political_stability":
        chosen = stability
    else:
        both = six.merge(stability[["iso3", "year"]], on="iso3", how="left", suffixes=("", "_stability"))
        six_wins = both["year_stability"].isna() | (both["year"] >= both["year_stability"])
        winners = set(both.loc[six_wins, "iso3"])
        chosen = pd.concat([six[six["iso3"].isin(winners)], stability[~stability["iso3"].isin(winners)]], ignore_index=True)
    if chosen.empty:
        raise ParameterError(f"no governance data for basis {basis!r}" + (f" up to {year}" if year is not None else ""))
    chosen = chosen.astype({"year": int, "governance_score": float})
    return chosen.sort_values("iso3").reset_index(drop=True)


def governance_from_stability(stability: pd.DataFrame) -> pd.DataFrame:
    """0–10 governance scores (higher = worse) from WGI political-stability percentile ranks.

    ``stability`` is :func:`analysis.data.load_political_stability` (``iso3``,
    ``percentile_rank`` 0–100, higher = more stable). Score = ``(100 − percentile_rank) / 10``.
    Columns ``iso3``, ``governance_score``, ``basis``; economies without a rank are dropped.
    """
    check.columns("stability", stability, ["iso3", "percentile_rank"])
    ranks = stability[["iso3", "percentile_rank"]].dropna()
    if ((ranks["percentile_rank"] < 0) | (ranks["percentile_rank"] > 100)).any():
        bad = ranks.loc[(ranks["percentile_rank"] < 0) | (ranks["percentile_rank"] > 100), "percentile_rank"].iloc[0]
        raise ParameterError(f"stability percentile_rank must lie in [0, 100], got {bad!r}")
    year = f" {int(stability['year'].iloc[0])}" if "year" in stability.columns and len(stability) else ""
    return pd.DataFrame(
        {
            "iso3": ranks["iso3"].astype(str).to_numpy(),
            "governance_score": score_from_stability_rank(ranks["percentile_rank"]).to_numpy(),
            "basis": f"WGI political stability percentile rank{year}, (100 − rank)/10",
        }
    )


def governance_from_wgi(wgi: pd.DataFrame, year: int) -> pd.DataFrame:
    """0–10 governance scores (higher = worse) from the mean of the six WGI estimates.

    ``wgi`` is :func:`analysis.data.load_wgi` (long format; ``indicator_code`` such as
    ``GE.EST``). Economies need all six estimates for ``year``. Score =
    ``(2.5 − mean) × 2`` clipped to [0, 10] (see module doc). Columns ``iso3``,
    ``governance_score``, ``wgi_mean_estimate``, ``basis``.
    """
    check.columns("wgi", wgi, ["iso3", "indicator_code", "year", "value"])
    years = sorted(int(y) for y in wgi["year"].unique())
    if year not in years:
        raise ParameterError(f"no WGI data for year {year!r}; years: {', '.join(map(str, years))}")
    means = six_dimension_means(wgi[wgi["year"] == year])
    mean = means["mean"].to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "iso3": means["iso3"].astype(str).to_numpy(),
            "governance_score": score_from_six_mean(mean),
            "wgi_mean_estimate": mean,
            "basis": f"mean of the six WGI estimates {year}, (2.5 − mean) × 2",
        }
    )


def _governance(governance: pd.DataFrame) -> pd.DataFrame:
    """Accept a score frame (``governance_score``) or a raw stability frame (``percentile_rank``)."""
    if isinstance(governance, pd.DataFrame) and "governance_score" not in governance.columns and "percentile_rank" in governance.columns:
        return governance_from_stability(governance)
    scores = check.columns("governance", governance, ["iso3", "governance_score"])
    values = scores["governance_score"].dropna()
    if ((values < 0) | (values > WORST)).any():
        raise ParameterError(f"governance_score must lie in [0, {WORST:g}], got {values[(values < 0) | (values > WORST)].iloc[0]!r}")
    if scores["iso3"].duplicated().any():
        raise ParameterError(f"governance has several scores for {scores.loc[scores['iso3'].duplicated(), 'iso3'].iloc[0]!r}")
    return scores


# --------------------------------------------------------------------------------------------
# Import reliance
# --------------------------------------------------------------------------------------------


def import_reliance(production_t: float | np.ndarray, imports_t: float | np.ndarray, exports_t: float | np.ndarray) -> float | np.ndarray:
    """Net import reliance, ``(M − X) / (P + M − X)``, clipped to [0, 1] (vectorised).

    All three in the same unit (tonnes of the same content: mining output, mineral content of
    traded products). Net exporters (M ≤ X) get 0. NaN where apparent consumption
    ``P + M − X`` is not positive. Raises :class:`ParameterError` for negative inputs.
    """
    p, m, x = (np.asarray(v, dtype=float) for v in (production_t, imports_t, exports_t))
    for name, values in (("production_t", p), ("imports_t", m), ("exports_t", x)):
        if (values < 0).any() or not np.isfinite(values).all():
            raise ParameterError(f"{name} must be finite tonnes ≥ 0, got {values[(values < 0) | ~np.isfinite(values)].ravel()[0]!r}")
    consumption = p + m - x
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(consumption > 0, np.clip((m - x) / consumption, 0.0, 1.0), np.nan)
    return float(ratio) if ratio.ndim == 0 else ratio


# --------------------------------------------------------------------------------------------
# HHI_WGI and SR
# --------------------------------------------------------------------------------------------


def _shares_mapping(name: str, shares: Mapping[str, float] | pd.Series) -> pd.Series:
    series = pd.Series(shares, dtype=float) if not isinstance(shares, pd.Series) else shares.astype(float)
    if series.empty:
        raise ParameterError(f"{name} must list at least one country share")
    check.iso3_codes(name, list(series.index))
    if not np.isfinite(series).all() or (series < 0).any() or (series > 1).any():
        raise ParameterError(f"{name} must hold 0–1 fractions, got {series[~series.between(0, 1)].iloc[0]!r}")
    if series.sum() > 1 + 1e-6:
        raise ParameterError(f"{name} must sum to at most 1 (got {series.sum():.4f}); they are shares of one total")
    return series


def hhi_wgi_bounds(
    shares: pd.Series | Mapping[str, float],
    governance: pd.DataFrame,
    *,
    residual_share: float | None = None,
    trade_factors: Mapping[str, float] | None = None,
) -> tuple[float, float, pd.DataFrame]:
    """(lower, upper, contributions) of ``HHI_WGI = Σ S_c² × WGI_c × t_c`` on the 0–10 scale.

    ``shares``: ISO alpha-3 → 0–1 share. ``residual_share``: supply of unknown structure
    (default ``1 − Σ shares``, floored at 0). Lower bound: residual fragmented, unscored
    countries at 0; upper bound: residual one supplier at the worst score (10), unscored
    countries at 10. ``contributions`` columns: ``iso3``, ``share``, ``governance_score`` (NaN
    if unscored), ``trade_factor``, ``contribution`` (lower-bound term, 0–10 scale).
    """
    s = _shares_mapping("shares", shares)
    scores = _governance(governance).set_index("iso3")["governance_score"]
    factors = pd.Series(1.0, index=s.index)
    if trade_factors is not None:
        given = pd.Series(trade_factors, dtype=float)
        check.iso3_codes("trade_factors", list(given.index))
        if (given < 0).any() or not np.isfinite(given).all():
            raise ParameterError(f"trade_factors must be finite numbers ≥ 0, got {given[(given < 0) | ~np.isfinite(given)].iloc[0]!r}")
        factors.update(given)
    if residual_share is None:
        residual_share = max(0.0, 1.0 - float(s.sum()))
    residual_share = check.fraction("residual_share", residual_share)
    score = scores.reindex(s.index)
    base = s.to_numpy() ** 2 * factors.to_numpy()
    lower_terms = base * np.nan_to_num(score.to_numpy(), nan=0.0)
    upper_terms = base * np.nan_to_num(score.to_numpy(), nan=WORST)
    contributions = pd.DataFrame(
        {
            "iso3": s.index.astype(str),
            "share": s.to_numpy(),
            "governance_score": score.to_numpy(),
            "trade_factor": factors.to_numpy(),
            "contribution": lower_terms,
        }
    )
    lower = float(lower_terms.sum())
    upper = float(upper_terms.sum() + residual_share**2 * WORST)
    return lower, upper, contributions


@dataclass(frozen=True)
class SupplyRisk:
    """EU-method supply risk of one mineral series, as a lower–upper range (see module doc).

    ``contributions`` columns: ``iso3``, ``country``, ``share`` (0–1 of world supply),
    ``governance_score`` (0–10, higher = worse; NaN if unscored), ``trade_factor``,
    ``contribution`` (S²·WGI·t, 0–10 scale). HHI_WGI and SR values are on the 0–10 scale.
    """

    mineral: str
    measure: str
    year: int
    governance_basis: str
    hhi_wgi_gs_lower: float
    hhi_wgi_gs_upper: float
    hhi_wgi_sourcing_lower: float | None
    hhi_wgi_sourcing_upper: float | None
    import_reliance: float | None
    eol_rir: float
    substitution_index: float
    sr_lower: float
    sr_upper: float
    residual_share: float
    unscored: tuple[str, ...]
    contributions: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def core_lower(self) -> float:
        """Bracketed HHI term before the recycling and substitution factors (lower bound)."""
        return _core(self.hhi_wgi_gs_lower, self.hhi_wgi_sourcing_lower, self.import_reliance)

    @property
    def core_upper(self) -> float:
        """Bracketed HHI term before the recycling and substitution factors (upper bound)."""
        return _core(self.hhi_wgi_gs_upper, self.hhi_wgi_sourcing_upper, self.import_reliance)

    def to_row(self) -> dict[str, object]:
        """Flat summary for tables (one row per mineral)."""
        return {
            "mineral": self.mineral,
            "measure": self.measure,
            "year": self.year,
            "hhi_wgi_gs_lower": self.hhi_wgi_gs_lower,
            "hhi_wgi_gs_upper": self.hhi_wgi_gs_upper,
            "import_reliance": self.import_reliance,
            "eol_rir": self.eol_rir,
            "substitution_index": self.substitution_index,
            "sr_lower": self.sr_lower,
            "sr_upper": self.sr_upper,
            "governance_basis": self.governance_basis,
        }


def _core(gs: float, sourcing: float | None, ir: float | None) -> float:
    if ir is None or sourcing is None:
        return gs
    return gs * ir / 2.0 + sourcing * (1.0 - ir / 2.0)


def supply_risk(
    usgs: pd.DataFrame,
    governance: pd.DataFrame,
    mineral: str,
    measure: str = "mine_production",
    year: int = 2024,
    *,
    eol_rir: float = 0.0,
    substitution_index: float = 1.0,
    import_reliance: float | None = None,
    sourcing_shares: Mapping[str, float] | pd.Series | None = None,
    trade_factors: Mapping[str, float] | None = None,
    usgs_type: str | None = None,
) -> SupplyRisk:
    """EU-CRM supply risk (Blengini et al. 2017, EUR 28654 EN) of one USGS supply series.

    ``usgs``: :func:`analysis.data.load_usgs`; ``governance``: a score frame
    (:func:`governance_from_stability` / :func:`governance_from_wgi`) or the raw
    political-stability frame (converted with :func:`governance_from_stability`).
    ``mineral``/``measure``/``year``/``usgs_type`` select the series as in
    :func:`analysis.indicators.concentration.concentration`; its shares (0–1 of the USGS world
    total) are ``S_c`` of the global-supply term.

    ``eol_rir`` (0–1) and ``substitution_index`` (0–1) default to the worst case: no recycling,
    no substitute. Give ``import_reliance`` (0–1, e.g. from :func:`import_reliance`) **and**
    ``sourcing_shares`` (ISO alpha-3 → 0–1 share of the importer's actual supply: domestic
    production plus imports by origin; what they leave unassigned is treated as unknown and
    bounded) to compute the full formula with the import-reliance weighting; otherwise
    SR = HHI_WGI,GS × (1 − EoL_RIR) × SI. ``trade_factors`` (ISO → t_c ≥ 0) default to 1.
    """
    eol_rir = check.fraction("eol_rir", eol_rir)
    substitution_index = check.fraction("substitution_index", substitution_index)
    if import_reliance is not None:
        import_reliance = check.fraction("import_reliance", import_reliance)
        if sourcing_shares is None:
            raise ParameterError(
                "import_reliance needs sourcing_shares (ISO alpha-3 → share of the importer's actual supply) "
                "for the sourcing term of the formula; omit both for the global-supply term alone"
            )
    elif sourcing_shares is not None:
        raise ParameterError("sourcing_shares needs import_reliance (0–1) to weight the two terms of the formula")
    scores = _governance(governance)
    basis = str(scores["basis"].iloc[0]) if "basis" in scores.columns and len(scores) else "governance scores as given"
    result = concentration(usgs, mineral, measure, year, usgs_type=usgs_type)
    shares = pd.Series(result.shares["share"].to_numpy(), index=result.shares["iso3"].astype(str).to_numpy())
    shares = shares.clip(upper=1.0)
    named_sum = float(shares.sum())
    if named_sum > 1.0:
        shares = shares / named_sum  # USGS rounding: named shares above the rounded world total
    gs_lower, gs_upper, contributions = hhi_wgi_bounds(shares, scores, residual_share=min(result.residual_share, 1.0), trade_factors=trade_factors)
    contributions.insert(1, "country", result.shares["country"].astype(str).to_numpy())
    notes = [f"Governance: {basis}; the EU method averages all six WGI dimensions."]
    if named_sum > 1.0:
        notes.append(f"Named shares summed to {named_sum:.1%} of USGS's rounded world total; they were scaled to 100% for HHI_WGI.")
    unscored = tuple(contributions.loc[contributions["governance_score"].isna(), "iso3"])
    if unscored:
        notes.append(f"No governance score for {', '.join(unscored)}: counted at 0 in the lower bound and 10 in the upper bound.")
    if result.residual_share > 0:
        notes.append(
            f"The {result.residual_share:.1%} residual (USGS 'Other countries', rounding, withheld values) adds nothing to the lower "
            "bound and counts as one supplier at the worst score (10) in the upper bound."
        )
    sourcing_lower = sourcing_upper = None
    if import_reliance is not None and sourcing_shares is not None:
        sourcing = _shares_mapping("sourcing_shares", sourcing_shares)
        sourcing_lower, sourcing_upper, _ = hhi_wgi_bounds(sourcing, scores, trade_factors=trade_factors)
        notes.append(f"Full formula: import reliance {import_reliance:.0%} weights the global-supply term by IR/2 and the sourcing term by 1 − IR/2.")
    else:
        notes.append("Global-supply term only (no import reliance given): SR = HHI_WGI,GS × (1 − EoL-RIR) × SI.")
    if eol_rir == 0.0 and substitution_index == 1.0:
        notes.append("EoL-RIR = 0 and SI = 1 are the worst case (no recycling, no substitute), not estimates; see the sensitivity table.")
    else:
        notes.append(f"EoL-RIR = {eol_rir:g} and SI = {substitution_index:g} are assumptions supplied by the caller, not data of this package.")
    if trade_factors is None:
        notes.append("Trade-related variable t_c = 1 for every country (export restrictions and trade agreements not modelled).")
    factor = (1.0 - eol_rir) * substitution_index
    return SupplyRisk(
        mineral=mineral,
        measure=measure,
        year=int(year),
        governance_basis=basis,
        hhi_wgi_gs_lower=gs_lower,
        hhi_wgi_gs_upper=gs_upper,
        hhi_wgi_sourcing_lower=sourcing_lower,
        hhi_wgi_sourcing_upper=sourcing_upper,
        import_reliance=import_reliance,
        eol_rir=eol_rir,
        substitution_index=substitution_index,
        sr_lower=_core(gs_lower, sourcing_lower, import_reliance) * factor,
        sr_upper=_core(gs_upper, sourcing_upper, import_reliance) * factor,
        residual_share=result.residual_share,
        unscored=unscored,
        contributions=contributions.sort_values("contribution", ascending=False, kind="stable").reset_index(drop=True),
        notes=tuple(notes),
    )


def supply_risk_sensitivity(
    risk: SupplyRisk,
    eol_rir: Iterable[float] = DEFAULT_EOL_RIR_GRID,
    substitution_index: Iterable[float] = DEFAULT_SI_GRID,
) -> pd.DataFrame:
    """SR over a grid of EoL-RIR × SI values (the factors our data lack), vectorised.

    Columns ``eol_rir``, ``substitution_index``, ``sr_lower``, ``sr_upper``, ``critical_lower``
    and ``critical_upper`` (SR ≥ 1, the EU supply-risk threshold). The default grids are
    ranges to explore, not estimates of any mineral's recycling or substitutability.
    """
    if not isinstance(risk, SupplyRisk):
        raise ParameterError(f"risk must be a SupplyRisk (from supply_risk), got {type(risk).__name__}")
    eol = np.array([check.fraction("eol_rir", v) for v in eol_rir], dtype=float)
    si = np.array([check.fraction("substitution_index", v) for v in substitution_index], dtype=float)
    if not len(eol) or not len(si):
        raise ParameterError("eol_rir and substitution_index grids must each hold at least one value")
    e, s = np.meshgrid(eol, si, indexing="ij")
    factor = ((1.0 - e) * s).ravel()
    grid = pd.DataFrame({"eol_rir": e.ravel(), "substitution_index": s.ravel()})
    grid["sr_lower"] = risk.core_lower * factor
    grid["sr_upper"] = risk.core_upper * factor
    grid["critical_lower"] = grid["sr_lower"] >= 1.0
    grid["critical_upper"] = grid["sr_upper"] >= 1.0
    return grid


def supply_risk_table(
    usgs: pd.DataFrame,
    governance: pd.DataFrame,
    minerals: Iterable[str],
    measure: str = "mine_production",
    year: int = 2024,
    *,
    eol_rir: float = 0.0,
    substitution_index: float = 1.0,
) -> pd.DataFrame:
    """One :meth:`SupplyRisk.to_row` per mineral (global-supply term; worst-case factors by default).

    Minerals lacking the series are skipped and named in ``attrs["skipped"]``.
    """
    rows, skipped = [], {}
    for mineral in minerals:
        try:
            rows.append(supply_risk(usgs, governance, mineral, measure, year, eol_rir=eol_rir, substitution_index=substitution_index).to_row())
        except ParameterError as error:
            if str(error).startswith(("unknown mineral", "unknown measure")):
                raise
            skipped[mineral] = str(error)
    table = pd.DataFrame(rows)
    table.attrs["skipped"] = skipped
    return table
