"""One build job — execute a notebook (or reuse its executed copy) and convert it — as a pure
function of a :class:`Job`, so that any pool can run it: the local process pool of
:mod:`analysis.engine.runner` or a ``dask.distributed`` cluster (:mod:`analysis.engine.distributed`).

A job returns bytes (executed notebook, HTML, PDF) instead of writing files: the process that
owns the build writes them atomically and records the cache entry, so a worker that dies or
is interrupted can never leave a half-written report. A worker process keeps its kernel pool
and converters between jobs (module-level :data:`STATE`).
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.engine.execute import BLOCKED_IMPORTS, KernelPool, KernelSettings


@dataclass
class Job:
    stem: str
    notebook: str  # absolute path of the source notebook
    params: dict[str, Any]
    formats: tuple[str, ...]
    mode: str  # "execute" | "convert"
    kernel: KernelSettings
    page: dict[str, Any]  # metadata for the templates (title, group, dates, provenance)
    base_url: str  # the reports folder (relative links in the PDF resolve against it)
    executed: str | None = None  # for mode "convert": path of the kept executed notebook
    cache_dir: str | None = None  # where the Vega bundle is cached


@dataclass
class JobResult:
    stem: str
    ok: bool
    mode: str
    outputs: dict[str, bytes] = field(default_factory=dict)
    executed: bytes | None = None
    deps: list[str] | None = None
    charts: dict[str, int] = field(default_factory=dict)
    #: files that belong to an output format besides its main file: fmt → {path under reports/: bytes}
    #: (the HTML's chart cards, their PNG previews and the shared Vega bundle)
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)
    failure: dict[str, Any] | None = None  # cell, ename, evalue, traceback, summary
    timings: dict[str, float] = field(default_factory=dict)
    worker: str = ""


def block_slow_imports() -> None:
    """Keep ``jsonschema`` from importing ``rfc3987_syntax`` (≈ 0.8 s, unused by builds)."""
    for name in BLOCKED_IMPORTS:
        sys.modules.setdefault(name, None)


class WorkerState:
    """A process's kernel pool and converters, created on first use."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._pool: KernelPool | None = None
        self._html = None
        self._pdf = None

    @property
    def pool(self) -> KernelPool:
        if self._pool is None:
            self._pool = KernelPool()
        return self._pool

    def html(self, cache_dir: str | None):
        if self._html is None:
            from analysis.engine.html import HtmlConverter, load_vega_bundle

            load_vega_bundle(cache_dir)
            self._html = HtmlConverter()
        return self._html

    def pdf(self):
        if self._pdf is None:
            from analysis.engine.pdf import PdfConverter

            self._pdf = PdfConverter()
        return self._pdf

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None


STATE = WorkerState()


def run_job(job: Job, *, prestart_next: bool = True, state: WorkerState | None = None) -> JobResult:
    """Execute (or load) and convert one report. Never raises: failures are in the result."""
    state = state or STATE
    block_slow_imports()
    import nbformat

    import os

    started = time.perf_counter()
    result = JobResult(stem=job.stem, ok=False, mode=job.mode, worker=f"pid {os.getpid()}")
    try:
        if job.mode == "convert":
            nb = nbformat.read(job.executed, as_version=4)
        else:
            from analysis.engine.execute import parameterize

            t0 = time.perf_counter()
            nb = parameterize(Path(job.notebook), job.params)
            result.timings["parameterize"] = time.perf_counter() - t0
            executed = state.pool.run(nb, job.kernel, prestart_next=prestart_next)
            result.timings.update(executed.timings)
            result.executed = nbformat.writes(executed.nb).encode("utf-8") + b"\n"
            if executed.failure is not None:
                failure = executed.failure
                result.failure = {
                    "cell": failure.cell_index + 1,
                    "execution_count": failure.execution_count,
                    "ename": failure.ename,
                    "evalue": failure.evalue,
                    "traceback": failure.traceback,
                    "source": failure.source_head,
                    "summary": failure.summary(),
                    "input_error": failure.input_error,
                }
                return result
            result.deps = executed.deps
            nb = executed.nb
        for fmt in job.formats:
            t0 = time.perf_counter()
            try:
                if fmt == "html":
                    deps = result.deps if job.mode == "execute" else (job.page.get("site") or {}).get("deps")
                    data, count, files = state.html(job.cache_dir).convert_site(nb, job.page, deps)
                    result.files[fmt] = files
                elif fmt == "pdf":
                    data, count = state.pdf().convert(nb, job.page, job.base_url)
                else:
                    raise ValueError(f"unknown format {fmt!r}")
            except Exception as exc:
                result.failure = _failure(exc, f"conversion to {fmt} failed: ")
                return result
            result.outputs[fmt] = data
            result.charts[fmt] = count
            result.timings[fmt] = time.perf_counter() - t0
        result.ok = True
        return result
    except Exception as exc:  # a bug or an unreadable file: report it like a failed cell
        result.failure = _failure(exc)
        return result
    finally:
        result.timings["total"] = time.perf_counter() - started


def _failure(exc: Exception, context: str = "") -> dict[str, object]:
    """A job failure outside any notebook cell, in the shape of a failed cell's record."""
    return {
        "cell": None,
        "ename": type(exc).__name__,
        "evalue": str(exc),
        "traceback": traceback.format_exc(),
        "summary": f"{context}{type(exc).__name__}: {exc}",
    }
