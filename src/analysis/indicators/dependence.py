"""Import dependence: China's share of India's and Japan's imports, and where imports come from.

Input: a tidy trade frame (see :mod:`analysis.indicators.trade` for its columns and for the
preparation every function applies: de-duplication across extracts, zero weights read as
missing).

Conventions
-----------
* **Shares** are 0–1 fractions. A *China share* is imports from China ÷ imports from the World,
  in value (USD) and, separately, in net weight (kg).
* **Year-on-year change** is ``x_t / x_(t−1) − 1`` (a fraction: 0.25 = +25 %), NaN when the
  previous calendar year is absent.

Every function is pure: DataFrames in, DataFrames out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.data.minerals import HS_PRODUCTS
from analysis.errors import ParameterError
from analysis.indicators import _validate as check
from analysis.indicators.trade import TRADE_REQUIRED, clean_weights, dedupe_trade, select_codes, select_years
from analysis.vocabulary import CHINA, TRADE_FLOWS as FLOWS, WORLD


def supplier_share_table(
    trade: pd.DataFrame,
    supplier: str = CHINA,
    *,
    flow: str = "import",
    by: Sequence[str] = ("reporter_iso3", "hs_code", "year"),
) -> pd.DataFrame:
    """Share of each reporter's ``flow`` that goes to / comes from ``supplier``, vectorised.

    One row per ``by`` group with ``total_value_usd``, ``total_net_weight_kg`` (the World
    partner row where the group has one, else the sum over individual partners),
    ``supplier_value_usd``, ``supplier_net_weight_kg``, ``supplier_share`` and
    ``supplier_share_weight`` (0–1; NaN where the total is missing or zero), and
    ``supplier_basis``:

    * ``reported`` — a row for ``supplier`` exists;
    * ``absent_from_partner_detail`` — the group lists individual partners but not
      ``supplier``: Comtrade omits zero flows, so the share is 0;
    * ``no_partner_detail`` — the group has only a World row: the share is unknown (NaN).

    Works on frames of tens of millions of rows (one groupby pass; categorical key columns are
    grouped with ``observed=True``). Zero weights beside positive values count as missing.
    """
    check.columns("trade", trade, TRADE_REQUIRED)
    check.choice("flow", flow, FLOWS)
    (supplier,) = check.iso3_codes("supplier", supplier)
    by = list(by)
    check.columns("trade", trade, by)
    in_flow = (trade["flow"] == flow).to_numpy()
    narrow = trade[by + ["partner_iso3", "value_usd", "net_weight_kg"]]
    if not in_flow.all():
        narrow = narrow[in_flow]
    value = narrow["value_usd"].to_numpy(dtype=float)
    weight = narrow["net_weight_kg"].to_numpy(dtype=float)
    placeholder = (weight == 0) & (value > 0)
    if placeholder.any():
        narrow = narrow.assign(net_weight_kg=np.where(placeholder, np.nan, weight))
    partner = narrow["partner_iso3"]
    is_world = (partner == WORLD).to_numpy()
    is_supplier = (partner == supplier).to_numpy()
    # One grouping pass gives every row its group number; each total is then a weighted
    # bincount over those numbers (no per-subset groupby, no MultiIndex joins).
    grouped = narrow.groupby(by, observed=True, sort=True, dropna=False)
    ids = grouped.ngroup().to_numpy(dtype=np.int64)
    n_groups = grouped.ngroups
    out = grouped.size().index.to_frame(index=False)
    value = narrow["value_usd"].to_numpy(dtype=float)
    weight = narrow["net_weight_kg"].to_numpy(dtype=float)
    del narrow, grouped

    def total(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` over masked rows per group; NaN where no masked row has a number."""
        present = mask & ~np.isnan(values)
        sums = np.bincount(ids, weights=np.where(present, values, 0.0), minlength=n_groups)
        counts = np.bincount(ids, weights=present, minlength=n_groups)
        return np.where(counts > 0, sums, np.nan)

    def count(mask: np.ndarray) -> np.ndarray:
        """Number of masked rows per group."""
        return np.bincount(ids, weights=mask, minlength=n_groups).astype(np.int64)

    detail = ~is_world
    out["world_n"] = count(is_world)
    out["detail_n"] = count(detail)
    out["supplier_n"] = count(is_supplier)
    has_world = (out["world_n"] > 0).to_numpy()
    out["total_value_usd"] = np.where(has_world, total(is_world, value), total(detail, value))
    out["total_net_weight_kg"] = np.where(has_world, total(is_world, weight), total(detail, weight))
    out["supplier_value_usd"] = total(is_supplier, value)
    out["supplier_net_weight_kg"] = total(is_supplier, weight)
    reported = (out["supplier_n"] > 0).to_numpy()
    absent = ~reported & ((out["detail_n"] - out["supplier_n"]) > 0).to_numpy()
    out["supplier_basis"] = pd.Categorical.from_codes(
        np.select([reported, absent], [0, 1], 2), categories=["reported", "absent_from_partner_detail", "no_partner_detail"]
    )
    out["supplier_value_usd"] = np.where(reported, out["supplier_value_usd"], np.where(absent, 0.0, np.nan))
    out["supplier_net_weight_kg"] = np.where(reported, out["supplier_net_weight_kg"], np.where(absent, 0.0, np.nan))
    with np.errstate(divide="ignore", invalid="ignore"):
        total_v = out["total_value_usd"].to_numpy(dtype=float)
        total_w = out["total_net_weight_kg"].to_numpy(dtype=float)
        out["supplier_share"] = np.where(total_v > 0, out["supplier_value_usd"].to_numpy(dtype=float) / total_v, np.nan)
        out["supplier_share_weight"] = np.where(total_w > 0, out["supplier_net_weight_kg"].to_numpy(dtype=float) / total_w, np.nan)
    out["supplier"] = supplier
    columns = by + [
        "supplier",
        "total_value_usd",
        "total_net_weight_kg",
        "supplier_value_usd",
        "supplier_net_weight_kg",
        "supplier_share",
        "supplier_share_weight",
        "supplier_basis",
    ]
    return out[columns]


def import_dependence(
    trade: pd.DataFrame,
    reporter: str,
    *,
    hs_codes: str | Iterable[str] | None = None,
    mineral: str | None = None,
    years: int | Iterable[int] | None = None,
    mapped_only: bool = True,
) -> pd.DataFrame:
    """A reporter's imports per HS code and year, with China's share and year-on-year change.

    ``trade`` is a tidy Comtrade frame (``load_trade()`` for everything; overlapping extracts
    are deduplicated by :func:`dedupe_trade`). ``reporter`` is an ISO alpha-3 code present as an
    importing reporter (e.g. ``"IND"``, ``"JPN"``). ``hs_codes`` / ``mineral`` / ``years``
    optionally narrow the rows (unknown values raise :class:`ParameterError` listing valid ones);
    without ``hs_codes``, only codes of the HS → mineral table are kept (``mapped_only=False``
    keeps every code in the data, e.g. chemicals the source file tagged for another reason).

    One row per HS code × year with columns ``reporter_iso3``, ``hs_code``, ``mineral``,
    ``stage``, ``year``, ``value_usd`` (imports from the World, USD), ``net_weight_kg`` (kg),
    ``china_value_usd``, ``china_net_weight_kg``, ``china_share`` (0–1 of value),
    ``china_share_weight`` (0–1 of weight), ``china_basis`` (see :func:`supplier_share_table`;
    NaN shares where the file has no partner split), ``yoy_change`` and ``yoy_change_weight``
    (fractions vs the previous calendar year, NaN if it is absent), ``unit_value_usd_per_kg``
    and ``source`` (extract of the World row). ``attrs["notes"]`` lists what was deduplicated
    or treated as missing.

    Assumes the World row is the reporter's total; a World total missing for a year gives NaN
    shares for it.
    """
    check.columns("trade", trade, TRADE_REQUIRED)
    (reporter,) = check.iso3_codes("reporter", reporter)
    rows = _reporter_imports(trade, reporter, hs_codes, mineral, years, mapped_only)
    rows, notes = dedupe_trade(rows)
    zero_weights = int(((rows["net_weight_kg"] == 0) & (rows["value_usd"] > 0)).sum())
    if zero_weights:
        notes.append(
            f"{zero_weights} {'record reports' if zero_weights == 1 else 'records report'} a weight of 0 kg beside a positive value "
            "(UN Comtrade's way of marking a weight as not reported); that weight is treated as missing."
        )
    table = _china_table(rows)
    _add_changes(table)
    if "source" in rows.columns:
        world_rows = rows[rows["partner_iso3"] == WORLD]
        sources = world_rows.assign(hs_code=world_rows["hs_code"].astype(str)).drop_duplicates(["hs_code", "year"])[["hs_code", "year", "source"]]
        table = table.merge(sources, on=["hs_code", "year"], how="left")
    else:
        table["source"] = pd.NA
    above = table["china_share"] > 1 + 1e-9
    if above.any():
        n = int(above.sum())
        notes.append(f"Imports from China exceed imports from the World in {n} {'record' if n == 1 else 'records'} "
                     "(a reporting inconsistency); China's share there is above 100%.")
    columns = [
        "reporter_iso3", "hs_code", "mineral", "stage", "year", "value_usd", "net_weight_kg",
        "china_value_usd", "china_net_weight_kg", "china_share", "china_share_weight", "china_basis",
        "yoy_change", "yoy_change_weight", "unit_value_usd_per_kg", "source",
    ]  # fmt: skip
    table = table[columns]
    table.attrs["notes"] = notes
    return table


def _reporter_imports(trade: pd.DataFrame, reporter: str, hs_codes: str | Iterable[str] | None, mineral: str | None,
                      years: int | Iterable[int] | None, mapped_only: bool) -> pd.DataFrame:
    """The reporter's import rows, narrowed to the codes, mineral and years asked for (checked)."""
    imports = trade[trade["flow"] == "import"]
    reporters = sorted(imports["reporter_iso3"].astype(str).unique())
    if reporter not in reporters:
        raise ParameterError(f"unknown reporter {reporter!r}: no import rows; valid: {', '.join(reporters)}")
    rows = imports[imports["reporter_iso3"] == reporter]
    if hs_codes is None and mapped_only:
        rows = rows[rows["hs_code"].astype(str).isin(list(HS_PRODUCTS))]
    rows = select_codes(rows, hs_codes, mineral)
    return select_years(rows, years)


def _china_table(rows: pd.DataFrame) -> pd.DataFrame:
    """China's share per reporter × HS code × year, in China's column names, with mineral and stage."""
    table = supplier_share_table(rows, CHINA, flow="import", by=("reporter_iso3", "hs_code", "year"))
    table = table.rename(
        columns={
            "total_value_usd": "value_usd",
            "total_net_weight_kg": "net_weight_kg",
            "supplier_value_usd": "china_value_usd",
            "supplier_net_weight_kg": "china_net_weight_kg",
            "supplier_share": "china_share",
            "supplier_share_weight": "china_share_weight",
            "supplier_basis": "china_basis",
        }
    ).drop(columns="supplier")
    table["hs_code"] = table["hs_code"].astype(str)
    table["mineral"] = table["hs_code"].map(lambda c: HS_PRODUCTS[c].mineral if c in HS_PRODUCTS else None).astype("string")
    table["stage"] = table["hs_code"].map(lambda c: HS_PRODUCTS[c].stage if c in HS_PRODUCTS else None).astype("string")
    return table.sort_values(["hs_code", "year"], kind="stable").reset_index(drop=True)


def _add_changes(table: pd.DataFrame) -> None:
    """Add year-on-year changes of value and weight (NaN without the previous calendar year) and the unit value, in place."""
    previous_year = table.groupby("hs_code")["year"].shift(1)
    consecutive = (table["year"] - previous_year) == 1
    for column, target in (("value_usd", "yoy_change"), ("net_weight_kg", "yoy_change_weight")):
        before = table.groupby("hs_code")[column].shift(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            table[target] = np.where(consecutive & (before > 0), table[column] / before - 1.0, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["unit_value_usd_per_kg"] = np.where(table["net_weight_kg"] > 0, table["value_usd"] / table["net_weight_kg"], np.nan)


def import_sources(trade: pd.DataFrame, reporter: str, hs_code: str, year: int) -> pd.DataFrame:
    """Partner shares of one reporter's imports of one HS code in one year (partner detail only).

    Only extracts with individual partners can answer this (in the data package: the nickel
    file for 260400/750110; the Quad files split China from the rest). Columns ``partner_iso3``,
    ``partner``, ``value_usd``, ``net_weight_kg``, ``share`` (0–1 of the World row if present,
    else of the partner sum), ``rank``; plus one ``partner_iso3 = "REST"`` row for what the
    listed partners do not account for (World minus their sum, if positive).
    """
    check.columns("trade", trade, TRADE_REQUIRED)
    (reporter,) = check.iso3_codes("reporter", reporter)
    rows = trade[(trade["flow"] == "import") & (trade["reporter_iso3"] == reporter)]
    if rows.empty:
        reporters = sorted(trade.loc[trade["flow"] == "import", "reporter_iso3"].astype(str).unique())
        raise ParameterError(f"unknown reporter {reporter!r}: no import rows; valid: {', '.join(reporters)}")
    rows = select_codes(rows, str(hs_code), None)
    rows = select_years(rows, int(year))
    rows, _notes = dedupe_trade(rows)
    rows = clean_weights(rows)
    world = rows[rows["partner_iso3"] == WORLD]
    partners = rows[rows["partner_iso3"] != WORLD]
    if partners.empty:
        raise ParameterError(f"{reporter} {hs_code} {year}: the data give only the World total, no partner detail")
    total = float(world["value_usd"].iloc[0]) if len(world) else float(partners["value_usd"].sum())
    name = partners["partner"] if "partner" in partners.columns else partners["partner_iso3"]
    out = pd.DataFrame(
        {
            "partner_iso3": partners["partner_iso3"].astype(str).to_numpy(),
            "partner": name.astype(str).to_numpy(),
            "value_usd": partners["value_usd"].to_numpy(dtype=float),
            "net_weight_kg": partners["net_weight_kg"].to_numpy(dtype=float),
        }
    ).sort_values(["value_usd", "partner_iso3"], ascending=[False, True], kind="stable")
    rest = total - float(out["value_usd"].sum())
    if rest > 0.5:
        out = pd.concat(
            [out, pd.DataFrame([{"partner_iso3": "REST", "partner": "Partners not listed", "value_usd": rest, "net_weight_kg": np.nan}])],
            ignore_index=True,
        )
    out["share"] = out["value_usd"] / total if total > 0 else np.nan
    out["rank"] = np.arange(1, len(out) + 1)
    return out.reset_index(drop=True)
