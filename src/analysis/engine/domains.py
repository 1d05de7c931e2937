"""Allowed parameter values: the domain functions of the module ``[project] domains`` names.

A parameter's ``domain`` in ``publications.toml`` names a function of that module (for the
reports, :mod:`analysis.reports.domains`); the engine knows nothing of the data behind it. Validation runs before
any kernel starts and ``econsec list`` must answer at once, so values are cached twice: in the
process, and on disk (``reports/_cache/domains.json``) keyed by the data package fingerprint
and the ``analysis`` source digest. Only a cache miss imports pandas and reads the data.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analysis.engine.files import atomic_write_text


Domain = Callable[[], list[Any]]


@functools.lru_cache(maxsize=None)
def registry(module: str | None) -> dict[str, tuple[Domain, str]]:
    """name → (function, one-line description) of the domain module ``[project] domains`` names.

    The module lists its domain functions in ``__all__``; a description is the first line of the
    function's docstring. ``None`` (no module declared) gives no domains.
    """
    if not module:
        return {}
    try:
        loaded = importlib.import_module(module)
    except ImportError as exc:
        from analysis.errors import ParameterError

        raise ParameterError(f"publications.toml: [project] domains = {module!r} cannot be imported ({exc})") from None
    names = getattr(loaded, "__all__", [n for n, v in vars(loaded).items() if callable(v) and not n.startswith("_")])
    out: dict[str, tuple[Domain, str]] = {}
    for name in names:
        function = getattr(loaded, name)
        out[name] = (function, (function.__doc__ or "").strip().splitlines()[0] if function.__doc__ else "")
    return out


class DomainCache:
    """Domain values for one build: memory first, then disk, then the data."""

    def __init__(self, store: Path | None, key: str, module: str | None = None) -> None:
        self.store = store
        self.key = key
        self.registry = registry(module)
        self._values: dict[str, list[Any]] = {}
        self._dirty = False
        if store is not None and store.exists():
            try:
                saved = json.loads(store.read_text(encoding="utf-8"))
                if saved.get("key") == key:
                    self._values = saved.get("values", {})
            except (OSError, ValueError):
                pass

    def __call__(self, name: str) -> list[Any]:
        if name not in self._values:
            if name not in self.registry:
                from analysis.engine.params import unknown_name

                raise unknown_name(name, sorted(self.registry), "publications.toml", "domain")
            import warnings

            with warnings.catch_warnings():  # the data layer's warnings belong to reports, not to validation
                warnings.simplefilter("ignore")
                self._values[name] = list(self.registry[name][0]())
            self._dirty = True
        return self._values[name]

    def save(self) -> None:
        """Keep computed values for the next run (called once validation has passed)."""
        if self.store is None or not self._dirty:
            return
        self._dirty = False
        self.store.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.store, json.dumps({"key": self.key, "values": self._values}, sort_keys=True))
