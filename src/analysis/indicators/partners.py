"""Partner lens: blocs (MSP, Quad, IPEF, …, the India–Japan pair) and their weight in supply.

Membership comes from :func:`analysis.data.load_frameworks` (one sourced row per framework ×
member, with the date it joined where a source gave one). A bloc's members **as of** a date are
the rows joined on or before it; rows without a date are members whose joining date no source
gave (the Quad's four, Norway in the MSP): ``undated="include"`` (default) counts them and says
so, ``"exclude"`` leaves them out.

The European Union is an MSP partner in its own right (ISO-like code ``EUU``); USGS reports
countries, not the EU, so by default only EU states that are partners themselves count.
``expand_eu=True`` counts all member states listed in :data:`EU27` (the composition since
1 February 2020) instead.

:func:`bloc_shares` gives a bloc's share of world production and reserves per mineral with
the conventions of :mod:`analysis.indicators.concentration` (tonnes; shares 0–1 of USGS's
world total; withheld member values named, never counted as 0). :func:`complementarity` lists
the minerals on both India's and Japan's critical lists with India's reserves and production,
Japan's trade position and China's shares — the complementarity the partnership rests on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.data.minerals import PRIORITY_MINERALS
from analysis.errors import ParameterError
from analysis.indicators import _validate as check
from analysis.indicators.concentration import concentration
from analysis.indicators.dependence import import_dependence
from analysis.indicators.series import one_series_per_measure, primary_measure
from analysis.indicators.trade import TRADE_REQUIRED, mineral_trade
from analysis.vocabulary import CHINA, PARTNER_ISO3

#: Short names → framework names as written in ``partnership/frameworks.csv``.
BLOC_ALIASES: dict[str, str] = {
    "MSP": "Minerals Security Partnership (MSP)",
    "MSP Finance Network": "MSP Finance Network",
    "Quad": "Quad",
    "Quad Critical Minerals Initiative": "Quad Critical Minerals Initiative",
    "IPEF": "Indo-Pacific Economic Framework for Prosperity (IPEF)",
    "SCRI": "Supply Chain Resilience Initiative (SCRI)",
}
#: The bilateral pair the reports study; not a framework row, so defined here.
INDIA_JAPAN = "India–Japan"
INDIA_JAPAN_MEMBERS: tuple[str, ...] = PARTNER_ISO3
_PAIR_NAMES = {INDIA_JAPAN, "India-Japan", "IND-JPN", "IND+JPN"}

#: EU member states since the United Kingdom left on 1 February 2020 (ISO alpha-3).
EU27: tuple[str, ...] = (
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL",
    "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE",
)  # fmt: skip
EU_CODE = "EUU"

DEFAULT_MEASURES: tuple[str, ...] = ("mine_production", "refinery_production", "reserves")


@dataclass(frozen=True)
class Bloc:
    """Members of one bloc at one date (ISO alpha-3 codes, sorted)."""

    name: str
    framework: str
    as_of: pd.Timestamp | None
    members: tuple[str, ...]
    undated: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)


def bloc_names(frameworks: pd.DataFrame) -> list[str]:
    """Valid ``bloc`` arguments: short aliases, framework names in the data, and the pair."""
    check.columns("frameworks", frameworks, ["framework", "iso3", "joined"])
    names = set(frameworks["framework"].astype(str))
    return sorted({alias for alias, full in BLOC_ALIASES.items() if full in names} | names | {INDIA_JAPAN})


def bloc_members(
    frameworks: pd.DataFrame,
    bloc: str,
    *,
    as_of: str | pd.Timestamp | None = None,
    undated: str = "include",
    expand_eu: bool = False,
) -> Bloc:
    """Members of ``bloc`` on ``as_of`` (a date; ``None`` = every listed member).

    ``bloc``: a short alias (``"MSP"``, ``"Quad"``, ``"IPEF"``, ``"SCRI"``, …), a framework
    name as in the data, or ``"India–Japan"`` (also ``"IND-JPN"``). ``undated``: ``"include"``
    or ``"exclude"`` members without a joining date. ``expand_eu``: count the EU's member
    states for the EU's membership. Raises :class:`ParameterError` naming the valid blocs.
    """
    check.columns("frameworks", frameworks, ["framework", "iso3", "joined"])
    check.choice("undated", undated, ("include", "exclude"))
    when = None
    if as_of is not None:
        try:
            when = pd.Timestamp(as_of)
        except (TypeError, ValueError):
            raise ParameterError(f"as_of must be a date such as '2024-12-31', got {as_of!r}") from None
        if pd.isna(when):
            raise ParameterError(f"as_of must be a date such as '2024-12-31', got {as_of!r}")
    if bloc in _PAIR_NAMES:
        return Bloc(INDIA_JAPAN, INDIA_JAPAN, when, INDIA_JAPAN_MEMBERS, (), ("India and Japan: the bilateral partnership.",))
    framework = BLOC_ALIASES.get(bloc, bloc)
    rows = frameworks[frameworks["framework"] == framework]
    if rows.empty:
        raise ParameterError(f"unknown bloc {bloc!r}; valid: {', '.join(bloc_names(frameworks))}")
    dated = rows[rows["joined"].notna()]
    nodate = rows[rows["joined"].isna()]
    notes: list[str] = []
    if when is not None:
        dated = dated[dated["joined"] <= when]
        if dated.empty and (undated == "exclude" or nodate.empty):
            first = rows["joined"].min()
            raise ParameterError(f"{bloc} had no members on {when.date()}; the first joined on {first.date() if pd.notna(first) else 'an unknown date'}")
    members = set(dated["iso3"].astype(str))
    undated_codes = tuple(sorted(nodate["iso3"].astype(str)))
    if undated_codes:
        if undated == "include":
            members |= set(undated_codes)
            notes.append(f"Counted as members although no source gave the date they joined: {', '.join(undated_codes)}.")
        else:
            notes.append(f"Left out because no source gave the date they joined: {', '.join(undated_codes)}.")
    if EU_CODE in members:
        if expand_eu:
            members = (members - {EU_CODE}) | set(EU27)
            notes.append("The EU's membership is counted as its 27 member states (composition since 1 February 2020).")
        else:
            members.discard(EU_CODE)
            notes.append("The EU is a member; only EU states that are members themselves are counted (expand_eu=True counts all 27).")
    if when is not None:
        notes.insert(0, f"Membership as of {when.date()}.")
    return Bloc(bloc, framework, when, tuple(sorted(members)), undated_codes, tuple(notes))


def bloc_shares(
    usgs: pd.DataFrame,
    frameworks: pd.DataFrame,
    bloc: str,
    *,
    as_of: str | pd.Timestamp | None = None,
    minerals: Iterable[str] = PRIORITY_MINERALS,
    measures: Iterable[str] = DEFAULT_MEASURES,
    year: int = 2024,
    undated: str = "include",
    expand_eu: bool = False,
) -> pd.DataFrame:
    """The bloc's share of world production and reserves, per mineral and measure.

    One row per mineral × measure that USGS reports for ``year`` (others are skipped and named
    in ``attrs["skipped"]``), with ``bloc``, ``as_of``, ``mineral``, ``measure``, ``year``,
    ``world_total_t`` (t), ``bloc_value_t`` (t), ``bloc_share`` (0–1 of the world total; a lower
    bound where members' values are withheld), ``members_reporting`` (ISO codes with a
    number), ``members_excluded`` (withheld/not available, not counted as 0), ``china_share``
    (0–1; NaN if withheld), ``leader`` and ``leader_share``. ``attrs["members"]`` and
    ``attrs["notes"]`` carry the membership used.
    """
    group = bloc_members(frameworks, bloc, as_of=as_of, undated=undated, expand_eu=expand_eu)
    members = set(group.members)
    measures = list(measures)
    minerals = list(minerals)
    known = set(usgs["commodity"].unique())
    unknown = [m for m in minerals if m not in known]
    if unknown:
        raise ParameterError(f"unknown mineral(s) {', '.join(map(repr, unknown))}; valid: {', '.join(sorted(known))}")
    rows, skipped = [], {}
    for mineral in minerals:
        for measure in measures:
            try:
                result = concentration(usgs, mineral, measure, year)
            except ParameterError as error:
                if str(error).startswith("unknown measure"):
                    raise
                skipped[f"{mineral} / {measure}"] = str(error)
                continue
            shares = result.shares
            inside = shares[shares["iso3"].isin(members)]
            excluded = result.excluded[result.excluded["iso3"].isin(members)]
            rows.append(
                {
                    "bloc": group.name,
                    "as_of": group.as_of,
                    "mineral": mineral,
                    "measure": measure,
                    "year": int(year),
                    "world_total_t": result.world_total_t,
                    "bloc_value_t": float(inside["value_t"].sum()),
                    "bloc_share": float(inside["share"].sum()),
                    "members_reporting": tuple(inside.loc[inside["value_t"] > 0, "iso3"].astype(str)),
                    "members_excluded": tuple(excluded["iso3"].astype(str)),
                    "china_share": result.share_of(CHINA),
                    "leader": result.leader,
                    "leader_share": result.leader_share,
                }
            )
    if not rows:
        first = next(iter(skipped.values()), "nothing to compute")
        raise ParameterError(f"no mineral × measure has data for {year} (e.g. {first})")
    table = pd.DataFrame(rows)
    table.attrs["members"] = group.members
    table.attrs["notes"] = list(group.notes)
    table.attrs["skipped"] = skipped
    return table


def _lists_minerals(lists: pd.DataFrame, country: str) -> set[str]:
    rows = lists[lists["country"] == country]
    if rows.empty:
        raise ParameterError(f"lists has no {country} rows; countries: {', '.join(sorted(lists['country'].astype(str).unique()))}")
    return set(rows["mineral_std"].astype(str))


def _series_value(usgs: pd.DataFrame, mineral: str, measure: str | None, year: int, iso3: str) -> dict[str, object]:
    """The country's value, share and status in one USGS series of the mineral and year.

    ``usgs`` holds one series per measure (:func:`analysis.indicators.series.one_series_per_measure`,
    the rule every report uses: where USGS splits a measure into forms such as ilmenite and rutile,
    the form with figures for the most countries). Status ``not_listed`` when USGS has no row for
    the country; ``no_series`` when USGS has no figures for the measure (or ``measure`` is None).
    """
    none = {"measure": measure, "value_t": np.nan, "share": np.nan, "status": "no_series", "china_share": np.nan}
    if measure is None:
        return none
    try:
        result = concentration(usgs, mineral, measure, year)
    except ParameterError:
        return none
    excluded = result.excluded[result.excluded["iso3"] == iso3]
    if len(excluded):
        status, value, share = str(excluded["value_status"].iloc[0]), np.nan, np.nan
    elif (result.shares["iso3"] == iso3).any():
        status, value, share = "reported", result.value_of(iso3), result.share_of(iso3)
    else:
        status, value, share = "not_listed", np.nan, np.nan
    return {"measure": measure, "value_t": value, "share": share, "status": status, "china_share": result.share_of(CHINA)}


def _production_measure(usgs: pd.DataFrame, mineral: str, year: int) -> str | None:
    """The production series that stands for the mineral (:func:`~analysis.indicators.series.primary_measure`), None without one."""
    try:
        return primary_measure(usgs, mineral, year)
    except ParameterError:
        return None


def complementarity(
    usgs: pd.DataFrame,
    lists: pd.DataFrame,
    trade: pd.DataFrame,
    *,
    year: int = 2024,
    trade_year: int = 2023,
) -> pd.DataFrame:
    """Minerals on both India's and Japan's critical lists, with what each side brings.

    ``usgs``: :func:`analysis.data.load_usgs`; ``lists``:
    :func:`analysis.data.load_critical_mineral_lists` (``country``, ``mineral_std``);
    ``trade``: :func:`analysis.data.load_trade` (all Comtrade extracts). ``year``: USGS year
    (production and reserves); ``trade_year``: Comtrade year.

    One row per mineral (sorted) with:

    * ``india_production_t``, ``india_production_share`` (0–1 of world), ``production_measure``
      (:func:`~analysis.indicators.series.primary_measure`: mine production where USGS has it,
      else refinery production), ``india_production_status``;
    * ``india_reserves_t``, ``india_reserves_share``, ``india_reserves_status`` — status
      ``reported``, ``not_listed`` (USGS does not list India: NaN, not 0), ``withheld``, … or
      ``no_series``. Where USGS splits a measure into forms that cannot be added up (ilmenite and
      rutile; platinum and palladium), every figure is of the one form every report reads
      (:func:`~analysis.indicators.series.one_series_per_measure`);
    * ``japan_production_t`` (USGS; NaN if Japan is not listed);
    * ``japan_imports_usd``, ``japan_exports_usd``, ``japan_net_import_ratio`` ((M − X)/(M + X),
      −1…1) over the mineral's ore, processed and metal HS codes (:func:`~analysis.indicators.trade.mineral_trade`),
      ``japan_hs_codes``;
    * ``china_production_share``, ``china_reserves_share`` (0–1 of world);
    * ``china_share_japan_imports`` (0–1 of value) and ``china_share_hs_code`` where an
      extract splits Japan's imports by partner (HS 2504, 2822, 282520 in the Quad files), else NaN.
    """
    check.columns("lists", lists, ["country", "mineral_std"])
    check.columns("trade", trade, TRADE_REQUIRED)
    usgs_years = sorted(int(y) for y in usgs["year"].unique())
    if year not in usgs_years:
        raise ParameterError(f"no USGS data for year {year!r}; years: {', '.join(map(str, usgs_years))}")
    common = sorted(_lists_minerals(lists, "India") & _lists_minerals(lists, "Japan"))
    japan_trade = mineral_trade(trade, "JPN", trade_year).set_index("mineral")
    dependence = import_dependence(trade, "JPN", years=None)
    dependence = dependence[(dependence["year"] == trade_year) & (dependence["china_basis"] == "reported")]
    rows = []
    for mineral in common:
        # the one series rule of every report: one form per measure where USGS splits a mineral
        series, _ = one_series_per_measure(usgs[usgs["commodity"] == mineral], mineral)
        measure = _production_measure(series, mineral, year)
        production = _series_value(series, mineral, measure, year, "IND")
        reserves = _series_value(series, mineral, "reserves", year, "IND")
        japan = _series_value(series, mineral, measure, year, "JPN")
        split = dependence[dependence["mineral"] == mineral].sort_values("value_usd", ascending=False)
        row = {
            "mineral": mineral,
            "production_measure": production["measure"],
            "india_production_t": production["value_t"],
            "india_production_share": production["share"],
            "india_production_status": production["status"],
            "india_reserves_t": reserves["value_t"],
            "india_reserves_share": reserves["share"],
            "india_reserves_status": reserves["status"],
            "japan_production_t": japan["value_t"],
            "japan_imports_usd": japan_trade["imports_usd"].get(mineral, np.nan),
            "japan_exports_usd": japan_trade["exports_usd"].get(mineral, np.nan),
            "japan_net_import_ratio": japan_trade["net_import_ratio"].get(mineral, np.nan),
            "japan_hs_codes": japan_trade["hs_codes"].get(mineral, ""),
            "china_production_share": production["china_share"],
            "china_reserves_share": reserves["china_share"],
            "china_share_japan_imports": float(split["china_share"].iloc[0]) if len(split) else np.nan,
            "china_share_hs_code": str(split["hs_code"].iloc[0]) if len(split) else "",
        }
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs["notes"] = [
        f"USGS year {year}; Comtrade year {trade_year}. Japan's trade sums ore, processed and metal HS codes "
        "(batteries excluded) and is in product value, not mineral content.",
        "India's values are NaN where USGS does not list India (no figure, not zero).",
    ]
    return table
