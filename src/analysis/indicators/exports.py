"""Export-side concentration from UN Comtrade trade tables.

Export concentration (:func:`export_concentration`) uses exporters' own reports (flow
``export``, partner World). Not every economy reports to Comtrade, so the result carries a
*coverage* figure: reported exports ÷ world imports as reported by all importers in the same
file. Exports are valued FOB and imports CIF, so even complete coverage stays somewhat below
1; a ratio above 1 means importers that do not report, or that record the product under another
code. For bilateral tables (BACI-like, partner detail instead of World rows),
:func:`export_concentration_table` can instead read exporters' shares from importers' reports
(``source="mirror"``). Input frames and conventions: :mod:`analysis.indicators.trade`; shares
are 0–1 fractions.

Every function is pure: DataFrames in, DataFrames or frozen dataclasses out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.data.minerals import HS_PRODUCTS
from analysis.errors import ParameterError
from analysis.indicators import _validate as check
from analysis.indicators.trade import TRADE_REQUIRED, clean_weights, dedupe_trade
from analysis.vocabulary import CHINA, TRADE_MEASURES as MEASURES, WORLD


def export_concentration_table(
    trade: pd.DataFrame,
    *,
    measure: str = "value_usd",
    source: str = "exports",
    by: Sequence[str] = ("hs_code", "year"),
    top_k: int = 3,
) -> pd.DataFrame:
    """Exporter concentration of every product × year at once, vectorised.

    ``source="exports"`` reads exporters' own reports (flow ``export``; the World partner row
    where present, else the sum over partners); ``source="mirror"`` reads importers' reports
    (flow ``import``, exporter = partner, World rows and Comtrade areas left out) — the way BACI
    is built. ``measure`` is ``value_usd`` (USD) or ``net_weight_kg`` (kg); exporters without a
    number for it are left out (``n_missing``).

    Columns: the ``by`` keys, ``total`` (sum over exporters, in ``measure``), ``n_exporters``,
    ``n_missing``, ``leader`` (ISO alpha-3), ``leader_share``, ``top_k_share`` (0–1), ``hhi``
    (0–10 000, Σ (100·share)² over exporters; shares of the reported total, so they sum to 1).
    Where importers' World rows are present (``source="exports"``), ``world_imports`` and
    ``coverage_ratio`` = ``total`` ÷ ``world_imports`` are added.
    """
    check.columns("trade", trade, TRADE_REQUIRED)
    check.choice("measure", measure, MEASURES)
    check.choice("source", source, ("exports", "mirror"))
    top_k = check.positive_int("top_k", top_k)
    by = list(by)
    check.columns("trade", trade, by)
    # Select rows with one boolean mask and copy only the columns needed (a BACI-sized frame
    # must not be copied whole).
    flow_wanted = "export" if source == "exports" else "import"
    keep = (trade["flow"] == flow_wanted).to_numpy()
    is_world = (trade["partner_iso3"] == WORLD).to_numpy()
    if source == "exports":
        if (keep & is_world).any():
            keep = keep & is_world
        exporter_column = "reporter_iso3"
    else:
        keep = keep & ~is_world
        if "partner_kind" in trade.columns:
            keep = keep & (trade["partner_kind"] == "country").to_numpy()
        exporter_column = "partner_iso3"
    columns = list(dict.fromkeys(by + [exporter_column, measure, "value_usd"]))
    rows = trade[columns] if keep.all() else trade.loc[keep, columns]
    values = rows[measure].to_numpy(dtype=float)
    if measure == "net_weight_kg":
        values = np.where((values == 0) & (rows["value_usd"].to_numpy(dtype=float) > 0), np.nan, values)
    frame = rows[by].copy()
    frame["exporter"] = rows[exporter_column].array
    frame["value"] = values
    del rows
    per_exporter = frame.groupby(by + ["exporter"], observed=True, sort=False)["value"].agg(["sum", "count"])
    # An exporter counts as missing when none of its rows has a number for ``measure``.
    missing = per_exporter["count"] == 0
    n_missing = missing.groupby(level=by, observed=True).sum()
    per_exporter = per_exporter.loc[~missing & (per_exporter["sum"] > 0), ["sum"]].rename(columns={"sum": "value"}).reset_index()
    per_exporter = per_exporter.sort_values(by + ["value", "exporter"], ascending=[True] * len(by) + [False, True], kind="stable")
    group = per_exporter.groupby(by, observed=True, sort=False)
    total = group["value"].transform("sum").to_numpy()
    share = per_exporter["value"].to_numpy() / total
    per_exporter["share"] = share
    per_exporter["hhi_part"] = (100.0 * share) ** 2
    per_exporter["rank"] = group.cumcount().to_numpy() + 1
    per_exporter["top_part"] = np.where(per_exporter["rank"] <= top_k, share, 0.0)
    result = per_exporter.groupby(by, observed=True, sort=True).agg(
        total=("value", "sum"),
        n_exporters=("value", "size"),
        hhi=("hhi_part", "sum"),
        top_k_share=("top_part", "sum"),
    )
    leaders = per_exporter[per_exporter["rank"] == 1].set_index(by)[["exporter", "share"]]
    result = result.join(leaders.rename(columns={"exporter": "leader", "share": "leader_share"}))
    result["n_missing"] = n_missing.reindex(result.index).fillna(0).astype(int)
    result["top_k"] = top_k
    result = result.reset_index()
    if source == "exports":
        imports = trade[(trade["flow"] == "import") & (trade["partner_iso3"] == WORLD)]
        if len(imports):
            world_imports = imports.groupby(by, observed=True)[measure].sum(min_count=1).rename("world_imports")
            result = result.merge(world_imports.reset_index(), on=by, how="left")
            with np.errstate(divide="ignore", invalid="ignore"):
                result["coverage_ratio"] = np.where(result["world_imports"] > 0, result["total"] / result["world_imports"], np.nan)
    result["leader"] = result["leader"].astype(str)
    return result


@dataclass(frozen=True)
class ExportConcentration:
    """Exporter concentration of one HS code in one year (from exporters' own reports).

    ``shares`` columns: ``exporter_iso3``, ``exporter``, ``value`` (in ``measure``: USD or kg),
    ``share`` (0–1 of reported exports), ``share_of_world_imports`` (0–1 of world imports as
    reported by importers; NaN if none), ``rank``, ``cumulative_share``.
    """

    hs_code: str
    mineral: str | None
    description: str
    year: int
    measure: str
    shares: pd.DataFrame
    exports_total: float
    world_imports_total: float
    coverage_ratio: float
    n_exporters: int
    n_importers: int
    hhi: float
    top_k: int
    top_k_share: float
    missing_exporters: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def leader_iso3(self) -> str:
        """ISO alpha-3 (or Comtrade area code) of the largest exporter."""
        return str(self.shares["exporter_iso3"].iloc[0])

    @property
    def leader(self) -> str:
        """Display name of the largest exporter."""
        return str(self.shares["exporter"].iloc[0])

    @property
    def leader_share(self) -> float:
        """Largest exporter's share (0–1) of reported exports."""
        return float(self.shares["share"].iloc[0])

    def share_of(self, iso3: str) -> float:
        """Share (0–1) of reported exports of one exporter (0.0 if it reported none)."""
        row = self.shares.loc[self.shares["exporter_iso3"] == iso3, "share"]
        return float(row.iloc[0]) if len(row) else 0.0

    def to_row(self) -> dict[str, object]:
        """Flat summary for tables (one row per product)."""
        return {
            "hs_code": self.hs_code,
            "mineral": self.mineral,
            "year": self.year,
            "measure": self.measure,
            "exports_total": self.exports_total,
            "world_imports_total": self.world_imports_total,
            "coverage_ratio": self.coverage_ratio,
            "n_exporters": self.n_exporters,
            "leader": self.leader,
            "leader_iso3": self.leader_iso3,
            "leader_share": self.leader_share,
            "china_share": self.share_of(CHINA),
            f"top{self.top_k}_share": self.top_k_share,
            "hhi": self.hhi,
        }


def export_concentration(
    trade: pd.DataFrame,
    hs_code: str,
    *,
    year: int | None = None,
    measure: str = "value_usd",
    top_k: int = 3,
) -> ExportConcentration:
    """Exporter shares, HHI (0–10 000) and top-k share of one product, with a coverage note.

    ``trade`` holds exporters' reports with partner World (``load_all_reporters_2023()``);
    ``hs_code`` one of its codes (string, e.g. ``"282520"``); ``year`` may be omitted when the
    rows cover one year. ``measure`` is ``value_usd`` (USD, FOB) or ``net_weight_kg`` (kg).

    Shares are of the *reported* exports (they sum to 1). The coverage ratio compares those
    exports with world imports reported by every importer in the same frame, so a reader sees
    how much of world trade the exporters in the file explain (see module doc for why it is not
    exactly 1 even with full coverage). Exporters that reported a value but no weight are listed
    in ``missing_exporters`` when ``measure="net_weight_kg"``.
    """
    check.columns("trade", trade, TRADE_REQUIRED)
    check.choice("measure", measure, MEASURES)
    top_k = check.positive_int("top_k", top_k)
    hs_code = str(hs_code)
    rows, year = _product_rows(trade, hs_code, year)
    rows, notes = dedupe_trade(rows)
    rows = clean_weights(rows)
    exports = rows[(rows["flow"] == "export") & (rows["partner_iso3"] == WORLD)]
    imports = rows[(rows["flow"] == "import") & (rows["partner_iso3"] == WORLD)]
    if exports.empty:
        raise ParameterError(f"no exporter reported hs_code {hs_code} in {year} (partner World)")
    per, missing = _exporter_values(exports, measure)
    total = float(per["value"].sum())
    if total <= 0:
        raise ParameterError(f"hs_code {hs_code} {year}: no exporter reported a positive {measure}")
    world_imports = float(imports[measure].sum(min_count=1)) if len(imports) else float("nan")
    per["share"] = per["value"] / total
    per["share_of_world_imports"] = per["value"] / world_imports if world_imports > 0 else np.nan
    per["rank"] = np.arange(1, len(per) + 1)
    per["cumulative_share"] = per["share"].cumsum()
    coverage = total / world_imports if world_imports > 0 else float("nan")
    n_importers = int(imports["reporter_iso3"].nunique())
    notes.append(_coverage_note(total, world_imports, coverage, len(per), n_importers, measure, bool(len(missing))))
    if len(missing):
        notes.append(
            f"Excluded, not counted as zero: {', '.join(missing['exporter'])} reported no {measure.replace('_', ' ')} for this product."
        )
    if "S19" in set(per["exporter_iso3"]):
        notes.append("'Other Asia, nes' (S19) is Comtrade's label for Taiwan's trade; it is kept as reported.")
    product = HS_PRODUCTS.get(hs_code)
    description = product.description if product else (str(rows["hs_description"].iloc[0]) if "hs_description" in rows.columns else "")
    return ExportConcentration(
        hs_code=hs_code,
        mineral=product.mineral if product else None,
        description=description,
        year=int(year),
        measure=measure,
        shares=per,
        exports_total=total,
        world_imports_total=world_imports,
        coverage_ratio=coverage,
        n_exporters=len(per),
        n_importers=n_importers,
        hhi=float(((100.0 * per["share"]) ** 2).sum()),
        top_k=top_k,
        top_k_share=float(per["share"].head(top_k).sum()),
        missing_exporters=tuple(missing["exporter_iso3"]),
        notes=tuple(notes),
    )


def _product_rows(trade: pd.DataFrame, hs_code: str, year: int | None) -> tuple[pd.DataFrame, int]:
    """Rows of one HS code and year (the only year when ``year`` is None), checked."""
    codes = sorted(trade["hs_code"].astype(str).unique())
    if hs_code not in codes:
        raise ParameterError(f"unknown hs_code {hs_code!r}; valid: {', '.join(codes)}")
    rows = trade[trade["hs_code"].astype(str) == hs_code]
    years = sorted(int(y) for y in rows["year"].unique())
    if year is None:
        if len(years) > 1:
            raise ParameterError(f"hs_code {hs_code} has several years; choose year from: {', '.join(map(str, years))}")
        year = years[0]
    elif year not in years:
        raise ParameterError(f"no rows for hs_code {hs_code} in {year}; years: {', '.join(map(str, years))}")
    return rows[rows["year"] == year], year


def _exporter_values(exports: pd.DataFrame, measure: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Positive values per exporter, largest first, and the exporters that reported none of ``measure``."""
    names = exports["reporter"] if "reporter" in exports.columns else exports["reporter_iso3"]
    per = pd.DataFrame(
        {"exporter_iso3": exports["reporter_iso3"].astype(str).to_numpy(), "exporter": names.astype(str).to_numpy(), "value": exports[measure].to_numpy(dtype=float)}
    )
    missing = per[per["value"].isna()]
    per = per[per["value"] > 0].groupby(["exporter_iso3", "exporter"], as_index=False)["value"].sum()
    per = per.sort_values(["value", "exporter_iso3"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return per, missing


def _coverage_note(total: float, world_imports: float, coverage: float, n_exporters: int, n_importers: int, measure: str,
                   any_missing: bool) -> str:
    """How much of world imports the reporting exporters explain, and why the rest is missing."""
    unit = "USD" if measure == "value_usd" else "kg"
    reasons = ["exporters that do not report to Comtrade (or not for this year)"]
    if any_missing:
        reasons.append("the exporters excluded below")
    if measure == "value_usd":
        reasons.append("the CIF/FOB valuation gap")
    if np.isnan(coverage):
        return "No importer reported this product, so the coverage of the exporters in the file cannot be measured."
    if coverage <= 1:
        return (
            f"Coverage: the {n_exporters} reporting exporters account for {total:,.0f} {unit}, {coverage:.0%} of world imports "
            f"as reported by {n_importers} importers ({world_imports:,.0f} {unit}); the rest comes from "
            + ", ".join(reasons[:-1]) + (" and " if len(reasons) > 1 else "") + reasons[-1] + "."
        )
    return (
        f"Coverage: reported exports ({total:,.0f} {unit}) exceed world imports reported by {n_importers} importers "
        f"({world_imports:,.0f} {unit}) by {coverage - 1:.0%}: some importers do not report, or record the product "
        "under another code; shares are of reported exports."
    )


def export_concentration_summary(
    trade: pd.DataFrame,
    *,
    stages: Iterable[str] = ("processed",),
    year: int | None = None,
    measure: str = "value_usd",
    top_k: int = 3,
) -> pd.DataFrame:
    """:meth:`ExportConcentration.to_row` for every product of the HS table at ``stages``.

    One row per HS code present in ``trade`` whose :data:`HS_PRODUCTS` stage is in ``stages``
    (default the processed products: cobalt oxides, lithium hydroxide and carbonate, rare-earth
    compounds, nickel intermediates, …), sorted by mineral and code, with a ``coverage_note``
    column holding the first note (how much of world imports the reported exports explain).
    """
    check.columns("trade", trade, TRADE_REQUIRED)
    stages = tuple(stages)
    valid_stages = sorted({p.stage for p in HS_PRODUCTS.values()})
    for stage in stages:
        check.choice("stage", stage, valid_stages)
    codes = sorted(c for c in trade["hs_code"].astype(str).unique() if c in HS_PRODUCTS and HS_PRODUCTS[c].stage in stages)
    if not codes:
        raise ParameterError(f"no HS code at stage(s) {', '.join(stages)} in these rows")
    rows = []
    for code in codes:
        result = export_concentration(trade, code, year=year, measure=measure, top_k=top_k)
        rows.append(result.to_row() | {"description": result.description, "coverage_note": result.notes[0]})
    return pd.DataFrame(rows).sort_values(["mineral", "hs_code"], kind="stable").reset_index(drop=True)
