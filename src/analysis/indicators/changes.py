"""What changed between two states of the data: shares, HHI, China's share of imports.

:func:`what_changed` is pure — it compares two USGS frames (:func:`analysis.data.load_usgs`) and
two trade frames (:func:`analysis.data.load_trade`) and returns one row per changed figure,
computed, never typed:

* **share of world supply** of each country, per mineral × measure × year × USGS type, and the
  **HHI** (lower bound, 0–10 000) of the same series — both from
  :func:`analysis.indicators.concentration.concentration`, only for series whose rows differ;
* **China's share of imports** of India and Japan, per HS code × year: imports from China ÷
  imports from the World, from the reporters' own declarations (one row per key by the same
  rule the reports use — :func:`analysis.indicators.trade.dedupe_trade`: a newer pull wins);
* **series** that only one state has (a new edition's new year, a pull's new products): listed
  with status ``new`` or ``removed``, without recomputing their indicators.

:func:`analysis.reports.changes.changes_since` loads the state kept in ``data/history/`` before
the last import (or any other snapshot / git ref) and the current state
(:func:`analysis.data.refresh.history.states`), and calls :func:`what_changed`: the briefing's
"what changed" section is one call. ``econsec data diff`` prints the same table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.indicators.trade import dedupe_trade
from analysis.errors import ParameterError
from analysis.indicators.concentration import MEASURE_LABELS, concentration
from analysis.indicators.dependence import supplier_share_table
from analysis.vocabulary import CHINA, PARTNER_ISO3, WORLD

METRICS = ("share of world supply", "HHI", "China's share of imports", "series")
COLUMNS = [
    "metric",
    "mineral",
    "measure",
    "year",
    "subject",
    "iso3",
    "hs_code",
    "old",
    "new",
    "change",
    "status",
    "note",
    "text",
]
#: Changes smaller than this are rounding noise (shares are 0–1; HHI points).
TOLERANCE = {"share of world supply": 5e-5, "HHI": 0.5, "China's share of imports": 5e-5}
SERIES_KEY = ["commodity", "measure", "year", "type"]


def china_import_shares(trade: pd.DataFrame, reporters: tuple[str, ...] = PARTNER_ISO3) -> pd.DataFrame:
    """China's share of each reporter's imports, per HS code × year, where World and China are both known.

    Columns ``reporter_iso3``, ``reporter``, ``hs_code``, ``hs_description``, ``mineral``,
    ``year``, ``china_usd``, ``world_usd``, ``china_share`` (0–1), ``source`` (resource of the
    China row). Uses the reporter's declared imports (CIF, current US$); the share is
    :func:`analysis.indicators.dependence.supplier_share_table`'s, on the keys with both rows.
    """
    rows, _notes = dedupe_trade(trade)
    rows = rows[(rows["flow"] == "import") & rows["reporter_iso3"].isin(reporters) & rows["partner_iso3"].isin([CHINA, WORLD])]
    keys = ["reporter_iso3", "hs_code", "year"]
    china = rows[rows["partner_iso3"] == CHINA][keys + ["reporter", "hs_description", "mineral", "source"]]
    world = rows[rows["partner_iso3"] == WORLD][keys]
    both = rows.merge(china[keys].merge(world, on=keys), on=keys)  # keys with a China and a World row
    shares = supplier_share_table(both, CHINA, flow="import", by=keys)
    shares = shares[shares["total_value_usd"] > 0].rename(
        columns={"supplier_value_usd": "china_usd", "total_value_usd": "world_usd", "supplier_share": "china_share"}
    )
    out = china.merge(shares[keys + ["china_usd", "world_usd", "china_share"]], on=keys)
    columns = ["reporter_iso3", "reporter", "hs_code", "hs_description", "mineral", "year", "china_usd", "world_usd", "china_share", "source"]
    return out[columns].sort_values(keys, kind="stable").reset_index(drop=True)


def _signatures(usgs: pd.DataFrame) -> dict[tuple, tuple]:
    """Per series (commodity, measure, year, type): the rows that determine its shares."""
    cells = usgs[["iso3", "qualifier", "value_t", "value_status"]].copy()
    cells["value_t"] = cells["value_t"].round(6)
    records = pd.concat([usgs[SERIES_KEY], cells], axis=1)
    return {
        key: tuple(sorted(map(tuple, group[["iso3", "qualifier", "value_t", "value_status"]].astype(str).to_numpy())))
        for key, group in records.groupby(SERIES_KEY, sort=False)
    }


def _concentrations(usgs: pd.DataFrame, keys: list[tuple]) -> dict[tuple, object]:
    """Concentration result (or None) for each series key; each commodity's rows filtered once."""
    results: dict[tuple, object] = {}
    by_commodity = {name: frame for name, frame in usgs.groupby("commodity", sort=False)}
    for key in keys:
        commodity, measure, year, usgs_type = key
        try:
            results[key] = concentration(by_commodity[commodity], commodity, measure, int(year), usgs_type=usgs_type)
        except (ParameterError, KeyError):
            results[key] = None
    return results


def _pct(value: float) -> str:
    return "—" if not np.isfinite(value) else f"{value:.1%}"


def _hhi(value: float) -> str:
    return "—" if not np.isfinite(value) else f"{value:,.0f}"


def _revision_note(new_usgs: pd.DataFrame, key: tuple) -> str:
    commodity, measure, year, usgs_type = key
    rows = new_usgs[
        (new_usgs["commodity"] == commodity)
        & (new_usgs["measure"] == measure)
        & (new_usgs["year"] == year)
        & (new_usgs["type"] == usgs_type)
        & (new_usgs["entity_kind"] == "world")
        & new_usgs["revised_from_edition"].notna()
    ]
    if rows.empty:
        return ""
    row = rows.iloc[0]
    return (
        f"MCS {row['edition']} revised the world total from {row['revised_from_t']:,.0f} t "
        f"(MCS {row['revised_from_edition']}) to {row['value_t']:,.0f} t"
    )


def supply_changes(old_usgs: pd.DataFrame, new_usgs: pd.DataFrame) -> pd.DataFrame:
    """Changed country shares and HHI per USGS series whose rows differ; new and dropped series listed.

    Concentration is recomputed only for series present in both states with different rows
    (cheap even when a new edition adds hundreds of series); a series only one state has is
    one row of metric ``"series"`` with status ``new`` or ``removed``.
    """
    old_sig, new_sig = _signatures(old_usgs), _signatures(new_usgs)
    changed = [k for k in new_sig if k in old_sig and new_sig[k] != old_sig[k]]
    added = [k for k in new_sig if k not in old_sig]
    removed = [k for k in old_sig if k not in new_sig]
    old_results = _concentrations(old_usgs, changed)
    new_results = _concentrations(new_usgs, changed)
    rows: list[dict] = []

    def label(key: tuple) -> str:
        commodity, measure, year, usgs_type = key
        return f"{commodity} {MEASURE_LABELS.get(measure, measure)} {year} ({usgs_type})"

    for status, keys in (("new", added), ("removed", removed)):
        for key in keys:
            commodity, measure, year, _ = key
            rows.append(
                {
                    "metric": "series", "mineral": commodity, "measure": measure, "year": int(year), "subject": label(key),
                    "iso3": "", "hs_code": "", "old": np.nan, "new": np.nan, "status": status, "note": "",
                    "text": f"{label(key)}: {'new in the data' if status == 'new' else 'no longer in the data'}",
                }
            )
    for key in changed:
        old, new = old_results.get(key), new_results.get(key)
        if old is None or new is None:  # no shares computable on one side (e.g. all values withheld)
            continue
        commodity, measure, year, _ = key
        note = _revision_note(new_usgs, key)
        base = {"mineral": commodity, "measure": measure, "year": int(year), "hs_code": "", "status": "changed"}
        if abs(new.hhi_lower - old.hhi_lower) >= TOLERANCE["HHI"]:
            hhi_range = f"range {old.hhi_lower:,.0f}–{old.hhi_upper:,.0f} → {new.hhi_lower:,.0f}–{new.hhi_upper:,.0f}"
            rows.append(
                {
                    **base,
                    "metric": "HHI",
                    "subject": "all producers",
                    "iso3": "",
                    "old": old.hhi_lower,
                    "new": new.hhi_lower,
                    "note": "; ".join(filter(None, [note, hhi_range])),
                    "text": f"{label(key)} HHI: {_hhi(old.hhi_lower)} → {_hhi(new.hhi_lower)}",
                }
            )
        old_shares, new_shares = old.shares.set_index("iso3"), new.shares.set_index("iso3")
        for iso3 in dict.fromkeys(list(new_shares.index) + list(old_shares.index)):
            before = float(old_shares["share"].get(iso3, 0.0))
            after = float(new_shares["share"].get(iso3, 0.0))
            if abs(after - before) < TOLERANCE["share of world supply"]:
                continue
            name = new_shares["country"].get(iso3) if iso3 in new_shares.index else old_shares["country"].get(iso3)
            listed = ""
            if iso3 not in old_shares.index:
                listed = f"{name} had no reported value in the earlier data (counted as 0)"
            elif iso3 not in new_shares.index:
                listed = f"{name} has no reported value in the new data (counted as 0)"
            rows.append(
                {
                    **base,
                    "metric": "share of world supply",
                    "subject": name,
                    "iso3": iso3,
                    "old": before,
                    "new": after,
                    "note": "; ".join(filter(None, [note, listed])),
                    "text": f"{name} · {label(key)}: {_pct(before)} → {_pct(after)}",
                }
            )
    return pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "change"])


def import_changes(old_trade: pd.DataFrame, new_trade: pd.DataFrame, reporters: tuple[str, ...] = PARTNER_ISO3) -> pd.DataFrame:
    """Changed China shares of India's and Japan's imports per HS code × year."""
    keys = ["reporter_iso3", "hs_code", "year"]
    old = china_import_shares(old_trade, reporters)
    new = china_import_shares(new_trade, reporters)
    merged = new.merge(old[keys + ["china_share"]], on=keys, how="outer", suffixes=("", "_old"), indicator="presence")
    missing_names = merged["reporter"].isna()
    if missing_names.any():  # rows only in the old state
        fill = old.set_index(keys)
        for column in ["reporter", "hs_description", "mineral"]:
            merged.loc[missing_names, column] = [fill.loc[tuple(k), column] for k in merged.loc[missing_names, keys].itertuples(index=False)]
    rows: list[dict] = []
    for record in merged.itertuples(index=False):
        before = record.china_share_old
        after = record.china_share
        status = {"both": "changed", "left_only": "new", "right_only": "removed"}[record.presence]
        if status == "changed" and abs(after - before) < TOLERANCE["China's share of imports"]:
            continue
        subject = f"{record.reporter} imports of HS {record.hs_code}"
        rows.append(
            {
                "metric": "China's share of imports",
                "mineral": record.mineral if isinstance(record.mineral, str) else "",
                "measure": "imports",
                "year": int(record.year),
                "subject": subject,
                "iso3": record.reporter_iso3,
                "hs_code": record.hs_code,
                "old": before,
                "new": after,
                "status": status,
                "note": record.hs_description if isinstance(record.hs_description, str) else "",
                "text": f"China's share of {subject} ({record.hs_description}) {int(record.year)}: {_pct(before)} → {_pct(after)}",
            }
        )
    return pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "change"])


def what_changed(
    old_usgs: pd.DataFrame, new_usgs: pd.DataFrame, old_trade: pd.DataFrame, new_trade: pd.DataFrame
) -> pd.DataFrame:
    """Every changed share, HHI and China import share between two data states, largest first.

    Columns: ``metric`` (one of :data:`METRICS`), ``mineral``, ``measure``, ``year``,
    ``subject`` (country, "all producers", "<reporter> imports of HS <code>", or the series), ``iso3``
    (country or reporter), ``hs_code``, ``old``, ``new``, ``change`` (new − old; shares as 0–1
    fractions, HHI in points), ``status`` (changed | new | removed), ``note`` (e.g. the USGS
    revision behind a change), ``text`` (one readable line). Sorted by metric, then changed
    before new before removed, then by the size of the change.
    """
    frames = [f for f in (supply_changes(old_usgs, new_usgs), import_changes(old_trade, new_trade)) if len(f)]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[c for c in COLUMNS if c != "change"])
    table["old"] = table["old"].astype(float)
    table["new"] = table["new"].astype(float)
    table["change"] = table["new"] - table["old"]
    changed = table["status"] == "changed"
    points = np.where(table["metric"] == "HHI", 1.0, 100.0)  # shares in percentage points
    table.loc[changed, "text"] = [
        f"{text} ({change * scale:+,.1f} {'points' if scale == 1.0 else 'pp'})"
        for text, change, scale in zip(table.loc[changed, "text"], table.loc[changed, "change"], points[changed.to_numpy()])
    ]
    table["_metric"] = table["metric"].map({m: i for i, m in enumerate(METRICS)})
    table["_status"] = table["status"].map({"changed": 0, "new": 1, "removed": 2})
    table["_size"] = -table["change"].abs().fillna(0)
    table = table.sort_values(["_metric", "_status", "_size", "mineral", "year"], kind="stable")
    return table[COLUMNS].reset_index(drop=True)


def largest_changes(changes: pd.DataFrame, n: int = 5, *, include_new: bool = False) -> pd.DataFrame:
    """The ``n`` largest *changed* figures of each metric (new and removed series left out).

    With ``include_new``, also the ``n`` latest figures that exist only in the new state (a
    pull's new products or years: ``old`` is NaN), after the changed ones of the same metric.
    """
    changed = changes[(changes["status"] == "changed") & (changes["metric"] != "series")]
    picked = changed.groupby("metric", sort=False).head(n)
    if include_new:
        new = changes[(changes["status"] == "new") & (changes["metric"] != "series")]
        new = new.sort_values(["year", "subject"], ascending=[False, True], kind="stable").groupby("metric", sort=False).head(n)
        picked = pd.concat([picked, new])
        picked = picked.assign(_m=picked["metric"].map({m: i for i, m in enumerate(METRICS)})).sort_values("_m", kind="stable")
        picked = picked.drop(columns="_m")
    return picked.reset_index(drop=True)
