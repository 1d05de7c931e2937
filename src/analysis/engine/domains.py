"""Allowed parameter values, drawn from the data package.

A parameter's ``domain`` in ``publications.toml`` names a function here. Validation runs before
any kernel starts and ``econsec list`` must answer at once, so values are cached twice: in the
process, and on disk (``reports/_cache/domains.json``) keyed by the data package fingerprint
and the ``analysis`` source digest. Only a cache miss imports pandas and reads the data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analysis.engine.files import atomic_write_text

#: The two partners the reports are about (country names as the trade data spells them).
PARTNERS = ("India", "Japan")
PRODUCTION_MEASURES = ("mine_production", "refinery_production")

#: name → (function, one-line description)
REGISTRY: dict[str, tuple[Callable[[], list[Any]], str]] = {}


def domain(description: str) -> Callable[[Callable[[], list[Any]]], Callable[[], list[Any]]]:
    def register(function: Callable[[], list[Any]]) -> Callable[[], list[Any]]:
        REGISTRY[function.__name__] = (function, description)
        return function

    return register


def _usgs():
    from analysis.data import load_usgs

    return load_usgs()


@domain("USGS commodities with a numeric mine or refinery production figure for some country")
def minerals() -> list[str]:
    from analysis.indicators.concentration import available

    usgs = _usgs()
    names: set[str] = set()
    for measure in PRODUCTION_MEASURES:
        names.update(available(usgs, measure))
    return sorted(names)


@domain("years with USGS production figures")
def production_years() -> list[int]:
    usgs = _usgs()
    rows = usgs[usgs["measure"].isin(PRODUCTION_MEASURES) & usgs["value_t"].notna()]
    return sorted(int(y) for y in rows["year"].unique())


@domain("India and Japan, as reporters in the UN Comtrade data")
def trade_countries() -> list[str]:
    from analysis.data import load_quad_imports

    reporters = set(load_quad_imports()["reporter"].astype(str))
    return [name for name in PARTNERS if name in reporters]


@domain("countries with a numeric USGS mine or refinery production figure")
def suppliers() -> list[str]:
    usgs = _usgs()
    rows = usgs[
        (usgs["entity_kind"] == "country") & usgs["measure"].isin(PRODUCTION_MEASURES) & usgs["value_t"].notna()
    ]
    return sorted(str(c) for c in rows["country"].unique())


class DomainCache:
    """Domain values for one build: memory first, then disk, then the data."""

    def __init__(self, store: Path | None, key: str) -> None:
        self.store = store
        self.key = key
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
            if name not in REGISTRY:
                from analysis.engine.params import unknown_name

                raise unknown_name(name, sorted(REGISTRY), "publications.toml", "domain")
            import warnings

            with warnings.catch_warnings():  # the data layer's warnings belong to reports, not to validation
                warnings.simplefilter("ignore")
                self._values[name] = list(REGISTRY[name][0]())
            self._dirty = True
        return self._values[name]

    def save(self) -> None:
        """Keep computed values for the next run (called once validation has passed)."""
        if self.store is None or not self._dirty:
            return
        self._dirty = False
        self.store.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.store, json.dumps({"key": self.key, "values": self._values}, sort_keys=True))
