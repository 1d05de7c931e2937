"""The data package: valid Frictionless package, every file present with its recorded sha256."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import frictionless
import pytest

from analysis.data.package import check_resource, verify_hashes
from analysis.errors import DataFileError

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "data" / "datapackage.json"
DESCRIPTOR = json.loads(PACKAGE.read_text(encoding="utf-8"))
# The MCS 2024 rare-earth file was re-saved in a spreadsheet by the repository owner: ~35
# trailing columns without a header and ~25 empty rows (documented in its PROVENANCE.md).
KNOWN_LAYOUT_ERRORS = {"usgs-mcs-2024-rare-earths": ["blank-label", "blank-row"]}


@pytest.mark.parametrize("entry", DESCRIPTOR["resources"], ids=lambda e: e["name"])
def test_resource_validates_with_frictionless(entry):
    resource = frictionless.Resource(entry, basepath=str(PACKAGE.parent))
    # files imported with `econsec data import-mcs` record their layout quirks themselves
    skip = KNOWN_LAYOUT_ERRORS.get(entry["name"], []) + entry.get("econsec", {}).get("layout_quirks", [])
    assert set(skip) <= {"blank-label", "blank-row"}, "only layout checks may be skipped, never value checks"
    checklist = frictionless.Checklist(skip_errors=skip)
    report = resource.validate(checklist=checklist)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


@pytest.mark.parametrize("entry", DESCRIPTOR["resources"], ids=lambda e: e["name"])
def test_resource_metadata_names_source_licence_and_hash(entry):
    assert entry["sources"] and all(s.get("title") and s.get("path") for s in entry["sources"])
    assert entry["licenses"] and all(l.get("name") for l in entry["licenses"])
    digest = hashlib.sha256((PACKAGE.parent / entry["path"]).read_bytes()).hexdigest()
    assert entry["hash"] == f"sha256:{digest}"
    assert entry["bytes"] == (PACKAGE.parent / entry["path"]).stat().st_size
    if entry.get("type") == "table":
        assert entry["schema"]["fields"], "tabular resources declare their fields"


def test_every_raw_data_file_is_a_resource():
    listed = {(PACKAGE.parent / e["path"]).resolve() for e in DESCRIPTOR["resources"]}
    on_disk = {p.resolve() for p in (PACKAGE.parent / "raw").rglob("*") if p.is_file() and p.suffix != ".md"}
    assert on_disk <= listed, sorted(str(p) for p in on_disk - listed)


def test_verify_hashes_reports_a_changed_file(tmp_path):
    package = json.loads(PACKAGE.read_text(encoding="utf-8"))
    package["resources"] = [r for r in package["resources"] if r["name"] == "partnership-events"]
    target = tmp_path / package["resources"][0]["path"]
    target.parent.mkdir(parents=True)
    original = (PACKAGE.parent / package["resources"][0]["path"]).read_bytes()
    target.write_bytes(original)
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    assert verify_hashes(tmp_path / "datapackage.json") == []

    target.write_bytes(original + b"2026-01-01,x,summit,India,y,z,https://example.org\r\n")
    problems = verify_hashes(tmp_path / "datapackage.json")
    assert [p.name for p in problems] == ["partnership-events"]
    with pytest.raises(DataFileError, match="sha256 differs"):
        check_resource("partnership-events", tmp_path / "datapackage.json")

    target.unlink()
    with pytest.raises(DataFileError, match="missing"):
        check_resource("partnership-events", tmp_path / "datapackage.json")
