"""Import dependence and export-side concentration from UN Comtrade trade tables.

Input: the tidy trade frame of :mod:`analysis.data.comtrade` (``load_quad_imports()``,
``load_all_reporters_2023()``, ``load_nickel_by_partner()`` or all of them stacked by
``load_trade()``). Columns used: ``reporter_iso3``, ``partner_iso3`` (``WLD`` = World total),
``flow`` (``import``/``export`` as reported by the reporter), ``hs_code`` (string), ``year``,
``value_usd`` (current US dollars; imports CIF, exports FOB) and ``net_weight_kg`` (kilograms
of product, not of mineral content). ``source`` and ``mineral`` are used when present.

Conventions
-----------
* **Shares** are 0–1 fractions. A *China share* is imports from China ÷ imports from the World,
  in value (USD) and, separately, in net weight (kg).
* **Year-on-year change** is ``x_t / x_(t−1) − 1`` (a fraction: 0.25 = +25 %), NaN when the
  previous calendar year is absent.
* **Zero weights.** Comtrade writes ``netWgt = 0`` where a reporter gave no weight; a zero
  weight next to a positive value is therefore read as *not reported* (NaN), never as 0 kg.
* **Overlapping files.** The extracts overlap (2023 World rows of the Quad reporters, nickel
  ores in 2023). :func:`dedupe_trade` keeps one row per reporter × partner × flow × HS code ×
  year, in the order of :data:`SOURCE_PRIORITY`, and reports rows whose values disagree.
* **HS headings vs subheadings.** A 4-digit heading (``2504``) contains its 6-digit
  subheadings (``250410``, ``250490``). Rows are kept per code as reported; when codes are
  summed to a mineral total (:func:`mineral_trade`), subheadings are dropped wherever their
  heading is present for the same reporter, partner, flow and year, so nothing is counted twice.
* **Mineral of a code** comes from :data:`analysis.data.minerals.HS_PRODUCTS`, the one table
  every module uses.

Export concentration (:func:`export_concentration`) uses exporters' own reports (flow
``export``, partner World). Not every economy reports to Comtrade, so the result carries a
*coverage* figure: reported exports ÷ world imports as reported by all importers in the same
file. Exports are valued FOB and imports CIF, so even complete coverage stays somewhat below
1; a ratio above 1 means importers that do not report, or that record the product under another
code. For bilateral tables (BACI-like, partner detail instead of World rows),
:func:`export_concentration_table` can instead read exporters' shares from importers' reports
(``source="mirror"``).

Every function is pure: DataFrames in, DataFrames or frozen dataclasses out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

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
from analysis.vocabulary import CHINA, TRADE_FLOWS as FLOWS, TRADE_KEY as KEY, TRADE_MEASURES as MEASURES, WORLD

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

TRADE_REQUIRED = ["reporter_iso3", "partner_iso3", "flow", "hs_code", "year", "value_usd", "net_weight_kg"]


# --------------------------------------------------------------------------------------------
# Preparation
# --------------------------------------------------------------------------------------------


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
        notes.append(f"{len(dropped)} rows repeated across extracts were dropped (one row kept per key, by source priority).")
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


def _mineral_column(trade: pd.DataFrame) -> pd.Series:
    if "mineral" in trade.columns:
        return trade["mineral"].astype("string")
    return trade["hs_code"].astype(str).map(lambda code: HS_PRODUCTS[code].mineral if code in HS_PRODUCTS else None).astype("string")


def _years(trade: pd.DataFrame, years: int | Iterable[int] | None) -> pd.DataFrame:
    if years is None:
        return trade
    wanted = [years] if isinstance(years, (int, np.integer)) else list(years)
    present = sorted(trade["year"].unique())
    missing = [y for y in wanted if y not in present]
    if missing:
        raise ParameterError(f"no trade rows for year(s) {missing}; years in the data: {', '.join(map(str, present))}")
    return trade[trade["year"].isin(wanted)]


def _codes(trade: pd.DataFrame, hs_codes: str | Iterable[str] | None, mineral: str | None) -> pd.DataFrame:
    present = sorted(trade["hs_code"].astype(str).unique())
    if hs_codes is not None:
        wanted = [hs_codes] if isinstance(hs_codes, str) else [str(c) for c in hs_codes]
        missing = [c for c in wanted if c not in present]
        if missing:
            raise ParameterError(f"unknown hs_code(s) {', '.join(missing)} for these rows; valid: {', '.join(present)}")
        trade = trade[trade["hs_code"].astype(str).isin(wanted)]
    if mineral is not None:
        minerals = _mineral_column(trade)
        valid = sorted(minerals.dropna().unique())
        if mineral not in valid:
            raise ParameterError(f"unknown mineral {mineral!r} for these rows; valid: {', '.join(valid)}")
        trade = trade[(minerals == mineral).fillna(False).to_numpy()]
    return trade


# --------------------------------------------------------------------------------------------
# Vectorised tables (the layer the benchmark times)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# One call per report question
# --------------------------------------------------------------------------------------------


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
    imports = trade[trade["flow"] == "import"]
    reporters = sorted(imports["reporter_iso3"].astype(str).unique())
    if reporter not in reporters:
        raise ParameterError(f"unknown reporter {reporter!r}: no import rows; valid: {', '.join(reporters)}")
    rows = imports[imports["reporter_iso3"] == reporter]
    if hs_codes is None and mapped_only:
        rows = rows[rows["hs_code"].astype(str).isin(list(HS_PRODUCTS))]
    rows = _codes(rows, hs_codes, mineral)
    rows = _years(rows, years)
    rows, notes = dedupe_trade(rows)
    zero_weights = int(((rows["net_weight_kg"] == 0) & (rows["value_usd"] > 0)).sum())
    if zero_weights:
        notes.append(f"{zero_weights} row(s) report 0 kg beside a positive value (Comtrade's 'not reported'); their weight is treated as missing.")
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
    table = table.sort_values(["hs_code", "year"], kind="stable").reset_index(drop=True)
    previous_year = table.groupby("hs_code")["year"].shift(1)
    consecutive = (table["year"] - previous_year) == 1
    for column, target in (("value_usd", "yoy_change"), ("net_weight_kg", "yoy_change_weight")):
        before = table.groupby("hs_code")[column].shift(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            table[target] = np.where(consecutive & (before > 0), table[column] / before - 1.0, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["unit_value_usd_per_kg"] = np.where(table["net_weight_kg"] > 0, table["value_usd"] / table["net_weight_kg"], np.nan)
    if "source" in rows.columns:
        world_rows = rows[rows["partner_iso3"] == WORLD]
        sources = world_rows.assign(hs_code=world_rows["hs_code"].astype(str)).drop_duplicates(["hs_code", "year"])[["hs_code", "year", "source"]]
        table = table.merge(sources, on=["hs_code", "year"], how="left")
    else:
        table["source"] = pd.NA
    above = table["china_share"] > 1 + 1e-9
    if above.any():
        notes.append(f"China's imports exceed the World total in {int(above.sum())} row(s) (reporting inconsistency); shares there are above 1.")
    columns = [
        "reporter_iso3", "hs_code", "mineral", "stage", "year", "value_usd", "net_weight_kg",
        "china_value_usd", "china_net_weight_kg", "china_share", "china_share_weight", "china_basis",
        "yoy_change", "yoy_change_weight", "unit_value_usd_per_kg", "source",
    ]  # fmt: skip
    table = table[columns]
    table.attrs["notes"] = notes
    return table


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
    rows = _codes(rows, str(hs_code), None)
    rows = _years(rows, int(year))
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
    rows = rows[rows["year"] == year]
    rows, notes = dedupe_trade(rows)
    rows = clean_weights(rows)
    exports = rows[(rows["flow"] == "export") & (rows["partner_iso3"] == WORLD)]
    imports = rows[(rows["flow"] == "import") & (rows["partner_iso3"] == WORLD)]
    if exports.empty:
        raise ParameterError(f"no exporter reported hs_code {hs_code} in {year} (partner World)")
    names = exports["reporter"] if "reporter" in exports.columns else exports["reporter_iso3"]
    per = pd.DataFrame(
        {"exporter_iso3": exports["reporter_iso3"].astype(str).to_numpy(), "exporter": names.astype(str).to_numpy(), "value": exports[measure].to_numpy(dtype=float)}
    )
    missing = per[per["value"].isna()]
    per = per[per["value"] > 0].groupby(["exporter_iso3", "exporter"], as_index=False)["value"].sum()
    per = per.sort_values(["value", "exporter_iso3"], ascending=[False, True], kind="stable").reset_index(drop=True)
    total = float(per["value"].sum())
    if total <= 0:
        raise ParameterError(f"hs_code {hs_code} {year}: no exporter reported a positive {measure}")
    world_imports = float(imports[measure].sum(min_count=1)) if len(imports) else float("nan")
    per["share"] = per["value"] / total
    per["share_of_world_imports"] = per["value"] / world_imports if world_imports > 0 else np.nan
    per["rank"] = np.arange(1, len(per) + 1)
    per["cumulative_share"] = per["share"].cumsum()
    coverage = total / world_imports if world_imports > 0 else float("nan")
    unit = "USD" if measure == "value_usd" else "kg"
    n_importers = int(imports["reporter_iso3"].nunique())
    reasons = ["exporters that do not report to Comtrade (or not for this year)"]
    if len(missing):
        reasons.append("the exporters excluded below")
    if measure == "value_usd":
        reasons.append("the CIF/FOB valuation gap")
    if np.isnan(coverage):
        notes.append("No importer reported this product, so the coverage of the exporters in the file cannot be measured.")
    elif coverage <= 1:
        notes.append(
            f"Coverage: the {len(per)} reporting exporters account for {total:,.0f} {unit}, {coverage:.0%} of world imports "
            f"as reported by {n_importers} importers ({world_imports:,.0f} {unit}); the rest comes from "
            + ", ".join(reasons[:-1]) + (" and " if len(reasons) > 1 else "") + reasons[-1] + "."
        )
    else:
        notes.append(
            f"Coverage: reported exports ({total:,.0f} {unit}) exceed world imports reported by {n_importers} importers "
            f"({world_imports:,.0f} {unit}) by {coverage - 1:.0%}: some importers do not report, or record the product "
            "under another code; shares are of reported exports."
        )
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
    rows = _years(rows, int(year))
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
