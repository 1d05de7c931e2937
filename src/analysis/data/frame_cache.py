"""Parse each data file once per build: loaders' frames cached on disk by the content of their inputs.

Every report kernel of a build reads the same raw files (155 MCS tables, Comtrade extracts, the
IEA workbook …) and would parse them again: seconds of CPU per kernel. With the environment
variable ``ECONSEC_FRAME_CACHE`` naming a directory (the build engine sets it to
``reports/_cache/frames``), :func:`cached` stores a loader's result there as a pickle and later
calls load it in milliseconds. Without the variable nothing is cached (an analyst's session
reads the files as before).

A result is keyed by the sha256 of every input file's bytes (and its path), the loader's name and arguments,
and a fingerprint of the loading code (the source of ``analysis.data`` and the foundation
modules, and the pandas version): a changed file or a changed reader is parsed again, never
served stale. The loaders still call :func:`analysis.data.package.check_resource` for every
file before asking the cache, so hashes are checked against ``datapackage.json`` and each
report's data dependencies are recorded exactly as without the cache.

Entries are written atomically (temporary file, then rename), so kernels running in parallel
never read half an entry; an unreadable entry is treated as missing and rewritten. The cache
stays bounded: a hit refreshes the entry's modification time, and writing an entry removes all
but the :data:`KEEP` most recently used entries of the same loader and file.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pickle
import re
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import pandas as pd

from analysis.data.package import sha256_file

ENV = "ECONSEC_FRAME_CACHE"
#: Entries kept per loader and file (the current state and one earlier, e.g. before an edit).
KEEP = 2
T = TypeVar("T")

_PACKAGE = Path(__file__).resolve().parents[1]
_FOUNDATION = ("errors.py", "paths.py", "vocabulary.py", "text.py")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 over the loading code (``analysis/data/**/*.py``, foundation modules) and pandas' version."""
    digest = hashlib.sha256(pd.__version__.encode())
    files = sorted((_PACKAGE / "data").rglob("*.py")) + [_PACKAGE / name for name in _FOUNDATION]
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(_PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(name: str, inputs: Iterable[str | Path], *args: object) -> str:
    """Key of a loader's result: its name, arguments, input files' contents and the code fingerprint."""
    digest = hashlib.sha256(f"{name}\0{args!r}\0{code_fingerprint()}".encode())
    for path in inputs:  # the path too: a frame may carry it (error messages, source columns)
        digest.update(f"\0{Path(path).resolve()}\0{sha256_file(path)}".encode())
    return digest.hexdigest()


def cache_dir() -> Path | None:
    """The cache directory named by ``ECONSEC_FRAME_CACHE``, or ``None`` (no caching)."""
    value = os.environ.get(ENV, "").strip()
    return Path(value) if value else None


def cached(name: str, inputs: Iterable[str | Path], build: Callable[[], T], *args: object) -> T:
    """``build()``, or its stored result for the same input files, arguments and code.

    ``name`` identifies the loader (e.g. ``"usgs.load_usgs"``), ``inputs`` are the files the
    result is computed from (already hash-checked by the caller), ``args`` any other input that
    changes the result. Each call returns a fresh object (loaded from disk), so callers may
    modify it.
    """
    directory = cache_dir()
    if directory is None:
        return build()
    inputs = list(inputs)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    path = directory / f"{stem}--{cache_key(name, inputs, *args)[:32]}.pickle"
    try:
        with open(path, "rb") as handle:
            result = pickle.load(handle)
        os.utime(path)
        return result
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a damaged or foreign entry: parse again and replace it
        pass
    result = build()
    directory.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("wb", dir=directory, prefix=f".{path.name}.", delete=False)
    try:
        with handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    _prune(directory, stem)
    return result


def _prune(directory: Path, stem: str) -> None:
    """Remove all but the :data:`KEEP` most recently used entries named ``stem--*``."""
    entries = []
    for entry in directory.glob(f"{glob.escape(stem)}--*.pickle"):
        try:
            entries.append((entry.stat().st_mtime_ns, entry))
        except FileNotFoundError:  # removed by a parallel kernel
            continue
    for _, entry in sorted(entries, reverse=True)[KEEP:]:
        entry.unlink(missing_ok=True)


def read_cached(reader: Callable[..., T], path: str | Path, *args: object) -> T:
    """``reader(path, *args)`` through :func:`cached`: a file reader's result keyed by the file."""
    name = f"{reader.__module__.rsplit('.', 1)[-1]}.{reader.__qualname__}.{Path(path).name}"
    return cached(name, [path], lambda: reader(path, *args), *args)
