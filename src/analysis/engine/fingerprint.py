"""Content digests that decide whether a report must be rebuilt, and the build's stamps.

Everything here is cheap (no pandas, no nbconvert): a no-op build of the whole matrix must take
well under a second, so file hashes are remembered by ``(size, mtime_ns, inode)`` and only
re-read when a file's stat changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import analysis
from analysis.engine.files import atomic_write_text

#: Distributions whose version changes what a report looks like (execution, charts, conversion).
OUTPUT_PACKAGES = (
    "altair",
    "vl-convert-python",
    "vega-datasets",
    "pandas",
    "numpy",
    "ipykernel",
    "ipython",
    "jupyter_client",
    "nbclient",
    "nbconvert",
    "nbformat",
    "papermill",
    "mistune",
    "pygments",
    "jinja2",
    "weasyprint",
    "pydyf",
    "tinycss2",
    "cssselect2",
    "fonttools",
    "pillow",  # chart-card PNG previews
)

#: Files of ``analysis/engine`` that shape report content. The rest of the engine (CLI, runner,
#: cache bookkeeping) can change without invalidating every report.
BUILD_OUTPUT_FILES = ("execute.py", "vega.py", "html.py", "pdf.py", "worker.py", "cards.py", "site.py")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest(*parts: Any) -> str:
    """sha256 of the canonical JSON of ``parts``."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def package_dir() -> Path:
    return Path(analysis.__file__).resolve().parent


def source_files() -> list[Path]:
    """Source files of the ``analysis`` package that shape reports (sorted)."""
    root = package_dir()
    files: list[Path] = []
    for path in root.rglob("*"):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(root)
        if relative.parts[0] == "engine":
            in_templates = len(relative.parts) > 1 and relative.parts[1] == "templates"
            if not in_templates and relative.as_posix()[len("engine/"):] not in BUILD_OUTPUT_FILES:
                continue
        elif path.suffix not in (".py", ".json", ".toml", ".csv", ".css", ".j2"):
            continue
        files.append(path)
    return sorted(files)


def sources_digest(hasher: FileHasher) -> str:
    """Digest of the ``analysis`` source (library + templates + the output-shaping engine files)."""
    root = package_dir()
    return digest([(p.relative_to(root).as_posix(), hasher.sha256(p)) for p in source_files()])


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Versions of Python and of the :data:`OUTPUT_PACKAGES` that are installed."""
    found = {"python": sys.version.split()[0]}
    for name in OUTPUT_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


class FileHasher:
    """sha256 of files, remembered across builds by ``(size, mtime_ns, inode)``."""

    def __init__(self, store: Path | None = None) -> None:
        self.store = store
        self._known: dict[str, list[Any]] = {}
        self._dirty = False
        if store is not None and store.exists():
            try:
                self._known = json.loads(store.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._known = {}

    def sha256(self, path: Path) -> str:
        key = str(path)
        stat = path.stat()
        signature = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
        known = self._known.get(key)
        if known is not None and known[:3] == signature:
            return known[3]
        digest_ = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest_.update(block)
        value = digest_.hexdigest()
        self._known[key] = [*signature, value]
        self._dirty = True
        return value

    def save(self) -> None:
        if self.store is not None and self._dirty:
            self.store.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.store, json.dumps(self._known, sort_keys=True))
            self._dirty = False


def read_package(package_path: Path) -> dict[str, Any]:
    return json.loads(package_path.read_text(encoding="utf-8"))


#: Prefix of the pseudo-resources standing for "every resource of one kind" (see :func:`data_state`).
KIND_PREFIX = "kind:"


def data_state(package_path: Path, hasher: FileHasher) -> dict[str, dict[str, str | None]]:
    """Per resource: the sha256 ``datapackage.json`` records and the sha256 of the file's bytes."""
    package = read_package(package_path)
    state: dict[str, dict[str, str | None]] = {}
    for entry in package.get("resources", []):
        path = (package_path.parent / entry["path"]).resolve()
        algorithm, _, recorded = str(entry.get("hash", "")).partition(":")
        actual = hasher.sha256(path) if path.exists() else None
        state[entry["name"]] = {
            "recorded": recorded if algorithm == "sha256" else None,
            "actual": actual,
            "path": str(path),
        }
    # Loaders that discover resources by kind (every USGS edition, every Comtrade pull) depend on
    # the *set* of resources of that kind: a new edition must rebuild them although none of the
    # files they read before changed. Each kind is a pseudo-resource "kind:<kind>" whose hash is
    # the digest of its members' names and recorded hashes.
    kinds: dict[str, list[str]] = {}
    for entry in package.get("resources", []):
        kind = (entry.get("econsec") or {}).get("kind")
        if kind:
            kinds.setdefault(kind, []).append(f"{entry['name']}={entry.get('hash', '')}")
    for kind, members in kinds.items():
        members_digest = digest(sorted(members))
        state[f"{KIND_PREFIX}{kind}"] = {"recorded": members_digest, "actual": members_digest, "path": ""}
    return state


def package_version(package_path: Path) -> dict[str, str]:
    """``version`` and a short fingerprint of every recorded hash (the data version)."""
    package = read_package(package_path)
    hashes = sorted((e["name"], e.get("hash", "")) for e in package.get("resources", []))
    return {
        "version": str(package.get("version", "")),
        "created": str(package.get("created", "")),
        "fingerprint": digest(hashes)[:12],
    }


def source_date_epoch(package_path: Path) -> int:
    """``SOURCE_DATE_EPOCH`` if set, else the data package's ``created`` time (else 0).

    The build date printed in reports therefore changes with the data, not with the clock, and
    two builds of the same inputs are byte-identical.
    """
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env:
        try:
            return int(env)
        except ValueError:
            from analysis.errors import EconsecError

            raise EconsecError(f"SOURCE_DATE_EPOCH must be an integer number of seconds, got {env!r}") from None
    try:
        created = read_package(package_path).get("created", "")
        moment = datetime.fromisoformat(str(created).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return int(moment.timestamp())
    except (OSError, ValueError):
        return 0


def hash_files(paths: Iterable[Path], hasher: FileHasher) -> str:
    return digest([(str(p), hasher.sha256(p)) for p in sorted(paths)])
