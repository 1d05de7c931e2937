"""The explorer's tables: country shares and concentration for every mineral × stage × year the
data cover, from the same series the reports use (:func:`analysis.indicators.stages.stage_sources`).

Pure: takes the tidy supply table (:func:`analysis.data.supply.load_supply`), returns DataFrames.
Shares are 0–1 fractions of the source's world total; HHI 0–10,000 (lower bound, the one the
reports quote first).
"""

from __future__ import annotations

import pandas as pd

from analysis.errors import ParameterError
from analysis.indicators.concentration import concentration
from analysis.indicators.stages import stage_frame, stage_sources
from analysis.vocabulary import CHINA, FOCUS, INDIA, JAPAN, STAGE_MEASURE as _MEASURE

#: columns of :func:`explorer_tables`' two frames
SHARE_COLUMNS = ["mineral", "stage", "year", "country", "iso3", "value_t", "share", "rank", "focus", "product", "source"]
SUMMARY_COLUMNS = ["mineral", "stage", "year", "leader", "leader_share", "top3_share", "hhi", "china_share",
                   "india_share", "japan_share", "product", "source", "basis"]


def explorer_tables(supply: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(shares, summary)`` for every mineral × stage × year with country figures.

    ``shares``: one row per named country (columns :data:`SHARE_COLUMNS`; ``focus`` is "China",
    "India", "Japan" or "Other"). ``summary``: one row per mineral × stage × year (columns
    :data:`SUMMARY_COLUMNS`; a focus country's share is NaN when the source does not list it:
    "not listed" is not a reported zero, and charts must not draw it as one).
    Where USGS gives several series for one stage (boron, say), the first it lists is used.
    Combinations whose figures are all withheld are left out.
    """
    shares, summary = [], []
    sources = stage_sources(supply)
    for pick in sources.itertuples(index=False):
        frame = stage_frame(supply, pick.mineral, pick.stage, int(pick.year), sources)
        product = str(frame["type"].iloc[0])
        try:
            result = concentration(frame, pick.mineral, _MEASURE[pick.stage], int(pick.year), usgs_type=product)
        except ParameterError:
            continue  # nothing reported (all withheld): no view to show
        named = result.shares.sort_values("share", ascending=False)
        by_iso = dict(zip(named["iso3"], named["share"]))
        shares.append(pd.DataFrame({
            "mineral": pick.mineral, "stage": pick.stage, "year": int(pick.year),
            "country": named["country"].to_numpy(), "iso3": named["iso3"].to_numpy(),
            "value_t": named["value_t"].to_numpy(), "share": named["share"].to_numpy(),
            "rank": named["rank"].to_numpy(),
            "focus": [FOCUS.get(iso, "Other") for iso in named["iso3"]],
            "product": product, "source": pick.source,
        }))
        leader = named.iloc[0]
        summary.append({
            "mineral": pick.mineral, "stage": pick.stage, "year": int(pick.year),
            "leader": str(leader["country"]), "leader_share": float(leader["share"]),
            "top3_share": float(result.top_k_share), "hhi": float(result.hhi_lower),
            "china_share": float(by_iso.get(CHINA, float("nan"))),
            "india_share": float(by_iso.get(INDIA, float("nan"))),
            "japan_share": float(by_iso.get(JAPAN, float("nan"))),
            "product": product, "source": pick.source, "basis": pick.basis,
        })
    share_frame = pd.concat(shares, ignore_index=True) if shares else pd.DataFrame(columns=SHARE_COLUMNS)
    return share_frame[SHARE_COLUMNS], pd.DataFrame(summary, columns=SUMMARY_COLUMNS)
