"""Fork-server for build kernels: every report still gets a fresh kernel process, but it is
forked from a warm parent instead of booting Python, IPython and pandas from scratch.

A starting ipykernel spends about a second of CPU before it runs the first cell: interpreter
start, ``ipykernel``/``IPython`` imports, then the notebooks' imports (pandas, altair, the
analysis package). On a 2-core machine building many reports that second is the largest cost
left after the notebooks themselves. The **zygote** pays it once per worker: it imports
everything the kernels need, then waits for requests; each request forks a child that calls
``IPKernelApp.launch_instance`` with the connection file jupyter_client wrote — the same
kernel a ``python -m ipykernel_launcher -f …`` would be, minus the import time, with its
memory shared copy-on-write with the zygote.

Isolation is unchanged: each report's kernel is its own process with its own state (a copy of
the zygote's, which has imported modules and run nothing else — no data is loaded there, so
``accessed_resources()`` starts empty). A kernel dies with its zygote (ipykernel's parent
poller), and the zygote exits when its owner closes the pipe or dies.

:class:`ForkKernelManager` plugs this into jupyter_client through a kernel provisioner, so
nbclient drives a forked kernel exactly like any other.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from typing import Any

#: Never imported in the zygote: they read the environment ipykernel sets up at kernel start.
NOT_IN_ZYGOTE = ("matplotlib", "ipywidgets")


class Zygote:
    """A warm parent process (``python -m analysis.engine.zygote``) that forks kernels.

    Requests come through its stdin pipe (:meth:`fork`) or, when ``socket_path`` is given,
    through a Unix socket that several worker processes share (:class:`ZygoteClient`). The
    zygote exits when its stdin closes, i.e. when the process that started it ends.
    """

    def __init__(
        self,
        env: dict[str, str],
        cwd: str,
        preimports: tuple[str, ...],
        blocked: tuple[str, ...],
        socket_path: str | None = None,
    ) -> None:
        self.lock = threading.Lock()
        self.socket_path = socket_path
        config = {"preimports": list(preimports), "blocked": list(blocked), "socket": socket_path}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "analysis.engine.zygote", json.dumps(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            text=True,
            bufsize=1,
            start_new_session=True,  # Ctrl-C in the terminal is for the build, not for kernels
        )
        self.ready = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def _reply(self) -> dict[str, Any]:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"kernel zygote (pid {self.pid}) exited with code {self.process.wait()}")
        return json.loads(line)

    def fork(self, argv: list[str], cwd: str | None) -> int:
        """Fork a kernel running ``ipykernel_launcher`` ``argv``; returns its pid."""
        with self.lock:
            if not self.ready:
                self._reply()  # {"ready": pid} once imports are done
                self.ready = True
            self.process.stdin.write(json.dumps({"argv": argv, "cwd": cwd}) + "\n")
            self.process.stdin.flush()
            return int(self._reply()["pid"])

    def close(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ZygoteClient:
    """Asks a :class:`Zygote` started by another process to fork, through its Unix socket."""

    def __init__(self, socket_path: str, timeout: float = 180.0) -> None:
        self.socket_path = socket_path
        self.timeout = timeout

    def alive(self) -> bool:
        return os.path.exists(self.socket_path)

    def fork(self, argv: list[str], cwd: str | None) -> int:
        import socket

        deadline = time.monotonic() + self.timeout
        while True:  # the zygote listens once its imports are done
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                conn.connect(self.socket_path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                conn.close()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"kernel zygote at {self.socket_path} is not answering") from None
                time.sleep(0.05)
        with conn, conn.makefile("rw", encoding="utf-8") as stream:
            stream.write(json.dumps({"argv": argv, "cwd": cwd}) + "\n")
            stream.flush()
            line = stream.readline()
        if not line:
            raise RuntimeError(f"kernel zygote at {self.socket_path} closed the connection")
        return int(json.loads(line)["pid"])

    def close(self) -> None:
        pass


class ForkedProcess:
    """The ``Popen``-like handle jupyter_client's provisioner expects, for a forked kernel.

    The kernel is the zygote's child (the zygote reaps it), so liveness is ``kill(pid, 0)``.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _provisioner_class():
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        """Launches the kernel by asking a :class:`Zygote` to fork it."""

        zygote: Zygote | ZygoteClient | None = None

        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            marker = "ipykernel_launcher"
            argv = cmd[cmd.index(marker) + 1:] if marker in cmd else cmd[1:]
            cwd = str(kwargs.get("cwd") or os.getcwd())
            loop = asyncio.get_running_loop()
            pid = await loop.run_in_executor(None, self.zygote.fork, argv, cwd)
            self.process = ForkedProcess(pid)
            self.pid = pid
            self.pgid = pid  # the child calls setsid()
            self.cwd = cwd
            return self.connection_info

    return ForkProvisioner


def fork_kernel_manager(zygote: Zygote | ZygoteClient, **kwargs: Any):
    """An ``AsyncKernelManager`` whose kernel is forked by ``zygote``."""
    from jupyter_client.manager import AsyncKernelManager

    km = AsyncKernelManager(**kwargs)
    km.kernel_id = km.kernel_id or str(uuid.uuid4())
    provisioner = _provisioner_class()(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
    provisioner.zygote = zygote
    km.provisioner = provisioner
    return km


# ----------------------------------------------------------------------------- the zygote


def _child(request: dict[str, Any]) -> None:
    """In the forked child: become a kernel (never returns)."""
    code = 1
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.close(devnull)
        if request.get("cwd"):
            os.chdir(request["cwd"])
        # The kernel exits when the zygote does (ipykernel's parent poller).
        argv = [*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = [sys.executable, "-m", "ipykernel_launcher", *argv]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=argv)
        code = 0
    finally:
        os._exit(code)


def serve(config: dict[str, Any]) -> None:
    for name in config.get("blocked", []):
        sys.modules.setdefault(name, None)
    import ipykernel.kernelapp  # noqa: F401
    import ipykernel.ipkernel  # noqa: F401

    for name in config.get("preimports", []):
        if name.split(".")[0] in NOT_IN_ZYGOTE:
            continue
        try:
            __import__(name)
        except Exception:
            pass
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = sys.stdout
    listener = None
    if config.get("socket"):
        import socket

        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(config["socket"] + ".tmp")
        os.rename(config["socket"] + ".tmp", config["socket"])  # appears only when listening
        listener.listen(16)
    out.write(json.dumps({"ready": os.getpid()}) + "\n")
    out.flush()
    if listener is None:
        for line in sys.stdin:
            pid = os.fork()
            if pid == 0:
                _child(json.loads(line))
            out.write(json.dumps({"pid": pid}) + "\n")
            out.flush()
        return
    import selectors

    selector = selectors.DefaultSelector()
    selector.register(sys.stdin, selectors.EVENT_READ)
    selector.register(listener, selectors.EVENT_READ)
    try:
        while True:
            for key, _ in selector.select():
                if key.fileobj is sys.stdin:
                    if not sys.stdin.readline():
                        return  # owner gone
                    continue
                conn, _ = listener.accept()
                with conn, conn.makefile("rw", encoding="utf-8") as stream:
                    line = stream.readline()
                    if not line:
                        continue
                    pid = os.fork()
                    if pid == 0:
                        listener.close()
                        stream.close()
                        conn.close()
                        _child(json.loads(line))
                    stream.write(json.dumps({"pid": pid}) + "\n")
                    stream.flush()
    finally:
        listener.close()
        try:
            os.unlink(config["socket"])
        except OSError:
            pass


if __name__ == "__main__":
    serve(json.loads(sys.argv[1]))
