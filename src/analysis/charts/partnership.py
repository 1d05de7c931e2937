"""Charts of the partnership: event timeline, framework membership, critical-mineral lists."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.theme import COLOURS, PALETTE, publish

CATEGORY_ORDER = ["summit", "agreement", "dialogue", "framework", "project", "industry"]
CATEGORY_LABELS = {
    "summit": "Summits",
    "agreement": "Agreements",
    "dialogue": "Dialogues",
    "framework": "Frameworks and policy",
    "project": "Industry projects",
    "industry": "Market events and export controls",
}


def timeline_chart(events: pd.DataFrame, *, source: str, start: str | None = None, title: str | None = None) -> alt.VConcatChart:
    """Dated events as points in one lane per category, with the description in the tooltip.

    ``events`` columns (from :func:`analysis.data.load_events`): ``date`` (as published),
    ``date_start``, ``date_precision``, ``event``, ``category``, ``source_title``. Events known
    only to the month or year are drawn at its first day with a hollow mark.
    """
    data = events.copy()
    if start is not None:
        data = data[data["date_start"] >= pd.Timestamp(start)]
    data = data.assign(
        lane=data["category"].map(CATEGORY_LABELS),
        precision=data["date_precision"].map({"day": "exact day", "month": "month only", "year": "year only"}),
        when=data["date_start"].dt.strftime("%Y-%m-%d"),
    )[["when", "date", "lane", "precision", "event", "source_title"]]
    lanes = [CATEGORY_LABELS[c] for c in CATEGORY_ORDER if CATEGORY_LABELS[c] in set(data["lane"])]
    chart = (
        alt.Chart(data)
        .mark_point(size=90, filled=True, opacity=0.85)
        .encode(
            x=alt.X("when:T", title="Date", axis=alt.Axis(format="%Y", tickCount="year")),
            y=alt.Y("lane:N", sort=lanes, title=None),
            color=alt.Color("lane:N", sort=lanes, scale=alt.Scale(range=PALETTE), legend=None),
            shape=alt.Shape(
                "precision:N",
                title="Date known to",
                scale=alt.Scale(domain=["exact day", "month only", "year only"], range=["circle", "square", "triangle-up"]),
                legend=alt.Legend(symbolFillColor="#555555", symbolStrokeColor="#555555"),
            ),
            tooltip=[
                alt.Tooltip("date:N", title="Date"),
                alt.Tooltip("event:N", title="Event"),
                alt.Tooltip("lane:N", title="Category"),
                alt.Tooltip("source_title:N", title="Source"),
            ],
        )
        .properties(width=560, height=40 * len(lanes) + 40)
    )
    first, last = data["date"].iloc[0], data["date"].iloc[-1]
    return publish(
        chart,
        title=title or "India–Japan economic security: what happened, when",
        subtitle=f"{len(data)} sourced events by category, {first[:4]}–{last[:4]}; hover for details",
        source=source,
        description=(
            f"Timeline of {len(data)} dated events from {first} to {last} in {len(lanes)} categories: "
            + ", ".join(f"{lane.lower()} ({(data['lane'] == lane).sum()})" for lane in lanes) + "."
        ),
        csv_name="partnership-events",
    )


def membership_chart(matrix: pd.DataFrame, *, as_of: str, source: str) -> alt.VConcatChart:
    """Which country belongs to which framework on ``as_of``: a filled cell per membership.

    ``matrix`` columns: ``country``, ``framework``, ``member`` (bool), ``joined`` (text, "" if
    undated), ``highlight`` (bool: India or Japan).
    """
    data = matrix.assign(status=matrix["member"].map({True: "member", False: "not a member"}))
    countries = (
        data[data["member"]].groupby("country")["framework"].count().sort_values(ascending=False, kind="stable").index.tolist()
    )
    frameworks = data[data["member"]].groupby("framework")["country"].count().sort_values(ascending=False, kind="stable").index.tolist()
    base = alt.Chart(data[data["country"].isin(countries)]).encode(
        x=alt.X("framework:N", sort=frameworks, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=200)),
        y=alt.Y("country:N", sort=countries, title=None),
        tooltip=[
            alt.Tooltip("country:N", title="Country"),
            alt.Tooltip("framework:N", title="Framework"),
            alt.Tooltip("status:N", title="Status"),
            alt.Tooltip("joined:N", title="Joined"),
        ],
    )
    cells = base.mark_square(size=160).encode(
        color=alt.Color(
            "status:N",
            title=None,
            scale=alt.Scale(domain=["member", "not a member"], range=[COLOURS["partner"], "#eeeeee"]),
        ),
    )
    return publish(
        cells.properties(width=22 * len(frameworks) + 120, height=16 * len(countries)),
        title="Who belongs to which framework",
        subtitle=f"Membership as of {as_of} (filled = member); countries ordered by number of memberships",
        source=source,
        description=(
            f"Matrix of {len(countries)} countries and the European Union against {len(frameworks)} frameworks "
            f"({', '.join(frameworks)}), showing membership as of {as_of}."
        ),
        csv_name="framework-membership",
    )


def lists_overlap_chart(overlap: pd.DataFrame, *, source: str) -> alt.VConcatChart:
    """Minerals on India's and/or Japan's critical-mineral list: one dot per list it is on.

    ``overlap`` columns: ``mineral``, ``country`` (India | Japan), ``on_list`` (bool), ``status``
    ("on both lists" | "India only" | "Japan only").
    """
    data = overlap[overlap["on_list"]]
    order = (
        data.assign(both=data["status"].eq("on both lists"))
        .sort_values(["both", "mineral"], ascending=[False, True])["mineral"].drop_duplicates().tolist()
    )
    n_both = data.loc[data["status"] == "on both lists", "mineral"].nunique()
    chart = (
        alt.Chart(data)
        .mark_circle(size=120)
        .encode(
            x=alt.X("country:N", title=None, axis=alt.Axis(orient="top", labelAngle=0)),
            y=alt.Y("mineral:N", sort=order, title=None),
            color=alt.Color(
                "status:N",
                title=None,
                scale=alt.Scale(domain=["on both lists", "India only", "Japan only"],
                                range=[COLOURS["partner"], COLOURS["india"], COLOURS["japan"]]),
            ),
            tooltip=[alt.Tooltip("mineral:N", title="Mineral"), alt.Tooltip("country:N", title="List"),
                     alt.Tooltip("status:N", title="Status")],
        )
        .properties(width=160, height=14 * len(order))
    )
    return publish(
        chart,
        title="Critical minerals on India's and Japan's lists",
        subtitle=f"{n_both} minerals on both lists; names harmonised to USGS commodities",
        source=source,
        description=f"Dot matrix of {len(order)} minerals on India's 2023 and Japan's rare-metal lists; {n_both} are on both.",
        csv_name="critical-mineral-lists",
    )
