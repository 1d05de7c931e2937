"""The published Atom feed (reports/feed.xml) of the checked build: valid XML in the Atom
namespace, with the elements RFC 4287 requires, and exactly one entry per report page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

ATOM = "{http://www.w3.org/2005/Atom}"


def _required(node: ET.Element, what: str) -> None:
    for tag in ("id", "title", "updated"):
        element = node.find(ATOM + tag)
        assert element is not None and (element.text or "").strip(), f"{what} has no <{tag}>"
    datetime.fromisoformat(node.find(ATOM + "updated").text.replace("Z", "+00:00"))


def test_feed_is_atom_with_one_entry_per_report_page(checked_reports, report_pages):
    root = ET.parse(checked_reports / "feed.xml").getroot()  # raises on malformed XML
    assert root.tag == ATOM + "feed"
    _required(root, "the feed")
    entries = root.findall(ATOM + "entry")
    ids = [e.find(ATOM + "id").text for e in entries]
    assert len(ids) == len(set(ids)), "two feed entries share an id"
    linked = []
    for entry in entries:
        _required(entry, f"entry {entry.find(ATOM + 'id').text}")
        alternate = [link.get("href") for link in entry.findall(ATOM + "link") if link.get("rel", "alternate") == "alternate"]
        assert len(alternate) == 1, f"entry {entry.find(ATOM + 'id').text} has {len(alternate)} alternate links"
        assert (checked_reports / alternate[0]).is_file(), f"feed links {alternate[0]}, which does not exist"
        summary = entry.find(ATOM + "summary")
        assert summary is not None and len((summary.text or "").split()) >= 5, f"entry for {alternate[0]} has no summary"
        linked.append(alternate[0])
    assert sorted(linked) == sorted(p.name for p in report_pages)
