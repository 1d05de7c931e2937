"""Explorer page: every mineral × stage × year of the data in one interactive chart, with the
coverage the controls can reach."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data.iea import IEA_SOURCE_CHART
from analysis.data.supply import load_supply
from analysis.indicators.explorer import explorer_tables
from analysis.reports.common import usgs_source
from analysis.text import count_noun


#: The page's standfirst (under the title from publications.toml).
STANDFIRST = "Pick any mineral, stage and year: who supplies it, how concentrated supply is, and where India and Japan stand"


@dataclass(frozen=True)
class Explorer:
    """Everything the explorer notebook shows (see :func:`explorer`)."""

    #: the title block's standfirst
    standfirst: str
    shares: pd.DataFrame
    summary: pd.DataFrame
    coverage: pd.DataFrame
    intro: str
    source: str


def coverage_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Mineral × stage → the years the explorer has (columns Mineral, Stage, Years)."""
    rows = [
        {"Mineral": mineral, "Stage": stage, "Years": ", ".join(str(y) for y in sorted(group["year"]))}
        for (mineral, stage), group in summary.groupby(["mineral", "stage"], sort=True)
    ]
    return pd.DataFrame(rows, columns=["Mineral", "Stage", "Years"])


def explorer() -> Explorer:
    supply = load_supply()
    shares, summary = explorer_tables(supply)
    editions = supply.loc[~supply["source"].str.startswith("iea"), "edition"].dropna().astype(int).unique()
    n_minerals = summary["mineral"].nunique()
    both = summary.groupby("mineral")["stage"].nunique()
    intro = (
        f"The explorer holds {count_noun(n_minerals, 'mineral')}, {int((both > 1).sum())} of them at "
        f"both mining and refining, {count_noun(len(summary), 'mineral × stage × year view')} in all, from the same series as "
        "the reports: USGS where it lists countries for that stage and year, otherwise the IEA's observed 2023 figures."
    )
    return Explorer(standfirst=STANDFIRST, shares=shares, summary=summary, coverage=coverage_table(summary), intro=intro,
                    source=f"{usgs_source(sorted(editions))}; {IEA_SOURCE_CHART.removeprefix('Source: ')}")
