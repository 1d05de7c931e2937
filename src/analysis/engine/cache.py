"""Which reports are fresh: content keys, per-report cache entries, the rebuild decision.

A report's **execution key** is a digest of

* the notebook file's bytes,
* its parameter set (canonical JSON, types included: ``"029"`` ≠ ``29``),
* the ``analysis`` source (library, templates, stylesheets, output-shaping engine files),
* the versions of Python and of the packages that shape output (:data:`fingerprint.OUTPUT_PACKAGES`),
* the build date (``SOURCE_DATE_EPOCH``).

Its **data dependencies** are the data-package resources the kernel reported reading
(:func:`analysis.data.package.accessed_resources`), each with the sha256 that
``datapackage.json`` records and the sha256 of the file's bytes at build time; if the kernel
could not tell, every resource of the package. Each output format has its own key (execution
key + data + format + page options) and file hash.

A report is **fresh** for a format when the keys match, every dependency still has the same
recorded and actual hash, and the output file on disk is the one written (same size and
mtime, or else same sha256). Entries live in ``reports/_cache/entries/<stem>.json`` and are
written last, after the outputs, so a crash can only make a report look stale, never fresh.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.engine import fingerprint
from analysis.engine.files import atomic_write_text
from analysis.engine.publications import Report

ENTRY_VERSION = 1
FORMATS = ("html", "pdf")


@dataclass
class Project:
    """Where a build reads and writes (everything under one root, ``ECONSEC_ROOT`` in tests)."""

    root: Path

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def cache(self) -> Path:
        return self.reports / "_cache"

    @property
    def entries(self) -> Path:
        return self.cache / "entries"

    @property
    def failed(self) -> Path:
        return self.reports / "_failed"

    @property
    def datapackage(self) -> Path:
        return self.root / "data" / "datapackage.json"

    def output(self, stem: str, fmt: str) -> Path:
        return self.reports / f"{stem}.{fmt}"

    def executed(self, stem: str) -> Path:
        return self.reports / f"{stem}.ipynb"

    def entry_path(self, stem: str) -> Path:
        return self.entries / f"{stem}.json"


@dataclass
class BuildInputs:
    """Everything outside a notebook that its outputs depend on, computed once per build."""

    project: Project
    hasher: fingerprint.FileHasher
    sources: str
    versions: dict[str, str]
    data: dict[str, dict[str, str | None]]
    epoch: int
    data_version: dict[str, str]

    @classmethod
    def compute(cls, project: Project) -> BuildInputs:
        hasher = fingerprint.FileHasher(project.cache / "file-hashes.json")
        return cls(
            project=project,
            hasher=hasher,
            sources=fingerprint.sources_digest(hasher),
            versions=fingerprint.versions(),
            data=fingerprint.data_state(project.datapackage, hasher) if project.datapackage.exists() else {},
            epoch=fingerprint.source_date_epoch(project.datapackage),
            data_version=fingerprint.package_version(project.datapackage) if project.datapackage.exists() else {},
        )

    def components(self, report: Report) -> dict[str, str]:
        """The named parts of a report's execution key (named, so ``list`` can say what changed)."""
        return {
            "notebook": self.hasher.sha256(report.notebook.path),
            "parameters": fingerprint.digest(report.notebook.id, report.params),
            "analysis source": self.sources,
            "package versions": fingerprint.digest(self.versions),
            "build date": str(self.epoch),
        }

    def deps_state(self, deps: list[str] | None) -> dict[str, dict[str, str | None]]:
        names = list(self.data) if deps is None else deps
        return {name: {k: v for k, v in self._state(name).items() if k != "path"} for name in names}

    def _state(self, name: str) -> dict[str, str | None]:
        if name in self.data:
            return self.data[name]
        if name.startswith(fingerprint.KIND_PREFIX):
            # A kind the kernel looked for but the package has no resource of (no WGI pull yet):
            # its member set is empty, a state like any other — adding the first member changes it.
            empty = fingerprint.digest([])
            return {"recorded": empty, "actual": empty, "path": ""}
        return {}


def exec_key(components: dict[str, str]) -> str:
    return fingerprint.digest(components)


def output_key(exec_key_: str, deps: dict[str, Any], fmt: str, options: dict[str, Any]) -> str:
    return fingerprint.digest(exec_key_, deps, fmt, options)


def page_options(fmt: str, formats: tuple[str, ...], report: Report | None = None) -> dict[str, Any]:
    """Options that change one format's bytes besides the notebook: the HTML links its PDF and
    its related reports (so adding a scenario to the matrix refreshes its profile's page), and the
    publisher and base URL its citations and chart cards name."""
    if fmt != "html":
        return {}
    return {"links_pdf": "pdf" in formats, "related": [list(r) for r in report.related] if report else [],
            # the citations, embed snippets and social tags name the publisher and the address
            "site": list(report.site) if report else []}


def read_entry(project: Project, stem: str) -> dict[str, Any] | None:
    path = project.entry_path(stem)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return entry if entry.get("version") == ENTRY_VERSION else None


def write_entry(project: Project, entry: dict[str, Any]) -> None:
    project.entries.mkdir(parents=True, exist_ok=True)
    entry = {**entry, "version": ENTRY_VERSION}
    atomic_write_text(project.entry_path(entry["stem"]), json.dumps(entry, sort_keys=True, indent=1, ensure_ascii=False))


def file_record(path: Path, sha256: str) -> dict[str, Any]:
    stat = path.stat()
    return {"file": path.name, "sha256": sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def file_unchanged(path: Path, record: dict[str, Any] | None, hasher: fingerprint.FileHasher) -> bool:
    """The file is still the one described by ``record`` (stat first, hash only if stat differs)."""
    if not record:
        return False
    try:
        stat = path.stat()
    except FileNotFoundError:
        return False
    if stat.st_size == record.get("size") and stat.st_mtime_ns == record.get("mtime_ns"):
        return True
    return stat.st_size == record.get("size") and hasher.sha256(path) == record.get("sha256")


@dataclass
class Decision:
    """What a build does with one report."""

    report: Report
    action: str  # "skip" | "convert" | "execute"
    reason: str
    formats: tuple[str, ...] = ()  # formats to write
    entry: dict[str, Any] | None = None
    components: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """fresh / stale / failed, as ``econsec list`` shows it."""
        if self.action == "skip":
            return "fresh"
        if self.entry and self.entry.get("status") == "failed" and self.reason.startswith("failed"):
            return "failed"
        return "stale"


def decide(report: Report, formats: tuple[str, ...], inputs: BuildInputs, *, force: bool = False) -> Decision:
    """Fresh (skip), convert only (execution still valid), or execute — and why."""
    project = inputs.project
    components = inputs.components(report)
    entry = read_entry(project, report.stem)
    base = {"report": report, "entry": entry, "components": components}
    if force:
        return Decision(action="execute", reason="--force", formats=formats, **base)
    if entry is None or entry.get("exec_key") is None and entry.get("status") != "failed":
        return Decision(action="execute", reason="not built yet", formats=formats, **base)
    if entry.get("status") == "failed":
        failure = entry.get("failure", {}).get("summary", "")
        return Decision(action="execute", reason=f"failed last time: {failure}".rstrip(": "), formats=formats, **base)
    previous = entry.get("components", {})
    for name, value in components.items():
        if previous.get(name) != value:
            return Decision(action="execute", reason=f"{name} changed", formats=formats, **base)
    deps = entry.get("deps")
    current = inputs.deps_state(list(deps) if deps is not None else None)
    for name, recorded in (deps or {}).items():
        now = current.get(name) or {}
        if not now:
            return Decision(action="execute", reason=f"data resource {name} no longer in the data package", formats=formats, **base)
        if now != recorded:
            return Decision(action="execute", reason=f"data changed: {name}", formats=formats, **base)
    todo = []
    missing_reason = ""
    for fmt in formats:
        record = (entry.get("outputs") or {}).get(fmt)
        expected = output_key(entry["exec_key"], current, fmt, page_options(fmt, formats, report))
        if not record or record.get("key") != expected:
            todo.append(fmt)
            missing_reason = missing_reason or f"{fmt} not built with these inputs"
        elif not file_unchanged(project.output(report.stem, fmt), record, inputs.hasher):
            todo.append(fmt)
            missing_reason = missing_reason or f"{report.stem}.{fmt} missing or changed on disk"
        else:
            changed = next((name for name, extra in sorted((record.get("files") or {}).items())
                            if not file_unchanged(project.reports / name, {"file": name, **extra}, inputs.hasher)), None)
            if changed:
                todo.append(fmt)
                missing_reason = missing_reason or f"{changed} missing or changed on disk"
    if not todo:
        return Decision(action="skip", reason="up to date", **base)
    if file_unchanged(project.executed(report.stem), entry.get("executed"), inputs.hasher):
        return Decision(action="convert", reason=missing_reason, formats=tuple(todo), **base)
    return Decision(action="execute", reason=missing_reason + " (executed notebook missing)", formats=formats, **base)
