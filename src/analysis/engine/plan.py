"""Build preparation: the validated selection of reports, the formats, the data check, the kernel
settings and the page metadata every report of one build shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from analysis.engine import fingerprint
from analysis.engine.cache import FORMATS, BuildInputs, Project, page_options
from analysis.engine.domains import DomainCache
from analysis.engine.execute import BASE_PREIMPORTS, KernelSettings, notebook_imports
from analysis.engine.publications import Matrix, Report, load_matrix, related_reports, reports as select_reports
from analysis.errors import DataFileError, ParameterError


def domain_cache(project: Project, inputs: BuildInputs, matrix: Matrix) -> DomainCache:
    key = fingerprint.digest(inputs.data_version.get("fingerprint", ""), inputs.sources, inputs.versions)
    return DomainCache(project.cache / "domains.json", key, matrix.domains)


def _sections(domains: DomainCache, matrix: Matrix) -> list[dict[str, Any]]:
    return list(domains(matrix.sections)) if matrix.sections else []


def subject_sections(project: Project, inputs: BuildInputs) -> list[dict[str, Any]]:
    """The ``[project] sections`` domain function's values: report sections about a subject
    (see :func:`analysis.engine.publications.related_reports`), for the front page."""
    matrix = load_matrix(project.root)
    return _sections(domain_cache(project, inputs, matrix), matrix)


def load_reports(project: Project, inputs: BuildInputs, names: Sequence[str] = (), overrides: Sequence[str] = ()) -> list[Report]:
    matrix = load_matrix(project.root)
    domains = domain_cache(project, inputs, matrix)
    selected = select_reports(matrix, domains, names, overrides)
    # related links come from the whole matrix, so a report's page is the same whichever
    # subset of reports one build selects
    everything = select_reports(matrix, domains, (), ()) if names or overrides else selected
    sections = _sections(domains, matrix)
    domains.save()
    site = (matrix.title, matrix.base_url)
    return [replace(r, related=related_reports(r, everything, sections), site=site) for r in selected]


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    for fmt in chosen:
        if fmt not in FORMATS:
            from analysis.engine.params import unknown_name

            raise unknown_name(fmt, FORMATS, "--format", "format")
    if not chosen:
        raise ParameterError(f"--format: give at least one of {', '.join(FORMATS)}")
    return chosen


def check_data_integrity(inputs: BuildInputs) -> None:
    """Refuse to execute when a data file differs from the hash ``datapackage.json`` records."""
    for name, state in sorted(inputs.data.items()):
        if state["actual"] is None:
            raise DataFileError(state["path"], f"file of data resource {name!r} is missing")
        if state["recorded"] != state["actual"]:
            raise DataFileError(
                state["path"],
                f"sha256 differs from datapackage.json ({str(state['recorded'])[:12]}…) for resource {name!r} — "
                "restore the file or record the new edition with `econsec data`",
                value=str(state["actual"])[:12] + "…",
            )


def kernel_settings(project: Project, inputs: BuildInputs, reports: Sequence[Report], commit: str, timeout: int) -> KernelSettings:
    env = dict(
        ECONSEC_BUILD="1",
        ECONSEC_ROOT=str(project.root),
        ECONSEC_COMMIT=commit,
        SOURCE_DATE_EPOCH=str(inputs.epoch),
        PYTHONHASHSEED="0",
        IPYTHONDIR=str(project.cache / "ipython"),
        # analysis.data.frame_cache: each data file parsed once per build, not once per kernel
        ECONSEC_FRAME_CACHE=str(project.cache / "frames"),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    cwds = {str(r.notebook.path.parent) for r in reports}
    cwd = cwds.pop() if len(cwds) == 1 else str(project.root / "notebooks")
    preimports = tuple(dict.fromkeys(BASE_PREIMPORTS + notebook_imports(sorted({r.notebook.path for r in reports}))))
    return KernelSettings(env=tuple(sorted(env.items())), cwd=cwd, preimports=preimports, cell_timeout=timeout)


def site_context(project: Project, inputs: BuildInputs) -> dict[str, Any]:
    """What every page of a build cites with (:mod:`analysis.engine.cards`): the build date, each
    data resource's sha256 and its sources' titles (publisher and base URL come per report)."""
    from analysis.engine.site import resource_titles

    return {
        "epoch": inputs.epoch,
        "data": {name: state.get("actual") or state.get("recorded") or "" for name, state in inputs.data.items()},
        "titles": resource_titles(project),
    }


def provenance(report: Report, moment: datetime) -> str:
    """The reader's line on where a report comes from: the build date, the notebook and its
    parameters in words — no command, path or code literal (``mineral: Rare earths``)."""
    notebook = Path(str(report.notebook.relpath)).stem.replace("_", " ")
    params = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in report.params.items())
    return (f"Built from published data on {moment.strftime('%Y-%m-%d')}; reproducible from the econsec project "
            f"(notebook {notebook}{'; ' + params if params else ''}).")


def page_metadata(report: Report, inputs: BuildInputs, formats: tuple[str, ...], site: dict[str, Any] | None = None,
                  deps: list[str] | None = None) -> dict[str, Any]:
    moment = datetime.fromtimestamp(inputs.epoch, tz=timezone.utc)
    return {
        "title": report.title,
        "group": report.group,
        "stem": report.stem,
        "build_date": moment.strftime("%Y-%m-%d"),
        "build_datetime": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "pdf_name": f"{report.stem}.pdf" if page_options("html", formats).get("links_pdf") else "",
        "related": [{"href": href, "title": title} for href, title in report.related],
        **({"site": {**site, "publisher": report.site[0], "base_url": report.site[1], "deps": deps}} if site is not None else {}),
        "provenance": provenance(report, moment),
    }
