"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Data goes to a hidden temporary file in the same folder (``.<name>.tmp-<pid>``), is flushed
and fsync'ed, then renamed over the target (``os.replace`` is atomic on POSIX). Temporaries left
by a killed build are removed by :func:`remove_stale_temporaries` at the start of the next.
"""

from __future__ import annotations

import os
from pathlib import Path

TMP_MARK = ".tmp-"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def read_text_or_none(path: Path) -> str | None:
    """The UTF-8 text of ``path``, or None when it cannot be read (missing, a folder …)."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete ``.*.tmp-<pid>`` files in ``folder`` and its sub-folders (left by a crash)."""
    removed = []
    if not folder.exists():
        return removed
    for path in folder.rglob(f".*{TMP_MARK}*"):
        if path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
