"""Monthly flows around dated events: China's exports to India and Japan before and after.

Input flows: :func:`analysis.data.load_china_exports_groups` (by product group: Graphite,
Gallium/Germanium, Rare Earths, Polysilicon) or :func:`analysis.data.load_china_exports_hs6`
(by HS code). These are **China-reported exports** (FOB USD, kg) from tables derived by a third
party from UN Comtrade monthly data — mirror figures for India and Japan, secondary data; say
so beside any chart. Input events: :func:`analysis.data.load_events` (sourced, dated rows).

Which event concerns which flow is decided by :data:`EVENT_MINERAL_PATTERNS`: an event whose
title or description names a mineral is attached to that mineral's flows (``match="mineral"``);
events naming none (summits, dialogues) are attached to no flow unless ``match="all"``.

Windows: for an event in month *m*, "before" is months *m − w … m − 1* and "after" is
*m + 1 … m + w* (``w = window_months``); the event month itself is left out, because a day-dated
event splits it. Events dated only to the year have no window (their month is unknown).
Months missing from the derived tables are treated as unknown (skipped, and counted in
``before_months``/``after_months``) unless ``fill_missing_months=True`` treats them as zero
exports. Changes are ``after_mean / before_mean − 1`` (fractions).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.errors import ParameterError
from analysis.indicators import _validate as check
from analysis.vocabulary import PARTNER_ISO3

#: Mineral (as in the flows' ``mineral`` column) → regular expression matched, case-insensitive,
#: against an event's ``event`` and ``description`` text. Gallium and germanium share one
#: product group (HS 811292 mixes them), whose mineral is "Gallium".
EVENT_MINERAL_PATTERNS: dict[str, str] = {
    "Graphite": r"\bgraphite\b",
    "Gallium": r"\bgallium\b|\bgermanium\b",
    "Rare earths": r"\brare[- ]earths?\b",
    "Polysilicon": r"\bpolysilicon\b",
}

FLOW_REQUIRED = ["month", "partner_iso3", "mineral", "value_usd", "quantity_kg"]
EVENT_REQUIRED = ["date", "date_start", "date_precision", "event", "category"]


def tag_events(events: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``events`` with ``event_id`` (row position) and ``minerals`` (tuple of names matched).

    Matching uses :data:`EVENT_MINERAL_PATTERNS` on ``event`` and ``description`` (if present).
    """
    check.columns("events", events, EVENT_REQUIRED)
    text = events["event"].astype(str)
    if "description" in events.columns:
        text = text + " " + events["description"].astype(str)
    compiled = {mineral: re.compile(pattern, re.IGNORECASE) for mineral, pattern in EVENT_MINERAL_PATTERNS.items()}
    tagged = events.reset_index(drop=True).copy()
    tagged.insert(0, "event_id", np.arange(len(tagged)))
    tagged["minerals"] = [tuple(m for m, rx in compiled.items() if rx.search(t)) for t in text]
    return tagged


@dataclass(frozen=True)
class FlowsAroundEvents:
    """Result of :func:`flows_around_events`.

    * ``flows``: ``month``, ``partner_iso3``, ``partner``, ``series`` (product group or HS code),
      ``mineral``, ``value_usd``, ``quantity_kg`` — the monthly lines of a chart;
    * ``events``: the events kept, with ``event_id``, ``minerals``, ``month`` (first day of the
      event month) and ``in_range`` (a full window of data on both sides);
    * ``aligned``: one row per event × partner × series × month within ``window_months`` of the
      event, with ``offset`` (months from the event month) — for small multiples;
    * ``windows``: one row per event × partner × series with ``before_mean_usd``,
      ``after_mean_usd``, ``change_usd`` (fraction), the same for kg, ``before_months``,
      ``after_months`` (months with data) and ``complete`` (both sides full); events dated
      only to the year are listed with empty windows.
    """

    flows: pd.DataFrame
    events: pd.DataFrame
    aligned: pd.DataFrame
    windows: pd.DataFrame
    window_months: int
    notes: tuple[str, ...] = field(default_factory=tuple)


def _month_number(dates: pd.Series) -> np.ndarray:
    values = pd.to_datetime(dates)
    return (values.dt.year * 12 + values.dt.month - 1).to_numpy(dtype="float64")


def flows_around_events(
    exports: pd.DataFrame,
    events: pd.DataFrame,
    *,
    partners: Sequence[str] = PARTNER_ISO3,
    minerals: Iterable[str] | None = None,
    categories: Iterable[str] | None = None,
    window_months: int = 6,
    match: str = "mineral",
    fill_missing_months: bool = False,
) -> FlowsAroundEvents:
    """China's monthly exports to ``partners`` joined with dated events, before and after each.

    ``exports``: China-export frame (groups or HS6, see module doc); ``events``:
    :func:`analysis.data.load_events`. ``partners``: ISO alpha-3 destinations present in the
    flows. ``minerals``: restrict to these flow minerals (default all). ``categories``: keep
    events of these categories (default all). ``window_months`` ≥ 1. ``match``: ``"mineral"``
    or ``"all"`` (see module doc). Values in USD and kg; changes as fractions.
    """
    check.columns("exports", exports, FLOW_REQUIRED)
    window = check.positive_int("window_months", window_months)
    check.choice("match", match, ("mineral", "all"))
    partners = check.iso3_codes("partners", partners)
    flows = _monthly_flows(exports, partners, minerals)
    keys = ["partner_iso3", "partner", "series", "mineral"]
    first, last = flows["month"].min(), flows["month"].max()
    notes = [
        "China-reported exports (mirror data, FOB USD) from tables derived from UN Comtrade by a third party: secondary data.",
    ]
    if fill_missing_months:
        months = pd.date_range(first, last, freq="MS")
        lines = flows[keys].drop_duplicates()
        full = lines.merge(pd.DataFrame({"month": months}), how="cross")
        flows = full.merge(flows, on=keys + ["month"], how="left")
        flows[["value_usd", "quantity_kg"]] = flows[["value_usd", "quantity_kg"]].fillna(0.0)
        notes.append("Months absent from the tables are counted as zero exports.")
    else:
        notes.append("Months absent from the tables are treated as unknown and skipped in window means.")

    tagged = _dated_events(events, categories, window, first, last)
    lines = flows[keys].drop_duplicates()
    pairs = tagged[["event_id", "event", "date", "month", "date_precision", "category", "minerals", "in_range"]].merge(lines, how="cross")
    if match == "mineral":
        pairs = pairs[[m in ms for m, ms in zip(pairs["mineral"], pairs["minerals"])]]
    kept_events = tagged[tagged["event_id"].isin(pairs["event_id"])].reset_index(drop=True)
    year_only = kept_events.loc[kept_events["date_precision"] == "year", "event"].tolist()
    if year_only:
        notes.append(f"Events dated only to the year have no window: {'; '.join(year_only)}.")
    aligned = _aligned(pairs, flows, keys, window)
    windows = _windows(pairs, aligned, window)
    out_of_range = kept_events.loc[~kept_events["in_range"] & (kept_events["date_precision"] != "year"), "event"].tolist()
    if out_of_range:
        notes.append(
            f"Data run {first:%Y-%m}–{last:%Y-%m}; events without a full ±{window}-month window: {'; '.join(out_of_range)}."
        )
    return FlowsAroundEvents(
        flows=flows,
        events=kept_events,
        aligned=aligned,
        windows=windows,
        window_months=window,
        notes=tuple(notes),
    )


def _monthly_flows(exports: pd.DataFrame, partners: list[str], minerals: Iterable[str] | None) -> pd.DataFrame:
    """The flows to ``partners`` (and of ``minerals``), one row per partner × series × mineral × month (checked)."""
    series_column = "product_group" if "product_group" in exports.columns else "hs_code" if "hs_code" in exports.columns else None
    if series_column is None:
        raise ParameterError("exports must have a product_group (groups table) or hs_code (HS6 table) column")
    available = sorted(exports["partner_iso3"].astype(str).unique())
    unknown = [p for p in partners if p not in available]
    if unknown:
        raise ParameterError(f"unknown partner(s) {', '.join(unknown)} in the export flows; valid: {', '.join(available)}")
    flows = exports[exports["partner_iso3"].isin(partners)]
    valid_minerals = sorted(flows["mineral"].dropna().astype(str).unique())
    if minerals is not None:
        wanted = [str(m) for m in ([minerals] if isinstance(minerals, str) else minerals)]
        bad = [m for m in wanted if m not in valid_minerals]
        if bad:
            raise ParameterError(f"unknown mineral(s) {', '.join(bad)} for these flows; valid: {', '.join(valid_minerals)}")
        flows = flows[flows["mineral"].isin(wanted)]
    partner_name = flows["partner"] if "partner" in flows.columns else flows["partner_iso3"]
    flows = pd.DataFrame(
        {
            "month": pd.to_datetime(flows["month"]).to_numpy(),
            "partner_iso3": flows["partner_iso3"].astype(str).to_numpy(),
            "partner": partner_name.astype(str).to_numpy(),
            "series": flows[series_column].astype(str).to_numpy(),
            "mineral": flows["mineral"].astype(str).to_numpy(),
            "value_usd": flows["value_usd"].to_numpy(dtype=float),
            "quantity_kg": flows["quantity_kg"].to_numpy(dtype=float),
        }
    )
    keys = ["partner_iso3", "partner", "series", "mineral"]
    return flows.groupby(keys + ["month"], as_index=False, sort=True)[["value_usd", "quantity_kg"]].sum(min_count=1)


def _dated_events(events: pd.DataFrame, categories: Iterable[str] | None, window: int,
                  first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """Tagged events of ``categories`` with their ``month`` and ``in_range`` (a full window of data on both sides)."""
    tagged = tag_events(events)
    if categories is not None:
        wanted_categories = [str(c) for c in ([categories] if isinstance(categories, str) else categories)]
        valid_categories = sorted(tagged["category"].astype(str).unique())
        bad = [c for c in wanted_categories if c not in valid_categories]
        if bad:
            raise ParameterError(f"unknown event categor(y/ies) {', '.join(bad)}; valid: {', '.join(valid_categories)}")
        tagged = tagged[tagged["category"].isin(wanted_categories)]
    tagged = tagged.assign(month=pd.to_datetime(tagged["date_start"]).dt.to_period("M").dt.to_timestamp())
    event_month = _month_number(tagged["month"])
    first_n, last_n = _month_number(pd.Series([first]))[0], _month_number(pd.Series([last]))[0]
    tagged["in_range"] = (tagged["date_precision"] != "year").to_numpy() & (event_month - window >= first_n) & (event_month + window <= last_n)
    return tagged


def _aligned(pairs: pd.DataFrame, flows: pd.DataFrame, keys: list[str], window: int) -> pd.DataFrame:
    """One row per dated event × line × month within ``window`` months of the event, with ``offset``."""
    dated = pairs[pairs["date_precision"] != "year"].rename(columns={"month": "event_month"})
    aligned = dated.merge(flows, on=keys, how="inner")
    aligned["offset"] = (_month_number(aligned["month"]) - _month_number(aligned["event_month"])).astype(int)
    aligned = aligned[aligned["offset"].abs() <= window]
    aligned = aligned[["event_id", "event", "date", "category", "partner_iso3", "partner", "series", "mineral", "month", "offset", "value_usd", "quantity_kg"]]
    return aligned.sort_values(["event_id", "partner_iso3", "series", "offset"], kind="stable").reset_index(drop=True)


def _windows(pairs: pd.DataFrame, aligned: pd.DataFrame, window: int) -> pd.DataFrame:
    """Before and after means, months with data and changes, one row per event × partner × series."""
    side = np.select([aligned["offset"] < 0, aligned["offset"] > 0], ["before", "after"], "event")
    sided = aligned.assign(side=side)
    sided = sided[sided["side"] != "event"]
    stats = sided.pivot_table(
        index=["event_id", "partner_iso3", "series"],
        columns="side",
        values=["value_usd", "quantity_kg"],
        aggfunc=["mean", "count"],
    )
    stats.columns = [f"{side}_{'months' if agg == 'count' else 'mean'}_{'usd' if value == 'value_usd' else 'kg'}" for agg, value, side in stats.columns]
    # every matched event gets a row; year-only events keep empty windows (months unknown)
    base = pairs[["event_id", "event", "date", "date_precision", "category", "partner_iso3", "partner", "series", "mineral", "in_range"]]
    windows = base.merge(stats.reset_index(), on=["event_id", "partner_iso3", "series"], how="left")
    for column in ("before_mean_usd", "after_mean_usd", "before_mean_kg", "after_mean_kg"):
        if column not in windows.columns:
            windows[column] = np.nan
    for side_name in ("before", "after"):
        column = f"{side_name}_months_usd"
        windows[f"{side_name}_months"] = windows[column].fillna(0).astype(int) if column in windows.columns else 0
    with np.errstate(divide="ignore", invalid="ignore"):
        for unit in ("usd", "kg"):
            before = windows[f"before_mean_{unit}"].to_numpy(dtype=float)
            after = windows[f"after_mean_{unit}"].to_numpy(dtype=float)
            windows[f"change_{unit}"] = np.where(before > 0, after / before - 1.0, np.nan)
    windows["complete"] = (windows["before_months"] == window) & (windows["after_months"] == window)
    return windows[
        ["event_id", "event", "date", "date_precision", "category", "partner_iso3", "partner", "series", "mineral",
         "before_months", "after_months", "before_mean_usd", "after_mean_usd", "change_usd",
         "before_mean_kg", "after_mean_kg", "change_kg", "complete", "in_range"]
    ].sort_values(["event_id", "partner_iso3", "series"], kind="stable").reset_index(drop=True)  # fmt: skip
