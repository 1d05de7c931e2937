"""``econsec build``: plan, run in a process pool, write atomically, report.

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

import fcntl
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from analysis.engine import fingerprint
from analysis.engine.cache import FORMATS, BuildInputs, Decision, Project, decide, file_record, output_key, page_options, write_entry
from analysis.engine.domains import DomainCache
from analysis.engine.execute import BASE_PREIMPORTS, KernelSettings, notebook_imports
from analysis.engine.files import atomic_write_bytes, remove_stale_temporaries
from analysis.engine.index import write_index
from analysis.engine.publications import Matrix, Report, load_matrix, reports as select_reports
from analysis.engine.worker import Job, JobResult
from analysis.paths import git_commit
from analysis.errors import DataFileError, EconsecError, ParameterError

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


# ----------------------------------------------------------------------------- preparation


def domain_cache(project: Project, inputs: BuildInputs, matrix: Matrix) -> DomainCache:
    key = fingerprint.digest(inputs.data_version.get("fingerprint", ""), inputs.sources, inputs.versions)
    return DomainCache(project.cache / "domains.json", key, matrix.domains)


def load_reports(project: Project, inputs: BuildInputs, names: Sequence[str] = (), overrides: Sequence[str] = ()) -> list[Report]:
    matrix = load_matrix(project.root)
    domains = domain_cache(project, inputs, matrix)
    selected = select_reports(matrix, domains, names, overrides)
    domains.save()
    return selected


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


class BuildLock:
    """One build at a time per reports folder (``reports/_cache/build.lock``)."""

    def __init__(self, project: Project) -> None:
        self.path = project.cache / "build.lock"
        self.handle = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.handle.close()
            raise EconsecError(f"another econsec build is writing {self.path.parent.parent}; wait for it to finish") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()


def kernel_settings(project: Project, inputs: BuildInputs, reports: Sequence[Report], commit: str, timeout: int) -> KernelSettings:
    env = dict(
        ECONSEC_BUILD="1",
        ECONSEC_ROOT=str(project.root),
        ECONSEC_COMMIT=commit,
        SOURCE_DATE_EPOCH=str(inputs.epoch),
        PYTHONHASHSEED="0",
        IPYTHONDIR=str(project.cache / "ipython"),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    cwds = {str(r.notebook.path.parent) for r in reports}
    cwd = cwds.pop() if len(cwds) == 1 else str(project.root / "notebooks")
    preimports = tuple(dict.fromkeys(BASE_PREIMPORTS + notebook_imports(sorted({r.notebook.path for r in reports}))))
    return KernelSettings(env=tuple(sorted(env.items())), cwd=cwd, preimports=preimports, cell_timeout=timeout)


def page_metadata(report: Report, inputs: BuildInputs, formats: tuple[str, ...]) -> dict[str, Any]:
    moment = datetime.fromtimestamp(inputs.epoch, tz=timezone.utc)
    params = ", ".join(f"{k} = {v!r}" for k, v in report.params.items())
    return {
        "title": report.title,
        "group": report.group,
        "stem": report.stem,
        "build_date": moment.strftime("%Y-%m-%d"),
        "build_datetime": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "pdf_name": f"{report.stem}.pdf" if page_options("html", formats).get("links_pdf") else "",
        "provenance": f"Generated by econsec build from {report.notebook.relpath} with {params or 'its default parameters'}; "
        f"built {moment.strftime('%Y-%m-%d')}.",
    }


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
        # The user's input is wrong (a malformed data file, a parameter the data reject): like
        # every input error, one line and nothing written — not a failed report to debug.
        failure = result.failure or {}
        evalue = (failure.get("evalue") or "").strip().splitlines()
        outcome.status = "input error"
        outcome.message = (
            f"{evalue[0] if evalue else failure.get('ename')} — report {report.stem} "
            f"({report.notebook.relpath}, {failure.get('summary', '').split(':')[0]})"
        )
        return outcome
    if not result.ok:
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
        atomic_write_bytes(path, data)
        outputs[fmt] = {
            **file_record(path, fingerprint.sha256_bytes(data)),
            "key": output_key(exec_key_, deps, fmt, page_options(fmt, formats)),
            "charts": result.charts.get(fmt, 0),
        }
        outcome.outputs.append(str(path.relative_to(project.root)))
    entry.update(status="ok", outputs=outputs, seconds=round(result.timings.get("total", 0.0), 3),
                 timings={k: round(v, 3) for k, v in sorted(result.timings.items())}, worker=result.worker)
    entry.pop("failure", None)
    write_entry(project, entry)
    (project.failed / f"{report.stem}.ipynb").unlink(missing_ok=True)
    outcome.status = "built" if result.mode == "execute" else "converted"
    return outcome


# ----------------------------------------------------------------------------- pools


def _worker_main(conn: Connection, prestart: KernelSettings | None) -> None:
    """A local pool worker: receive jobs, run them, send results (see :mod:`.worker`)."""
    from analysis.engine.worker import STATE, block_slow_imports, run_job

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C

    def _terminate(*_: object) -> None:
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, _terminate)
    block_slow_imports()
    try:
        if prestart is not None:
            STATE.pool.prestart(prestart)
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            if message is None:
                break
            job, prestart_next = message
            conn.send(("started", job.stem))
            conn.send(("done", run_job(job, prestart_next=prestart_next)))
    finally:
        STATE.close()


class LocalPool:
    """N worker processes fed one job at a time (so each knows whether to pre-start a kernel)."""

    def __init__(self, size: int, prestart: KernelSettings | None) -> None:
        # fork is fastest and safe while the caller runs no other thread (the CLI); otherwise
        # forkserver starts workers from a clean single-threaded process.
        methods = multiprocessing.get_all_start_methods()
        if "fork" in methods and threading.active_count() == 1:
            self.context = multiprocessing.get_context("fork")
        elif "forkserver" in methods:
            self.context = multiprocessing.get_context("forkserver")
            self.context.set_forkserver_preload(["analysis.engine.runner", "analysis.engine.worker"])
        else:
            self.context = multiprocessing.get_context("spawn")
        self.prestart = prestart
        self.workers: list[dict[str, Any]] = []
        for _ in range(size):
            self._spawn()

    def _spawn(self) -> dict[str, Any]:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker_main, args=(child, self.prestart), daemon=True)
        process.start()
        child.close()
        worker = {"process": process, "conn": parent, "job": None}
        self.workers.append(worker)
        return worker

    def run(self, jobs: Sequence[Job]) -> Iterator[tuple[str, Any]]:
        """Yield ``("started", stem)`` and ``("done", JobResult)`` events as they happen."""
        pending = deque(jobs)
        needs_kernel = lambda: any(j.mode == "execute" for j in pending)  # noqa: E731

        def feed(worker: dict[str, Any]) -> None:
            job = pending.popleft()
            worker["job"] = job
            worker["conn"].send((job, needs_kernel()))

        for worker in self.workers:
            if pending:
                feed(worker)
        while any(w["job"] is not None for w in self.workers):
            busy = [w for w in self.workers if w["job"] is not None]
            ready = wait([w["conn"] for w in busy] + [w["process"].sentinel for w in busy], timeout=0.5)
            for worker in busy:
                conn = worker["conn"]
                if conn in ready or conn.poll():
                    try:
                        kind, payload = conn.recv()
                    except (EOFError, OSError):
                        kind, payload = "died", None
                    if kind == "started":
                        yield "started", payload
                        continue
                    if kind == "done":
                        worker["job"] = None
                        yield "done", payload
                        if pending:
                            feed(worker)
                        continue
                if worker["process"].sentinel in ready and not conn.poll():
                    job = worker["job"]
                    worker["job"] = None
                    code = worker["process"].exitcode
                    self.workers.remove(worker)
                    yield "done", JobResult(
                        stem=job.stem,
                        ok=False,
                        mode=job.mode,
                        failure={"cell": None, "ename": "WorkerDied", "evalue": f"exit code {code}",
                                 "summary": f"the worker process died (exit code {code})"},
                    )
                    if pending:
                        feed(self._spawn())

    def close(self, *, terminate: bool = False) -> None:
        for worker in self.workers:
            try:
                if terminate:
                    worker["process"].terminate()
                else:
                    worker["conn"].send(None)
            except (OSError, ValueError):
                pass
        for worker in self.workers:
            worker["process"].join(timeout=30)
            if worker["process"].is_alive():
                worker["process"].kill()
                worker["process"].join(timeout=5)
            worker["conn"].close()
        self.workers.clear()


# ----------------------------------------------------------------------------- progress


class Progress:
    """rich progress on a terminal (done / running / failed); silent otherwise."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled and total > 0
        self.running: list[str] = []
        self.done = 0
        self.failed = 0
        self._progress = None
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = RichProgress(
                SpinnerColumn(),
                TextColumn("building"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[state]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._task = self._progress.add_task("build", total=total, state="")
            self._progress.start()

    def _refresh(self) -> None:
        if self._progress is not None:
            running = ", ".join(self.running[:3]) + (" …" if len(self.running) > 3 else "")
            failed = f" · [red]{self.failed} failed[/red]" if self.failed else ""
            self._progress.update(self._task, completed=self.done, state=f"running: {running or '–'}{failed}")

    def started(self, stem: str) -> None:
        self.running.append(stem)
        self._refresh()

    def finished(self, stem: str, ok: bool) -> None:
        if stem in self.running:
            self.running.remove(stem)
        self.done += 1
        self.failed += 0 if ok else 1
        self._refresh()

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()


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
            write_index(project, load_reports(project, inputs), inputs.epoch, load_matrix(project.root).title)
    result_outcomes = [outcomes[d.report.stem] for d in decisions]
    failed = any(o.status in ("failed", "not run") for o in result_outcomes)
    bad_input = any(o.status == "input error" for o in result_outcomes)
    code = EXIT_USAGE if bad_input else EXIT_FAILED if failed else EXIT_OK
    return BuildResult(outcomes=result_outcomes, exit_code=code, seconds=time.perf_counter() - started)


def run_jobs(project: Project, inputs: BuildInputs, todo: list[Decision], formats: tuple[str, ...], options: BuildOptions, outcomes: dict[str, Outcome]) -> None:
    commit = git_commit(project.root)
    settings = kernel_settings(project, inputs, [d.report for d in todo], commit, options.timeout)
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
            page=page_metadata(report, inputs, formats),
            base_url=str(project.reports),
            executed=str(project.executed(report.stem)) if decision.action == "convert" else None,
            cache_dir=str(project.cache),
        )
        jobs.append(job)
        by_stem[report.stem] = (decision, job)
        outcomes[report.stem].status = "not run"
    show = options.progress if options.progress is not None else sys.stderr.isatty()
    zygote = None
    if options.scheduler:
        from analysis.engine.distributed import DaskPool

        pool: Any = DaskPool(options.scheduler)
    else:
        executing = any(j.mode == "execute" for j in jobs)
        if executing and settings.fork:
            zygote, settings = start_shared_zygote(settings)
            for job in jobs:
                job.kernel = settings
        size = max(1, min(options.jobs or os.cpu_count() or 1, len(jobs)))
        pool = LocalPool(size, settings if executing else None)
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
