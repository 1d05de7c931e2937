"""The Frictionless data package: ``data/datapackage.json``.

Every raw file a report reads is a *resource* of the package with its source, licence and
sha256. Loaders find their file through :func:`resource_path`, so a report can always be
traced back to a package entry; :func:`verify_hashes` tells whether a file on disk is still
the one that was recorded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from analysis.errors import DataFileError
from analysis.paths import datapackage_path


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_datapackage(path: str | Path | None = None) -> dict[str, Any]:
    """The parsed ``datapackage.json`` (a fresh dict each call; callers may mutate it)."""
    path = Path(path) if path is not None else datapackage_path()
    return json.loads(_read_text(str(path.resolve()), path.stat().st_mtime_ns))


@lru_cache(maxsize=8)
def _read_text(path: str, _mtime_ns: int) -> str:
    return Path(path).read_text(encoding="utf-8")


def resource(name: str, package: dict[str, Any] | None = None) -> dict[str, Any]:
    """The package entry of resource ``name``; raises with the list of known names."""
    package = package if package is not None else read_datapackage()
    for entry in package["resources"]:
        if entry["name"] == name:
            return entry
    known = ", ".join(sorted(r["name"] for r in package["resources"]))
    raise KeyError(f"no resource {name!r} in datapackage.json; known resources: {known}")


def resource_path(name: str, package_path: str | Path | None = None) -> Path:
    """Absolute path of resource ``name``'s file (paths in the package are relative to it)."""
    package_path = Path(package_path) if package_path is not None else datapackage_path()
    entry = resource(name, read_datapackage(package_path))
    return (package_path.parent / entry["path"]).resolve()


@dataclass(frozen=True)
class HashMismatch:
    """A resource whose file is missing or differs from its recorded sha256."""

    name: str
    path: Path
    expected: str
    actual: str | None  # None when the file is missing

    def __str__(self) -> str:
        if self.actual is None:
            return f"{self.name}: file {self.path} is missing"
        return f"{self.name}: {self.path} has sha256 {self.actual}, datapackage.json records {self.expected}"


def recorded_sha256(entry: dict[str, Any]) -> str:
    """The hex digest from a resource's ``hash`` property (``"sha256:<hex>"``)."""
    value = entry.get("hash", "")
    algorithm, _, digest = value.partition(":")
    if algorithm != "sha256" or not digest:
        raise DataFileError(datapackage_path(), f"resource {entry.get('name')!r} has no sha256 hash", value=value)
    return digest


def verify_hashes(package_path: str | Path | None = None) -> list[HashMismatch]:
    """Every resource whose file is missing or whose bytes changed since they were recorded."""
    package_path = Path(package_path) if package_path is not None else datapackage_path()
    package = read_datapackage(package_path)
    problems: list[HashMismatch] = []
    for entry in package["resources"]:
        path = (package_path.parent / entry["path"]).resolve()
        expected = recorded_sha256(entry)
        actual = sha256_file(path) if path.exists() else None
        if actual != expected:
            problems.append(HashMismatch(entry["name"], path, expected, actual))
    return problems


#: Names of the resources read in this process, in first-read order. The build engine asks a
#: report's kernel for this after execution: it is the report's data dependency list (what the
#: cache keys on, and what the sources section cites).
_ACCESSED: dict[str, None] = {}


def accessed_resources() -> list[str]:
    """Resources loaded through :func:`check_resource` in this process so far."""
    return list(_ACCESSED)


def check_resource(name: str, package_path: str | Path | None = None, *, package: dict[str, Any] | None = None) -> Path:
    """Path of resource ``name`` after checking it exists and matches its recorded hash.

    Loaders call this so that a report never silently reads a file that differs from the one
    its sources section cites. ``package``: the already-parsed descriptor of ``package_path``
    (a loader checking many resources reads datapackage.json once).
    """
    package_path = Path(package_path) if package_path is not None else datapackage_path()
    entry = resource(name, package if package is not None else read_datapackage(package_path))
    path = (package_path.parent / entry["path"]).resolve()
    if not path.exists():
        raise DataFileError(path, f"file of resource {name!r} is missing")
    actual = sha256_file(path)
    if actual != recorded_sha256(entry):
        raise DataFileError(
            path,
            f"sha256 differs from datapackage.json ({recorded_sha256(entry)[:12]}…) — the raw file changed; "
            "restore it or record the new edition with `econsec data`",
            value=actual[:12] + "…",
        )
    _ACCESSED.setdefault(name, None)
    return path


def sources(resource_names: list[str] | None = None, package_path: str | Path | None = None) -> list[dict[str, Any]]:
    """Distinct sources (title, publisher, path/DOI, licence) of the given resources, in package order.

    Used to generate every report's sources section. With ``None``, all resources.
    """
    package = read_datapackage(package_path)
    seen: dict[str, dict[str, Any]] = {}
    for entry in package["resources"]:
        if resource_names is not None and entry["name"] not in resource_names:
            continue
        licences = ", ".join(lic.get("title") or lic.get("name", "") for lic in entry.get("licenses", []))
        for src in entry.get("sources", []):
            key = src.get("title", "") + src.get("path", "")
            if key not in seen:
                seen[key] = {**src, "licence": licences, "resources": [entry["name"]]}
            else:
                seen[key]["resources"].append(entry["name"])
    return list(seen.values())


def package_fingerprint(package_path: str | Path | None = None) -> str:
    """Short digest of all recorded resource hashes: identifies the data version of a build."""
    package = read_datapackage(package_path)
    digest = hashlib.sha256()
    for entry in sorted(package["resources"], key=lambda e: e["name"]):
        digest.update(f"{entry['name']}={entry.get('hash', '')}\n".encode())
    return digest.hexdigest()[:12]


# --- Resource kinds: how loaders discover every edition or pull of a source --------------------
#
# A resource may carry a custom ``econsec`` property, e.g. ``{"kind": "usgs-mcs-world",
# "edition": 2025}`` or ``{"kind": "comtrade-pull", "query": {...}, "retrieved": "…Z"}``.
# Loaders that combine "every resource of a kind" (every USGS edition, every Comtrade pull)
# find them with :func:`resources_of_kind`. Such a loader depends not only on the files it read
# but on the *set* of resources of that kind: importing a new edition must rebuild the reports
# that combine editions. So the kinds a process asked for are recorded too
# (:func:`accessed_kinds`), and :func:`kind_members` gives what a build cache should key on.

_KINDS: dict[str, None] = {}


def econsec_properties(entry: dict[str, Any]) -> dict[str, Any]:
    """The resource's custom ``econsec`` property (``{}`` when absent)."""
    value = entry.get("econsec")
    return value if isinstance(value, dict) else {}


def resource_kind(entry: dict[str, Any]) -> str | None:
    """``econsec.kind`` of a resource entry, or None."""
    return econsec_properties(entry).get("kind")


def resources_of_kind(kind: str, package_path: str | Path | None = None) -> list[dict[str, Any]]:
    """Entries whose ``econsec.kind`` is ``kind``, in package order; records the query."""
    _KINDS.setdefault(kind, None)
    package = read_datapackage(package_path)
    return [entry for entry in package["resources"] if resource_kind(entry) == kind]


def accessed_kinds() -> list[str]:
    """Resource kinds discovered through :func:`resources_of_kind` in this process so far."""
    return list(_KINDS)


def kind_members(kinds: list[str], package_path: str | Path | None = None) -> dict[str, list[str]]:
    """For each kind, ``"<name>=<hash>"`` of its resources (sorted): a cache key for discovery.

    A report that combined every USGS edition must be rebuilt when an edition is added even
    though none of the files it read changed; keying on this (besides the files read) does it.
    """
    package = read_datapackage(package_path)
    return {
        kind: sorted(f"{e['name']}={e.get('hash', '')}" for e in package["resources"] if resource_kind(e) == kind)
        for kind in kinds
    }
