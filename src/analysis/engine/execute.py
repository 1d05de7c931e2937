"""Running one notebook: papermill's parameter injection, nbclient's execution, warm kernels.

Where the time goes when papermill runs a report (measured on the 2-core build machine):
starting a kernel (~0.6 s), importing pandas/altair/the analysis package in it (~1.6 s, of which
~0.8 s is ``rfc3987_syntax`` compiling a grammar that ``jsonschema`` imports whenever it is
installed), the notebook itself (~0.3 s), shutting the kernel down (~0.5 s). A
:class:`KernelPool` therefore

* starts the *next* kernel while the current notebook runs, with the notebooks' imports already
  done (``IPKernelApp.exec_lines``), so kernel start and imports overlap useful work;
* blocks the ``rfc3987_syntax`` import in build kernels (``jsonschema`` then skips its IRI format
  check, which no report uses);
* kills a finished kernel in the background instead of waiting for a polite shutdown.

Each report still gets a fresh kernel: nothing leaks from one report into the next.

Everything runs on a private asyncio loop in a background thread, so a pool can be driven from
plain synchronous code (a worker process of the local pool, or a ``dask`` worker thread).
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import re
import subprocess
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Modules imported in every build kernel before it is handed a notebook (when installed). The
#: notebooks' own top-level imports are added by the caller (see :func:`notebook_imports`).
BASE_PREIMPORTS = ("IPython.display",)
#: Modules whose import is blocked in build kernels (see module docstring).
BLOCKED_IMPORTS = ("rfc3987_syntax",)
#: Tag of the cell papermill injects; it gets a fixed cell id so output is reproducible.
INJECTED_TAG = "injected-parameters"
#: Expression evaluated in the kernel after a failed cell: was it the user's input (a malformed
#: data file, a bad parameter value), i.e. an :class:`analysis.errors.EconsecError`?
INPUT_ERROR_EXPRESSION = (
    "isinstance(getattr(__import__('sys'), 'last_value', None), "
    "__import__('analysis.errors', fromlist=['EconsecError']).EconsecError)"
)
#: Expression evaluated in the kernel after the last cell: the data resources it read, and the
#: resource kinds it discovered (``kind:<kind>``, see :func:`fingerprint.data_state`).
DEPS_EXPRESSION = (
    "(lambda p: __import__('json').dumps(p.accessed_resources() + ['kind:' + k for k in p.accessed_kinds()]))"
    "(__import__('analysis.data.package', fromlist=['accessed_resources']))"
)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class KernelSettings:
    """How build kernels are started (identical settings share pre-started kernels)."""

    #: Variables set on top of the environment of the process that starts the kernel (so a
    #: dask worker on another host keeps its own PATH, HOME, …).
    env: tuple[tuple[str, str], ...]
    cwd: str
    preimports: tuple[str, ...] = ()
    kernel_name: str = "python3"
    cell_timeout: int = 1800
    startup_timeout: int = 120
    #: Fork kernels from a warm zygote (see :mod:`analysis.engine.zygote`) where ``os.fork`` exists.
    fork: bool = hasattr(os, "fork")
    #: Unix socket of a zygote shared by all workers of a local build (else one per pool).
    zygote_socket: str | None = None

    def environment(self) -> dict[str, str]:
        env = {**os.environ, **dict(self.env)}
        env.pop("JPY_PARENT_PID", None)
        return env

    def exec_line(self) -> str:
        """One line for ``IPKernelApp.exec_lines``: block slow imports, pre-import modules, clean up."""
        program = (
            "import sys as _s\n"
            f"for _m in {tuple(BLOCKED_IMPORTS)!r}:\n    _s.modules.setdefault(_m, None)\n"
            f"for _m in {tuple(self.preimports)!r}:\n"
            "    try:\n        __import__(_m)\n    except Exception:\n        pass\n"
            "del _s, _m\n"
        )
        return f"exec({program!r})"


@dataclass
class CellFailure:
    """Where and why a notebook stopped."""

    cell_index: int  # 0-based index in the source notebook (the injected cell not counted)
    execution_count: int | None
    ename: str
    evalue: str
    traceback: str
    source_head: str
    #: The exception is an ``EconsecError``: bad input (data file, parameter), not a broken report.
    input_error: bool = False

    def summary(self) -> str:
        count = f", In [{self.execution_count}]" if self.execution_count else ""
        evalue = self.evalue.strip().splitlines()[0] if self.evalue.strip() else ""
        return f"cell {self.cell_index + 1}{count}: {self.ename}: {evalue}".rstrip(": ")


@dataclass
class ExecResult:
    nb: Any  # nbformat.NotebookNode, executed (partially, on failure)
    deps: list[str] | None  # data resources read; None when the kernel could not tell
    failure: CellFailure | None = None
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def notebook_imports(paths: list[Path]) -> tuple[str, ...]:
    """Top-level modules imported by the code cells of these notebooks (sorted, literal parse)."""
    found: set[str] = set()
    for path in paths:
        try:
            nb = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found.add(node.module)
    return tuple(sorted(found))


def parameterize(nb_path: Path, params: dict[str, Any]) -> Any:
    """The notebook with papermill's injected-parameters cell (deterministic cell id)."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(nb_path))
    nb = parameterize_notebook(nb, params, kernel_name=None, language="python")
    for cell in nb.cells:
        if INJECTED_TAG in cell.metadata.get("tags", []):
            cell.id = INJECTED_TAG
    return nb


def clean_notebook(nb: Any) -> Any:
    """Drop per-cell papermill bookkeeping and empty tag lists papermill adds on load."""
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.metadata.get("tags") == []:
            del cell.metadata["tags"]
    return nb


class KernelPool:
    """Pre-started kernels on a private event loop (one pool per worker process)."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="econsec-kernels", daemon=True)
        self._thread.start()
        self._spare: dict[KernelSettings, Future] = {}
        self._background: set[Future] = set()
        self._active: set[Any] = set()  # kernel managers of notebooks running now
        self._zygotes: dict[KernelSettings, Any] = {}
        self._closed = False
        self._lock = threading.Lock()

    # -- public, thread-safe API ------------------------------------------------------------

    def prestart(self, settings: KernelSettings) -> None:
        """Start a kernel for ``settings`` now, to be used by the next :meth:`run`."""
        with self._lock:
            if settings not in self._spare and not self._closed:
                self._spare[settings] = asyncio.run_coroutine_threadsafe(self._start(settings), self._loop)

    def run(self, nb: Any, settings: KernelSettings, *, prestart_next: bool = True) -> ExecResult:
        """Execute ``nb`` (in place) in a fresh kernel.

        With ``prestart_next``, the next kernel starts booting as soon as this notebook's last
        cell has run, so it boots while this report is converted. (Starting it earlier, while
        the notebook runs, only makes two CPU-bound processes compete for the same core and
        keeps one more kernel in memory.)
        """
        with self._lock:
            started = self._spare.pop(settings, None)
        if started is None:
            started = asyncio.run_coroutine_threadsafe(self._start(settings), self._loop)
        after_done = (lambda: self.prestart(settings)) if prestart_next else None
        return asyncio.run_coroutine_threadsafe(self._execute(started, nb, settings, after_done), self._loop).result()

    def close(self) -> None:
        """Kill spare kernels, wait for background shutdowns, stop the loop."""
        if self._closed:
            return
        self._closed = True
        with self._lock:
            spares = list(self._spare.values())
            self._spare.clear()

        async def _close() -> None:
            for km in list(self._active):
                await self._shutdown(km)
            for started in spares:
                try:
                    km = await asyncio.wrap_future(started)
                except Exception:
                    continue
                await self._shutdown(km)
            pending = [asyncio.wrap_future(f) for f in list(self._background)]
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)

        try:
            asyncio.run_coroutine_threadsafe(_close(), self._loop).result(timeout=30)
        except Exception:
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        for zygote in self._zygotes.values():
            zygote.close()
        self._zygotes.clear()

    # -- coroutines on the pool's loop --------------------------------------------------------

    def _zygote(self, settings: KernelSettings):
        from analysis.engine.zygote import Zygote, ZygoteClient

        if settings.zygote_socket:
            return ZygoteClient(settings.zygote_socket)
        with self._lock:
            zygote = self._zygotes.get(settings)
            if zygote is None or not zygote.alive():
                zygote = self._zygotes[settings] = Zygote(
                    settings.environment(), settings.cwd, (*BASE_PREIMPORTS, *settings.preimports), BLOCKED_IMPORTS
                )
            return zygote

    async def _start(self, settings: KernelSettings):
        if settings.fork:
            from analysis.engine.zygote import fork_kernel_manager

            km = fork_kernel_manager(self._zygote(settings), kernel_name=settings.kernel_name)
        else:
            from jupyter_client.manager import AsyncKernelManager

            km = AsyncKernelManager(kernel_name=settings.kernel_name)
        await km.start_kernel(
            extra_arguments=[
                "--HistoryManager.hist_file=:memory:",
                f"--IPKernelApp.exec_lines={settings.exec_line()}",
            ],
            env=settings.environment(),
            cwd=settings.cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return km

    async def _shutdown(self, km) -> None:
        try:
            await km.shutdown_kernel(now=True)
        except Exception:
            pass

    def _shutdown_later(self, km) -> None:
        future = asyncio.run_coroutine_threadsafe(self._shutdown(km), self._loop)
        self._background.add(future)
        future.add_done_callback(self._background.discard)

    async def _execute(self, started: Future, nb: Any, settings: KernelSettings, after_done=None) -> ExecResult:
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError

        t0 = time.perf_counter()
        km = await asyncio.wrap_future(started)
        self._active.add(km)
        client = NotebookClient(
            nb,
            km=km,
            timeout=settings.cell_timeout,
            startup_timeout=settings.startup_timeout,
            allow_errors=False,
            record_timing=False,
            kernel_name=settings.kernel_name,
            resources={"metadata": {"path": settings.cwd}},
        )
        failure: CellFailure | None = None
        deps: list[str] | None = None
        timings: dict[str, float] = {}
        injected = [i for i, c in enumerate(nb.cells) if INJECTED_TAG in c.metadata.get("tags", [])]
        try:
            async with client.async_setup_kernel():
                timings["kernel_ready"] = time.perf_counter() - t0
                msg_id = await _maybe(client.kc.kernel_info())
                info = await client.async_wait_for_reply(msg_id)
                if info is not None and "language_info" in info["content"]:
                    nb.metadata["language_info"] = info["content"]["language_info"]
                for index, cell in enumerate(nb.cells):
                    try:
                        await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                    except CellExecutionError as exc:
                        failure = _failure(nb, index, injected, exc)
                        break
                    except Exception as exc:  # dead kernel, timeout
                        failure = _failure(nb, index, injected, exc)
                        break
                if after_done is not None:
                    after_done()
                if failure is not None and failure.cell_index >= 0:
                    failure.input_error = await _ask_bool(client, INPUT_ERROR_EXPRESSION)
                if failure is None:
                    deps = await _ask_deps(client)
        except Exception as exc:  # the kernel never became ready
            if failure is None:
                failure = CellFailure(-1, None, type(exc).__name__, str(exc), "", "(kernel start)")
        finally:
            if client.kc is not None:
                try:
                    client.kc.stop_channels()
                except Exception:
                    pass
            self._active.discard(km)
            self._shutdown_later(km)
        clean_notebook(nb)
        timings["execute"] = time.perf_counter() - t0
        return ExecResult(nb=nb, deps=deps, failure=failure, seconds=timings["execute"], timings=timings)


async def _maybe(value: Any) -> Any:
    return await value if asyncio.iscoroutine(value) or isinstance(value, asyncio.Future) else value


async def _ask_deps(client) -> list[str] | None:
    """The kernel's :func:`analysis.data.package.accessed_resources` (None if it cannot say)."""
    try:
        msg_id = client.kc.execute(
            "", silent=True, store_history=False, user_expressions={"deps": DEPS_EXPRESSION}
        )
        reply = await client.async_wait_for_reply(msg_id)
        value = reply["content"]["user_expressions"]["deps"]
        if value.get("status") != "ok":
            return None
        return list(json.loads(ast.literal_eval(value["data"]["text/plain"])))
    except Exception:
        return None


async def _ask_bool(client, expression: str) -> bool:
    try:
        msg_id = client.kc.execute("", silent=True, store_history=False, user_expressions={"value": expression})
        reply = await client.async_wait_for_reply(msg_id)
        value = reply["content"]["user_expressions"]["value"]
        return value.get("status") == "ok" and value["data"]["text/plain"] == "True"
    except Exception:
        return False


def _failure(nb: Any, index: int, injected: list[int], exc: Exception) -> CellFailure:
    cell = nb.cells[index]
    source_index = index - sum(1 for i in injected if i < index)
    ename = getattr(exc, "ename", None) or type(exc).__name__
    evalue = getattr(exc, "evalue", None)
    if evalue is None:
        evalue = str(exc).strip().splitlines()[-1] if str(exc).strip() else ""
    traceback = _ANSI.sub("", getattr(exc, "traceback", "") or str(exc))
    head = next((line for line in cell.source.splitlines() if line.strip()), "")
    return CellFailure(
        cell_index=source_index,
        execution_count=cell.get("execution_count"),
        ename=str(ename),
        evalue=str(evalue),
        traceback=traceback,
        source_head=head[:120],
    )
