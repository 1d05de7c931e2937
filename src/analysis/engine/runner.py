"""``econsec build``: plan (:mod:`.plan`), run in a process pool (:mod:`.pool`), write atomically,
report (:mod:`.progress`); one build per project at a time (:mod:`.lock`).

1. **Validate** the whole selection (types, ranges, domains) — a bad value stops the build
   with exit code 2 before any kernel starts and before anything is written.
2. **Plan**: for each report, skip (fresh), convert only (its executed notebook is still
   valid, e.g. a PDF asked for after an HTML-only build) or execute (see :mod:`.cache`).
3. **Run** the jobs in a pool of worker processes (default: one per core), each keeping a
   kernel pre-started for its next job; or on a ``dask.distributed`` cluster. A failing report
   does not stop the others.
4. **Write** each finished report as it arrives, in the main process only: executed notebook,
   HTML, PDF (each to a temporary file renamed into place), then its cache entry. An
   interrupted build leaves every earlier report intact and no partial file.
5. **Summarise**: a table (report, status, time, output), one line per failure naming the
   notebook, the cell, the exception and where the executed notebook was kept; exit code 0 or 1.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from analysis.engine import fingerprint
from analysis.engine.cache import FORMATS, BuildInputs, Decision, Project, decide, file_record, output_key, page_options, write_entry
from analysis.engine.execute import BASE_PREIMPORTS, KernelSettings
from analysis.engine.files import atomic_write_bytes, remove_stale_temporaries
from analysis.engine.index import write_index
from analysis.engine.site import write_feed
from analysis.engine.lock import BuildLock
from analysis.engine.plan import (check_data_integrity, check_formats, kernel_settings, load_reports, page_metadata,
                                  site_context, subject_sections)
from analysis.engine.pool import LocalPool
from analysis.engine.progress import Progress
from analysis.engine.publications import load_matrix
from analysis.engine.worker import Job, JobResult
from analysis.errors import EconsecError
from analysis.paths import git_commit

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass
class BuildOptions:
    names: Sequence[str] = ()
    formats: tuple[str, ...] = FORMATS
    jobs: int | None = None
    force: bool = False
    overrides: Sequence[str] = ()
    scheduler: str | None = None
    progress: bool | None = None  # None: only when stderr is a terminal
    timeout: int = 1800
    write_index: bool = True


@dataclass
class Outcome:
    decision: Decision
    status: str = "fresh"  # fresh | built | converted | failed | not run
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)
    message: str = ""


@dataclass
class BuildResult:
    outcomes: list[Outcome]
    exit_code: int
    seconds: float


# ----------------------------------------------------------------------------- writing


def commit_result(project: Project, inputs: BuildInputs, decision: Decision, job: Job, result: JobResult, commit: str, formats: tuple[str, ...]) -> Outcome:
    """Write one finished job's files atomically, then its cache entry (main process only)."""
    report = decision.report
    outcome = Outcome(decision=decision, seconds=result.timings.get("total", 0.0))
    entry = dict(decision.entry or {})
    entry.update(
        stem=report.stem,
        notebook=report.notebook.id,
        notebook_path=report.notebook.relpath,
        params=report.params,
        title=report.title,
        group=report.group,
    )
    if not result.ok and (result.failure or {}).get("input_error"):
        return _input_error(decision, result, outcome)
    if not result.ok:
        return _commit_failure(project, decision, result, entry, outcome)
    return _commit_success(project, inputs, decision, result, entry, outcome, commit, formats)


def _input_error(decision: Decision, result: JobResult, outcome: Outcome) -> Outcome:
    """The user's input is wrong (a malformed data file, a parameter the data reject): like
    every input error, one line and nothing written — not a failed report to debug."""
    report = decision.report
    failure = result.failure or {}
    evalue = (failure.get("evalue") or "").strip().splitlines()
    outcome.status = "input error"
    outcome.message = (
        f"{evalue[0] if evalue else failure.get('ename')} — report {report.stem} "
        f"({report.notebook.relpath}, {failure.get('summary', '').split(':')[0]})"
    )
    return outcome


def _commit_failure(project: Project, decision: Decision, result: JobResult, entry: dict, outcome: Outcome) -> Outcome:
    """A failed report: its executed notebook kept under ``_failed/``, the failure in its cache entry."""
    report = decision.report
    kept = None
    if result.executed is not None:
        project.failed.mkdir(parents=True, exist_ok=True)
        kept = project.failed / f"{report.stem}.ipynb"
        atomic_write_bytes(kept, result.executed)
    failure = dict(result.failure or {})
    failure.pop("traceback", None)
    failure["kept"] = str(kept.relative_to(project.root)) if kept else None
    entry.update(status="failed", failure=failure, components=decision.components if result.mode == "execute" else entry.get("components"))
    write_entry(project, entry)
    where = f"{report.notebook.relpath}"
    if failure.get("cell"):
        where += f", {failure['summary']}"
    else:
        where += f": {failure.get('summary', 'failed')}"
    outcome.status = "failed"
    outcome.message = f"report {report.stem} failed: {where}" + (
        f" — executed notebook kept at {failure['kept']}" if failure["kept"] else ""
    )
    outcome.outputs = [failure["kept"]] if failure["kept"] else []
    return outcome


def _commit_success(project: Project, inputs: BuildInputs, decision: Decision, result: JobResult, entry: dict,
                    outcome: Outcome, commit: str, formats: tuple[str, ...]) -> Outcome:
    """A built or converted report: executed notebook (when executed), each output, then the cache entry."""
    report = decision.report
    project.reports.mkdir(parents=True, exist_ok=True)
    outputs = dict(entry.get("outputs") or {})
    if result.mode == "execute":
        exec_key_ = fingerprint.digest(decision.components)
        deps = inputs.deps_state(result.deps)
        executed_path = project.executed(report.stem)
        atomic_write_bytes(executed_path, result.executed or b"")
        entry.update(
            components=decision.components,
            exec_key=exec_key_,
            deps=deps,
            deps_known=result.deps is not None,
            executed=file_record(executed_path, fingerprint.sha256_bytes(result.executed or b"")),
            commit=commit,
        )
    else:
        exec_key_ = entry["exec_key"]
        deps = entry["deps"]
    for fmt, data in sorted(result.outputs.items()):
        path = project.output(report.stem, fmt)
        previous = (outputs.get(fmt) or {}).get("files") or {}
        extra = write_extra_files(project, result.files.get(fmt) or {}, previous)
        atomic_write_bytes(path, data)
        outputs[fmt] = {
            **file_record(path, fingerprint.sha256_bytes(data)),
            "key": output_key(exec_key_, deps, fmt, page_options(fmt, formats, report)),
            "charts": result.charts.get(fmt, 0),
        }
        if extra:
            outputs[fmt]["files"] = extra
        outcome.outputs.append(str(path.relative_to(project.root)))
    entry.update(status="ok", outputs=outputs, seconds=round(result.timings.get("total", 0.0), 3),
                 timings={k: round(v, 3) for k, v in sorted(result.timings.items())}, worker=result.worker)
    entry.pop("failure", None)
    write_entry(project, entry)
    (project.failed / f"{report.stem}.ipynb").unlink(missing_ok=True)
    outcome.status = "built" if result.mode == "execute" else "converted"
    return outcome


def write_extra_files(project: Project, files: dict[str, bytes], previous: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Write an output's extra files (chart cards and previews, paths under ``reports/``)
    atomically and return their records; remove the ones the previous build of that output
    wrote and this one does not (a chart the report lost). A file several reports share (the
    cards' Vega bundle) is rewritten only when its bytes change, and never removed here."""
    from analysis.engine.cards import BUNDLE

    records = {}
    for name, data in sorted(files.items()):
        path = project.reports / name
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = fingerprint.sha256_bytes(data)
        shared = path.name == BUNDLE
        if not (shared and path.is_file() and fingerprint.sha256_bytes(path.read_bytes()) == digest):
            atomic_write_bytes(path, data)
        records[name] = {k: v for k, v in file_record(path, digest).items() if k != "file"}
    for name in sorted(set(previous) - set(files)):
        if Path(name).name != BUNDLE:
            (project.reports / name).unlink(missing_ok=True)
    return records


# ----------------------------------------------------------------------------- the build


def build(project: Project, options: BuildOptions, *, echo: Callable[[str], None] | None = None) -> BuildResult:
    """Run ``econsec build``; raises :class:`EconsecError` (exit 2) before anything is written."""
    started = time.perf_counter()
    formats = check_formats(options.formats)
    inputs = BuildInputs.compute(project)
    reports = load_reports(project, inputs, options.names, options.overrides)
    with BuildLock(project):
        remove_stale_temporaries(project.reports)
        decisions = [decide(r, formats, inputs, force=options.force) for r in reports]
        todo = [d for d in decisions if d.action != "skip"]
        outcomes = {d.report.stem: Outcome(decision=d) for d in decisions}
        if todo:
            if any(d.action == "execute" for d in todo):
                check_data_integrity(inputs)
            run_jobs(project, inputs, todo, formats, options, outcomes)
        inputs.hasher.save()
        bad_input = any(o.status == "input error" for o in outcomes.values())
        # An input error writes nothing, the index included (it catches up on the next build).
        if options.write_index and not options.overrides and not bad_input:
            listed, heading = load_reports(project, inputs), load_matrix(project.root).title
            write_index(project, listed, inputs.epoch, heading, subject_sections(project, inputs))
            write_feed(project, listed, inputs.epoch, heading)
    result_outcomes = [outcomes[d.report.stem] for d in decisions]
    failed = any(o.status in ("failed", "not run") for o in result_outcomes)
    bad_input = any(o.status == "input error" for o in result_outcomes)
    code = EXIT_USAGE if bad_input else EXIT_FAILED if failed else EXIT_OK
    return BuildResult(outcomes=result_outcomes, exit_code=code, seconds=time.perf_counter() - started)


def run_jobs(project: Project, inputs: BuildInputs, todo: list[Decision], formats: tuple[str, ...], options: BuildOptions, outcomes: dict[str, Outcome]) -> None:
    """Run ``todo`` in a pool (or on a dask cluster), committing each result as it arrives."""
    commit = git_commit(project.root)
    settings = kernel_settings(project, inputs, [d.report for d in todo], commit, options.timeout)
    jobs, by_stem = _jobs(project, inputs, todo, formats, settings)
    for decision in todo:
        outcomes[decision.report.stem].status = "not run"
    show = options.progress if options.progress is not None else sys.stderr.isatty()
    pool, zygote = _pool(jobs, settings, options)
    progress = Progress(len(jobs), show)
    interrupted = False
    try:
        for kind, payload in pool.run(jobs):
            if kind == "started":
                progress.started(payload)
                continue
            result: JobResult = payload
            decision, job = by_stem[result.stem]
            outcome = commit_result(project, inputs, decision, job, result, commit, formats)
            outcomes[result.stem] = outcome
            progress.finished(result.stem, result.ok)
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        progress.stop()
        pool.close(terminate=interrupted)
        if zygote is not None:
            zygote.close()
            shutil.rmtree(Path(zygote.socket_path).parent, ignore_errors=True)
        remove_stale_temporaries(project.reports)


def _jobs(project: Project, inputs: BuildInputs, todo: list[Decision], formats: tuple[str, ...],
          settings: KernelSettings) -> tuple[list[Job], dict[str, tuple[Decision, Job]]]:
    """One job per decision, in order, and each job with its decision by report stem."""
    site = site_context(project, inputs)
    jobs = []
    by_stem: dict[str, tuple[Decision, Job]] = {}
    for decision in todo:
        report = decision.report
        job = Job(
            stem=report.stem,
            notebook=str(report.notebook.path),
            params=report.params,
            formats=decision.formats,
            mode=decision.action,
            kernel=settings,
            page=page_metadata(report, inputs, formats, site,
                               list((decision.entry or {}).get("deps") or {}) if decision.action == "convert" else None),
            base_url=str(project.reports),
            executed=str(project.executed(report.stem)) if decision.action == "convert" else None,
            cache_dir=str(project.cache),
        )
        jobs.append(job)
        by_stem[report.stem] = (decision, job)
    return jobs, by_stem


def _pool(jobs: list[Job], settings: KernelSettings, options: BuildOptions) -> tuple[Any, Any]:
    """(the pool the jobs run in, the shared kernel zygote or None): a dask pool for
    ``--scheduler``, else local workers, forking kernels from one zygote where they execute."""
    zygote = None
    if options.scheduler:
        from analysis.engine.distributed import DaskPool

        return DaskPool(options.scheduler), None
    executing = any(j.mode == "execute" for j in jobs)
    if executing and settings.fork:
        zygote, settings = start_shared_zygote(settings)
        for job in jobs:
            job.kernel = settings
    size = max(1, min(options.jobs or os.cpu_count() or 1, len(jobs)))
    return LocalPool(size, settings if executing else None), zygote


def start_shared_zygote(settings: KernelSettings):
    """One kernel zygote for all local workers (its memory is shared by every kernel it forks)."""
    import dataclasses
    import tempfile

    from analysis.engine.execute import BLOCKED_IMPORTS
    from analysis.engine.zygote import Zygote

    folder = tempfile.mkdtemp(prefix="econsec-")
    socket_path = os.path.join(folder, "zygote.sock")
    zygote = Zygote(settings.environment(), settings.cwd, (*BASE_PREIMPORTS, *settings.preimports), BLOCKED_IMPORTS, socket_path)
    return zygote, dataclasses.replace(settings, zygote_socket=socket_path)
