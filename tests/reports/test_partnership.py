"""Partnership report: every required milestone with a source; memberships; lists; escaping."""

from __future__ import annotations

import pytest

from analysis.reports import blocks as report
from analysis.reports.partnership import MILESTONES, lists_overlap, partnership
from tests.support.notebooks import assert_publishable, charts, execute, html_text


@pytest.fixture(scope="module")
def p():
    return partnership("2025-12-31")


def test_every_required_milestone_is_sourced(p):
    assert set(p.milestones["milestone"]) == {label for label, _ in MILESTONES}
    assert p.milestones["source_url"].str.startswith("http").all()
    summit = p.milestones[p.milestones.milestone.str.startswith("15th")]
    assert "2025-08-29" in set(summit.date)
    dialogue = p.milestones[p.milestones.milestone == "First Dialogue on Economic Security"]
    assert set(dialogue.date) == {"2024-11-27"}


def test_tables_show_each_events_source_type_and_link_the_official_page_first(p):
    import csv

    from analysis.reports.partnership import events_table
    from tests.support.project import REPO as ROOT

    with open(ROOT / "data" / "curated" / "partnership-event-sources.csv", encoding="utf-8", newline="") as handle:
        curated = {(r["date"], r["event"]): r for r in csv.DictReader(handle)}
    table = events_table(p.events)
    assert len(table) == len(curated)
    for row in table.itertuples():
        sourcing = curated[(row.Date, row.Event)]
        assert row[table.columns.get_loc("Source type") + 1].lower().startswith(sourcing["source_type"])
        if sourcing["source_type"] == "primary":
            assert row.source_url == sourcing["official_url"]
    official = [r for r in curated.values() if r["source_type"] == "primary"]
    milestones = p.milestones.merge(p.events[["date", "event", "official_url"]], on=["date", "event"])
    for m in milestones.itertuples():
        assert m.source_type.lower().startswith("primary") == bool(m.official_url)
        if m.official_url:
            assert m.source_url == m.official_url
    assert official, "the curated file has at least one official page"


def test_membership_as_of_a_date(p):
    m = p.membership
    india_msp = m[(m.iso3 == "IND") & (m.framework == "MSP")].iloc[0]
    assert india_msp.member and india_msp.joined == "2023-06"
    early = partnership("2023-01-01").membership
    assert not early[(early.iso3 == "IND") & (early.framework == "MSP")].member.iloc[0]


def test_list_overlap_counts_each_mineral_once(raw_dir):
    from analysis.data.partnership import read_critical_mineral_lists

    lists = read_critical_mineral_lists(raw_dir / "partnership" / "critical_mineral_lists.csv")
    overlap = lists_overlap(lists)
    assert not overlap.duplicated(["mineral", "country"]).any()
    both = set(overlap.loc[overlap.status == "on both lists", "mineral"])
    india = set(lists.loc[lists.country == "India", "mineral_std"])
    japan = set(lists.loc[lists.country == "Japan", "mineral_std"])
    assert both == india & japan


def test_event_text_is_escaped_never_markup():
    import pandas as pd

    hostile = pd.DataFrame({"Event": ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'],
                            "Source": ["a", "b"], "source_url": ["javascript:alert(1)", "https://example.org/?a=<b>"]})
    html = report.table(hostile, links={"Source": "source_url"}).data
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "javascript:" not in html
    assert 'href="https://example.org/?a=&lt;b&gt;"' in html


@pytest.mark.slow
@pytest.mark.parametrize("as_of", ["2025-12-31", "2023-01-01"])
def test_notebook_runs(tmp_path, as_of):
    nb = execute("partnership", tmp_path, as_of=as_of)
    specs = charts(nb)
    assert len(specs) == 3
    assert_publishable(specs)
    text = html_text(nb)
    assert "hover" not in text.lower()
    for label, _ in MILESTONES:
        assert label.replace("–", "&ndash;") in text or label in text


def test_by_mineral_counts_recompute_from_the_raw_events_file(p):
    import csv
    import re

    from tests.support.project import REPO as ROOT

    with open(ROOT / "data" / "raw" / "partnership" / "events.csv", encoding="utf-8") as f:
        raw = list(csv.DictReader(f))
    naming = {"Rare earths": r"rare[- ]earth", "Graphite": r"graphite", "Gallium": r"gallium"}
    table = p.by_mineral.set_index("Mineral")
    for mineral, pattern in naming.items():
        dates = [r["date"] for r in raw if re.search(pattern, (r["event"] + " " + r["description"]).lower())]
        assert table.loc[mineral, "Events"] == len(dates) > 0, mineral
        assert (table.loc[mineral, "First"], table.loc[mineral, "Latest"]) == (min(dates), max(dates))
    assert list(p.by_mineral["Events"]) == sorted(p.by_mineral["Events"], reverse=True)


def test_table_rows_carry_the_anchor_other_reports_link_to():
    import pandas as pd

    from analysis.paths import anchor

    frame = pd.DataFrame({"Mineral": ["Rare earths", "Platinum-group metals"], "Events": [3, 1]})
    out = report.table(frame, row_anchors=("Mineral", "mineral")).data
    assert '<tr id="mineral-rare-earths"><td>Rare earths</td>' in out
    assert f'<tr id="{anchor("mineral", "Platinum-group metals")}">' in out
    assert "<tr id" not in report.table(frame).data


def test_lists_source_line_dates_each_list_as_the_chart_subtitle_does(p):
    """Issue 13: the subtitle said "Japan: list undated in its source" while the source line said "(2009 strategy)"."""
    import pandas as pd

    years = p.lists_overlap.groupby("country")["list_year"].first()
    for country, year in years.items():
        part = next(x for x in p.lists_source.split("; ") if x.startswith(f"{country}:"))
        assert part.endswith("(undated in its source)") if pd.isna(year) else part.endswith(f"({year})")
    japan_undated = pd.isna(years["Japan"])
    assert ("does not date" in p.caveats[-1]) == japan_undated and "2009" not in p.lists_source + p.caveats[-1]
