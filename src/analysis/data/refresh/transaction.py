"""Atomic changes to ``data/``: stage, validate, then move into place — or change nothing.

A :class:`DataTransaction` collects new raw files and new resource entries in a staging folder
next to ``data/`` (same filesystem, so the final moves are renames). Before anything in
``data/`` is touched it validates the new package: the Frictionless descriptor, every new
file's size and sha256, and whatever check the caller passes (e.g. "the loaders read the new
state"), on a *view* of the new state — a folder holding the new ``datapackage.json``, the
staged files and symbolic links to the existing raw files, which loaders read like ``data/``.

:meth:`DataTransaction.commit` then

1. renames the staged raw files into ``data/raw/…`` (new paths only: raw files are never
   overwritten),
2. writes the previous ``datapackage.json`` to ``data/history/<UTC time>-<action>.json``,
3. replaces ``datapackage.json`` with :func:`os.replace` (atomic on POSIX).

Any exception before step 3 completes — including ``KeyboardInterrupt`` — undoes steps 1–2,
so ``data/`` is byte-for-byte what it was. Only a hard kill between steps 1 and 3 can leave a
new file that no resource names; ``econsec data status`` lists such untracked files.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from analysis.data.package import sha256_file
from analysis.data.refresh import RefreshError
from analysis.paths import data_dir as default_data_dir
from analysis.paths import slug

HISTORY_DIR = "history"
PACKAGE_FILE = "datapackage.json"


def utc_now() -> datetime:
    """Current UTC time to the second (retrieval times are recorded at this precision)."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso_time(moment: datetime) -> str:
    """``2026-11-25T13:05:01Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def compact_time(moment: datetime) -> str:
    """``20261125T130501Z`` (for file and resource names)."""
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def dump_package(package: dict[str, Any]) -> bytes:
    """``datapackage.json`` bytes in the house format (2-space indent, UTF-8, final newline)."""
    return (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def descriptor_errors(package: dict[str, Any]) -> list[str]:
    """Problems with a package descriptor: Frictionless's profile check plus the house rules.

    House rules: unique resource names; paths relative, inside ``data/``; ``hash`` is
    ``sha256:<64 hex>``; ``bytes`` an integer.
    """
    from frictionless import Package  # imported here: a second's start-up cost, only when writing

    problems = [f"{error.type}: {error.note}" for error in Package.validate_descriptor(package).errors]
    names: set[str] = set()
    for entry in package.get("resources", []):
        name = entry.get("name", "?")
        if name in names:
            problems.append(f"resource name {name!r} is used twice")
        names.add(name)
        path = entry.get("path", "")
        if not isinstance(path, str) or path.startswith("/") or ".." in Path(path).parts:
            problems.append(f"resource {name!r}: path {path!r} must be relative and inside data/")
        if not re.fullmatch(r"sha256:[0-9a-f]{64}", str(entry.get("hash", ""))):
            problems.append(f"resource {name!r}: hash {entry.get('hash')!r} is not sha256:<hex>")
        if not isinstance(entry.get("bytes"), int):
            problems.append(f"resource {name!r}: bytes {entry.get('bytes')!r} is not an integer")
    return problems


def _link_tree(package: dict[str, Any], data_dir: Path, view: Path, skip: set[str]) -> None:
    """Symbolic links in ``view`` to every existing resource file of ``package`` (except ``skip``)."""
    for entry in package.get("resources", []):
        rel = entry.get("path")
        if not isinstance(rel, str) or rel in skip:
            continue
        target = data_dir / rel
        if not target.exists():
            continue  # the loader's hash check will name the missing file
        link = view / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            link.symlink_to(target)


@contextlib.contextmanager
def package_view(package: dict[str, Any], data_dir: Path | None = None) -> Iterator[Path]:
    """A temporary folder where ``package`` reads like ``data/``; yields its ``datapackage.json`` path.

    Used to load an earlier state of the package (a ``data/history`` snapshot or a git ref)
    with the ordinary loaders: raw files are immutable, so the old entries still match the
    files on disk.
    """
    data_dir = (data_dir or default_data_dir()).resolve()
    with tempfile.TemporaryDirectory(prefix="econsec-view-") as folder:
        view = Path(folder)
        _link_tree(package, data_dir, view, skip=set())
        (view / PACKAGE_FILE).write_bytes(dump_package(package))
        yield view / PACKAGE_FILE


class DataTransaction:
    """Stage new raw files and resource entries; :meth:`commit` applies them atomically.

    Use as a context manager: the staging folder is removed on exit, committed or not::

        with DataTransaction("import-mcs-usgs-mcs-2026-world") as tx:
            tx.add_file("raw/usgs-mcs-2026/MCS2026_World_Data.csv", source=path)
            tx.add_resource(entry)
            load_usgs(tx.view())          # raises → nothing changes
            tx.commit()
    """

    def __init__(self, action: str, data_dir: Path | None = None, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.data_dir = (data_dir or default_data_dir()).resolve()
        self.package_path = self.data_dir / PACKAGE_FILE
        if not self.package_path.exists():
            raise RefreshError(f"{self.package_path}: no data package here (set ECONSEC_ROOT to the project folder)")
        self.original = self.package_path.read_bytes()
        try:
            self.package: dict[str, Any] = json.loads(self.original)
        except json.JSONDecodeError as exc:
            raise RefreshError(f"{self.package_path}: not valid JSON ({exc}); restore it from git before refreshing") from None
        self.action = slug(action)
        self.time = clock()
        self._files: dict[str, Path] = {}
        self._staging: Path | None = None

    # -- context ---------------------------------------------------------------------------
    def __enter__(self) -> DataTransaction:
        parent = self.data_dir.parent
        staging = Path(tempfile.mkdtemp(prefix=".econsec-staging-", dir=parent))
        if staging.stat().st_dev != self.data_dir.stat().st_dev:  # renames must not cross filesystems
            staging.rmdir()
            staging = Path(tempfile.mkdtemp(prefix=".econsec-staging-", dir=self.data_dir))
        self._staging = staging
        (staging / "view").mkdir()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None

    @property
    def staging(self) -> Path:
        if self._staging is None:
            raise RuntimeError("use DataTransaction as a context manager")
        return self._staging

    @property
    def resource_names(self) -> set[str]:
        return {e["name"] for e in self.package["resources"]}

    # -- staging ---------------------------------------------------------------------------
    def add_file(self, rel: str, *, source: Path | None = None, data: bytes | None = None) -> Path:
        """Stage a new raw file at ``data/<rel>`` (copied byte for byte from ``source``, or ``data``)."""
        if (source is None) == (data is None):
            raise TypeError("give exactly one of source= or data=")
        parts = Path(rel).parts
        if Path(rel).is_absolute() or ".." in parts or not parts or parts[0] != "raw":
            raise RefreshError(f"new files go under data/raw/; refusing path {rel!r}")
        if (self.data_dir / rel).exists() or (self.data_dir / rel).is_symlink():
            raise RefreshError(f"{self.data_dir / rel} already exists; raw files are never overwritten")
        if rel in self._files:
            raise RefreshError(f"{rel} is staged twice")
        staged = self.staging / "view" / rel
        try:
            staged.parent.mkdir(parents=True, exist_ok=True)
            if source is not None:
                shutil.copyfile(source, staged)
                if sha256_file(staged) != sha256_file(source):
                    raise RefreshError(f"copy of {source} differs from the original; nothing was written")
            else:
                staged.write_bytes(data)  # type: ignore[arg-type]
        except OSError as exc:
            raise RefreshError(f"could not stage {rel} in {self.staging.parent} ({exc}); nothing was written") from None
        self._files[rel] = staged
        return staged

    def add_resource(self, entry: dict[str, Any]) -> None:
        """Append a resource entry (its name must be new)."""
        if entry["name"] in self.resource_names:
            raise RefreshError(f"resource {entry['name']!r} is already in {self.package_path}")
        self.package["resources"].append(entry)

    def view(self) -> Path:
        """``datapackage.json`` path of the staged state, readable by every loader."""
        view = self.staging / "view"
        _link_tree(self.package, self.data_dir, view, skip=set(self._files))
        path = view / PACKAGE_FILE
        path.write_bytes(dump_package(self.package))
        return path

    def validate(self) -> None:
        """Descriptor rules and every staged file's size and hash; raises :class:`RefreshError`."""
        problems = descriptor_errors(self.package)
        by_path = {e["path"]: e for e in self.package["resources"]}
        for rel, staged in self._files.items():
            entry = by_path.get(rel)
            if entry is None:
                problems.append(f"staged file {rel} belongs to no resource")
                continue
            if entry.get("bytes") != staged.stat().st_size:
                problems.append(f"resource {entry['name']!r}: bytes {entry.get('bytes')} ≠ file size {staged.stat().st_size}")
            if entry.get("hash") != f"sha256:{sha256_file(staged)}":
                problems.append(f"resource {entry['name']!r}: recorded hash differs from the staged file")
        if problems:
            raise RefreshError("the new data package would be invalid, nothing was written: " + "; ".join(problems[:5]))

    # -- commit ----------------------------------------------------------------------------
    def snapshot_name(self) -> str:
        """``<UTC time>-<action>.json``; ``<UTC time>.<n>-…`` for the n-th change within one second."""
        stamp = compact_time(self.time)
        name = f"{stamp}-{self.action}.json"
        n = 1
        while (self.data_dir / HISTORY_DIR / name).exists():
            n += 1
            name = f"{stamp}.{n}-{self.action}.json"
        return name

    def unique_name(self, prefix: str, folder: str) -> tuple[str, str]:
        """(resource name, raw folder) for a new pull: ``<prefix>-<utc time>`` and ``raw/<folder>/<UTC time>``.

        Two pulls within the same second get ``-2``, ``-3`` … so nothing is overwritten.
        """
        stamp = compact_time(self.time)
        n = 1
        while True:
            suffix = "" if n == 1 else f"-{n}"
            name, rel = f"{prefix}-{stamp.lower()}{suffix}", f"raw/{folder}/{stamp}{suffix}"
            if name not in self.resource_names and not (self.data_dir / rel).exists():
                return name, rel
            n += 1

    def commit(self) -> Path:
        """Move staged files into ``data/``, keep the old package in ``data/history/``, replace the package.

        Returns the snapshot path. On any exception, everything done so far is undone.
        """
        self.validate()
        new_package = self.staging / "datapackage.json.new"
        snapshot_staged = self.staging / "snapshot.json"
        try:
            new_package.write_bytes(dump_package(self.package))
            snapshot_staged.write_bytes(self.original)
        except OSError as exc:
            raise RefreshError(f"could not stage the new datapackage.json ({exc}); nothing was written") from None
        if self.package_path.read_bytes() != self.original:
            raise RefreshError(f"{self.package_path} changed while this command ran; nothing was written — run it again")
        snapshot = self.data_dir / HISTORY_DIR / self.snapshot_name()

        undo: list[Callable[[], None]] = []
        try:
            for rel, staged in self._files.items():
                destination = self.data_dir / rel
                undo.extend(_make_parents(destination.parent))
                os.rename(staged, destination)
                undo.append(lambda d=destination: d.unlink())
            undo.extend(_make_parents(snapshot.parent))
            os.rename(snapshot_staged, snapshot)
            undo.append(lambda: snapshot.unlink())
            os.replace(new_package, self.package_path)
        except BaseException as exc:
            for step in reversed(undo):
                with contextlib.suppress(OSError):
                    step()
            if isinstance(exc, OSError):
                raise RefreshError(f"could not write to {self.data_dir} ({exc}); every change was undone, nothing was written") from None
            raise
        return snapshot


def _make_parents(folder: Path) -> list[Callable[[], None]]:
    """Create ``folder`` and missing parents; return undo steps (remove them, deepest last in list)."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    steps: list[Callable[[], None]] = []
    for path in reversed(missing):  # shallowest first
        path.mkdir()
        steps.append(lambda p=path: p.rmdir())
    return steps
