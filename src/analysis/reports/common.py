"""Helpers shared by report compositions: source lines for charts, series labels."""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from analysis.data.package import read_datapackage
from analysis.data.wgi import STABILITY_RESOURCE, load_political_stability, six_dimension_estimates
from analysis.errors import ParameterError
from analysis.indicators.dependence import import_dependence
from analysis.indicators.risk import governance_scores
from analysis.indicators.series import SeriesChoice
from analysis.text import count_noun, fmt_hhi_range, fmt_share, join_names, lower_first


@lru_cache(maxsize=1)
def _usgs_citations() -> dict[int, str]:
    """Edition → "USGS Mineral Commodity Summaries <edition> (doi:…)" from the data package."""
    citations: dict[int, str] = {}
    for entry in read_datapackage()["resources"]:
        for src in entry.get("sources", []):
            match = re.search(r"Mineral Commodity Summaries (\d{4})", src.get("title", ""))
            if match:
                doi = src.get("path", "").replace("https://doi.org/", "doi:")
                citations.setdefault(int(match[1]), f"USGS Mineral Commodity Summaries {match[1]} ({doi})")
    return citations


def usgs_source(editions: pd.Series | list[int]) -> str:
    """Source line for chart data drawn from the given MCS editions, newest first."""
    wanted = sorted({int(e) for e in editions}, reverse=True)
    citations = _usgs_citations()
    return "; ".join(citations.get(e, f"USGS Mineral Commodity Summaries {e}") for e in wanted)


def unit_note(usgs_type: str, mineral: str) -> str:
    """What the tonnes measure, from USGS's TYPE ("Mine production, lithium content" → "lithium content")."""
    form = _form(usgs_type)
    if form:
        return form
    if usgs_type.lower().startswith("primary"):
        return f"primary {mineral.lower()}"
    return f"{mineral.lower()}, gross weight"


_PRODUCTION_WORDS = re.compile(r"^\s*(world\s+)?(total\s+)?(mine|refinery|smelter)?\s*p?r?o?duction\s*[,:\-–]\s*", re.IGNORECASE)


def _form(usgs_type: str) -> str:
    """The product part of a USGS TYPE, whatever separator the edition used ("Mine production:
    Platinum", "Mine production - usable ore", "Mine poduction, Kaolin"); "" when there is none."""
    text = _PRODUCTION_WORDS.sub("", usgs_type.strip(), count=1) if _PRODUCTION_WORDS.match(usgs_type) else ""
    parts = [p.strip() for p in text.rstrip(". ").split(",") if p.strip() and p.strip().lower() != "estimated"]
    return ", ".join(parts)


def series_choice_note(choice: SeriesChoice, label: str) -> str:
    """Reader words for a :class:`~analysis.indicators.series.SeriesChoice`: which form the report
    reads and which it leaves out, so no share is mistaken for one of all forms together."""
    chosen = lower_first(_form(choice.chosen) or choice.chosen)
    others = [f"“{lower_first(_form(t) or t)}”" for t in choice.dropped]
    return (f"USGS gives {label} of {choice.mineral.lower()} for {choice.year} as {count_noun(len(others) + 1, 'series', 'series')} "
            f"that cannot be added up; this report reads the “{chosen}” series (figures for the most countries) and leaves out "
            f"{join_names(others)}, so every share here is a share of world {choice.mineral.lower()} ({chosen}).")


def load_governance(year: int | None = None, *, basis: str = "auto", package_path=None) -> pd.DataFrame:
    """Governance scores for the risk indicators, the same rule in every report.

    Loads the WGI six-dimension estimates and the political-stability ranks the package holds
    and scores them with :func:`analysis.indicators.risk.governance_scores` (``basis`` as
    there; default ``"auto"``: the EU six-dimension mean where recent enough, else political
    stability). Raises ParameterError naming what to do when the package has no WGI data.
    """
    names = {e["name"] for e in read_datapackage(package_path)["resources"]}
    ranks = None
    if STABILITY_RESOURCE in names:
        ranks = load_political_stability(package_path).assign(source=STABILITY_RESOURCE)
    try:
        return governance_scores(six_dimension_estimates(package_path), ranks, year=year, basis=basis)
    except ParameterError as error:
        raise ParameterError(f"{error}; run `econsec data pull-wgi` or check the WGI resources with `econsec data status`") from None


#: The governance bases of :func:`analysis.indicators.risk.governance_scores` in reader words.
_BASIS_WORDS = {"mean of six WGI dimensions": "the average of the World Bank's six governance indicators"}


def _basis_words(kind: str) -> str:
    return _BASIS_WORDS.get(kind, kind)


def governance_basis_text(governance: pd.DataFrame) -> str:
    """How the scores of :func:`load_governance` were made, in words ("political stability
    percentile 2023", or the most common basis plus how many countries use another, each basis
    named in words a reader knows, not as the indicator's code)."""
    counts = governance["basis"].value_counts()
    main = str(counts.index[0])
    main_kind = re.sub(r" \d{4}$", "", main)
    main = _basis_words(main_kind) + main[len(main_kind):]
    others = int(counts.iloc[1:].sum())
    if not others:
        return main
    rest = counts.index[1:].astype(str)
    kinds = sorted({_basis_words(re.sub(r" \d{4}$", "", b)) for b in rest})
    years = sorted({int(y) for b in rest for y in re.findall(r"\d{4}$", b)})
    span = ("" if not years else f", {years[0]}" if len(years) == 1
            else f", each country's latest year between {years[0]} and {years[-1]}")
    return f"{main} (for {count_noun(others, 'country', 'countries')} without that score: {' / '.join(kinds)}{span})"

#: The one figure both the briefing and the partnership report quote for Japan's dependence on
#: China in battery lithium: China's share of Japan's imports of lithium oxide and hydroxide.
LITHIUM_HYDROXIDE_HS = "282520"
LITHIUM_HYDROXIDE_PRODUCT = "lithium oxide and hydroxide"


def china_import_share(trade: pd.DataFrame, reporter: str, hs_code: str, year: int | None = None) -> dict[str, object]:
    """China's share of ``reporter``'s imports of one HS code, by value, in ``year`` (default:
    the latest year with a reported partner split) — one function so every report prints the
    same value and year.

    Returns ``reporter``, ``hs_code``, ``year``, ``share`` (0–1), ``value_usd`` (imports from
    the World) and ``text`` ("84% in 2024", the year always stated).
    """
    rows = import_dependence(trade, reporter, hs_codes=hs_code)
    rows = rows[(rows["china_basis"] == "reported") & rows["china_share"].notna()]
    if year is not None:
        rows = rows[rows["year"] == int(year)]
    if rows.empty:
        raise ParameterError(f"no reported China share of {reporter} imports of HS {hs_code}" + (f" in {year}" if year else ""))
    row = rows.sort_values("year").iloc[-1]
    return {
        "reporter": reporter,
        "hs_code": hs_code,
        "year": int(row["year"]),
        "share": float(row["china_share"]),
        "value_usd": float(row["value_usd"]),
        "text": f"{fmt_share(float(row['china_share']))} in {int(row['year'])}",
    }


def japan_lithium_hydroxide(trade: pd.DataFrame) -> dict[str, object]:
    """:func:`china_import_share` of Japan's lithium oxide and hydroxide imports (HS 282520), latest year."""
    return china_import_share(trade, "JPN", LITHIUM_HYDROXIDE_HS)


def leader_labels(frame: pd.DataFrame) -> list[str]:
    """"China (69%)" per row of a concentration table (columns ``leader``, ``leader_share`` 0–1)."""
    return [f"{leader} ({fmt_share(share)})" for leader, share in zip(frame["leader"], frame["leader_share"])]


def hhi_labels(frame: pd.DataFrame) -> list[str]:
    """The HHI range as printed ("5,024" or "2,215–2,219") per row (columns ``hhi_lower``, ``hhi_upper``)."""
    return [fmt_hhi_range(low, high) for low, high in zip(frame["hhi_lower"], frame["hhi_upper"])]
