"""The local process pool: N worker processes, each fed one job at a time and keeping a kernel
pre-started for its next job (the alternative is :mod:`.distributed`)."""

from __future__ import annotations

import multiprocessing
import signal
import sys
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

from analysis.engine.execute import KernelSettings
from analysis.engine.worker import Job, JobResult


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
        # forkserver starts workers from a clean single-threaded process. vl-convert's runtime
        # runs native threads Python does not count: a child forked after the caller used it
        # hangs in its first conversion (the CLI never loads it; a test process may).
        methods = multiprocessing.get_all_start_methods()
        if "fork" in methods and threading.active_count() == 1 and "vl_convert" not in sys.modules:
            self.context = multiprocessing.get_context("fork")
        elif "forkserver" in methods:
            self.context = multiprocessing.get_context("forkserver")
            self.context.set_forkserver_preload(["analysis.engine.pool", "analysis.engine.worker"])
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
