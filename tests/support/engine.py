"""Helpers shared by the build tests."""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

from analysis.engine.cache import Project
from analysis.engine.runner import BuildOptions, BuildResult, build


@contextlib.contextmanager
def environment(**values: str | None) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    try:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_build(project: Project, **options) -> BuildResult:
    options.setdefault("progress", False)
    with environment(ECONSEC_ROOT=str(project.root), ECONSEC_COMMIT="test-commit", SOURCE_DATE_EPOCH=None):
        return build(project, BuildOptions(**options))


def statuses(result: BuildResult) -> dict[str, str]:
    return {o.decision.report.stem: o.status for o in result.outcomes}


def mtimes(project: Project) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted(project.reports.glob("*.*"))}


def temporaries(project: Project) -> list[Path]:
    return [p for p in project.reports.rglob(".*") if ".tmp-" in p.name]


def chart_specs(executed: Path) -> list[dict]:
    nb = json.loads(executed.read_text(encoding="utf-8"))
    specs = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            for mime, data in output.get("data", {}).items():
                if re.fullmatch(r"application/vnd\.vegalite\.v\d+\+json", mime):
                    specs.append(data)
    return specs


def record_hash(project: Project, resource: str) -> None:
    """Record a changed raw file's new sha256 in datapackage.json (what `econsec data` does)."""
    from analysis.data.package import sha256_file

    package_path = project.datapackage
    package = json.loads(package_path.read_text(encoding="utf-8"))
    for entry in package["resources"]:
        if entry["name"] == resource:
            entry["hash"] = "sha256:" + sha256_file(package_path.parent / entry["path"])
    package_path.write_text(json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8")
