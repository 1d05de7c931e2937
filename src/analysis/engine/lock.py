"""The build lock: one ``econsec build`` at a time per project (an advisory ``flock``)."""

from __future__ import annotations

import fcntl

from analysis.engine.cache import Project
from analysis.errors import EconsecError


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
