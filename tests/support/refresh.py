"""Helpers for the refresh tests: a throw-away copy of the project's data, tree digests, a fake
UN Comtrade server under the real client, the recorded WGI records (no test touches the network)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
REAL_DATA = REPO / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "refresh"
MCS2025 = REAL_DATA / "raw/usgs-mcs-2025/MCS2025_World_Data.csv"
MCS2024_RE = REAL_DATA / "raw/usgs-mcs-2024/mcs2024-raree_world-1.csv"
QUAD = REAL_DATA / "raw/trade/quad-critical-minerals-supply-chain"
WGI_BULK = REAL_DATA / "raw/trade/wgi/WGIData.csv"


class Project:
    """A copy of data/ under a temporary project root (ECONSEC_ROOT points at it)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.package_path = self.data / "datapackage.json"

    def package(self) -> dict[str, Any]:
        return json.loads(self.package_path.read_text(encoding="utf-8"))

    def resource(self, name: str) -> dict[str, Any]:
        return next(e for e in self.package()["resources"] if e["name"] == name)

    def remove_imported_editions(self) -> None:
        """Drop the MCS 2023 and 2024 per-commodity tables imported from the release folders
        (all but the MCS 2024 rare-earth file shipped before them): the package these tests
        were written against."""
        keep = {"usgs-mcs-2024-rare-earths"}
        names = [e["name"] for e in self.package()["resources"]
                 if re.match(r"usgs-mcs-202[34]-", e["name"]) and e["name"] not in keep]
        self.remove_resources(*names)

    def remove_resources(self, *names: str) -> None:
        """Drop resources and their files: the package as it was before they were added."""
        package = self.package()
        for entry in package["resources"]:
            if entry["name"] in names:
                (self.data / entry["path"]).unlink()
        package["resources"] = [e for e in package["resources"] if e["name"] not in names]
        self.package_path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for folder in sorted(self.data.rglob("*"), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` (relative path → sha256, or "dir")."""
    digest: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        digest[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def assert_package_valid(project: Project) -> None:
    """The Frictionless descriptor is valid and every file matches its recorded sha256."""
    from analysis.data.package import verify_hashes
    from analysis.data.refresh.transaction import descriptor_errors

    assert descriptor_errors(project.package()) == []
    assert verify_hashes(project.package_path) == []


def assert_no_staging_left(project: Project) -> None:
    leftovers = [p.name for p in project.root.iterdir() if p.name.startswith(".econsec-staging-")]
    leftovers += [p.name for p in project.data.iterdir() if p.name.startswith(".econsec-staging-")]
    assert leftovers == []


# --- UN Comtrade: a fake HTTP transport under the real comtradeapicall client -------------------


class FakeResponse:
    def __init__(self, status: int, data: bytes) -> None:
        self.status = status
        self.data = data


class FakeComtrade:
    """Stands in for comtradeapi.un.org: answers urllib3 requests from the recorded fixture.

    Filters the recorded rows by the query's reporters, partners, products, flows and years as
    the API does; or returns a configured error status / body, or raises a transport error.
    """

    def __init__(self) -> None:
        body = json.loads((FIXTURES / "comtrade-getfinaldata-quad.json").read_text(encoding="utf-8"))
        self.rows: list[dict[str, Any]] = body["data"]
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.status = 200
        self.body: bytes | None = None
        self.exception: BaseException | None = None

    @staticmethod
    def _match(value: Any, wanted: Any) -> bool:
        if wanted is None:
            return True
        return str(value) in {w.strip() for w in str(wanted).split(",")}

    def request(self, method: str, url: str, fields: dict[str, Any] | None = None, **_: Any) -> FakeResponse:
        fields = dict(fields or {})
        self.calls.append((method, url, fields))
        if self.exception is not None:
            raise self.exception
        if self.body is not None or self.status != 200:
            return FakeResponse(self.status, self.body or b"")
        rows = [
            r
            for r in self.rows
            if self._match(r["reporterCode"], fields.get("reportercode"))
            and self._match(r["partnerCode"], fields.get("partnerCode"))
            and self._match(r["cmdCode"], fields.get("cmdCode"))
            and self._match(r["flowCode"], fields.get("flowCode"))
            and self._match(r["refYear"], fields.get("period"))
        ]
        return FakeResponse(200, json.dumps({"elapsedTime": "recorded", "count": len(rows), "data": rows}).encode())


# --- World Bank: recorded wbgapi.data.fetch records ---------------------------------------------


def wgi_fixture_records() -> list[dict[str, Any]]:
    return json.loads((FIXTURES / "wgi-fetch-2018.json").read_text(encoding="utf-8"))["records"]
