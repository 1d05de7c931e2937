"""Trade preparation: one clean row per figure before any share is taken.

Input: the tidy trade frame of :mod:`analysis.data.comtrade` (``load_quad_imports()``,
``load_all_reporters_2023()``, ``load_nickel_by_partner()`` or all of them stacked by
``load_trade()``). Columns used: ``reporter_iso3``, ``partner_iso3`` (``WLD`` = World total),
``flow`` (``import``/``export`` as reported by the reporter), ``hs_code`` (string), ``year``,
``value_usd`` (current US dollars; imports CIF, exports FOB) and ``net_weight_kg`` (kilograms
of product, not of mineral content). ``source`` and ``mineral`` are used when present.

* **Zero weights.** Comtrade writes ``netWgt = 0`` where a reporter gave no weight; a zero
  weight next to a positive value is therefore read as *not reported* (NaN), never as 0 kg
  (:func:`clean_weights`).
* **Overlapping files.** The extracts overlap (2023 World rows of the Quad reporters, nickel
  ores in 2023). :func:`dedupe_trade` keeps one row per reporter × partner × flow × HS code ×
  year, in the order of :data:`SOURCE_PRIORITY`, and reports rows whose values disagree.
* **HS headings vs subheadings.** A 4-digit heading (``2504``) contains its 6-digit
  subheadings (``250410``, ``250490``). Rows are kept per code as reported; when codes are
  summed to a mineral total (:func:`mineral_trade`), subheadings are dropped wherever their
  heading is present for the same reporter, partner, flow and year, so nothing is counted twice.
* **Mineral of a code** comes from :data:`analysis.data.minerals.HS_PRODUCTS`, the one table
  every module uses.

Every function is pure: DataFrames in, DataFrames out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.data.comtrade import (
    ALL_REPORTERS_2023_RESOURCE,
    NICKEL_RESOURCE,
    QUAD_CHINA_RESOURCE,
    QUAD_WORLD_RESOURCE,
)
from analysis.data.minerals import HS_PRODUCTS
from analysis.errors import ParameterError
from analysis.indicators import _validate as check
from analysis.vocabulary import TRADE_COLUMNS, TRADE_KEY as KEY, WORLD

#: When the same reporter × partner × flow × HS code × year appears in several shipped
#: extracts, the row of the earliest source in this tuple is kept. The Quad pulls come first
#: (they are the only ones with a China split for 2504/2822/282520); the nickel pull
#: (2000–2024, downloaded later than the 2023 file and with partner detail) comes before the
#: 2023 all-reporter file. Sources not listed here (new downloads added to the data package,
#: e.g. by ``econsec data pull-comtrade``) rank above all of these — Comtrade revises recent
#: years, so a newer download wins — the one appearing last in the frame first.
SOURCE_PRIORITY: tuple[str, ...] = (
    QUAD_WORLD_RESOURCE,
    QUAD_CHINA_RESOURCE,
    NICKEL_RESOURCE,
    ALL_REPORTERS_2023_RESOURCE,
)

#: Columns every function here requires: the trade key and measures.
TRADE_REQUIRED = TRADE_COLUMNS


def dedupe_trade(trade: pd.DataFrame, priority: Sequence[str] = SOURCE_PRIORITY) -> tuple[pd.DataFrame, list[str]]:
    """(frame with one row per reporter × partner × flow × HS code × year, notes).

    Rows are kept in the order of ``priority``; sources not listed (newer downloads) rank above
    them, the one appearing last in the frame first. Where dropped repeats carry a different
    ``value_usd`` (more than USD 1 apart), a note names them. A frame without a ``source`` column, or with a single source, is returned
    unchanged: within one extract the loaders already refuse repeated keys.
    """
    check.columns("trade", trade, TRADE_REQUIRED)
    if "source" not in trade.columns or trade["source"].nunique(dropna=False) <= 1:
        return trade, []
    listed = list(priority)
    # unlisted sources first, latest-appearing first; then the listed ones in priority order
    appearance = list(dict.fromkeys(trade["source"].astype(str)))
    unlisted = [name for name in reversed(appearance) if name not in listed]
    rank = {name: position for position, name in enumerate(unlisted + listed)}
    order = trade["source"].astype(str).map(rank).astype(int)
    ranked = trade.assign(_rank=order.to_numpy()).sort_values("_rank", kind="stable")
    keep = ~ranked.duplicated(KEY, keep="first")
    kept = ranked[keep]
    dropped = ranked[~keep]
    notes: list[str] = []
    if len(dropped):
        compare = dropped[KEY + ["value_usd", "source"]].merge(
            kept[KEY + ["value_usd", "source"]], on=KEY, suffixes=("_dropped", "_kept")
        )
        differ = compare[(compare["value_usd_dropped"] - compare["value_usd_kept"]).abs() > 1.0]
        n = len(dropped)
        notes.append(f"{n} {'record appears' if n == 1 else 'records appear'} in more than one of the trade extracts; each is counted once.")
        if len(differ):
            examples = "; ".join(
                f"{r.reporter_iso3} {r.flow} {r.hs_code} {r.year}: kept {r.value_usd_kept:,.0f} ({r.source_kept}), "
                f"dropped {r.value_usd_dropped:,.0f} ({r.source_dropped})"
                for r in differ.head(3).itertuples()
            )
            notes.append(f"{len(differ)} of them disagree in value between extracts, e.g. {examples}.")
    return kept.drop(columns="_rank").sort_index(), notes


def clean_weights(trade: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``trade`` whose zero ``net_weight_kg`` next to a positive ``value_usd`` is NaN.

    Comtrade writes 0 where the reporter gave no weight; a shipment worth dollars weighs
    something, so 0 kg there means *not reported*.
    """
    check.columns("trade", trade, ["value_usd", "net_weight_kg"])
    placeholder = (trade["net_weight_kg"] == 0) & (trade["value_usd"] > 0)
    if not placeholder.any():
        return trade
    out = trade.copy()
    out.loc[placeholder, "net_weight_kg"] = np.nan
    return out


def mineral_column(trade: pd.DataFrame) -> pd.Series:
    if "mineral" in trade.columns:
        return trade["mineral"].astype("string")
    return trade["hs_code"].astype(str).map(lambda code: HS_PRODUCTS[code].mineral if code in HS_PRODUCTS else None).astype("string")


def select_years(trade: pd.DataFrame, years: int | Iterable[int] | None) -> pd.DataFrame:
    if years is None:
        return trade
    wanted = [years] if isinstance(years, (int, np.integer)) else list(years)
    present = sorted(trade["year"].unique())
    missing = [y for y in wanted if y not in present]
    if missing:
        raise ParameterError(f"no trade rows for year(s) {missing}; years in the data: {', '.join(map(str, present))}")
    return trade[trade["year"].isin(wanted)]


def select_codes(trade: pd.DataFrame, hs_codes: str | Iterable[str] | None, mineral: str | None) -> pd.DataFrame:
    present = sorted(trade["hs_code"].astype(str).unique())
    if hs_codes is not None:
        wanted = [hs_codes] if isinstance(hs_codes, str) else [str(c) for c in hs_codes]
        missing = [c for c in wanted if c not in present]
        if missing:
            raise ParameterError(f"unknown hs_code(s) {', '.join(missing)} for these rows; valid: {', '.join(present)}")
        trade = trade[trade["hs_code"].astype(str).isin(wanted)]
    if mineral is not None:
        minerals = mineral_column(trade)
        valid = sorted(minerals.dropna().unique())
        if mineral not in valid:
            raise ParameterError(f"unknown mineral {mineral!r} for these rows; valid: {', '.join(valid)}")
        trade = trade[(minerals == mineral).fillna(False).to_numpy()]
    return trade


def mineral_trade(
    trade: pd.DataFrame,
    reporter: str,
    year: int,
    *,
    stages: Iterable[str] = ("ore", "processed", "metal"),
) -> pd.DataFrame:
    """A reporter's imports and exports (partner World) summed per mineral over its HS codes.

    HS codes map to minerals through :data:`HS_PRODUCTS`; only codes at the given ``stages``
    count (batteries are left out by default: a lithium-ion cell is not lithium). Subheadings
    are dropped where their 4-digit heading is present (no double counting). Columns
    ``mineral``, ``imports_usd``, ``exports_usd``, ``net_imports_usd`` (imports − exports),
    ``net_import_ratio`` = (M − X) / (M + X) ∈ [−1, 1] (1 = imports only, −1 = exports only),
    ``imports_kg``, ``exports_kg`` (product weight, not mineral content), ``hs_codes``.
    """
    check.columns("trade", trade, TRADE_REQUIRED)
    (reporter,) = check.iso3_codes("reporter", reporter)
    stages = tuple(stages)
    valid_stages = sorted({p.stage for p in HS_PRODUCTS.values()})
    for stage in stages:
        check.choice("stage", stage, valid_stages)
    rows = trade[(trade["reporter_iso3"] == reporter) & (trade["partner_iso3"] == WORLD)]
    if rows.empty:
        reporters = sorted(trade.loc[trade["partner_iso3"] == WORLD, "reporter_iso3"].astype(str).unique())
        raise ParameterError(f"unknown reporter {reporter!r}: no World rows; valid: {', '.join(reporters)}")
    rows = select_years(rows, int(year))
    rows, _notes = dedupe_trade(rows)
    rows = clean_weights(rows)
    rows = rows.assign(hs_code=rows["hs_code"].astype(str))
    rows = rows[rows["hs_code"].map(lambda c: c in HS_PRODUCTS and HS_PRODUCTS[c].stage in stages)]
    # Drop subheadings whose heading is present for the same flow (the heading is the total).
    heading_keys = set(rows["flow"] + "|" + rows["hs_code"])
    is_sub = (rows["hs_code"].str.len() == 6) & (rows["flow"] + "|" + rows["hs_code"].str[:4]).isin(heading_keys)
    rows = rows[~is_sub]
    rows = rows.assign(mineral=rows["hs_code"].map(lambda c: HS_PRODUCTS[c].mineral))
    columns = ["mineral", "imports_usd", "exports_usd", "net_imports_usd", "net_import_ratio", "imports_kg", "exports_kg", "hs_codes"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    pivot = rows.pivot_table(index="mineral", columns="flow", values=["value_usd", "net_weight_kg"], aggfunc="sum", fill_value=0.0)
    out = pd.DataFrame(index=pivot.index)
    for flow, name in (("import", "imports"), ("export", "exports")):
        out[f"{name}_usd"] = pivot[("value_usd", flow)] if ("value_usd", flow) in pivot.columns else 0.0
        out[f"{name}_kg"] = pivot[("net_weight_kg", flow)] if ("net_weight_kg", flow) in pivot.columns else 0.0
    out["net_imports_usd"] = out["imports_usd"] - out["exports_usd"]
    gross = out["imports_usd"] + out["exports_usd"]
    out["net_import_ratio"] = np.where(gross > 0, out["net_imports_usd"] / gross, np.nan)
    out["hs_codes"] = rows.groupby("mineral")["hs_code"].agg(lambda codes: ", ".join(sorted(set(codes))))
    return out.reset_index()[columns]
