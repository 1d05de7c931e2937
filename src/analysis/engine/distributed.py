"""The same build on a ``dask.distributed`` cluster (``econsec build --scheduler tcp://…``).

Each report is one task running :func:`analysis.engine.worker.run_job` in a dask worker; every
worker thread keeps its own kernel pool and converters between tasks, so a worker pre-starts a
kernel for its next report just as the local pool does. Results (bytes) come back to the
client, which writes files and cache entries exactly as for a local build, so atomicity and the
cache work unchanged. Workers need the same environment (``pip install 'econsec[distributed]'``)
and must see the project folder at the same path (the notebooks and data files are read there).

Optional dependency: ``dask[distributed]``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any

from analysis.engine.worker import Job, JobResult, WorkerState, run_job

_LOCAL = threading.local()


def run_remote(job: Job) -> JobResult:
    """Task body on a dask worker: one :class:`WorkerState` per worker thread."""
    state = getattr(_LOCAL, "state", None)
    if state is None:
        state = _LOCAL.state = WorkerState()
    return run_job(job, prestart_next=True, state=state)


class DaskPool:
    """Submit jobs to a scheduler and yield results as they complete."""

    def __init__(self, address: str) -> None:
        from distributed import Client

        from analysis.errors import EconsecError

        try:
            self.client = Client(address, set_as_default=False, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise EconsecError(f"--scheduler {address}: cannot connect ({exc})") from None
        self.futures: list[Any] = []

    def run(self, jobs: Sequence[Job]) -> Iterator[tuple[str, Any]]:
        from distributed import as_completed

        by_future = {}
        for job in jobs:
            future = self.client.submit(run_remote, job, pure=False, key=f"econsec-build-{job.stem}-{id(job):x}")
            by_future[future] = job
        self.futures = list(by_future)
        for job in jobs:
            yield "started", job.stem
        for future in as_completed(list(by_future), loop=self.client.loop):
            job = by_future[future]
            try:
                result = future.result()
            except Exception as exc:
                result = JobResult(
                    stem=job.stem,
                    ok=False,
                    mode=job.mode,
                    failure={"cell": None, "ename": type(exc).__name__, "evalue": str(exc),
                             "summary": f"dask task failed: {type(exc).__name__}: {exc}"},
                )
            yield "done", result

    def close(self, *, terminate: bool = False) -> None:
        if terminate and self.futures:
            self.client.cancel(self.futures)
        self.client.close()

