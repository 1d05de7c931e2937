"""Charts of the partnership: event timeline, framework membership, critical-mineral lists."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.theme import COLOURS, publish

CATEGORY_ORDER = ["summit", "agreement", "dialogue", "framework", "project", "industry"]
CATEGORY_LABELS = {
    "summit": "Summits",
    "agreement": "Agreements",
    "dialogue": "Dialogues",
    "framework": "Frameworks and policy",
    "project": "Industry projects",
    "industry": "Market events and export controls",
}
#: One colour per category, none of the colours the report's other charts give India, Japan,
#: "on both lists" or "member" (analysis.charts.theme.COLOURS)
CATEGORY_COLOURS = {"summit": "#882255", "agreement": "#661100", "dialogue": "#332288", "framework": "#DDCC77",
                    "project": "#56B4E9", "industry": "#CC79A7"}
MEMBER_COLOUR = "#4D4D4D"  # dark grey: a filled membership cell


#: Column names of the chart's data as readers see them (CSV download, print appendix).
TIMELINE_FIELDS = {"row": "Row", "when": "Drawn at", "date": "Date as published", "label": "Label", "lane": "Category",
                   "source_kind": "Source type", "event": "Event", "best_title": "Source"}
SOURCE_KINDS = {"primary": "official page (primary)", "secondary": "news or other report (secondary)"}
#: Layout of the print-first timeline, in CSS px (the PDF shows SVGs at 1 px = 1/96 in, so
#: 10 px text is 7.5 pt; the whole chart stays under the 665 px of A4 text width).
ROW_HEIGHT = 13
LABEL_WIDTH = 330
PLOT_WIDTH = 270
TEXT_SIZE = 10


def timeline_chart(events: pd.DataFrame, *, source: str, start: str | None = None, title: str | None = None) -> alt.VConcatChart:
    """Every event on its own row, oldest first: date and short label on the left, a dot at its
    date on a shared year axis on the right.

    Reads in print: each event is labelled without interaction, and events of the same day
    (ten on 29 August 2025) sit on separate rows. Colour is the category; a diamond marks an
    event resting on an official page, a circle one resting on news or other reports. Events
    known only to the month or year are drawn at its first day (the date column says which).

    ``events`` columns (from :func:`analysis.data.load_events`): ``date`` (as published),
    ``date_start``, ``event``, ``label``, ``category``, ``source_type``, ``best_title``.
    """
    data = events.copy()
    if start is not None:
        data = data[data["date_start"] >= pd.Timestamp(start)]
    data = data.sort_values(["date_start", "source_line"], kind="stable") if "source_line" in data else data.sort_values("date_start", kind="stable")
    data = data.reset_index(drop=True).assign(
        row=lambda d: d.index + 1,
        lane=lambda d: d["category"].map(CATEGORY_LABELS),
        source_kind=lambda d: d["source_type"].map(SOURCE_KINDS),
        when=lambda d: d["date_start"].dt.strftime("%Y-%m-%d"),
    )[["row", "when", "date", "label", "lane", "source_kind", "event", "best_title"]]
    first, last = data["date"].iloc[0][:4], data["date"].iloc[-1][:4]
    domain = [f"{int(first)}-01-01", f"{int(last) + 1}-01-01"]
    lanes = [CATEGORY_LABELS[c] for c in CATEGORY_ORDER if CATEGORY_LABELS[c] in set(data["lane"])]
    n_primary = int((data["source_kind"] == SOURCE_KINDS["primary"]).sum())
    height = ROW_HEIGHT * len(data)
    F = TIMELINE_FIELDS
    y = alt.Y(f"{F['row']}:O", axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0.5))
    tooltip = [
        alt.Tooltip(f"{F['date']}:N"),
        alt.Tooltip(f"{F['event']}:N"),
        alt.Tooltip(f"{F['lane']}:N"),
        alt.Tooltip(f"{F['source_kind']}:N"),
        alt.Tooltip(f"{F['best_title']}:N"),
    ]
    text = alt.Chart().encode(y=y)
    dates = text.mark_text(align="left", baseline="middle", fontSize=TEXT_SIZE, color="#555555").encode(
        x=alt.value(0), text=f"{F['date']}:N"
    )
    labels = text.mark_text(align="left", baseline="middle", fontSize=TEXT_SIZE, color="#222222").encode(
        x=alt.value(66), text=f"{F['label']}:N", tooltip=tooltip
    )
    left = alt.layer(dates, labels).properties(width=LABEL_WIDTH, height=height)

    x_scale = alt.Scale(domain=domain)
    base = alt.Chart().encode(y=y)
    guides = base.mark_rule(color="#cccccc", strokeWidth=0.8, strokeDash=[2, 2]).encode(
        x=alt.X(f"{F['when']}:T", scale=x_scale, title=None,
                axis=alt.Axis(format="%Y", tickCount="year", orient="top", labelAngle=0, labelFontSize=TEXT_SIZE,
                              labelOverlap=True, grid=True)),
        x2=alt.X2(datum=alt.DateTime(year=int(first), month=1, date=1)),
    )
    dots = base.mark_point(filled=True, opacity=1, stroke="#000000", strokeWidth=0.6).encode(
        size=alt.condition(alt.datum[F["source_kind"]] == SOURCE_KINDS["primary"], alt.value(130), alt.value(60)),
        x=alt.X(f"{F['when']}:T", scale=x_scale, title="Year",
                axis=alt.Axis(format="%Y", tickCount="year", orient="bottom", labelAngle=0, labelFontSize=TEXT_SIZE,
                              titleFontSize=TEXT_SIZE + 1, labelOverlap=True, grid=False)),
        color=alt.Color(f"{F['lane']}:N", sort=lanes, scale=alt.Scale(domain=lanes, range=[CATEGORY_COLOURS[c] for c in CATEGORY_ORDER if CATEGORY_LABELS[c] in lanes]),
                        title="Category", legend=alt.Legend(columns=3, labelLimit=260, labelFontSize=TEXT_SIZE, titleFontSize=TEXT_SIZE + 1,
                                                            symbolStrokeColor="#000000", symbolStrokeWidth=0.6)),
        shape=alt.Shape(f"{F['source_kind']}:N", title="Event rests on",
                        scale=alt.Scale(domain=list(SOURCE_KINDS.values()), range=["diamond", "circle"]),
                        legend=alt.Legend(labelLimit=260, labelFontSize=TEXT_SIZE, titleFontSize=TEXT_SIZE + 1, symbolFillColor="#777777",
                                          symbolStrokeColor="#000000", symbolSize=90, direction="vertical")),
        tooltip=tooltip,
    )
    right = alt.layer(guides, dots).resolve_axis(x="independent").properties(width=PLOT_WIDTH, height=height)
    chart = alt.hconcat(left, right, data=data.rename(columns=F), spacing=4).resolve_scale(y="shared")
    return publish(
        chart,
        title=title or f"India–Japan economic security: {len(data)} events, {first}–{last}",
        subtitle=(
            f"One row per event, oldest first, dated as published (year, month or day); "
            f"{n_primary} of {len(data)} rest on an official page"
        ),
        source=source,
        description=(
            f"Timeline of {len(data)} dated events from {data['date'].iloc[0]} to {data['date'].iloc[-1]}, one labelled row per "
            f"event, in {len(lanes)} categories: "
            + ", ".join(f"{lane.lower()} ({(data['lane'] == lane).sum()})" for lane in lanes)
            + f". {n_primary} events rest on an official page, {len(data) - n_primary} on news or other reports."
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
        x=alt.X("framework:N", sort=frameworks, title=None, axis=alt.Axis(labelAngle=0, labelLimit=200,
                                   # one word a line: long names ("Quad Critical Minerals Initiative")
                                   # stay level and readable instead of slanting
                                   labelExpr="split(datum.label, ' ')", labelLineHeight=12)),
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
            scale=alt.Scale(domain=["member", "not a member"], range=[MEMBER_COLOUR, "#eeeeee"]),
        ),
    )
    return publish(
        cells.properties(width=72 * len(frameworks), height=16 * len(countries)),
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
    ("on both lists" | "India only" | "Japan only"), ``list_year`` (Int64, <NA> when undated).
    """
    data = overlap[overlap["on_list"]]
    order = (
        data.assign(both=data["status"].eq("on both lists"))
        .sort_values(["both", "mineral"], ascending=[False, True])["mineral"].drop_duplicates().tolist()
    )
    n_both = data.loc[data["status"] == "on both lists", "mineral"].nunique()
    years = overlap.groupby("country")["list_year"].first()
    named = [f"{country}'s {'list' if pd.isna(year) else f'{year} list'}" for country, year in years.items()]
    undated = [country for country, year in years.items() if pd.isna(year)]
    undated_note = f"; {' and '.join(undated)}: list undated in its source" if undated else ""
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
        title=f"Critical minerals on {' and '.join(named)}",
        subtitle=f"Number of minerals on both lists: {n_both}{undated_note}; names harmonised to USGS commodities",
        source=source,
        description=f"Dot matrix of {len(order)} minerals on {' and '.join(named)}; {n_both} are on both.",
        csv_name="critical-mineral-lists",
    )
